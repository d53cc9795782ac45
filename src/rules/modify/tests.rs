use serde_json::{json, Map, Value as Json};

use super::{property_path, repair};
use crate::arm::value::{Map as Params, Value};
use crate::rules::condition::testing::typed;
use crate::rules::imported::TemplateResolver;
use crate::rules::policy::PolicyDefinition;

const REGISTRIES: &str = "Microsoft.ContainerRegistry/registries";

#[test]
fn aliases_map_to_property_paths() {
    assert_eq!(
        property_path(
            "Microsoft.ContainerRegistry/registries/adminUserEnabled",
            REGISTRIES
        )
        .as_deref(),
        Ok("properties.adminUserEnabled")
    );
    assert_eq!(
        property_path(
            "Microsoft.ContainerRegistry/registries/policies.azureADAuthenticationAsArmPolicy.status",
            REGISTRIES
        )
        .as_deref(),
        Ok("properties.policies.azureADAuthenticationAsArmPolicy.status")
    );
    assert_eq!(
        property_path(
            "Microsoft.ContainerRegistry/registries/tokens/status",
            "Microsoft.ContainerRegistry/registries/tokens"
        )
        .as_deref(),
        Ok("properties.status")
    );
    assert_eq!(
        property_path("tags['cost center']", REGISTRIES).as_deref(),
        Ok("tags.cost center")
    );
    assert_eq!(
        property_path("tags.env", REGISTRIES).as_deref(),
        Ok("tags.env")
    );
    assert_eq!(
        property_path("sku.name", REGISTRIES).as_deref(),
        Ok("sku.name")
    );
}

#[test]
fn unmappable_fields_are_refused_with_the_reason() {
    let wildcard = property_path(
        "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action",
        REGISTRIES,
    )
    .unwrap_err();
    assert!(wildcard.contains("[*]"), "{wildcard}");
    let unknown = property_path(
        "Microsoft.ContainerRegistry/registries/noSuchThing",
        REGISTRIES,
    )
    .unwrap_err();
    assert!(unknown.contains("noSuchThing"), "{unknown}");
    assert!(unknown.contains("not known"), "{unknown}");
    let other_type = property_path(
        "Microsoft.ContainerRegistry/registries/tokens/status",
        REGISTRIES,
    )
    .unwrap_err();
    assert!(other_type.contains("registries/tokens"), "{other_type}");
    assert!(property_path("type", REGISTRIES).is_err());
    assert!(property_path("tags['a.b']", REGISTRIES)
        .unwrap_err()
        .contains("dot"));
}

fn definition(operations: Json) -> (PolicyDefinition, Params) {
    let def = PolicyDefinition::from_json(
        &json!({
            "name": "test-modify",
            "properties": {
                "displayName": "test",
                "mode": "Indexed",
                "parameters": {
                    "effect": {"type": "String", "defaultValue": "Modify", "allowedValues": ["Modify", "Disabled"]},
                    "owner": {"type": "String", "defaultValue": "platform"},
                    "unset": {"type": "String"}
                },
                "policyRule": {
                    "if": {"field": "type", "equals": REGISTRIES},
                    "then": {"effect": "[parameters('effect')]", "details": {
                        "roleDefinitionIds": [], "operations": operations
                    }}
                }
            }
        }),
        "test",
    )
    .unwrap();
    let parameters = def.parameter_values(&Map::new()).unwrap();
    (def, parameters)
}

fn registry() -> Value {
    typed(&json!({
        "type": REGISTRIES,
        "name": "contoso",
        "properties": {"adminUserEnabled": true, "publicNetworkAccess": "Enabled"}
    }))
}

fn resolver(api_version: Option<&str>) -> TemplateResolver {
    TemplateResolver {
        api_version: api_version.map(str::to_string),
    }
}

#[test]
fn add_add_or_replace_and_remove_become_add_set_and_remove() {
    let (def, params) = definition(json!([
        {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled", "value": false},
        {"operation": "add", "field": "tags['owner']", "value": "[parameters('owner')]"},
        {"operation": "remove", "field": "Microsoft.ContainerRegistry/registries/publicNetworkAccess"}
    ]));
    let got = repair(&def, &params, &registry(), &resolver(Some("2025-11-01")))
        .unwrap()
        .unwrap();
    assert_eq!(
        got,
        json!({
            "set": [{"path": "properties.adminUserEnabled", "value": false}],
            "add": [{"path": "tags.owner", "value": "platform"}],
            "remove": ["properties.publicNetworkAccess"]
        })
    );
}

#[test]
fn an_operation_condition_decides_per_resource() {
    let (def, params) = definition(json!([
        {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled", "value": false},
        {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/anonymousPullEnabled", "value": false,
         "condition": "[greaterOrEquals(requestContext().apiVersion, '2022-12-01')]"}
    ]));
    let view = registry();
    // True: both operations.
    let new = repair(&def, &params, &view, &resolver(Some("2025-11-01")))
        .unwrap()
        .unwrap();
    assert_eq!(new["set"].as_array().map(Vec::len), Some(2), "{new}");
    // False: the conditional operation does not apply.
    let old = repair(&def, &params, &view, &resolver(Some("2019-05-01")))
        .unwrap()
        .unwrap();
    assert_eq!(
        old,
        json!({"set": [{"path": "properties.adminUserEnabled", "value": false}]})
    );
    // Unknown: refused, with the reason.
    let unknown = repair(&def, &params, &view, &resolver(None))
        .unwrap()
        .unwrap_err();
    assert!(unknown.contains("not known before deployment"), "{unknown}");
    assert!(unknown.contains("anonymousPullEnabled"), "{unknown}");
}

#[test]
fn a_false_condition_everywhere_or_an_unknown_value_refuses() {
    let (def, params) = definition(json!([
        {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled", "value": false,
         "condition": "[equals(field('name'), 'other')]"}
    ]));
    let none = repair(&def, &params, &registry(), &resolver(Some("2025-11-01")))
        .unwrap()
        .unwrap_err();
    assert!(none.contains("none of"), "{none}");
    let (def, params) = definition(json!([
        {"operation": "addOrReplace", "field": "tags['owner']", "value": "[parameters('unset')]"}
    ]));
    let unknown = repair(&def, &params, &registry(), &resolver(Some("2025-11-01")))
        .unwrap()
        .unwrap_err();
    assert!(unknown.contains("not known before deployment"), "{unknown}");
    let (def, params) = definition(json!([
        {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action", "value": "Allow"}
    ]));
    let wildcard = repair(&def, &params, &registry(), &resolver(Some("2025-11-01")))
        .unwrap()
        .unwrap_err();
    assert!(wildcard.contains("[*]"), "{wildcard}");
}

#[test]
fn only_modify_definitions_repair() {
    let (mut def, params) = definition(json!([
        {"operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled", "value": false}
    ]));
    assert!(repair(&def, &params, &registry(), &resolver(None)).is_some());
    def.set_effect(crate::rules::policy::Effect::Disabled)
        .unwrap();
    assert!(repair(&def, &params, &registry(), &resolver(None)).is_none());
}
