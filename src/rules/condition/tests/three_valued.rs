use super::*;

const ADMIN: &str = "Microsoft.ContainerRegistry/registries/adminUserEnabled";
const PNA: &str = "Microsoft.ContainerRegistry/registries/publicNetworkAccess";
const SKU: &str = "Microsoft.ContainerRegistry/registries/sku.name";

fn admin_enabled() -> Value {
    json!({"allOf": [
        {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
        {"field": ADMIN, "equals": true}
    ]})
}

#[test]
fn unknown_value_gives_possible_naming_why() {
    let r = registry(
        json!({"adminUserEnabled": unknown("reference() of a resource outside the template")}),
    );
    assert_eq!(
        eval(admin_enabled(), &r),
        Outcome::possible(Reason::Unknown {
            why: "reference() of a resource outside the template".into()
        })
    );
    // An unknown parent object makes its members unknown too.
    let r = registry(unknown("parameter props has no value"));
    let o = eval(json!({"field": PNA, "notEquals": "Disabled"}), &r);
    assert_eq!(
        o.reasons(),
        &[Reason::Unknown {
            why: "parameter props has no value".into()
        }]
    );
    let o = eval(json!({"field": PNA, "exists": false}), &r);
    assert!(o.is_possible());
}

#[test]
fn candidates_mixed_give_possible_naming_the_parameter() {
    let mut r = registry(json!({}));
    r["sku"]["name"] = candidates("acrSku", json!(["Basic", "Standard", "Premium"]));
    let o = eval(json!({"field": SKU, "notEquals": "Premium"}), &r);
    assert_eq!(
        o,
        Outcome::possible(Reason::Parameter {
            name: "acrSku".into(),
            true_for: Some(typed_values(json!(["Basic", "Standard"]))),
        })
    );
    assert_eq!(
        o.reasons()[0].to_string(),
        "depends on parameter `acrSku` (holds for \"Basic\", \"Standard\")"
    );
    let r = registry(json!({"adminUserEnabled": candidates("enableAdmin", json!([true, false]))}));
    let o = eval(admin_enabled(), &r);
    assert_eq!(
        o,
        Outcome::possible(Reason::Parameter {
            name: "enableAdmin".into(),
            true_for: Some(typed_values(json!([true]))),
        })
    );
}

#[test]
fn candidates_all_compliant_or_all_failing_are_decided() {
    let r =
        registry(json!({"adminUserEnabled": candidates("enableAdmin", json!([false, "False"]))}));
    assert_eq!(eval(admin_enabled(), &r), Outcome::False);
    let r = registry(
        json!({"publicNetworkAccess": candidates("pna", json!(["Disabled", "disabled"]))}),
    );
    assert_eq!(
        eval(json!({"field": PNA, "notEquals": "Disabled"}), &r),
        Outcome::False
    );
    let r =
        registry(json!({"publicNetworkAccess": candidates("pna", json!(["Enabled", "Disabled"]))}));
    assert_eq!(
        eval(json!({"field": PNA, "in": ["Enabled", "Disabled"]}), &r),
        Outcome::True
    );
}

#[test]
fn the_same_parameter_is_one_choice_across_the_resource() {
    let mut r = registry(json!({}));
    r["sku"]["name"] = candidates("acrSku", json!(["Basic", "Premium"]));
    // Derived values of the same parameter are index-aligned with it.
    r["properties"]["zoneRedundancy"] = candidates("acrSku", json!(["Disabled", "Enabled"]));
    let both = json!({"allOf": [
        {"field": SKU, "equals": "Basic"},
        {"field": "Microsoft.ContainerRegistry/registries/zoneRedundancy", "equals": "Enabled"}
    ]});
    // Never both: Basic goes with Disabled.
    assert_eq!(eval(both, &r), Outcome::False);
    let contradiction =
        json!({"allOf": [{"field": SKU, "equals": "Basic"}, {"field": SKU, "equals": "Premium"}]});
    assert_eq!(eval(contradiction, &r), Outcome::False);
    let tautology =
        json!({"anyOf": [{"field": SKU, "equals": "Basic"}, {"field": SKU, "notEquals": "Basic"}]});
    assert_eq!(eval(tautology, &r), Outcome::True);
}

#[test]
fn only_parameters_that_change_the_answer_are_named() {
    let mut r = registry(json!({"adminUserEnabled": candidates("admin", json!([true, false]))}));
    r["location"] = candidates("location", json!(["westeurope", "northeurope"]));
    let o = eval(admin_enabled(), &r);
    assert_eq!(
        o,
        Outcome::possible(Reason::Parameter {
            name: "admin".into(),
            true_for: Some(typed_values(json!([true]))),
        })
    );
}

#[test]
fn candidates_and_unknowns_together() {
    let r = registry(json!({
        "adminUserEnabled": candidates("admin", json!([true, false])),
        "anonymousPullEnabled": unknown("runtime")
    }));
    let c = json!({"anyOf": [
        {"field": ADMIN, "equals": true},
        {"field": "Microsoft.ContainerRegistry/registries/anonymousPullEnabled", "equals": true}
    ]});
    let o = eval(c, &r);
    // admin=true: True; admin=false: Possible (unknown).
    assert_eq!(
        o.reasons(),
        &[
            Reason::Parameter {
                name: "admin".into(),
                true_for: Some(typed_values(json!([true])))
            },
            Reason::Unknown {
                why: "runtime".into()
            }
        ]
    );
}

#[test]
fn kleene_logic() {
    let r = registry(json!({"adminUserEnabled": unknown("u"), "publicNetworkAccess": "Enabled"}));
    let possible = json!({"field": ADMIN, "equals": true});
    let t = json!({"field": PNA, "equals": "Enabled"});
    let f = json!({"field": PNA, "equals": "Disabled"});
    assert_eq!(
        eval(json!({"anyOf": [t.clone(), possible.clone()]}), &r),
        Outcome::True
    );
    assert_eq!(
        eval(json!({"anyOf": [possible.clone(), t.clone()]}), &r),
        Outcome::True
    );
    assert!(eval(json!({"anyOf": [f.clone(), possible.clone()]}), &r).is_possible());
    assert_eq!(
        eval(json!({"allOf": [possible.clone(), f.clone()]}), &r),
        Outcome::False
    );
    assert!(eval(json!({"allOf": [t.clone(), possible.clone()]}), &r).is_possible());
    assert!(eval(json!({"not": possible.clone()}), &r).is_possible());
    assert_eq!(eval(json!({"not": {"not": t}}), &r), Outcome::True);
    assert_eq!(eval(json!({"allOf": []}), &r), Outcome::True);
    assert_eq!(eval(json!({"anyOf": []}), &r), Outcome::False);
}

#[test]
fn too_many_combinations_fall_back_to_per_test_candidates() {
    // 2^9 = 512 worlds > MAX_WORLDS: each test combines its own candidates.
    let mut tags = Map::new();
    for i in 0..9 {
        tags.insert(
            format!("t{i}"),
            candidates(&format!("p{i}"), json!(["a", "b"])),
        );
    }
    let mut r = registry(json!({"adminUserEnabled": candidates("admin", json!([false, true]))}));
    r["tags"] = Value::Object(tags);
    const { assert!(512 > super::super::worlds::MAX_WORLDS) };
    assert_eq!(
        eval(admin_enabled(), &r),
        Outcome::possible(Reason::Parameter {
            name: "admin".into(),
            true_for: None
        })
    );
    // Less precise than worlds: a contradiction on one parameter stays undecided.
    let contradiction = json!({"allOf": [
        {"field": "tags.t1", "equals": "a"}, {"field": "tags.t1", "equals": "b"}]});
    assert!(eval(contradiction, &r).is_possible());
    assert_eq!(
        eval(json!({"field": "tags.t3", "in": ["a", "b"]}), &r),
        Outcome::True
    );
    assert_eq!(
        eval(json!({"field": "tags.t3", "equals": "c"}), &r),
        Outcome::False
    );
}

#[test]
fn unknown_alias_is_reported_distinctly() {
    let c = cond(json!({"allOf": [
        {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
        {"field": "Microsoft.ContainerRegistry/registries/adminUserEnable", "equals": true},
        {"not": {"field": "Microsoft.ContainerRegistry/registries/ADMINUSERENABLE", "exists": true}}
    ]}));
    assert_eq!(
        c.unknown_aliases(),
        vec!["Microsoft.ContainerRegistry/registries/adminUserEnable".to_string()]
    );
    let r = registry(json!({"adminUserEnabled": true}));
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::possible(Reason::UnknownAlias {
            alias: "Microsoft.ContainerRegistry/registries/adminUserEnable".into()
        })
    );
    // On a resource of another type the alias cannot apply: it is omitted.
    let storage = json!({"type": "Microsoft.Storage/storageAccounts", "name": "st"});
    let other = cond(
        json!({"field": "Microsoft.ContainerRegistry/registries/adminUserEnable", "exists": false}),
    );
    assert_eq!(
        other.evaluate_json(&storage, &Map::new(), &NoExpressions),
        Outcome::True
    );
    // Unknown aliases inside count and where are listed too.
    let nested = cond(
        json!({"count": {"field": "Microsoft.ContainerRegistry/registries/fooRules[*]",
        "where": {"field": "Microsoft.ContainerRegistry/registries/fooRules[*].bar", "equals": 1}}, "equals": 0}),
    );
    assert_eq!(nested.unknown_aliases().len(), 2);
    assert!(nested
        .evaluate_json(&r, &Map::new(), &NoExpressions)
        .reasons()
        .iter()
        .any(|r| matches!(r, Reason::UnknownAlias { .. })));
}

/// The view is typed: an object a template writes, whatever its keys, is an object. Only
/// a `Value::Unknown` is unknown (with its own explanation) and only a
/// `Value::Candidates` a choice.
#[test]
fn objects_shaped_like_unknowns_are_objects() {
    use crate::arm::value::Value as Arm;
    let none = crate::arm::value::Map::new();
    let lookalike = Arm::from_json(&registry(json!({
        "adminUserEnabled": {"$unknown": "x"},
        "publicNetworkAccess": {"$candidates": ["Disabled"], "parameter": "p"}
    })));
    let admin = cond(admin_enabled());
    assert_eq!(
        admin.evaluate(&lookalike, &none, &NoExpressions),
        Outcome::False
    );
    let pna = cond(json!({"field": PNA, "equals": "Disabled"}));
    assert_eq!(
        pna.evaluate(&lookalike, &none, &NoExpressions),
        Outcome::False
    );
    let exists = cond(json!({"field": ADMIN, "containsKey": "$unknown"}));
    assert_eq!(
        exists.evaluate(&lookalike, &none, &NoExpressions),
        Outcome::True
    );
    // A JSONPath over it is decided, where one over a typed unknown is not.
    let path = cond(json!({"field": "$..adminUserEnabled", "equals": true}));
    assert_eq!(
        path.evaluate(&lookalike, &none, &NoExpressions),
        Outcome::False
    );
    let unknown_admin = typed(&registry(json!({"adminUserEnabled": unknown("x")})));
    assert_eq!(
        path.evaluate(&unknown_admin, &none, &NoExpressions),
        Outcome::possible(Reason::Unknown {
            why: "JSONPath `$..adminUserEnabled` searches a resource with unknown values (x)"
                .into()
        })
    );
    // A policy parameter given such an object holds the object.
    let p: crate::arm::value::Map = [(
        crate::arm::value::Str::from("v"),
        Arm::from_json(&json!({"$unknown": "y"})),
    )]
    .into_iter()
    .collect();
    let by_param = cond(json!({"value": "[parameters('v')]", "containsKey": "$unknown"}));
    assert_eq!(
        by_param.evaluate(&lookalike, &p, &NoExpressions),
        Outcome::True
    );
}
