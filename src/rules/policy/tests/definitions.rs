//! Each reference definition (the built-in Container Registry definitions of the shared
//! reference data) on hand-made compliant and non-compliant resources.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use super::{child, definitions_in, registry, run, run_with};
use crate::rules::condition::testing::{typed, typed_values};
use crate::rules::condition::{ExpressionResolver, Outcome, PolicyScope, Reason};
use crate::rules::policy::{Effect, ModifyKind, PolicyDefinition, PolicyMode};
use crate::test_support::shared;

fn acr_dir() -> PathBuf {
    shared("reference/azure-policy/container-registry")
}

fn related_dir() -> PathBuf {
    shared("reference/azure-policy/container-registry-related")
}

/// Every reference definition, by GUID.
fn all_definitions() -> HashMap<String, PolicyDefinition> {
    let mut out = definitions_in(&acr_dir());
    out.extend(definitions_in(&related_dir()));
    out
}

fn def(guid: &str) -> PolicyDefinition {
    match all_definitions().remove(guid) {
        Some(d) => d,
        None => panic!("no reference definition {guid}"),
    }
}

#[test]
fn all_reference_definitions_load_unchanged() {
    let acr = PolicyDefinition::load_path(&acr_dir());
    assert_eq!(acr.len(), 18);
    let related = PolicyDefinition::load_path(&related_dir());
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
fn admin_user_dc921057_and_79fdfe03() {
    for guid in [
        "dc921057-6b28-4fbe-9b83-f7bec05db6c2",
        "79fdfe03-ffcb-4e55-b4d0-b925b8241759",
    ] {
        let d = def(guid);
        assert_eq!(
            run(&d, &registry(json!({"adminUserEnabled": true}))),
            Outcome::True
        );
        assert_eq!(
            run(&d, &registry(json!({"adminUserEnabled": false}))),
            Outcome::False
        );
        assert_eq!(
            run(&d, &registry(json!({}))),
            Outcome::False,
            "omitted = false = pass"
        );
        assert!(d.applies_to(&typed(&registry(json!({})))));
        assert!(
            !d.applies_to(&typed(&child("tokens", "acr1/t", json!({})))),
            "Indexed skips tokens"
        );
    }
    let modify = def("79fdfe03-ffcb-4e55-b4d0-b925b8241759");
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
fn anonymous_pull_9f2dea28_and_cced2946() {
    for guid in [
        "9f2dea28-e834-476c-99c5-3507b4728395",
        "cced2946-b08a-44fe-9fd9-e4ed8a779897",
    ] {
        let d = def(guid);
        assert_eq!(
            run(&d, &registry(json!({"anonymousPullEnabled": true}))),
            Outcome::True
        );
        assert_eq!(
            run(&d, &registry(json!({"anonymousPullEnabled": false}))),
            Outcome::False
        );
        assert_eq!(run(&d, &registry(json!({}))), Outcome::False);
    }
}

#[test]
fn public_network_access_0fdf0491_and_a3701552() {
    for guid in [
        "0fdf0491-d080-4575-b627-ad0e843cba0f",
        "a3701552-92ea-433e-9d17-33b7f1208fc9",
    ] {
        let d = def(guid);
        assert_eq!(
            run(&d, &registry(json!({"publicNetworkAccess": "Disabled"}))),
            Outcome::False
        );
        assert_eq!(
            run(&d, &registry(json!({"publicNetworkAccess": "disabled"}))),
            Outcome::False
        );
        assert_eq!(
            run(&d, &registry(json!({"publicNetworkAccess": "Enabled"}))),
            Outcome::True
        );
        assert_eq!(
            run(&d, &registry(json!({}))),
            Outcome::True,
            "omitted: Azure default is Enabled"
        );
    }
    let m = def("a3701552-92ea-433e-9d17-33b7f1208fc9");
    assert_eq!(
        m.operations[0].describe(),
        "set properties.publicNetworkAccess to \"Disabled\""
    );
}

#[test]
fn arm_audience_tokens_42781ec6_and_785596ed() {
    for guid in [
        "42781ec6-6127-4c30-bdfa-fb423a0047d3",
        "785596ed-054f-41bc-aaec-7f3d0ba05725",
    ] {
        let d = def(guid);
        let policy = |status: Value| {
            registry(json!({"policies": {"azureADAuthenticationAsArmPolicy": {"status": status}}}))
        };
        assert_eq!(run(&d, &policy(json!("disabled"))), Outcome::False);
        assert_eq!(run(&d, &policy(json!("Disabled"))), Outcome::False);
        assert_eq!(run(&d, &policy(json!("enabled"))), Outcome::True);
        assert_eq!(
            run(&d, &registry(json!({}))),
            Outcome::True,
            "omitted policy"
        );
        assert_eq!(
            run(
                &d,
                &registry(json!({"policies": {"azureADAuthenticationAsArmPolicy": {}}}))
            ),
            Outcome::True
        );
    }
}

#[test]
fn exports_524b0254_are_coupled_to_public_network_access() {
    let d = def("524b0254-c285-4903-bee6-bb8126cde579");
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
        Outcome::True,
        "exports off but public access on"
    );
    assert_eq!(
        run(&d, &view(Some("disabled"), None)),
        Outcome::True,
        "public access omitted = enabled"
    );
    assert_eq!(
        run(&d, &view(None, Some("Disabled"))),
        Outcome::True,
        "export policy omitted = enabled"
    );
    assert_eq!(
        run(&d, &view(Some("enabled"), Some("Disabled"))),
        Outcome::True
    );
}

#[test]
fn network_rules_d0793b48() {
    let d = def("d0793b48-0edc-4296-a390-4c75d1bdfd71");
    assert_eq!(
        run(
            &d,
            &registry(json!({"networkRuleSet": {"defaultAction": "Deny"}}))
        ),
        Outcome::False
    );
    assert_eq!(run(&d, &registry(json!({}))), Outcome::True);
    assert_eq!(
        run(
            &d,
            &registry(
                json!({"networkRuleSet": {"defaultAction": "Allow"}, "publicNetworkAccess": "Disabled"})
            )
        ),
        Outcome::False
    );
    assert_eq!(
        run(
            &d,
            &registry(
                json!({"networkRuleSet": {"defaultAction": "Allow"}, "publicNetworkAccess": "Enabled"})
            )
        ),
        Outcome::True
    );
    assert_eq!(
        run(&d, &registry(json!({"publicNetworkAccess": "Disabled"}))),
        Outcome::False
    );
}

#[test]
fn cmk_5b9159ae_sku_bd560fc0_zone_9d2b0a20() {
    let cmk = def("5b9159ae-1701-4a6f-9a7a-aa9c8ddd0580");
    assert_eq!(
        run(
            &cmk,
            &registry(json!({"encryption": {"status": "enabled"}}))
        ),
        Outcome::False
    );
    assert_eq!(
        run(
            &cmk,
            &registry(json!({"encryption": {"status": "disabled"}}))
        ),
        Outcome::True
    );
    assert_eq!(run(&cmk, &registry(json!({}))), Outcome::True);

    let sku = def("bd560fc0-3c69-498a-ae9f-aa8eb7de0e13");
    assert_eq!(run(&sku, &registry(json!({}))), Outcome::False);
    let mut basic = registry(json!({}));
    basic["sku"]["name"] = json!("Basic");
    assert_eq!(run(&sku, &basic), Outcome::True);
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

    let zone = def("9d2b0a20-57d6-474c-9d12-44a4a20999c6");
    assert_eq!(
        run(&zone, &registry(json!({"zoneRedundancy": "Enabled"}))),
        Outcome::False
    );
    assert_eq!(
        run(&zone, &registry(json!({"zoneRedundancy": "Disabled"}))),
        Outcome::True
    );
    assert_eq!(run(&zone, &registry(json!({}))), Outcome::True);
}

#[test]
fn tokens_ff05e24e_and_a9b426fe_are_child_resources_in_mode_all() {
    for guid in [
        "ff05e24e-195c-447e-b322-5e90c9f9f366",
        "a9b426fe-8856-4945-8600-18c5dd1cca2a",
    ] {
        let d = def(guid);
        let token = |p: Value| child("tokens", "acr1/pull", p);
        assert!(d.applies_to(&typed(&token(json!({})))));
        assert_eq!(run(&d, &token(json!({"status": "enabled"}))), Outcome::True);
        assert_eq!(
            run(&d, &token(json!({}))),
            Outcome::True,
            "omitted status: tokens are enabled by default"
        );
        assert_eq!(
            run(&d, &token(json!({"status": "disabled"}))),
            Outcome::False
        );
        assert_eq!(
            run(&d, &token(json!({"status": "Disabled"}))),
            Outcome::False
        );
        assert_eq!(run(&d, &registry(json!({}))), Outcome::False);
    }
    let m = def("a9b426fe-8856-4945-8600-18c5dd1cca2a");
    assert_eq!(m.operations[0].target.as_deref(), Some("properties.status"));
}

#[test]
fn cache_rules_84497762() {
    let d = def("84497762-32b6-4ab3-80b6-732ea48b85a2");
    let rule = child(
        "cacheRules",
        "acr1/hello",
        json!({"sourceRepository": "docker.io/library/hello-world"}),
    );
    assert!(d.applies_to(&typed(&rule)));
    assert_eq!(run(&d, &rule), Outcome::True);
    assert_eq!(run(&d, &registry(json!({}))), Outcome::False);
}

#[test]
fn private_link_e8eef0a8_and_private_endpoint_d85c6833() {
    let d = def("e8eef0a8-67cf-4eb4-9386-14b0e78733d4");
    let conn = |status: &str| json!({"properties": {"privateLinkServiceConnectionState": {"status": status}}});
    assert_eq!(run(&d, &registry(json!({}))), Outcome::True);
    assert_eq!(
        run(
            &d,
            &registry(json!({"privateEndpointConnections": [conn("Pending")]}))
        ),
        Outcome::True
    );
    assert_eq!(
        run(
            &d,
            &registry(json!({"privateEndpointConnections": [conn("Pending"), conn("Approved")]}))
        ),
        Outcome::False
    );

    let dine = def("d85c6833-7d33-4cf5-a915-aaa2de84405f");
    assert_eq!(
        run(&dine, &registry(json!({}))),
        Outcome::True,
        "Premium: the endpoint would be deployed"
    );
    let mut std = registry(json!({}));
    std["sku"]["name"] = json!("Standard");
    assert_eq!(run(&dine, &std), Outcome::False);
}

#[test]
fn private_dns_zone_e9585a95_on_private_endpoints() {
    let d = def("e9585a95-5b8c-4d03-b193-dc7eb5ac4c32");
    let pe = |groups: Value| {
        json!({"type": "Microsoft.Network/privateEndpoints", "name": "pe1", "location": "westeurope",
               "properties": {"privateLinkServiceConnections": [{"name": "c", "properties": {"groupIds": groups}}]}})
    };
    assert_eq!(run(&d, &pe(json!(["registry"]))), Outcome::True);
    assert_eq!(run(&d, &pe(json!(["blob"]))), Outcome::False);
    assert_eq!(run(&d, &registry(json!({}))), Outcome::False);
}

#[test]
fn external_private_endpoint_696cb1d3() {
    let d = def("696cb1d3-2dcf-4b44-aa7a-caccd18b1b96");
    let conn = |p: Value| child("privateEndpointConnections", "acr1/pec", p);
    let approved_no_endpoint =
        conn(json!({"privateLinkServiceConnectionState": {"status": "Approved"}}));
    assert_eq!(run(&d, &approved_no_endpoint), Outcome::True);
    assert_eq!(
        run(
            &d,
            &conn(json!({"privateLinkServiceConnectionState": {"status": "Pending"}}))
        ),
        Outcome::False
    );
    // The subscription test needs split()/subscription(): undecided without the ARM evaluator.
    let with_endpoint = conn(
        json!({"privateLinkServiceConnectionState": {"status": "Approved"},
        "privateEndpoint": {"id": "/subscriptions/1111/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe"}}),
    );
    assert!(run(&d, &with_endpoint).is_possible());
    // With an evaluator that knows the deployment's subscription, it is decided.
    struct Subscription;
    impl ExpressionResolver for Subscription {
        fn resolve(&self, e: &str, scope: &dyn PolicyScope) -> Option<crate::arm::value::Value> {
            if e == "[subscription().subscriptionId]" {
                return Some(typed(&json!("2222")));
            }
            let id = scope.field("Microsoft.ContainerRegistry/registries/privateEndpointConnections/privateEndpoint.id");
            let sub = format!("{}//", id.as_str()?).split('/').nth(2)?.to_string();
            e.starts_with("[split(").then(|| typed(&json!(sub)))
        }
    }
    let params = d.parameter_values(&Map::new()).unwrap_or_default();
    assert_eq!(
        d.evaluate_json(&with_endpoint, &params, &Subscription),
        Outcome::True
    );
    let mut excluded = Map::new();
    excluded.insert("excludedSubscriptionIDs".into(), json!(["1111"]));
    let params = d.parameter_values(&excluded).unwrap_or_default();
    assert_eq!(
        d.evaluate_json(&with_endpoint, &params, &Subscription),
        Outcome::False
    );
}

#[test]
fn diagnostic_settings_definitions_use_location_parameters() {
    // resourceLocation has no default: undecided, naming why.
    let eh = def("9ba29e83-863d-4fec-81d0-16dd87067cc3");
    let o = run(&eh, &registry(json!({})));
    assert_eq!(
        o,
        Outcome::possible(Reason::Unknown {
            why: "policy parameter `resourceLocation` has no default value and none was given"
                .into()
        })
    );
    let mut loc = Map::new();
    loc.insert("resourceLocation".into(), json!("West Europe"));
    assert_eq!(run_with(&eh, &registry(json!({})), &loc), Outcome::True);
    loc.insert("resourceLocation".into(), json!("eastus"));
    assert_eq!(run_with(&eh, &registry(json!({})), &loc), Outcome::False);

    // Log Analytics: `first(parameters(...))` needs the ARM evaluator; `location in ["*"]`
    // alone is false, so the answer is undecided without it.
    let la = def("56288eb2-4350-461d-9ece-2bb242269dce");
    assert!(run(&la, &registry(json!({}))).is_possible());
    struct First;
    impl ExpressionResolver for First {
        fn resolve(&self, e: &str, scope: &dyn PolicyScope) -> Option<crate::arm::value::Value> {
            (e == "[first(parameters('resourceLocationList'))]")
                .then(|| scope.parameter("resourceLocationList"))
                .flatten()
                .and_then(|v| v.as_array().and_then(|a| a.first().cloned()))
        }
    }
    let params = la.parameter_values(&Map::new()).unwrap_or_default();
    assert_eq!(
        la.evaluate_json(&registry(json!({})), &params, &First),
        Outcome::True
    );
}

#[test]
fn vnet_service_endpoint_c4857be7_and_assessments() {
    let d = def("c4857be7-912a-4c75-87e6-e30292bcdf78");
    let rules = json!({"networkRuleSet": {"defaultAction": "Deny", "virtualNetworkRules": [
        {"action": "Allow", "virtualNetworkSubnetResourceId": "/subscriptions/s/…/subnets/a"}]}});
    assert_eq!(run(&d, &registry(rules)), Outcome::False);
    assert_eq!(
        run(
            &d,
            &registry(json!({"networkRuleSet": {"defaultAction": "Deny"}}))
        ),
        Outcome::True
    );
    assert_eq!(
        run(
            &d,
            &registry(json!({"networkRuleSet": {"defaultAction": "Allow"}}))
        ),
        Outcome::True
    );
    let mdc = def("090c7b07-b4ed-4561-ad20-e9075f3ccaff");
    assert_eq!(run(&mdc, &registry(json!({}))), Outcome::True);
}
