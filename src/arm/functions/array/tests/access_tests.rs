//! `indexFromEnd`, `tryIndexFromEnd` and `tryGet`.

use serde_json::json;

use super::{invalid, ok, unk, unknown, v};
use crate::arm::value::{Str, Value};

fn i(n: i64) -> Value {
    Value::Int(n)
}

fn s(text: &str) -> Value {
    Value::str(text)
}

#[test]
fn index_from_end_counts_from_one() {
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("indexFromEnd", &[arr.clone(), i(1)]), json!("three"));
    assert_eq!(ok("indexFromEnd", &[arr.clone(), i(2)]), json!("two"));
    assert_eq!(ok("indexFromEnd", &[arr.clone(), i(3)]), json!("one"));
    assert!(invalid("indexFromEnd", &[arr.clone(), i(4)]).contains("out of range"));
    assert!(invalid("indexFromEnd", &[arr.clone(), i(0)]).contains("out of range"));
    assert!(invalid("indexFromEnd", &[arr.clone(), i(-1)]).contains("out of range"));
    assert!(invalid("indexFromEnd", &[arr, s("2")]).contains("integer"));
    assert!(invalid("indexFromEnd", &[v(json!([])), i(1)]).contains("0 items"));
    assert!(invalid("indexFromEnd", &[Value::Null, i(1)]).contains("array"));
}

#[test]
fn try_index_from_end_is_null_when_absent() {
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("tryIndexFromEnd", &[arr.clone(), i(1)]), json!("three"));
    assert_eq!(ok("tryIndexFromEnd", &[arr.clone(), i(3)]), json!("one"));
    assert_eq!(ok("tryIndexFromEnd", &[arr.clone(), i(4)]), json!(null));
    assert_eq!(ok("tryIndexFromEnd", &[arr.clone(), i(0)]), json!(null));
    assert_eq!(ok("tryIndexFromEnd", &[arr, i(-1)]), json!(null));
    assert_eq!(ok("tryIndexFromEnd", &[Value::Null, i(1)]), json!(null));
    assert_eq!(ok("tryIndexFromEnd", &[v(json!([])), i(1)]), json!(null));
    assert!(invalid("tryIndexFromEnd", &[s("abc"), i(1)]).contains("array"));
}

#[test]
fn try_index_from_end_follows_a_path() {
    // Bicep: `z.array[?^1].foo`, `z.array[?^1][^2]`, `z.array[?^1][0]`.
    let arr = v(json!([{"foo": "a"}, {"foo": "b", "list": [1, 2, 3]}]));
    assert_eq!(
        ok("tryIndexFromEnd", &[arr.clone(), i(1), s("foo")]),
        json!("b")
    );
    assert_eq!(
        ok("tryIndexFromEnd", &[arr.clone(), i(2), s("list")]),
        json!(null)
    );
    let from_end = v(json!({"value": 2, "fromEnd": true}));
    assert_eq!(
        ok("tryIndexFromEnd", &[arr.clone(), i(1), s("list"), from_end]),
        json!(2)
    );
    let from_start = v(json!({"value": 0}));
    assert_eq!(
        ok("tryIndexFromEnd", &[arr, i(1), s("list"), from_start]),
        json!(1)
    );
}

#[test]
fn try_get_objects_and_arrays() {
    let obj =
        v(json!({"properties": {"displayName": "Test 001", "values": ["Value 1", "Value 2"]}}));
    assert_eq!(
        ok("tryGet", &[obj.clone(), s("properties"), s("displayName")]),
        json!("Test 001")
    );
    assert_eq!(
        ok("tryGet", &[obj.clone(), s("PROPERTIES"), s("displayname")]),
        json!("Test 001")
    );
    assert_eq!(
        ok("tryGet", &[obj.clone(), s("properties"), s("values"), i(1)]),
        json!("Value 2")
    );
    assert_eq!(
        ok("tryGet", &[obj.clone(), s("properties"), s("values"), i(2)]),
        json!(null)
    );
    assert_eq!(
        ok(
            "tryGet",
            &[obj.clone(), s("properties"), s("values"), i(-1)]
        ),
        json!(null)
    );
    assert_eq!(ok("tryGet", &[obj.clone(), s("notValue")]), json!(null));
    assert_eq!(
        ok("tryGet", &[obj.clone(), s("notValue"), i(0)]),
        json!(null)
    );
    assert_eq!(
        ok(
            "tryGet",
            &[obj.clone(), s("properties"), s("notValue"), s("value")]
        ),
        json!(null)
    );
    // A key on an array, an index on an object or a member of a scalar: absent.
    assert_eq!(ok("tryGet", &[obj.clone(), i(0)]), json!(null));
    assert_eq!(
        ok(
            "tryGet",
            &[obj.clone(), s("properties"), s("displayName"), s("x")]
        ),
        json!(null)
    );
    assert_eq!(
        ok("tryGet", &[v(json!(["one", "two"])), i(1)]),
        json!("two")
    );
    assert_eq!(
        ok("tryGet", &[v(json!(["one", "two"])), s("x")]),
        json!(null)
    );
    let last = v(json!({"value": 1, "fromEnd": true}));
    assert_eq!(
        ok("tryGet", &[v(json!(["one", "two"])), last]),
        json!("two")
    );
    assert_eq!(ok("tryGet", &[Value::Null, s("a")]), json!(null));
    assert_eq!(
        ok("tryGet", &[v(json!({"a": null})), s("a"), s("b")]),
        json!(null)
    );
}

#[test]
fn try_get_rejects_bad_inputs() {
    assert!(invalid("tryGet", &[s("text"), i(0)]).contains("object or array"));
    assert!(invalid("tryGet", &[v(json!({})), Value::Bool(true)]).contains("key"));
    assert!(invalid("tryGet", &[v(json!([])), v(json!({"fromEnd": true}))]).contains("'value'"));
    assert!(invalid(
        "tryGet",
        &[v(json!([])), v(json!({"value": 1, "fromEnd": "yes"}))]
    )
    .contains("fromEnd"));
}

#[test]
fn try_get_with_unknowns() {
    // An unknown along the way makes the result unknown; an unknown result is returned.
    let obj = Value::object(
        [
            (Str::from("a"), unk("a-value")),
            (Str::from("b"), v(json!({"c": 1}))),
        ]
        .into_iter()
        .collect(),
    );
    assert_eq!(unknown("tryGet", &[obj.clone(), s("a"), s("x")]), "a-value");
    let r = super::run("tryGet", &[obj.clone(), s("a")]);
    assert!(r.is_ok_and(|v| v.is_unknown()));
    assert_eq!(ok("tryGet", &[obj.clone(), s("b"), s("c")]), json!(1));
    assert_eq!(ok("tryGet", &[obj, s("missing"), s("x")]), json!(null));
    assert_eq!(unknown("tryGet", &[unk("root"), s("a")]), "root");
}
