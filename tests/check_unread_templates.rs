//! `check` does not evaluate a template none of whose resources a rule reads (see
//! `Bodies::reads_any`); it only checks the syntax of every expression. These tests
//! pin which templates are evaluated, and that syntax errors are reported the same
//! whether a template is evaluated or not.

use acrlint::{check_file, expand, CheckOptions, Engine, ExpandOptions};

const HEAD: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0","#;

const SITE: &str = r#"{ "type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "web", "location": "westus", "properties": {} }"#;
const REGISTRY: &str = r#"{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acr", "location": "westus", "sku": { "name": "Basic" }, "properties": { "adminUserEnabled": true } }"#;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("acrlint-unread-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// How many resources `check`'s expansion of `resources` (a JSON array body) has:
/// zero when the template was not evaluated.
fn evaluated_resources(name: &str, resources: &str, extra: &str) -> usize {
    let path = write(
        name,
        &format!("{HEAD}{extra}\n  \"resources\": [{resources}]\n}}"),
    );
    let options = ExpandOptions {
        bodies: Engine::builtin().unwrap().bodies(),
        no_parameter_discovery: true,
        ..Default::default()
    };
    let n = expand(&path, &options).unwrap().resources.len();
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
    n
}

#[test]
fn only_templates_with_a_resource_some_rule_reads_are_evaluated() {
    // Nothing any rule reads.
    assert_eq!(evaluated_resources("site", SITE, ""), 0);
    // A registry.
    assert_eq!(
        evaluated_resources("registry", &format!("{SITE}, {REGISTRY}"), ""),
        2
    );
    // A registry in an inline nested template, found through the deployment.
    let nested = format!(
        r#"{{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
             "properties": {{ "mode": "Incremental", "template": {{ "resources": [{REGISTRY}] }} }} }}"#
    );
    assert_eq!(evaluated_resources("nested", &nested, ""), 2);
    // A linked template: its content is not read, so there is nothing to evaluate.
    let linked = r#"{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
             "properties": { "mode": "Incremental", "templateLink": { "uri": "https://example.com/t.json" } } }"#;
    assert_eq!(evaluated_resources("linked", linked, ""), 0);
    // A resource type written as an expression could be anything.
    let computed = r#"{ "type": "[concat('Microsoft.Web', '/sites')]", "apiVersion": "2022-03-01", "name": "x" }"#;
    assert_eq!(evaluated_resources("computed", computed, ""), 1);
}

#[test]
fn role_assignments_and_private_endpoints_matter_only_where_a_registry_is_named() {
    let assignment = |scope: &str| {
        format!(
            r#"{{ "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01",
                 "name": "[guid('a')]", "scope": "{scope}",
                 "properties": {{ "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]", "principalId": "p" }} }}"#
        )
    };
    let storage = assignment("[resourceId('Microsoft.Storage/storageAccounts', 'st')]");
    assert_eq!(evaluated_resources("ra-storage", &storage, ""), 0);
    let registry = assignment("[resourceId('Microsoft.ContainerRegistry/registries', 'acr')]");
    assert_eq!(evaluated_resources("ra-registry", &registry, ""), 1);
    // And the rule sees it: Contributor on a registry is ACR020.
    let path = write(
        "ra-check",
        &format!("{HEAD}\n  \"resources\": [{registry}]\n}}"),
    );
    let outcome = check_file(
        &path,
        true,
        &Engine::builtin().unwrap(),
        &CheckOptions::default(),
    );
    assert!(
        outcome.findings.iter().any(|f| f.rule == "ACR020"),
        "{:#?}",
        outcome.findings
    );
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

#[test]
fn only_the_counts_of_copy_loops_are_evaluated_in_templates_no_rule_reads() {
    let outputs = r#"
  "outputs": { "many": { "type": "array", "copy": { "count": 801, "input": "x" } } },"#;
    assert_eq!(evaluated_resources("copy", SITE, outputs), 0);
    let path = write(
        "copy-check",
        &format!("{HEAD}{outputs}\n  \"resources\": [{SITE}]\n}}"),
    );
    let outcome = check_file(
        &path,
        true,
        &Engine::builtin().unwrap(),
        &CheckOptions::default(),
    );
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.rule == "ACR000" && f.message.contains("copy count 801")),
        "{:#?}",
        outcome.findings
    );
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}

/// ACR000 findings of `check` as `line:column: message`, sorted.
fn acr000(name: &str, text: &str) -> Vec<String> {
    let path = write(name, text);
    let outcome = check_file(
        &path,
        true,
        &Engine::builtin().unwrap(),
        &CheckOptions::default(),
    );
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
    let mut out: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == "ACR000")
        .map(|f| {
            format!(
                "{}:{}: {}",
                f.location.start.line, f.location.start.column, f.message
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_expression_is_syntax_checked_evaluated_or_not() {
    // An unused variable and a resource property, both malformed; a description in
    // `metadata` that looks like an expression but is free text.
    let template = |resources: &str| {
        format!(
            r#"{HEAD}
  "metadata": {{ "description": "[not an expression" }},
  "variables": {{ "unused": "[concat('a',]" }},
  "resources": [
    {{ "type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "web",
       "properties": {{ "a": "[concat('x' 'y')]" }} }}{resources}
  ]
}}"#
        )
    };
    let unread = acr000("syntax-unread", &template(""));
    let read = acr000("syntax-read", &template(&format!(",\n    {REGISTRY}")));
    assert_eq!(unread.len(), 2, "{unread:#?}");
    assert!(
        unread[0].starts_with("5:41: invalid template expression"),
        "{unread:#?}"
    );
    assert!(
        unread[1].starts_with("8:42: invalid template expression"),
        "{unread:#?}"
    );
    assert_eq!(read, unread);
}

/// A walked template's parameter file is picked among the files the walk found.
#[test]
fn walked_templates_find_their_parameter_files_among_the_walked_files() {
    let dir = std::env::temp_dir().join(format!("acrlint-walk-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.json"),
        format!(
            r#"{HEAD}
  "parameters": {{ "admin": {{ "type": "bool", "defaultValue": false }} }},
  "resources": [
    {{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acr",
       "location": "westus", "sku": {{ "name": "Premium" }},
       "properties": {{ "adminUserEnabled": "[parameters('admin')]" }} }}
  ]
}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("main.parameters.prod.json"),
        r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "admin": { "value": true } }
}"#,
    )
    .unwrap();
    let engine = Engine::builtin().unwrap();
    let admin_failures = || {
        acrlint::check(
            std::slice::from_ref(&dir),
            &engine,
            &CheckOptions::default(),
        )
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "ACR001" && f.status == acrlint::Status::Fail)
        .count()
    };
    assert_eq!(admin_failures(), 1, "the parameter file sets admin to true");
    // Like every walked file, a parameter file the ignore files exclude is not seen.
    std::fs::write(dir.join(".ignore"), "main.parameters.prod.json\n").unwrap();
    assert_eq!(admin_failures(), 0);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn copy_counts_are_evaluated_through_parameters_and_nested_templates() {
    let text = format!(
        r#"{HEAD}
  "parameters": {{ "n": {{ "type": "int", "defaultValue": 1000 }} }},
  "resources": [
    {{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
       "properties": {{ "mode": "Incremental", "template": {{
         "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
         "contentVersion": "1.0.0.0",
         "resources": [
           {{ "type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "[concat('web', copyIndex())]",
              "copy": {{ "name": "sites", "count": "[parameters('n')]" }} }}
         ] }} }} }}
  ]
}}"#
    );
    let path = write("nested-copy", &text);
    let engine = Engine::builtin().unwrap();
    let limits = |all_bodies| {
        check_file(
            &path,
            true,
            &engine,
            &CheckOptions {
                all_bodies,
                ..Default::default()
            },
        )
        .findings
        .iter()
        .filter(|f| f.rule == "ACR000")
        .map(|f| format!("{}: {}", f.location.start.line, f.message))
        .collect::<Vec<_>>()
    };
    let counted = limits(false);
    assert_eq!(counted, limits(true));
    assert_eq!(counted.len(), 1, "{counted:?}");
    assert!(counted[0].starts_with("12: copy count 1000"), "{counted:?}");
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
}
