//! Tests of the array functions; examples marked "docs" come from the ARM documentation
//! page "Array functions for ARM templates".

use std::sync::Arc;

use serde_json::json;

use crate::arm::expr::ast::Expr;
use crate::arm::functions::{call, FnError, FnResult, NoHost};
use crate::arm::value::{Candidates, Lambda, Str, Value};

mod access_tests;
mod set_tests;

pub(super) fn v(j: serde_json::Value) -> Value {
    Value::from_json(&j)
}

pub(super) fn run(name: &str, args: &[Value]) -> FnResult {
    call(&mut NoHost, name, args)
}

/// The successful result, as JSON.
pub(super) fn ok(name: &str, args: &[Value]) -> serde_json::Value {
    match run(name, args) {
        Ok(v) => v.to_json(),
        Err(e) => panic!("{name} failed: {e:?}"),
    }
}

/// The message of an `Invalid` error.
pub(super) fn invalid(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Err(FnError::Invalid(m)) => m,
        other => panic!("{name}: expected Invalid, got {other:?}"),
    }
}

/// The reason of an `Unknown` error.
pub(super) fn unknown(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Err(FnError::Unknown(u)) => u.why.clone(),
        other => panic!("{name}: expected Unknown, got {other:?}"),
    }
}

pub(super) fn unk(why: &str) -> Value {
    Value::unknown(why)
}

pub(super) fn cands(parameter: &str, values: Vec<Value>) -> Value {
    Value::Candidates(Arc::new(Candidates {
        values,
        parameter: Str::from(parameter),
    }))
}

fn s(text: &str) -> Value {
    Value::str(text)
}

fn i(n: i64) -> Value {
    Value::Int(n)
}

#[test]
fn array_converts_docs_examples() {
    assert_eq!(ok("array", &[i(1)]), json!([1]));
    assert_eq!(ok("array", &[s("efgh")]), json!(["efgh"]));
    assert_eq!(
        ok("array", &[v(json!({"a": "b", "c": "d"}))]),
        json!([{"a": "b", "c": "d"}])
    );
    assert_eq!(ok("array", &[v(json!([1, 2]))]), json!([1, 2]));
    assert_eq!(ok("array", &[Value::Null]), json!([null]));
    assert_eq!(ok("ARRAY", &[v(json!([]))]), json!([]));
}

#[test]
fn array_with_unknowns() {
    // An unknown may itself be an array: the result is unknown.
    assert_eq!(unknown("array", &[unk("runtime")]), "runtime");
    // A known object holding unknowns is wrapped as is.
    let obj = Value::object([(Str::from("a"), unk("inner"))].into_iter().collect());
    let r = run("array", &[obj]).ok();
    let inner = r.as_ref().and_then(Value::as_array).and_then(|a| a.first());
    assert!(inner
        .and_then(|o| o.get("a"))
        .is_some_and(Value::is_unknown));
    // Candidates: each allowed value is converted.
    let r = ok("array", &[cands("p", vec![s("a"), v(json!(["b"]))])]);
    assert_eq!(r, json!({"$candidates": [["a"], ["b"]], "parameter": "p"}));
    // Candidates that all give the same result collapse to it.
    assert_eq!(
        ok("array", &[cands("p", vec![v(json!(["x"])), s("x")])]),
        json!(["x"])
    );
    let lambda = Value::Lambda(Arc::new(Lambda {
        params: vec![Str::from("x")],
        body: Arc::new(Expr::Null(Default::default())),
        captured: vec![],
    }));
    assert!(invalid("array", std::slice::from_ref(&lambda)).contains("lambda"));
    assert!(invalid("createArray", &[i(1), lambda]).contains("lambda"));
}

#[test]
fn create_array_docs_examples() {
    assert_eq!(
        ok("createArray", &[s("a"), s("b"), s("c")]),
        json!(["a", "b", "c"])
    );
    assert_eq!(ok("createArray", &[i(1), i(2), i(3)]), json!([1, 2, 3]));
    let obj = v(json!({"one": "a", "two": "b", "three": "c"}));
    assert_eq!(
        ok("createArray", &[obj]),
        json!([{"one": "a", "two": "b", "three": "c"}])
    );
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("createArray", &[arr]), json!([["one", "two", "three"]]));
    assert_eq!(ok("createArray", &[]), json!([]));
}

#[test]
fn create_array_keeps_unknown_elements() {
    let r = run("createArray", &[s("a"), unk("later")]).ok();
    let items = r.as_ref().and_then(Value::as_array).map(<[Value]>::to_vec);
    assert_eq!(items.as_ref().map(Vec::len), Some(2));
    assert!(items.is_some_and(|it| it[1].is_unknown()));
}

#[test]
fn concat_docs_examples() {
    let a = v(json!(["1-1", "1-2", "1-3"]));
    let b = v(json!(["2-1", "2-2", "2-3"]));
    assert_eq!(
        ok("concat", &[a, b]),
        json!(["1-1", "1-2", "1-3", "2-1", "2-2", "2-3"])
    );
    assert_eq!(
        ok("concat", &[s("prefix"), s("-"), s("5yj4yjf5mbg72")]),
        json!("prefix-5yj4yjf5mbg72")
    );
}

#[test]
fn concat_edge_cases() {
    // copyIndex() is an int: `concat('vm', copyIndex())` is the most common use.
    assert_eq!(
        ok("concat", &[s("vm"), i(3), Value::Bool(true)]),
        json!("vm3True")
    );
    assert_eq!(ok("concat", &[s("only")]), json!("only"));
    assert_eq!(ok("concat", &[v(json!([])), v(json!([]))]), json!([]));
    // Arrays keep unknown elements; nested arrays are not flattened.
    let r = run("concat", &[v(json!([[1]])), Value::array(vec![unk("u")])]);
    let items = r
        .ok()
        .and_then(|v| v.as_array().map(<[Value]>::to_vec))
        .unwrap_or_default();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].to_json(), json!([1]));
    assert!(items[1].is_unknown());
    // Arrays and strings do not mix.
    assert!(invalid("concat", &[v(json!(["a"])), s("b")]).contains("array"));
    assert!(invalid("concat", &[s("a"), v(json!(["b"]))]).contains("argument 2"));
    assert!(invalid("concat", &[s("a"), v(json!({}))]).contains("object"));
    assert!(run("concat", &[]).is_err());
}

#[test]
fn concat_is_capped() {
    let big = s(&"x".repeat(3 * 1024 * 1024));
    match run("concat", &[big.clone(), big]) {
        Err(FnError::Limit(m)) => assert!(m.contains("--limit string-bytes=N"), "{m}"),
        other => panic!("concat: expected a limit, got {other:?}"),
    }
}

#[test]
fn contains_docs_examples() {
    let text = s("OneTwoThree");
    let obj = v(json!({"one": "a", "two": "b", "three": "c"}));
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("contains", &[text.clone(), s("e")]), json!(true));
    assert_eq!(ok("contains", &[text, s("z")]), json!(false));
    assert_eq!(ok("contains", &[obj.clone(), s("one")]), json!(true));
    assert_eq!(ok("contains", &[obj, s("a")]), json!(false));
    assert_eq!(ok("contains", &[arr.clone(), s("three")]), json!(true));
    assert_eq!(ok("contains", &[arr, s("four")]), json!(false));
}

#[test]
fn contains_case_rules() {
    // Strings and array elements: case-sensitive. Object keys: case-insensitive.
    assert_eq!(ok("contains", &[s("OneTwoThree"), s("two")]), json!(false));
    assert_eq!(ok("contains", &[v(json!(["one"])), s("ONE")]), json!(false));
    assert_eq!(
        ok("contains", &[v(json!({"one": 1})), s("ONE")]),
        json!(true)
    );
    // ARM equality: deep, numbers by value, object keys case-insensitive.
    assert_eq!(
        ok("contains", &[v(json!([1, 2])), Value::Float(2.0)]),
        json!(true)
    );
    assert_eq!(
        ok("contains", &[v(json!([{"a": [1]}])), v(json!({"A": [1]}))]),
        json!(true)
    );
    assert_eq!(
        ok("contains", &[v(json!([[1, 2]])), v(json!([2, 1]))]),
        json!(false)
    );
    assert_eq!(ok("contains", &[v(json!([])), s("x")]), json!(false));
    assert_eq!(ok("contains", &[s("abc1"), i(1)]), json!(true));
}

#[test]
fn contains_wrong_types() {
    assert!(invalid("contains", &[i(1), s("a")]).contains("container"));
    assert!(invalid("contains", &[v(json!({"1": 0})), i(1)]).contains("key"));
    assert!(invalid("contains", &[s("abc"), v(json!(["a"]))]).contains("array"));
}

#[test]
fn contains_with_unknowns() {
    let arr = Value::array(vec![s("a"), unk("element"), s("b")]);
    // A decided match wins over an undecided element.
    assert_eq!(ok("contains", &[arr.clone(), s("b")]), json!(true));
    // No match, but the unknown element might be it.
    assert_eq!(unknown("contains", &[arr, s("z")]), "element");
    // Unknown needle.
    assert_eq!(
        unknown("contains", &[v(json!(["a"])), unk("needle")]),
        "needle"
    );
    assert_eq!(
        unknown("contains", &[v(json!({"a": 1})), unk("key")]),
        "key"
    );
    assert_eq!(unknown("contains", &[s("abc"), unk("sub")]), "sub");
    // Unknown container.
    assert_eq!(
        unknown("contains", &[unk("container"), s("a")]),
        "container"
    );
    // The same deterministic unknown is equal to itself.
    let loc = Value::unknown_term(
        "location",
        crate::arm::value::Term::context(crate::arm::value::Context::ResourceGroup, &["location"]),
    );
    assert_eq!(
        ok("contains", &[Value::array(vec![loc.clone()]), loc]),
        json!(true)
    );
    // An object with unknown values still answers key questions.
    let obj = Value::object([(Str::from("k"), unk("v"))].into_iter().collect());
    assert_eq!(ok("contains", &[obj, s("K")]), json!(true));
}

#[test]
fn contains_lifts_candidates() {
    let sku = cands("sku", vec![s("Basic"), s("Premium")]);
    assert_eq!(
        ok("contains", &[v(json!(["Premium", "Basic"])), sku.clone()]),
        json!(true)
    );
    assert_eq!(
        ok("contains", &[v(json!(["Premium"])), sku.clone()]),
        json!({"$candidates": [false, true], "parameter": "sku"})
    );
    // Two candidate sets: not combined here.
    assert!(unknown("contains", &[cands("a", vec![v(json!(["x"]))]), sku]).contains("parameter"));
    // A candidate container.
    let r = ok(
        "contains",
        &[cands("c", vec![v(json!(["x"])), v(json!(["y"]))]), s("x")],
    );
    assert_eq!(r, json!({"$candidates": [true, false], "parameter": "c"}));
    // A candidate for which the call fails makes the result unknown, not invalid.
    assert!(unknown(
        "contains",
        &[cands("c", vec![v(json!(["x"])), Value::Int(1)]), s("x")]
    )
    .contains("'c'"));
    // When every candidate fails, so does the deployment.
    let all_fail = [cands("c", vec![Value::Int(1), Value::Int(2)]), s("x")];
    assert!(invalid("contains", &all_fail).contains("container"));
    assert!(unknown("contains", &[cands("c", vec![]), s("x")]).contains("'c'"));
}

#[test]
fn empty_docs_examples_and_edges() {
    assert_eq!(ok("empty", &[v(json!([]))]), json!(true));
    assert_eq!(ok("empty", &[v(json!({}))]), json!(true));
    assert_eq!(ok("empty", &[s("")]), json!(true));
    assert_eq!(ok("empty", &[Value::Null]), json!(true));
    assert_eq!(ok("empty", &[s(" ")]), json!(false));
    assert_eq!(ok("empty", &[Value::array(vec![unk("u")])]), json!(false));
    assert!(invalid("empty", &[i(0)]).contains("int"));
}

#[test]
fn first_and_last() {
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("first", std::slice::from_ref(&arr)), json!("one"));
    assert_eq!(ok("first", &[s("One Two Three")]), json!("O"));
    assert_eq!(ok("last", &[arr]), json!("three"));
    assert_eq!(ok("last", &[s("One Two Three")]), json!("e"));
    for f in ["first", "last"] {
        assert_eq!(ok(f, &[v(json!([]))]), json!(null));
        assert_eq!(ok(f, &[s("")]), json!(""));
        assert_eq!(ok(f, &[Value::Null]), json!(null));
        assert_eq!(ok(f, &[v(json!([{"a": 1}]))]), json!({"a": 1}));
        assert!(invalid(f, &[v(json!({"a": 1}))]).contains("object"));
    }
    assert_eq!(ok("first", &[s("😀é")]), json!("😀"));
    assert_eq!(ok("last", &[s("é😀")]), json!("😀"));
    let r = run("last", &[Value::array(vec![i(1), unk("tail")])]);
    assert!(r.is_ok_and(|v| v.is_unknown()));
}

#[test]
fn flatten_docs_example_and_edges() {
    let nested = v(json!([["one", "two"], ["three"], ["four", "five"]]));
    assert_eq!(
        ok("flatten", &[nested]),
        json!(["one", "two", "three", "four", "five"])
    );
    // Only one level.
    assert_eq!(ok("flatten", &[v(json!([[[1]], [2]]))]), json!([[1], 2]));
    assert_eq!(ok("flatten", &[v(json!([]))]), json!([]));
    assert!(invalid("flatten", &[v(json!([[1], 2]))]).contains("element 1"));
    assert_eq!(
        unknown(
            "flatten",
            &[Value::array(vec![v(json!([1])), unk("inner")])]
        ),
        "inner"
    );
    assert!(invalid("flatten", &[s("ab")]).contains("array"));
}

#[test]
fn index_of_docs_examples() {
    let names = v(json!(["one", "two", "three"]));
    let numbers = v(json!([4, 5, 6]));
    let collection = Value::array(vec![names.clone(), numbers.clone()]);
    let duplicates = v(json!([1, 2, 3, 1]));
    assert_eq!(ok("lastIndexOf", &[names.clone(), s("two")]), json!(1));
    assert_eq!(ok("indexOf", &[names.clone(), s("one")]), json!(0));
    assert_eq!(ok("lastIndexOf", &[names, s("Three")]), json!(-1));
    assert_eq!(ok("lastIndexOf", &[numbers.clone(), i(4)]), json!(0));
    assert_eq!(ok("indexOf", &[numbers.clone(), i(6)]), json!(2));
    assert_eq!(ok("lastIndexOf", &[numbers.clone(), s("5")]), json!(-1));
    assert_eq!(ok("indexOf", &[collection, numbers]), json!(1));
    assert_eq!(ok("indexOf", &[duplicates.clone(), i(1)]), json!(0));
    assert_eq!(ok("lastIndexOf", &[duplicates, i(1)]), json!(3));
}

#[test]
fn index_of_strings_docs_examples() {
    assert_eq!(ok("indexOf", &[s("test"), s("t")]), json!(0));
    assert_eq!(ok("lastIndexOf", &[s("test"), s("t")]), json!(3));
    assert_eq!(ok("indexOf", &[s("abcdef"), s("CD")]), json!(2));
    assert_eq!(ok("lastIndexOf", &[s("abcdef"), s("AB")]), json!(0));
    assert_eq!(ok("indexOf", &[s("abcdef"), s("z")]), json!(-1));
    assert_eq!(ok("indexOf", &[s("ab"), s("abc")]), json!(-1));
    assert_eq!(ok("indexOf", &[s("abc"), s("")]), json!(0));
    assert_eq!(ok("lastIndexOf", &[s("abc"), s("")]), json!(3));
    // Char indexes, not bytes.
    assert_eq!(ok("indexOf", &[s("ééX"), s("x")]), json!(2));
    assert!(invalid("indexOf", &[s("abc"), i(1)]).contains("string"));
    assert!(invalid("lastIndexOf", &[i(12), i(1)]).contains("int"));
}

#[test]
fn index_of_with_unknowns() {
    let arr = Value::array(vec![s("a"), unk("mid"), s("a")]);
    assert_eq!(ok("indexOf", &[arr.clone(), s("a")]), json!(0));
    assert_eq!(ok("lastIndexOf", &[arr.clone(), s("a")]), json!(2));
    // The unknown comes before any match in search order.
    assert_eq!(unknown("indexOf", &[arr.clone(), s("b")]), "mid");
    let arr2 = Value::array(vec![unk("head"), s("b")]);
    assert_eq!(unknown("indexOf", &[arr2.clone(), s("b")]), "head");
    assert_eq!(ok("lastIndexOf", &[arr2, s("b")]), json!(1));
}

#[test]
fn length_docs_examples_and_edges() {
    assert_eq!(ok("length", &[v(json!(["one", "two", "three"]))]), json!(3));
    assert_eq!(ok("length", &[s("One Two Three")]), json!(13));
    let obj = v(
        json!({"propA": "one", "propB": "two", "propC": "three", "propD": {"propD-1": "sub", "propD-2": "sub"}}),
    );
    assert_eq!(ok("length", &[obj]), json!(4));
    assert_eq!(ok("length", &[s("")]), json!(0));
    assert_eq!(ok("length", &[s("é😀")]), json!(2));
    // Unknown elements do not make the length unknown.
    assert_eq!(
        ok("length", &[Value::array(vec![unk("a"), unk("b")])]),
        json!(2)
    );
    assert!(invalid("length", &[Value::Null]).contains("null"));
    assert!(invalid("length", &[i(5)]).contains("int"));
}

#[test]
fn max_and_min() {
    assert_eq!(ok("max", &[v(json!([0, 3, 2, 5, 4]))]), json!(5));
    assert_eq!(ok("max", &[i(0), i(3), i(2), i(5), i(4)]), json!(5));
    assert_eq!(ok("min", &[v(json!([0, 3, 2, 5, 4]))]), json!(0));
    assert_eq!(ok("min", &[i(0), i(3), i(2), i(5), i(4)]), json!(0));
    assert_eq!(ok("max", &[v(json!([6, 4])), i(8)]), json!(8));
    assert_eq!(ok("min", &[v(json!([6, 4])), v(json!([8]))]), json!(4));
    assert_eq!(ok("min", &[i(-7)]), json!(-7));
    assert_eq!(ok("max", &[Value::Float(2.0), i(1)]), json!(2));
    assert!(invalid("max", &[v(json!([]))]).contains("at least one"));
    assert!(invalid("min", &[s("one"), s("two")]).contains("integers"));
    assert!(invalid("max", &[v(json!([1, "0"]))]).contains("string"));
    assert!(invalid("max", &[Value::Float(1.5)]).contains("float"));
    assert_eq!(unknown("max", &[Value::array(vec![i(1), unk("n")])]), "n");
}

#[test]
fn range_docs_examples_and_limits() {
    assert_eq!(ok("range", &[i(1), i(3)]), json!([1, 2, 3]));
    assert_eq!(ok("range", &[i(5), i(0)]), json!([]));
    assert_eq!(ok("range", &[i(-3), i(3)]), json!([-3, -2, -1]));
    let r = ok("range", &[i(0), i(10_000)]);
    assert_eq!(r.as_array().map(Vec::len), Some(10_000));
    assert!(invalid("range", &[i(0), i(10_001)]).contains("10000"));
    assert!(invalid("range", &[i(0), i(-1)]).contains("negative"));
    assert!(invalid("range", &[i(2_147_483_647), i(1)]).contains("2147483647"));
    assert_eq!(
        ok("range", &[i(2_147_483_646), i(1)]),
        json!([2_147_483_646])
    );
    assert!(invalid("range", &[s("1"), i(1)]).contains("integer"));
}

#[test]
fn skip_docs_examples_and_edges() {
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("skip", &[arr.clone(), i(2)]), json!(["three"]));
    assert_eq!(ok("skip", &[s("one two three"), i(4)]), json!("two three"));
    assert_eq!(
        ok("skip", &[arr.clone(), i(0)]),
        json!(["one", "two", "three"])
    );
    assert_eq!(
        ok("skip", &[arr.clone(), i(-100)]),
        json!(["one", "two", "three"])
    );
    assert_eq!(ok("skip", &[arr.clone(), i(3)]), json!([]));
    assert_eq!(ok("skip", &[arr, i(i64::MAX)]), json!([]));
    assert_eq!(ok("skip", &[s("abc"), i(13)]), json!(""));
    assert_eq!(ok("skip", &[s("é😀x"), i(1)]), json!("😀x"));
    assert_eq!(ok("skip", &[s("abc"), Value::Float(1.0)]), json!("bc"));
    assert!(invalid("skip", &[s("abc"), Value::Float(1.5)]).contains("integer"));
    assert!(invalid("skip", &[i(1), i(0)]).contains("int"));
}

#[test]
fn take_docs_examples_and_edges() {
    let arr = v(json!(["one", "two", "three"]));
    assert_eq!(ok("take", &[arr.clone(), i(2)]), json!(["one", "two"]));
    assert_eq!(ok("take", &[s("on two three"), i(2)]), json!("on"));
    assert_eq!(ok("take", &[arr.clone(), i(0)]), json!([]));
    assert_eq!(ok("take", &[arr.clone(), i(-1)]), json!([]));
    assert_eq!(ok("take", &[arr, i(99)]), json!(["one", "two", "three"]));
    assert_eq!(ok("take", &[s("é😀x"), i(2)]), json!("é😀"));
    assert_eq!(ok("take", &[s("abc"), i(-5)]), json!(""));
    assert!(invalid("take", &[v(json!({})), i(1)]).contains("object"));
    assert!(invalid("take", &[s("abc"), s("1")]).contains("integer"));
}

#[test]
fn join_docs_example_and_edges() {
    let arr = v(json!(["a", "b", "c"]));
    assert_eq!(ok("join", &[arr.clone(), s(",")]), json!("a,b,c"));
    assert_eq!(ok("join", &[arr, s(";")]), json!("a;b;c"));
    assert_eq!(ok("join", &[v(json!([])), s(",")]), json!(""));
    assert_eq!(ok("join", &[v(json!(["x"])), s(",")]), json!("x"));
    assert_eq!(ok("join", &[v(json!(["a", 1])), s("-")]), json!("a-1"));
    assert!(invalid("join", &[v(json!(["a", {"b": 1}])), s(",")]).contains("element 1"));
    assert!(invalid("join", &[v(json!(["a", null])), s(",")]).contains("element 1"));
    assert!(invalid("join", &[v(json!(["a"])), i(1)]).contains("string"));
    assert_eq!(
        unknown("join", &[Value::array(vec![s("a"), unk("b")]), s(",")]),
        "b"
    );
}

#[test]
fn arity_is_checked() {
    assert!(run("first", &[]).is_err());
    assert!(run("range", &[i(1)]).is_err());
    assert!(run("union", &[v(json!([]))]).is_err());
    assert!(run("indexFromEnd", &[v(json!([1])), i(1), i(1)]).is_err());
}

#[test]
fn implementations_survive_missing_arguments() {
    // The evaluator checks arity first; called directly, no implementation may panic.
    let tables = [
        super::FUNCTIONS,
        crate::arm::functions::object::FUNCTIONS,
        crate::arm::functions::lambda::FUNCTIONS,
    ];
    let mut calls = 0;
    for spec in tables.iter().flat_map(|t| t.iter()) {
        for args in [vec![], vec![v(json!([]))], vec![v(json!({}))], vec![s("x")]] {
            // Fails by panicking; the result itself may be anything.
            let _ = (spec.imp)(&mut NoHost, &args);
            calls += 1;
        }
    }
    assert_eq!(calls, 4 * (22 + 6 + 7));
}
