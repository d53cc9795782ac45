//! ARM template functions: `format`, which is .NET's composite formatting
//! (`String.Format`): `{index[,alignment][:formatString]}` items, `{{`/`}}` escapes.
//!
//! Arguments render the way `JValue` does in .NET: integers and floats honour numeric
//! format strings (see [`super::number`]); strings, booleans (`True`/`False`) and `null` (empty)
//! ignore them; arrays and objects become compact JSON with `"` turned into `'` (what
//! ARM's engine does before formatting).

use super::number::{format_number, Number};
use super::string::{compact_json, utf16_len};
use super::{
    arg_str, capped_string, invalid, known, string_limit, FnError, FnResult, FnSpec, Host,
};
use crate::arm::limits;
use crate::arm::value::Value;

pub const FUNCTIONS: &[FnSpec] = &[FnSpec::new("format", 1, None, format)];

/// .NET's limits on an item's index and alignment.
const ITEM_LIMIT: usize = 1_000_000;

/// A format argument, ready for its item.
enum Arg {
    /// Formatted ignoring the item's format string.
    Text(String),
    Number(Number),
}

fn prepare(value: &Value) -> Result<Arg, FnError> {
    Ok(match known(value)? {
        Value::String(s) => Arg::Text(s.to_string()),
        Value::Int(i) => Arg::Number(Number::Int(*i)),
        Value::Float(f) => Arg::Number(Number::Float(*f)),
        Value::Bool(b) => Arg::Text(if *b { "True" } else { "False" }.into()),
        Value::Null => Arg::Text(String::new()),
        v @ (Value::Array(_) | Value::Object(_)) => {
            Arg::Text(compact_json(v, "format")?.replace('"', "'"))
        }
        other => {
            return Err(invalid(format!(
                "format: a {} cannot be formatted",
                other.type_name()
            )))
        }
    })
}

fn format(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let pattern = arg_str(args, 0, "format")?;
    let values = args
        .get(1..)
        .unwrap_or_default()
        .iter()
        .map(prepare)
        .collect::<Result<Vec<_>, _>>()?;
    let out = compose(pattern, &values).map_err(|why| match why.as_str() {
        super::OVER_LIMIT => string_limit("format", limits::string_bytes() + 1),
        _ => invalid(format!("format: {why}")),
    })?;
    capped_string(out, "format")
}

const BAD_FORMAT: &str = "Input string was not in a correct format.";

/// Reads a decimal number of at most `ITEM_LIMIT`, like .NET's item parser.
fn parse_item_number(chars: &[char], pos: &mut usize) -> Result<usize, String> {
    if !chars.get(*pos).is_some_and(char::is_ascii_digit) {
        return Err(BAD_FORMAT.into());
    }
    let mut n = 0usize;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        n = n * 10 + d as usize;
        *pos += 1;
        if n >= ITEM_LIMIT {
            return Err(BAD_FORMAT.into());
        }
    }
    Ok(n)
}

fn skip_spaces(chars: &[char], pos: &mut usize) {
    while chars.get(*pos) == Some(&' ') {
        *pos += 1;
    }
}

/// .NET composite formatting of `pattern` with prepared arguments.
fn compose(pattern: &str, args: &[Arg]) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        match c {
            '}' if chars.get(pos) == Some(&'}') => {
                out.push('}');
                pos += 1;
            }
            '}' => return Err(BAD_FORMAT.into()),
            '{' if chars.get(pos) == Some(&'{') => {
                out.push('{');
                pos += 1;
            }
            '{' => {
                let item = format_item(&chars, &mut pos, args)?;
                out.push_str(&item);
                if out.len() > limits::string_bytes() {
                    return Err(super::OVER_LIMIT.into());
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// One `{…}` item; `pos` is just past the `{` and ends just past the `}`.
fn format_item(chars: &[char], pos: &mut usize, args: &[Arg]) -> Result<String, String> {
    let index = parse_item_number(chars, pos)?;
    skip_spaces(chars, pos);
    let mut width = 0usize;
    let mut left_align = false;
    if chars.get(*pos) == Some(&',') {
        *pos += 1;
        skip_spaces(chars, pos);
        if chars.get(*pos) == Some(&'-') {
            left_align = true;
            *pos += 1;
        }
        width = parse_item_number(chars, pos)?;
        skip_spaces(chars, pos);
    }
    let mut spec = String::new();
    if chars.get(*pos) == Some(&':') {
        *pos += 1;
        loop {
            match chars.get(*pos) {
                None | Some('{') => return Err(BAD_FORMAT.into()),
                Some('}') => break,
                Some(&c) => spec.push(c),
            }
            *pos += 1;
        }
    }
    if chars.get(*pos) != Some(&'}') {
        return Err(BAD_FORMAT.into());
    }
    *pos += 1;
    let arg = args.get(index).ok_or_else(|| {
        format!(
            "Index (zero based) must be greater than or equal to zero and less than the size \
             of the argument list (index {index}, {} argument(s)).",
            args.len()
        )
    })?;
    let text = match arg {
        Arg::Text(t) => t.clone(),
        Arg::Number(n) => format_number(*n, &spec)?,
    };
    let len = utf16_len(&text);
    if width <= len {
        return Ok(text);
    }
    let padding = " ".repeat(width - len);
    Ok(if left_align {
        text + &padding
    } else {
        padding + &text
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::functions::{call, NoHost};
    use crate::arm::value::{Map, Str};

    fn run(args: &[Value]) -> FnResult {
        call(&mut NoHost, "format", args)
    }

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    fn ok(args: &[Value]) -> String {
        match run(args) {
            Ok(Value::String(out)) => out.to_string(),
            other => panic!("format{args:?}: {other:?}"),
        }
    }

    fn bad(args: &[Value]) -> String {
        match run(args) {
            Err(FnError::Invalid(msg)) => {
                assert!(msg.starts_with("format: "), "{msg}");
                msg
            }
            other => panic!("format{args:?}: expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn documented_examples() {
        // learn.microsoft.com "String functions for ARM templates", format.json.
        let out = ok(&[
            s("{0}, {1}. Formatted number: {2:N0}"),
            s("Hello"),
            s("User"),
            Value::Int(8175133),
        ]);
        assert_eq!(out, "Hello, User. Formatted number: 8,175,133");
        // Azure/bicep baselines_bicepparam/Expressions: format('->{0}<-', 123).
        assert_eq!(ok(&[s("->{0}<-"), Value::Int(123)]), "->123<-");
    }

    #[test]
    fn placeholders_and_escapes() {
        assert_eq!(ok(&[s("no items")]), "no items");
        assert_eq!(ok(&[s("")]), "");
        assert_eq!(ok(&[s("{1}-{0}-{1}"), s("a"), s("b")]), "b-a-b");
        assert_eq!(ok(&[s("{{literal}} {0}"), s("x")]), "{literal} x");
        assert_eq!(ok(&[s("{{{0}}}"), Value::Int(7)]), "{7}");
        assert_eq!(ok(&[s("{0 }"), s("x")]), "x");
        assert_eq!(ok(&[s("{0}"), s("")]), "");
        assert_eq!(ok(&[s("日本{0}語"), s("ü")]), "日本ü語");
        // Unused arguments are fine.
        assert_eq!(ok(&[s("{0}"), s("a"), s("b")]), "a");
    }

    #[test]
    fn alignment() {
        assert_eq!(ok(&[s("[{0,5}]"), s("ab")]), "[   ab]");
        assert_eq!(ok(&[s("[{0,-5}]"), s("ab")]), "[ab   ]");
        assert_eq!(ok(&[s("[{0, 5}]"), Value::Int(42)]), "[   42]");
        assert_eq!(ok(&[s("[{0,2}]"), s("abcd")]), "[abcd]");
        assert_eq!(ok(&[s("[{0,6:N1}]"), Value::Int(1234)]), "[1,234.0]");
        assert_eq!(ok(&[s("[{0,8:N1}]"), Value::Int(1234)]), "[ 1,234.0]");
        assert_eq!(ok(&[s("[{0,-4}]"), Value::Bool(true)]), "[True]");
        assert_eq!(ok(&[s("[{0,3}]"), s("é")]), "[  é]");
    }

    #[test]
    fn numeric_specifiers() {
        assert_eq!(ok(&[s("{0:D5}"), Value::Int(42)]), "00042");
        assert_eq!(
            ok(&[s("{0:X}|{0:x}|{0:X8}"), Value::Int(255)]),
            "FF|ff|000000FF"
        );
        assert_eq!(ok(&[s("{0:N2}"), Value::Int(1234)]), "1,234.00");
        assert_eq!(ok(&[s("{0:F2}"), Value::Float(1.23456)]), "1.23");
        assert_eq!(ok(&[s("{0:P0}"), Value::Float(0.25)]), "25%");
        assert_eq!(ok(&[s("{0:E2}"), Value::Int(1234)]), "1.23E+003");
        assert_eq!(ok(&[s("{0:#,##0}"), Value::Int(1234567)]), "1,234,567");
        assert_eq!(ok(&[s("{0:000}"), Value::Int(7)]), "007");
        assert_eq!(ok(&[s("vm{0:00}"), Value::Int(3)]), "vm03");
        assert_eq!(ok(&[s("{0}"), Value::Float(1.5)]), "1.5");
        assert_eq!(ok(&[s("{0}"), Value::Int(-12)]), "-12");
    }

    #[test]
    fn non_numeric_arguments_ignore_specifiers() {
        assert_eq!(ok(&[s("{0:N2}"), s("text")]), "text");
        assert_eq!(
            ok(&[s("{0} {1}"), Value::Bool(true), Value::Bool(false)]),
            "True False"
        );
        assert_eq!(ok(&[s("[{0}]"), Value::Null]), "[]");
        let array = Value::array(vec![s("a"), Value::Int(1)]);
        assert_eq!(ok(&[s("{0}"), array]), "['a',1]");
        let mut map = Map::new();
        map.insert(Str::from("k"), s("v"));
        assert_eq!(ok(&[s("{0:D3}"), Value::object(map)]), "{'k':'v'}");
    }

    #[test]
    fn malformed_patterns_fail() {
        assert!(bad(&[s("{1}"), s("only one")]).contains("Index"));
        assert!(bad(&[s("{0}")]).contains("Index"));
        for pattern in [
            "{", "}", "a } b", "{x}", "{0", "{0,}", "{0:N2", "{-1}", "{0,a}", "{0:{}",
        ] {
            assert!(
                bad(&[s(pattern), s("x")]).contains("correct format"),
                "{pattern}"
            );
        }
        assert!(bad(&[s("{0:Q}"), Value::Int(1)]).contains("invalid"));
        assert!(bad(&[s("{0:D}"), Value::Float(1.5)]).contains("invalid"));
        assert!(bad(&[s("{1000000}"), s("x")]).contains("correct format"));
    }

    #[test]
    fn argument_types() {
        assert!(bad(&[Value::Int(1)]).contains("string"));
        let unknown = Value::array(vec![Value::unknown("reference()")]);
        assert!(matches!(
            run(&[s("{0}"), unknown]),
            Err(FnError::Unknown(_))
        ));
        assert!(run(&[]).is_err());
    }

    #[test]
    fn output_is_capped() {
        let pattern = "{0,999999}".repeat(5);
        match run(&[s(&pattern), s("x")]) {
            Err(FnError::Limit(m)) => assert!(m.contains("string-bytes"), "{m}"),
            other => panic!("expected a limit, got {other:?}"),
        }
    }
}
