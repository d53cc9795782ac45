//! `acrlint lsp` driven over its stdio like an editor would: a full editing session
//! (open, incremental change, diagnostics, quick fix, apply, diagnostics cleared,
//! suppression, hover, parse error, close, shutdown) for ARM JSON and Bicep, plus
//! unsaved parameter files re-checking their template.

mod lsp_support;

use lsp_support::{apply_edits, Client};
use serde_json::{json, Value};

const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": false }
    }
  ]
}
"#;

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str().map(String::from))
        .collect()
}

fn find<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} among {diagnostics:#?}"))
}

/// The position (line, UTF-16 character) of the first `needle` in `text` (ASCII).
fn position(text: &str, needle: &str) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let line = text[..at].matches('\n').count() as u32;
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, column as u32)
}

#[test]
fn an_arm_editing_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.json");
    std::fs::write(&path, TEMPLATE).unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path, "json", TEMPLATE);
    let first = client.diagnostics(&uri, 1);
    assert!(!codes(&first).contains(&"ACR001".to_string()), "{first:#?}");

    // An incremental edit: `false` becomes `true`.
    let (line, col) = position(TEMPLATE, "false }");
    let mut text = TEMPLATE.replacen("false }", "true }", 1);
    client.change(
        &uri,
        2,
        json!([{
            "range": {"start": {"line": line, "character": col},
                      "end": {"line": line, "character": col + 5}},
            "text": "true"
        }]),
    );
    let diags = client.diagnostics(&uri, 2);
    let acr001 = find(&diags, "ACR001");
    assert_eq!(acr001["severity"], 1, "an error-level rule is an Error");
    assert_eq!(acr001["source"], "acrlint");
    assert!(acr001["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(acr001["range"]["start"]["line"], line);

    // The quick fix for it is the preferred one; applying it clears the finding.
    let actions = client.code_actions(&uri, &acr001["range"]);
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Fix ACR001"))
        .unwrap_or_else(|| panic!("no fix among {actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "ACR001");
    text = apply_edits(&text, &fix["edit"]["changes"][uri.as_str()]);
    assert_eq!(text, TEMPLATE, "the fix writes the compliant value back");
    client.change(&uri, 3, json!([{"text": text}]));
    let diags = client.diagnostics(&uri, 3);
    assert!(!codes(&diags).contains(&"ACR001".to_string()), "{diags:#?}");

    // Suppress another finding on its line.
    let other = diags
        .iter()
        .find(|d| d["code"].as_str().is_some_and(|c| c != "ACR000"))
        .expect("the template has other findings")
        .clone();
    let rule = other["code"].as_str().unwrap().to_string();
    let actions = client.code_actions(&uri, &other["range"]);
    let suppress = actions
        .iter()
        .find(|a| a["title"] == format!("Suppress {rule} on this line"))
        .unwrap_or_else(|| panic!("no suppression among {actions:#?}"));
    let suppressed = apply_edits(&text, &suppress["edit"]["changes"][uri.as_str()]);
    assert!(suppressed.contains(&format!("// acrlint-disable-next-line {rule}")));
    client.change(&uri, 4, json!([{"text": suppressed}]));
    let after = client.diagnostics(&uri, 4);
    assert!(
        !after
            .iter()
            .any(|d| d["code"] == rule.as_str() && d["range"] == other["range"]),
        "{after:#?}"
    );

    // Hover over a finding shows its rule's documentation.
    let (line, character) = (
        other["range"]["start"]["line"].as_u64().unwrap(),
        other["range"]["start"]["character"].as_u64().unwrap(),
    );
    client.change(&uri, 5, json!([{"text": text}]));
    client.diagnostics(&uri, 5);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    );
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains(&format!("**{rule}**")), "{value}");
    assert!(value.contains("Why is this bad?"), "{value}");
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(nothing.is_null(), "{nothing}");

    // A parse error is shown where it is.
    let broken = text.replacen(
        "\"location\": \"westeurope\",",
        "\"location\" \"westeurope\",",
        1,
    );
    client.change(&uri, 6, json!([{"text": broken}]));
    let diags = client.diagnostics(&uri, 6);
    let acr000 = find(&diags, "ACR000");
    let (line, _) = position(&broken, "\"location\" \"westeurope\"");
    assert_eq!(acr000["range"]["start"]["line"], line, "{acr000:#?}");
    assert_eq!(acr000["severity"], 1);

    client.close(&uri);
    assert!(client.diagnostics_any_version(&uri).is_empty());
    client.shutdown();
}

#[test]
fn a_bicep_editing_session() {
    let text = "resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {\n  name: 'contosoregistry'\n  location: 'westeurope'\n  sku: {\n    name: 'Premium'\n  }\n  properties: {\n    adminUserEnabled: true\n  }\n}\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.bicep");
    std::fs::write(&path, text).unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path, "bicep", text);
    let diags = client.diagnostics(&uri, 1);
    let acr001 = find(&diags, "ACR001");
    assert_eq!(acr001["range"]["start"]["line"], 7, "{acr001:#?}");
    let actions = client.code_actions(&uri, &acr001["range"]);
    let suppress = actions
        .iter()
        .find(|a| a["title"] == "Suppress ACR001 on this line")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let suppressed = apply_edits(text, &suppress["edit"]["changes"][uri.as_str()]);
    assert!(
        suppressed.contains("    #disable-next-line acrlint:ACR001\n    adminUserEnabled: true"),
        "{suppressed}"
    );
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Fix ACR001"))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let fixed = apply_edits(text, &fix["edit"]["changes"][uri.as_str()]);
    assert!(fixed.contains("adminUserEnabled: false"), "{fixed}");
    client.change(&uri, 2, json!([{"text": fixed}]));
    assert!(!codes(&client.diagnostics(&uri, 2)).contains(&"ACR001".to_string()));
    client.shutdown();
}

/// A rule whose fix is unsafe (ACR024: swapping AcrPull for a repository role changes
/// who can do what) offers it labelled unsafe and not preferred, as `acrlint fix`
/// applies it only with `--unsafe-fixes`.
#[test]
fn an_unsafe_fix_is_labelled_and_not_preferred() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/access/legacy-roles.bicep"
    );
    let text = std::fs::read_to_string(fixture).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.bicep");
    std::fs::write(&path, &text).unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path, "bicep", &text);
    let diags = client.diagnostics(&uri, 1);
    let acr024: Vec<&Value> = diags.iter().filter(|d| d["code"] == "ACR024").collect();
    assert!(!acr024.is_empty(), "{diags:#?}");
    let mut fixes = Vec::new();
    for d in acr024 {
        let actions = client.code_actions(&uri, &d["range"]);
        fixes.extend(
            actions
                .into_iter()
                .filter(|a| a["title"].as_str().unwrap().starts_with("Fix ACR024")),
        );
    }
    assert!(!fixes.is_empty(), "no ACR024 quick fix");
    for fix in &fixes {
        assert_eq!(fix["isPreferred"], false, "{fix:#?}");
        assert!(
            fix["title"]
                .as_str()
                .unwrap()
                .contains("(unsafe: it changes what the deployment does)"),
            "{fix:#?}"
        );
    }
    client.shutdown();
}

#[test]
fn an_unsaved_parameter_file_rechecks_its_template() {
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "admin": { "type": "bool", "defaultValue": false } },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": "[parameters('admin')]" }
    }
  ]
}
"#;
    let parameters = |admin: bool| {
        format!(
            r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{ "admin": {{ "value": {admin} }} }}
}}
"#
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.json");
    let params = dir.path().join("main.parameters.json");
    std::fs::write(&main, template).unwrap();
    std::fs::write(&params, parameters(false)).unwrap();
    let mut client = Client::start(dir.path());
    let main_uri = client.open(&main, "json", template);
    assert!(!codes(&client.diagnostics(&main_uri, 1)).contains(&"ACR001".to_string()));
    let params_uri = client.open(&params, "json", &parameters(false));
    client.diagnostics(&params_uri, 1);
    // Not saved: the template is checked with the buffer.
    client.change(&params_uri, 2, json!([{"text": parameters(true)}]));
    let on_params = client.diagnostics(&params_uri, 2);
    let acr001 = find(&on_params, "ACR001");
    assert_eq!(
        acr001["range"]["start"]["line"], 3,
        "at the value: {acr001:#?}"
    );
    let on_main = client.settled_diagnostics(&main_uri);
    assert!(
        codes(&on_main).contains(&"ACR001".to_string()),
        "{on_main:#?}"
    );
    // Closing the parameter file: the template reads the disk again.
    client.close(&params_uri);
    let on_main = client.settled_diagnostics(&main_uri);
    assert!(
        !codes(&on_main).contains(&"ACR001".to_string()),
        "{on_main:#?}"
    );
    client.shutdown();
}

#[test]
fn a_starter_fills_an_empty_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.bicep");
    std::fs::write(&path, "").unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path, "bicep", "");
    client.diagnostics(&uri, 1);
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let actions = client.code_actions(&uri, &range);
    let starter = actions
        .iter()
        .find(|a| a["title"] == "Insert compliant container registry")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let text = apply_edits("", &starter["edit"]["changes"][uri.as_str()]);
    assert!(
        text.contains("Microsoft.ContainerRegistry/registries@"),
        "{text}"
    );
    client.change(&uri, 2, json!([{"text": text}]));
    let diags = client.diagnostics(&uri, 2);
    let serious: Vec<&Value> = diags.iter().filter(|d| d["severity"] != 3).collect();
    assert!(serious.is_empty(), "the starter is compliant: {serious:#?}");
    client.shutdown();
}

#[test]
fn the_readme_shows_the_neovim_set_up_the_editor_test_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let snippet = std::fs::read_to_string(root.join("editors/neovim/acrlint.lua")).unwrap();
    assert!(
        readme.contains(&format!("```lua\n{snippet}```")),
        "README.md quotes editors/neovim/acrlint.lua as it is"
    );
}

#[test]
fn a_module_edit_rechecks_the_template_that_uses_it() {
    let module = |admin: &str| {
        format!(
            "param admin bool\n\nresource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {{\n  name: 'contosoregistry'\n  location: 'westeurope'\n  sku: {{\n    name: 'Premium'\n  }}\n  properties: {{\n    adminUserEnabled: {admin}\n  }}\n}}\n"
        )
    };
    let main =
        "module acr './acr.bicep' = {\n  name: 'acr'\n  params: {\n    admin: true\n  }\n}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("acr.bicep"), module("admin")).unwrap();
    std::fs::write(dir.path().join("main.bicep"), main).unwrap();
    let mut client = Client::start(dir.path());
    let main_uri = client.open(&dir.path().join("main.bicep"), "bicep", main);
    let diags = client.diagnostics(&main_uri, 1);
    // The registry is in the module; the value that violates comes from here.
    let acr001 = find(&diags, "ACR001");
    assert_eq!(acr001["range"]["start"]["line"], 3, "{acr001:#?}");
    let elsewhere = &acr001["relatedInformation"][0];
    assert!(elsewhere["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/acr.bicep"));
    assert_eq!(elsewhere["location"]["range"]["start"]["line"], 9);
    let actions = client.code_actions(&main_uri, &acr001["range"]);
    assert!(
        !actions.iter().any(|a| a["kind"] == "quickfix"),
        "nothing to fix or suppress here: {actions:#?}"
    );
    // An unsaved edit of the module: the template is checked with it.
    let module_uri = client.open(&dir.path().join("acr.bicep"), "bicep", &module("admin"));
    client.diagnostics(&module_uri, 1);
    client.change(&module_uri, 2, json!([{"text": module("false")}]));
    client.diagnostics(&module_uri, 2);
    let diags = client.settled_diagnostics(&main_uri);
    assert!(!codes(&diags).contains(&"ACR001".to_string()), "{diags:#?}");
    client.shutdown();
}

#[test]
fn configuration_changes_apply_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.json");
    let text = TEMPLATE.replacen("false }", "true }", 1);
    std::fs::write(&path, &text).unwrap();
    let mut client = Client::start(dir.path());
    let uri = client.open(&path, "json", &text);
    assert!(codes(&client.diagnostics(&uri, 1)).contains(&"ACR001".to_string()));
    // A watched acrlint.json turns the rule off.
    let config = dir.path().join("acrlint.json");
    std::fs::write(&config, r#"{"rules": {"ACR001": "off"}}"#).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", config.display()), "type": 1}]}),
    );
    let diags = client.settled_diagnostics(&uri);
    assert!(!codes(&diags).contains(&"ACR001".to_string()), "{diags:#?}");
    // The editor's settings name another configuration file: the rule is back.
    let other = dir.path().join("strict.json");
    std::fs::write(&other, r#"{"rules": {}}"#).unwrap();
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"acrlint": {"config": other, "debounceMs": 5}}}),
    );
    let diags = client.settled_diagnostics(&uri);
    assert!(codes(&diags).contains(&"ACR001".to_string()), "{diags:#?}");
    client.shutdown();
}

#[test]
fn the_server_reads_no_file_outside_the_documents_root() {
    const SECRET: &str = "LSP-SECRET-51d0";
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    let project = dir.path().join("project");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(outside.join("secret.txt"), SECRET).unwrap();
    // Open in the editor too: a buffer outside the root is refused like the file.
    let text = "resource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: loadTextContent('../outside/secret.txt')\n  location: 'westus'\n  sku: { name: 'Premium' }\n  properties: { adminUserEnabled: true }\n}\n";
    let path = project.join("main.bicep");
    std::fs::write(&path, text).unwrap();
    let mut client = Client::start(&project);
    client.open(&outside.join("secret.txt"), "plaintext", SECRET);
    let uri = client.open(&path, "bicep", text);
    let diags = client.diagnostics(&uri, 1);
    let all = serde_json::to_string(&diags).unwrap();
    assert!(!all.contains(SECRET), "{all}");
    assert!(all.contains("leaves the checked root"), "{all}");
    assert!(codes(&diags).contains(&"ACR001".to_string()), "{all}");
    client.shutdown();
}
