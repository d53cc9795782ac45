//! What the access rules (ACR020, ACR024) share: which registries a role assignment
//! grants access to (on the registry, or above it: its resource group or subscription),
//! a registry's role assignment mode, and which identity a role assignment is for.
//!
//! The mode is the registry's `properties.roleAssignmentMode` (REST API 2025-11-01:
//! `AbacRepositoryPermissions` or `LegacyRegistryPermissions`, the default). In the
//! ABAC mode AcrPull, AcrPush and AcrDelete are not honored, and Owner, Contributor
//! and Reader grant no data plane access (ACR docs, "Microsoft Entra attribute-based
//! access control (ABAC) for repository permissions", checked 2026-12-01).

pub mod roles;
pub mod scripts;

use super::registry::Reads;
use super::resolve::{
    canonical_key, deployed, is_type, name_segments, registries, registry_key, same_key, target_of,
    Deployed, Link, REGISTRY,
};
use super::term;
use crate::arm::eval::ScopeKind;
use crate::arm::expand::{ExpandedResource, Expansion};
use crate::arm::value::{Segment, Value};
use crate::source::json::Node;

pub const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
pub const NESTED_ROLE_ASSIGNMENT: &str =
    "Microsoft.ContainerRegistry/registries/providers/roleAssignments";
pub const DEPLOYMENT: &str = "Microsoft.Resources/deployments";
const USER_ASSIGNED_IDENTITY: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";

/// What the access rules read: registries and the nested deployments that place one
/// (their `resourceGroup`) or run a script module that is not fetched (their
/// parameters), and, in a template that names a registry, the role assignments and
/// deployment scripts that may act on one.
pub const READS: Reads = Reads {
    bodies: &["Microsoft.ContainerRegistry/", DEPLOYMENT],
    registry_companions: &[ROLE_ASSIGNMENT, scripts::DEPLOYMENT_SCRIPT],
    every_body_when_called: &[],
};

/// `properties.roleAssignmentMode` value of the ABAC mode.
pub const ABAC_MODE: &str = "AbacRepositoryPermissions";

/// Whether a resource is a role assignment (either form).
pub fn is_role_assignment(r: &ExpandedResource) -> bool {
    is_type(r, ROLE_ASSIGNMENT) || is_type(r, NESTED_ROLE_ASSIGNMENT)
}

/// A registry's role assignment mode, as far as the template tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `LegacyRegistryPermissions`, or omitted (the REST API's default).
    Rbac,
    Abac,
    /// ABAC for some values of a parameter (named), RBAC for others.
    AbacWhen(String),
    /// Only known at deployment (why).
    Unknown(String),
    /// The registry is not declared here (an `existing` reference or another
    /// template's): its mode cannot be read.
    Unseen,
}

/// The role assignment mode of a registry of the template.
pub fn mode_of(r: &ExpandedResource) -> Mode {
    if r.existing {
        return Mode::Unseen;
    }
    let value = r
        .body
        .get("properties")
        .and_then(|p| p.get("roleAssignmentMode"));
    let is_abac = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case(ABAC_MODE))
    };
    match value {
        None | Some(Value::Null) => Mode::Rbac,
        Some(v @ Value::String(_)) if is_abac(v) => Mode::Abac,
        Some(Value::String(_)) => Mode::Rbac,
        Some(Value::Candidates(c)) if c.values.iter().all(is_abac) => Mode::Abac,
        Some(Value::Candidates(c)) if c.values.iter().any(is_abac) => {
            Mode::AbacWhen(c.parameter.to_string())
        }
        Some(Value::Candidates(_)) => Mode::Rbac,
        Some(Value::Unknown(u)) => Mode::Unknown(u.why.clone()),
        Some(_) => Mode::Rbac,
    }
}

/// At which level a role assignment reaches a registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// Scoped to the registry itself.
    Registry,
    /// Scoped to the resource group the registry is in.
    ResourceGroup,
    /// Scoped to the subscription (or higher) the registry is in.
    Subscription,
}

/// A registry a role assignment grants access to.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    /// Index of the registry in the expansion; `None` for a registry the template
    /// does not declare (the assignment names it).
    pub registry: Option<usize>,
    /// The registry's name key, which names it in messages when it is not declared.
    pub named: Option<Segment>,
    pub via: Via,
    pub link: Link,
}

/// The registries role assignment `ra` grants access to: the registry it is scoped
/// to (declared here or not), or, for an assignment at resource group or subscription
/// scope (no `scope`), the registries this template deploys into that scope.
pub fn grants(exp: &Expansion, ra: usize) -> Vec<Grant> {
    let Some(r) = exp.resources.get(ra) else {
        return Vec::new();
    };
    if is_type(r, NESTED_ROLE_ASSIGNMENT) {
        let key = name_segments(&r.name).and_then(|s| s.into_iter().next());
        return vec![registry_grant(exp, r, key)];
    }
    if !is_type(r, ROLE_ASSIGNMENT) {
        return Vec::new();
    }
    match r.body.get("scope") {
        None | Some(Value::Null) => above(exp, ra),
        Some(scope) => on_registry(exp, r, scope).into_iter().collect(),
    }
}

fn registry_grant(exp: &Expansion, r: &ExpandedResource, key: Option<Segment>) -> Grant {
    match key.map(canonical_key) {
        Some(k) => Grant {
            registry: declared_registry(exp, &k, &r.deployment),
            named: Some(k),
            via: Via::Registry,
            link: Link::Certain,
        },
        None => Grant {
            registry: None,
            named: None,
            via: Via::Registry,
            link: Link::Maybe("the scope is only known at deployment".into()),
        },
    }
}

/// The registry a key names, preferring the declaration the template deploys (whose
/// properties say its mode) over an `existing` reference, then one in `deployment`.
fn declared_registry(exp: &Expansion, key: &Segment, deployment: &str) -> Option<usize> {
    registries(exp)
        .filter(|(_, r)| registry_key(r).is_some_and(|k| same_key(&k, key)))
        .min_by_key(|(_, r)| (r.existing, r.deployment != deployment))
        .map(|(i, _)| i)
}

/// The registry an explicit `scope` names, if it names one.
fn on_registry(exp: &Expansion, r: &ExpandedResource, scope: &Value) -> Option<Grant> {
    if let Some(t) = target_of(scope) {
        return (t.is(REGISTRY) && t.names.len() == 1)
            .then(|| registry_grant(exp, r, Some(t.names[0].clone())));
    }
    // A scope that mentions a registry but cannot be read further: the first literal
    // of its term that names the registry type, and not a child of a registry.
    let Value::Unknown(u) = scope else {
        return None;
    };
    let marker = "microsoft.containerregistry/registries/";
    let mut rest = None;
    if let Some(t) = &u.term {
        term::literals(t, &mut |text| {
            if rest.is_none() {
                let lower = text.to_ascii_lowercase();
                if let Some(at) = lower.find(marker) {
                    rest = Some(lower[at + marker.len()..].to_string());
                }
            }
        });
    }
    if rest?.contains('/') {
        return None; // a child of the registry
    }
    Some(registry_grant(exp, r, None))
}

/// Where a resource is deployed: the kind of scope of its template, and keys of its
/// subscription and resource group (empty for the deployment's own; the unknown for
/// a computed one; `None` when not known at all).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Placement {
    kind: ScopeKind,
    subscription: Option<Segment>,
    group: Option<Segment>,
}

/// The registries deployed into the resource group or subscription that a role
/// assignment without `scope` is assigned at.
fn above(exp: &Expansion, ra: usize) -> Vec<Grant> {
    let Some(at) = placement(exp, ra) else {
        return Vec::new();
    };
    let via = match at.kind {
        ScopeKind::ResourceGroup => Via::ResourceGroup,
        _ => Via::Subscription,
    };
    let mut out = Vec::new();
    for (i, reg) in registries(exp) {
        if reg.existing {
            continue;
        }
        let Some(p) = placement(exp, i) else { continue };
        let same = |a: &Option<Segment>, b: &Option<Segment>| match (a, b) {
            (Some(a), Some(b)) => same_key(a, b),
            _ => false,
        };
        let covered = match at.kind {
            ScopeKind::ResourceGroup => {
                p.kind == ScopeKind::ResourceGroup
                    && same(&p.subscription, &at.subscription)
                    && same(&p.group, &at.group)
            }
            ScopeKind::Subscription => same(&p.subscription, &at.subscription),
            ScopeKind::ManagementGroup | ScopeKind::Tenant => true,
        };
        if covered {
            out.push(Grant {
                registry: Some(i),
                named: registry_key(reg),
                via,
                link: Link::Certain,
            });
        }
    }
    out
}

/// The nested deployment (index) a resource is declared in: the closest earlier
/// deployment whose inner path is the resource's (resources follow their deployment
/// in the expansion, depth first).
fn enclosing_deployment(exp: &Expansion, idx: usize) -> Option<usize> {
    let r = exp.resources.get(idx)?;
    if r.deployment.is_empty() {
        return None;
    }
    (0..idx).rev().find(|&j| {
        let d = &exp.resources[j];
        if d.nested.is_none() || !is_type(d, DEPLOYMENT) {
            return false;
        }
        let label = match &d.name {
            Value::String(s) => s.to_string(),
            _ => "<unknown>".to_string(),
        };
        let inner = if d.deployment.is_empty() {
            label
        } else {
            format!("{}/{label}", d.deployment)
        };
        inner == r.deployment
    })
}

fn key_of(v: &Value) -> Option<Segment> {
    match v {
        Value::String(s) => Some(Segment::text(s)),
        Value::Unknown(u) if u.term.is_some() => Some(Segment::unknown(v)),
        _ => None,
    }
}

fn root_scope(exp: &Expansion) -> ScopeKind {
    let schema = exp
        .files
        .first()
        .and_then(|f| f.root.get("$schema"))
        .and_then(Node::as_str)
        .unwrap_or("");
    ScopeKind::from_schema(schema)
}

fn placement(exp: &Expansion, idx: usize) -> Option<Placement> {
    let mut chain = Vec::new();
    let mut at = idx;
    while let Some(d) = enclosing_deployment(exp, at) {
        chain.push(d);
        at = d;
        if chain.len() > 64 {
            return None;
        }
    }
    if !exp.resources.get(idx)?.deployment.is_empty() && chain.is_empty() {
        return None;
    }
    let kind = root_scope(exp);
    let mut p = Placement {
        kind,
        subscription: Some(Segment::default()),
        group: (kind == ScopeKind::ResourceGroup).then(Segment::default),
    };
    for d in chain.iter().rev() {
        let body = &exp.resources[*d].body;
        let sub = body
            .get("subscriptionId")
            .filter(|v| !matches!(v, Value::Null));
        let group = body
            .get("resourceGroup")
            .filter(|v| !matches!(v, Value::Null));
        if let Some(s) = sub {
            p.subscription = key_of(s);
            if group.is_none() && p.kind != ScopeKind::ResourceGroup {
                p.kind = ScopeKind::Subscription;
                p.group = None;
            }
        }
        if let Some(g) = group {
            p.kind = ScopeKind::ResourceGroup;
            p.group = key_of(g);
        }
    }
    Some(p)
}

/// The finding of an access rule on role assignment `r`, at its `roleDefinitionId`:
/// `fail`, or `possible` with doubts (already in `message`).
pub fn role_finding(
    input: &super::RuleInput,
    r: &ExpandedResource,
    doubts: &[String],
    message: String,
    related: Vec<crate::rules::finding::Related>,
) -> crate::rules::finding::Finding {
    use crate::rules::finding::Status;
    let status = if doubts.is_empty() {
        Status::Fail
    } else {
        Status::Possible
    };
    super::emit::at_path(
        input,
        r,
        &["properties", "roleDefinitionId"],
        status,
        message,
        related,
    )
}

/// Whether a registry is deployed, as a doubt to add (`None`: it is; `Some(None)`:
/// it is not).
pub fn registry_doubt(exp: &Expansion, reg: &ExpandedResource) -> Option<Option<String>> {
    match deployed(exp, reg) {
        Deployed::Yes => None,
        Deployed::No => Some(None),
        Deployed::Maybe(why) => Some(Some(format!("the registry's {why}"))),
    }
}

/// The user-assigned identities a value refers to (by name key), and whether it
/// refers to something acrlint cannot read (an identity it may be).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identities {
    pub names: Vec<Segment>,
    pub opaque: bool,
}

impl Identities {
    /// How sure it is that `other` (a role assignment's principal) is one of these.
    pub fn link_to(&self, principal: &Identities) -> Option<Link> {
        let shared = self
            .names
            .iter()
            .any(|a| principal.names.iter().any(|b| same_key(a, b)));
        if shared {
            Some(Link::Certain)
        } else if self.opaque || principal.opaque {
            Some(Link::Maybe(
                "acrlint cannot tell which identity the script runs as".into(),
            ))
        } else {
            None
        }
    }
}

/// The user-assigned identities a value mentions: resource ids (known, or unknown
/// with the identity's type and name), object keys that are ids, and `reference()`
/// results of an identity (a principal id). A value only known at deployment, or an
/// expression acrlint leaves unevaluated, makes the set opaque.
pub fn identities_in(v: &Value, out: &mut Identities, budget: &mut usize) {
    if *budget == 0 {
        out.opaque = true;
        return;
    }
    *budget -= 1;
    fn name_of(out: &mut Identities, t: Option<super::resolve::Target>) -> bool {
        match t {
            Some(t) if t.is(USER_ASSIGNED_IDENTITY) => {
                if let Some(n) = t.names.last() {
                    if !out.names.iter().any(|x| same_key(x, n)) {
                        out.names.push(n.clone());
                    }
                }
                true
            }
            _ => false,
        }
    }
    match v {
        Value::String(s) => {
            if s.starts_with('[') && s.to_ascii_lowercase().contains("userassignedidentities") {
                out.opaque = true; // an unevaluated expression
            } else {
                name_of(out, target_of(v));
            }
        }
        Value::Object(map) => {
            for (k, x) in map.iter() {
                let key = Value::str(k);
                if !name_of(out, target_of(&key)) && k.starts_with('[') {
                    identities_in_expression(k, out);
                }
                identities_in(x, out, budget);
            }
        }
        Value::Array(items) => {
            for x in items.iter() {
                identities_in(x, out, budget);
            }
        }
        Value::Unknown(u) => {
            let via_resource = u.resource.as_deref().map(|r| super::resolve::Target {
                resource_type: r.resource_type.to_string(),
                names: r.name.0.last().cloned().into_iter().collect(),
            });
            if !name_of(out, via_resource) && !name_of(out, target_of(v)) {
                out.opaque = true;
            }
        }
        Value::Candidates(c) => {
            for x in &c.values {
                identities_in(x, out, budget);
            }
        }
        _ => {}
    }
}

/// Whether resource `r` names role assignment `ra` in its `dependsOn` (a deployment
/// script that waits for the role it needs).
pub fn depends_on(r: &ExpandedResource, ra: &ExpandedResource) -> bool {
    let Some(items) = r.body.get("dependsOn").and_then(Value::as_array) else {
        return false;
    };
    let ra_name = name_segments(&ra.name).and_then(|s| s.last().cloned());
    items.iter().any(|d| match d {
        Value::String(s) if !s.contains('/') => ra
            .symbolic
            .as_deref()
            .is_some_and(|sym| sym.eq_ignore_ascii_case(s)),
        other => target_of(other).is_some_and(|t| {
            t.is(ROLE_ASSIGNMENT)
                && match (t.names.last(), &ra_name) {
                    (Some(a), Some(b)) => same_key(a, b),
                    _ => false,
                }
        }),
    })
}

/// The identities an expression left unevaluated (an object key such as
/// `[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'importer')]`)
/// names with literal arguments; opaque when it names one otherwise, or none.
fn identities_in_expression(text: &str, out: &mut Identities) {
    use crate::arm::expr::ast::Expr;
    let Ok(Some(expr)) = crate::arm::expr::parser::parse_template_string(text) else {
        out.opaque = true;
        return;
    };
    let mut found = false;
    expr.walk_calls(&mut |name, args, _| {
        if !name.to_ascii_lowercase().ends_with("resourceid") {
            return;
        }
        let at = args.iter().position(
            |a| matches!(a, Expr::String(t, _) if t.eq_ignore_ascii_case(USER_ASSIGNED_IDENTITY)),
        );
        let Some(at) = at else { return };
        found = true;
        match args.get(at + 1) {
            Some(Expr::String(n, _)) => {
                let n = Segment::text(n);
                if !out.names.iter().any(|x| same_key(x, &n)) {
                    out.names.push(n);
                }
            }
            _ => out.opaque = true,
        }
    });
    if !found {
        out.opaque = true;
    }
}

/// The identity a role assignment is for (its `principalId`).
pub fn principal_of(r: &ExpandedResource) -> Identities {
    let mut out = Identities::default();
    match r.body.get("properties").and_then(|p| p.get("principalId")) {
        Some(v) => identities_in(v, &mut out, &mut 256),
        None => out.opaque = true,
    }
    out
}

#[cfg(test)]
mod tests;
