//! ACR020: a role assignment on a registry should grant the least-privilege built-in
//! role for what the identity does, in the registry's role assignment mode, not Owner
//! or Contributor: those also let the principal change the registry's settings,
//! delete it and (Owner) grant access to others (ACR docs, "Azure Container Registry
//! Entra permissions and role assignments overview", checked 2026-12-01).
//!
//! The recommendation follows the task the template shows and the registry's mode:
//! - an identity that a deployment script runs `az acr import` (or other `az acr`
//!   commands) as, on this registry: the roles those commands need
//!   (Container Registry Data Importer and Data Reader for an import);
//! - otherwise, to pull or push: AcrPull/AcrPush in RBAC mode, Container Registry
//!   Repository Reader/Writer in ABAC mode (`roleAssignmentMode:
//!   AbacRepositoryPermissions`), both when the mode is not known;
//! - a command with no narrower built-in role gets no role suggestion, so that the
//!   advice never removes access the template visibly needs.
//!
//! A role assignment is on a registry when it is an extension resource whose `scope`
//! is the registry (`Microsoft.ContainerRegistry/registries/<name>`, a resource id, a
//! Bicep `scope: registry`), or the older nested form
//! `Microsoft.ContainerRegistry/registries/providers/roleAssignments` named
//! `<registry>/Microsoft.Authorization/<guid>`.

use super::access::roles::{role_ids, CONTRIBUTOR, OWNER};
use super::access::scripts::{advice_for, scripts, Script, Task, DEPLOYMENT_SCRIPT};
use super::access::{
    depends_on, grants, is_role_assignment, mode_of, principal_of, role_finding, Grant, Mode, Via,
};
use super::emit::{doubts_suffix, related_at};
use super::resolve::{deployed, is_type, registries, registry_key, Deployed, Link};
use super::registry::NativeRule;
use super::{name_text, RuleInput};
use crate::arm::expand::Expansion;
use crate::arm::value::Value;
use crate::rules::finding::{Finding, Related};

/// Owner or Contributor, by role definition GUID.
fn broad_role(guid: &str) -> Option<&'static str> {
    [OWNER, CONTRIBUTOR]
        .into_iter()
        .find(|r| r.id.eq_ignore_ascii_case(guid))
        .map(|r| r.name)
}

/// Reads what the access rules read ([`super::access::READS`]).
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: super::access::READS,
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let scripts = scripts(exp);
    let mut out = Vec::new();
    for (i, r) in exp.resources.iter().enumerate() {
        if !is_role_assignment(r) {
            continue;
        }
        let Some(grant) = grants(exp, i).into_iter().find(|g| g.via == Via::Registry) else {
            continue;
        };
        let mut doubts = match deployed(exp, r) {
            Deployed::No => continue,
            Deployed::Maybe(why) => vec![format!("the role assignment's {why}")],
            Deployed::Yes => Vec::new(),
        };
        if let Link::Maybe(why) = &grant.link {
            doubts.push(why.clone());
        }
        let Some(role) = r
            .body
            .get("properties")
            .and_then(|p| p.get("roleDefinitionId"))
        else {
            continue;
        };
        let roles = match role_ids(role) {
            Some(ids) => {
                let mut names: Vec<&str> = Vec::new();
                for b in ids.guids.iter().filter_map(|g| broad_role(g)) {
                    if !names.contains(&b) {
                        names.push(b);
                    }
                }
                if names.is_empty() {
                    continue;
                }
                if names.len() < ids.guids.len() {
                    let on = match role {
                        Value::Candidates(c) => {
                            format!("when {} names it", c.origin())
                        }
                        _ => "the role is only one of several it may be".into(),
                    };
                    doubts.push(on);
                }
                names.join(" or ")
            }
            None => {
                doubts.push("the role is only known at deployment".into());
                "a role known only at deployment".to_string()
            }
        };
        let registry = grant.registry.and_then(|g| exp.resources.get(g));
        let mode = registry.map_or(Mode::Unseen, mode_of);
        let on = match (registry, &grant.named) {
            (Some(reg), _) => format!("registry {}", name_text(&reg.name)),
            (None, Some(key)) => format!("registry {}", super::key_text(key)),
            (None, None) => "a registry".to_string(),
        };
        let (advice, related) = recommend(input, &scripts, i, &grant, &mode);
        let message = format!(
            "role assignment {} grants {roles} on {on}{}: {advice}{}",
            name_text(&r.name),
            mode_note(&mode),
            doubts_suffix(&doubts)
        );
        out.push(role_finding(input, r, &doubts, message, related));
    }
    out
}

/// What the registry's mode changes for Owner and Contributor.
fn mode_note(mode: &Mode) -> String {
    match mode {
        Mode::Abac => " (roleAssignmentMode AbacRepositoryPermissions: there Owner and Contributor grant no image access, and AcrPull and AcrPush are not honored)".into(),
        Mode::AbacWhen(p) => format!(
            " (its roleAssignmentMode depends on {})",
            crate::arm::value::choice_origin(p)
        ),
        _ => String::new(),
    }
}

/// The default advice: the data plane roles for pulling and pushing in the mode.
fn pull_or_push(mode: &Mode) -> String {
    let pull = advice_for(&[Task::Pull], mode).unwrap_or_default();
    let push = advice_for(&[Task::Push], mode).unwrap_or_default();
    format!("to pull images grant {pull}; to push, {push}")
}

/// Tasks a script runs on the registry as the assignment's principal.
struct ScriptTasks<'s> {
    script: &'s Script,
    tasks: Vec<Task>,
    certain: bool,
}

/// The recommendation for role assignment `ra` on the registry of `grant`.
fn recommend(
    input: &RuleInput,
    scripts: &[Script],
    ra: usize,
    grant: &Grant,
    mode: &Mode,
) -> (String, Vec<Related>) {
    let exp = input.expansion;
    let principal = exp.resources.get(ra).map(principal_of).unwrap_or_default();
    let key = grant
        .registry
        .and_then(|g| exp.resources.get(g))
        .and_then(registry_key)
        .or_else(|| grant.named.clone());
    let only_registry = registries(exp).filter(|(_, r)| !r.existing).count() <= 1;
    let mut found: Vec<ScriptTasks> = Vec::new();
    let assignment = exp.resources.get(ra);
    for s in scripts {
        let waits = assignment
            .zip(exp.resources.get(s.resource))
            .is_some_and(|(a, script)| depends_on(script, a));
        let link = if waits {
            Link::Certain
        } else {
            match s.identity.link_to(&principal) {
                Some(l) => l,
                None => continue,
            }
        };
        let (tasks, named) = s.tasks_on(key.as_ref(), only_registry);
        if tasks.is_empty() {
            continue;
        }
        found.push(ScriptTasks {
            script: s,
            tasks,
            certain: named && link == Link::Certain,
        });
    }
    let mut related = Vec::new();
    for f in &found {
        if let Some(rel) = script_location(input, exp, f.script) {
            related.push(rel);
        }
    }
    let certain: Vec<&ScriptTasks> = found.iter().filter(|f| f.certain).collect();
    if !certain.is_empty() {
        let mut tasks: Vec<Task> = Vec::new();
        for f in &certain {
            for t in &f.tasks {
                if !tasks.contains(t) {
                    tasks.push(t.clone());
                }
            }
        }
        let runs = runs_text(&certain);
        let advice = match advice_for(&tasks, mode) {
            Some(roles) => format!("the identity {runs}: grant {roles} instead"),
            None => format!(
                "the identity {runs}, for which acrlint knows no narrower built-in role: keep the access those commands need (see the ACR built-in roles directory), and nothing more"
            ),
        };
        return (advice, related);
    }
    let mut advice = format!("{} instead", pull_or_push(mode));
    for f in &found {
        let runs = runs_text(&[f]);
        match advice_for(&f.tasks, mode) {
            Some(roles) => advice.push_str(&format!(
                "; if it is the identity that {runs}, grant {roles}"
            )),
            None => advice.push_str(&format!(
                "; if it is the identity that {runs}, keep the access those commands need"
            )),
        }
    }
    (advice, related)
}

/// `runs az acr import in deployment script X` for one or more scripts.
fn runs_text(found: &[&ScriptTasks]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for f in found {
        let what: Vec<String> = f.tasks.iter().map(Task::describe).collect();
        // Scripts of separate deployments may share a name: said once.
        let part = format!("{} in {}", what.join(" and "), f.script.name);
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    format!("runs {}", parts.join("; "))
}

/// A related location at the script's commands.
fn script_location(input: &RuleInput, exp: &Expansion, s: &Script) -> Option<Related> {
    let r = exp.resources.get(s.resource)?;
    let path: &[&str] = if is_type(r, DEPLOYMENT_SCRIPT) {
        &["properties", "scriptContent"]
    } else {
        &["properties", "parameters", "scriptContent"]
    };
    Some(related_at(
        input,
        r,
        path,
        format!("{} runs registry commands", s.name),
    ))
}
