//! ARM template functions: encodings (`base64*`, `dataUri*`, `uri*`).
//!
//! Semantics follow .NET, which ARM runs on: `Convert.FromBase64String` (whitespace
//! ignored, padding required), `Uri.EscapeDataString` (only `A-Za-z0-9-._~` kept),
//! `HttpUtility.UrlDecode` (`+` is a space, malformed escapes stay as they are) and
//! Newtonsoft.Json's lenient parser for `base64ToJson` (single quotes, comments).

mod uri;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::string::{text_arg, to_arm_string};
use super::{arg_str, capped_string, invalid, FnError, FnResult, FnSpec, Host};
use crate::arm::value::{Map, Str, Value};
use crate::source::limits::MAX_JSON_DEPTH;

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("base64", 1, Some(1), base64),
    FnSpec::new("base64ToString", 1, Some(1), base64_to_string),
    FnSpec::new("base64ToJson", 1, Some(1), base64_to_json),
    FnSpec::new("dataUri", 1, Some(1), data_uri),
    FnSpec::new("dataUriToString", 1, Some(1), data_uri_to_string),
    FnSpec::new("uri", 2, Some(2), uri),
    FnSpec::new("uriComponent", 1, Some(1), uri_component),
    FnSpec::new("uriComponentToString", 1, Some(1), uri_component_to_string),
];

/// `Uri.EscapeDataString`: everything but RFC 3986 unreserved characters is escaped.
const DATA_STRING: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Like `Convert.FromBase64String`: padding required, unused trailing bits tolerated.
const FROM_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

fn decode_base64(text: &str, func: &str) -> Result<Vec<u8>, FnError> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    FROM_BASE64
        .decode(compact.as_bytes())
        .map_err(|e| invalid(format!("{func}: the value is not valid base64 ({e})")))
}

fn base64(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = text_arg(args, 0, "base64")?;
    capped_string(STANDARD.encode(input.as_bytes()), "base64")
}

fn base64_to_string(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let bytes = decode_base64(arg_str(args, 0, "base64ToString")?, "base64ToString")?;
    capped_string(
        String::from_utf8_lossy(&bytes).into_owned(),
        "base64ToString",
    )
}

fn base64_to_json(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let bytes = decode_base64(arg_str(args, 0, "base64ToJson")?, "base64ToJson")?;
    parse_lenient_json(&String::from_utf8_lossy(&bytes), "base64ToJson")
}

/// Deepest `[`/`{` nesting outside strings, to refuse hostile input before parsing it.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Parse JSON the way Newtonsoft's `JToken.Parse` accepts it: single-quoted strings,
/// unquoted property names, comments and trailing commas are fine.
fn parse_lenient_json(text: &str, func: &str) -> FnResult {
    if nesting_depth(text) > MAX_JSON_DEPTH {
        return Err(invalid(format!(
            "{func}: JSON nested deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: true,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: true,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options)
        .map_err(|e| invalid(format!("{func}: the value is not valid JSON ({e})")))?;
    match parsed.value {
        Some(value) => Ok(from_ast(&value)),
        None => Err(invalid(format!("{func}: the value is empty, not JSON"))),
    }
}

fn from_ast(value: &ast::Value) -> Value {
    match value {
        ast::Value::StringLit(s) => Value::str(&s.value),
        ast::Value::NumberLit(n) => super::json_number(n.value, "base64ToJson"),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => Value::Null,
        ast::Value::Array(items) => Value::array(items.elements.iter().map(from_ast).collect()),
        ast::Value::Object(object) => {
            let mut map = Map::new();
            for prop in &object.properties {
                map.insert(Str::from(prop.name.as_str()), from_ast(&prop.value));
            }
            Value::object(map)
        }
    }
}

fn data_uri(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let value = args
        .first()
        .ok_or_else(|| invalid("dataUri: missing argument 1"))?;
    let (content_type, data) = match value {
        Value::String(s) => ("text/plain;charset=utf8", s.to_string()),
        Value::Null => return Err(invalid("dataUri: cannot convert null to a data URI")),
        other => (
            "application/json;charset=utf8",
            to_arm_string(other, "dataUri")?,
        ),
    };
    capped_string(
        format!(
            "data:{content_type};base64,{}",
            STANDARD.encode(data.as_bytes())
        ),
        "dataUri",
    )
}

fn data_uri_to_string(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    const FUNC: &str = "dataUriToString";
    let input = arg_str(args, 0, FUNC)?;
    let malformed = || invalid(format!("{FUNC}: '{input}' is not a valid data URI"));
    let has_prefix = input
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("data:"));
    if !has_prefix {
        return Err(malformed());
    }
    let (metadata, data) = input[5..].split_once(',').ok_or_else(malformed)?;
    let tokens: Vec<&str> = if metadata.is_empty() {
        Vec::new()
    } else {
        metadata.split(';').collect()
    };
    let is_base64 = tokens
        .last()
        .is_some_and(|t| t.eq_ignore_ascii_case("base64"));
    // `data:;base64,…` is fine; an empty media type with anything else is not.
    if tokens.first().is_some_and(|t| t.is_empty()) && !(tokens.len() == 2 && is_base64) {
        return Err(malformed());
    }
    if tokens.iter().skip(1).any(|t| t.trim().is_empty()) {
        return Err(malformed());
    }
    if let Some(charset) = tokens
        .get(1)
        .and_then(|t| strip_prefix_ignore_case(t, "charset="))
    {
        if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("utf8") {
            return Err(invalid(format!("{FUNC}: unsupported charset '{charset}'")));
        }
    }
    let bytes = if is_base64 {
        decode_base64(data, FUNC)?
    } else {
        url_decode_to_bytes(data)
    };
    capped_string(String::from_utf8_lossy(&bytes).into_owned(), FUNC)
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn uri(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let base = text_arg(args, 0, "uri")?;
    let relative = text_arg(args, 1, "uri")?;
    let combined = uri::combine(base, relative).map_err(|why| invalid(format!("uri: {why}")))?;
    capped_string(combined, "uri")
}

fn uri_component(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = arg_str(args, 0, "uriComponent")?;
    capped_string(
        utf8_percent_encode(input, DATA_STRING).to_string(),
        "uriComponent",
    )
}

fn uri_component_to_string(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let input = text_arg(args, 0, "uriComponentToString")?;
    capped_string(url_decode(input), "uriComponentToString")
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// `HttpUtility.UrlDecodeToBytes`: `+` is a space, `%XX` a byte, anything else as is.
fn url_decode_to_bytes(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let pair = (
                    bytes.get(i + 1).copied().and_then(hex_value),
                    bytes.get(i + 2).copied().and_then(hex_value),
                );
                match pair {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

/// `HttpUtility.UrlDecode(s, UTF8)`: like [`url_decode_to_bytes`], plus `%uXXXX`, with
/// decoded bytes read as UTF-8 (invalid sequences become U+FFFD).
fn url_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut pending: Vec<u8> = Vec::new();
    let flush = |pending: &mut Vec<u8>, out: &mut String| {
        if !pending.is_empty() {
            out.push_str(&String::from_utf8_lossy(pending));
            pending.clear();
        }
    };
    let hex4 = |at: usize| -> Option<u32> {
        let digits = bytes.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &b| {
            hex_value(b).map(|d| acc * 16 + u32::from(d))
        })
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && bytes.get(i + 1) == Some(&b'u') {
            if let Some(code) = hex4(i + 2) {
                flush(&mut pending, &mut out);
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 6;
                continue;
            }
        }
        if b == b'%' {
            let pair = (
                bytes.get(i + 1).copied().and_then(hex_value),
                bytes.get(i + 2).copied().and_then(hex_value),
            );
            if let (Some(h), Some(l)) = pair {
                pending.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        if b == b'+' {
            pending.push(b' ');
        } else {
            pending.push(b);
        }
        i += 1;
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests;
