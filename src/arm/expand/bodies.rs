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
//! `scope`, `metadata`) are always evaluated.

use std::collections::HashSet;
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

/// Resource types whose bodies are read, ASCII case-insensitively.
#[derive(Clone, Debug, Default)]
pub struct BodyTypes {
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl BodyTypes {
    /// `types` are full resource types; an entry ending in `/` is a prefix
    /// (`Microsoft.ContainerRegistry/` covers the registry and all its children).
    pub fn new<'a>(types: impl IntoIterator<Item = &'a str>) -> BodyTypes {
        let mut out = BodyTypes::default();
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

    pub fn contains(&self, resource_type: &str) -> bool {
        let lower = resource_type.to_ascii_lowercase();
        self.exact.contains(&lower) || self.prefixes.iter().any(|p| lower.starts_with(p))
    }
}

impl Bodies {
    /// Whether a resource of this type has its body evaluated in full.
    pub fn wants(&self, resource_type: &str) -> bool {
        match self {
            Bodies::All => true,
            Bodies::Only(types) => types.contains(resource_type),
        }
    }
}

/// Members evaluated even in a deferred body.
const ALWAYS_EVALUATED: [&str; 5] = ["apiVersion", "location", "existing", "scope", "metadata"];

/// Try to defer the body of `node`: `Some(members always evaluated)` when deferring
/// cannot change a finding, `None` when the body must be evaluated now.
pub(super) fn defer_body(ev: &mut Evaluator, scope: &Scope, node: &Node) -> Option<Map> {
    let members = node.as_object()?;
    let mut variables = Vec::new();
    for m in members {
        if is_resource_frame_key(&m.key) || is_always_evaluated(&m.key) {
            continue;
        }
        if !scan(scope, &m.value, &mut variables) {
            return None;
        }
    }
    // What evaluating the body would have reported about the variables it reads.
    let mut seen = HashSet::new();
    for name in variables {
        touch_variable(scope, &name, &mut seen);
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
        let t = BodyTypes::new([
            "Microsoft.ContainerRegistry/",
            "Microsoft.Network/privateEndpoints",
        ]);
        assert!(t.contains("microsoft.containerregistry/registries"));
        assert!(t.contains("Microsoft.ContainerRegistry/registries/replications"));
        assert!(t.contains("MICROSOFT.NETWORK/PRIVATEENDPOINTS"));
        assert!(!t.contains("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
        assert!(!t.contains("Microsoft.ContainerRegistryX/registries"));
        assert!(!t.contains("Microsoft.Web/sites"));
        assert!(Bodies::All.wants("Microsoft.Web/sites"));
        assert!(!Bodies::Only(Arc::new(t)).wants("Microsoft.Web/sites"));
    }
}
