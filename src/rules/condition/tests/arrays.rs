use super::*;

const IP_ACTION: &str = "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action";
const IP_VALUE: &str = "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].value";
const IP_RULES: &str = "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]";
const PEC: &str = "Microsoft.ContainerRegistry/registries/privateEndpointConnections[*]";
const PEC_STATUS: &str = "Microsoft.ContainerRegistry/registries/privateEndpointConnections[*].privateLinkServiceConnectionState.status";

fn with_ip_rules(rules: Value) -> Value {
    registry(json!({"networkRuleSet": {"defaultAction": "Deny", "ipRules": rules}}))
}

fn two_rules() -> Value {
    with_ip_rules(json!([
        {"action": "Allow", "value": "127.0.0.1"},
        {"action": "Allow", "value": "192.168.1.1"}
    ]))
}

/// The outcomes table of "Author policies for array properties" (learn.microsoft.com),
/// for ipRules `127.0.0.1` and `192.168.1.1`.
#[test]
fn star_alias_holds_only_when_every_member_does() {
    let r = two_rules();
    let ne = |v: &str| json!({"field": IP_VALUE, "notEquals": v});
    let eq = |v: &str| json!({"field": IP_VALUE, "equals": v});
    assert_eq!(eval(ne("127.0.0.1"), &r), Outcome::False);
    assert_eq!(eval(ne("10.0.4.1"), &r), Outcome::True);
    assert_eq!(
        eval(json!({"allOf": [ne("127.0.0.1"), ne("10.0.4.1")]}), &r),
        Outcome::False
    );
    assert_eq!(
        eval(json!({"anyOf": [ne("127.0.0.1"), ne("10.0.4.1")]}), &r),
        Outcome::True
    );
    assert_eq!(eval(json!({"not": ne("127.0.0.1")}), &r), Outcome::True);
    assert_eq!(eval(json!({"not": ne("10.0.4.1")}), &r), Outcome::False);
    assert_eq!(eval(eq("127.0.0.1"), &r), Outcome::False);
    assert_eq!(eval(eq("10.0.4.1"), &r), Outcome::False);
    assert_eq!(
        eval(json!({"field": IP_ACTION, "equals": "allow"}), &r),
        Outcome::True
    );
    assert_eq!(
        eval(
            json!({"field": IP_VALUE, "in": ["127.0.0.1", "192.168.1.1"]}),
            &r
        ),
        Outcome::True
    );
    assert_eq!(
        eval(json!({"field": IP_VALUE, "like": "1*"}), &r),
        Outcome::True
    );
}

#[test]
fn star_alias_on_empty_or_missing_array_is_vacuously_true() {
    for r in [
        with_ip_rules(json!([])),
        registry(json!({})),
        registry(json!({"networkRuleSet": {}})),
    ] {
        assert_eq!(
            eval(json!({"field": IP_ACTION, "equals": "Allow"}), &r),
            Outcome::True
        );
        assert_eq!(
            eval(json!({"field": IP_ACTION, "notEquals": "Allow"}), &r),
            Outcome::True
        );
        assert_eq!(
            eval(json!({"field": IP_ACTION, "exists": false}), &r),
            Outcome::True
        );
    }
    // The array alias itself (no [*]) is omitted.
    let arr = "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules";
    assert_eq!(
        eval(json!({"field": arr, "exists": true}), &registry(json!({}))),
        Outcome::False
    );
    assert_eq!(
        eval(
            json!({"field": arr, "exists": true}),
            &with_ip_rules(json!([]))
        ),
        Outcome::True
    );
}

#[test]
fn star_alias_with_a_member_missing_the_property() {
    let r = with_ip_rules(json!([{"action": "Allow", "value": "1.1.1.1"}, {"value": "2.2.2.2"}]));
    assert_eq!(
        eval(json!({"field": IP_ACTION, "equals": "Allow"}), &r),
        Outcome::False
    );
    assert_eq!(
        eval(json!({"field": IP_ACTION, "exists": true}), &r),
        Outcome::False
    );
    assert_eq!(
        eval(json!({"field": IP_VALUE, "exists": true}), &r),
        Outcome::True
    );
}

#[test]
fn star_alias_with_an_unknown_member_is_possible_unless_another_fails() {
    let r = with_ip_rules(
        json!([{"action": "Allow", "value": unknown("parameter ip has no value")},
                                 {"action": "Allow", "value": "2.2.2.2"}]),
    );
    let o = eval(json!({"field": IP_VALUE, "notEquals": "0.0.0.0"}), &r);
    assert_eq!(
        o,
        Outcome::possible(Reason::Unknown {
            why: "parameter ip has no value".into()
        })
    );
    assert_eq!(
        eval(json!({"field": IP_VALUE, "equals": "1.1.1.1"}), &r),
        Outcome::False
    );
    let unknown_array =
        registry(json!({"networkRuleSet": {"ipRules": unknown("reference() result")}}));
    assert!(eval(
        json!({"field": IP_ACTION, "equals": "Allow"}),
        &unknown_array
    )
    .is_possible());
}

#[test]
fn count_with_where() {
    let r = registry(json!({"privateEndpointConnections": [
        {"properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}},
        {"properties": {"privateLinkServiceConnectionState": {"status": "Pending"}}},
        {"properties": {"privateLinkServiceConnectionState": {"status": "approved"}}}
    ]}));
    let count = |op: &str, n: Value| json!({"count": {"field": PEC, "where": {"field": PEC_STATUS, "equals": "Approved"}}, op: n});
    assert_eq!(eval(count("equals", json!(2)), &r), Outcome::True);
    assert_eq!(eval(count("less", json!(1)), &r), Outcome::False);
    assert_eq!(eval(count("greaterOrEquals", json!(1)), &r), Outcome::True);
    assert_eq!(eval(count("in", json!([0, 2])), &r), Outcome::True);
    // Without `where`, count is the array length.
    assert_eq!(
        eval(json!({"count": {"field": PEC}, "equals": 3}), &r),
        Outcome::True
    );
    // Missing array: zero.
    assert_eq!(
        eval(
            json!({"count": {"field": PEC}, "equals": 0}),
            &registry(json!({}))
        ),
        Outcome::True
    );
    assert_eq!(
        eval(count("less", json!(1)), &registry(json!({}))),
        Outcome::True
    );
    // `where` may read fields outside the array (the whole resource stays visible).
    let outside = json!({"count": {"field": PEC, "where": {"field": "tags.env", "equals": "prod"}}, "equals": 3});
    assert_eq!(eval(outside, &r), Outcome::True);
    // Inside `where`, another [*] alias of the same array is the current member only.
    let ip = with_ip_rules(
        json!([{"action": "Allow", "value": "1.1.1.1"}, {"action": "Deny", "value": "2.2.2.2"}]),
    );
    let both = json!({"count": {"field": IP_RULES, "where": {"allOf": [
        {"field": IP_ACTION, "equals": "Allow"}, {"field": IP_VALUE, "equals": "1.1.1.1"}]}}, "equals": 1});
    assert_eq!(eval(both, &ip), Outcome::True);
    let mixed = json!({"count": {"field": IP_RULES, "where": {"allOf": [
        {"field": IP_ACTION, "equals": "Allow"}, {"field": IP_VALUE, "equals": "2.2.2.2"}]}}, "equals": 0});
    assert_eq!(eval(mixed, &ip), Outcome::True);
}

#[test]
fn nested_arrays_and_nested_count() {
    let pe = json!({
        "type": "Microsoft.Network/privateEndpoints",
        "name": "pe1",
        "properties": {"privateLinkServiceConnections": [
            {"name": "a", "properties": {"groupIds": ["registry"]}},
            {"name": "b", "properties": {"groupIds": ["registry_data_westeurope", "registry"]}}
        ]}
    });
    let gid = "Microsoft.Network/privateEndpoints/privateLinkServiceConnections[*].groupIds[*]";
    let conns = "Microsoft.Network/privateEndpoints/privateLinkServiceConnections[*]";
    let name = "Microsoft.Network/privateEndpoints/privateLinkServiceConnections[*].name";
    let c = json!({"count": {"field": gid, "where": {"field": gid, "equals": "registry"}}, "equals": 2});
    assert_eq!(eval(c, &pe), Outcome::True);
    assert_eq!(
        eval(json!({"count": {"field": gid}, "equals": 3}), &pe),
        Outcome::True
    );
    // A where on the outer member's name while counting inner members.
    let outer = json!({"count": {"field": gid, "where": {"allOf": [
        {"field": name, "equals": "b"}, {"field": gid, "like": "registry*"}]}}, "equals": 2});
    assert_eq!(eval(outer, &pe), Outcome::True);
    // Count connections having at least one `registry` group: nested count.
    let nested = json!({"count": {"field": conns, "where": {
        "count": {"field": gid, "where": {"field": gid, "equals": "registry_data_westeurope"}},
        "greater": 0}}, "equals": 1});
    assert_eq!(eval(nested, &pe), Outcome::True);
    // Outside count, the nested [*] alias needs every group id to match.
    assert_eq!(
        eval(json!({"field": gid, "like": "registry*"}), &pe),
        Outcome::True
    );
    assert_eq!(
        eval(json!({"field": gid, "equals": "registry"}), &pe),
        Outcome::False
    );
}

#[test]
fn count_with_unknown_members_is_a_range() {
    let r = registry(json!({"privateEndpointConnections": [
        {"properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}},
        {"properties": {"privateLinkServiceConnectionState": {"status": unknown("runtime state")}}}
    ]}));
    let count = |op: &str, n: i64| json!({"count": {"field": PEC, "where": {"field": PEC_STATUS, "equals": "Approved"}}, op: n});
    assert_eq!(eval(count("greaterOrEquals", 1), &r), Outcome::True);
    assert_eq!(eval(count("less", 3), &r), Outcome::True);
    assert_eq!(eval(count("greater", 2), &r), Outcome::False);
    let eq1 = eval(count("equals", 1), &r);
    assert_eq!(
        eq1,
        Outcome::possible(Reason::Unknown {
            why: "runtime state".into()
        })
    );
    // An unknown array: unbounded count.
    let u = registry(json!({"privateEndpointConnections": unknown("set by the service")}));
    assert!(eval(count("less", 1), &u).is_possible());
    assert_eq!(eval(count("greaterOrEquals", 0), &u), Outcome::True);
    assert_eq!(
        eval(json!({"count": {"field": PEC}, "less": 0}), &u),
        Outcome::False
    );
}

#[test]
fn value_count() {
    let r = json!({"type": "Microsoft.ContainerRegistry/registries", "name": "bcr"});
    let c = || {
        json!({"count": {"value": ["a*", "b*"], "name": "pattern",
                         "where": {"field": "name", "like": "[current('pattern')]"}}, "greater": 0})
    };
    assert_eq!(eval(c(), &r), Outcome::True);
    let other = json!({"type": "Microsoft.ContainerRegistry/registries", "name": "ccr"});
    assert_eq!(eval(c(), &other), Outcome::False);
    // `current()` without a name, array from a parameter.
    let by_param = json!({"count": {"value": "[parameters('patterns')]",
                                    "where": {"field": "name", "like": "[current()]"}}, "equals": 1});
    let mut params = Map::new();
    params.insert("patterns".into(), json!(["x*", "*cr", "zz"]));
    assert_eq!(
        cond(by_param.clone()).evaluate_json(&r, &params, &NoExpressions),
        Outcome::True
    );
    params.insert("patterns".into(), json!([]));
    assert_eq!(
        cond(by_param.clone()).evaluate_json(&r, &params, &NoExpressions),
        Outcome::False
    );
    params.insert("patterns".into(), json!("not-an-array"));
    assert!(cond(by_param)
        .evaluate_json(&r, &params, &NoExpressions)
        .is_possible());
    // Without where: the array length.
    assert_eq!(
        eval(json!({"count": {"value": [1, 2, 3]}, "equals": 3}), &r),
        Outcome::True
    );
}

#[test]
fn current_of_a_field_count_member() {
    let r = with_ip_rules(
        json!([{"action": "Allow", "value": "1.1.1.1"}, {"action": "Allow", "value": "10.0.0.1"}]),
    );
    let c = json!({"count": {"field": IP_RULES, "where": {
        "value": "[current('Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].value')]",
        "like": "10.*"}}, "equals": 1});
    assert_eq!(eval(c, &r), Outcome::True);
    let whole = json!({"count": {"field": IP_RULES, "where": {
        "value": "[current('Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]').value]",
        "equals": "1.1.1.1"}}, "equals": 1});
    assert_eq!(eval(whole, &r), Outcome::True);
}

#[test]
fn json_path_fields() {
    let r = registry(json!({"adminUserEnabled": true,
        "networkRuleSet": {"ipRules": [{"action": "Allow", "value": "1.1.1.1"}, {"action": "Deny", "value": "2.2.2.2"}]}}));
    assert_eq!(
        eval(
            json!({"field": "$.properties.adminUserEnabled", "equals": true}),
            &r
        ),
        Outcome::True
    );
    assert_eq!(
        eval(
            json!({"field": "$.properties.missing", "exists": false}),
            &r
        ),
        Outcome::True
    );
    assert_eq!(
        eval(json!({"field": "$.sku.name", "equals": "Premium"}), &r),
        Outcome::True
    );
    assert_eq!(
        eval(
            json!({"field": "$.properties.networkRuleSet.ipRules[*].action", "equals": "Allow"}),
            &r
        ),
        Outcome::False
    );
    assert_eq!(
        eval(
            json!({"field": "$.properties.networkRuleSet.ipRules[0].action", "equals": "Allow"}),
            &r
        ),
        Outcome::True
    );
    let counted = json!({"count": {"field": "$.properties.networkRuleSet.ipRules[*]",
        "where": {"field": "$.properties.networkRuleSet.ipRules[*].action", "equals": "deny"}}, "equals": 1});
    assert_eq!(eval(counted, &r), Outcome::True);
    // Full JSONPath engine: filters and recursive descent.
    let filtered = json!({"count": {"field": "$.properties.networkRuleSet.ipRules[?@.action == 'Deny']"}, "equals": 1});
    assert_eq!(eval(filtered, &r), Outcome::True);
    assert_eq!(
        eval(json!({"field": "$..action", "in": ["Allow", "Deny"]}), &r),
        Outcome::True
    );
    assert_eq!(
        eval(json!({"field": "$..action", "equals": "Allow"}), &r),
        Outcome::False
    );
    // With an unknown anywhere in the resource, the full engine cannot be trusted.
    let u = registry(json!({"adminUserEnabled": unknown("x"), "networkRuleSet": {"ipRules": []}}));
    assert!(eval(json!({"field": "$..action", "equals": "Allow"}), &u).is_possible());
    // Simple JSONPaths still see through unknowns elsewhere.
    assert_eq!(
        eval(json!({"field": "$.sku.name", "equals": "Premium"}), &u),
        Outcome::True
    );
}

#[test]
fn count_members_that_are_unknown_or_null() {
    // One member is an unknown value: it is counted, its `where` is undecided.
    let r = with_ip_rules(
        json!([unknown("copy of a runtime list"), {"action": "Allow", "value": "1.1.1.1"}]),
    );
    assert_eq!(
        eval(json!({"count": {"field": IP_RULES}, "equals": 2}), &r),
        Outcome::True
    );
    let allow = |op: &str, n: i64| json!({"count": {"field": IP_RULES, "where": {"field": IP_ACTION, "equals": "Allow"}}, op: n});
    assert_eq!(eval(allow("greaterOrEquals", 1), &r), Outcome::True);
    assert_eq!(
        eval(allow("less", 3), &r),
        Outcome::True,
        "at most two members"
    );
    assert_eq!(
        eval(allow("equals", 2), &r),
        Outcome::possible(Reason::Unknown {
            why: "copy of a runtime list".into()
        })
    );
    // Null members are members.
    let n = with_ip_rules(json!([null, {"action": "Allow"}]));
    assert_eq!(
        eval(json!({"count": {"field": IP_RULES}, "equals": 2}), &n),
        Outcome::True
    );
}

#[test]
fn value_count_over_the_limit_is_a_lower_bound() {
    let many: Vec<i64> = (0..1500).collect();
    let r = registry(json!({}));
    assert_eq!(
        eval(
            json!({"count": {"value": many.clone()}, "greaterOrEquals": 1000}),
            &r
        ),
        Outcome::True
    );
    assert!(eval(json!({"count": {"value": many}, "equals": 1500}), &r).is_possible());
}
