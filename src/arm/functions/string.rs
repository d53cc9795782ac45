//! ARM template functions: string.
//!
//! ARM evaluates templates with .NET: lengths and indexes count UTF-16 code units, case
//! mapping is the invariant culture's (one character at a time), `startsWith`/`endsWith`
//! ignore case, and `string()` renders booleans as `True`/`False`. Like ARM's own
//! engine, a `null` where text is expected reads as the empty string.

use super::number::double_to_string;
use super::{
    arg_int, arg_str, capped_array, capped_string, invalid, known, string_limit, FnError, FnResult,
    FnSpec, Host,
};
use crate::arm::limits;
use crate::arm::value::Value;

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("replace", 3, Some(3), replace),
    FnSpec::new("split", 2, Some(2), split),
    FnSpec::new("substring", 2, Some(3), substring),
    FnSpec::new("toLower", 1, Some(1), to_lower),
    FnSpec::new("toUpper", 1, Some(1), to_upper),
    FnSpec::new("trim", 1, Some(1), trim),
    FnSpec::new("padLeft", 2, Some(3), pad_left),
    FnSpec::new("startsWith", 2, Some(2), starts_with),
    FnSpec::new("endsWith", 2, Some(2), ends_with),
    FnSpec::new("string", 1, Some(1), string),
];

/// A text argument: a string, or `null` read as the empty string.
pub(super) fn text_arg<'v>(args: &'v [Value], i: usize, func: &str) -> Result<&'v str, FnError> {
    match args.get(i) {
        Some(Value::Null) => Ok(""),
        _ => arg_str(args, i, func),
    }
}

/// Number of UTF-16 code units (what .NET calls the length of a string).
pub(super) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// .NET's invariant `ToLower` of one character (no context, never changes length).
fn lower_invariant(c: char) -> char {
    let mut mapped = c.to_lowercase();
    match (mapped.next(), mapped.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn upper_invariant(c: char) -> char {
    let mut mapped = c.to_uppercase();
    match (mapped.next(), mapped.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn replace(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = text_arg(args, 0, "replace")?;
    let old = text_arg(args, 1, "replace")?;
    let new = text_arg(args, 2, "replace")?;
    if old.is_empty() {
        return Err(invalid(
            "replace: the string to replace (argument 2) must not be empty",
        ));
    }
    // Refuse before building: a long input with many matches and a long replacement
    // would otherwise allocate far past the cap first.
    if new.len() > old.len() {
        let matches = input.matches(old).count();
        let grown = matches.saturating_mul(new.len() - old.len());
        let len = input.len().saturating_add(grown);
        if len > limits::string_bytes() {
            return Err(string_limit("replace", len));
        }
    }
    capped_string(input.replace(old, new), "replace")
}

fn split(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = match args.first() {
        Some(Value::Null) => return Ok(Value::array(Vec::new())),
        _ => arg_str(args, 0, "split")?,
    };
    let delimiters: Vec<&str> = match args.get(1) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match known(item)? {
                Value::String(d) => Ok(&**d),
                Value::Null => Ok(""),
                other => Err(invalid(format!(
                    "split: delimiters must be strings, got {}",
                    other.type_name()
                ))),
            })
            .collect::<Result<_, _>>()?,
        Some(Value::Null) => Vec::new(),
        Some(Value::String(d)) => vec![&**d],
        _ => {
            return Err(match arg_str(args, 1, "split") {
                Err(FnError::Unknown(u)) => FnError::Unknown(u),
                _ => invalid("split: the delimiter must be a string or an array of strings"),
            })
        }
    };
    let parts = split_on_any(input, &delimiters);
    capped_array(parts.into_iter().map(Value::str).collect(), "split")
}

/// .NET `String.Split(string[], None)`: at each position the first delimiter (in the
/// given order) that matches wins; empty delimiters are ignored.
fn split_on_any<'s>(input: &'s str, delimiters: &[&str]) -> Vec<&'s str> {
    let delimiters: Vec<&str> = delimiters
        .iter()
        .copied()
        .filter(|d| !d.is_empty())
        .collect();
    if delimiters.is_empty() {
        return vec![input];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        if let Some(d) = delimiters.iter().find(|d| rest.starts_with(**d)) {
            parts.push(&input[start..pos]);
            pos += d.len();
            start = pos;
        } else {
            pos += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    parts.push(&input[start..]);
    parts
}

fn substring(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = text_arg(args, 0, "substring")?;
    let start = arg_int(args, 1, "substring")?;
    let units: Vec<u16> = input.encode_utf16().collect();
    let total = units.len() as i64;
    if start < 0 || start > total {
        return Err(invalid(format!(
            "substring: the start index must be within the string. The index parameter: \
             '{start}', the length of the string parameter: '{total}'."
        )));
    }
    let length = match args.get(2) {
        Some(_) => arg_int(args, 2, "substring")?,
        None => total - start,
    };
    if length < 0 || length > total - start {
        return Err(invalid(format!(
            "substring: the index and length parameters must refer to a location within the \
             string. The index parameter: '{start}', the length parameter: '{length}', the \
             length of the string parameter: '{total}'."
        )));
    }
    let slice = &units[start as usize..(start + length) as usize];
    // Cutting a surrogate pair leaves half a character; .NET keeps it, we show U+FFFD.
    capped_string(String::from_utf16_lossy(slice), "substring")
}

fn to_lower(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = text_arg(args, 0, "toLower")?;
    capped_string(input.chars().map(lower_invariant).collect(), "toLower")
}

fn to_upper(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = text_arg(args, 0, "toUpper")?;
    capped_string(input.chars().map(upper_invariant).collect(), "toUpper")
}

fn trim(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    // Rust's `trim` and .NET's `Trim()` both strip Unicode White_Space characters.
    capped_string(text_arg(args, 0, "trim")?.trim().to_string(), "trim")
}

fn pad_left(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let value = match args.first() {
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.to_string(),
        Some(other) => {
            return Err(match known(other) {
                Err(e) => e,
                Ok(v) => invalid(format!(
                    "padLeft: the value to pad must be a string or an integer, got {}",
                    v.type_name()
                )),
            })
        }
        None => return Err(invalid("padLeft: missing argument 1")),
    };
    let total = arg_int(args, 1, "padLeft")?;
    if total < 0 {
        return Err(invalid(format!(
            "padLeft: the total length must not be negative, got {total}"
        )));
    }
    let pad = match args.get(2) {
        None | Some(Value::Null) => ' ',
        Some(_) => {
            let text = arg_str(args, 2, "padLeft")?;
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.len_utf16() == 1 => c,
                _ => {
                    return Err(invalid(format!(
                        "padLeft: the padding character must be a single character, got '{text}'"
                    )))
                }
            }
        }
    };
    let current = utf16_len(&value) as i64;
    if current >= total {
        return Ok(Value::string(value));
    }
    let missing = (total - current) as usize;
    let len = missing.saturating_mul(pad.len_utf8());
    if len > limits::string_bytes() {
        return Err(string_limit("padLeft", len));
    }
    let mut out = String::with_capacity(missing * pad.len_utf8() + value.len());
    out.extend(std::iter::repeat_n(pad, missing));
    out.push_str(&value);
    capped_string(out, "padLeft")
}

/// Ordinal, case-insensitive comparison (each character upper-cased, like .NET's
/// `OrdinalIgnoreCase`).
fn folded(s: &str) -> Vec<char> {
    s.chars().map(upper_invariant).collect()
}

fn starts_with(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let haystack = text_arg(args, 0, "startsWith")?;
    let needle = text_arg(args, 1, "startsWith")?;
    Ok(Value::Bool(folded(haystack).starts_with(&folded(needle))))
}

fn ends_with(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let haystack = text_arg(args, 0, "endsWith")?;
    let needle = text_arg(args, 1, "endsWith")?;
    Ok(Value::Bool(folded(haystack).ends_with(&folded(needle))))
}

fn string(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let value = args
        .first()
        .ok_or_else(|| invalid("string: missing argument 1"))?;
    capped_string(to_arm_string(value, "string")?, "string")
}

/// ARM's conversion of a value to text: strings as they are, `True`/`False`, `null` as
/// the empty string, numbers like .NET, objects and arrays as compact JSON.
pub(super) fn to_arm_string(value: &Value, func: &str) -> Result<String, FnError> {
    match known(value)? {
        Value::String(s) => Ok(s.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(double_to_string(*f)),
        Value::Bool(true) => Ok("True".into()),
        Value::Bool(false) => Ok("False".into()),
        Value::Null => Ok(String::new()),
        v @ (Value::Array(_) | Value::Object(_)) => compact_json(v, func),
        other => Err(invalid(format!(
            "{func}: cannot convert a {} to a string",
            other.type_name()
        ))),
    }
}

/// Compact JSON as Newtonsoft.Json writes it (ARM's serializer): no spaces, floats with a
/// decimal point, `\u0085`, `\u2028` and `\u2029` escaped.
pub(super) fn compact_json(value: &Value, func: &str) -> Result<String, FnError> {
    let mut out = String::new();
    write_json(value, func, &mut out)?;
    if out.len() > limits::string_bytes() {
        return Err(string_limit(func, out.len()));
    }
    Ok(out)
}

fn write_json(value: &Value, func: &str, out: &mut String) -> Result<(), FnError> {
    match known(value)? {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_finite() => {
            let text = double_to_string(*f);
            out.push_str(&text);
            if !text.contains(['.', 'E']) {
                out.push_str(".0");
            }
        }
        Value::Float(f) => write_json_string(&double_to_string(*f), out),
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, func, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, func, out)?;
            }
            out.push('}');
        }
        other => {
            return Err(invalid(format!(
                "{func}: a {} cannot be converted to JSON",
                other.type_name()
            )))
        }
    }
    if out.len() > limits::string_bytes() {
        return Err(string_limit(func, out.len()));
    }
    Ok(())
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests;
