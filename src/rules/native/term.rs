//! The native checks' view of the term of a deterministic unknown value.
//!
//! The evaluator gives a value it cannot compute offline a term ([`arm::value::Term`]):
//! the call, parameter or context value it depends on. Two unknowns with the same
//! term are the same value, so native checks read terms to tell which resource a
//! name or id refers to (in `format('{0}/{1}',⟦parameters('registryName')⟧,'westus')`
//! the first segment is the registry whose name is `⟦parameters('registryName')⟧`) and
//! what shape a computed name has. [`of`] gives that view of the evaluator's
//! structure; only a context value, which the evaluator keeps as written
//! (`resourceGroup().location`), and the keys in a resource reference's name are
//! read from their text.
//!
//! [`arm::value::Term`]: crate::arm::value::Term

use crate::arm::value::{self, Step, Value};

/// One parsed term.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// `'text'` (with `''` unescaped).
    Str(String),
    /// An integer literal.
    Int(i64),
    /// `⟦inner⟧`: a nested unknown; `raw` is the whole text, brackets included, which
    /// is the identity key of that unknown (see `Value::term`).
    Nested { raw: String, inner: Box<Term> },
    /// `name(args)` with an optional accessor suffix (`.id`, `.outputs.x.value`, `[0]`).
    Call {
        name: String,
        args: Vec<Term>,
        suffix: String,
    },
    /// Anything else, as written.
    Other(String),
}

/// Nesting depth past which a term is kept as [`Term::Other`] (terms are bounded by the
/// evaluator's own caps; this keeps the parser's recursion bounded too).
const MAX_DEPTH: usize = 64;

/// The view of an unknown's term.
pub fn of(t: &value::Term) -> Term {
    of_depth(t, 0)
}

fn of_depth(t: &value::Term, depth: usize) -> Term {
    if depth > MAX_DEPTH {
        return Term::Other(t.to_string());
    }
    match t {
        value::Term::Parameter(name) => Term::Call {
            name: "parameters".into(),
            args: vec![Term::Str(name.to_string())],
            suffix: String::new(),
        },
        value::Term::Context(text) => parse_depth(text.trim(), depth),
        value::Term::Call(c) => Term::Call {
            name: c.name.to_string(),
            args: c.args.iter().map(|a| of_value(a, depth + 1)).collect(),
            suffix: String::new(),
        },
        value::Term::Access(a) => {
            let step = match &a.step {
                Step::Property(k) => format!(".{k}"),
                Step::Index(v) => format!("[{}]", v.term()),
            };
            match of_depth(&a.base, depth) {
                Term::Call { name, args, suffix } => Term::Call {
                    name,
                    args,
                    suffix: suffix + &step,
                },
                _ => Term::Other(t.to_string()),
            }
        }
        value::Term::Digest { name, hex } => Term::Call {
            name: name.to_string(),
            args: vec![Term::Other(format!("#{hex}"))],
            suffix: String::new(),
        },
    }
}

/// An argument of a call: a literal, a nested unknown, or other data as written.
fn of_value(v: &Value, depth: usize) -> Term {
    match v {
        Value::String(s) => Term::Str(s.to_string()),
        Value::Int(i) => Term::Int(*i),
        Value::Unknown(u) => Term::Nested {
            raw: v.term(),
            inner: Box::new(match &u.term {
                Some(t) => of_depth(t, depth + 1),
                None => Term::Other(format!("?{}", u.why)),
            }),
        },
        Value::Candidates(c) => Term::Nested {
            raw: v.term(),
            inner: Box::new(Term::Other(c.parameter.to_string())),
        },
        other => Term::Other(other.term()),
    }
}

/// Parse a term as written: a context value of the evaluator, or a `⟦…⟧` key in a
/// resource's name ([`crate::arm::value::ResourceRef`] names are text).
pub fn parse(text: &str) -> Term {
    parse_depth(text.trim(), 0)
}

fn parse_depth(text: &str, depth: usize) -> Term {
    if depth > MAX_DEPTH {
        return Term::Other(text.to_string());
    }
    if let Some(s) = quoted(text) {
        return Term::Str(s);
    }
    if let Ok(i) = text.parse::<i64>() {
        return Term::Int(i);
    }
    if let Some(inner) = text.strip_prefix('⟦').and_then(|t| t.strip_suffix('⟧')) {
        if balanced(inner) {
            return Term::Nested {
                raw: text.to_string(),
                inner: Box::new(parse_depth(inner.trim(), depth + 1)),
            };
        }
    }
    let Some(open) = text.find('(') else {
        return Term::Other(text.to_string());
    };
    let name = &text[..open];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Term::Other(text.to_string());
    }
    let Some(close) = matching_paren(text, open) else {
        return Term::Other(text.to_string());
    };
    let args = split_top_level(&text[open + 1..close], ',')
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| parse_depth(a.trim(), depth + 1))
        .collect();
    Term::Call {
        name: name.to_ascii_lowercase(),
        args,
        suffix: text[close + 1..].to_string(),
    }
}

/// `'it''s'` → `it's`; `None` when `text` is not exactly one quoted literal.
fn quoted(text: &str) -> Option<String> {
    let body = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Whether brackets and quotes in `text` balance (so `⟦a⟧,⟦b⟧` is not one nested term).
fn balanced(text: &str) -> bool {
    let mut depth = 0i64;
    let mut in_str = false;
    for c in text.chars() {
        match c {
            '\'' => in_str = !in_str,
            '⟦' | '(' | '[' if !in_str => depth += 1,
            '⟧' | ')' | ']' if !in_str => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0 && !in_str
}

/// Byte index of the `)` closing the `(` at `open`.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0i64;
    let mut in_str = false;
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '\'' => in_str = !in_str,
            '(' | '⟦' | '[' if !in_str => depth += 1,
            ')' | '⟧' | ']' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return (c == ')').then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Split at `sep` outside quotes, parentheses, brackets and `⟦⟧`.
pub fn split_top_level(text: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i64;
    let mut in_str = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '\'' => in_str = !in_str,
            '(' | '⟦' | '[' if !in_str => depth += 1,
            ')' | '⟧' | ']' if !in_str => depth -= 1,
            c if c == sep && !in_str && depth == 0 => {
                out.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

impl Term {
    /// The text this term contributes to a name or id: a literal's text, a nested
    /// unknown's identity key, an integer's digits. `None` for anything else.
    pub fn key(&self) -> Option<String> {
        match self {
            Term::Str(s) => Some(s.clone()),
            Term::Int(i) => Some(i.to_string()),
            Term::Nested { raw, .. } => Some(raw.clone()),
            _ => None,
        }
    }

    /// `format(...)` and `concat(...)` of keyed arguments rendered to one string in
    /// which unknown parts appear as their `⟦…⟧` keys; `None` for other terms.
    pub fn render(&self) -> Option<String> {
        let Term::Call { name, args, suffix } = self else {
            return None;
        };
        if !suffix.is_empty() {
            return None;
        }
        match name.as_str() {
            "concat" => args.iter().map(Term::key).collect(),
            "format" => {
                let (fmt, rest) = args.split_first()?;
                let Term::Str(fmt) = fmt else { return None };
                let keys: Option<Vec<String>> = rest.iter().map(Term::key).collect();
                render_format(fmt, &keys?)
            }
            _ => None,
        }
    }
}

/// A piece of a .NET composite format string.
pub(super) enum FormatPiece {
    Literal(char),
    /// `{n}` or `{n:spec}`: the argument index (`None` when it is not a number) and
    /// whether a format specifier follows it.
    Argument(Option<usize>, bool),
}

/// The pieces of a format string, with `{{`/`}}` escapes resolved.
pub(super) fn format_pieces(fmt: &str) -> Vec<FormatPiece> {
    let mut out = Vec::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(FormatPiece::Literal(c));
            }
            '{' => {
                let mut index = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    index.push(d);
                }
                let n = index
                    .split(':')
                    .next()
                    .and_then(|i| i.trim().parse::<usize>().ok());
                out.push(FormatPiece::Argument(n, index.contains(':')));
            }
            other => out.push(FormatPiece::Literal(other)),
        }
    }
    out
}

/// `format('{0}/{1}', a, b)`; `None` on a bad placeholder.
fn render_format(fmt: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    for piece in format_pieces(fmt) {
        match piece {
            FormatPiece::Literal(c) => out.push(c),
            // `{0:D2}`-style specifiers: only the index matters here.
            FormatPiece::Argument(n, _) => out.push_str(args.get(n?)?),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_calls_and_keys() {
        let t = parse("format('{0}/{1}',⟦parameters('registryName')⟧,'west''us')");
        let Term::Call { name, args, suffix } = &t else {
            panic!("not a call: {t:?}")
        };
        assert_eq!(name, "format");
        assert_eq!(suffix, "");
        assert_eq!(args.len(), 3);
        assert_eq!(
            args[1].key().as_deref(),
            Some("⟦parameters('registryName')⟧")
        );
        assert_eq!(args[2], Term::Str("west'us".into()));
        assert_eq!(
            t.render().as_deref(),
            Some("⟦parameters('registryName')⟧/west'us")
        );
    }

    #[test]
    fn nested_terms_keep_their_inner_structure() {
        let t = parse("⟦uniquestring(⟦resourceGroup().id⟧)⟧");
        let Term::Nested { inner, .. } = t else {
            panic!("not nested")
        };
        let Term::Call { name, args, .. } = *inner else {
            panic!("not a call")
        };
        assert_eq!(name, "uniquestring");
        assert!(matches!(&args[0], Term::Nested { inner, .. }
            if matches!(inner.as_ref(), Term::Call { name, suffix, .. } if name == "resourcegroup" && suffix == ".id")));
    }

    #[test]
    fn two_adjacent_nested_terms_are_not_one() {
        assert!(matches!(parse("⟦a⟧,⟦b⟧"), Term::Other(_)));
        assert_eq!(
            split_top_level("⟦a,b⟧,'c,d',f(g,h)", ','),
            vec!["⟦a,b⟧", "'c,d'", "f(g,h)"]
        );
    }

    #[test]
    fn concat_and_format_render() {
        assert_eq!(
            parse("concat('acr',⟦x⟧,'/',5)").render().as_deref(),
            Some("acr⟦x⟧/5")
        );
        assert_eq!(
            parse("format('{{literal}}-{0:D2}','a')")
                .render()
                .as_deref(),
            Some("{literal}-a")
        );
        // A placeholder without an argument, or an argument that is not a key.
        assert_eq!(parse("format('{1}','a')").render(), None);
        assert_eq!(parse("concat('a',toLower(⟦x⟧))").render(), None);
        assert_eq!(parse("format('{0}','a').id").render(), None);
    }

    /// The view of what the evaluator computes is the view of that computation
    /// written out and read back.
    #[test]
    fn the_view_of_a_structure_is_that_of_its_written_form() {
        let exp = crate::rules::native::testing::expand(
            r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
              "contentVersion": "1.0.0.0",
              "parameters": {"r": {"type": "string"}, "sku": {"type": "string", "allowedValues": ["Basic", "Premium"]}},
              "resources": [],
              "outputs": {
                "a": {"type": "string", "value": "[format('{0}/{1}', parameters('r'), 'west''us')]"},
                "b": {"type": "string", "value": "[concat('cr', uniqueString(resourceGroup().id), 5)]"},
                "c": {"type": "string", "value": "[reference(resourceId('Microsoft.ContainerRegistry/registries', parameters('r')), '2023-07-01').loginServer]"},
                "d": {"type": "string", "value": "[toLower(format('{0}{1}', parameters('sku'), resourceGroup().location))]"},
                "e": {"type": "object", "value": "[union(createObject('a', parameters('r')), createObject('b', json('[1.5, true, null]')))]"},
                "f": {"type": "string", "value": "[listKeys(parameters('r'), '2023-07-01').keys[0].value]"}
              }}"#,
        );
        let mut seen = 0;
        for o in &exp.outputs {
            let Value::Unknown(u) = &o.value else {
                continue;
            };
            let Some(t) = &u.term else { continue };
            assert_eq!(of(t), parse(&t.to_string()), "{t}");
            seen += 1;
        }
        assert!(
            seen >= 5,
            "{seen} outputs with terms: {:?}",
            exp.outputs.len()
        );
    }

    #[test]
    fn malformed_terms_do_not_panic() {
        for t in [
            "(",
            "f(",
            "f('a)",
            "⟦",
            "⟧",
            "'",
            "f)(",
            "",
            "⟦a⟧⟧",
            "f(a))",
            "'a''",
        ] {
            let _ = parse(t).render();
        }
        let deep = "f(".repeat(200) + &")".repeat(200);
        assert!(matches!(parse(&deep), Term::Call { .. }));
    }
}
