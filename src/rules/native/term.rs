//! The native checks' view of the term of a deterministic unknown value.
//!
//! The evaluator gives a value it cannot compute offline a term ([`arm::value::Term`]):
//! the call, parameter or context value it depends on. Two unknowns with the same
//! term are the same value, so native checks read terms to tell which resource a
//! name or id refers to ([`render`]: in `format('{0}/{1}', parameters('registryName'),
//! 'westus')` the first segment is the registry whose name is
//! `parameters('registryName')`) and what shape a computed name has ([`of`]). Both
//! read the evaluator's structure; no term is read back from text.
//!
//! [`arm::value::Term`]: crate::arm::value::Term

use crate::arm::value::{self, Piece, Step, Str, Value};

/// One term, as the native checks match on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A nested unknown.
    Nested(Box<Term>),
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
/// evaluator's own caps; this keeps the recursion bounded too).
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
        value::Term::Context(c) => Term::Call {
            name: c.name().to_ascii_lowercase(),
            args: Vec::new(),
            suffix: String::new(),
        },
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
            match of_depth(&a.base, depth + 1) {
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
        Value::Unknown(u) => Term::Nested(Box::new(match &u.term {
            Some(t) => of_depth(t, depth + 1),
            None => Term::Other(format!("?{}", u.why)),
        })),
        Value::Candidates(c) => Term::Nested(Box::new(Term::Other(c.parameter.to_string()))),
        other => Term::Other(other.term()),
    }
}

/// Every string literal of a term, in the order the term is written (literals of
/// nested unknowns included, and those in arrays and objects it holds).
pub fn literals(t: &value::Term, visit: &mut dyn FnMut(&str)) {
    literals_depth(t, visit, 0)
}

fn literals_depth(t: &value::Term, visit: &mut dyn FnMut(&str), depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match t {
        value::Term::Call(c) => {
            for a in &c.args {
                value_literals(a, visit, depth + 1);
            }
        }
        value::Term::Access(a) => {
            literals_depth(&a.base, visit, depth + 1);
            if let Step::Index(v) = &a.step {
                value_literals(v, visit, depth + 1);
            }
        }
        value::Term::Parameter(_) | value::Term::Context(_) | value::Term::Digest { .. } => {}
    }
}

fn value_literals(v: &Value, visit: &mut dyn FnMut(&str), depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::String(s) => visit(s),
        Value::Unknown(u) => {
            if let Some(t) = &u.term {
                literals_depth(t, visit, depth + 1);
            }
        }
        Value::Array(items) => {
            for x in items.iter() {
                value_literals(x, visit, depth + 1);
            }
        }
        Value::Object(map) => {
            for x in map.values() {
                value_literals(x, visit, depth + 1);
            }
        }
        _ => {}
    }
}

/// The piece an argument contributes to a name or id: a literal's text, an integer's
/// digits, or a nested unknown. `None` for anything else.
fn piece(v: &Value) -> Option<Piece> {
    match v {
        Value::String(s) => Some(Piece::Text(s.clone())),
        Value::Int(i) => Some(Piece::Text(Str::from(i.to_string()))),
        Value::Unknown(_) | Value::Candidates(_) => Some(Piece::Unknown(v.clone())),
        _ => None,
    }
}

/// `format(...)` and `concat(...)` of such arguments rendered as the pieces of one
/// string: literal text and the unknowns it is made of. `None` for other terms.
pub fn render(t: &value::Term) -> Option<Vec<Piece>> {
    let value::Term::Call(c) = t else {
        return None;
    };
    match &*c.name {
        "concat" => c.args.iter().map(piece).collect(),
        "format" => {
            let (fmt, rest) = c.args.split_first()?;
            let fmt = fmt.as_str()?;
            let args: Vec<Piece> = rest.iter().map(piece).collect::<Option<_>>()?;
            let mut out = Vec::new();
            let mut text = String::new();
            for p in format_pieces(fmt) {
                match p {
                    FormatPiece::Literal(ch) => text.push(ch),
                    // `{0:D2}`-style specifiers: only the index matters here.
                    FormatPiece::Argument(n, _) => {
                        let arg = args.get(n?)?.clone();
                        if !text.is_empty() {
                            out.push(Piece::Text(Str::from(std::mem::take(&mut text))));
                        }
                        out.push(arg);
                    }
                }
            }
            if !text.is_empty() {
                out.push(Piece::Text(Str::from(text)));
            }
            Some(out)
        }
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::value::{split_name, Context, Segment};

    fn param(name: &str) -> Value {
        Value::unknown_term("x", value::Term::Parameter(name.into()))
    }

    fn call(name: &str, args: &[Value]) -> value::Term {
        value::Term::call(name, args)
    }

    fn written(pieces: &[Piece]) -> String {
        let mut seg = Segment::default();
        for p in pieces {
            seg.push(p.clone());
        }
        seg.to_string()
    }

    #[test]
    fn concat_and_format_render_to_text_and_unknowns() {
        let x = param("x");
        let t = call(
            "concat",
            &[Value::str("acr"), x.clone(), Value::str("/"), Value::Int(5)],
        );
        assert_eq!(written(&render(&t).unwrap()), "acr⟦parameters('x')⟧/5");
        let t = call(
            "format",
            &[Value::str("{{literal}}-{0:D2}"), Value::str("a")],
        );
        assert_eq!(written(&render(&t).unwrap()), "{literal}-a");
        // A placeholder without an argument, or an argument that is not a piece.
        assert!(render(&call("format", &[Value::str("{1}"), Value::str("a")])).is_none());
        assert!(render(&call("concat", &[Value::str("a"), Value::Bool(true)])).is_none());
        let id = call("format", &[Value::str("{0}"), Value::str("a")])
            .access(Step::Property("id".into()));
        assert!(render(&id).is_none());
        assert!(render(&value::Term::Parameter("p".into())).is_none());
    }

    /// Literal text that looks like a term, or holds the characters a written term
    /// is made of, stays literal text: a name is split only at a literal `/`, and an
    /// unknown argument is never split, whatever its term holds.
    #[test]
    fn hostile_literals_stay_literal() {
        let hostile = "⟦parameters('x')⟧";
        let t = call(
            "format",
            &[Value::str("{0}/{1}"), Value::str(hostile), param("x")],
        );
        let segs = split_name(render(&t).unwrap());
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].as_text(), Some(hostile));
        assert!(segs[1].single().is_some());
        assert_ne!(segs[0], segs[1]);
        // Quotes and parentheses in a literal do not hide the `/` after them.
        let t = call(
            "concat",
            &[Value::str("a'(b"), Value::str("/c"), param("y")],
        );
        let segs = split_name(render(&t).unwrap());
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].as_text(), Some("a'(b"));
        // An unknown whose term holds `/` is one piece.
        let inner = Value::unknown_term("x", call("format", &[Value::str("a/{0}"), param("z")]));
        let t = call("concat", &[Value::str("p-"), inner]);
        assert_eq!(split_name(render(&t).unwrap()).len(), 1);
    }

    #[test]
    fn literals_are_visited_in_written_order() {
        let inner = Value::unknown_term("x", call("format", &[Value::str("b{0}"), param("p")]));
        let t = call("concat", &[Value::str("a"), inner, Value::Int(1)])
            .access(Step::Index(Value::str("c")));
        let mut seen = Vec::new();
        literals(&t, &mut |s| seen.push(s.to_string()));
        assert_eq!(seen, ["a", "b{0}", "c"]);
    }

    #[test]
    fn the_view_follows_the_structure() {
        let rg_id = Value::unknown_term("x", value::Term::context(Context::ResourceGroup, &["id"]));
        let u = Value::unknown_term("x", call("uniqueString", &[rg_id]));
        let Term::Call { name, args, suffix } = of(&call("format", &[Value::str("cr{0}"), u]))
        else {
            panic!("not a call")
        };
        assert_eq!((name.as_str(), suffix.as_str()), ("format", ""));
        let Term::Nested(inner) = &args[1] else {
            panic!("not nested: {args:?}")
        };
        let Term::Call { name, args, .. } = inner.as_ref() else {
            panic!("not a call")
        };
        assert_eq!(name, "uniquestring");
        assert!(matches!(&args[0], Term::Nested(inner)
            if matches!(inner.as_ref(), Term::Call { name, suffix, args } if name == "resourcegroup" && suffix == ".id" && args.is_empty())));
        let keys = call("listKeys", &[param("r"), Value::str("2023-07-01")])
            .access(Step::Property("keys".into()))
            .access(Step::Index(Value::Int(0)));
        assert!(
            matches!(of(&keys), Term::Call { name, suffix, .. } if name == "listkeys" && suffix == ".keys[0]")
        );
    }
}
