use super::*;
use crate::rules::native::testing::{expand, template};

fn registry(name: &str, extra: &str) -> String {
    format!(
        r#"{{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "{name}", "location": "westeurope", "sku": {{ "name": "Premium" }} {extra} }}"#
    )
}

#[test]
fn segments_and_targets_of_terms() {
    let v = Value::unknown_term("x", "format('{0}/{1}',⟦parameters('r')⟧,'westus')");
    assert_eq!(
        name_segments(&v),
        Some(vec!["⟦parameters('r')⟧".to_string(), "westus".to_string()])
    );
    let scope = Value::unknown_term(
        "x",
        "format('Microsoft.ContainerRegistry/registries/{0}',⟦parameters('acrName')⟧)",
    );
    let t = target_of(&scope).unwrap();
    assert!(t.is(REGISTRY));
    assert_eq!(t.names, vec!["⟦parameters('acrName')⟧".to_string()]);
    let full = Value::str("/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/acr1/replications/westus");
    let t = target_of(&full).unwrap();
    assert_eq!(
        t.resource_type,
        "Microsoft.ContainerRegistry/registries/replications"
    );
    assert_eq!(t.names, vec!["acr1".to_string(), "westus".to_string()]);
    assert_eq!(target_of(&Value::str("not an id")), None);
    assert_eq!(
        target_of(&Value::str("/subscriptions/s/resourceGroups/g")),
        None
    );
}

#[test]
fn deployed_follows_condition_and_copy() {
    let text = template(
        r#""flag": { "type": "bool" }"#,
        &[
            registry("acrone", r#", "condition": false"#),
            registry("acrtwo", r#", "condition": "[parameters('flag')]""#),
            registry("acrthree", ""),
            registry("acrfour", r#", "existing": true"#),
        ]
        .join(","),
    );
    let exp = expand(&text);
    let d: Vec<Deployed> = exp.resources.iter().map(|r| deployed(&exp, r)).collect();
    assert_eq!(d[0], Deployed::No);
    assert!(matches!(d[1], Deployed::Maybe(_)));
    assert_eq!(d[2], Deployed::Yes);
    assert_eq!(d[3], Deployed::No);
}

#[test]
fn children_find_their_registry_by_name_term_and_depends_on() {
    let text = template(
        r#""acrName": { "type": "string" }"#,
        &[
            registry("[parameters('acrName')]", ""),
            registry("otherregistry", ""),
            r#"{ "type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2025-11-01", "name": "[format('{0}/{1}', parameters('acrName'), 'northeurope')]", "location": "northeurope" }"#.to_string(),
            r#"{ "type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2025-11-01", "name": "otherregistry/westus", "location": "westus" }"#.to_string(),
        ]
        .join(","),
    );
    let exp = expand(&text);
    assert_eq!(registry_of_child(&exp, 2), Some(0));
    assert_eq!(registry_of_child(&exp, 3), Some(1));
    assert_eq!(registry_of_child(&exp, 0), None);
}

#[test]
fn private_endpoints_link_by_id_group_and_manual_approval() {
    let pe = |name: &str, target: &str, group: &str, field: &str| {
        format!(
            r#"{{ "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "{name}", "location": "westeurope",
                "properties": {{ "subnet": {{ "id": "x" }}, "{field}": [ {{ "name": "c", "properties": {{ "privateLinkServiceId": "{target}", "groupIds": [ "{group}" ] }} }} ] }} }}"#
        )
    };
    let text = template(
        r#""peTarget": { "type": "string" }"#,
        &[
            registry("acrone", ""),
            registry("acrtwo", ""),
            registry("acrthree", ""),
            pe(
                "pe1",
                "[resourceId('Microsoft.ContainerRegistry/registries', 'acrone')]",
                "registry",
                "privateLinkServiceConnections",
            ),
            pe(
                "pe2",
                "[resourceId('Microsoft.ContainerRegistry/registries', 'acrtwo')]",
                "registry",
                "manualPrivateLinkServiceConnections",
            ),
            pe(
                "pe3",
                "[resourceId('Microsoft.ContainerRegistry/registries', 'acrthree')]",
                "registry_data_westeurope",
                "privateLinkServiceConnections",
            ),
            pe(
                "pe4",
                "[parameters('peTarget')]",
                "registry",
                "privateLinkServiceConnections",
            ),
        ]
        .join(","),
    );
    let exp = expand(&text);
    let one = private_links(&exp, 0);
    assert!(
        one.iter()
            .any(|l| l.resource == 3 && l.link == Link::Certain),
        "{one:?}"
    );
    assert!(
        one.iter()
            .any(|l| l.resource == 6 && matches!(l.link, Link::Maybe(_))),
        "{one:?}"
    );
    let two = private_links(&exp, 1);
    assert!(two.iter().any(|l| l.resource == 4 && matches!(&l.link, Link::Maybe(w) if w.contains("approval"))), "{two:?}");
    let three = private_links(&exp, 2);
    assert!(three.iter().all(|l| l.resource == 6), "{three:?}");
}
