use super::*;

const ADMIN: &str = "Microsoft.ContainerRegistry/registries/adminUserEnabled";

/// A stand-in for the ARM evaluator: a few expressions, answered through the scope.
struct FakeArm;

impl ExpressionResolver for FakeArm {
    fn resolve(
        &self,
        expression: &str,
        scope: &dyn PolicyScope,
    ) -> Option<crate::arm::value::Value> {
        match expression {
            "[resourceGroup().location]" => Some(typed(&json!("westeurope"))),
            "[first(parameters('locations'))]" => {
                scope.parameter("locations")?.as_array()?.first().cloned()
            }
            "[length(field('Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]'))]" => {
                let v = scope.field("Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]");
                Some(typed(&json!(v.as_array()?.len())))
            }
            "[first(field('Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].value'))]" => {
                let v = scope.field("Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].value");
                v.as_array()?.first().cloned()
            }
            "[concat('tags[', parameters('tagName'), ']')]" => {
                let t = scope.parameter("tagName")?;
                Some(typed(&json!(format!("tags[{}]", t.as_str()?))))
            }
            "[upper(current('p'))]" => Some(typed(&json!(scope.current(Some("p"))?.as_str()?.to_uppercase()))),
            _ => None,
        }
    }
}

fn params(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn parameters_are_substituted() {
    let r = registry(json!({"adminUserEnabled": true}));
    let c = cond(json!({"field": ADMIN, "equals": "[parameters('flag')]"}));
    let p = params(&[("flag", json!(true))]);
    assert_eq!(c.evaluate_json(&r, &p, &NoExpressions), Outcome::True);
    let p = params(&[("FLAG", json!(false))]);
    assert_eq!(c.evaluate_json(&r, &p, &NoExpressions), Outcome::False);
    // Undeclared parameter: unknown.
    let o = c.evaluate_json(&r, &Map::new(), &NoExpressions);
    assert_eq!(
        o,
        Outcome::possible(Reason::Unknown {
            why: "parameter `flag` is not declared by the policy".into()
        })
    );
    // Property and index access on parameters; `in` with a parameter array.
    let p = params(&[("cfg", json!({"allowed": ["westeurope", "northeurope"]}))]);
    let c = cond(json!({"field": "location", "in": "[parameters('cfg').allowed]"}));
    assert_eq!(c.evaluate_json(&r, &p, &NoExpressions), Outcome::True);
    let c = cond(json!({"field": "location", "equals": "[parameters('cfg').allowed[1]]"}));
    assert_eq!(c.evaluate_json(&r, &p, &NoExpressions), Outcome::False);
    // A parameter whose value is a candidate set.
    let p = params(&[("loc", candidates("loc", json!(["westeurope", "eastus"])))]);
    let c = cond(json!({"field": "location", "equals": "[parameters('loc')]"}));
    assert_eq!(
        c.evaluate_json(&r, &p, &NoExpressions),
        Outcome::possible(Reason::Parameter {
            name: "loc".into(),
            true_for: Some(typed_values(json!(["westeurope"])))
        })
    );
}

#[test]
fn field_function_is_substituted() {
    let r = registry(json!({"adminUserEnabled": true, "anonymousPullEnabled": true}));
    let c = cond(
        json!({"value": "[field('Microsoft.ContainerRegistry/registries/anonymousPullEnabled')]",
                        "equals": "[field('Microsoft.ContainerRegistry/registries/adminUserEnabled')]"}),
    );
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::True
    );
    // field() of an omitted property is "".
    let c = cond(
        json!({"value": "[field('Microsoft.ContainerRegistry/registries/zoneRedundancy')]", "equals": ""}),
    );
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::True
    );
    let c = cond(json!({"value": "[field('name')]", "equals": "ACR1"}));
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::True
    );
}

#[test]
fn other_expressions_go_to_the_resolver_or_are_unknown() {
    let r = registry(json!({}));
    let c = cond(json!({"field": "location", "equals": "[resourceGroup().location]"}));
    assert_eq!(c.evaluate_json(&r, &Map::new(), &FakeArm), Outcome::True);
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::possible(Reason::Unknown {
            why: "cannot evaluate `[resourceGroup().location]` offline".into()
        })
    );
    // A plain closure works as a resolver.
    let closure = |e: &str| (e == "[resourceGroup().location]").then(|| typed(&json!("eastus")));
    assert_eq!(c.evaluate_json(&r, &Map::new(), &closure), Outcome::False);
    // The resolver may answer with an unknown value.
    let unknown_rg = |_: &str| Some(typed(&unknown("resource group location not given")));
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &unknown_rg),
        Outcome::possible(Reason::Unknown {
            why: "resource group location not given".into()
        })
    );
    // The resolver sees the policy's parameters through the scope.
    let c = cond(json!({"field": "location", "equals": "[first(parameters('locations'))]"}));
    let p = params(&[("locations", json!(["WestEurope"]))]);
    assert_eq!(c.evaluate_json(&r, &p, &FakeArm), Outcome::True);
}

#[test]
fn resolver_sees_fields_and_current_through_the_scope() {
    let r = registry(json!({"networkRuleSet": {"ipRules": [
        {"action": "Allow", "value": "1.1.1.1"}, {"action": "Allow", "value": "2.2.2.2"}]}}));
    let all_allow = cond(json!({"count": {
        "field": "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]",
        "where": {"field": "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action", "equals": "Allow"}},
        "equals": "[length(field('Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]'))]"}));
    assert_eq!(
        all_allow.evaluate_json(&r, &Map::new(), &FakeArm),
        Outcome::True
    );
    // Inside where, field() of the counted alias is the current member only (an array
    // of one), so first() gives each member in turn.
    let each = cond(json!({"count": {
        "field": "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]",
        "where": {"field": "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].value",
                  "equals": "[first(field('Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].value'))]"}},
        "equals": 2}));
    assert_eq!(each.evaluate_json(&r, &Map::new(), &FakeArm), Outcome::True);
    let named = cond(json!({"count": {"value": ["acr1", "x"], "name": "p",
        "where": {"field": "name", "equals": "[upper(current('p'))]"}}, "equals": 1}));
    assert_eq!(
        named.evaluate_json(&r, &Map::new(), &FakeArm),
        Outcome::True
    );
}

#[test]
fn field_given_by_an_expression() {
    let r = registry(json!({}));
    let c =
        cond(json!({"field": "[concat('tags[', parameters('tagName'), ']')]", "exists": false}));
    let p = params(&[("tagName", json!("owner"))]);
    assert_eq!(c.evaluate_json(&r, &p, &FakeArm), Outcome::True);
    let p = params(&[("tagName", json!("env"))]);
    assert_eq!(c.evaluate_json(&r, &p, &FakeArm), Outcome::False);
    assert!(c.evaluate_json(&r, &p, &NoExpressions).is_possible());
}

#[test]
fn escaped_brackets_are_literals() {
    let r = json!({"type": "Microsoft.ContainerRegistry/registries", "name": "[x]"});
    let c = cond(json!({"field": "name", "equals": "[[x]"}));
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::True
    );
}

#[test]
fn values_and_expressions_inside_arrays() {
    let r = registry(json!({}));
    let c = cond(json!({"field": "location", "in": ["eastus", "[parameters('second')]"]}));
    let p = params(&[("second", json!("westeurope"))]);
    assert_eq!(c.evaluate_json(&r, &p, &NoExpressions), Outcome::True);
    // An unknown element of `in` does not matter when another matches, and makes the
    // answer undecided when none does.
    let c = cond(json!({"field": "location", "in": ["westeurope", "[resourceGroup().location]"]}));
    assert_eq!(
        c.evaluate_json(&r, &Map::new(), &NoExpressions),
        Outcome::True
    );
    let c = cond(json!({"field": "location", "in": ["eastus", "[resourceGroup().location]"]}));
    assert!(c
        .evaluate_json(&r, &Map::new(), &NoExpressions)
        .is_possible());
    let c = cond(json!({"value": "[parameters('p')]", "exists": true}));
    assert_eq!(
        c.evaluate_json(&r, &params(&[("p", Value::Null)]), &NoExpressions),
        Outcome::False
    );
    assert_eq!(
        c.evaluate_json(&r, &params(&[("p", json!(0))]), &NoExpressions),
        Outcome::True
    );
}
