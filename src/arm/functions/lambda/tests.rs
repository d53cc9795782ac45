//! Tests of the lambda functions with a host whose lambdas are Rust closures; "docs"
//! examples come from "Lambda functions for ARM templates".

use std::sync::Arc;

use serde_json::json;

use crate::arm::expr::ast::Expr;
use crate::arm::functions::{call, FnError, FnResult, Host, NoHost};
use crate::arm::value::{Lambda, Str, Value};

/// Runs every lambda with `f` (which sees the lambda, so tests with two lambdas can tell
/// them apart by parameter name) and records the arguments of each call.
struct ScriptHost<F> {
    f: F,
    calls: Vec<Vec<Value>>,
}

impl<F: FnMut(&Lambda, &[Value]) -> FnResult> Host for ScriptHost<F> {
    fn call_lambda(&mut self, lambda: &Lambda, args: &[Value]) -> FnResult {
        self.calls.push(args.to_vec());
        (self.f)(lambda, args)
    }
}

fn host<F: FnMut(&Lambda, &[Value]) -> FnResult>(f: F) -> ScriptHost<F> {
    ScriptHost {
        f,
        calls: Vec::new(),
    }
}

fn lambda(params: &[&str]) -> Value {
    Value::Lambda(Arc::new(Lambda {
        params: params.iter().map(|p| Str::from(*p)).collect(),
        body: Arc::new(Expr::Null(Default::default())),
        captured: vec![],
    }))
}

fn v(j: serde_json::Value) -> Value {
    Value::from_json(&j)
}

fn json_of(r: FnResult) -> serde_json::Value {
    match r {
        Ok(v) => v.to_json(),
        Err(e) => panic!("failed: {e:?}"),
    }
}

fn invalid_of(r: FnResult) -> String {
    match r {
        Err(FnError::Invalid(m)) => m,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn unknown_of(r: FnResult) -> String {
    match r {
        Err(FnError::Unknown(u)) => u.why.clone(),
        other => panic!("expected Unknown, got {other:?}"),
    }
}

fn dogs() -> Value {
    v(json!([
        {"name": "Evie", "age": 5, "interests": ["Ball", "Frisbee"]},
        {"name": "Casper", "age": 3, "interests": ["Other dogs"]},
        {"name": "Indy", "age": 2, "interests": ["Butter"]},
        {"name": "Kira", "age": 8, "interests": ["Rubs"]}
    ]))
}

fn age(dog: &Value) -> i64 {
    match dog.get("age") {
        Some(Value::Int(n)) => *n,
        _ => -1,
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(n) => *n,
        _ => i64::MIN,
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("?").to_string()
}

#[test]
fn filter_docs_examples() {
    let mut h = host(|_, a| Ok(Value::Bool(age(&a[0]) >= 5)));
    let r = call(&mut h, "filter", &[dogs(), lambda(&["dog"])]);
    assert_eq!(
        json_of(r),
        json!([{"name": "Evie", "age": 5, "interests": ["Ball", "Frisbee"]}, {"name": "Kira", "age": 8, "interests": ["Rubs"]}])
    );
    assert_eq!(h.calls.len(), 4);
    assert_eq!(h.calls[0].len(), 1);

    let range = json_of(call(&mut NoHost, "range", &[Value::Int(0), Value::Int(10)]));
    let mut h = host(|_, a| Ok(Value::Bool(int(&a[0]) > 5)));
    assert_eq!(
        json_of(call(&mut h, "filter", &[v(range.clone()), lambda(&["i"])])),
        json!([6, 7, 8, 9])
    );
    let mut h = host(|_, a| Ok(Value::Bool(int(&a[0]) % 2 == 0)));
    assert_eq!(
        json_of(call(&mut h, "filter", &[v(range), lambda(&["i"])])),
        json!([0, 2, 4, 6, 8])
    );
}

#[test]
fn filter_passes_the_index_when_asked() {
    let mut h = host(|_, a| Ok(Value::Bool(int(&a[1]) % 2 == 1)));
    let r = call(
        &mut h,
        "filter",
        &[v(json!(["a", "b", "c", "d"])), lambda(&["x", "i"])],
    );
    assert_eq!(json_of(r), json!(["b", "d"]));
    let indexes: Vec<_> = h.calls.iter().map(|c| (text(&c[0]), int(&c[1]))).collect();
    assert_eq!(
        indexes,
        [
            ("a".into(), 0),
            ("b".into(), 1),
            ("c".into(), 2),
            ("d".into(), 3)
        ]
    );
}

#[test]
fn filter_errors_and_unknowns() {
    let mut h = host(|_, _| Ok(Value::str("yes")));
    assert!(invalid_of(call(&mut h, "filter", &[v(json!([1])), lambda(&["x"])])).contains("bool"));
    let mut h = host(|_, _| Ok(Value::unknown("runtime")));
    assert_eq!(
        unknown_of(call(&mut h, "filter", &[v(json!([1])), lambda(&["x"])])),
        "runtime"
    );
    // An error inside the lambda stops the iteration and is returned as is.
    let mut h = host(|_, a| match int(&a[0]) {
        2 => Err(FnError::Invalid("boom".into())),
        _ => Ok(Value::Bool(true)),
    });
    assert_eq!(
        invalid_of(call(
            &mut h,
            "filter",
            &[v(json!([1, 2, 3])), lambda(&["x"])]
        )),
        "boom"
    );
    assert_eq!(h.calls.len(), 2);
    // Wrong lambda shapes are rejected even when nothing would be called.
    let mut h = host(|_, _| Ok(Value::Bool(true)));
    let r = call(&mut h, "filter", &[v(json!([])), lambda(&["a", "b", "c"])]);
    assert!(invalid_of(r).contains("1 or 2 parameter(s), it takes 3"));
    assert!(invalid_of(call(&mut h, "filter", &[v(json!([])), lambda(&[])])).contains("takes 0"));
    assert!(invalid_of(call(&mut h, "filter", &[v(json!([1])), v(json!("x"))])).contains("lambda"));
    assert!(invalid_of(call(&mut h, "filter", &[v(json!({})), lambda(&["x"])])).contains("array"));
    assert!(h.calls.is_empty());
}

#[test]
fn map_docs_examples() {
    let mut h = host(|_, a| Ok(a[0].get("name").cloned().unwrap_or(Value::Null)));
    let r = call(&mut h, "map", &[dogs(), lambda(&["dog"])]);
    assert_eq!(json_of(r), json!(["Evie", "Casper", "Indy", "Kira"]));
    let mut h = host(|_, a| Ok(Value::string(format!("Hello {}!", text(&a[0])))));
    let r = call(
        &mut h,
        "map",
        &[v(json!(["Evie", "Casper"])), lambda(&["dog"])],
    );
    assert_eq!(json_of(r), json!(["Hello Evie!", "Hello Casper!"]));
}

#[test]
fn map_with_index_and_unknowns() {
    let mut h = host(|_, a| Ok(v(json!({"index": int(&a[1]), "val": text(&a[0])}))));
    let r = call(
        &mut h,
        "map",
        &[v(json!(["x", "y"])), lambda(&["item", "i"])],
    );
    assert_eq!(
        json_of(r),
        json!([{"index": 0, "val": "x"}, {"index": 1, "val": "y"}])
    );
    // An unknown result (returned or raised) stays one element of a known-length array.
    let mut h = host(|_, a| match int(&a[0]) {
        1 => Err(FnError::Unknown(Arc::new(crate::arm::value::Unknown {
            why: "raised".into(),
            term: None,
            ..Default::default()
        }))),
        2 => Ok(Value::unknown("returned")),
        n => Ok(Value::Int(n * 10)),
    });
    let r = call(&mut h, "map", &[v(json!([0, 1, 2, 3])), lambda(&["x"])]);
    let items = r
        .ok()
        .and_then(|v| v.as_array().map(<[Value]>::to_vec))
        .unwrap_or_default();
    assert_eq!(items.len(), 4);
    assert!(items[1].is_unknown() && items[2].is_unknown());
    assert_eq!(
        (items[0].to_json(), items[3].to_json()),
        (json!(0), json!(30))
    );
    // Invalid errors propagate.
    let mut h = host(|_, _| Err(FnError::Invalid("bad".into())));
    assert_eq!(
        invalid_of(call(&mut h, "map", &[v(json!([1])), lambda(&["x"])])),
        "bad"
    );
    let mut h = host(|_, _| Ok(Value::Null));
    assert_eq!(
        json_of(call(&mut h, "map", &[v(json!([])), lambda(&["x"])])),
        json!([])
    );
}

#[test]
fn reduce_docs_examples() {
    let ages = v(json!([5, 3, 2, 8]));
    let mut h = host(|_, a| Ok(Value::Int(int(&a[0]) + int(&a[1]))));
    assert_eq!(
        json_of(call(
            &mut h,
            "reduce",
            &[ages.clone(), Value::Int(0), lambda(&["cur", "next"])]
        )),
        json!(18)
    );
    assert_eq!(
        json_of(call(
            &mut h,
            "reduce",
            &[ages, Value::Int(1), lambda(&["cur", "next"])]
        )),
        json!(19)
    );
    // reduceObjectUnion, with the real `union`.
    let mut h = host(|_, a| call(&mut NoHost, "union", a));
    let objects = v(json!([{"foo": 123}, {"bar": 456}, {"baz": 789}]));
    let r = call(
        &mut h,
        "reduce",
        &[objects, v(json!({})), lambda(&["cur", "next"])],
    );
    assert_eq!(json_of(r), json!({"foo": 123, "bar": 456, "baz": 789}));
}

#[test]
fn reduce_index_order_and_edges() {
    // (acc, item, index), applied left to right.
    let mut h = host(|_, a| {
        Ok(Value::string(format!(
            "{}{}{}",
            text(&a[0]),
            text(&a[1]),
            int(&a[2])
        )))
    });
    let r = call(
        &mut h,
        "reduce",
        &[
            v(json!(["a", "b"])),
            Value::str(">"),
            lambda(&["acc", "x", "i"]),
        ],
    );
    assert_eq!(json_of(r), json!(">a0b1"));
    assert_eq!(h.calls[1].len(), 3);
    // Empty input: the initial value, no call.
    let mut h = host(|_, _| Ok(Value::Null));
    let r = call(
        &mut h,
        "reduce",
        &[v(json!([])), v(json!({"k": 1})), lambda(&["a", "b"])],
    );
    assert_eq!(json_of(r), json!({"k": 1}));
    assert!(h.calls.is_empty());
    assert!(invalid_of(call(
        &mut h,
        "reduce",
        &[v(json!([])), Value::Null, lambda(&["a"])]
    ))
    .contains("2 or 3"));
    let mut h = host(|_, _| {
        Err(FnError::Unknown(Arc::new(crate::arm::value::Unknown {
            why: "acc".into(),
            term: None,
            ..Default::default()
        })))
    });
    assert_eq!(
        unknown_of(call(
            &mut h,
            "reduce",
            &[v(json!([1])), Value::Int(0), lambda(&["a", "b"])]
        )),
        "acc"
    );
}

#[test]
fn sort_docs_example() {
    let mut h = host(|_, a| Ok(Value::Bool(age(&a[0]) < age(&a[1]))));
    let r = json_of(call(&mut h, "sort", &[dogs(), lambda(&["a", "b"])]));
    let names: Vec<_> = r
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| d["name"].clone())
        .collect();
    assert_eq!(
        names,
        [json!("Indy"), json!("Casper"), json!("Evie"), json!("Kira")]
    );
}

#[test]
fn sort_is_stable_and_correct() {
    // Sort by the first letter only: words with the same letter keep their order.
    let words = v(json!([
        "bob", "alice", "bill", "anna", "carl", "ben", "amy"
    ]));
    let first = |v: &Value| text(v).chars().next().unwrap_or(' ');
    let mut h = host(move |_, a| Ok(Value::Bool(first(&a[0]) < first(&a[1]))));
    let r = call(&mut h, "sort", &[words, lambda(&["a", "b"])]);
    assert_eq!(
        json_of(r),
        json!(["alice", "anna", "amy", "bob", "bill", "ben", "carl"])
    );
    // Against Rust's sort on a scrambled range, descending.
    let input: Vec<i64> = (0..257).map(|n| (n * 7919) % 257).collect();
    let mut h = host(|_, a| Ok(Value::Bool(int(&a[0]) > int(&a[1]))));
    let r = call(
        &mut h,
        "sort",
        &[
            Value::array(input.iter().map(|&n| Value::Int(n)).collect()),
            lambda(&["a", "b"]),
        ],
    );
    let mut expected = input.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(json_of(r), json!(expected));
    // n log n comparisons, not n².
    assert!(h.calls.len() <= 257 * 9, "{} comparisons", h.calls.len());
    assert!(h.calls.iter().all(|c| c.len() == 2));
}

#[test]
fn sort_edges() {
    let mut h = host(|_, _| Ok(Value::Bool(true)));
    assert_eq!(
        json_of(call(&mut h, "sort", &[v(json!([])), lambda(&["a", "b"])])),
        json!([])
    );
    assert_eq!(
        json_of(call(&mut h, "sort", &[v(json!([1])), lambda(&["a", "b"])])),
        json!([1])
    );
    assert!(h.calls.is_empty());
    assert!(invalid_of(call(&mut h, "sort", &[v(json!([1])), lambda(&["a"])])).contains("take 2"));
    let mut h = host(|_, _| Ok(Value::Int(1)));
    assert!(invalid_of(call(
        &mut h,
        "sort",
        &[v(json!([1, 2])), lambda(&["a", "b"])]
    ))
    .contains("bool"));
    let mut h = host(|_, _| Ok(Value::unknown("cmp")));
    assert_eq!(
        unknown_of(call(
            &mut h,
            "sort",
            &[v(json!([1, 2])), lambda(&["a", "b"])]
        )),
        "cmp"
    );
    let mut h = host(|_, _| Err(FnError::Invalid("inner".into())));
    assert_eq!(
        invalid_of(call(
            &mut h,
            "sort",
            &[v(json!([1, 2])), lambda(&["a", "b"])]
        )),
        "inner"
    );
}

#[test]
fn to_object_docs_examples() {
    let name = |l: &Lambda, a: &[Value]| -> FnResult {
        match l.params.first().map(|p| p.as_ref()) {
            Some("entry") => Ok(a[0].get("name").cloned().unwrap_or(Value::Null)),
            _ => Ok(a[0].get("interests").cloned().unwrap_or(Value::Null)),
        }
    };
    let mut h = host(name);
    let r = json_of(call(&mut h, "toObject", &[dogs(), lambda(&["entry"])]));
    assert_eq!(
        r["Indy"],
        json!({"name": "Indy", "age": 2, "interests": ["Butter"]})
    );
    let order: Vec<_> = r
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    assert_eq!(order, ["Evie", "Casper", "Indy", "Kira"]);
    let r = json_of(call(
        &mut h,
        "toObject",
        &[dogs(), lambda(&["entry"]), lambda(&["value"])],
    ));
    assert_eq!(
        r,
        json!({"Evie": ["Ball", "Frisbee"], "Casper": ["Other dogs"], "Indy": ["Butter"], "Kira": ["Rubs"]})
    );
}

#[test]
fn to_object_edges() {
    // Keys repeat case-insensitively: the last value wins.
    let mut h = host(|_, a| Ok(Value::str(&text(&a[0]).to_lowercase())));
    let r = call(
        &mut h,
        "toObject",
        &[v(json!(["A", "b", "a"])), lambda(&["x"])],
    );
    assert_eq!(json_of(r), json!({"a": "a", "b": "b"}));
    let mut h = host(|_, a| Ok(a[0].clone()));
    assert!(
        invalid_of(call(&mut h, "toObject", &[v(json!([1])), lambda(&["x"])])).contains("string")
    );
    assert!(invalid_of(call(
        &mut h,
        "toObject",
        &[v(json!([])), lambda(&["x", "y"])]
    ))
    .contains("take 1"));
    let r = call(
        &mut h,
        "toObject",
        &[v(json!([])), lambda(&["x"]), lambda(&["a", "b"])],
    );
    assert!(invalid_of(r).contains("take 1"));
    let mut h = host(|_, _| Ok(Value::unknown("key")));
    assert_eq!(
        unknown_of(call(&mut h, "toObject", &[v(json!(["a"])), lambda(&["x"])])),
        "key"
    );
    // An unknown value stays a value.
    let mut h = host(
        |l: &Lambda, a: &[Value]| match l.params.first().map(|p| p.as_ref()) {
            Some("k") => Ok(a[0].clone()),
            _ => Ok(Value::unknown("value")),
        },
    );
    let r = call(
        &mut h,
        "toObject",
        &[v(json!(["a"])), lambda(&["k"]), lambda(&["v"])],
    );
    assert!(r.is_ok_and(|o| o.get("a").is_some_and(Value::is_unknown)));
}

#[test]
fn map_values_docs_example() {
    let mut h = host(|_, a| Ok(Value::string(text(&a[0]).to_uppercase())));
    let r = call(
        &mut h,
        "mapValues",
        &[v(json!({"foo": "foo", "bar": "bar"})), lambda(&["val"])],
    );
    let r = json_of(r);
    assert_eq!(r, json!({"foo": "FOO", "bar": "BAR"}));
    let order: Vec<_> = r
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    assert_eq!(order, ["foo", "bar"]);
    assert_eq!(
        json_of(call(&mut h, "mapValues", &[v(json!({})), lambda(&["val"])])),
        json!({})
    );
    assert!(invalid_of(call(
        &mut h,
        "mapValues",
        &[v(json!([1])), lambda(&["val"])]
    ))
    .contains("object"));
    assert!(invalid_of(call(
        &mut h,
        "mapValues",
        &[v(json!({})), lambda(&["k", "v"])]
    ))
    .contains("take 1"));
    let mut h = host(|_, _| Ok(Value::unknown("later")));
    let r = call(&mut h, "mapValues", &[v(json!({"a": 1})), lambda(&["val"])]);
    assert!(r.is_ok_and(|o| o.get("a").is_some_and(Value::is_unknown)));
}

#[test]
fn group_by_docs_example() {
    let mut h = host(|_, a| Ok(Value::string(text(&a[0]).chars().take(1).collect())));
    let r = json_of(call(
        &mut h,
        "groupBy",
        &[v(json!(["foo", "bar", "baz"])), lambda(&["x"])],
    ));
    assert_eq!(r, json!({"f": ["foo"], "b": ["bar", "baz"]}));
    let order: Vec<_> = r
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    assert_eq!(order, ["f", "b"]);
}

#[test]
fn group_by_edges() {
    // Keys group case-insensitively under the first spelling seen.
    let mut h = host(|_, a| Ok(Value::string(text(&a[0]).chars().take(1).collect())));
    let r = call(
        &mut h,
        "groupBy",
        &[v(json!(["Ab", "ac", "b"])), lambda(&["x"])],
    );
    assert_eq!(json_of(r), json!({"A": ["Ab", "ac"], "b": ["b"]}));
    assert_eq!(
        json_of(call(&mut h, "groupBy", &[v(json!([])), lambda(&["x"])])),
        json!({})
    );
    let mut h = host(|_, _| Ok(Value::Int(1)));
    assert!(
        invalid_of(call(&mut h, "groupBy", &[v(json!(["a"])), lambda(&["x"])])).contains("string")
    );
    let mut h = host(|_, _| Ok(Value::unknown("group")));
    assert_eq!(
        unknown_of(call(&mut h, "groupBy", &[v(json!(["a"])), lambda(&["x"])])),
        "group"
    );
    assert!(invalid_of(call(&mut h, "groupBy", &[v(json!([])), lambda(&[])])).contains("take 1"));
}

#[test]
fn arity_of_the_functions() {
    let mut h = host(|_, _| Ok(Value::Null));
    assert!(call(&mut h, "map", &[v(json!([]))]).is_err());
    assert!(call(&mut h, "reduce", &[v(json!([])), lambda(&["a", "b"])]).is_err());
    assert!(call(
        &mut h,
        "toObject",
        &[v(json!([])), lambda(&["a"]), lambda(&["a"]), lambda(&["a"])]
    )
    .is_err());
}
