use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::*;
use crate::rules::condition::testing::typed_values;
use crate::rules::condition::{NoExpressions, Reason};

#[cfg(feature = "corpus")]
mod definitions;
mod fixtures;

/// The hand-written definitions of `tests/fixtures/policy/` (see its README).
const FIXTURES: &str = "tests/fixtures/policy";

/// Every definition under `dir`, by name (GUID); a definition that fails to load fails
/// the test.
fn definitions_in(dir: &Path) -> HashMap<String, PolicyDefinition> {
    let mut out = HashMap::new();
    for result in PolicyDefinition::load_path(dir) {
        match result {
            Ok(d) => {
                assert!(
                    out.insert(d.name.clone(), d).is_none(),
                    "duplicate definition name under {}",
                    dir.display()
                );
            }
            Err(e) => panic!("definition does not load: {e}"),
        }
    }
    out
}

/// The fixture definition `0a11c0de-000n-…`.
fn fixture(n: u16) -> PolicyDefinition {
    let guid = fixture_guid(n);
    match definitions_in(Path::new(FIXTURES)).remove(&guid) {
        Some(d) => d,
        None => panic!("no fixture definition {guid}"),
    }
}

fn fixture_guid(n: u16) -> String {
    format!("0a11c0de-{n:04x}-4000-8000-{n:012x}")
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
    d.evaluate_json(resource, &params, &NoExpressions)
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
fn effect_overrides() {
    let mut d = fixture(1);
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

    let mut e = fixture(8);
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
    let d = fixture(1);
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
            .and_then(|p| p.get("effect").and_then(|v| v.as_str().map(str::to_string))),
        Some("deny".to_string())
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
    match &p["sku"] {
        crate::arm::value::Value::Candidates(c) => {
            assert_eq!(&*c.parameter, "sku");
            let values: Vec<Option<&str>> = c.values.iter().map(|v| v.as_str()).collect();
            assert_eq!(values, vec![Some("Basic"), Some("Premium")]);
        }
        other => panic!("expected the allowed values as candidates, got {other:?}"),
    }
    let o = d.evaluate_json(&registry(json!({})), &p, &NoExpressions);
    assert_eq!(
        o,
        Outcome::possible(Reason::Parameter {
            name: "sku".into(),
            true_for: Some(typed_values(json!(["Premium"])))
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
    let missing = PolicyDefinition::load_file(&Path::new(FIXTURES).join("nope.json"));
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
    let mut d = fixture(1);
    let params = d.parameter_values(&Map::new()).unwrap_or_default();
    let admin = registry(json!({"adminUserEnabled": true}));
    let token = child("tokens", "acr1/t", json!({}));
    assert_eq!(
        d.evaluate_if_applicable_json(&admin, &params, &NoExpressions),
        Some(Outcome::True)
    );
    assert_eq!(
        d.evaluate_if_applicable_json(&token, &params, &NoExpressions),
        None
    );
    assert_eq!(d.set_effect(Effect::Disabled), Ok(()));
    assert_eq!(
        d.evaluate_if_applicable_json(&admin, &params, &NoExpressions),
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
        k.evaluate_if_applicable_json(&admin, &Map::new(), &NoExpressions),
        None
    );
}
