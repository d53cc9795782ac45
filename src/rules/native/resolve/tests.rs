use super::*;
use crate::arm::value::Term;
use crate::rules::native::testing::{expand, template};

fn registry(name: &str, extra: &str) -> String {
    format!(
        r#"{{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "{name}", "location": "westeurope", "sku": {{ "name": "Premium" }} {extra} }}"#
    )
}

#[test]
fn segments_and_targets_of_terms() {
    let r = Value::unknown_term("x", Term::Parameter("r".into()));
    let v = Value::unknown_term(
        "x",
        Term::call(
            "format",
            &[Value::str("{0}/{1}"), r.clone(), Value::str("westus")],
        ),
    );
    assert_eq!(
        name_segments(&v),
        Some(vec![Segment::unknown(&r), Segment::text("westus")])
    );
    let acr = Value::unknown_term("x", Term::Parameter("acrName".into()));
    let scope = Value::unknown_term(
        "x",
        Term::call(
            "format",
            &[
                Value::str("Microsoft.ContainerRegistry/registries/{0}"),
                acr.clone(),
            ],
        ),
    );
    let t = target_of(&scope).unwrap();
    assert!(t.is(REGISTRY));
    assert_eq!(t.names, vec![Segment::unknown(&acr)]);
    let full = Value::str("/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/acr1/replications/westus");
    let t = target_of(&full).unwrap();
    assert_eq!(
        t.resource_type,
        "Microsoft.ContainerRegistry/registries/replications"
    );
    assert_eq!(
        t.names,
        vec![Segment::text("acr1"), Segment::text("westus")]
    );
    assert_eq!(target_of(&Value::str("not an id")), None);
    assert_eq!(
        target_of(&Value::str("/subscriptions/s/resourceGroups/g")),
        None
    );
}

/// A registry whose literal name holds what a written term is made of (`⟦`, `'`,
/// `(`) is keyed as that literal name: it is one segment, it is found by that name,
/// and it is not the registry named by the term it spells.
#[test]
fn a_literal_name_that_spells_a_term_is_a_literal() {
    let hostile = "⟦parameters('acrName')⟧";
    let text = template(
        r#""acrName": { "type": "string" }"#,
        &[
            registry(hostile, ""),
            registry("[parameters('acrName')]", ""),
            r#"{ "type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2025-11-01", "name": "[format('{0}/{1}', parameters('acrName'), 'northeurope')]", "location": "northeurope" }"#.to_string(),
            r#"{ "type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2025-11-01", "name": "⟦parameters('acrName')⟧/westus", "location": "westus" }"#.to_string(),
        ]
        .join(","),
    );
    let exp = expand(&text);
    let literal = registry_key(&exp.resources[0]).unwrap();
    let computed = registry_key(&exp.resources[1]).unwrap();
    assert_eq!(literal.as_text(), Some(hostile));
    assert!(computed.single().is_some());
    assert_eq!(literal.to_string(), computed.to_string(), "written alike");
    assert_ne!(literal, computed);
    assert_eq!(registry_of_child(&exp, 2), Some(1));
    assert_eq!(registry_of_child(&exp, 3), Some(0));
    assert_eq!(find_registry(&exp, &literal, ""), Some(0));
    assert_eq!(find_registry(&exp, &computed, ""), Some(1));
    // An id naming the literal registry, with a quote and a parenthesis in it.
    let odd = "a'(b";
    let id = Value::str(&format!("/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/{odd}/replications/x"));
    let t = target_of(&id).unwrap();
    assert_eq!(t.names, vec![Segment::text(odd), Segment::text("x")]);
}

/// A child named through `format('{0}/{1}', format('acr{0}', …), …)` and a
/// `resourceId()` of the registry's own `format('acr{0}', …)` name the same key.
#[test]
fn a_formatted_segment_is_keyed_as_the_name_it_renders() {
    let text = template(
        "",
        &[
            registry("[format('acr{0}', uniqueString(resourceGroup().id))]", ""),
            r#"{ "type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2025-11-01", "name": "[format('{0}/{1}', format('acr{0}', uniqueString(resourceGroup().id)), 'westus')]", "location": "westus" }"#.to_string(),
            r#"{ "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe", "location": "westus", "properties": { "subnet": { "id": "x" }, "privateLinkServiceConnections": [ { "name": "c", "properties": { "privateLinkServiceId": "[resourceId('Microsoft.ContainerRegistry/registries', format('acr{0}', uniqueString(resourceGroup().id)))]", "groupIds": [ "registry" ] } } ] } }"#.to_string(),
        ]
        .join(","),
    );
    let exp = expand(&text);
    let key = registry_key(&exp.resources[0]).unwrap();
    assert_eq!(key.pieces().len(), 2, "{key}");
    assert_eq!(registry_of_child(&exp, 1), Some(0));
    let links = private_links(&exp, 0);
    assert!(
        links
            .iter()
            .any(|l| l.resource == 2 && l.link == Link::Certain),
        "{links:?}"
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

/// Every child type under a registry (the alias table's `registries/...` sections),
/// declared in Bicep with `parent:` or nested in the registry, or in JSON as a
/// `format('{0}/{1}', ...)` name without `dependsOn`, is linked to its registry for
/// every way the registry's name can be unknown.
#[test]
fn every_child_type_finds_a_registry_whose_name_is_unknown() {
    let child_types: Vec<&str> = include_str!("../../aliases.txt")
        .lines()
        .filter_map(|l| l.strip_prefix("[Microsoft.ContainerRegistry/registries/"))
        .filter_map(|l| l.split(']').next())
        .collect();
    assert!(child_types.len() >= 15, "{child_types:?}");
    // (parameters, registry name in Bicep, the same in ARM)
    let names = [
        (
            "param registryName string",
            "registryName",
            "parameters('registryName')",
        ),
        (
            "",
            "'acr${uniqueString(resourceGroup().id)}'",
            "format('acr{0}', uniqueString(resourceGroup().id))",
        ),
        (
            "param prefix string",
            "take('${prefix}${uniqueString(resourceGroup().id)}', 50)",
            "take(format('{0}{1}', parameters('prefix'), uniqueString(resourceGroup().id)), 50)",
        ),
        (
            "@allowed(['acrone', 'acrtwo'])\nparam registryName string",
            "registryName",
            "parameters('registryName')",
        ),
        (
            "param names array",
            "toLower(names[0])",
            "toLower(parameters('names')[0])",
        ),
    ];
    let mut failures = Vec::new();
    for ty in &child_types {
        let segments: Vec<&str> = ty.split('/').collect();
        let depth = segments.len();
        for (params, bicep_name, arm_name) in &names {
            let arm_params = if params.is_empty() {
                String::new()
            } else {
                let t = if params.ends_with("array") {
                    "array"
                } else {
                    "string"
                };
                let allowed = if params.contains("@allowed") {
                    r#", "allowedValues": ["acrone", "acrtwo"]"#
                } else {
                    ""
                };
                let name = params.rsplit(' ').nth(1).unwrap_or_default();
                format!(r#""{name}": {{ "type": "{t}"{allowed} }}"#)
            };
            // `parent:` chains: the registry, then one resource per type segment.
            let mut parent_form = format!(
                "{params}\nresource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {{\n  name: {bicep_name}\n  location: 'westus'\n  sku: {{ name: 'Premium' }}\n}}\n"
            );
            let mut parent = "registry".to_string();
            let mut nested = String::new();
            for k in 0..segments.len() {
                let full = format!(
                    "Microsoft.ContainerRegistry/registries/{}",
                    segments[..=k].join("/")
                );
                parent_form.push_str(&format!(
                    "resource c{k} '{full}@2025-04-01' = {{\n  parent: {parent}\n  name: 'child{k}'\n}}\n"
                ));
                parent = format!("c{k}");
            }
            for (k, seg) in segments.iter().enumerate().rev() {
                nested =
                    format!("  resource c{k} '{seg}' = {{\n    name: 'child{k}'\n{nested}}}\n");
            }
            let nested_form = format!(
                "{params}\nresource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {{\n  name: {bicep_name}\n  location: 'westus'\n  sku: {{ name: 'Premium' }}\n{nested}}}\n"
            );
            let child_name = (0..depth)
                .map(|k| format!("'child{k}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let placeholders = (0..=depth)
                .map(|k| format!("{{{k}}}"))
                .collect::<Vec<_>>()
                .join("/");
            let json_form = template(
                &arm_params,
                &[
                    format!(
                        r#"{{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-04-01", "name": "[{arm_name}]", "location": "westus", "sku": {{ "name": "Premium" }} }}"#
                    ),
                    format!(
                        r#"{{ "type": "Microsoft.ContainerRegistry/registries/{ty}", "apiVersion": "2025-04-01", "name": "[format('{placeholders}', {arm_name}, {child_name})]" }}"#
                    ),
                ]
                .join(","),
            );
            let cases = [
                ("parent", "main.bicep", parent_form),
                ("nested", "main.bicep", nested_form),
                ("json", "main.json", json_form),
            ];
            for (form, path, text) in cases {
                let exp = crate::rules::native::testing::expand_file(path, &text);
                let full = format!("Microsoft.ContainerRegistry/registries/{ty}");
                let reg = exp.resources.iter().position(|r| is_type(r, REGISTRY));
                let child = exp.resources.iter().rposition(|r| is_type(r, &full));
                match (reg, child) {
                    (Some(reg), Some(child)) if registry_of_child(&exp, child) == Some(reg) => {}
                    (reg, child) => failures.push(format!(
                        "{ty}, {form}, registry named {bicep_name}: registry {reg:?}, child {child:?}, linked to {:?}",
                        child.and_then(|c| registry_of_child(&exp, c))
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} not linked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
