//! Hostile and broken inputs: each gives a clear message (with file:line:col where
//! there is a place to point at), never a crash or a hang, and a run over a directory
//! holding the bad file still checks the good one beside it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acrlint::arm::expand::{expand_file, ExpandOptions};
use acrlint::check::{check, check_file, CheckOptions, CheckResult, FileOutcome};
use acrlint::rules::engine::Engine;
use acrlint::rules::finding::{Finding, Level};

const SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// A registry with the admin user enabled: ACR001 fails on it.
fn good_template() -> String {
    format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "resources": [
    {{
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "acr",
      "location": "westus",
      "sku": {{ "name": "Premium" }},
      "properties": {{ "adminUserEnabled": true }}
    }}
  ]
}}"#
    )
}

/// A template whose resources are `resources_json`, with `variables_json`.
fn template(variables_json: &str, resources_json: &str) -> String {
    format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "variables": {variables_json},
  "resources": {resources_json}
}}"#
    )
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("acrlint-adv-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn engine() -> Engine {
    Engine::builtin().unwrap()
}

fn check_one(path: &Path) -> FileOutcome {
    check_file(path, true, &engine(), &CheckOptions::default())
}

fn acr000(o: &FileOutcome) -> Vec<&Finding> {
    o.findings.iter().filter(|f| f.rule == "ACR000").collect()
}

/// Check a directory holding `bad` and a good template: the good one is checked
/// (its ACR001 finding is there) and `bad` yields exactly the ACR000 findings
/// returned.
fn run_with_good_neighbour(dir: &Path, bad: &Path) -> (CheckResult, Vec<Finding>) {
    let good = write(dir, "good.json", good_template());
    let result = check(&[dir.to_path_buf()], &engine(), &CheckOptions::default());
    assert!(
        result
            .report
            .findings
            .iter()
            .any(|f| f.rule == "ACR001" && f.location.file == good),
        "the good template was not checked: {:#?}",
        result.report.findings
    );
    let bad_findings = result
        .report
        .findings
        .iter()
        .filter(|f| f.location.file == bad && f.rule == "ACR000")
        .cloned()
        .collect();
    (result, bad_findings)
}

fn at(f: &Finding) -> (u32, u32) {
    (f.location.start.line, f.location.start.column)
}

#[test]
fn deep_json_nesting_is_refused_with_its_position() {
    let dir = scratch("deep-json");
    let deep = "[".repeat(5000) + &"]".repeat(5000);
    let bad = write(
        &dir,
        "deep.json",
        template("{}", &format!("[\n  {{ \"x\": {deep} }}\n]")),
    );
    let (result, found) = run_with_good_neighbour(&dir, &bad);
    assert!(result.had_fatal);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("nested deeper than 256"),
        "{}",
        found[0].message
    );
    // Line 6 holds the deep array; the limit is met 256 levels in (the template
    // object and the resources array are two of them).
    assert_eq!(found[0].location.start.line, 6);
    assert_eq!(found[0].level, Level::Error);
}

#[test]
fn deep_expression_nesting_is_a_syntax_error_at_its_position() {
    let dir = scratch("deep-expr");
    let expr = "concat(".repeat(300) + "'a'" + &")".repeat(300);
    let bad = write(
        &dir,
        "deep.json",
        template(
            "{}",
            &format!(
                "[{{\"type\": \"Microsoft.ContainerRegistry/registries\", \"apiVersion\": \"2023-07-01\",\n\"name\": \"[{expr}]\", \"sku\": {{\"name\": \"Premium\"}}}}]"
            ),
        ),
    );
    let (_, found) = run_with_good_neighbour(&dir, &bad);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("nested deeper than 128"),
        "{}",
        found[0].message
    );
    // `"name": "[` ends at column 10; the 129th `concat(` starts 128 × 7 further.
    assert_eq!(at(&found[0]), (6, 11 + 128 * 7));

    // Just under the limit, evaluation is deep but fine (and does not overflow the
    // stack of a test thread).
    let ok = "concat(".repeat(120) + "'a'" + &")".repeat(120);
    let fine = write(
        &dir,
        "fine.json",
        template(&format!("{{\"v\": \"[{ok}]\"}}"), "[]"),
    );
    assert!(acr000(&check_one(&fine)).is_empty());
    let deep_index = "createArray(".repeat(100) + "1" + &")".repeat(100) + &"[0]".repeat(100);
    let fine = write(
        &dir,
        "index.json",
        template(&format!("{{\"v\": \"[{deep_index}]\"}}"), "[]"),
    );
    assert!(acr000(&check_one(&fine)).is_empty());
}

#[test]
fn a_ten_megabyte_string_is_checked() {
    let dir = scratch("big-string");
    let big = "x".repeat(10 * 1024 * 1024);
    let path = write(
        &dir,
        "big.json",
        template(
            &format!("{{\"big\": \"{big}\", \"len\": \"[length(variables('big'))]\"}}"),
            "[]",
        ),
    );
    let started = Instant::now();
    let o = check_one(&path);
    assert!(o.checked && !o.fatal);
    assert!(acr000(&o).is_empty(), "{:#?}", o.findings);
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let dir = scratch("utf8");
    let mut bytes = template("{}", "[]").into_bytes();
    // Line 3 is `  "contentVersion": "1.0.0.0",`: break it after the first quote.
    let at_byte = bytes
        .windows(16)
        .position(|w| w == b"\"contentVersion\"")
        .unwrap()
        + 1;
    bytes.insert(at_byte, 0xFF);
    let bad = write(&dir, "bad.json", &bytes);
    let (result, found) = run_with_good_neighbour(&dir, &bad);
    let _ = result;
    // A walked file is reported when it looks like a template.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("not valid UTF-8"),
        "{}",
        found[0].message
    );
    assert_eq!(at(&found[0]), (3, 4));
}

#[test]
fn empty_bom_only_and_nul_files_are_clear_errors() {
    let dir = scratch("empty");
    let empty = write(&dir, "empty.json", "");
    let bom = write(&dir, "bom.json", "\u{feff}");
    let nul = write(
        &dir,
        "nul.json",
        template("{}", "[]").replace("\"resources\"", "\"res\u{0}ources\"x"),
    );
    for (path, want) in [(&empty, "the file is empty"), (&bom, "the file is empty")] {
        let o = check_one(path);
        assert!(o.fatal, "{}", path.display());
        let f = acr000(&o);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains(want), "{}", f[0].message);
        assert_eq!(at(f[0]), (1, 1));
    }
    let o = check_one(&nul);
    assert!(o.fatal);
    let f = acr000(&o);
    assert_eq!(f.len(), 1, "{:#?}", o.findings);
    assert_eq!(f[0].location.start.line, 5, "{}", f[0].message);
    // Walked (not named), empty files and files that are not templates are skipped
    // quietly; the NUL one looks like a template and is reported; the good one is
    // checked.
    let (_, found) = run_with_good_neighbour(&dir, &nul);
    assert_eq!(found.len(), 1);
}

#[test]
fn a_variable_cycle_is_named_and_the_file_still_expands() {
    let dir = scratch("cycle");
    let path = write(
        &dir,
        "cycle.json",
        template(
            r#"{"a": "[variables('b')]", "b": "[concat(variables('a'), 'x')]", "self": "[variables('self')]"}"#,
            r#"[{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
                 "name": "[variables('a')]", "properties": {"p": "[variables('self')]"}}]"#,
        ),
    );
    let exp = expand_file(&path, &ExpandOptions::default()).unwrap();
    let messages: Vec<&str> = exp.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("variable 'a' refers to itself")
                || m.contains("variable 'b' refers to itself")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("variable 'self' refers to itself")),
        "{messages:?}"
    );
    assert_eq!(exp.resources.len(), 1);
    assert!(exp.resources[0].name.is_unknown());
    assert!(check_one(&path).checked);
}

#[test]
fn user_function_recursion_stops_with_a_message() {
    let dir = scratch("fn-recursion");
    let text = format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "functions": [{{ "namespace": "ns", "members": {{
    "loop": {{ "parameters": [{{"name": "x", "type": "int"}}],
              "output": {{"type": "int", "value": "[ns.loop(add(parameters('x'), 1))]"}} }}
  }} }}],
  "resources": [],
  "outputs": {{ "o": {{ "type": "int", "value": "[ns.loop(0)]" }} }}
}}"#
    );
    let path = write(&dir, "t.json", text);
    let exp = expand_file(&path, &ExpandOptions::default()).unwrap();
    assert!(
        exp.diagnostics
            .iter()
            .any(|d| d.message.contains("recursion too deep")
                || d.message.contains("nested too deeply")),
        "{:?}",
        exp.diagnostics
    );
}

#[test]
fn a_nested_deployment_linking_to_itself_is_not_followed() {
    let dir = scratch("self-link");
    let path = write(
        &dir,
        "azuredeploy.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "again",
                 "properties": {"mode": "Incremental",
                   "templateLink": {"uri": "[deployment().properties.templateLink.uri]"}}}]"#,
        ),
    );
    let exp = expand_file(&path, &ExpandOptions::default()).unwrap();
    assert_eq!(exp.resources.len(), 1);
    assert_eq!(
        exp.resources[0].nested,
        Some(acrlint::arm::expand::NestedKind::Linked)
    );
}

#[test]
fn inline_deployments_nested_too_deep_stop_with_a_warning() {
    let dir = scratch("deep-deploy");
    let mut inner = template(
        "{}",
        r#"[{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "deep", "sku": {"name": "Basic"}}]"#,
    );
    for i in 0..20 {
        inner = template(
            "{}",
            &format!(
                r#"[{{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d{i}",
                     "properties": {{"mode": "Incremental", "template": {inner}}}}}]"#
            ),
        );
    }
    let path = write(&dir, "t.json", inner);
    let o = check_one(&path);
    let f = acr000(&o);
    assert_eq!(f.len(), 1, "{:#?}", o.findings);
    assert!(
        f[0].message.contains("deeper than 16 levels"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].level, Level::Warning);
    assert!(f[0].location.start.line > 1);
}

#[test]
fn a_copy_count_of_a_billion_is_capped_with_its_position() {
    let dir = scratch("copy-billion");
    let bad = write(
        &dir,
        "many.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.ContainerRegistry/registries/webhooks", "apiVersion": "2023-07-01",
                 "name": "[concat('acr/w', copyIndex())]",
                 "copy": {"name": "hooks",
                          "count": "[mul(1000000, 1000)]"}}]"#,
        ),
    );
    let started = Instant::now();
    let (_, found) = run_with_good_neighbour(&dir, &bad);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("copy count 1000000000 is outside 0..=800"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].level, Level::Warning);
    assert_eq!(at(&found[0]), (8, 36));
}

#[test]
fn the_total_number_of_expanded_resources_is_capped() {
    let dir = scratch("many-resources");
    // 800 parents × 800 children = 640,000 resources.
    let path = write(
        &dir,
        "t.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.Deploy/things", "apiVersion": "1", "name": "[string(copyIndex())]",
                 "copy": {"name": "outer", "count": 800},
                 "resources": [{"type": "kids", "apiVersion": "1", "name": "[string(copyIndex('inner'))]",
                                "copy": {"name": "inner", "count": 800}}]}]"#,
        ),
    );
    let started = Instant::now();
    let exp = expand_file(&path, &ExpandOptions::default()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(exp.resources.len(), 50_000);
    assert!(
        exp.diagnostics.iter().any(|d| d
            .message
            .contains("more than 50000 resources after expansion")),
        "{:?}",
        exp.diagnostics
    );
}

#[test]
fn a_missing_parameter_file_or_template_is_named() {
    let dir = scratch("missing");
    let good = write(&dir, "good.json", good_template());
    let missing_params = dir.join("nope.parameters.json");
    let options = CheckOptions {
        expand: ExpandOptions {
            parameters: Some(missing_params.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let o = check_file(&good, true, &engine(), &options);
    assert!(o.fatal);
    let f = acr000(&o);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("cannot read"), "{}", f[0].message);
    assert_eq!(f[0].location.file, missing_params);

    // A template that does not exist, named with a parameter file: an error for the
    // template, and the run goes on with the other path.
    let result = check(
        &[dir.join("missing.json"), good.clone()],
        &engine(),
        &CheckOptions::default(),
    );
    assert!(result.had_fatal);
    assert!(result.report.findings.iter().any(|f| f.rule == "ACR001"));

    // A .bicepparam whose `using` names a file that does not exist.
    let bp = write(
        &dir,
        "main.bicepparam",
        "using './missing.bicep'\nparam x = 1\n",
    );
    let o = check_one(&bp);
    assert!(o.fatal, "{:#?}", o.findings);
    let f = acr000(&o);
    assert!(!f.is_empty());
    // The finding is placed in the missing file, which the output names.
    assert!(
        f[0].location.file.ends_with("missing.bicep") || f[0].message.contains("missing.bicep"),
        "{:#?}",
        f[0]
    );
}

#[cfg(unix)]
#[test]
fn devices_are_not_read_as_files() {
    // /dev/zero never ends: as a parameter file, or loaded by a Bicep file.
    let dir = scratch("devices");
    let good = write(&dir, "good.json", good_template());
    let options = CheckOptions {
        expand: ExpandOptions {
            parameters: Some(PathBuf::from("/dev/zero")),
            ..Default::default()
        },
        ..Default::default()
    };
    let o = check_file(&good, true, &engine(), &options);
    let f = acr000(&o);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("not a regular file"),
        "{}",
        f[0].message
    );

    let bicep = write(
        &dir,
        "main.bicep",
        "var z = loadTextContent('/dev/zero')\nvar b = loadFileAsBase64('/dev/zero')\noutput o string = z\n",
    );
    let started = Instant::now();
    let o = check_one(&bicep);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(o.checked);
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang_the_walk() {
    use std::os::unix::fs::symlink;
    let dir = scratch("symlinks");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    symlink(&dir, sub.join("back-to-top")).unwrap();
    symlink("loop-b.json", dir.join("loop-a.json")).unwrap();
    symlink("loop-a.json", dir.join("loop-b.json")).unwrap();
    let good = write(&dir, "good.json", good_template());
    symlink(&good, sub.join("linked.json")).unwrap();

    let started = Instant::now();
    let result = check(
        std::slice::from_ref(&dir),
        &engine(),
        &CheckOptions::default(),
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // Symlinks are not followed by the walk: the good file is checked once.
    let acr001: Vec<_> = result
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "ACR001")
        .collect();
    assert_eq!(acr001.len(), 1, "{acr001:#?}");

    // Named explicitly, a symlink to a template is checked; a symlink loop is an error.
    let o = check_one(&sub.join("linked.json"));
    assert!(o.findings.iter().any(|f| f.rule == "ACR001"));
    let result = check(
        &[dir.join("loop-a.json"), good.clone()],
        &engine(),
        &CheckOptions::default(),
    );
    assert!(result.had_fatal);
    assert!(result.report.findings.iter().any(|f| f.rule == "ACR001"));
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = scratch("huge");
    let path = dir.join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    // Sparse: no disk space is used.
    f.set_len(acrlint::arm::limits::MAX_FILE_BYTES + 1).unwrap();
    drop(f);
    let o = check_one(&path);
    assert!(o.fatal);
    let f = acr000(&o);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("larger than the 67108864 byte limit"),
        "{}",
        f[0].message
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn bicep_module_cycles_are_named() {
    let dir = scratch("bicep-cycle");
    write(
        &dir,
        "a.bicep",
        "module b './b.bicep' = {\n  name: 'b'\n}\n",
    );
    write(
        &dir,
        "b.bicep",
        "module a './a.bicep' = {\n  name: 'a'\n}\n",
    );
    let o = check_one(&dir.join("a.bicep"));
    assert!(
        o.findings
            .iter()
            .any(|f| f.rule == "ACR000" && f.message.contains("module cycle")),
        "{:#?}",
        o.findings
    );
}

#[test]
fn string_blowups_are_capped() {
    let dir = scratch("blowups");
    let mut vars = String::from(r#"{"v0": "[padLeft('', 1000, 'x')]""#);
    // Each variable doubles the previous: 1000 × 2^40 characters if nothing stopped it.
    for i in 1..=40 {
        vars.push_str(&format!(
            r#", "v{i}": "[concat(variables('v{p}'), variables('v{p}'))]""#,
            p = i - 1
        ));
    }
    for i in 1..=40 {
        vars.push_str(&format!(
            r#", "a{i}": "[createArray(variables('a{p}'), variables('a{p}'))]""#,
            p = if i == 1 {
                "0".to_string()
            } else {
                (i - 1).to_string()
            }
        ));
    }
    vars.push_str(r#", "a0": [1, 2, 3]"#);
    vars.push_str(r#", "pad": "[padLeft('x', 1000000000, 'y')]""#);
    vars.push_str(r#", "rep": "[replace(variables('v12'), 'x', variables('v12'))]""#);
    vars.push_str(r#", "fmt": "[format('{0}{0}{0}{0}{0}{0}{0}{0}', variables('v12'))]""#);
    vars.push_str(r#", "str": "[string(variables('a40'))]""#);
    vars.push_str(r#", "rng": "[range(0, 1000000000)]""#);
    vars.push('}');
    let props = r#"{"v": "[variables('v40')]", "a": "[variables('a40')]", "pad": "[variables('pad')]",
                    "rep": "[variables('rep')]", "fmt": "[variables('fmt')]", "str": "[variables('str')]",
                    "rng": "[variables('rng')]"}"#;
    let path = write(
        &dir,
        "t.json",
        template(
            &vars,
            &format!(
                r#"[{{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                      "name": "acr", "sku": {{"name": "Basic"}}, "properties": {props}}}]"#
            ),
        ),
    );
    let started = Instant::now();
    let exp = expand_file(&path, &ExpandOptions::default()).unwrap();
    let json = serde_json::to_string(&acrlint::report::expand::to_json(&exp)).unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        json.len() < 64 * 1024 * 1024,
        "{} bytes of output",
        json.len()
    );
    let messages: Vec<&str> = exp.diagnostics.iter().map(|d| d.message.as_str()).collect();
    for want in ["concat", "padLeft", "replace", "format", "range"] {
        assert!(
            messages
                .iter()
                .any(|m| m.contains(want) && m.contains("limit")),
            "no limit message for {want}: {messages:#?}"
        );
    }
    assert!(
        messages.iter().any(|m| m.contains("too large")),
        "no size message for the doubled arrays: {messages:#?}"
    );
    let o = check_one(&path);
    assert!(o.checked && !o.fatal);
}

#[test]
fn bicep_resources_scoped_to_each_other_do_not_recurse_forever() {
    // Found by fuzzing (fuzz/fuzz_targets/bicep.rs): `scope:` cycles overflowed the
    // stack while the resource ids were composed.
    let dir = scratch("bicep-scope-cycle");
    let path = write(
        &dir,
        "main.bicep",
        "resource a 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'a'\n  scope: b\n}\n\
         resource b 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'b'\n  scope: a\n}\n\
         resource c 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'c'\n  scope: c\n}\n",
    );
    let exp = acrlint::arm::expand::expand_any(&path, &ExpandOptions::default()).unwrap();
    assert!(
        exp.diagnostics
            .iter()
            .any(|d| d.message.contains("cycle through `scope:`")),
        "{:?}",
        exp.diagnostics
    );
    assert!(check_one(&path).checked);
}

#[test]
fn a_broken_bicep_file_whose_names_and_scopes_loop_lowers_quickly() {
    // Found by fuzzing (a timeout): with the braces of `storage` left open, the role
    // assignment ends up inside it, scoped to it and named from its id; resolving the
    // scope and the name branched without end.
    let dir = scratch("bicep-name-scope-loop");
    let path = write(
        &dir,
        "main.bicep",
        "resource storage 'Microsoft.Storage/storageAccounts@2022-09-01' = {\n  properties: {\n    encryption: {\n}\n\
         resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (userObjectId != '') {\n  \
         name: guid(storage.id, userObjectId, role.id)\n  scope: storage\n",
    );
    let started = Instant::now();
    let o = check_one(&path);
    assert!(started.elapsed() < Duration::from_secs(10));
    // The file is reported for its syntax errors, placed on their lines.
    let lines: Vec<u32> = acr000(&o).iter().map(|f| f.location.start.line).collect();
    assert!(
        lines.contains(&1) && lines.contains(&5),
        "{:#?}",
        o.findings
    );
}

#[test]
fn a_bicep_resource_named_from_its_own_id_does_not_exhaust_memory() {
    // Found by fuzzing (out of memory): `name: guid(acr.id)` on `acr` itself nested
    // its own name into its id without end.
    let dir = scratch("bicep-self-name");
    let path = write(
        &dir,
        "main.bicep",
        "resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  scope: acr\n  name: guid(acr.id, 'x')\n}\n",
    );
    let exp = acrlint::arm::expand::expand_any(&path, &ExpandOptions::default()).unwrap();
    assert!(
        exp.diagnostics
            .iter()
            .any(|d| d.message.contains("cycle through `name:`")),
        "{:?}",
        exp.diagnostics
    );
    assert!(check_one(&path).checked);
}
