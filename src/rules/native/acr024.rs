//! ACR024: AcrPull, AcrPush or AcrDelete assigned on (or above) a registry whose role
//! assignment mode is `AbacRepositoryPermissions`. ABAC-enabled registries do not
//! honor these legacy roles: the assignment deploys and grants nothing, so pulls and
//! pushes fail at run time. The ABAC-enabled roles Container Registry Repository
//! Reader, Writer and Contributor grant the same access there (ACR docs, "Microsoft
//! Entra attribute-based access control (ABAC) for repository permissions", checked
//! 2026-12-01).
//!
//! An assignment reaches the registry when it is scoped to it, or when it has no
//! `scope` and this template deploys the registry into the resource group (or
//! subscription) the assignment is made at. A mode that is only known at deployment,
//! or that depends on a parameter, makes the result `possible`.

use super::access::roles::{self, abac_equivalent, role_ids};
use super::access::{
    grants, is_role_assignment, mode_of, registry_doubt, role_finding, Grant, Mode, Via, ABAC_MODE,
};
use super::emit::{doubts_suffix, related_at};
use super::resolve::{deployed, Deployed, Link};
use super::registry::NativeRule;
use super::{name_text, RuleInput};
use crate::rules::finding::Finding;

/// Reads what the access rules read ([`super::access::READS`]).
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: super::access::READS,
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    for (i, r) in exp.resources.iter().enumerate() {
        if !is_role_assignment(r) {
            continue;
        }
        let mut doubts = match deployed(exp, r) {
            Deployed::No => continue,
            Deployed::Maybe(why) => vec![format!("the role assignment's {why}")],
            Deployed::Yes => Vec::new(),
        };
        let Some(ids) = r
            .body
            .get("properties")
            .and_then(|p| p.get("roleDefinitionId"))
            .and_then(role_ids)
        else {
            continue;
        };
        let legacy: Vec<_> = ids
            .guids
            .iter()
            .filter_map(|g| abac_equivalent(g))
            .collect();
        if legacy.is_empty() {
            continue;
        }
        if legacy.len() < ids.guids.len() {
            let on = ids
                .doubt
                .as_deref()
                .unwrap_or("a value only known at deployment");
            doubts.push(format!("the role depends on {on}"));
        }
        let Some((grant, mode_doubts)) = abac_registry(input, &grants(exp, i)) else {
            continue;
        };
        let is = if mode_doubts.is_empty() {
            "is"
        } else {
            "may be"
        };
        doubts.extend(mode_doubts);
        let reg = grant.registry.and_then(|g| exp.resources.get(g));
        let on = match reg {
            Some(reg) => format!("registry {}", name_text(&reg.name)),
            None => "a registry".into(),
        };
        let reach = match grant.via {
            Via::Registry => String::new(),
            Via::ResourceGroup => " (assigned at resource group scope, which contains it)".into(),
            Via::Subscription => " (assigned at subscription scope, which contains it)".into(),
        };
        let roles_text: Vec<String> = legacy.iter().map(|(l, _)| l.cited()).collect();
        let instead: Vec<String> = legacy.iter().map(|(_, a)| a.cited()).collect();
        let message = format!(
            "role assignment {} grants {} on {on}{reach}, whose roleAssignmentMode {is} {ABAC_MODE}: ABAC-enabled registries do not honor {}, so the principal gets no access; grant {} instead{}",
            name_text(&r.name),
            roles_text.join(" or "),
            if legacy.len() == 1 { "this role" } else { "these roles" },
            instead.join(" or "),
            doubts_suffix(&doubts)
        );
        let related = reg
            .map(|reg| {
                vec![related_at(
                    input,
                    reg,
                    &["properties", "roleAssignmentMode"],
                    "the registry's role assignment mode".into(),
                )]
            })
            .unwrap_or_default();
        out.push(role_finding(input, r, &doubts, message, related));
    }
    out
}

/// The first registry among `grants` that is (or may be) in the ABAC mode, with the
/// doubts that make it only possible; definite ones first.
fn abac_registry(input: &RuleInput, grants: &[Grant]) -> Option<(Grant, Vec<String>)> {
    let exp = input.expansion;
    let mut best: Option<(Grant, Vec<String>)> = None;
    for g in grants {
        let Some(reg) = g.registry.and_then(|i| exp.resources.get(i)) else {
            continue;
        };
        let mut doubts = Vec::new();
        match registry_doubt(exp, reg) {
            Some(None) => continue,
            Some(Some(d)) => doubts.push(d),
            None => {}
        }
        if let Link::Maybe(why) = &g.link {
            doubts.push(why.clone());
        }
        match mode_of(reg) {
            Mode::Abac => {}
            Mode::AbacWhen(p) => doubts.push(format!(
                "when {} is {ABAC_MODE}",
                crate::arm::value::choice_origin(&p)
            )),
            Mode::Unknown(why) => doubts.push(format!(
                "the registry's roleAssignmentMode is only known at deployment: {why}"
            )),
            Mode::Rbac | Mode::Unseen => continue,
        }
        let better = best.as_ref().is_none_or(|(_, d)| doubts.len() < d.len());
        if better {
            best = Some((g.clone(), doubts));
        }
    }
    best
}

/// The legacy role ids this rule's fix replaces, each with its ABAC-enabled
/// equivalent (the rule file's `fix.replace` must say the same; tested).
pub fn replacements() -> Vec<(&'static str, &'static str)> {
    roles::LEGACY_TO_ABAC
        .iter()
        .map(|(l, a)| (l.id, a.id))
        .collect()
}
