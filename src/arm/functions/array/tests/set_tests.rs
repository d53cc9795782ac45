//! `union` and `intersection`.

use serde_json::json;

use super::{invalid, ok, run, unk, unknown, v};
use crate::arm::value::{Str, Value};

#[test]
fn intersection_docs_examples() {
    let a = v(json!({"one": "a", "two": "b", "three": "c"}));
    let b = v(json!({"one": "a", "two": "z", "three": "c"}));
    assert_eq!(
        ok("intersection", &[a, b]),
        json!({"one": "a", "three": "c"})
    );
    let a = v(json!(["one", "two", "three"]));
    let b = v(json!(["two", "three"]));
    assert_eq!(ok("intersection", &[a, b]), json!(["two", "three"]));
}

#[test]
fn intersection_edges() {
    // Distinct, in first-array order, across three arrays.
    let r = ok(
        "intersection",
        &[
            v(json!([3, 1, 2, 1, 3])),
            v(json!([1, 3, 9])),
            v(json!([3, 1])),
        ],
    );
    assert_eq!(r, json!([3, 1]));
    assert_eq!(
        ok("intersection", &[v(json!([1, 2])), v(json!([]))]),
        json!([])
    );
    assert_eq!(
        ok("intersection", &[v(json!([1])), v(json!([1.0]))]),
        json!([1])
    );
    assert_eq!(
        ok("intersection", &[v(json!(["a"])), v(json!(["A"]))]),
        json!([])
    );
    assert_eq!(
        ok(
            "intersection",
            &[v(json!([{"k": 1}])), v(json!([{"K": 1}]))]
        ),
        json!([{"k": 1}])
    );
    // Object keys match case-insensitively; values must be equal in every object.
    let r = ok(
        "intersection",
        &[
            v(json!({"Key": 1, "x": 2})),
            v(json!({"key": 1, "x": 3})),
            v(json!({"KEY": 1})),
        ],
    );
    assert_eq!(r, json!({"Key": 1}));
    assert!(invalid("intersection", &[v(json!([1])), v(json!({}))]).contains("arrays and objects"));
    assert!(invalid("intersection", &[v(json!([1])), Value::Null]).contains("null"));
    assert!(invalid("intersection", &[s("ab"), s("b")]).contains("string"));
}

#[test]
fn intersection_with_unknowns() {
    // Membership of 2 in [?] is undecided.
    assert_eq!(
        unknown(
            "intersection",
            &[v(json!([1, 2])), Value::array(vec![unk("u")])]
        ),
        "u"
    );
    // An item holding an unknown can still differ decidedly (different length).
    let item = Value::array(vec![Value::Int(1), unk("u")]);
    let r = ok(
        "intersection",
        &[Value::array(vec![item]), v(json!([[1, 2, 3]]))],
    );
    assert_eq!(r, json!([]));
    // The same deterministic unknown intersects with itself.
    let loc = Value::unknown_term(
        "location",
        crate::arm::value::Term::context(crate::arm::value::Context::ResourceGroup, &["location"]),
    );
    let r = run(
        "intersection",
        &[Value::array(vec![loc.clone()]), Value::array(vec![loc])],
    );
    assert!(r.is_ok_and(|v| v
        .as_array()
        .is_some_and(|a| a.len() == 1 && a[0].is_unknown())));
    // Objects: an undecided value comparison.
    let a = Value::object([(Str::from("k"), unk("val"))].into_iter().collect());
    assert_eq!(unknown("intersection", &[a, v(json!({"k": 1}))]), "val");
    let b = Value::object([(Str::from("k"), unk("val"))].into_iter().collect());
    assert_eq!(ok("intersection", &[b, v(json!({"other": 1}))]), json!({}));
}

#[test]
fn union_docs_examples() {
    let a = v(json!({"one": "a", "two": "b", "three": "c1"}));
    let b = v(json!({"three": "c2", "four": "d", "five": "e"}));
    assert_eq!(
        ok("union", &[a, b]),
        json!({"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"})
    );
    let a = v(json!(["one", "two", "three"]));
    let b = v(json!(["three", "four"]));
    assert_eq!(ok("union", &[a, b]), json!(["one", "two", "three", "four"]));
}

#[test]
fn union_merges_nested_objects_not_arrays() {
    // docs: nested objects merge recursively, nested arrays are replaced.
    let a = v(json!({"property": {"one": "a", "two": "b", "three": "c1"}, "nestedArray": [1, 2]}));
    let b =
        v(json!({"property": {"three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]}));
    assert_eq!(
        ok("union", &[a, b]),
        json!({"property": {"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}, "nestedArray": [3, 4]})
    );
    // docs: arrays of arrays are compared as whole items.
    let a = v(json!([["one", "two"], ["three"]]));
    let b = v(json!([["three"], ["four", "two"]]));
    assert_eq!(
        ok("union", &[a, b]),
        json!([["one", "two"], ["three"], ["four", "two"]])
    );
    // An object replaced by a scalar, and back.
    let r = ok(
        "union",
        &[
            v(json!({"a": {"x": 1}})),
            v(json!({"a": 5})),
            v(json!({"a": {"y": 2}})),
        ],
    );
    assert_eq!(r, json!({"a": {"y": 2}}));
}

#[test]
fn union_edges() {
    // Later keys win, matched case-insensitively (the first spelling is kept).
    let r = ok(
        "union",
        &[v(json!({"Tag": "a", "x": 1})), v(json!({"tag": "b"}))],
    );
    assert_eq!(r, json!({"Tag": "b", "x": 1}));
    // Duplicates inside one array are removed too; 1 and 1.0 are the same value.
    assert_eq!(
        ok("union", &[v(json!([1, 1, 2])), v(json!([2.0, 3]))]),
        json!([1, 2, 3])
    );
    assert_eq!(
        ok(
            "union",
            &[v(json!([{"a": 1}])), v(json!([{"A": 1}, {"a": "1"}]))]
        ),
        json!([{"a": 1}, {"a": "1"}])
    );
    assert_eq!(ok("union", &[v(json!([])), v(json!([]))]), json!([]));
    // null arguments are skipped.
    assert_eq!(
        ok("union", &[Value::Null, v(json!({"e": "f"}))]),
        json!({"e": "f"})
    );
    assert_eq!(ok("union", &[v(json!(["a"])), Value::Null]), json!(["a"]));
    assert_eq!(ok("union", &[Value::Null, Value::Null]), json!({}));
    assert!(invalid("union", &[v(json!([1])), v(json!({}))]).contains("arrays and objects"));
    assert!(invalid("union", &[v(json!({})), Value::Int(1)]).contains("argument 2"));
}

#[test]
fn union_with_unknowns() {
    // Elements whose equality is undecided are all kept.
    let r = run("union", &[Value::array(vec![unk("u")]), v(json!([1, 1]))]);
    let items = r
        .ok()
        .and_then(|v| v.as_array().map(<[Value]>::to_vec))
        .unwrap_or_default();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_unknown());
    assert_eq!(items[1].to_json(), json!(1));
    // The same deterministic unknown is kept once.
    let loc = Value::unknown_term(
        "location",
        crate::arm::value::Term::context(crate::arm::value::Context::ResourceGroup, &["location"]),
    );
    let r = run(
        "union",
        &[Value::array(vec![loc.clone()]), Value::array(vec![loc])],
    );
    assert!(r.is_ok_and(|v| v.as_array().is_some_and(|a| a.len() == 1)));
    // Object values may be unknown; an unknown replaces a nested object.
    let a = v(json!({"k": {"x": 1}, "keep": true}));
    let b = Value::object([(Str::from("k"), unk("later"))].into_iter().collect());
    let r = run("union", &[a, b]).ok();
    assert!(r
        .as_ref()
        .and_then(|o| o.get("k"))
        .is_some_and(Value::is_unknown));
    assert_eq!(
        r.and_then(|o| o.get("keep").cloned()).map(|v| v.to_json()),
        Some(json!(true))
    );
}

fn s(text: &str) -> Value {
    Value::str(text)
}
