//! Which registries a role assignment reaches (scope, resource group, subscription,
//! nested deployments), registry modes, and identities.

use super::*;
use crate::arm::value::Segment;
use crate::rules::native::testing::{expand, template};

const PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

fn registry(name: &str, props: &str) -> String {
    format!(
        r#"{{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "{name}", "location": "westeurope", "sku": {{ "name": "Premium" }}, "properties": {{ {props} }} }}"#
    )
}

fn assignment(name: &str, scope: Option<&str>) -> String {
    let scope = scope.map_or(String::new(), |s| format!(r#""scope": "{s}","#));
    format!(
        r#"{{ "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "{name}", {scope}
            "properties": {{ "roleDefinitionId": "{PULL}", "principalId": "[parameters('principalId')]" }} }}"#
    )
}

fn nested(name: &str, placement: &str, resources: &str, schema: &str) -> String {
    format!(
        r#"{{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "{name}", {placement}
            "properties": {{ "mode": "Incremental", "template": {{ "$schema": "{schema}", "contentVersion": "1.0.0.0", "resources": [ {resources} ] }} }} }}"#
    )
}

const RG_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
const SUB_SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#";

/// The names of the registries the assignment named `ra` reaches, with how.
fn reached(text: &str, ra: &str) -> Vec<(String, Via)> {
    let exp = expand(text);
    let i = exp
        .resources
        .iter()
        .position(|r| r.name.as_str() == Some(ra))
        .expect("the assignment");
    grants(&exp, i)
        .into_iter()
        .map(|g| {
            let name = g
                .registry
                .and_then(|r| exp.resources[r].name.as_str().map(str::to_string))
                .or(g.named.map(|k| k.to_string()))
                .unwrap_or_default();
            (name, g.via)
        })
        .collect()
}

#[test]
fn an_assignment_without_scope_reaches_the_registries_of_its_resource_group() {
    let resources = [
        registry("here", ""),
        nested("same", "", &registry("samegroup", ""), RG_SCHEMA),
        nested(
            "other",
            r#""resourceGroup": "rg-other","#,
            &registry("othergroup", ""),
            RG_SCHEMA,
        ),
        assignment("at-group", None),
        assignment(
            "on-here",
            Some("Microsoft.ContainerRegistry/registries/here"),
        ),
    ]
    .join(",");
    let text = template(r#""principalId": { "type": "string" }"#, &resources);
    assert_eq!(
        reached(&text, "at-group"),
        vec![
            ("here".to_string(), Via::ResourceGroup),
            ("samegroup".to_string(), Via::ResourceGroup)
        ]
    );
    assert_eq!(
        reached(&text, "on-here"),
        vec![("here".to_string(), Via::Registry)]
    );
}

#[test]
fn an_assignment_in_another_resource_group_reaches_only_that_group() {
    // The assignment is deployed into rg-other with the registry there.
    let inner = [registry("othergroup", ""), assignment("in-other", None)].join(",");
    let resources = [
        registry("here", ""),
        nested(
            "other",
            r#""resourceGroup": "rg-other","#,
            &inner,
            RG_SCHEMA,
        ),
    ]
    .join(",");
    let text = template(r#""principalId": { "type": "string" }"#, &resources);
    assert_eq!(
        reached(&text, "in-other"),
        vec![("othergroup".to_string(), Via::ResourceGroup)]
    );
}

#[test]
fn a_subscription_assignment_reaches_every_registry_the_template_deploys() {
    let resources = [
        nested("a", r#""resourceGroup": "rg-a", "location": "westeurope","#, &registry("rega", ""), RG_SCHEMA),
        nested("b", r#""resourceGroup": "rg-b", "location": "westeurope","#, &registry("regb", ""), RG_SCHEMA),
        nested(
            "c",
            r#""subscriptionId": "00000000-0000-0000-0000-0000000000cc", "resourceGroup": "rg-c", "location": "westeurope","#,
            &registry("regc", ""),
            RG_SCHEMA,
        ),
        assignment("at-subscription", None),
    ]
    .join(",");
    let text = format!(
        r#"{{ "$schema": "{SUB_SCHEMA}", "contentVersion": "1.0.0.0",
            "parameters": {{ "principalId": {{ "type": "string" }} }}, "resources": [ {resources} ] }}"#
    );
    assert_eq!(
        reached(&text, "at-subscription"),
        vec![
            ("rega".to_string(), Via::Subscription),
            ("regb".to_string(), Via::Subscription)
        ]
    );
}

#[test]
fn modes() {
    let text = template(
        r#""m": { "type": "string" }, "c": { "type": "string", "allowedValues": [ "AbacRepositoryPermissions", "LegacyRegistryPermissions" ] }"#,
        &[
            registry(
                "abac",
                r#""roleAssignmentMode": "abacrepositorypermissions""#,
            ),
            registry(
                "legacy",
                r#""roleAssignmentMode": "LegacyRegistryPermissions""#,
            ),
            registry("omitted", ""),
            registry("param", r#""roleAssignmentMode": "[parameters('m')]""#),
            registry("choice", r#""roleAssignmentMode": "[parameters('c')]""#),
        ]
        .join(","),
    );
    let exp = expand(&text);
    let modes: Vec<Mode> = exp.resources.iter().map(mode_of).collect();
    assert_eq!(modes[0], Mode::Abac);
    assert_eq!(modes[1], Mode::Rbac);
    assert_eq!(modes[2], Mode::Rbac);
    assert!(
        matches!(&modes[3], Mode::Unknown(why) if why.contains("'m'")),
        "{:?}",
        modes[3]
    );
    assert_eq!(modes[4], Mode::AbacWhen("c".into()));
}

#[test]
fn identities_link_a_principal_to_a_script() {
    let identity = r#"{ "type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31", "name": "importer", "location": "westeurope" }"#;
    let ra = r#"{ "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "ra",
        "properties": { "roleDefinitionId": "x", "principalId": "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'importer')).principalId]" } }"#;
    let text = template("", &[identity, ra].join(","));
    let exp = expand(&text);
    let principal = principal_of(&exp.resources[1]);
    assert_eq!(principal.names, vec![Segment::text("importer")]);
    let known = Identities {
        names: vec![Segment::text("IMPORTER")],
        opaque: false,
    };
    assert_eq!(known.link_to(&principal), Some(Link::Certain));
    let other = Identities {
        names: vec![Segment::text("builder")],
        opaque: false,
    };
    assert_eq!(other.link_to(&principal), None);
    let opaque = Identities {
        names: Vec::new(),
        opaque: true,
    };
    assert!(matches!(opaque.link_to(&principal), Some(Link::Maybe(_))));
    // An identity object keyed by an id.
    let mut ids = Identities::default();
    let key = "/subscriptions/x/resourceGroups/y/providers/Microsoft.ManagedIdentity/userAssignedIdentities/importer";
    let mut map = crate::arm::value::Map::new();
    map.insert(key.into(), Value::empty_object());
    identities_in(&Value::object(map), &mut ids, &mut 16);
    assert_eq!(ids.names, vec![Segment::text("importer")]);
    assert!(!ids.opaque);
}
