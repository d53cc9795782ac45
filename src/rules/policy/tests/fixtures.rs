//! The hand-written definitions of `tests/fixtures/policy/`: they load, their metadata,
//! modes and effects are read as published, and each one's condition gives the
//! expected verdict on compliant and non-compliant resources.

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{child, definitions_in, fixture, fixture_guid, registry, run, run_with, FIXTURES};
use crate::rules::condition::testing::{typed, typed_values};
use crate::rules::condition::{ExpressionResolver, Outcome, PolicyScope, Reason};
use crate::rules::policy::{Effect, ModifyKind, PolicyDefinition, PolicyMode};

#[test]
fn every_fixture_loads_with_its_metadata_mode_and_effect() {
    let all = definitions_in(Path::new(FIXTURES));
    let related = PolicyDefinition::load_path(&Path::new(FIXTURES).join("related"));
    assert_eq!(related.len(), 2, "subfolders are read recursively");
    // (n, mode, default effect, runs)
    let expected = [
        (1, PolicyMode::Indexed, Effect::Audit, true),
        (2, PolicyMode::Indexed, Effect::Modify, true),
        (3, PolicyMode::Indexed, Effect::Modify, true),
        (4, PolicyMode::Indexed, Effect::Audit, true),
        (5, PolicyMode::Indexed, Effect::Audit, true),
        (6, PolicyMode::Indexed, Effect::Audit, true),
        (7, PolicyMode::All, Effect::Audit, true),
        (8, PolicyMode::Indexed, Effect::AuditIfNotExists, true),
        (9, PolicyMode::Indexed, Effect::DeployIfNotExists, true),
        (10, PolicyMode::Indexed, Effect::AuditIfNotExists, true),
        (11, PolicyMode::All, Effect::Disabled, false),
        (12, PolicyMode::Indexed, Effect::Audit, true),
        (13, PolicyMode::Indexed, Effect::DeployIfNotExists, true),
    ];
    assert_eq!(all.len(), expected.len());
    for (n, mode, effect, runs) in expected {
        let guid = fixture_guid(n);
        let d = &all[&guid];
        assert_eq!(d.mode, mode, "{guid}");
        assert_eq!(d.effect, Some(effect), "{guid}");
        assert_eq!(d.runs(), runs, "{guid}");
        assert_eq!(d.effect_parameter.as_deref(), Some("effect"), "{guid}");
        assert_eq!(
            d.id.as_deref(),
            Some(format!("/providers/Microsoft.Authorization/policyDefinitions/{guid}").as_str())
        );
        assert_eq!(d.version.as_deref(), Some("1.0.0"));
        assert!(!d.display_name.is_empty() && !d.description.is_empty());
        assert_eq!(d.unknown_aliases, Vec::<String>::new(), "{guid}");
    }
    let d = &all[&fixture_guid(1)];
    assert_eq!(d.display_name, "Registries must not enable the admin user");
    assert_eq!(d.category.as_deref(), Some("Container Registry"));
    assert_eq!(
        d.parameter("EFFECT")
            .map(|p| (p.default_value.clone(), p.allowed_values.clone())),
        Some((
            Some(json!("Audit")),
            Some(vec![json!("Audit"), json!("Deny"), json!("Disabled")])
        ))
    );
    assert_eq!(
        all[&fixture_guid(12)].category.as_deref(),
        Some("Resilience")
    );
    assert_eq!(
        all[&fixture_guid(11)].not_run_reason().as_deref(),
        Some("its effect is Disabled")
    );
    assert_eq!(
        all[&fixture_guid(13)].related_type.as_deref(),
        Some("Microsoft.Network/privateEndpoints/privateDnsZoneGroups")
    );
    assert!(all[&fixture_guid(9)].existence_condition.is_some());
    assert!(all[&fixture_guid(8)].existence_condition.is_some());
}

#[test]
fn audit_deny_and_modify_on_the_admin_user() {
    for n in [1, 2] {
        let d = fixture(n);
        assert_eq!(
            run(&d, &registry(json!({"adminUserEnabled": true}))),
            Outcome::True
        );
        assert_eq!(
            run(&d, &registry(json!({"adminUserEnabled": false}))),
            Outcome::False
        );
        assert_eq!(run(&d, &registry(json!({}))), Outcome::False, "omitted");
        assert!(d.applies_to(&typed(&registry(json!({})))));
        assert!(
            !d.applies_to(&typed(&child("tokens", "acr1/t", json!({})))),
            "Indexed skips tokens"
        );
    }
    let modify = fixture(2);
    assert_eq!(modify.operations.len(), 1);
    let op = &modify.operations[0];
    assert_eq!(op.kind, ModifyKind::AddOrReplace);
    assert_eq!(
        op.field,
        "Microsoft.ContainerRegistry/registries/adminUserEnabled"
    );
    assert_eq!(op.value, Some(json!(false)));
    assert_eq!(op.target.as_deref(), Some("properties.adminUserEnabled"));
    assert_eq!(op.describe(), "set properties.adminUserEnabled to false");
}

#[test]
fn not_equals_treats_an_omitted_property_as_different() {
    let d = fixture(3);
    for (value, outcome) in [
        (json!("Disabled"), Outcome::False),
        (json!("disabled"), Outcome::False),
        (json!("Enabled"), Outcome::True),
    ] {
        assert_eq!(
            run(&d, &registry(json!({ "publicNetworkAccess": value }))),
            outcome
        );
    }
    assert_eq!(run(&d, &registry(json!({}))), Outcome::True);
    assert_eq!(
        d.operations[0].describe(),
        "set properties.publicNetworkAccess to \"Disabled\""
    );
}

#[test]
fn any_of_over_two_properties() {
    let d = fixture(4);
    let view = |export: Option<&str>, pna: Option<&str>| {
        let mut p = Map::new();
        if let Some(e) = export {
            p.insert("policies".into(), json!({"exportPolicy": {"status": e}}));
        }
        if let Some(n) = pna {
            p.insert("publicNetworkAccess".into(), json!(n));
        }
        registry(Value::Object(p))
    };
    assert_eq!(
        run(&d, &view(Some("disabled"), Some("Disabled"))),
        Outcome::False
    );
    assert_eq!(
        run(&d, &view(Some("disabled"), Some("Enabled"))),
        Outcome::True
    );
    assert_eq!(run(&d, &view(Some("disabled"), None)), Outcome::True);
    assert_eq!(run(&d, &view(None, Some("Disabled"))), Outcome::True);
}

#[test]
fn count_with_a_where_clause_inside_nested_conditions() {
    let d = fixture(5);
    let rules = |default: &str, ips: Value| {
        registry(json!({"networkRuleSet": {"defaultAction": default, "ipRules": ips}}))
    };
    assert_eq!(run(&d, &registry(json!({}))), Outcome::True);
    assert_eq!(
        run(
            &d,
            &rules("Deny", json!([{"action": "Allow", "value": "10.0.0.0/8"}]))
        ),
        Outcome::False
    );
    assert_eq!(
        run(
            &d,
            &rules(
                "Deny",
                json!([{"action": "Allow", "value": "10.0.0.0/8"}, {"action": "Allow", "value": "0.0.0.0/0"}])
            )
        ),
        Outcome::True,
        "one rule opens the registry to everyone"
    );
    assert_eq!(run(&d, &rules("Allow", json!([]))), Outcome::True);
    assert_eq!(
        run(
            &d,
            &registry(
                json!({"networkRuleSet": {"defaultAction": "Allow"}, "publicNetworkAccess": "Disabled"})
            )
        ),
        Outcome::False
    );
}

#[test]
fn a_condition_reads_an_array_parameter_and_candidate_values() {
    let sku = fixture(6);
    assert_eq!(run(&sku, &registry(json!({}))), Outcome::False);
    let mut basic = registry(json!({}));
    basic["sku"]["name"] = json!("Basic");
    assert_eq!(run(&sku, &basic), Outcome::True);
    let mut allowed = Map::new();
    allowed.insert("allowedSkus".into(), json!(["Basic", "Premium"]));
    assert_eq!(run_with(&sku, &basic, &allowed), Outcome::False);
    basic["sku"]["name"] =
        json!({"$candidates": ["Basic", "Standard", "Premium"], "parameter": "acrSku"});
    assert_eq!(
        run(&sku, &basic),
        Outcome::possible(Reason::Parameter {
            name: "acrSku".into(),
            true_for: Some(typed_values(json!(["Basic", "Standard"])))
        })
    );
    basic["sku"]["name"] = json!({"$candidates": ["Premium"], "parameter": "acrSku"});
    assert_eq!(run(&sku, &basic), Outcome::False);

    let zone = fixture(12);
    assert_eq!(
        run(&zone, &registry(json!({"zoneRedundancy": "Enabled"}))),
        Outcome::False
    );
    assert_eq!(run(&zone, &registry(json!({}))), Outcome::True);
}

#[test]
fn mode_all_reaches_child_resources() {
    let d = fixture(7);
    let token = |p: Value| child("tokens", "acr1/pull", p);
    assert!(d.applies_to(&typed(&token(json!({})))));
    assert_eq!(run(&d, &token(json!({"status": "enabled"}))), Outcome::True);
    assert_eq!(run(&d, &token(json!({}))), Outcome::True);
    assert_eq!(
        run(&d, &token(json!({"status": "Disabled"}))),
        Outcome::False
    );
    assert_eq!(run(&d, &registry(json!({}))), Outcome::False);
}

#[test]
fn if_not_exists_effects_evaluate_their_if_condition() {
    let aine = fixture(8);
    assert_eq!(run(&aine, &registry(json!({}))), Outcome::True);
    assert_eq!(
        aine.related_type.as_deref(),
        Some("Microsoft.ContainerRegistry/registries/privateEndpointConnections")
    );
    let dine = fixture(13);
    let pe = |groups: Value| {
        json!({"type": "Microsoft.Network/privateEndpoints", "name": "pe1", "location": "westeurope",
               "properties": {"privateLinkServiceConnections": [{"name": "c", "properties": {"groupIds": groups}}]}})
    };
    assert_eq!(run(&dine, &pe(json!(["registry"]))), Outcome::True);
    assert_eq!(run(&dine, &pe(json!(["blob"]))), Outcome::False);
    assert_eq!(run(&dine, &registry(json!({}))), Outcome::False);
}

#[test]
fn a_parameter_without_default_leaves_the_verdict_open_naming_it() {
    let d = fixture(9);
    assert_eq!(
        run(&d, &registry(json!({}))),
        Outcome::possible(Reason::Unknown {
            why: "policy parameter `resourceLocation` has no default value and none was given"
                .into()
        })
    );
    let mut loc = Map::new();
    loc.insert("resourceLocation".into(), json!("westeurope"));
    assert_eq!(run_with(&d, &registry(json!({})), &loc), Outcome::True);
    loc.insert("resourceLocation".into(), json!("eastus"));
    assert_eq!(run_with(&d, &registry(json!({})), &loc), Outcome::False);
}

#[test]
fn a_value_condition_with_an_expression_needs_the_evaluator() {
    let d = fixture(10);
    assert!(run(&d, &registry(json!({}))).is_possible());
    struct First;
    impl ExpressionResolver for First {
        fn resolve(&self, e: &str, scope: &dyn PolicyScope) -> Option<crate::arm::value::Value> {
            (e == "[first(parameters('resourceLocationList'))]")
                .then(|| scope.parameter("resourceLocationList"))
                .flatten()
                .and_then(|v| v.as_array().and_then(|a| a.first().cloned()))
        }
    }
    let params = d.parameter_values(&Map::new()).unwrap_or_default();
    assert_eq!(
        d.evaluate_json(&registry(json!({})), &params, &First),
        Outcome::True
    );
    let mut listed = Map::new();
    listed.insert("resourceLocationList".into(), json!(["westeurope"]));
    assert_eq!(
        run_with(&d, &registry(json!({})), &listed),
        Outcome::True,
        "the location is in the list"
    );
}
