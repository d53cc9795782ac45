//! Tests of the string functions. Expected values marked [docs] are the outputs listed
//! on learn.microsoft.com "String functions for ARM templates" for the example templates
//! in Azure/azure-docs-json-samples (azure-resource-manager/functions/string/*.json);
//! [bicep] values come from Azure/bicep's evaluated baseline
//! src/Bicep.Core.Samples/Files/baselines_bicepparam/Expressions/parameters.json.

use crate::arm::functions::{call, FnError, FnResult, NoHost};
use crate::arm::value::{Map, Str, Value};

fn run(name: &str, args: &[Value]) -> FnResult {
    call(&mut NoHost, name, args)
}

fn s(v: &str) -> Value {
    Value::str(v)
}

fn ok_str(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Ok(Value::String(out)) => out.to_string(),
        other => panic!("{name}{args:?}: expected a string, got {other:?}"),
    }
}

fn ok_bool(name: &str, args: &[Value]) -> bool {
    match run(name, args) {
        Ok(Value::Bool(b)) => b,
        other => panic!("{name}{args:?}: expected a bool, got {other:?}"),
    }
}

fn ok_strings(name: &str, args: &[Value]) -> Vec<String> {
    match run(name, args) {
        Ok(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| panic!("{v:?}"))
            })
            .collect(),
        other => panic!("{name}{args:?}: expected an array, got {other:?}"),
    }
}

fn invalid_msg(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Err(FnError::Invalid(msg)) => msg,
        other => panic!("{name}{args:?}: expected Invalid, got {other:?}"),
    }
}

fn is_unknown(name: &str, args: &[Value]) -> bool {
    matches!(run(name, args), Err(FnError::Unknown(_)))
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(Str::from(*k), v.clone());
    }
    Value::object(map)
}

#[test]
fn replace_examples_and_edges() {
    // [docs] replace.json
    assert_eq!(
        ok_str("replace", &[s("123-123-1234"), s("-"), s("")]),
        "1231231234"
    );
    assert_eq!(
        ok_str("replace", &[s("123-123-1234"), s("1234"), s("xxxx")]),
        "123-123-xxxx"
    );
    // [bicep]
    assert_eq!(ok_str("replace", &[s("abc"), s("b"), s("/")]), "a/c");
    // Case-sensitive, all occurrences, non-overlapping left to right.
    assert_eq!(ok_str("replace", &[s("aAaA"), s("a"), s("x")]), "xAxA");
    assert_eq!(ok_str("replace", &[s("aaa"), s("aa"), s("b")]), "ba");
    assert_eq!(ok_str("replace", &[s(""), s("a"), s("b")]), "");
    assert_eq!(
        ok_str("replace", &[s("héllo wörld"), s("ö"), s("o")]),
        "héllo world"
    );
    assert_eq!(ok_str("REPLACE", &[Value::Null, s("a"), s("b")]), "");
    assert!(invalid_msg("replace", &[s("abc"), s(""), s("x")]).contains("replace"));
    assert!(invalid_msg("replace", &[Value::Int(1), s("a"), s("b")]).contains("replace"));
    assert!(invalid_msg("replace", &[s("a"), s("a"), Value::Int(2)]).contains("replace"));
    assert!(run("replace", &[s("a"), s("b")]).is_err());
}

#[test]
fn split_examples_and_edges() {
    // [docs] split.json
    assert_eq!(
        ok_strings("split", &[s("one,two,three"), s(",")]),
        ["one", "two", "three"]
    );
    let delimiters = Value::array(vec![s(","), s(";")]);
    assert_eq!(
        ok_strings("split", &[s("one;two,three"), delimiters]),
        ["one", "two", "three"]
    );
    // [bicep]
    assert_eq!(ok_strings("split", &[s("a/b/c"), s("/")]), ["a", "b", "c"]);
    // Empty pieces are kept; an empty input gives one empty piece.
    assert_eq!(
        ok_strings("split", &[s(",a,,b,"), s(",")]),
        ["", "a", "", "b", ""]
    );
    assert_eq!(ok_strings("split", &[s(""), s(",")]), [""]);
    assert_eq!(ok_strings("split", &[s("abc"), s("")]), ["abc"]);
    assert_eq!(ok_strings("split", &[s("abc"), s("x")]), ["abc"]);
    assert_eq!(ok_strings("split", &[s("a--b-c"), s("--")]), ["a", "b-c"]);
    // Among several delimiters the first listed that matches wins.
    let order = Value::array(vec![s("-"), s("--")]);
    assert_eq!(ok_strings("split", &[s("a--b"), order]), ["a", "", "b"]);
    let order = Value::array(vec![s("--"), s("-")]);
    assert_eq!(ok_strings("split", &[s("a--b-c"), order]), ["a", "b", "c"]);
    assert_eq!(ok_strings("split", &[s("日本,語"), s(",")]), ["日本", "語"]);
    assert_eq!(ok_strings("split", &[s("a,b"), Value::Null]), ["a,b"]);
    assert!(ok_strings("split", &[Value::Null, s(",")]).is_empty());
    assert!(invalid_msg("split", &[s("a"), Value::Int(1)]).contains("split"));
    let bad = Value::array(vec![s(","), Value::Int(1)]);
    assert!(invalid_msg("split", &[s("a"), bad]).contains("split"));
    assert!(invalid_msg("split", &[Value::Int(1), s(",")]).contains("split"));
    let nested = Value::array(vec![Value::unknown("reference()")]);
    assert!(is_unknown("split", &[s("a"), nested]));
}

#[test]
fn substring_examples_and_edges() {
    // [docs] substring.json and [bicep]
    assert_eq!(
        ok_str(
            "substring",
            &[s("one two three"), Value::Int(4), Value::Int(3)]
        ),
        "two"
    );
    assert_eq!(ok_str("substring", &[s("asdfasf"), Value::Int(3)]), "fasf");
    assert_eq!(ok_str("substring", &[s("abc"), Value::Int(3)]), "");
    assert_eq!(
        ok_str("substring", &[s("abc"), Value::Int(1), Value::Int(0)]),
        ""
    );
    assert_eq!(
        ok_str("substring", &[s("abc"), Value::Int(0), Value::Int(3)]),
        "abc"
    );
    assert_eq!(
        ok_str("substring", &[s("héllo"), Value::Int(1), Value::Int(3)]),
        "éll"
    );
    // Indexes count UTF-16 code units, like .NET: '😀' is two of them.
    assert_eq!(ok_str("substring", &[s("a😀b"), Value::Int(3)]), "b");
    // [docs] the error ARM reports for a length past the end.
    let msg = invalid_msg(
        "substring",
        &[s("1234567890"), Value::Int(0), Value::Int(11)],
    );
    assert!(
        msg.contains("The index parameter: '0', the length parameter: '11'"),
        "{msg}"
    );
    assert!(msg.contains("'10'"), "{msg}");
    assert!(invalid_msg("substring", &[s("abc"), Value::Int(4)]).contains("substring"));
    assert!(invalid_msg("substring", &[s("abc"), Value::Int(-1)]).contains("substring"));
    assert!(
        invalid_msg("substring", &[s("abc"), Value::Int(1), Value::Int(-1)]).contains("substring")
    );
    assert!(invalid_msg("substring", &[s("abc"), s("1")]).contains("substring"));
    assert!(run("substring", &[s("abc")]).is_err());
}

#[test]
fn case_conversion() {
    // [docs] tolower.json and [bicep]
    assert_eq!(ok_str("toLower", &[s("One Two Three")]), "one two three");
    assert_eq!(ok_str("toUpper", &[s("One Two Three")]), "ONE TWO THREE");
    assert_eq!(ok_str("toLower", &[s("AiKInIniIN")]), "aikininiin");
    assert_eq!(ok_str("toUpper", &[s("AiKInIniIN")]), "AIKININIIN");
    assert_eq!(ok_str("toLower", &[s("")]), "");
    assert_eq!(ok_str("toUpper", &[s("Grüße ÉTÉ")]), "GRÜßE ÉTÉ"); // ß has no one-char upper
    assert_eq!(ok_str("toLower", &[s("ΟΔΟΣ")]), "οδοσ"); // no final-sigma rule
    assert_eq!(ok_str("tolower", &[Value::Null]), "");
    assert!(invalid_msg("toLower", &[Value::Int(1)]).contains("toLower"));
    assert!(invalid_msg("toUpper", &[Value::array(vec![])]).contains("toUpper"));
}

#[test]
fn trim_examples_and_edges() {
    // [docs] trim.json and [bicep]
    assert_eq!(
        ok_str("trim", &[s("    one two three   ")]),
        "one two three"
    );
    assert_eq!(ok_str("trim", &[s("  adf asdf  ")]), "adf asdf");
    assert_eq!(ok_str("trim", &[s("\t\r\n x \u{a0}\u{3000}")]), "x");
    assert_eq!(ok_str("trim", &[s("   ")]), "");
    assert!(invalid_msg("trim", &[Value::Bool(true)]).contains("trim"));
}

#[test]
fn pad_left_examples_and_edges() {
    // [docs] padleft.json: padLeft('123', 10, '0')
    assert_eq!(
        ok_str("padLeft", &[s("123"), Value::Int(10), s("0")]),
        "0000000123"
    );
    // [bicep] padLeft(13, 5)
    assert_eq!(ok_str("padLeft", &[Value::Int(13), Value::Int(5)]), "   13");
    // Longer than the total length: unchanged.
    assert_eq!(
        ok_str("padLeft", &[s("abcdef"), Value::Int(3), s("0")]),
        "abcdef"
    );
    assert_eq!(ok_str("padLeft", &[s("abc"), Value::Int(0)]), "abc");
    assert_eq!(ok_str("padLeft", &[s(""), Value::Int(2), s("é")]), "éé");
    assert_eq!(
        ok_str("padLeft", &[Value::Int(-5), Value::Int(4), s("0")]),
        "00-5"
    );
    assert_eq!(ok_str("padLeft", &[s("ü"), Value::Int(3), s("*")]), "**ü");
    assert!(invalid_msg("padLeft", &[s("a"), Value::Int(3), s("ab")]).contains("single"));
    assert!(invalid_msg("padLeft", &[s("a"), Value::Int(3), s("")]).contains("single"));
    assert!(invalid_msg("padLeft", &[s("a"), Value::Int(3), s("😀")]).contains("single"));
    assert!(invalid_msg("padLeft", &[s("a"), Value::Int(-1)]).contains("padLeft"));
    assert!(invalid_msg("padLeft", &[Value::Bool(true), Value::Int(3)]).contains("padLeft"));
    assert!(invalid_msg("padLeft", &[s("a"), s("3")]).contains("padLeft"));
    // A huge length is refused without allocating it.
    assert!(matches!(
        run("padLeft", &[s("a"), Value::Int(i64::MAX)]),
        Err(FnError::Limit(m)) if m.contains("--limit string-bytes=N")
    ));
    assert!(is_unknown("padLeft", &[Value::unknown("x"), Value::Int(3)]));
}

#[test]
fn starts_and_ends_with_ignore_case() {
    // [docs] startsendswith.json
    assert!(ok_bool("startsWith", &[s("abcdef"), s("ab")]));
    assert!(ok_bool("startsWith", &[s("abcdef"), s("A")]));
    assert!(!ok_bool("startsWith", &[s("abcdef"), s("e")]));
    assert!(ok_bool("endsWith", &[s("abcdef"), s("ef")]));
    assert!(ok_bool("endsWith", &[s("abcdef"), s("F")]));
    assert!(!ok_bool("endsWith", &[s("abcdef"), s("e")]));
    // [bicep]
    assert!(ok_bool("startsWith", &[s("abc"), s("a")]));
    assert!(ok_bool("endsWith", &[s("foo"), s("o")]));
    assert!(ok_bool("startsWith", &[s("abc"), s("")]));
    assert!(ok_bool("endsWith", &[s(""), s("")]));
    assert!(!ok_bool("endsWith", &[s("a"), s("ba")]));
    assert!(ok_bool("startswith", &[s("Éclair"), s("éC")]));
    assert!(ok_bool(
        "ENDSWITH",
        &[
            s("/subscriptions/X/resourceGroups/RG"),
            s("/resourcegroups/rg")
        ]
    ));
    assert!(invalid_msg("startsWith", &[s("a"), Value::Int(1)]).contains("startsWith"));
    assert!(invalid_msg("endsWith", &[Value::Int(1), s("a")]).contains("endsWith"));
}

#[test]
fn string_conversions() {
    // [docs] string.json
    let object = obj(&[("valueA", Value::Int(10)), ("valueB", s("Example Text"))]);
    assert_eq!(
        ok_str("string", &[object]),
        r#"{"valueA":10,"valueB":"Example Text"}"#
    );
    let array = Value::array(vec![s("a"), s("b"), s("c")]);
    assert_eq!(ok_str("string", &[array]), r#"["a","b","c"]"#);
    assert_eq!(ok_str("string", &[Value::Int(5)]), "5");
    // [bicep]
    assert_eq!(ok_str("string", &[s("asdf")]), "asdf");
    // .NET renders booleans capitalised: ARM's string(empty('')) is 'True'
    // (Azure/PSRule.Rules.Azure issue #794, observed against ARM).
    assert_eq!(ok_str("string", &[Value::Bool(true)]), "True");
    assert_eq!(ok_str("string", &[Value::Bool(false)]), "False");
    assert_eq!(ok_str("string", &[Value::Null]), "");
    assert_eq!(ok_str("string", &[Value::Int(-42)]), "-42");
    assert_eq!(ok_str("string", &[Value::Float(1.5)]), "1.5");
    let nested = obj(&[
        (
            "a",
            Value::array(vec![Value::Null, Value::Bool(true), Value::Float(2.0)]),
        ),
        ("q", s("say \"hi\"\n\\ \u{1} \u{2028} ü")),
        ("e", Value::empty_object()),
    ]);
    assert_eq!(
        ok_str("string", &[nested]),
        r#"{"a":[null,true,2.0],"q":"say \"hi\"\n\\ \u0001 \u2028 ü","e":{}}"#
    );
    let with_unknown = Value::array(vec![Value::unknown("reference()")]);
    assert!(is_unknown("string", &[with_unknown]));
    assert!(run("string", &[]).is_err());
}
