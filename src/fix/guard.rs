//! The FAQ guard of a home replica, generalised: a replica declared once whose
//! location is always the registry's gets `"condition": false` (Bicep `if (false)`);
//! a replica in a loop, or one that already has a condition, gets a per-iteration
//! guard that compares its location with its registry's, merged with the condition
//! it has (`and(…)` / `&&`).

use super::model::{value_at, Model, Resource};
use super::Finding;

/// The registry a replica belongs to, as evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Home {
    /// Span of the registry's declaration in the file.
    pub span: (u32, u32),
    /// The replica's and the registry's locations differ in more than letter case
    /// (`West Europe` and `westeurope`): the comparison drops spaces too.
    pub spaced: bool,
}

impl Home {
    /// The registry of the replica of finding `f`, when the file declares it.
    pub(super) fn of(model: &Model, f: &Finding) -> Option<Home> {
        let (replica, registry) = replica_and_registry(model, f)?;
        let spaced = match (location(&replica.body), location(&registry.body)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        };
        Some(Home {
            span: registry.span,
            spaced,
        })
    }

    fn lower(&self, operand: &str) -> String {
        if self.spaced {
            format!("replace(toLower({operand}), ' ', '')")
        } else {
            format!("toLower({operand})")
        }
    }

    /// The ARM expression (no brackets) that is false for the home iteration only.
    pub(crate) fn arm(&self, replica: &str, registry: &str) -> String {
        format!(
            "not(equals({}, {}))",
            self.lower(replica),
            self.lower(registry)
        )
    }

    /// The Bicep expression that is false for the home iteration only.
    pub(crate) fn bicep(&self, replica: &str, registry: &str) -> String {
        format!("{} != {}", self.lower(replica), self.lower(registry))
    }
}

/// The replica finding `f` is about (the iteration it names, or the first) and the
/// registry it belongs to, as the rules tie them (its parent, its name's first
/// segment, or its `dependsOn`; see `registry_of_child`), declared in this file.
fn replica_and_registry<'m>(model: &'m Model, f: &Finding) -> Option<(&'m Resource, &'m Resource)> {
    let iterations = model.at(f.location.byte_start, f.resource_type.as_deref());
    let replica = f
        .resource_name
        .as_deref()
        .and_then(|name| {
            iterations
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
        })
        .or_else(|| iterations.first())?;
    let registry = model
        .resources
        .iter()
        .find(|r| Some(r.span) == replica.registry)?;
    Some((replica, registry))
}

/// Whether `r` is an iteration of the replica of guard finding `f` that is in its
/// registry's home region (the one the guard must turn off), by location, case and
/// spaces aside: how the home iteration is told when names are not known.
pub(super) fn is_home_iteration(model: &Model, f: &Finding, r: &Resource) -> bool {
    let squash = |b: &crate::arm::value::Value| location(b).map(|l| l.replace(' ', ""));
    replica_and_registry(model, f).is_some_and(|(replica, registry)| {
        replica.span == r.span
            && squash(&r.body).is_some()
            && squash(&r.body) == squash(&registry.body)
    })
}

fn location(b: &crate::arm::value::Value) -> Option<String> {
    value_at(b, &["location"])
        .and_then(|l| l.as_str())
        .map(str::to_lowercase)
}

/// The advice when the registry the replica belongs to is not declared in the file.
pub(crate) const NO_HOME: &str = "the replica is in a loop or has a condition, and its registry is not declared in this file: add a condition that compares each replica's location with the registry's";
