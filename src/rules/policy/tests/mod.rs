use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::*;
use crate::rules::condition::{NoExpressions, Reason};

mod definitions;

const ACR_DIR: &str = "../shared/reference/azure-policy/container-registry";
const RELATED_DIR: &str = "../shared/reference/azure-policy/container-registry-related";

/// Every reference definition, by GUID.
fn all_definitions() -> HashMap<String, PolicyDefinition> {
    let mut out = HashMap::new();
    for dir in [ACR_DIR, RELATED_DIR] {
        for result in PolicyDefinition::load_path(Path::new(dir)) {
            match result {
                Ok(d) => {
                    out.insert(d.name.clone(), d);
                }
                Err(e) => panic!("reference definition does not load: {e}"),
            }
        }
    }
    out
}

fn def(guid: &str) -> PolicyDefinition {
    match all_definitions().remove(guid) {
        Some(d) => d,
        None => panic!("no reference definition {guid}"),
    }
}

/// Evaluate with parameter defaults (plus overrides) and no expression resolver.
fn run(d: &PolicyDefinition, resource: &Value) -> Outcome {
    run_with(d, resource, &Map::new())
}

fn run_with(d: &PolicyDefinition, resource: &Value, overrides: &Map<String, Value>) -> Outcome {
    let params = match d.parameter_values(overrides) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    d.evaluate(resource, &params, &NoExpressions)
}

fn registry(properties: Value) -> Value {
    json!({
        "type": "Microsoft.ContainerRegistry/registries",
        "apiVersion": "2025-11-01",
        "name": "acr1",
        "location": "westeurope",
        "sku": {"name": "Premium"},
        "properties": properties,
        "condition": true
    })
}

fn child(ty: &str, name: &str, properties: Value) -> Value {
    json!({"type": format!("Microsoft.ContainerRegistry/registries/{ty}"), "name": name,
           "apiVersion": "2025-11-01", "properties": properties})
}

#[test]
fn all_reference_definitions_load_unchanged() {
    let acr = PolicyDefinition::load_path(Path::new(ACR_DIR));
    assert_eq!(acr.len(), 18);
    let related = PolicyDefinition::load_path(Path::new(RELATED_DIR));
    assert_eq!(related.len(), 8);
    let all = all_definitions();
    assert_eq!(all.len(), 26, "GUIDs are unique");
    for (guid, d) in &all {
        // A GUID name.
        assert_eq!(guid.len(), 36, "{guid}");
        assert_eq!(guid.matches('-').count(), 4, "{guid}");
        assert!(!d.display_name.is_empty());
        assert!(!d.description.is_empty());
        assert!(
            d.effect_parameter.is_some(),
            "{guid}: effect comes from a parameter"
        );
        // Every field the definitions use is in the alias table.
        assert_eq!(d.unknown_aliases, Vec::<String>::new(), "{guid}");
    }
}

#[test]
fn metadata_modes_and_effects() {
    let all = all_definitions();
    // (guid, mode, default effect, runs, category)
    let expected: [(&str, PolicyMode, Effect, bool); 26] = [
        (
            "785596ed-054f-41bc-aaec-7f3d0ba05725",
            PolicyMode::Indexed,
            Effect::Modify,
            true,
        ),
        (
            "42781ec6-6127-4c30-bdfa-fb423a0047d3",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "dc921057-6b28-4fbe-9b83-f7bec05db6c2",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "79fdfe03-ffcb-4e55-b4d0-b925b8241759",
            PolicyMode::Indexed,
            Effect::Modify,
            true,
        ),
        (
            "9f2dea28-e834-476c-99c5-3507b4728395",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "cced2946-b08a-44fe-9fd9-e4ed8a779897",
            PolicyMode::Indexed,
            Effect::Modify,
            true,
        ),
        (
            "5b9159ae-1701-4a6f-9a7a-aa9c8ddd0580",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "524b0254-c285-4903-bee6-bb8126cde579",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "d0793b48-0edc-4296-a390-4c75d1bdfd71",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "84497762-32b6-4ab3-80b6-732ea48b85a2",
            PolicyMode::All,
            Effect::Audit,
            true,
        ),
        (
            "e9585a95-5b8c-4d03-b193-dc7eb5ac4c32",
            PolicyMode::Indexed,
            Effect::DeployIfNotExists,
            true,
        ),
        (
            "e8eef0a8-67cf-4eb4-9386-14b0e78733d4",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "d85c6833-7d33-4cf5-a915-aaa2de84405f",
            PolicyMode::Indexed,
            Effect::DeployIfNotExists,
            true,
        ),
        (
            "0fdf0491-d080-4575-b627-ad0e843cba0f",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "a3701552-92ea-433e-9d17-33b7f1208fc9",
            PolicyMode::Indexed,
            Effect::Modify,
            true,
        ),
        (
            "bd560fc0-3c69-498a-ae9f-aa8eb7de0e13",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "ff05e24e-195c-447e-b322-5e90c9f9f366",
            PolicyMode::All,
            Effect::Audit,
            true,
        ),
        (
            "a9b426fe-8856-4945-8600-18c5dd1cca2a",
            PolicyMode::All,
            Effect::Modify,
            true,
        ),
        (
            "696cb1d3-2dcf-4b44-aa7a-caccd18b1b96",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "9ba29e83-863d-4fec-81d0-16dd87067cc3",
            PolicyMode::Indexed,
            Effect::DeployIfNotExists,
            true,
        ),
        (
            "56288eb2-4350-461d-9ece-2bb242269dce",
            PolicyMode::Indexed,
            Effect::DeployIfNotExists,
            true,
        ),
        (
            "106cd3bd-50a1-466c-869f-f9c2d310477b",
            PolicyMode::Indexed,
            Effect::DeployIfNotExists,
            true,
        ),
        (
            "c4857be7-912a-4c75-87e6-e30292bcdf78",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "9d2b0a20-57d6-474c-9d12-44a4a20999c6",
            PolicyMode::Indexed,
            Effect::Audit,
            true,
        ),
        (
            "5f0f936f-2f01-4bf5-b6be-d423792fa562",
            PolicyMode::All,
            Effect::Disabled,
            false,
        ),
        (
            "090c7b07-b4ed-4561-ad20-e9075f3ccaff",
            PolicyMode::Indexed,
            Effect::AuditIfNotExists,
            true,
        ),
    ];
    for (guid, mode, effect, runs) in expected {
        let d = &all[guid];
        assert_eq!(d.mode, mode, "{guid}");
        assert_eq!(d.effect, Some(effect), "{guid}");
        assert_eq!(d.runs(), runs, "{guid}");
    }
    let d = &all["dc921057-6b28-4fbe-9b83-f7bec05db6c2"];
    assert_eq!(
        d.display_name,
        "Container registries should have local admin account disabled."
    );
    assert_eq!(d.category.as_deref(), Some("Container Registry"));
    assert_eq!(d.effect_parameter.as_deref(), Some("effect"));
    let p = d
        .parameter("EFFECT")
        .map(|p| (p.default_value.clone(), p.allowed_values.clone()));
    assert_eq!(
        p,
        Some((
            Some(json!("Audit")),
            Some(vec![json!("Audit"), json!("Deny"), json!("Disabled")])
        ))
    );
    let asc = &all["5f0f936f-2f01-4bf5-b6be-d423792fa562"];
    assert_eq!(
        asc.not_run_reason().as_deref(),
        Some("its effect is Disabled")
    );
    let dine = &all["e9585a95-5b8c-4d03-b193-dc7eb5ac4c32"];
    assert_eq!(
        dine.related_type.as_deref(),
        Some("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")
    );
    let la = &all["56288eb2-4350-461d-9ece-2bb242269dce"];
    assert!(la.existence_condition.is_some());
}

#[test]
fn effect_overrides() {
    let mut d = def("dc921057-6b28-4fbe-9b83-f7bec05db6c2");
    assert_eq!(d.set_effect(Effect::Deny), Ok(()));
    assert_eq!(d.effect, Some(Effect::Deny));
    let err = d.set_effect(Effect::Modify).map_err(|e| e.to_string());
    assert!(
        err.as_ref()
            .is_err_and(|e| e.contains("effect Modify is not allowed")),
        "{err:?}"
    );
    assert_eq!(
        d.effect,
        Some(Effect::Deny),
        "unchanged after a refused override"
    );
    assert_eq!(d.set_effect(Effect::Disabled), Ok(()));
    assert!(!d.runs());

    let mut e = def("e8eef0a8-67cf-4eb4-9386-14b0e78733d4");
    assert!(e.set_effect(Effect::Deny).is_err());
    assert_eq!(
        Effect::parse("auditIfNotExists"),
        Some(Effect::AuditIfNotExists)
    );
    assert_eq!(Effect::parse("deny "), Some(Effect::Deny));
    assert_eq!(Effect::parse("block"), None);
}

#[test]
fn parameter_values_validate_overrides() {
    let d = def("dc921057-6b28-4fbe-9b83-f7bec05db6c2");
    let mut o = Map::new();
    o.insert("nope".into(), json!(1));
    assert!(d
        .parameter_values(&o)
        .is_err_and(|e| e.message.contains("no parameter `nope`")));
    let mut o = Map::new();
    o.insert("effect".into(), json!("Modify"));
    assert!(d
        .parameter_values(&o)
        .is_err_and(|e| e.message.contains("not allowed")));
    let mut o = Map::new();
    o.insert("Effect".into(), json!("deny"));
    assert_eq!(
        d.parameter_values(&o)
            .ok()
            .and_then(|p| p.get("effect").cloned()),
        Some(json!("deny"))
    );
    // No default but allowed values: a candidate set.
    let text = r#"{"properties": {"mode": "All", "parameters": {
        "sku": {"type": "String", "allowedValues": ["Basic", "Premium"]},
        "effect": {"type": "String", "defaultValue": "Audit"}},
      "policyRule": {"if": {"field": "sku.name", "equals": "[parameters('sku')]"},
                     "then": {"effect": "[parameters('effect')]"}}}}"#;
    let d = PolicyDefinition::from_json_str(text, "custom.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.name, "custom");
    let p = d.parameter_values(&Map::new()).unwrap_or_default();
    assert_eq!(
        p["sku"],
        json!({"$candidates": ["Basic", "Premium"], "parameter": "sku"})
    );
    let o = d.evaluate(&registry(json!({})), &p, &NoExpressions);
    assert_eq!(
        o,
        Outcome::possible(Reason::Parameter {
            name: "sku".into(),
            true_for: Some(vec![json!("Premium")])
        })
    );
}

fn load_err(text: &str) -> String {
    match PolicyDefinition::from_json_str(text, "p.json") {
        Ok(d) => panic!("expected an error, loaded {}", d.name),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_name_the_file_and_the_problem() {
    let e = load_err("{ not json");
    assert!(
        e.starts_with("p.json: not valid JSON (line 1, column 3)"),
        "{e}"
    );
    assert_eq!(
        load_err("[]"),
        "p.json: a policy definition must be a JSON object"
    );
    assert!(load_err(r#"{"properties": {"displayName": "x"}}"#)
        .contains("not an Azure Policy definition"));
    assert!(
        load_err(r#"{"properties": {"policyDefinitions": []}}"#).contains("policy set definition")
    );
    assert!(load_err(r#"{"policyRule": {"then": {"effect": "audit"}}}"#)
        .contains("`policyRule.if` is missing"));
    assert!(
        load_err(r#"{"policyRule": {"if": {"field": "type", "equals": "x"}}}"#)
            .contains("`policyRule.then`")
    );
    let e = load_err(
        r#"{"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "block"}}}"#,
    );
    assert_eq!(e, "p.json: unknown effect `block`");
    let e = load_err(
        r#"{"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "[parameters('effect')]"}}}"#,
    );
    assert!(
        e.contains("parameter `effect`, which is not declared"),
        "{e}"
    );
    let e = load_err(
        r#"{"policyRule": {"if": {"allOf": [{"field": "type"}]}, "then": {"effect": "audit"}}}"#,
    );
    assert!(e.starts_with("p.json: policyRule.if.allOf[0]: "), "{e}");
    let e = load_err(
        r#"{"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "modify"}}}"#,
    );
    assert!(e.contains("Modify effect without"), "{e}");
    let e = load_err(
        r#"{"parameters": {"effect": {"type": "String", "defaultValue": "Deny", "allowedValues": ["Audit"]}},
        "policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "[parameters('effect')]"}}}"#,
    );
    assert!(e.contains("not among its allowedValues"), "{e}");
    let e = load_err(
        r#"{"policyRule": {"if": {"field": "type", "equals": "x"}, "then": {"effect": "[if(true, 'audit', 'deny')]"}}}"#,
    );
    assert!(e.contains("cannot resolve"), "{e}");
    let missing =
        PolicyDefinition::load_file(Path::new("../shared/reference/azure-policy/nope.json"));
    assert!(missing
        .is_err_and(|e| e.origin.ends_with("nope.json") && e.message.starts_with("cannot read")));
}

#[test]
fn bare_portal_shape_and_effect_without_default() {
    let text = "\u{feff}{\"mode\": \"Indexed\", \"displayName\": \"Custom\",
        \"parameters\": {\"effect\": {\"type\": \"String\", \"allowedValues\": [\"Audit\", \"Deny\"]}},
        \"policyRule\": {\"if\": {\"field\": \"Microsoft.ContainerRegistry/registries/adminUserEnabled\", \"equals\": true},
                       \"then\": {\"effect\": \"[parameters('effect')]\"}}}";
    let mut d = PolicyDefinition::from_json_str(text, "dir/my-policy.json")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.name, "my-policy");
    assert_eq!(d.display_name, "Custom");
    assert_eq!(d.effect, None);
    assert!(!d.runs());
    assert!(d
        .not_run_reason()
        .is_some_and(|r| r.contains("no default value")));
    assert_eq!(d.set_effect(Effect::Deny), Ok(()));
    assert!(d.runs());
    assert_eq!(
        run(&d, &registry(json!({"adminUserEnabled": true}))),
        Outcome::True
    );
}

#[test]
fn unknown_aliases_are_collected_for_a_note() {
    let text = r#"{"properties": {"mode": "All", "policyRule": {
        "if": {"allOf": [{"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
                         {"field": "Microsoft.ContainerRegistry/registries/adminEnabled", "equals": true}]},
        "then": {"effect": "audit", "details": {"existenceCondition":
                 {"field": "Microsoft.Foo/bars/baz", "exists": true}}}}}}"#;
    let d = PolicyDefinition::from_json_str(text, "p.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        d.unknown_aliases,
        vec![
            "Microsoft.ContainerRegistry/registries/adminEnabled".to_string(),
            "Microsoft.Foo/bars/baz".to_string()
        ]
    );
    assert_eq!(
        run(&d, &registry(json!({"adminUserEnabled": true}))),
        Outcome::possible(Reason::UnknownAlias {
            alias: "Microsoft.ContainerRegistry/registries/adminEnabled".into()
        })
    );
}

#[test]
fn evaluate_if_applicable_skips_disabled_and_out_of_mode() {
    let mut d = def("dc921057-6b28-4fbe-9b83-f7bec05db6c2");
    let params = d.parameter_values(&Map::new()).unwrap_or_default();
    let admin = registry(json!({"adminUserEnabled": true}));
    let token = child("tokens", "acr1/t", json!({}));
    assert_eq!(
        d.evaluate_if_applicable(&admin, &params, &NoExpressions),
        Some(Outcome::True)
    );
    assert_eq!(
        d.evaluate_if_applicable(&token, &params, &NoExpressions),
        None
    );
    assert_eq!(d.set_effect(Effect::Disabled), Ok(()));
    assert_eq!(
        d.evaluate_if_applicable(&admin, &params, &NoExpressions),
        None
    );
    // A resource provider mode evaluates nothing acrlint sees.
    let text = r#"{"properties": {"mode": "Microsoft.Kubernetes.Data", "policyRule": {
        "if": {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
        "then": {"effect": "audit"}}}}"#;
    let k = PolicyDefinition::from_json_str(text, "k.json").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        k.mode,
        PolicyMode::Other("Microsoft.Kubernetes.Data".into())
    );
    assert_eq!(
        k.evaluate_if_applicable(&admin, &Map::new(), &NoExpressions),
        None
    );
}
