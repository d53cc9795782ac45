//! Tests of the object functions; "docs" examples come from "Object functions for ARM
//! templates".

use serde_json::json;

use crate::arm::functions::{call, FnError, FnResult, NoHost};
use crate::arm::value::{Str, Value};

fn v(j: serde_json::Value) -> Value {
    Value::from_json(&j)
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn run(name: &str, args: &[Value]) -> FnResult {
    call(&mut NoHost, name, args)
}

fn ok(name: &str, args: &[Value]) -> serde_json::Value {
    match run(name, args) {
        Ok(v) => v.to_json(),
        Err(e) => panic!("{name} failed: {e:?}"),
    }
}

fn invalid(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Err(FnError::Invalid(m)) => m,
        other => panic!("{name}: expected Invalid, got {other:?}"),
    }
}

/// Keys in result order (the JSON comparison of `assert_eq!` ignores order).
fn keys(value: &serde_json::Value) -> Vec<String> {
    value
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn create_object_docs_example() {
    let r = ok(
        "createObject",
        &[
            s("intProp"),
            Value::Int(1),
            s("stringProp"),
            s("abc"),
            s("boolProp"),
            Value::Bool(true),
            s("arrayProp"),
            v(json!(["a", "b", "c"])),
            s("objectProp"),
            v(json!({"key1": "value1"})),
        ],
    );
    assert_eq!(
        r,
        json!({"intProp": 1, "stringProp": "abc", "boolProp": true, "arrayProp": ["a", "b", "c"], "objectProp": {"key1": "value1"}})
    );
    assert_eq!(
        keys(&r),
        [
            "intProp",
            "stringProp",
            "boolProp",
            "arrayProp",
            "objectProp"
        ]
    );
    assert_eq!(ok("createObject", &[]), json!({}));
}

#[test]
fn create_object_edges() {
    assert!(invalid("createObject", &[s("a"), Value::Int(1), s("b")]).contains("odd number"));
    assert!(
        invalid("createObject", &[Value::Int(1), Value::Int(1)]).contains("key 1 must be a string")
    );
    // A repeated key (in any case) keeps the first spelling and the last value.
    let r = ok(
        "createObject",
        &[s("Name"), Value::Int(1), s("name"), Value::Int(2)],
    );
    assert_eq!(r, json!({"Name": 2}));
    // Values may be unknown; keys may not.
    let r = run("createObject", &[s("a"), Value::unknown("later")]);
    assert!(r.is_ok_and(|o| o.get("a").is_some_and(Value::is_unknown)));
    match run("createObject", &[Value::unknown("key"), s("x")]) {
        Err(FnError::Unknown(u)) => assert_eq!(u.why, "key"),
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn items_docs_example_sorted_by_key() {
    let obj = v(json!({
        "item002": {"enabled": false, "displayName": "Example item 2", "number": 200},
        "item001": {"enabled": true, "displayName": "Example item 1", "number": 300}
    }));
    assert_eq!(
        ok("items", &[obj]),
        json!([
            {"key": "item001", "value": {"enabled": true, "displayName": "Example item 1", "number": 300}},
            {"key": "item002", "value": {"enabled": false, "displayName": "Example item 2", "number": 200}}
        ])
    );
    // Case-insensitive order; '_' sorts after letters as in .NET OrdinalIgnoreCase.
    let r = ok("items", &[v(json!({"b": 1, "_x": 2, "A": 3}))]);
    let order: Vec<_> = r
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["key"].clone())
        .collect();
    assert_eq!(order, [json!("A"), json!("b"), json!("_x")]);
    assert_eq!(keys(&r[0]), ["key", "value"]);
    assert_eq!(ok("items", &[v(json!({}))]), json!([]));
    assert!(invalid("items", &[v(json!([1]))]).contains("object"));
}

#[test]
fn object_keys_examples() {
    assert_eq!(
        ok("objectKeys", &[v(json!({"a": 1, "b": 2}))]),
        json!(["a", "b"])
    );
    assert_eq!(
        ok("objectKeys", &[v(json!({"b": 2, "a": 1}))]),
        json!(["a", "b"])
    );
    // Equal ignoring case: document order is kept.
    assert_eq!(
        ok("objectKeys", &[v(json!({"a": 1, "A": 2}))]),
        json!(["a", "A"])
    );
    assert_eq!(
        ok("objectKeys", &[v(json!({"A": 1, "a": 2}))]),
        json!(["A", "a"])
    );
    assert_eq!(ok("objectKeys", &[v(json!({}))]), json!([]));
    let with_unknown = Value::object(
        [(Str::from("k"), Value::unknown("u"))]
            .into_iter()
            .collect(),
    );
    assert_eq!(ok("objectKeys", &[with_unknown]), json!(["k"]));
    assert!(invalid("objectKeys", &[Value::Int(1)]).contains("object"));
}

#[test]
fn json_parses_docs_examples() {
    assert_eq!(ok("json", &[s(r#"{"a": "b"}"#)]), json!({"a": "b"}));
    assert_eq!(ok("json", &[s("null")]), json!(null));
    assert_eq!(ok("json", &[s("[1, 2, 3]")]), json!([1, 2, 3]));
    assert_eq!(ok("json", &[s("\"demo value\"")]), json!("demo value"));
    assert_eq!(ok("json", &[s("true")]), json!(true));
    assert_eq!(ok("json", &[s("3")]), json!(3));
    assert_eq!(ok("json", &[s("1.5")]), json!(1.5));
    let r = ok("json", &[s(r#"{"z": 1, "a": 2}"#)]);
    assert_eq!(keys(&r), ["z", "a"]);
}

#[test]
fn json_is_lenient_like_arm() {
    // `json('{''a'': ''b''}')` in a template gives this text.
    assert_eq!(ok("json", &[s("{'a': 'b'}")]), json!({"a": "b"}));
    assert_eq!(
        ok("json", &[s("{\"a\": [1, 2,], /* note */ \"b\": 'x'}")]),
        json!({"a": [1, 2], "b": "x"})
    );
    assert_eq!(ok("json", &[s("''")]), json!(""));
}

#[test]
fn json_rejects_invalid_text() {
    assert!(invalid("json", &[s("{")]).contains("invalid JSON"));
    assert!(invalid("json", &[s("")]).contains("invalid JSON"));
    assert!(invalid("json", &[s("[1] [2]")]).contains("invalid JSON"));
    assert!(invalid("json", &[s("{\"a\" 1}")]).contains("invalid JSON"));
    assert!(invalid("json", &[Value::Int(1)]).contains("string"));
    // Deep nesting is an error, not a crash.
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert!(invalid("json", &[s(&deep)]).contains("invalid JSON"));
}

#[test]
fn null_function() {
    assert_eq!(ok("null", &[]), json!(null));
    assert!(run("null", &[Value::Null]).is_err());
}

#[test]
fn shallow_merge_docs_examples() {
    let r = ok(
        "shallowMerge",
        &[v(json!([{"one": "a"}, {"two": "b"}, {"two": "c"}]))],
    );
    assert_eq!(r, json!({"one": "a", "two": "c"}));
    assert_eq!(keys(&r), ["one", "two"]);
    let nested = v(json!([
        {"one": "a", "nested": {"a": 1, "nested": {"c": 3}}},
        {"two": "b", "nested": {"b": 2}}
    ]));
    assert_eq!(
        ok("shallowMerge", &[nested]),
        json!({"one": "a", "nested": {"b": 2}, "two": "b"})
    );
}

#[test]
fn shallow_merge_edges() {
    assert_eq!(ok("shallowMerge", &[v(json!([]))]), json!({}));
    assert_eq!(
        ok("shallowMerge", &[v(json!([null, {"e": "f"}]))]),
        json!({"e": "f"})
    );
    assert_eq!(
        ok("shallowMerge", &[v(json!([{"Key": 1}, {"key": 2}]))]),
        json!({"Key": 2})
    );
    assert!(invalid("shallowMerge", &[v(json!([{"a": 1}, 1]))]).contains("element 1"));
    assert!(invalid("shallowMerge", &[v(json!({"a": 1}))]).contains("array"));
    match run("shallowMerge", &[Value::array(vec![Value::unknown("obj")])]) {
        Err(FnError::Unknown(u)) => assert_eq!(u.why, "obj"),
        other => panic!("expected Unknown, got {other:?}"),
    }
}
