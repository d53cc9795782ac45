use std::path::Path;

use crate::fix::{fix_text, FileFix, FixOptions};
use crate::rules::catalog::parse_rule;
use crate::rules::engine::Engine;
use crate::rules::finding::Level;
use crate::rules::native::registry::builtin_rules;

/// A rule like ACR007 (exports disabled, which needs public network access disabled),
/// to exercise `set` with several properties and insertion of missing ones.
const EXPORTS_RULE: &str = r#"{
  "id": "TST007", "title": "exports", "severity": "warning", "effect": "Audit",
  "resourceTypes": ["Microsoft.ContainerRegistry/registries"],
  "condition": {"allOf": [
    {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
    {"anyOf": [
      {"field": "Microsoft.ContainerRegistry/registries/policies.exportPolicy.status", "notEquals": "disabled"},
      {"field": "Microsoft.ContainerRegistry/registries/publicNetworkAccess", "notEquals": "Disabled"}
    ]}
  ]},
  "location": "properties.publicNetworkAccess",
  "message": "exports", "recommendation": "r", "helpUri": "https://example.org", "securitySeverity": "1.0",
  "fix": {"set": [
    {"path": "properties.policies.exportPolicy.status", "value": "disabled"},
    {"path": "properties.publicNetworkAccess", "value": "Disabled"}
  ]},
  "docs": {"whatItDoes": "x", "whyIsThisBad": "x", "example": "", "useInstead": ""}
}"#;

fn engine(extra: bool) -> Engine {
    let mut metas = builtin_rules().unwrap();
    if extra {
        metas.push(parse_rule(EXPORTS_RULE).unwrap());
    }
    Engine::from_metas(metas).unwrap()
}

/// The fixes of the rules under test only (the catalogue has fixes for more).
fn options() -> FixOptions {
    let mut o = FixOptions {
        fail_on: Some(Level::Error),
        rules: vec!["ACR001".into(), "ACR002".into(), "TST007".into()],
        ..Default::default()
    };
    o.check.expand.no_parameter_discovery = true;
    o
}

fn fix(text: &str) -> FileFix {
    let r = fix_text(Path::new("main.json"), text, &engine(false), &options());
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

fn template(parameters: &str, resources: &str) -> String {
    format!(
        "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": {{{parameters}}},\n  \"resources\": [\n{resources}\n  ]\n}}\n"
    )
}

const REGISTRY_TRUE: &str = r#"    {
      // the registry
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": true /* was on */ }
    }"#;

#[test]
fn a_literal_true_becomes_false_and_nothing_else_changes() {
    let text = template("", REGISTRY_TRUE);
    let r = fix(&text);
    assert_eq!(r.applied, 1);
    assert_eq!(
        r.fixed,
        text.replace("\"adminUserEnabled\": true", "\"adminUserEnabled\": false")
    );
    assert!(r.remaining.is_empty() && r.manual.is_empty());
    let again = fix(&r.fixed);
    assert_eq!(again.fixed, r.fixed);
    assert_eq!(again.applied, 0);
}

#[test]
fn a_parameter_used_only_there_gets_a_false_default() {
    let params = "\n    \"admin\": { \"type\": \"bool\", \"defaultValue\": true }\n  ";
    let res = REGISTRY_TRUE.replace("true /* was on */", "\"[parameters('admin')]\"");
    let text = template(params, &res);
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        r.fixed,
        text.replace("\"defaultValue\": true", "\"defaultValue\": false")
    );
    assert!(r.remaining.is_empty());
}

#[test]
fn a_parameter_used_elsewhere_is_left_with_advice() {
    let params = "\n    \"admin\": { \"type\": \"bool\", \"defaultValue\": true }\n  ";
    let res = REGISTRY_TRUE.replace("true /* was on */", "\"[parameters('admin')]\"");
    let text = template(params, &res).replace(
        "\"resources\"",
        "\"outputs\": { \"a\": { \"type\": \"bool\", \"value\": \"[parameters('admin')]\" } },\n  \"resources\"",
    );
    let r = fix(&text);
    assert_eq!(r.fixed, text);
    assert_eq!(r.applied, 0);
    assert_eq!(r.manual.len(), 1, "{:?}", r.manual);
    assert!(
        r.manual[0].advice.contains("also used elsewhere"),
        "{:?}",
        r.manual
    );
    assert_eq!(r.remaining.len(), 1);
    assert_eq!(r.remaining[0].rule, "ACR001");
}

#[test]
fn a_parameter_set_in_the_parameter_file_is_left_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let params = "\n    \"admin\": { \"type\": \"bool\", \"defaultValue\": true }\n  ";
    let res = REGISTRY_TRUE.replace("true /* was on */", "\"[parameters('admin')]\"");
    let text = template(params, &res);
    let path = dir.path().join("main.json");
    std::fs::write(dir.path().join("main.parameters.json"), r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {"admin": {"value": true}}}"#).unwrap();
    let mut o = options();
    o.check.expand.no_parameter_discovery = false;
    let r = fix_text(&path, &text, &engine(false), &o);
    assert_eq!(r.fixed, text);
    assert!(
        r.manual.iter().any(|m| m.advice.contains("parameter file")),
        "{:?}",
        r.manual
    );
}

#[test]
fn an_expression_is_left_with_advice() {
    let res = REGISTRY_TRUE.replace("true /* was on */", "\"[not(false)]\"");
    let text = template("", &res);
    let r = fix(&text);
    assert_eq!(r.fixed, text);
    assert!(
        r.manual[0].advice.contains("[not(false)]"),
        "{:?}",
        r.manual
    );
}

const HOME_REPLICA: &str = "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"westeurope\",\n      \"sku\": { \"name\": \"Premium\" }\n    },\n    {\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry/westeurope\",\n      \"location\": \"West Europe\",\n      \"dependsOn\": [ \"[resourceId('Microsoft.ContainerRegistry/registries', 'contosoregistry')]\" ],\n      \"properties\": {}\n    }";

#[test]
fn an_unguarded_home_replica_gets_condition_false() {
    let text = template("", HOME_REPLICA);
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    let expected = text.replace(
        "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\"",
        "    {\n      \"condition\": false,\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\"",
    );
    assert_eq!(r.fixed, expected);
    assert!(r.remaining.is_empty());
    assert_eq!(fix(&r.fixed).fixed, expected);
}

#[test]
fn crlf_and_byte_order_mark_are_kept() {
    let text = format!(
        "\u{feff}{}",
        template("", HOME_REPLICA).replace('\n', "\r\n")
    );
    let r = fix(&text);
    assert_eq!(r.applied, 1);
    assert!(r.fixed.starts_with('\u{feff}'));
    assert!(
        r.fixed
            .contains("{\r\n      \"condition\": false,\r\n      \"type\""),
        "{}",
        r.fixed
    );
    assert!(!r.fixed.replace("\r\n", "").contains('\n'));
}

/// A registry and a copy loop of replicas over a list that includes the home region
/// (the ACR FAQ's situation); `condition`: the loop's own condition member, if any.
fn replica_loop(home: &str, replicas: &str, condition: &str) -> String {
    let parameters = format!(
        "\n    \"location\": {{ \"type\": \"string\", \"defaultValue\": \"{home}\" }},\n    \"replicaLocations\": {{ \"type\": \"array\", \"defaultValue\": {replicas} }},\n    \"deployReplicas\": {{ \"type\": \"bool\", \"defaultValue\": true }}\n  "
    );
    let resources = format!(
        "    {{\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"[parameters('location')]\",\n      \"sku\": {{ \"name\": \"Premium\" }}\n    }},\n    {{\n{condition}      \"type\": \"Microsoft.ContainerRegistry/registries/replications\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"[format('contosoregistry/{{0}}', parameters('replicaLocations')[copyIndex()])]\",\n      \"location\": \"[parameters('replicaLocations')[copyIndex()]]\",\n      \"copy\": {{ \"name\": \"replicas\", \"count\": \"[length(parameters('replicaLocations'))]\" }},\n      \"dependsOn\": [ \"[resourceId('Microsoft.ContainerRegistry/registries', 'contosoregistry')]\" ],\n      \"properties\": {{}}\n    }}"
    );
    template(&parameters, &resources)
}

const LOOP_GUARD: &str = "not(equals(toLower(parameters('replicaLocations')[copyIndex()]), toLower(parameters('location'))))";

#[test]
fn a_home_replica_in_a_copy_loop_gets_a_per_iteration_guard() {
    let text = replica_loop("westeurope", "[ \"westeurope\", \"eastus\" ]", "");
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    // Verified in memory before it is returned: the westeurope iteration's
    // condition is false, the eastus iteration's is still true.
    let expected = text.replace(
        "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\"",
        &format!("    {{\n      \"condition\": \"[{LOOP_GUARD}]\",\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\""),
    );
    assert_eq!(r.fixed, expected);
    assert!(
        r.remaining.is_empty() && r.manual.is_empty(),
        "{:?}",
        r.manual
    );
    let again = fix(&r.fixed);
    assert_eq!((again.fixed, again.applied), (expected, 0));
}

#[test]
fn a_loop_guard_is_merged_with_the_loop_condition_by_and() {
    let condition = "      \"condition\": \"[parameters('deployReplicas')]\",\n";
    let text = replica_loop("westeurope", "[ \"eastus\", \"WestEurope\" ]", condition);
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    let merged =
        format!("      \"condition\": \"[and(parameters('deployReplicas'), {LOOP_GUARD})]\",\n");
    assert_eq!(r.fixed, text.replace(condition, &merged));
    assert_eq!(fix(&r.fixed).fixed, r.fixed);
}

#[test]
fn a_loop_guard_drops_spaces_when_the_locations_are_written_differently() {
    let text = replica_loop("westeurope", "[ \"West Europe\", \"eastus\" ]", "");
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert!(
        r.fixed.contains("\"condition\": \"[not(equals(replace(toLower(parameters('replicaLocations')[copyIndex()]), ' ', ''), replace(toLower(parameters('location')), ' ', '')))]\""),
        "{}",
        r.fixed
    );
}

#[test]
fn a_replica_with_a_condition_is_guarded_per_location_not_switched_off() {
    let condition = "      \"condition\": \"[parameters('deployReplicas')]\",\n";
    let single = HOME_REPLICA.replace(
        "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\"",
        &format!(
            "    {{\n{condition}      \"type\": \"Microsoft.ContainerRegistry/registries/replications\""
        ),
    );
    let text = template(
        "\"deployReplicas\": { \"type\": \"bool\", \"defaultValue\": true }",
        &single,
    );
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        r.fixed,
        text.replace(
            condition,
            "      \"condition\": \"[and(parameters('deployReplicas'), not(equals(replace(toLower('West Europe'), ' ', ''), replace(toLower('westeurope'), ' ', ''))))]\",\n"
        )
    );
}

#[test]
fn a_loop_whose_registry_is_in_a_loop_too_is_left_with_advice() {
    let text = replica_loop("westeurope", "[ \"westeurope\" ]", "").replace(
        "      \"name\": \"contosoregistry\",",
        "      \"name\": \"contosoregistry\",\n      \"copy\": { \"name\": \"registries\", \"count\": 1 },",
    );
    let r = fix(&text);
    assert_eq!(r.fixed, text);
    assert!(
        r.manual.iter().any(
            |m| m.rule == "ACR002" && m.advice.contains("declared in another template or loop")
        ),
        "{:?} {:?}",
        r.manual,
        r.remaining
    );
}

fn fix_exports(text: &str) -> FileFix {
    let r = fix_text(Path::new("main.json"), text, &engine(true), &options());
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

#[test]
fn missing_properties_are_inserted_in_the_style_of_their_siblings() {
    let res = "    {\n        \"type\": \"Microsoft.ContainerRegistry/registries\",\n        \"apiVersion\": \"2025-11-01\",\n        \"name\": \"contosoregistry\",\n        \"location\": \"westeurope\",\n        \"sku\": { \"name\": \"Premium\" },\n        \"properties\": {\n            \"adminUserEnabled\": false\n        }\n    }";
    let text = template("", res);
    let r = fix_exports(&text);
    let expected = text.replace(
        "            \"adminUserEnabled\": false\n",
        "            \"adminUserEnabled\": false,\n            \"policies\": {\n                \"exportPolicy\": {\n                    \"status\": \"disabled\"\n                }\n            },\n            \"publicNetworkAccess\": \"Disabled\"\n",
    );
    assert_eq!(r.fixed, expected);
    assert_eq!(r.applied, 1);
    assert_eq!(fix_exports(&r.fixed).fixed, expected);
}

#[test]
fn values_are_replaced_and_trailing_commas_and_comments_respected() {
    let res = "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"westeurope\",\n      \"sku\": { \"name\": \"Premium\" },\n      \"properties\": {\n        \"publicNetworkAccess\": \"Enabled\",\n        \"adminUserEnabled\": false // keep me\n      }\n    }";
    let text = template("", res);
    let r = fix_exports(&text);
    let expected = text
        .replace("\"Enabled\"", "\"Disabled\"")
        .replace(
            "\"adminUserEnabled\": false // keep me\n",
            "\"adminUserEnabled\": false, // keep me\n        \"policies\": {\n          \"exportPolicy\": {\n            \"status\": \"disabled\"\n          }\n        }\n",
        );
    assert_eq!(r.fixed, expected);
    let trailing = text.replace("false // keep me", "false,");
    let r = fix_exports(&trailing);
    assert!(
        r.fixed
            .contains("\"adminUserEnabled\": false,\n        \"policies\": {"),
        "{}",
        r.fixed
    );
    assert!(crate::source::json::parse(&r.fixed).is_ok());
}

#[test]
fn only_the_rules_asked_for_are_fixed() {
    let text = template(
        "",
        &format!(
            "{REGISTRY_TRUE},\n{}",
            HOME_REPLICA.replace("contosoregistry", "other12345")
        ),
    );
    let mut o = options();
    o.rules = vec!["acr002".into()];
    o.fail_on = Some(Level::Error);
    let r = fix_text(Path::new("main.json"), &text, &engine(false), &o);
    assert!(r.fixed.contains("\"adminUserEnabled\": true"));
    assert!(r.fixed.contains("\"condition\": false"));
    assert_eq!(r.remaining.len(), 1);
    assert_eq!(r.remaining[0].rule, "ACR001");
}

#[test]
fn files_that_are_not_templates_are_skipped() {
    let r = fix("{\"a\": 1}");
    assert!(r.skipped);
    let broken = fix_text(
        Path::new("main.json"),
        "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", ",
        &engine(false),
        &options(),
    );
    assert!(broken.error.is_some());
}

#[test]
fn fixes_that_insert_into_one_missing_object_are_applied_one_after_the_other() {
    // ACR008 and TST007 both add to the missing `properties` object.
    let res = "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"westeurope\",\n      \"sku\": { \"name\": \"Premium\" }\n    }";
    let text = template("", res);
    let mut o = options();
    o.rules = vec!["ACR008".into(), "TST007".into()];
    let r = fix_text(Path::new("main.json"), &text, &engine(true), &o);
    assert!(r.error.is_none(), "{:?}", r.error);
    let root = crate::source::json::parse(&r.fixed).unwrap();
    let registry = &root.get("resources").unwrap().as_array().unwrap()[0];
    let members = registry.as_object().unwrap();
    assert_eq!(
        members.iter().filter(|m| &*m.key == "properties").count(),
        1,
        "{}",
        r.fixed
    );
    let props = registry.get("properties").unwrap();
    let policies = props.get("policies").unwrap();
    assert_eq!(
        props.get("publicNetworkAccess").unwrap().as_str(),
        Some("Disabled")
    );
    assert_eq!(
        policies
            .get("exportPolicy")
            .unwrap()
            .get("status")
            .unwrap()
            .as_str(),
        Some("disabled")
    );
    assert_eq!(
        policies
            .get("azureADAuthenticationAsArmPolicy")
            .unwrap()
            .get("status")
            .unwrap()
            .as_str(),
        Some("disabled")
    );
    assert_eq!(r.applied, 2);
    let again = fix_text(Path::new("main.json"), &r.fixed, &engine(true), &o);
    assert_eq!(again.fixed, r.fixed);
}

#[test]
fn notes_and_possible_findings_are_not_fixed_by_default() {
    // A replica that is the home replica only if the resource group is in West Europe
    // (possible), and a Standard registry (ACR010 note offers Premium).
    let res = "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"[resourceGroup().location]\",\n      \"sku\": { \"name\": \"Standard\" },\n      \"properties\": { \"adminUserEnabled\": false, \"anonymousPullEnabled\": false, \"publicNetworkAccess\": \"Disabled\", \"policies\": { \"exportPolicy\": { \"status\": \"disabled\" }, \"azureADAuthenticationAsArmPolicy\": { \"status\": \"disabled\" } } }\n    },\n    {\n      \"type\": \"Microsoft.ContainerRegistry/registries/replications\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry/westeurope\",\n      \"location\": \"westeurope\",\n      \"dependsOn\": [ \"[resourceId('Microsoft.ContainerRegistry/registries', 'contosoregistry')]\" ],\n      \"properties\": {}\n    }";
    let text = template("", res);
    let o = FixOptions {
        fail_on: Some(Level::Note),
        check: options().check,
        ..Default::default()
    };
    let r = fix_text(Path::new("main.json"), &text, &engine(false), &o);
    assert!(r.error.is_none(), "{:?}", r.error);
    let left: Vec<(&str, crate::rules::finding::Status)> = r
        .remaining
        .iter()
        .map(|f| (f.rule.as_str(), f.status))
        .collect();
    assert!(
        left.contains(&("ACR002", crate::rules::finding::Status::Possible)),
        "{left:?}"
    );
    assert!(left.iter().any(|(rule, _)| *rule == "ACR010"), "{left:?}");
    assert!(!r.fixed.contains("\"condition\""), "{}", r.fixed);
    assert!(r.fixed.contains("\"name\": \"Standard\""), "{}", r.fixed);
    let mut named = o.clone();
    named.rules = vec!["ACR010".into()];
    let r = fix_text(Path::new("main.json"), &text, &engine(false), &named);
    assert!(r.fixed.contains("\"name\": \"Premium\""), "{}", r.fixed);
}

#[test]
fn a_fix_that_would_cut_access_is_refused() {
    // Disabling exports needs public network access off, which a Standard registry
    // cannot reach through a private endpoint: the ACR007 fix would cut it off (and
    // trade a warning for an ACR016 error).
    let res = "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"westeurope\",\n      \"sku\": { \"name\": \"Standard\" },\n      \"properties\": {\n        \"adminUserEnabled\": true\n      }\n    }";
    let text = template("", res);
    let mut o = options();
    o.rules = vec!["ACR001".into(), "ACR007".into()];
    let r = fix_text(Path::new("main.json"), &text, &engine(false), &o);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(
        r.fixed,
        text.replace("\"adminUserEnabled\": true", "\"adminUserEnabled\": false")
    );
    assert_eq!(r.applied, 1);
    assert!(
        r.manual
            .iter()
            .any(|m| m.rule == "ACR007" && m.advice.contains("its SKU is Standard")),
        "{:?}",
        r.manual
    );
}

#[test]
fn single_line_and_empty_objects_get_members_too() {
    let one_line = "    {\n      \"type\": \"Microsoft.ContainerRegistry/registries\",\n      \"apiVersion\": \"2025-11-01\",\n      \"name\": \"contosoregistry\",\n      \"location\": \"westeurope\",\n      \"sku\": { \"name\": \"Premium\" },\n      \"properties\": { \"adminUserEnabled\": false }\n    }";
    let text = template("", one_line);
    let r = fix_exports(&text);
    assert_eq!(
        r.fixed,
        text.replace(
            "{ \"adminUserEnabled\": false }",
            "{ \"adminUserEnabled\": false, \"policies\": {\"exportPolicy\":{\"status\":\"disabled\"}}, \"publicNetworkAccess\": \"Disabled\" }"
        )
    );
    let empty = one_line.replace("{ \"adminUserEnabled\": false }", "{}");
    let text = template("", &empty);
    let r = fix_exports(&text);
    assert_eq!(
        r.fixed,
        text.replace(
            "\"properties\": {}",
            "\"properties\": {\n        \"policies\": {\n          \"exportPolicy\": {\n            \"status\": \"disabled\"\n          }\n        },\n        \"publicNetworkAccess\": \"Disabled\"\n      }"
        ),
        "{}",
        r.fixed
    );
}

#[test]
fn tabs_are_kept_as_the_indentation_unit() {
    let res = "\t\t{\n\t\t\t\"type\": \"Microsoft.ContainerRegistry/registries\",\n\t\t\t\"apiVersion\": \"2025-11-01\",\n\t\t\t\"name\": \"contosoregistry\",\n\t\t\t\"location\": \"westeurope\",\n\t\t\t\"sku\": { \"name\": \"Premium\" },\n\t\t\t\"properties\": {\n\t\t\t\t\"publicNetworkAccess\": \"Disabled\"\n\t\t\t}\n\t\t}";
    let text = template("", res);
    let r = fix_exports(&text);
    assert_eq!(
        r.fixed,
        text.replace(
            "\t\t\t\t\"publicNetworkAccess\": \"Disabled\"\n",
            "\t\t\t\t\"publicNetworkAccess\": \"Disabled\",\n\t\t\t\t\"policies\": {\n\t\t\t\t\t\"exportPolicy\": {\n\t\t\t\t\t\t\"status\": \"disabled\"\n\t\t\t\t\t}\n\t\t\t\t}\n"
        ),
        "{}",
        r.fixed
    );
}

fn nested(scope: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{ "admin": {{ "type": "bool", "defaultValue": true }} }},
  "resources": [
    {{
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "inner",
      "properties": {{
        "mode": "Incremental",
        "expressionEvaluationOptions": {{ "scope": "{scope}" }},
        "parameters": {{}},
        "template": {{
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "parameters": {{ "admin": {{ "type": "bool", "defaultValue": true }} }},
          "resources": [
            {{
              "type": "Microsoft.ContainerRegistry/registries",
              "apiVersion": "2025-11-01",
              "name": "contosoregistry",
              "location": "westeurope",
              "sku": {{ "name": "Premium" }},
              "properties": {{ "adminUserEnabled": "[parameters('admin')]" }}
            }}
          ]
        }}
      }}
    }}
  ]
}}
"#
    )
}

#[test]
fn the_parameter_default_changed_is_the_one_the_scope_reads() {
    // Inner scope: the nested template's own parameter.
    let text = nested("inner");
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    let inner_default = text.rfind("\"defaultValue\": true").unwrap();
    let mut expected = text.clone();
    expected.replace_range(inner_default..inner_default + 20, "\"defaultValue\": false");
    assert_eq!(r.fixed, expected);
    // Outer scope (the default): the top-level parameter.
    let text = nested("outer");
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        r.fixed,
        text.replacen("\"defaultValue\": true", "\"defaultValue\": false", 1)
    );
}

/// A template with `parameters`, `variables` and the registry of `REGISTRY_TRUE`
/// whose `adminUserEnabled` is the expression `admin`.
fn computed_admin(parameters: &str, variables: &str, admin: &str) -> String {
    template(
        parameters,
        &REGISTRY_TRUE.replace("true /* was on */", &format!("\"[{admin}]\"")),
    )
    .replace(
        "  \"resources\": [",
        &format!("  \"variables\": {{{variables}}},\n  \"resources\": ["),
    )
}

#[test]
fn the_literal_a_value_comes_from_is_followed_through_variables_if_and_coalesce() {
    let cases: [(&str, &str, &str, (&str, &str)); 5] = [
        // A variable's literal.
        (
            "",
            "\"admin\": true",
            "variables('admin')",
            ("\"admin\": true", "\"admin\": false"),
        ),
        // A variable that reads a parameter: the parameter's default.
        (
            "\"adminEnabled\": { \"type\": \"bool\", \"defaultValue\": true }",
            "\"admin\": \"[parameters('adminEnabled')]\"",
            "variables('admin')",
            ("\"defaultValue\": true", "\"defaultValue\": false"),
        ),
        // `if` whose condition the literals decide: the branch taken.
        (
            "\"env\": { \"type\": \"string\", \"defaultValue\": \"dev\" }, \"devAdmin\": { \"type\": \"bool\", \"defaultValue\": true }",
            "",
            "if(equals(parameters('env'), 'prod'), false, parameters('devAdmin'))",
            ("\"defaultValue\": true", "\"defaultValue\": false"),
        ),
        // `coalesce`: the first argument that is not null.
        (
            "\"adminOverride\": { \"type\": \"bool\", \"defaultValue\": null }",
            "\"adminDefault\": true",
            "coalesce(parameters('adminOverride'), variables('adminDefault'))",
            ("\"adminDefault\": true", "\"adminDefault\": false"),
        ),
        // `not` of a variable that is `bool` of a string literal.
        (
            "",
            "\"keep\": \"[bool('false')]\"",
            "not(variables('keep'))",
            ("\"keep\": \"[bool('false')]\"", "\"keep\": \"[bool('false')]\""),
        ),
    ];
    for (i, (parameters, variables, admin, (from, to))) in cases.iter().enumerate() {
        let text = computed_admin(parameters, variables, admin);
        let r = fix(&text);
        if i == 4 {
            // `bool('false')` is a constant: the advice names it.
            assert_eq!(r.fixed, text);
            assert!(
                r.manual
                    .iter()
                    .any(|m| m.advice.contains("`'false'` is a constant")),
                "{:?}",
                r.manual
            );
            continue;
        }
        assert_eq!(r.applied, 1, "case {i}: {:?}", r.manual);
        assert_eq!(r.fixed, text.replacen(from, to, 1), "case {i}");
        let again = fix(&r.fixed);
        assert_eq!(
            (again.fixed, again.applied),
            (r.fixed.clone(), 0),
            "case {i}"
        );
    }
}

#[test]
fn what_cannot_be_inverted_is_named_in_the_advice() {
    let cases = [
        (
            "\"env\": { \"type\": \"string\", \"defaultValue\": \"Dev\" }",
            "",
            "if(equals(toLower(parameters('env')), 'prod'), false, true)",
            "depends on a condition that is not known",
        ),
        (
            "",
            "\"admin\": true",
            "and(variables('admin'), variables('admin'))",
            "`and(variables('admin'), variables('admin'))` cannot be inverted",
        ),
        (
            "",
            "\"admin\": true, \"other\": \"[variables('admin')]\"",
            "variables('admin')",
            "reads a variable that is also used elsewhere",
        ),
    ];
    for (parameters, variables, admin, advice) in cases {
        let text = computed_admin(parameters, variables, admin);
        let r = fix(&text);
        assert_eq!(r.fixed, text);
        assert!(
            r.manual
                .iter()
                .any(|m| m.rule == "ACR001" && m.advice.contains(advice)),
            "{admin}: {:?} {:?}",
            r.manual,
            r.remaining
        );
    }
}
