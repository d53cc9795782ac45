//! `expand`: snapshots on a fixture and (with the `corpus` feature) on real corpus
//! templates, and the cases the corpus lacks.

use std::path::Path;

use acrlint::{expand, expansion_to_json, DeploymentContext, ExpandOptions, Value};

fn context() -> DeploymentContext {
    DeploymentContext {
        location: Some("westeurope".into()),
        resource_group: Some("rg-acr".into()),
        subscription_id: Some("00000000-0000-0000-0000-000000000000".into()),
        ..Default::default()
    }
}

fn expand_json(path: &str, options: &ExpandOptions) -> serde_json::Value {
    let exp = expand(Path::new(path), options).unwrap_or_else(|e| panic!("{}", e.render()));
    expansion_to_json(&exp)
}

/// Expand a file of the shared corpus; paths in the output are written under
/// `$SHARED` (`test_support::LABEL`), wherever the data sits.
#[cfg(feature = "corpus")]
fn expand_shared(relative: &str, options: &ExpandOptions) -> serde_json::Value {
    use acrlint::test_support::{relabel, shared};
    let path = shared(relative);
    let json = expand_json(&path.to_string_lossy(), options);
    serde_json::from_str(&relabel(&json.to_string())).unwrap()
}

#[test]
fn snapshot_fixture_with_parameter_file_and_copy_loop() {
    // A registry with a replica loop whose locations come from the parameter file
    // beside the template.
    let json = expand_json(
        "tests/fixtures/check/acr002-loop-unguarded.json",
        &ExpandOptions {
            context: context(),
            ..Default::default()
        },
    );
    assert_eq!(
        json["parameterFile"],
        "tests/fixtures/check/acr002-loop-unguarded.parameters.json"
    );
    insta::assert_json_snapshot!(json);
}

#[cfg(feature = "corpus")]
#[test]
fn snapshot_quickstart_with_parameter_file() {
    // An AKS + ACR quickstart whose parameter file sits beside it (bound by convention).
    let json = expand_shared(
        "corpus/acr/Azure__azure-quickstart-templates/demos/aks-nat-agic/azuredeploy.json",
        &ExpandOptions {
            context: context(),
            ..Default::default()
        },
    );
    let parameter_file = json["parameterFile"].as_str().unwrap_or_default();
    assert!(
        parameter_file.ends_with("/aks-nat-agic/azuredeploy.parameters.json"),
        "{parameter_file}"
    );
    let registry = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries")
        .unwrap();
    assert_eq!(registry["properties"]["adminUserEnabled"], false);
    insta::assert_json_snapshot!(json);
}

#[cfg(feature = "corpus")]
#[test]
fn snapshot_avm_language_version_2_registry_module() {
    let json = expand_shared(
        "corpus/acr/Azure__bicep-registry-modules/avm/res/container-registry/registry/main.json",
        &ExpandOptions {
            context: context(),
            parameter_overrides: vec![("name".into(), Value::str("contosoacr"))],
            ..Default::default()
        },
    );
    let resources = json["resources"].as_array().unwrap();
    let registry = resources
        .iter()
        .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries" && r["deployment"] == "")
        .unwrap();
    assert_eq!(registry["symbolicName"], "registry");
    assert_eq!(registry["name"], "contosoacr");
    assert_eq!(registry["location"], "westeurope");
    assert_eq!(registry["properties"]["adminUserEnabled"], false);
    insta::assert_json_snapshot!(json);
}

#[cfg(feature = "corpus")]
#[test]
fn snapshot_quickstart_with_copy_loop() {
    let options = ExpandOptions {
        context: context(),
        parameter_overrides: vec![("shareCopy".into(), Value::Int(3))],
        ..Default::default()
    };
    let json = expand_shared(
        "corpus/quickstarts/quickstarts/microsoft.storage/storage-multi-file-share/azuredeploy.json",
        &options,
    );
    let names: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "Microsoft.Storage/storageAccounts/fileServices/shares")
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names[0].ends_with("/default/logs0") && names[2].ends_with("/default/logs2"));
    insta::assert_json_snapshot!(json);
}

#[test]
fn each_copy_iteration_carries_its_own_condition() {
    let json = expand_json(
        "tests/fixtures/check/acr002-loop-guarded.json",
        &ExpandOptions {
            context: context(),
            ..Default::default()
        },
    );
    let conditions: Vec<(&str, bool)> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "Microsoft.ContainerRegistry/registries/replications")
        .map(|r| {
            (
                r["location"].as_str().unwrap(),
                r["condition"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        conditions,
        vec![
            ("westeurope", false),
            ("northeurope", true),
            ("eastus", true)
        ]
    );
    // Without a location the condition depends on the resource group: unknown.
    let json = expand_json(
        "tests/fixtures/check/acr002-loop-guarded.json",
        &ExpandOptions::default(),
    );
    let unknown = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "Microsoft.ContainerRegistry/registries/replications")
        .all(|r| r["condition"] == "unknown");
    assert!(unknown);
    let location = &json["resources"][0]["location"];
    assert!(
        location["$unknown"]
            .as_str()
            .unwrap()
            .contains("--location"),
        "{location}"
    );
}

#[test]
fn registry_two_inner_deployments_deep_gets_the_top_level_parameter() {
    let json = expand_json(
        "tests/fixtures/check/nested-inner-two-levels.json",
        &ExpandOptions::default(),
    );
    let registry = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries")
        .unwrap();
    assert_eq!(registry["deployment"], "outer/inner");
    assert_eq!(registry["properties"]["adminUserEnabled"], true);
    assert_eq!(registry["source"]["line"], 34);
}

#[test]
fn parameter_file_bound_by_convention() {
    let json = expand_json(
        "tests/fixtures/check/acr002-loop-unguarded.json",
        &ExpandOptions::default(),
    );
    assert_eq!(
        json["parameterFile"],
        "tests/fixtures/check/acr002-loop-unguarded.parameters.json"
    );
    let locations: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "Microsoft.ContainerRegistry/registries/replications")
        .map(|r| r["location"].as_str().unwrap())
        .collect();
    assert_eq!(locations, vec!["West Europe", "swedencentral"]);
}

#[test]
fn comments_and_multiline_strings_before_the_value() {
    let json = expand_json(
        "tests/fixtures/check/comments-multiline.json",
        &ExpandOptions::default(),
    );
    let r = &json["resources"][0];
    assert_eq!(r["source"]["line"], 8);
    assert_eq!(r["tags"]["description"], "first line\nsecond line");
    assert_eq!(r["properties"]["adminUserEnabled"], true);
}

#[test]
fn unsupported_and_runtime_values_are_explicit_unknowns() {
    let dir = tempdir();
    let path = dir.join("t.json");
    std::fs::write(
        &path,
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0", "resources": [],
            "outputs": {
              "a": {"type": "string", "value": "[noSuchFunction(1)]"},
              "b": {"type": "string", "value": "[utcNow()]"},
              "c": {"type": "object", "value": "[reference(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2023-01-01')]"}
            }}"#,
    )
    .unwrap();
    let json = expand_json(path.to_str().unwrap(), &ExpandOptions::default());
    assert!(json["outputs"]["a"]["$unknown"]
        .as_str()
        .unwrap()
        .starts_with("unsupported function noSuchFunction"));
    assert!(json["outputs"]["b"]["$unknown"]
        .as_str()
        .unwrap()
        .contains("deployment"));
    assert!(json["outputs"]["c"]["$unknown"].is_string());
}

#[test]
fn a_malformed_expression_is_unknown_every_time_it_is_evaluated() {
    let dir = tempdir();
    let path = dir.join("malformed.json");
    std::fs::write(
        &path,
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "resources": [
              {"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01",
               "name": "[concat('web', copyIndex())]", "copy": {"name": "sites", "count": 2},
               "properties": {"p": "[concat('a',]"}}
            ]}"#,
    )
    .unwrap();
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    assert_eq!(exp.resources.len(), 2);
    for r in &exp.resources {
        let p = r.body.get("properties").and_then(|p| p.get("p"));
        assert!(matches!(p, Some(Value::Unknown(_))), "{p:?}");
    }
    // Reported once, at its place.
    assert_eq!(exp.syntax_errors().count(), 1);
}

#[test]
fn a_parameter_default_may_read_a_parameter_declared_after_it() {
    // As in the quickstart module Microsoft.Compute/galleries/create.
    let dir = tempdir();
    let path = dir.join("later.json");
    std::fs::write(
        &path,
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            "contentVersion": "1.0.0.0",
            "parameters": {
              "galleryName": {"type": "string", "defaultValue": "[concat('gallery.', parameters('location'))]"},
              "location": {"type": "string", "defaultValue": "[parameters('region')]"},
              "region": {"type": "string", "defaultValue": "westus"},
              "a": {"type": "string", "defaultValue": "[parameters('b')]"},
              "b": {"type": "string", "defaultValue": "[parameters('a')]"}
            },
            "resources": [],
            "outputs": {
              "name": {"type": "string", "value": "[parameters('galleryName')]"},
              "a": {"type": "string", "value": "[parameters('a')]"}
            }}"#,
    )
    .unwrap();
    let json = expand_json(path.to_str().unwrap(), &ExpandOptions::default());
    assert_eq!(json["outputs"]["name"], "gallery.westus");
    // Defaults that read each other have no value; the cycle is reported, not looped.
    assert!(json["outputs"]["a"]["$unknown"].is_string(), "{json:#}");
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("acrlint-expand-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
