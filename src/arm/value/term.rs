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
    /// A function that reads the deployment's context (`resourceGroup()`,
    /// `environment()`); what a template reads from it is an [`Term::Access`] over it
    /// (`resourceGroup().location`, see [`Term::context`]).
    Context(Context),
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

/// A function without arguments whose value is the deployment's context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    ResourceGroup,
    Subscription,
    Tenant,
    ManagementGroup,
    Deployment,
    Environment,
    Deployer,
}

impl Context {
    /// The function's name as templates write it (`resourceGroup`).
    pub fn name(self) -> &'static str {
        match self {
            Context::ResourceGroup => "resourceGroup",
            Context::Subscription => "subscription",
            Context::Tenant => "tenant",
            Context::ManagementGroup => "managementGroup",
            Context::Deployment => "deployment",
            Context::Environment => "environment",
            Context::Deployer => "deployer",
        }
    }
}

/// `name(args…)`.
#[derive(Clone, Debug)]
pub struct Call {
    /// The function, in lower case.
    pub name: Str,
    pub args: Vec<Value>,
    /// Length of the written form (kept, so that nesting does not write it out).
    len: usize,
    /// Nesting of terms below and including this one.
    depth: usize,
}

/// `base.name` or `base[index]`.
#[derive(Clone, Debug)]
pub struct Access {
    pub base: Term,
    pub step: Step,
    /// Length of the written form and nesting, as for [`Call`].
    len: usize,
    depth: usize,
}

#[derive(Clone, Debug)]
pub enum Step {
    /// `.name`.
    Property(Str),
    /// `[index]`.
    Index(Value),
}

/// Longest written form of a call or access kept as a structure (see [`Term::Digest`]).
const MAX_TERM_BYTES: usize = 16 * 1024;

/// Deepest nesting of calls and accesses kept as a structure: a chain of accesses
/// (`reference('x').a.a.a…`) adds only two bytes a step, and code that walks a term
/// recurses once per level.
const MAX_TERM_DEPTH: usize = 128;

impl Term {
    /// The term of `name(args…)`: a [`Term::Call`], or its digest when written out
    /// it would be longer than [`MAX_TERM_BYTES`] or nest deeper than
    /// [`MAX_TERM_DEPTH`].
    pub fn call(name: &str, args: &[Value]) -> Term {
        let name = Str::from(name.to_ascii_lowercase());
        let len = name.len()
            + 2
            + args.len().saturating_sub(1)
            + args.iter().map(term_len).sum::<usize>();
        let depth = 1 + args.iter().map(value_depth).max().unwrap_or(0);
        Term::Call(Arc::new(Call {
            name,
            args: args.to_vec(),
            len,
            depth,
        }))
        .bounded()
    }

    /// `self.name` or `self[index]` (a digest past the same bounds as a call).
    pub fn access(&self, step: Step) -> Term {
        let len = self.len()
            + match &step {
                Step::Property(k) => 1 + k.len(),
                Step::Index(v) => 2 + term_len(v),
            };
        let below = match &step {
            Step::Property(_) => 0,
            Step::Index(v) => value_depth(v),
        };
        let depth = 1 + self.depth().max(below);
        Term::Access(Arc::new(Access {
            base: self.clone(),
            step,
            len,
            depth,
        }))
        .bounded()
    }

    /// The term itself, or its digest when it is past the bounds.
    fn bounded(self) -> Term {
        if self.len() <= MAX_TERM_BYTES && self.depth() <= MAX_TERM_DEPTH {
            return self;
        }
        use sha1::{Digest, Sha1};
        let digest = Sha1::digest(self.to_string().as_bytes());
        let mut hex = String::with_capacity(40);
        for b in digest {
            let _ = write!(hex, "{b:02x}");
        }
        Term::Digest {
            name: self.function(),
            hex: Str::from(hex),
        }
    }

    /// The function a term starts from: a call's, a context function's (in lower
    /// case), `parameters` for a parameter; for an access, that of its base.
    pub fn function(&self) -> Str {
        match self {
            Term::Parameter(_) => Str::from("parameters"),
            Term::Context(c) => Str::from(c.name().to_ascii_lowercase()),
            Term::Call(c) => c.name.clone(),
            Term::Access(a) => a.base.function(),
            Term::Digest { name, .. } => name.clone(),
        }
    }

    /// Nesting of calls and accesses (1 for a parameter, context value or digest).
    pub fn depth(&self) -> usize {
        match self {
            Term::Call(c) => c.depth,
            Term::Access(a) => a.depth,
            Term::Parameter(_) | Term::Context(_) | Term::Digest { .. } => 1,
        }
    }

    /// Whether the term calls `function` (in lower case) anywhere: itself, in an
    /// argument, in the base or index of an access, or as a digest of such a call.
    pub fn calls(&self, function: &str) -> bool {
        match self {
            Term::Call(c) => {
                c.name.as_ref() == function || c.args.iter().any(|a| value_calls(a, function))
            }
            Term::Access(a) => {
                a.base.calls(function)
                    || matches!(&a.step, Step::Index(v) if value_calls(v, function))
            }
            Term::Digest { name, .. } => name.as_ref() == function,
            Term::Parameter(_) | Term::Context(_) => false,
        }
    }

    /// `function().p.q…`: the properties `path` of a context function's value.
    pub fn context(function: Context, path: &[&str]) -> Term {
        path.iter().fold(Term::Context(function), |t, p| {
            t.access(Step::Property(Str::from(*p)))
        })
    }

    /// Whether this term is `function().p.q…` with the properties `path` (compared
    /// as written).
    pub fn is_context(&self, function: Context, path: &[&str]) -> bool {
        match (self, path.split_last()) {
            (Term::Context(c), None) => *c == function,
            (Term::Access(a), Some((last, rest))) => {
                matches!(&a.step, Step::Property(p) if &**p == *last)
                    && a.base.is_context(function, rest)
            }
            _ => false,
        }
    }

    /// Length of the written form, in bytes.
    pub fn len(&self) -> usize {
        match self {
            Term::Parameter(n) => "parameters('')".len() + n.len(),
            Term::Context(c) => c.name().len() + 2,
            Term::Call(c) => c.len,
            Term::Access(a) => a.len,
            Term::Digest { name, hex } => name.len() + 3 + hex.len(),
        }
    }
}

/// Nesting of the term of an argument (0 for a known value).
fn value_depth(v: &Value) -> usize {
    match v {
        Value::Unknown(u) => u.term.as_ref().map_or(1, Term::depth),
        Value::Candidates(_) => 1,
        _ => 0,
    }
}

/// Whether an argument's term calls `function` (see [`Term::calls`]); data is
/// written as JSON in a term, so an unknown inside it is not followed.
fn value_calls(v: &Value, function: &str) -> bool {
    match v {
        Value::Unknown(u) => u.term.as_ref().is_some_and(|t| t.calls(function)),
        _ => false,
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
    write_value_as(v, f, true)
}

/// Write `v` as an argument of a term; nested unknowns in `⟦…⟧` when `brackets`.
fn write_value_as(v: &Value, f: &mut impl Write, brackets: bool) -> fmt::Result {
    let (open, close) = if brackets { ("⟦", "⟧") } else { ("", "") };
    match v {
        Value::Unknown(u) => match &u.term {
            Some(t) => {
                f.write_str(open)?;
                write_term(t, f, brackets)?;
                f.write_str(close)
            }
            None => write!(f, "{open}?{}{close}", u.why),
        },
        Value::Candidates(c) => write!(f, "{open}{}{close}", c.parameter),
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

/// Write `t` in ARM's syntax; nested unknowns in `⟦…⟧` when `brackets`.
fn write_term(t: &Term, f: &mut impl Write, brackets: bool) -> fmt::Result {
    match t {
        Term::Parameter(n) => write!(f, "parameters('{n}')"),
        Term::Context(c) => write!(f, "{}()", c.name()),
        Term::Call(c) => {
            f.write_str(&c.name)?;
            f.write_char('(')?;
            for (i, a) in c.args.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write_value_as(a, f, brackets)?;
            }
            f.write_char(')')
        }
        Term::Access(a) => {
            write_term(&a.base, f, brackets)?;
            match &a.step {
                Step::Property(k) => write!(f, ".{k}"),
                Step::Index(v) => {
                    f.write_char('[')?;
                    write_value_as(v, f, brackets)?;
                    f.write_char(']')
                }
            }
        }
        Term::Digest { name, hex } => write!(f, "{name}(#{hex})"),
    }
}

impl Term {
    /// The term as a message writes it: ARM's syntax without the `⟦…⟧` that
    /// delimit nested unknowns in the canonical form.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        let _ = write_term(self, &mut out, false);
        out
    }
}

/// The written form by which terms compare.
impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_term(self, f, true)
    }
}

/// A value as an argument of a term is written in a message (see [`Term::plain`]).
pub(super) fn plain_value(v: &Value) -> String {
    let mut out = String::new();
    let _ = write_value_as(v, &mut out, false);
    out
}

/// Terms are equal when they are written the same way.
impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        match (self, other) {
            (Term::Call(a), Term::Call(b)) if Arc::ptr_eq(a, b) => true,
            (Term::Parameter(a), Term::Parameter(b)) => a == b,
            (Term::Context(a), Term::Context(b)) => a == b,
            _ => self.len() == other.len() && self.to_string() == other.to_string(),
        }
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
        let first =
            Term::context(Context::ResourceGroup, &["tags"]).access(Step::Index(Value::Int(0)));
        assert_eq!(first.to_string(), "resourceGroup().tags[0]");
        assert_eq!(first.len(), "resourceGroup().tags[0]".len());
        assert_ne!(Term::Parameter("a".into()), Term::Parameter("b".into()));
        let why = Term::call("f", &[Value::unknown("no term"), Value::Float(1.5)]);
        assert_eq!(why.to_string(), "f(⟦?no term⟧,1.5)");
        assert_eq!(why.plain(), "f(?no term,1.5)");
        assert_eq!(
            t.plain(),
            "format('{0}/{1}',parameters('registryName'),'west''us')"
        );
        assert_eq!(why.len(), why.to_string().len());
    }

    /// A context value is a structure: built in two places it is the same term, it
    /// is told apart from a call written in another case, and a rule can ask what it
    /// is without reading its text.
    #[test]
    fn context_terms_are_structures_that_compare_as_written() {
        let a = Term::context(Context::ResourceGroup, &["location"]);
        let b = Term::Context(Context::ResourceGroup).access(Step::Property(Str::from("location")));
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "resourceGroup().location");
        assert_eq!(a.len(), a.to_string().len());
        assert!(a.is_context(Context::ResourceGroup, &["location"]));
        assert!(!a.is_context(Context::ResourceGroup, &["id"]));
        assert!(!a.is_context(Context::Subscription, &["location"]));
        assert!(!a.is_context(Context::ResourceGroup, &[]));
        assert_ne!(a, Term::context(Context::ResourceGroup, &["id"]));
        // The function called by name is a call, written in lower case: not the context.
        assert_ne!(
            Term::Context(Context::ResourceGroup),
            Term::call("resourceGroup", &[])
        );
        let deep = Term::context(Context::Environment, &["suffixes", "acrLoginServer"]);
        assert_eq!(deep.to_string(), "environment().suffixes.acrLoginServer");
        assert!(deep.is_context(Context::Environment, &["suffixes", "acrLoginServer"]));
        // Nested in a call, equal structures give equal calls.
        let u = |t: Term| Value::unknown_term("x", t);
        assert_eq!(
            Term::call("uniqueString", &[u(a.clone())]),
            Term::call("uniquestring", &[u(b)])
        );
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

    /// However long a chain of accesses, its term nests at most `MAX_TERM_DEPTH`
    /// deep (code that walks terms recurses once per level), and it keeps the
    /// function it starts from.
    #[test]
    fn access_chains_are_bounded() {
        let mut t = Term::call("reference", &[Value::str("x")]);
        for _ in 0..10_000 {
            t = t.access(Step::Property("a".into()));
        }
        assert!(t.depth() <= MAX_TERM_DEPTH, "{}", t.depth());
        assert_eq!(&*t.function(), "reference");
        assert_eq!(t.len(), t.to_string().len());
        // A short chain stays a structure.
        let short = Term::call("reference", &[Value::str("x")]).access(Step::Property("id".into()));
        assert!(matches!(short, Term::Access(_)));
        assert_eq!(short.depth(), 2);
    }

    /// A call is found in the structure: in arguments and under accesses, not in
    /// literal text that spells its name.
    #[test]
    fn calls_are_found_in_the_structure_not_in_text() {
        let creds = Term::call("listCredentials", &[Value::str("acr")])
            .access(Step::Property("passwords".into()));
        assert!(creds.calls("listcredentials"));
        let wrapped = Term::call("concat", &[Value::str("x"), unknown(creds)]);
        assert!(wrapped.calls("listcredentials"));
        let spelt = Term::call(
            "concat",
            &[
                Value::str("listCredentials("),
                unknown(Term::Parameter("acr".into())),
            ],
        );
        assert!(!spelt.calls("listcredentials"));
        assert!(spelt
            .to_string()
            .to_ascii_lowercase()
            .contains("listcredentials("));
    }
}
