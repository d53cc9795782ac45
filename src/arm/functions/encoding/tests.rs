//! Tests of the encoding functions. [docs] marks outputs listed on learn.microsoft.com
//! "String functions for ARM templates" (templates in Azure/azure-docs-json-samples,
//! azure-resource-manager/functions/string/); [bicep] marks values from Azure/bicep's
//! evaluated baseline src/Bicep.Core.Samples/Files/baselines_bicepparam/Expressions/.

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

fn invalid_msg(name: &str, args: &[Value]) -> String {
    match run(name, args) {
        Err(FnError::Invalid(msg)) => {
            assert!(msg.starts_with(name), "{msg}");
            msg
        }
        other => panic!("{name}{args:?}: expected Invalid, got {other:?}"),
    }
}

#[test]
fn base64_round_trips() {
    // [docs] base64.json
    assert_eq!(
        ok_str("base64", &[s("one, two, three")]),
        "b25lLCB0d28sIHRocmVl"
    );
    assert_eq!(
        ok_str("base64ToString", &[s("b25lLCB0d28sIHRocmVl")]),
        "one, two, three"
    );
    assert_eq!(ok_str("base64", &[s("")]), "");
    assert_eq!(ok_str("base64ToString", &[s("")]), "");
    assert_eq!(ok_str("base64", &[s("é")]), "w6k=");
    assert_eq!(ok_str("base64ToString", &[s("w6k=")]), "é");
    assert_eq!(ok_str("base64", &[s("ab")]), "YWI=");
    // Whitespace inside the value is ignored, like Convert.FromBase64String.
    assert_eq!(ok_str("base64ToString", &[s("YW\r\nI =")]), "ab");
    // Invalid UTF-8 decodes with replacement characters.
    assert_eq!(ok_str("base64ToString", &[s("/w==")]), "\u{fffd}");
}

#[test]
fn base64_rejects_invalid_input() {
    for bad in ["YWI", "Y", "YW=I", "****", "YWI=="] {
        assert!(
            invalid_msg("base64ToString", &[s(bad)]).contains("base64"),
            "{bad}"
        );
    }
    invalid_msg("base64", &[Value::Int(1)]);
    invalid_msg("base64ToString", &[Value::Null]);
}

#[test]
fn base64_to_json_is_lenient_like_newtonsoft() {
    // [docs] base64.json: the JSON uses single quotes.
    let encoded = ok_str("base64", &[s("{'one': 'a', 'two': 'b'}")]);
    let value = run("base64ToJson", &[s(&encoded)]).expect("json");
    assert_eq!(value.to_json(), serde_json::json!({"one": "a", "two": "b"}));
    // [bicep] base64ToJson(base64('{"hi": "there"}')).hi
    let encoded = ok_str("base64", &[s(r#"{"hi": "there"}"#)]);
    let value = run("base64ToJson", &[s(&encoded)]).expect("json");
    assert_eq!(value.get("hi").and_then(Value::as_str), Some("there"));

    let text = r#"// comment
        {z: 1, "a": [1, 2.5, -3, true, null,], 'n': {"x": "y"}, big: 1e400}"#;
    let encoded = ok_str("base64", &[s(text)]);
    let value = run("base64ToJson", &[s(&encoded)]).expect("json");
    let keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(|k| &**k)
        .collect();
    assert_eq!(keys, ["z", "a", "n", "big"], "key order is kept");
    assert!(matches!(value.get("z"), Some(Value::Int(1))));
    let a = value.get("a").and_then(Value::as_array).expect("array");
    assert!(matches!(a[1], Value::Float(f) if f == 2.5));
    assert!(matches!(a[2], Value::Int(-3)));
    assert_eq!(a.len(), 5);
    // No 64-bit float holds it: an unknown that says so, not infinity (null in JSON).
    assert!(
        matches!(value.get("big"), Some(Value::Unknown(u)) if u.why.contains("outside the range of a 64-bit float")),
        "{:?}",
        value.get("big")
    );

    let scalar = ok_str("base64", &[s("42")]);
    assert!(matches!(
        run("base64ToJson", &[s(&scalar)]),
        Ok(Value::Int(42))
    ));
}

#[test]
fn base64_to_json_rejects_non_json() {
    for bad in ["", "not json", "{\"a\": }", "{\"a\" 1 \"b\" 2}"] {
        let encoded = ok_str("base64", &[s(bad)]);
        invalid_msg("base64ToJson", &[s(&encoded)]);
    }
    invalid_msg("base64ToJson", &[s("%%%")]);
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let encoded = ok_str("base64", &[s(&deep)]);
    assert!(invalid_msg("base64ToJson", &[s(&encoded)]).contains("deeper"));
}

#[test]
fn data_uri_examples_and_edges() {
    // [docs] datauri.json
    assert_eq!(
        ok_str("dataUri", &[s("Hello")]),
        "data:text/plain;charset=utf8;base64,SGVsbG8="
    );
    assert_eq!(
        ok_str("dataUriToString", &[s("data:;base64,SGVsbG8sIFdvcmxkIQ==")]),
        "Hello, World!"
    );
    // [bicep] dataUriToString(dataUri('abc'))
    let uri = ok_str("dataUri", &[s("abc")]);
    assert_eq!(ok_str("dataUriToString", &[s(&uri)]), "abc");

    let mut map = Map::new();
    map.insert(Str::from("a"), Value::Int(1));
    let uri = ok_str("dataUri", &[Value::object(map)]);
    assert_eq!(
        uri,
        "data:application/json;charset=utf8;base64,eyJhIjoxfQ=="
    );
    assert_eq!(ok_str("dataUriToString", &[s(&uri)]), r#"{"a":1}"#);
    assert_eq!(
        ok_str("dataUri", &[Value::Int(5)]),
        "data:application/json;charset=utf8;base64,NQ=="
    );
    invalid_msg("dataUri", &[Value::Null]);
    assert!(matches!(
        run("dataUri", &[Value::array(vec![Value::unknown("x")])]),
        Err(FnError::Unknown(_))
    ));
}

#[test]
fn data_uri_to_string_forms() {
    assert_eq!(
        ok_str("dataUriToString", &[s("data:,Hello%2C%20World")]),
        "Hello, World"
    );
    assert_eq!(
        ok_str("dataUriToString", &[s("DATA:text/plain,a+b")]),
        "a b"
    );
    assert_eq!(
        ok_str(
            "dataUriToString",
            &[s("data:text/plain;charset=UTF-8;base64,w6k=")]
        ),
        "é"
    );
    assert_eq!(
        ok_str("dataUriToString", &[s("data:text/plain;base64,")]),
        ""
    );
    for bad in [
        "Hello",
        "data:text/plain;base64",
        "data:;charset=utf8,abc",
        "data:text/plain; ;base64,YQ==",
        "data:text/plain;base64,@@",
    ] {
        invalid_msg("dataUriToString", &[s(bad)]);
    }
    let msg = invalid_msg(
        "dataUriToString",
        &[s("data:text/plain;charset=latin1,abc")],
    );
    assert!(msg.contains("charset"), "{msg}");
}

#[test]
fn uri_examples() {
    // [docs] the trailing-slash rules and uri.json
    let cases = [
        (
            "http://contoso.org/firstpath",
            "myscript.sh",
            "http://contoso.org/myscript.sh",
        ),
        (
            "http://contoso.org/firstpath/",
            "myscript.sh",
            "http://contoso.org/firstpath/myscript.sh",
        ),
        (
            "http://contoso.org/firstpath/azuredeploy.json",
            "myscript.sh",
            "http://contoso.org/firstpath/myscript.sh",
        ),
        (
            "http://contoso.org/firstpath/azuredeploy.json/",
            "myscript.sh",
            "http://contoso.org/firstpath/azuredeploy.json/myscript.sh",
        ),
        (
            "http://contoso.com/resources/",
            "nested/azuredeploy.json",
            "http://contoso.com/resources/nested/azuredeploy.json",
        ),
        // [bicep]
        (
            "https://github.com",
            "Azure/bicep",
            "https://github.com/Azure/bicep",
        ),
    ];
    for (base, relative, expected) in cases {
        assert_eq!(
            ok_str("uri", &[s(base), s(relative)]),
            expected,
            "{base} + {relative}"
        );
    }
    // A typical linked-template pattern with a SAS token in the query.
    assert_eq!(
        ok_str(
            "uri",
            &[
                s("https://acct.blob.core.windows.net/t/main.json?sv=1&sig=a%2Bb"),
                s("nested/x.json")
            ]
        ),
        "https://acct.blob.core.windows.net/t/nested/x.json"
    );
    assert_eq!(
        ok_str("uri", &[s("https://a.org/x/"), s("https://other.org/y")]),
        "https://other.org/y"
    );
}

#[test]
fn uri_errors() {
    assert!(invalid_msg("uri", &[s("nested/x.json"), s("y")]).contains("absolute"));
    invalid_msg("uri", &[s("https://a b.org/"), s("y")]);
    invalid_msg("uri", &[Value::Int(1), s("y")]);
    assert!(run("uri", &[s("https://a.org/")]).is_err());
}

#[test]
fn uri_component_round_trips() {
    // [docs] uri.json
    let encoded = "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json";
    assert_eq!(
        ok_str(
            "uriComponent",
            &[s("http://contoso.com/resources/nested/azuredeploy.json")]
        ),
        encoded
    );
    assert_eq!(
        ok_str("uriComponentToString", &[s(encoded)]),
        "http://contoso.com/resources/nested/azuredeploy.json"
    );
    // [bicep]
    assert_eq!(
        ok_str("uriComponent", &[s("UB*8h 0+=_)9h9n")]),
        "UB%2A8h%200%2B%3D_%299h9n"
    );
    assert_eq!(ok_str("uriComponentToString", &[s("%20%25%20")]), " % ");

    assert_eq!(ok_str("uriComponent", &[s("aZ09-._~")]), "aZ09-._~");
    assert_eq!(ok_str("uriComponent", &[s("ü 日")]), "%C3%BC%20%E6%97%A5");
    assert_eq!(ok_str("uriComponent", &[s("")]), "");
    assert_eq!(
        ok_str("uriComponentToString", &[s("%C3%BC%20%E6%97%A5")]),
        "ü 日"
    );
    invalid_msg("uriComponent", &[Value::Null]);
    invalid_msg("uriComponent", &[Value::Int(3)]);
}

#[test]
fn uri_component_to_string_is_url_decode() {
    assert_eq!(ok_str("uriComponentToString", &[s("a+b")]), "a b");
    assert_eq!(ok_str("uriComponentToString", &[s("100%")]), "100%");
    assert_eq!(ok_str("uriComponentToString", &[s("%zz%4")]), "%zz%4");
    assert_eq!(ok_str("uriComponentToString", &[s("%u00e9t%C3%A9")]), "été");
    assert_eq!(ok_str("uriComponentToString", &[s("%FF")]), "\u{fffd}");
    assert_eq!(ok_str("uriComponentToString", &[s("é%20ü")]), "é ü");
    assert_eq!(ok_str("uriComponentToString", &[Value::Null]), "");
}
