//! Which resource bodies an expansion evaluates. `expand` shows every body; `check`
//! only needs the bodies its rules read, and most templates are mostly resources no
//! rule reads (a quickstart's virtual machines, a module's diagnostics plumbing).
//! Evaluating those bodies was half of `check`'s time, so `check` defers them.
//!
//! A deferred body must not change what `check` reports, so a body is deferred only
//! when evaluating it could not add a finding:
//! - its expressions are still parsed (syntax errors are still reported, at the same
//!   place, and the parse is cached for a later evaluation);
//! - the variables it names are parsed, and evaluated where evaluation could report
//!   more than a syntax error (a variable `copy` whose count exceeds the limit);
//! - a body with a property `copy` loop (its count may exceed the limit), a call to a
//!   user-defined function (its body may hold a syntax error) or `variables()` with a
//!   computed name is evaluated as usual;
//! - `reference()` to a deferred resource evaluates its body on demand.
//!
//! The members a rule may read on any resource (`apiVersion`, `location`, `existing`,
//! `scope`, `metadata`) are always evaluated. The top-level template's outputs are
//! deferred the same way (no rule reads them unless `listCredentials` is called);
//! those of nested templates are not (`reference()` reads them).

use std::collections::HashSet;

use regex::bytes::Regex;
use std::sync::Arc;

use crate::arm::eval::{is_resource_frame_key, Evaluator, Scope};
use crate::arm::expr::ast::Expr;
use crate::arm::value::Map;
use crate::source::json::{Node, NodeKind};

/// Which resource bodies to evaluate in full.
#[derive(Clone, Debug, Default)]
pub enum Bodies {
    /// Every body (what `expand` shows).
    #[default]
    All,
    /// Bodies of these resource types and of nested deployments; the others are
    /// deferred where that cannot change a finding (see the module documentation).
    Only(Arc<BodyTypes>),
}

/// Resource types whose bodies are read, ASCII case-insensitively, and the functions
/// whose use anywhere in a template makes every body read.
#[derive(Clone, Debug, Default)]
pub struct BodyTypes {
    exact: HashSet<String>,
    prefixes: Vec<String>,
    /// Finds any of the functions that make every body read, ignoring ASCII case.
    every_body_if_called: Option<Regex>,
    /// Those functions' names, lowercase.
    every_body_words: Vec<String>,
    /// Types whose bodies are read only for what they say about another resource
    /// (a private endpoint's target registry): in a template whose text does not
    /// name `companion_marker`, they alone do not make it worth evaluating.
    companions: HashSet<String>,
    companion_marker: String,
}

impl BodyTypes {
    /// `types` are full resource types; an entry ending in `/` is a prefix
    /// (`Microsoft.ContainerRegistry/` covers the registry and all its children).
    /// A template whose text (any of its files) names one of `every_body_if_called`
    /// has every body evaluated.
    pub fn new<'a>(
        types: impl IntoIterator<Item = &'a str>,
        every_body_if_called: &[&str],
    ) -> BodyTypes {
        let mut out = BodyTypes {
            every_body_if_called: (!every_body_if_called.is_empty())
                .then(|| any_ignoring_ascii_case(every_body_if_called))
                .flatten(),
            every_body_words: every_body_if_called
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
            ..Default::default()
        };
        for t in types {
            let t = t.to_ascii_lowercase();
            if t.ends_with('/') {
                out.prefixes.push(t);
            } else {
                out.exact.insert(t);
            }
        }
        out
    }

    /// Of the types read, `types` matter only in a template whose text (any of its
    /// files) names `marker`, ASCII case-insensitively.
    pub fn with_companions<'a>(
        mut self,
        types: impl IntoIterator<Item = &'a str>,
        marker: &str,
    ) -> BodyTypes {
        self.companions = types.into_iter().map(str::to_ascii_lowercase).collect();
        self.companion_marker = marker.to_ascii_lowercase();
        self
    }

    /// Whether a resource of this type makes a template worth evaluating: `Some` of
    /// the answer, or `None` when that depends on the template naming the marker.
    fn makes_relevant(&self, resource_type: &str) -> Option<bool> {
        if self
            .companions
            .contains(&resource_type.to_ascii_lowercase())
        {
            None
        } else {
            Some(self.contains(resource_type))
        }
    }

    /// Whether `text` (a file of the template) names a function that makes every
    /// body read.
    pub fn reads_every_body(&self, text: &str) -> bool {
        self.every_body_if_called
            .as_ref()
            .is_some_and(|r| r.is_match(text.as_bytes()))
    }

    pub fn contains(&self, resource_type: &str) -> bool {
        let lower = resource_type.to_ascii_lowercase();
        self.exact.contains(&lower) || self.prefixes.iter().any(|p| lower.starts_with(p))
    }
}

/// A search for any of `words`, ignoring ASCII case. A byte regex: its literal
/// prefilter scans a megabyte template several times faster than an Aho-Corasick
/// automaton or a lowercase copy and `memmem` (measured on the quickstarts).
pub fn any_ignoring_ascii_case(words: &[&str]) -> Option<Regex> {
    let alternatives: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&format!("(?i-u){}", alternatives.join("|"))).ok()
}

/// Whether `hay` contains `needle` (lowercase ASCII), ignoring ASCII case.
pub fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay).any(|i| {
        hay.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

impl Bodies {
    /// `self`, or `All` when one of the template's file texts calls for every body.
    pub fn for_template<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Bodies {
        self.for_template_noting(texts, &mut Vec::new())
    }

    /// [`Bodies::for_template`], adding to `absent` the (lowercase) names of the
    /// functions it looked for in `texts` and found in none.
    pub fn for_template_noting<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
        absent: &mut Vec<String>,
    ) -> Bodies {
        match self {
            Bodies::Only(types) if texts.into_iter().any(|t| types.reads_every_body(t)) => {
                Bodies::All
            }
            Bodies::Only(types) => {
                if types.every_body_if_called.is_some() {
                    absent.extend(types.every_body_words.iter().cloned());
                }
                self.clone()
            }
            Bodies::All => Bodies::All,
        }
    }

    /// Whether a resource of this type has its body evaluated in full.
    pub fn wants(&self, resource_type: &str) -> bool {
        match self {
            Bodies::All => true,
            Bodies::Only(types) => types.contains(resource_type),
        }
    }

    /// How much of `template` (whose files have `texts`) needs evaluating.
    ///
    /// All of it when it declares, at any depth (child resources, inline nested
    /// templates, Bicep modules), a resource whose body is read (a companion type
    /// only in a template that names the companion marker), or one whose type cannot
    /// be read without evaluating (an expression, a computed nested template), or
    /// nested deployments beyond the depth followed. Otherwise no rule can find
    /// anything in it: only the counts of its `copy` loops, if any, are evaluated
    /// (they may exceed ARM's 800), and its syntax is checked by [`super::syntax`].
    /// A linked template (`templateLink`) is not read, so a deployment of one needs
    /// nothing.
    pub fn needs<'a>(&self, template: &Node, texts: impl IntoIterator<Item = &'a str>) -> Needs {
        let Bodies::Only(types) = self else {
            return Needs::Evaluation;
        };
        let mut needs_marker = false;
        if declares_read_resource(types, template, 0, &mut needs_marker)
            || needs_marker
                && texts.into_iter().any(|t| {
                    contains_ignore_ascii_case(t.as_bytes(), types.companion_marker.as_bytes())
                })
        {
            Needs::Evaluation
        } else if has_copy(template, 0) {
            Needs::CopyCounts
        } else {
            Needs::Nothing
        }
    }
}

/// How much of a template `check` evaluates (see [`Bodies::needs`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Evaluation,
    CopyCounts,
    Nothing,
}

/// Whether an object under `node` has a `copy` member.
fn has_copy(node: &Node, depth: usize) -> bool {
    match &node.kind {
        // Deeper than any real template: evaluate rather than recurse further.
        _ if depth > crate::source::limits::MAX_JSON_DEPTH => true,
        NodeKind::Object(members) => members
            .iter()
            .any(|m| m.key.eq_ignore_ascii_case("copy") || has_copy(&m.value, depth + 1)),
        NodeKind::Array(items) => items.iter().any(|n| has_copy(n, depth + 1)),
        _ => false,
    }
}

/// Whether `template` declares a resource that makes it worth evaluating; sets
/// `needs_marker` when only companion types were found so far.
fn declares_read_resource(
    types: &BodyTypes,
    template: &Node,
    depth: usize,
    needs_marker: &mut bool,
) -> bool {
    if depth > crate::arm::limits::current().deployment_depth {
        // The walker reports how deep it follows nested deployments.
        return true;
    }
    super::resource_nodes(template)
        .into_iter()
        .any(|(_, node)| resource_is_read(types, node, depth, needs_marker))
}

fn resource_is_read(types: &BodyTypes, node: &Node, depth: usize, needs_marker: &mut bool) -> bool {
    if !node.is_object() {
        return false;
    }
    let Some(ty) = node.get("type").and_then(Node::as_str) else {
        // No type, or a type that is not a string: the walker decides what it is.
        return true;
    };
    if ty.starts_with('[') {
        return true;
    }
    if ty.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
        // A nested deployment matters for what its template declares.
        let props = node.get("properties");
        return match props.and_then(|p| p.get("template")) {
            Some(inner) if inner.is_object() => {
                declares_read_resource(types, inner, depth + 1, needs_marker)
            }
            None if props.and_then(|p| p.get("templateLink")).is_some() => false,
            _ => true,
        };
    }
    match types.makes_relevant(ty) {
        Some(true) => return true,
        Some(false) => {}
        None => *needs_marker = true,
    }
    declares_read_resource(types, node, depth + 1, needs_marker)
}

/// Members evaluated even in a deferred body.
const ALWAYS_EVALUATED: [&str; 5] = ["apiVersion", "location", "existing", "scope", "metadata"];

/// Try to defer the body of `node`: `Some(members always evaluated)` when deferring
/// cannot change a finding, `None` when the body must be evaluated now.
pub(super) fn defer_body(ev: &mut Evaluator, scope: &Scope, node: &Node) -> Option<Map> {
    let members = node.as_object()?;
    let deferred = members
        .iter()
        .filter(|m| !is_resource_frame_key(&m.key) && !is_always_evaluated(&m.key))
        .map(|m| &m.value);
    if !deferrable(scope, deferred) {
        return None;
    }
    let mut kept = Map::new();
    for m in members {
        if is_always_evaluated(&m.key) {
            let v = ev.eval_node(&m.value, true);
            kept.insert(m.key.clone(), v);
        }
    }
    Some(kept)
}

/// Report what a first evaluation of variable `name` would report, evaluating it
/// only when that could report more than a syntax error: a variable `copy` (its
/// count may exceed the limit) or one whose expressions `scan` does not accept.
/// Other variables are parsed, with the variables they name, transitively.
fn touch_variable(scope: &Scope, name: &str, seen: &mut HashSet<String>) {
    let key = name.to_ascii_lowercase();
    if !seen.insert(key.clone()) {
        return;
    }
    let mut names = Vec::new();
    let simple = !scope.variable_copies.contains_key(&key)
        && scope
            .variables
            .get(&key)
            .is_none_or(|node| scan(scope, node, &mut names));
    if !simple {
        let mut reader = Evaluator::new(scope);
        reader.quiet = true;
        let _ = reader.variable(name);
        return;
    }
    for n in names {
        touch_variable(scope, &n, seen);
    }
}

/// Whether leaving `nodes` unevaluated cannot change a finding; if so, report now
/// what their evaluation would have reported (syntax errors, variable limits).
pub(super) fn deferrable<'n>(scope: &Scope, nodes: impl IntoIterator<Item = &'n Node>) -> bool {
    let mut variables = Vec::new();
    for n in nodes {
        if !scan(scope, n, &mut variables) {
            return false;
        }
    }
    // What evaluating them would have reported about the variables they read.
    let mut seen = HashSet::new();
    for name in variables {
        touch_variable(scope, &name, &mut seen);
    }
    true
}

fn is_always_evaluated(key: &str) -> bool {
    ALWAYS_EVALUATED.iter().any(|k| key.eq_ignore_ascii_case(k))
}

/// Parse every expression under `node`; false when the body must be evaluated now.
fn scan(scope: &Scope, node: &Node, variables: &mut Vec<String>) -> bool {
    match &node.kind {
        NodeKind::String(s) if s.starts_with('[') => match scope.expression_at(s, node.span) {
            Ok(Some(expr)) => simple_calls(&expr, variables),
            // Literal (`[[`), or a syntax error: reported now, as evaluation would.
            Ok(None) | Err(()) => true,
        },
        NodeKind::Array(items) => items.iter().all(|n| scan(scope, n, variables)),
        NodeKind::Object(members) => members
            .iter()
            .all(|m| !m.key.eq_ignore_ascii_case("copy") && scan(scope, &m.value, variables)),
        _ => true,
    }
}

/// Collect literal `variables('x')` names; false for user functions and computed
/// variable names.
fn simple_calls(expr: &Expr, variables: &mut Vec<String>) -> bool {
    let mut ok = true;
    expr.walk_calls(&mut |name, args, _| {
        if name.contains('.') {
            ok = false;
        } else if name.eq_ignore_ascii_case("variables") {
            match args.first() {
                Some(Expr::String(v, _)) => variables.push(v.to_string()),
                _ => ok = false,
            }
        }
    });
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_match_exactly_or_by_prefix_ignoring_case() {
        let t = BodyTypes::new(
            [
                "Microsoft.ContainerRegistry/",
                "Microsoft.Network/privateEndpoints",
            ],
            &["listCredentials"],
        );
        assert!(t.contains("microsoft.containerregistry/registries"));
        assert!(t.contains("Microsoft.ContainerRegistry/registries/replications"));
        assert!(t.contains("MICROSOFT.NETWORK/PRIVATEENDPOINTS"));
        assert!(!t.contains("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
        assert!(!t.contains("Microsoft.ContainerRegistryX/registries"));
        assert!(!t.contains("Microsoft.Web/sites"));
        assert!(Bodies::All.wants("Microsoft.Web/sites"));
        assert!(t.reads_every_body("x [LISTCREDENTIALS(y)] z"));
        assert!(!t.reads_every_body("listcredential"));
        let only = Bodies::Only(Arc::new(t));
        assert!(!only.wants("Microsoft.Web/sites"));
        assert!(matches!(only.for_template(["a", "b"]), Bodies::Only(_)));
        assert!(matches!(
            only.for_template(["a", "acr.listCredentials()"]),
            Bodies::All
        ));
        // What was looked for and found nowhere is noted, and only that.
        let mut absent = Vec::new();
        only.for_template_noting(["a", "b"], &mut absent);
        assert_eq!(absent, ["listcredentials"]);
        let mut absent = Vec::new();
        only.for_template_noting(["a", "LISTcredentials("], &mut absent);
        assert!(absent.is_empty());
        Bodies::All.for_template_noting(["a"], &mut absent);
        assert!(absent.is_empty());
    }

    #[test]
    fn case_insensitive_search() {
        assert!(contains_ignore_ascii_case(
            b"[LISTCredentials(x)]",
            b"listcredentials"
        ));
        assert!(contains_ignore_ascii_case(
            b"xxlistcredentials",
            b"listcredentials"
        ));
        assert!(!contains_ignore_ascii_case(
            b"listcredential",
            b"listcredentials"
        ));
        assert!(!contains_ignore_ascii_case(b"", b"listcredentials"));
    }
}
