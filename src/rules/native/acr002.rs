//! ACR002: a replication in the registry's home region must be guarded with
//! `condition: false` (ACR FAQ: Azure creates the home replica itself; declaring it
//! fails, deleting it is forbidden).
//!
//! When the home region is unknown (`resourceGroup().location` without `--location`,
//! an unbound parameter), the rule does not cry wolf: it re-evaluates the template in
//! the world where the home region *is* the replica's region and reports `possible`
//! only when that world leaves the replica unguarded.

use std::collections::HashMap;
use std::sync::Arc;

use super::{normalize_location, resource_finding, DeploymentMode, RuleInput};
use crate::arm::expand::{ExpandOptions, ExpandedResource, Expansion};
use crate::arm::value::{Context, Term, Value};
use crate::rules::finding::{Finding, Level, Related, Status};
use crate::rules::locate::{location, path_span, provenance_related};
use super::registry::{NativeRule, Reads};
use super::resolve::registry_of_child;

const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";
const REPLICATION: &str = "Microsoft.ContainerRegistry/registries/replications";

/// Reads registries and their replications.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads::REGISTRIES,
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    let mut worlds: HashMap<String, Option<Arc<Expansion>>> = HashMap::new();
    for (i, r) in exp.resources_of_type(REPLICATION) {
        if r.existing {
            continue;
        }
        if matches!(r.condition, Value::Bool(false)) {
            continue;
        }
        let Some(reg) = registry_of(exp, i) else {
            continue;
        };
        let home = reg.location.clone().unwrap_or(Value::Null);
        let here = r.location.clone().unwrap_or(Value::Null);
        let verdict = judge(input, &mut worlds, r, &home, &here);
        let Some((status, detail)) = verdict else {
            continue;
        };
        let loc_span = path_span(exp, r, &["location"]);
        let mut related = provenance_related(exp, &r.traces, loc_span.span);
        let reg_loc = path_span(exp, reg, &["location"]);
        related.push(Related {
            location: location(exp, reg.file, reg_loc.span),
            message: format!(
                "registry {} is in {}",
                super::name_text(&reg.name),
                display(&home)
            ),
        });
        let level = match status {
            Status::Fail => input.meta.severity,
            Status::Possible => input.meta.severity.lower(),
        };
        let mut message = format!(
            "replication {} is in the registry's home region ({}): Azure creates the home replica itself, so deploying it fails",
            super::name_text(&r.name),
            display(&here)
        );
        if let Some(d) = detail {
            message.push_str(&format!(" ({d})"));
        }
        message.push_str("; guard it with ");
        message.push_str(guard(exp, r.file));
        let key = format!("{}#{:?}", super::name_text(&r.name), r.copy);
        out.push(resource_finding(
            input,
            Some(r),
            r.file,
            loc_span.span,
            level,
            status,
            message,
            related,
            &key,
        ));
    }
    if input.mode == DeploymentMode::Complete {
        complete_mode(input, &mut out);
    }
    out
}

/// The guard that keeps a resource out, in the syntax of the file it is written in.
fn guard(exp: &Expansion, file: crate::arm::eval::FileId) -> &'static str {
    if exp.file(file).is_some_and(|f| f.lowered) {
        "if (false)"
    } else {
        "\"condition\": false"
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Unknown(u) => u
            .term
            .as_ref()
            .map_or_else(|| "unknown".to_string(), Term::to_string),
        Value::Candidates(c) => format!("one of the allowed values of `{}`", c.parameter),
        other => other.to_string(),
    }
}

/// The registry a replication belongs to (see [`registry_of_child`]: its parent,
/// the first segment of its name, known or a deterministic term, or its `dependsOn`).
fn registry_of(exp: &Expansion, i: usize) -> Option<&ExpandedResource> {
    registry_of_child(exp, i).and_then(|g| exp.resources.get(g))
}

/// A way the home region could equal the replica's region.
enum Hypothesis {
    /// `resourceGroup().location` is this region.
    Location(String),
    /// Top-level parameter `name` has this value.
    Parameter(String, Value),
}

impl Hypothesis {
    fn key(&self) -> String {
        match self {
            Hypothesis::Location(l) => format!("location={l}"),
            Hypothesis::Parameter(p, v) => format!("param:{p}={}", v.term()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Hypothesis::Location(l) => format!("when the resource group is in {l}"),
            Hypothesis::Parameter(p, v) => format!("when parameter `{p}` is {v}"),
        }
    }
}

/// Decide one replication: `None` when compliant in every world considered.
fn judge(
    input: &RuleInput,
    worlds: &mut HashMap<String, Option<Arc<Expansion>>>,
    r: &ExpandedResource,
    home: &Value,
    here: &Value,
) -> Option<(Status, Option<String>)> {
    let same = same_location(home, here);
    match same {
        Some(false) => return None,
        Some(true) => {
            return match &r.condition {
                Value::Bool(true) => Some((Status::Fail, None)),
                _ => Some((
                    Status::Possible,
                    Some("its condition could not be evaluated".into()),
                )),
            };
        }
        None => {}
    }
    // Unknown: find hypotheses under which the two are equal.
    let hypotheses = hypotheses(home, here);
    if hypotheses.is_empty() {
        return None;
    }
    for h in hypotheses {
        let key = h.key();
        let world = worlds
            .entry(key)
            .or_insert_with(|| re_expand(input, &h).map(Arc::new))
            .clone();
        let Some(world) = world else {
            return Some((Status::Possible, Some(h.describe())));
        };
        let Some(idx) = world
            .resources
            .iter()
            .position(|x| x.span == r.span && x.copy == r.copy && x.deployment == r.deployment)
        else {
            continue;
        };
        let twin = &world.resources[idx];
        if matches!(twin.condition, Value::Bool(false)) {
            continue;
        }
        let Some(reg) = registry_of(&world, idx) else {
            continue;
        };
        let home2 = reg.location.clone().unwrap_or(Value::Null);
        let here2 = twin.location.clone().unwrap_or(Value::Null);
        if same_location(&home2, &here2) == Some(false) {
            continue;
        }
        return Some((Status::Possible, Some(h.describe())));
    }
    None
}

fn same_location(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            Some(normalize_location(x) == normalize_location(y))
        }
        (Value::Unknown(x), Value::Unknown(y)) => match (&x.term, &y.term) {
            (Some(s), Some(t)) if s == t => Some(true),
            _ => None,
        },
        (Value::Null, _) | (_, Value::Null) => Some(false),
        _ => None,
    }
}

fn hypotheses(home: &Value, here: &Value) -> Vec<Hypothesis> {
    let mut out = Vec::new();
    let mut side = |unknown: &Value, known: &Value| {
        let Some(k) = known.as_str() else { return };
        match unknown {
            Value::Unknown(u) => match &u.term {
                Some(t) if t.is_context(Context::ResourceGroup, &["location"]) => {
                    out.push(Hypothesis::Location(k.to_string()))
                }
                Some(Term::Parameter(name)) => {
                    out.push(Hypothesis::Parameter(name.to_string(), Value::str(k)));
                }
                _ => {}
            },
            Value::Candidates(c) => {
                for v in &c.values {
                    if v.as_str()
                        .is_some_and(|s| normalize_location(s) == normalize_location(k))
                    {
                        out.push(Hypothesis::Parameter(c.parameter.to_string(), v.clone()));
                    }
                }
            }
            _ => {}
        }
    };
    side(home, here);
    side(here, home);
    out
}

fn re_expand(input: &RuleInput, h: &Hypothesis) -> Option<Expansion> {
    let mut options: ExpandOptions = input.options.clone();
    match h {
        Hypothesis::Location(l) => options.context.location = Some(l.clone()),
        Hypothesis::Parameter(p, v) => options.parameter_overrides.push((p.clone(), v.clone())),
    }
    crate::load::Loader::new(input.sources)
        .expand_again(input.template_path, input.expansion, &options)
        .ok()
}

/// `--mode complete`: a registry with replications should declare its home replica,
/// guarded, or the complete deployment tries to delete it.
fn complete_mode(input: &RuleInput, out: &mut Vec<Finding>) {
    let exp = input.expansion;
    // Each replication's registry, found once.
    let of_registry: Vec<(&ExpandedResource, &ExpandedResource)> = exp
        .resources_of_type(REPLICATION)
        .filter_map(|(i, x)| registry_of(exp, i).map(|g| (g, x)))
        .collect();
    for (_, reg) in exp.resources_of_type(REGISTRY) {
        if reg.existing {
            continue;
        }
        if matches!(reg.condition, Value::Bool(false)) {
            continue;
        }
        let replicas: Vec<&ExpandedResource> = of_registry
            .iter()
            .filter(|(g, _)| std::ptr::eq(*g, reg))
            .map(|(_, x)| *x)
            .collect();
        if replicas.is_empty() {
            continue;
        }
        let home = reg.location.clone().unwrap_or(Value::Null);
        let declared = replicas.iter().any(|x| {
            !matches!(x.condition, Value::Bool(true))
                && same_location(&home, x.location.as_ref().unwrap_or(&Value::Null)) != Some(false)
        });
        if declared {
            continue;
        }
        let span = path_span(exp, reg, &["location"]).span;
        out.push(resource_finding(
            input,
            Some(reg),
            reg.file,
            span,
            Level::Warning,
            Status::Fail,
            format!(
                "registry {} has replications but does not declare its home replica ({}); a complete-mode deployment would try to delete it: declare it with {}",
                super::name_text(&reg.name),
                display(&home),
                guard(exp, reg.file)
            ),
            Vec::new(),
            "complete-mode-home-replica",
        ));
    }
}
