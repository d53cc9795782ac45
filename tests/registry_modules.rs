//! Bicep modules from a registry, without a registry: modules read from a Bicep module
//! cache laid out by hand (as `bicep restore` leaves it), and modules that cannot be
//! followed, reported as ACR100 in every output format.

mod registry_support;

use std::process::Output;

use registry_support::{findings, Workspace};

const MODULE: &str = include_str!("fixtures/registry-module/main.json");

/// A user's folder with a `bicepconfig.json` that sets a cache inside it and an alias.
fn workspace() -> Workspace {
    let w = Workspace::new();
    w.write(
        "bicepconfig.json",
        &serde_json::json!({
            "moduleAliases": {"br": {"corp": {"registry": "corp.azurecr.io", "modulePath": "bicep/modules"}}},
            "cacheRootDirectory": w.path().join("cache"),
        })
        .to_string(),
    );
    w
}

/// A workspace whose cache holds the test module as `br/corp:registry:v1`.
fn workspace_with_the_module() -> Workspace {
    let w = workspace();
    cache_module(
        &w,
        "corp.azurecr.io",
        "bicep$modules$registry",
        "v1$",
        MODULE,
    );
    w
}

/// Put a module into the workspace's cache the way the Bicep CLI lays it out.
fn cache_module(
    w: &Workspace,
    registry_dir: &str,
    repository_dir: &str,
    version_dir: &str,
    main: &str,
) {
    let dir = format!("cache/br/{registry_dir}/{repository_dir}/{version_dir}");
    w.write(&format!("{dir}/main.json"), main);
    w.write(&format!("{dir}/manifest"), "{}");
    w.write(
        &format!("{dir}/metadata"),
        "{\n  \"manifestDigest\": \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"\n}",
    );
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

const USER_FILE: &str = "\
module acr 'br/corp:registry:v1' = {
  name: 'acr'
  params: {
    name: 'contosoacr01'
    acrAdminUserEnabled: true
  }
}

module second 'br/corp:registry:v1' = {
  name: 'second'
  params: {
    name: 'contosoacr02'
  }
}
";

#[test]
fn findings_inside_a_cached_module_point_at_the_user_file() {
    let w = workspace_with_the_module();
    w.write("main.bicep", USER_FILE);
    let out = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let j = json(&out);
    let of = |rule: &str| -> Vec<&serde_json::Value> {
        j["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect()
    };
    // The admin user: at `acrAdminUserEnabled: true`, with the module statement and
    // the module's own line related.
    let acr001 = of("ACR001");
    assert_eq!(acr001.len(), 1, "{}", stdout(&out));
    let f = acr001[0];
    assert_eq!(
        (
            f["file"].as_str(),
            f["startLine"].as_u64(),
            f["startColumn"].as_u64()
        ),
        (Some("main.bicep"), Some(5), Some(26))
    );
    let related: Vec<(String, u64, String)> = f["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap_or("").replace('\\', "/"),
                r["startLine"].as_u64().unwrap_or(0),
                r["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        related[0],
        ("main.bicep".into(), 1, "module br/corp:registry:v1".into())
    );
    assert!(
        related[1]
            .0
            .ends_with("cache/br/corp.azurecr.io/bicep$modules$registry/v1$/main.json")
            && related[1].1 == 30
            && related[1].2 == "in registry module br/corp:registry:v1",
        "{related:?}"
    );
    // The module's own literal (anonymous pull on): at each module statement.
    let acr004: Vec<(u64, u64)> = of("ACR004")
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap_or(0),
                f["startColumn"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(acr004, [(1, 12), (9, 15)], "{}", stdout(&out));
    assert!(of("ACR100").is_empty());
    // Nothing is reported inside the cache.
    assert!(j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["file"] == "main.bicep"));
}

#[test]
fn a_suppression_in_the_user_file_applies_to_a_finding_from_the_module() {
    let w = workspace_with_the_module();
    w.write(
        "main.bicep",
        &USER_FILE.replace(
            "    acrAdminUserEnabled: true",
            "    // acrlint-disable-next-line ACR001 the build agent still logs in with the admin user\n    acrAdminUserEnabled: true",
        ),
    );
    let out = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let j = json(&out);
    let acr001: Vec<&serde_json::Value> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "ACR001")
        .collect();
    assert_eq!(acr001.len(), 1, "{}", stdout(&out));
    assert_eq!(
        acr001[0]["suppressed"]["kind"],
        "inSource",
        "{}",
        stdout(&out)
    );
}

const UNRESOLVED: &str = "\
module acr 'br/public:avm/res/container-registry/registry:0.12.1' = {
  name: 'acr'
  params: { name: 'contosoacr01', acrSku: 'Premium', acrAdminUserEnabled: true }
}

module storage 'br/public:avm/res/storage/storage-account:0.9.0' = {
  name: 'storage'
  params: { name: 'contosost01' }
}

module spec 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = {
  name: 'spec'
}

module local './modules/missing.bicep' = {
  name: 'local'
}

module alias 'br/nowhere:registry:v1' = {
  name: 'alias'
}
";

#[test]
fn unresolved_modules_are_reported_at_their_module_line() {
    let w = workspace();
    w.write("main.bicep", UNRESOLVED);
    let out = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let s = |x: &str| x.to_string();
    assert_eq!(
        findings(&out),
        [
            (s("ACR100"), s("error"), 1, 12),
            (s("ACR100"), s("error"), 15, 14),
            (s("ACR100"), s("error"), 19, 14),
            (s("ACR100"), s("note"), 11, 13),
            (s("ACR100"), s("warning"), 6, 16),
        ]
    );
    let j = json(&out);
    let messages: Vec<&str> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect();
    let with = |needle: &str| {
        messages
            .iter()
            .find(|m| m.contains(needle))
            .copied()
            .unwrap_or("")
    };
    let acr = with("container-registry/registry");
    assert!(
        acr.contains("could not be checked against the registry policies")
            && acr.contains("acrlint restore main.bicep"),
        "{acr}"
    );
    assert!(with("storage-account").contains("its resources were not checked"));
    assert!(with("ts:").contains("resolved by Azure"));
    assert!(with("missing.bicep").contains("could not be read"));
    assert!(with("nowhere").contains("alias 'nowhere'"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unresolved_modules_appear_in_every_output_format() {
    let w = workspace();
    w.write("main.bicep", UNRESOLVED);
    let run = |format: &str| stdout(&w.acrlint(&["check", "main.bicep", "--format", format]));
    let text = run("text");
    assert!(text.contains("main.bicep:1:12: ACR100 error"), "{text}");
    assert!(text.contains("main.bicep:11:13: ACR100 note"), "{text}");
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(
        results.iter().filter(|r| r["ruleId"] == "ACR100").count(),
        5
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "ACR100"));
    let junit = run("junit");
    assert!(
        junit.contains("ACR100 main.bicep") && junit.contains("<failure"),
        "{junit}"
    );
    let github = run("github");
    assert!(
        github.contains("::error file=main.bicep,line=1,col=12,")
            && github.contains("title=ACR100::"),
        "{github}"
    );
    assert!(
        github.contains("::notice file=main.bicep,line=11,col=13,"),
        "{github}"
    );
}

#[test]
fn fail_on_and_the_configuration_govern_unresolved_modules() {
    let w = workspace();
    w.write(
        "main.bicep",
        "module storage 'br/public:avm/res/storage/storage-account:0.9.0' = {\n  name: 'storage'\n  params: { name: 'contosost01' }\n}\n",
    );
    assert_eq!(w.acrlint(&["check", "main.bicep"]).status.code(), Some(0));
    assert_eq!(
        w.acrlint(&["check", "main.bicep", "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
    w.write("acrlint.json", r#"{"rules": {"ACR100": "off"}}"#);
    let off = w.acrlint(&[
        "check",
        "main.bicep",
        "--fail-on",
        "note",
        "--format",
        "json",
    ]);
    assert_eq!(off.status.code(), Some(0), "{}", stdout(&off));
    assert!(findings(&off).is_empty());
}

#[test]
fn explain_documents_the_rule() {
    let w = workspace();
    let out = stdout(&w.acrlint(&["explain", "ACR100"]));
    assert!(
        out.contains("ACR100") && out.contains("br/public:"),
        "{out}"
    );
}

/// A project of its own (its root) beside the HOME that holds the default cache.
fn project_outside_the_cache(w: &Workspace, bicepconfig: Option<serde_json::Value>) {
    w.write(
        "project/main.bicep",
        "module acr 'br:corp.azurecr.io/bicep/modules/registry:v1' = {\n  name: 'acr'\n  params: {\n    name: 'contosoacr01'\n    acrAdminUserEnabled: true\n  }\n}\n",
    );
    if let Some(c) = bicepconfig {
        w.write("project/bicepconfig.json", &c.to_string());
    }
}

#[test]
fn the_default_module_cache_is_read_outside_the_root_and_nothing_else_is() {
    let w = Workspace::new();
    let dir = ".bicep/br/corp.azurecr.io/bicep$modules$registry/v1$";
    for (name, text) in [
        ("main.json", MODULE),
        ("manifest", "{}"),
        ("metadata", "{\"manifestDigest\": \"sha256:0\"}"),
    ] {
        w.write(&format!("home/{dir}/{name}"), text);
    }
    project_outside_the_cache(&w, None);
    let rules = |o: &Output| -> Vec<String> { findings(o).into_iter().map(|f| f.0).collect() };
    let out = w.acrlint(&["check", "project", "--format", "json"]);
    assert!(
        rules(&out).contains(&"ACR001".to_string()),
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains("outside the checked root"),
        "{}",
        stdout(&out)
    );

    // A cache that the project's bicepconfig.json moves out of the root is another
    // directory outside it: read only when allowed.
    let moved = w.path().join("elsewhere");
    std::fs::create_dir_all(&moved).unwrap();
    let from = w.home().join(".bicep/br");
    std::fs::rename(&from, moved.join("br")).unwrap();
    project_outside_the_cache(&w, Some(serde_json::json!({"cacheRootDirectory": moved})));
    let out = w.acrlint(&["check", "project", "--format", "json"]);
    assert!(
        !rules(&out).contains(&"ACR001".to_string()),
        "{}",
        stdout(&out)
    );
    assert!(
        rules(&out).contains(&"ACR100".to_string()),
        "{}",
        stdout(&out)
    );
    let allowed = moved.to_str().unwrap();
    let out = w.acrlint(&[
        "check",
        "project",
        "--allow-path",
        allowed,
        "--format",
        "json",
    ]);
    assert!(
        rules(&out).contains(&"ACR001".to_string()),
        "{}",
        stdout(&out)
    );
}

#[test]
fn restore_follows_local_modules_inside_the_root_only() {
    let w = Workspace::new();
    w.write(
        "outside/inner.bicep",
        "module m 'br:corp.azurecr.io/bicep/modules/registry:v1' = {\n  name: 'm'\n}\n",
    );
    w.write(
        "project/main.bicep",
        "module inner '../outside/inner.bicep' = {\n  name: 'inner'\n}\n",
    );
    let out = w.acrlint(&["restore", "project"]);
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("leaves the checked root"), "{all}");
    // The module of the file outside is not looked up (no registry is asked).
    assert!(!all.contains("corp.azurecr.io"), "{all}");
    assert_eq!(out.status.code(), Some(1), "{all}");
}
