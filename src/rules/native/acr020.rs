//! ACR020: a role assignment on a registry should grant AcrPull
//! (`7f951dda-4ed3-4680-a7ca-43fe172d538d`) or AcrPush
//! (`8311e382-0749-4cb8-b61a-304f252e45ec`), not Owner or Contributor: those also
//! let the principal change the registry's settings, delete it and (Owner) grant
//! access to others, far more than pulling or pushing images needs (ACR FAQ, "Azure
//! Container Registry roles and permissions").
//!
//! A role assignment is on a registry when it is an extension resource whose `scope`
//! is the registry (`Microsoft.ContainerRegistry/registries/<name>`, a resource id, a
//! Bicep `scope: registry`), or the older nested form
//! `Microsoft.ContainerRegistry/registries/providers/roleAssignments` named
//! `<registry>/Microsoft.Authorization/<guid>`.

use super::emit::{at_path, doubts_suffix};
use super::name_text;
use super::resolve::{deployed, is_type, target_of, Deployed, REGISTRY};
use super::RuleInput;
use crate::arm::expand::ExpandedResource;
use crate::arm::value::Value;
use crate::rules::finding::{Finding, Status};

const ROLE_ASSIGNMENT: &str = "Microsoft.Authorization/roleAssignments";
const NESTED_ROLE_ASSIGNMENT: &str =
    "Microsoft.ContainerRegistry/registries/providers/roleAssignments";

pub const OWNER: &str = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
pub const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
pub const ACR_PUSH: &str = "8311e382-0749-4cb8-b61a-304f252e45ec";

/// Owner or Contributor, by role definition GUID.
fn broad_role(guid: &str) -> Option<&'static str> {
    if guid.eq_ignore_ascii_case(OWNER) {
        Some("Owner")
    } else if guid.eq_ignore_ascii_case(CONTRIBUTOR) {
        Some("Contributor")
    } else {
        None
    }
}

/// The registry a role assignment is scoped to: `Some(Some(name))`, `Some(None)` when
/// it is a registry whose name is not known, `None` when it is not on a registry.
fn registry_scope(r: &ExpandedResource) -> Option<(Option<String>, Option<String>)> {
    if is_type(r, NESTED_ROLE_ASSIGNMENT) {
        let name = match &r.name {
            Value::String(s) => s.split('/').next().map(str::to_string),
            _ => None,
        };
        return Some((name, None));
    }
    if !is_type(r, ROLE_ASSIGNMENT) {
        return None;
    }
    let scope = r.body.get("scope")?;
    if let Some(t) = target_of(scope) {
        return (t.is(REGISTRY) && t.names.len() == 1).then(|| (Some(t.names[0].clone()), None));
    }
    // A scope that mentions a registry but cannot be read further.
    let text = match scope {
        Value::Unknown(u) => u.term.as_deref().unwrap_or("").to_ascii_lowercase(),
        _ => return None,
    };
    let at = text.find("microsoft.containerregistry/registries/")?;
    let after = &text[at + "microsoft.containerregistry/registries/".len()..];
    let segment_end = after.find(['\'', '/']).unwrap_or(after.len());
    if after[segment_end..].starts_with('/') {
        return None; // a child of the registry
    }
    Some((None, Some("the scope is only known at deployment".into())))
}

/// Role definition GUIDs a `roleDefinitionId` may hold; `None` when it cannot be told.
fn role_guids(v: &Value) -> Option<Vec<String>> {
    let last = |s: &str| s.rsplit('/').next().unwrap_or(s).trim().to_string();
    match v {
        Value::String(s) => Some(vec![last(s)]),
        Value::Candidates(c) => c
            .values
            .iter()
            .map(|x| x.as_str().map(last))
            .collect::<Option<Vec<_>>>(),
        Value::Unknown(u) => {
            if let Some(r) = &u.resource {
                if r.resource_type
                    .to_ascii_lowercase()
                    .ends_with("roledefinitions")
                {
                    return Some(vec![last(&r.name)]);
                }
            }
            let term = u.term.as_deref()?.to_ascii_lowercase();
            let known = [OWNER, CONTRIBUTOR, ACR_PULL, ACR_PUSH];
            let found: Vec<String> = known
                .iter()
                .filter(|g| term.contains(*g))
                .map(|g| g.to_string())
                .collect();
            (found.len() == 1).then_some(found)
        }
        _ => None,
    }
}

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    for r in &exp.resources {
        let Some((registry, scope_doubt)) = registry_scope(r) else {
            continue;
        };
        let mut doubts = match deployed(exp, r) {
            Deployed::No => continue,
            Deployed::Maybe(why) => vec![format!("the role assignment's {why}")],
            Deployed::Yes => Vec::new(),
        };
        doubts.extend(scope_doubt);
        let role = r
            .body
            .get("properties")
            .and_then(|p| p.get("roleDefinitionId"));
        let Some(role) = role else { continue };
        let roles = match role_guids(role) {
            Some(guids) => {
                let broad: Vec<&str> = guids.iter().filter_map(|g| broad_role(g)).collect();
                if broad.is_empty() {
                    continue;
                }
                if broad.len() < guids.len() {
                    if let Value::Candidates(c) = role {
                        doubts.push(format!("when {} names it", c.origin()));
                    }
                }
                let mut names: Vec<&str> = Vec::new();
                for b in broad {
                    if !names.contains(&b) {
                        names.push(b);
                    }
                }
                names.join(" or ")
            }
            None => {
                doubts.push("the role is only known at deployment".into());
                "a role known only at deployment".to_string()
            }
        };
        let status = if doubts.is_empty() {
            Status::Fail
        } else {
            Status::Possible
        };
        let on = registry.map_or_else(
            || "a registry".to_string(),
            |n| match n.strip_prefix('⟦').and_then(|x| x.strip_suffix('⟧')) {
                Some(term) => format!("registry [{}]", term.replace(['⟦', '⟧'], "")),
                None => format!("registry {n}"),
            },
        );
        let message = format!(
            "role assignment {} grants {roles} on {on}: to pull or push images grant AcrPull ({ACR_PULL}) or AcrPush ({ACR_PUSH}) instead{}",
            name_text(&r.name),
            doubts_suffix(&doubts)
        );
        out.push(at_path(
            input,
            r,
            &["properties", "roleDefinitionId"],
            status,
            message,
            Vec::new(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_guids_from_ids_and_terms() {
        let id = Value::str(
            "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c",
        );
        assert_eq!(role_guids(&id), Some(vec![CONTRIBUTOR.to_string()]));
        let term = Value::unknown_term(
            "subscription id is not set",
            "subscriptionresourceid('Microsoft.Authorization/roleDefinitions','8e3af657-a8ff-443c-a75c-2fe8c4bcb635')",
        );
        assert_eq!(role_guids(&term), Some(vec![OWNER.to_string()]));
        assert_eq!(
            role_guids(&Value::unknown("parameter 'role' has no value")),
            None
        );
        assert_eq!(
            broad_role("B24988AC-6180-42A0-AB88-20F7382DD24C"),
            Some("Contributor")
        );
        assert_eq!(broad_role(ACR_PULL), None);
    }
}
