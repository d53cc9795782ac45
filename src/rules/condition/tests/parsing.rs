use super::*;

use crate::rules::alias::Field;

fn parse_err(j: Value) -> ConditionError {
    match Condition::parse(&j, "if") {
        Ok(c) => panic!("expected an error, parsed {c:?}"),
        Err(e) => e,
    }
}

#[test]
fn parses_into_a_typed_tree() {
    let c = cond(json!({"anyOf": [
        {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
        {"not": {"value": "[parameters('x')]", "in": ["a"]}}
    ]}));
    let Condition::AnyOf(children) = c else {
        panic!("expected anyOf");
    };
    assert_eq!(children.len(), 2);
    assert_eq!(
        children[0],
        Condition::Test(Box::new(Test {
            subject: Subject::Field(FieldRef::Known(Field::Type)),
            operator: Operator::Equals,
            operand: json!("Microsoft.ContainerRegistry/registries"),
        }))
    );
    let Condition::Not(inner) = &children[1] else {
        panic!("expected not");
    };
    let Condition::Test(t) = inner.as_ref() else {
        panic!("expected a test");
    };
    assert_eq!(t.subject, Subject::Value(json!("[parameters('x')]")));
    assert_eq!(t.operator, Operator::In);
}

#[test]
fn operator_keys_are_case_insensitive() {
    for op in Operator::ALL {
        assert_eq!(Operator::from_key(op.name()), Some(op));
        assert_eq!(Operator::from_key(&op.name().to_uppercase()), Some(op));
        assert_eq!(Operator::from_key(&op.name().to_lowercase()), Some(op));
    }
    assert_eq!(Operator::from_key("equal"), None);
}

#[test]
fn count_forms() {
    let c = cond(
        json!({"count": {"field": "Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*]",
                                  "WHERE": {"field": "name", "exists": true}}, "greater": 0}),
    );
    let Condition::Test(t) = c else {
        panic!("test")
    };
    assert!(matches!(
        t.subject,
        Subject::Count(Count::Field {
            where_: Some(_),
            ..
        })
    ));
    let c = cond(json!({"count": {"value": [1, 2], "Name": "n"}, "equals": 2}));
    let Condition::Test(t) = c else {
        panic!("test")
    };
    assert_eq!(
        t.subject,
        Subject::Count(Count::Value {
            value: json!([1, 2]),
            name: Some("n".into()),
            where_: None
        })
    );
}

#[test]
fn errors_say_where_and_what() {
    let e = parse_err(json!({"allOf": [{"field": "type", "equals": "x"}, {"field": "type"}]}));
    assert_eq!(e.path, "if.allOf[1]");
    assert!(e.message.contains("needs an operator"), "{e}");

    let e = parse_err(json!({"field": "type", "equals": "x", "notEquals": "y"}));
    assert!(e.message.contains("only one operator"), "{e}");

    let e = parse_err(json!({"field": "type", "equals": "x", "value": "y"}));
    assert!(e.message.contains("only one of"), "{e}");

    let e = parse_err(json!({"field": "type", "equalz": "x"}));
    assert_eq!(e.to_string(), "if: unknown key(s) `equalz`");

    let e = parse_err(json!({"anyOf": {"field": "type", "equals": "x"}}));
    assert_eq!(e.path, "if.anyOf");
    assert!(e.message.contains("must be an array"), "{e}");

    let e = parse_err(json!({"not": {"field": "type", "equals": "x"}, "field": "name"}));
    assert!(e.message.contains("only key"), "{e}");

    let e = parse_err(json!({"equals": "x"}));
    assert!(
        e.message.contains("needs `field`, `value` or `count`"),
        "{e}"
    );

    let e = parse_err(json!([]));
    assert!(e.message.contains("must be an object"), "{e}");

    let e = parse_err(json!({}));
    assert!(e.message.contains("empty"), "{e}");

    let e = parse_err(json!({"field": 3, "equals": "x"}));
    assert_eq!(e.path, "if.field");

    let e = parse_err(json!({"field": "name", "exists": "maybe"}));
    assert_eq!(e.path, "if.exists");

    let e = parse_err(json!({"field": "name", "in": "x"}));
    assert!(e.message.contains("takes an array"), "{e}");

    let e = parse_err(json!({"field": "name", "like": 3}));
    assert!(e.message.contains("takes a string"), "{e}");

    let e = parse_err(json!({"field": "$.properties.[", "exists": true}));
    assert!(e.message.contains("invalid JSONPath"), "{e}");

    let e = parse_err(
        json!({"count": {"field": "Microsoft.ContainerRegistry/registries/adminUserEnabled"}, "equals": 0}),
    );
    assert!(e.message.contains("array alias"), "{e}");

    let e = parse_err(json!({"count": {"field": "name", "value": []}, "equals": 0}));
    assert!(e.message.contains("not both"), "{e}");

    let e = parse_err(json!({"count": {"where": {"field": "name", "exists": true}}, "equals": 0}));
    assert!(e.message.contains("needs `field` or `value`"), "{e}");

    let e = parse_err(json!({"count": {"value": [], "name": ""}, "equals": 0}));
    assert_eq!(e.path, "if.count.name");

    let e = parse_err(json!({"count": {"value": [], "where": {"field": "name"}}, "equals": 0}));
    assert_eq!(e.path, "if.count.where");
}

#[test]
fn expression_operands_are_not_shape_checked_at_parse_time() {
    assert!(Condition::parse(
        &json!({"field": "name", "in": "[parameters('names')]"}),
        "if"
    )
    .is_ok());
    assert!(Condition::parse(
        &json!({"field": "name", "exists": "[parameters('e')]"}),
        "if"
    )
    .is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut j = json!({"field": "name", "exists": true});
    for _ in 0..100 {
        j = json!({"not": j});
    }
    let e = parse_err(j);
    assert!(e.message.contains("nested deeper"), "{e}");
}
