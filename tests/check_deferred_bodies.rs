//! `check` leaves unevaluated the resource bodies no rule reads (see
//! `arm::expand::bodies`). That must not change a single finding: every fixture (and,
//! with the `corpus` feature, every corpus template) is checked both ways and the
//! findings compared.

use std::path::{Path, PathBuf};

use acrlint::{check_file, CheckOptions, Engine};

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "bicep") {
            out.push(p);
        }
    }
}

/// Check every file both ways: (templates checked, files with findings, differences).
fn both_ways(files: &[PathBuf]) -> (usize, usize, Vec<String>) {
    let engine = Engine::builtin().unwrap();
    let lazy = CheckOptions::default();
    let full = CheckOptions {
        all_bodies: true,
        ..Default::default()
    };
    let mut checked = 0;
    let mut with_findings = 0;
    let mut differences = Vec::new();
    for f in files {
        let a = check_file(f, false, &engine, &lazy);
        let b = check_file(f, false, &engine, &full);
        checked += usize::from(a.checked);
        with_findings += usize::from(!b.findings.is_empty());
        let show = |o: &acrlint::FileOutcome| {
            o.findings
                .iter()
                .map(|f| format!("{f:?}"))
                .collect::<Vec<_>>()
        };
        if show(&a) != show(&b) || a.fatal != b.fatal || a.checked != b.checked {
            differences.push(format!(
                "{}:\n  deferred: {:#?}\n  full: {:#?}",
                f.display(),
                show(&a),
                show(&b)
            ));
        }
    }
    (checked, with_findings, differences)
}

#[test]
fn deferred_bodies_give_the_same_findings_on_every_fixture() {
    let mut files = Vec::new();
    json_files(Path::new("tests/fixtures"), &mut files);
    json_files(Path::new("examples"), &mut files);
    files.sort();
    let (checked, with_findings, differences) = both_ways(&files);
    assert!(checked > 60, "only {checked} templates checked");
    assert!(
        with_findings > 30,
        "only {with_findings} files with findings"
    );
    assert!(
        differences.is_empty(),
        "{} files differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[cfg(feature = "corpus")]
#[test]
fn deferred_bodies_give_the_same_findings_on_the_whole_corpus() {
    let mut files = Vec::new();
    json_files(&acrlint::test_support::shared("corpus"), &mut files);
    files.sort();
    assert!(files.len() > 2200, "only {} corpus files", files.len());
    let (checked, with_findings, differences) = both_ways(&files);
    assert!(checked > 1900, "only {checked} templates checked");
    assert!(
        with_findings > 50,
        "only {with_findings} files with findings"
    );
    assert!(
        differences.is_empty(),
        "{} files differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn reference_to_a_deferred_body_reads_its_properties() {
    // The registry's property comes from reference() to a storage account, whose body
    // no rule reads: it is evaluated on demand and the value reaches the registry.
    let dir = std::env::temp_dir().join(format!("acrlint-deferred-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    std::fs::write(
        &path,
        r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Storage/storageAccounts",
      "apiVersion": "2023-01-01",
      "name": "st",
      "location": "westus",
      "properties": { "adminFlag": "[equals(1, 1)]" }
    },
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "acr",
      "location": "westus",
      "sku": { "name": "Premium" },
      "properties": {
        "adminUserEnabled": "[reference(resourceId('Microsoft.Storage/storageAccounts', 'st')).adminFlag]"
      }
    }
  ]
}"#,
    )
    .unwrap();
    let engine = Engine::builtin().unwrap();
    let lazy = check_file(&path, true, &engine, &CheckOptions::default());
    let full = check_file(
        &path,
        true,
        &engine,
        &CheckOptions {
            all_bodies: true,
            ..Default::default()
        },
    );
    let acr001 = |o: &acrlint::FileOutcome| {
        o.findings
            .iter()
            .filter(|f| f.rule == "ACR001")
            .map(|f| format!("{:?} {}", f.status, f.message))
            .collect::<Vec<_>>()
    };
    assert_eq!(acr001(&lazy), acr001(&full));
    assert_eq!(acr001(&lazy).len(), 1, "{:?}", acr001(&lazy));
    std::fs::remove_dir_all(&dir).ok();
}

/// Check `body` (a template) both ways; return the ACR000 messages with their lines.
fn acr000_both_ways(name: &str, template: &str) -> (Vec<String>, Vec<String>) {
    let dir = std::env::temp_dir().join(format!("acrlint-deferred-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    std::fs::write(&path, template).unwrap();
    let engine = Engine::builtin().unwrap();
    let run = |all_bodies| {
        let o = check_file(
            &path,
            true,
            &engine,
            &CheckOptions {
                all_bodies,
                ..Default::default()
            },
        );
        o.findings
            .iter()
            .filter(|f| f.rule == "ACR000")
            .map(|f| {
                format!(
                    "{}:{}: {}",
                    f.location.start.line, f.location.start.column, f.message
                )
            })
            .collect::<Vec<_>>()
    };
    // In the order the driver reports them (by position).
    let sorted = |mut v: Vec<String>| {
        v.sort_by_key(|m| {
            let mut at = m.split(':').map(|n| n.parse::<u32>().unwrap_or(0));
            (at.next(), at.next())
        });
        v
    };
    let out = (sorted(run(false)), sorted(run(true)));
    std::fs::remove_dir_all(&dir).ok();
    out
}

const HEAD: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0","#;

#[test]
fn syntax_errors_in_deferred_bodies_and_their_variables_are_still_reported() {
    let t = format!(
        r#"{HEAD}
  "variables": {{ "v": "[concat('a',]", "w": "[variables('v')]" }},
  "resources": [
    {{ "type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "web",
       "properties": {{ "a": "[concat('x' 'y')]", "b": "[variables('w')]" }} }}
  ]
}}"#
    );
    let (deferred, full) = acr000_both_ways("syntax", &t);
    assert_eq!(deferred, full);
    assert_eq!(deferred.len(), 2, "{deferred:?}");
    assert!(deferred.iter().any(|m| m.starts_with("4:")), "{deferred:?}");
    assert!(deferred.iter().any(|m| m.starts_with("7:")), "{deferred:?}");
}

#[test]
fn copy_limits_reached_through_deferred_bodies_are_still_reported() {
    let t = format!(
        r#"{HEAD}
  "variables": {{
    "copy": [ {{ "name": "many", "count": 1000, "input": "[copyIndex('many')]" }},
              {{ "name": "later", "count": 2000, "input": 1 }} ],
    "alias": "[variables('many')]",
    "late": "[variables('later')]"
  }},
  "resources": [
    {{ "type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "web",
       "properties": {{ "a": "[length(variables('alias'))]" }} }},
    {{ "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "vm",
       "properties": {{ "copy": [ {{ "name": "disks", "count": 900, "input": {{}} }} ] }} }}
  ],
  "outputs": {{
    "n": {{ "type": "int", "value": "[length(variables('late'))]" }},
    "bad": {{ "type": "string", "value": "[concat('a' 'b')]" }},
    "many": {{ "type": "array", "copy": {{ "count": 801, "input": "x" }} }}
  }}
}}"#
    );
    let (deferred, full) = acr000_both_ways("limits", &t);
    assert_eq!(deferred, full);
    // Two variable copies, the property copy, the output copy; one syntax error in
    // an output.
    assert_eq!(deferred.len(), 5, "{deferred:?}");
    assert_eq!(
        deferred.iter().filter(|m| m.contains("copy count")).count(),
        4,
        "{deferred:?}"
    );
}

#[test]
fn the_engine_defers_only_what_no_rule_reads() {
    use acrlint::Bodies;
    let engine = Engine::builtin().unwrap();
    let only = |b: Bodies| match b {
        Bodies::Only(_) => true,
        Bodies::All => false,
    };
    let bodies = engine.bodies();
    assert!(bodies.wants("Microsoft.ContainerRegistry/registries"));
    assert!(bodies.wants("microsoft.containerregistry/registries/replications"));
    assert!(bodies.wants("Microsoft.Network/privateEndpoints"));
    assert!(bodies.wants("Microsoft.Authorization/roleAssignments"));
    assert!(bodies.wants("Microsoft.Resources/deployments"));
    assert!(!bodies.wants("Microsoft.Web/sites"));
    assert!(only(bodies));
    // ACR003 follows listCredentials() results through every body.
    assert!(!only(
        engine
            .bodies()
            .for_template(["{}", "{\"v\": \"[LISTCREDENTIALS(x, '1')]\"}"])
    ));

    // A rule without resource types reads every resource.
    let dir = std::env::temp_dir().join(format!("acrlint-deferred-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A built-in rule file, renamed and without resource types.
    let mut rule: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("rules/ACR005.json").unwrap()).unwrap();
    rule["id"] = "X001".into();
    rule["resourceTypes"] = serde_json::json!([]);
    std::fs::write(dir.join("X001.json"), rule.to_string()).unwrap();
    let mut with_rule = Engine::builtin().unwrap();
    let added = with_rule.add_rules_dir(&dir);
    std::fs::remove_dir_all(&dir).ok();
    if added.is_ok() {
        assert!(!only(with_rule.bodies()));
    } else {
        panic!("the test rule does not load: {added:?}");
    }
}
