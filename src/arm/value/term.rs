//! What an unknown value is computed from, as a structure.
//!
//! The evaluator gives a value it cannot compute offline a [`Term`]: the parameter,
//! context value or call it depends on, with the arguments of that call as values
//! (unknown ones carry their own terms). Two unknowns with equal terms are the same
//! value. `Display` writes a term in ARM's syntax, with nested unknowns in `⟦…⟧` and
//! literals quoted (`format('{0}/{1}',⟦parameters('registryName')⟧,'westus')`): the
//! canonical text by which terms compare.

use std::fmt::{self, Write};
use std::sync::Arc;

use super::{Str, Value};

/// What an unknown value depends on.
#[derive(Clone, Debug)]
pub enum Term {
    /// `parameters('name')`: a parameter with no value, or a Key Vault reference.
    Parameter(Str),
    /// A value of the deployment's context, written as a template reads it
    /// (`resourceGroup().location`, `environment()`).
    Context(Str),
    /// `name(args…)`: a call answered only at deployment (`reference`, `listKeys`,
    /// `utcNow`), or a function applied to arguments some of which are unknown.
    Call(Arc<Call>),
    /// A property (`base.name`) or element (`base[index]`) of an unknown value.
    Access(Arc<Access>),
    /// A call whose written form is longer than [`MAX_TERM_BYTES`], by its function
    /// and the digest of that form: `name(#hex)`. Terms nest, so a chain of
    /// `concat(x, x)` doubles its written form at every step.
    Digest { name: Str, hex: Str },
}

/// `name(args…)`.
#[derive(Clone, Debug)]
pub struct Call {
    /// The function, in lower case.
    pub name: Str,
    pub args: Vec<Value>,
    /// Length of the written form (kept, so that nesting does not write it out).
    len: usize,
}

/// `base.name` or `base[index]`.
#[derive(Clone, Debug)]
pub struct Access {
    pub base: Term,
    pub step: Step,
}

#[derive(Clone, Debug)]
pub enum Step {
    /// `.name`.
    Property(Str),
    /// `[index]`.
    Index(Value),
}

/// Longest written form of a call kept as a structure (see [`Term::Digest`]).
const MAX_TERM_BYTES: usize = 16 * 1024;

impl Term {
    /// The term of `name(args…)`: a [`Term::Call`], or its digest when written out
    /// it would be longer than [`MAX_TERM_BYTES`].
    pub fn call(name: &str, args: &[Value]) -> Term {
        let name = Str::from(name.to_ascii_lowercase());
        let len = name.len()
            + 2
            + args.len().saturating_sub(1)
            + args.iter().map(term_len).sum::<usize>();
        let call = Term::Call(Arc::new(Call {
            name: name.clone(),
            args: args.to_vec(),
            len,
        }));
        if len <= MAX_TERM_BYTES {
            return call;
        }
        use sha1::{Digest, Sha1};
        let digest = Sha1::digest(call.to_string().as_bytes());
        let mut hex = String::with_capacity(40);
        for b in digest {
            let _ = write!(hex, "{b:02x}");
        }
        Term::Digest {
            name,
            hex: Str::from(hex),
        }
    }

    /// `self.name` or `self[index]`.
    pub fn access(&self, step: Step) -> Term {
        Term::Access(Arc::new(Access {
            base: self.clone(),
            step,
        }))
    }

    /// Length of the written form, in bytes.
    pub fn len(&self) -> usize {
        match self {
            Term::Parameter(n) => "parameters('')".len() + n.len(),
            Term::Context(s) => s.len(),
            Term::Call(c) => c.len,
            Term::Access(a) => {
                a.base.len()
                    + match &a.step {
                        Step::Property(k) => 1 + k.len(),
                        Step::Index(v) => 2 + term_len(v),
                    }
            }
            Term::Digest { name, hex } => name.len() + 3 + hex.len(),
        }
    }
}

/// Length of `v.term()`, written out only for known values that are not strings.
fn term_len(v: &Value) -> usize {
    const BRACKETS: usize = '⟦'.len_utf8() + '⟧'.len_utf8();
    match v {
        Value::Unknown(u) => {
            BRACKETS
                + match &u.term {
                    Some(t) => t.len(),
                    None => 1 + u.why.len(),
                }
        }
        Value::Candidates(c) => BRACKETS + c.parameter.len(),
        Value::String(s) => 2 + s.len() + s.matches('\'').count(),
        Value::Lambda(_) => "lambda".len(),
        other => other.to_json().to_string().len(),
    }
}

/// Write `v` as an argument of a term (see [`Value::term`]).
pub(super) fn write_value(v: &Value, f: &mut impl Write) -> fmt::Result {
    match v {
        Value::Unknown(u) => match &u.term {
            Some(t) => write!(f, "⟦{t}⟧"),
            None => write!(f, "⟦?{}⟧", u.why),
        },
        Value::Candidates(c) => write!(f, "⟦{}⟧", c.parameter),
        Value::String(s) => {
            f.write_char('\'')?;
            for part in s.split_inclusive('\'') {
                f.write_str(part)?;
                if part.ends_with('\'') {
                    f.write_char('\'')?;
                }
            }
            f.write_char('\'')
        }
        Value::Lambda(_) => f.write_str("lambda"),
        other => write!(f, "{}", other.to_json()),
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Parameter(n) => write!(f, "parameters('{n}')"),
            Term::Context(s) => f.write_str(s),
            Term::Call(c) => {
                f.write_str(&c.name)?;
                f.write_char('(')?;
                for (i, a) in c.args.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_value(a, f)?;
                }
                f.write_char(')')
            }
            Term::Access(a) => {
                write!(f, "{}", a.base)?;
                match &a.step {
                    Step::Property(k) => write!(f, ".{k}"),
                    Step::Index(v) => {
                        f.write_char('[')?;
                        write_value(v, f)?;
                        f.write_char(']')
                    }
                }
            }
            Term::Digest { name, hex } => write!(f, "{name}(#{hex})"),
        }
    }
}

/// Terms are equal when they are written the same way.
impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        match (self, other) {
            (Term::Call(a), Term::Call(b)) if Arc::ptr_eq(a, b) => true,
            (Term::Parameter(a), Term::Parameter(b)) | (Term::Context(a), Term::Context(b)) => {
                a == b
            }
            _ => self.len() == other.len() && self.to_string() == other.to_string(),
        }
    }
}

/// A term given as its written form (a context value: `resourceGroup().location`).
impl From<&str> for Term {
    fn from(s: &str) -> Term {
        Term::Context(Str::from(s))
    }
}

impl From<String> for Term {
    fn from(s: String) -> Term {
        Term::Context(Str::from(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(t: Term) -> Value {
        Value::unknown_term("x", t)
    }

    #[test]
    fn terms_are_written_in_arm_syntax_and_compare_by_it() {
        let p = unknown(Term::Parameter("registryName".into()));
        let t = Term::call("Format", &[Value::str("{0}/{1}"), p, Value::str("west'us")]);
        let written = "format('{0}/{1}',⟦parameters('registryName')⟧,'west''us')";
        assert_eq!(t.to_string(), written);
        assert_eq!(t.len(), written.len());
        let id = t.access(Step::Property("id".into()));
        assert_eq!(id.to_string(), format!("{written}.id"));
        assert_eq!(id.len(), written.len() + 3);
        let first = Term::from("resourceGroup().tags").access(Step::Index(Value::Int(0)));
        assert_eq!(first.to_string(), "resourceGroup().tags[0]");
        assert_eq!(first.len(), "resourceGroup().tags[0]".len());
        // Written the same way, built apart: equal.
        assert_eq!(Term::Parameter("a".into()), Term::from("parameters('a')"));
        assert_ne!(Term::Parameter("a".into()), Term::Parameter("b".into()));
        let why = Term::call("f", &[Value::unknown("no term"), Value::Float(1.5)]);
        assert_eq!(why.to_string(), "f(⟦?no term⟧,1.5)");
        assert_eq!(why.len(), why.to_string().len());
    }

    #[test]
    fn an_overlong_call_is_kept_by_its_digest() {
        let mut v = unknown(Term::Parameter("p".into()));
        let mut steps = 0;
        let t = loop {
            let t = Term::call("concat", &[v.clone(), v]);
            if matches!(t, Term::Digest { .. }) {
                break t;
            }
            assert!(t.len() <= MAX_TERM_BYTES, "{}", t.len());
            steps += 1;
            assert!(steps < 20, "no digest after {steps} steps");
            v = unknown(t);
        };
        assert!(t.to_string().starts_with("concat(#"), "{t}");
        assert_eq!(t.len(), t.to_string().len());
    }
}
