//! Building ARM expression text and string nodes.

use crate::source::json::{Node, NodeKind, Span};

/// An ARM string literal: `'it''s'`.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// `name(arg, arg, ...)`.
pub(super) fn call(name: &str, args: &[String]) -> String {
    let mut out =
        String::with_capacity(name.len() + 2 + args.iter().map(|a| a.len() + 2).sum::<usize>());
    out.push_str(name);
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(a);
    }
    out.push(')');
    out
}

/// Whether `name` can follow a `.` in an ARM expression.
pub(super) fn is_arm_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80)
}

/// `target.name`, or `target['name']` when the name is not an identifier.
pub(super) fn property(target: &str, name: &str) -> String {
    if is_arm_identifier(name) {
        format!("{target}.{name}")
    } else {
        format!("{target}[{}]", quote(name))
    }
}

/// A string node holding an ARM expression: `"[text]"`.
pub(super) fn expression_node(text: &str, span: Span) -> Node {
    Node {
        kind: NodeKind::String(format!("[{text}]").into()),
        span,
    }
}

/// A string node holding a literal: escaped when ARM would read it as an expression.
pub(super) fn literal_string_node(value: &str, span: Span) -> Node {
    Node {
        kind: NodeKind::String(escape_literal(value).into()),
        span,
    }
}

/// ARM reads `[...]` as an expression; `[[...]` is the literal `[...]`.
pub(super) fn escape_literal(value: &str) -> String {
    if value.len() >= 2 && value.starts_with('[') && value.ends_with(']') {
        format!("[{value}")
    } else {
        value.to_string()
    }
}

/// The format string of an interpolated Bicep string: text with `{`/`}` doubled.
pub(super) fn escape_format(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

pub(super) fn node(kind: NodeKind, span: Span) -> Node {
    Node { kind, span }
}

pub(super) fn str_node(s: &str, span: Span) -> Node {
    Node {
        kind: NodeKind::String(s.into()),
        span,
    }
}

pub(super) fn member(key: &str, key_span: Span, value: Node) -> crate::source::json::Member {
    crate::source::json::Member::new(key.into(), key_span, value)
}

/// An object node.
pub(super) fn object(mut members: Vec<crate::source::json::Member>, span: Span) -> Node {
    crate::source::json::mark_case_twins(&mut members);
    Node {
        kind: NodeKind::Object(members),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_escapes() {
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(call("f", &["1".into(), "'a'".into()]), "f(1, 'a')");
        assert_eq!(property("x", "a-b"), "x['a-b']");
        assert_eq!(property("x", "ab_1"), "x.ab_1");
        assert_eq!(escape_literal("[abc]"), "[[abc]");
        assert_eq!(escape_literal("[abc"), "[abc");
        assert_eq!(escape_format("a{0}}"), "a{{0}}}}");
    }
}
