//! Escaping for generated files. Every user-supplied string reaches a generated
//! template through one of these functions (as Tera filters), so a value such as
//! `x", "adminUserEnabled": true` or `'${x}'` comes out as the literal string it is.
//!
//! As a second line of defence the renderer's autoescape function refuses any
//! interpolated value that did not go through a filter and is not inert text
//! (see [`strict_escape`]): forgetting a filter is a render error, never an injection.

use std::fmt::Write as _;

/// A JSON string literal, quotes included, for a template string ARM must read as a
/// literal (values and property names alike: ARM evaluates both): JSON escapes
/// (quotes, backslashes, control characters), and a leading `[` doubled when the
/// value also ends with `]`, since ARM would otherwise evaluate `[...]` as an
/// expression.
pub fn arm_string(value: &str) -> String {
    if value.len() >= 2 && value.starts_with('[') && value.ends_with(']') {
        json_string(&format!("[{value}"))
    } else {
        json_string(value)
    }
}

/// A JSON string literal, quotes included (JSON escapes only): for values ARM does not
/// evaluate, such as those of a deployment parameters file.
pub fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Control characters, and the line/paragraph separators some JSON
            // consumers treat as line breaks.
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Bicep string literal, quotes included: `\\`, `\'`, `\${` and escapes for
/// newlines, tabs and every other control character (`\u{…}`).
pub fn bicep_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A Bicep object key: the bare name when it is an identifier, else a string.
pub fn bicep_key(key: &str) -> String {
    let mut chars = key.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        key.to_string()
    } else {
        bicep_string(key)
    }
}

/// Text the autoescape function lets through unfiltered: identifiers, numbers,
/// booleans, region names (alphanumerics, `-`, `.`, `_`). Anything else must be
/// passed through a filter.
pub fn is_inert(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// The autoescape function of the generator's Tera instance: inert text passes, any
/// other value that reaches the output without a filter is an error.
pub fn strict_escape(input: &str, output: &mut dyn std::io::Write) -> std::io::Result<()> {
    if is_inert(input) {
        output.write_all(input.as_bytes())
    } else {
        Err(std::io::Error::other(format!(
            "template bug: value {input:?} was interpolated without an escaping filter"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_quotes_backslashes_and_controls() {
        assert_eq!(json_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json_string("l1\nl2\r\t\u{1}"), r#""l1\nl2\r\t\u0001""#);
        assert_eq!(json_string("é ☃ 𝄞"), "\"é ☃ 𝄞\"");
        assert_eq!(json_string("\u{2028}"), r#""\u2028""#);
    }

    #[test]
    fn arm_doubles_the_bracket_of_expression_lookalikes_only() {
        assert_eq!(arm_string("[parameters('x')]"), r#""[[parameters('x')]""#);
        assert_eq!(arm_string("[]"), r#""[[]""#);
        assert_eq!(arm_string("[x"), r#""[x""#);
        assert_eq!(arm_string("x]"), r#""x]""#);
        assert_eq!(arm_string("["), r#""[""#);
    }

    #[test]
    fn bicep_escapes_quotes_interpolation_and_controls() {
        assert_eq!(bicep_string("it's"), r"'it\'s'");
        assert_eq!(bicep_string("${x}"), r"'\${x}'");
        assert_eq!(bicep_string("$x {y}"), "'$x {y}'");
        assert_eq!(bicep_string("a\\b\n"), r"'a\\b\n'");
        assert_eq!(bicep_string("\u{0}\u{1b}"), r"'\u{0}\u{1b}'");
    }

    #[test]
    fn bicep_keys_are_bare_only_when_identifiers() {
        assert_eq!(bicep_key("env"), "env");
        assert_eq!(bicep_key("_a1"), "_a1");
        assert_eq!(bicep_key("cost-center"), "'cost-center'");
        assert_eq!(bicep_key("1x"), "'1x'");
        assert_eq!(bicep_key(""), "''");
    }

    #[test]
    fn strict_escape_rejects_anything_but_inert_text() {
        let mut out = Vec::new();
        assert!(strict_escape("westeurope", &mut out).is_ok());
        assert!(strict_escape("7", &mut out).is_ok());
        assert_eq!(out, b"westeurope7");
        assert!(strict_escape("a\"b", &mut Vec::new()).is_err());
        assert!(strict_escape("a b", &mut Vec::new()).is_err());
        assert!(strict_escape("'", &mut Vec::new()).is_err());
    }
}
