//! ACR019: ACR Tasks source triggers (commit, pull request) exist only for GitHub
//! (`Github`) and Azure Repos (`VisualStudioTeamService`); the Tasks API rejects any
//! other `sourceControlType`, and a GitLab or Bitbucket repository cannot trigger a
//! task (ACR FAQ). A trigger declared as `Github` whose `repositoryUrl` is on GitLab
//! or Bitbucket is reported too. Use a timer trigger or call `az acr run` from that
//! service's pipeline instead.

use super::emit::{at_path, doubts_suffix};
use super::name_text;
use super::resolve::{deployed, is_type, Deployed};
use super::RuleInput;
use super::registry::{NativeRule, Reads};
use crate::arm::value::Value;
use crate::rules::finding::{Finding, Status};

const TASK: &str = "Microsoft.ContainerRegistry/registries/tasks";
pub const SUPPORTED: [&str; 2] = ["Github", "VisualStudioTeamService"];

fn supported(s: &str) -> bool {
    SUPPORTED.iter().any(|x| x.eq_ignore_ascii_case(s))
}

/// A host that cannot send source triggers to ACR Tasks.
fn unsupported_host(url: &str) -> Option<&'static str> {
    let lower = url.to_ascii_lowercase();
    let host = lower
        .split("://")
        .nth(1)
        .unwrap_or(&lower)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host == "gitlab.com" || host.starts_with("gitlab.") {
        Some("GitLab")
    } else if host == "bitbucket.org" || host.starts_with("bitbucket.") {
        Some("Bitbucket")
    } else {
        None
    }
}

/// Reads registry tasks.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads::REGISTRIES,
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    for r in exp.resources.iter().filter(|r| is_type(r, TASK)) {
        let base = match deployed(exp, r) {
            Deployed::No => continue,
            Deployed::Maybe(why) => vec![format!("the task's {why}")],
            Deployed::Yes => Vec::new(),
        };
        let triggers = r
            .body
            .get("properties")
            .and_then(|p| p.get("trigger"))
            .and_then(|t| t.get("sourceTriggers"))
            .and_then(Value::as_array)
            .unwrap_or(&[]);
        for (i, t) in triggers.iter().enumerate() {
            let idx = i.to_string();
            let repo = t.get("sourceRepository");
            let kind = repo.and_then(|s| s.get("sourceControlType"));
            let url = repo
                .and_then(|s| s.get("repositoryUrl"))
                .and_then(Value::as_str);
            let trigger_name = t
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| format!("#{i}"), |n| format!("`{n}`"));
            let mut doubts = base.clone();
            let (path_tail, what): (&str, String) = match kind {
                Some(Value::String(s)) if !supported(s) => {
                    ("sourceControlType", format!("source control type {s:?}"))
                }
                Some(Value::String(s)) => match url.and_then(unsupported_host) {
                    Some(host) => (
                        "repositoryUrl",
                        format!("a {host} repository declared as {s:?}"),
                    ),
                    None => continue,
                },
                Some(Value::Candidates(c)) => {
                    let bad: Vec<String> = c
                        .values
                        .iter()
                        .filter_map(Value::as_str)
                        .filter(|s| !supported(s))
                        .map(|s| format!("{s:?}"))
                        .collect();
                    if bad.is_empty() {
                        continue;
                    }
                    if bad.len() < c.values.len() {
                        doubts.push(format!("when {} is {}", c.origin(), bad.join(" or ")));
                    }
                    (
                        "sourceControlType",
                        format!("source control type {}", bad.join(" or ")),
                    )
                }
                // Known only at deployment: not judged.
                _ => continue,
            };
            let status = if doubts.is_empty() {
                Status::Fail
            } else {
                Status::Possible
            };
            let message = format!(
                "task {} has source trigger {trigger_name} for {what}: only GitHub (\"Github\") and Azure Repos (\"VisualStudioTeamService\") can trigger ACR Tasks{}",
                name_text(&r.name),
                doubts_suffix(&doubts)
            );
            let path = [
                "properties",
                "trigger",
                "sourceTriggers",
                idx.as_str(),
                "sourceRepository",
                path_tail,
            ];
            out.push(at_path(input, r, &path, status, message, Vec::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            unsupported_host("https://gitlab.com/a/b.git"),
            Some("GitLab")
        );
        assert_eq!(
            unsupported_host("https://user@bitbucket.org/a/b"),
            Some("Bitbucket")
        );
        assert_eq!(
            unsupported_host("https://gitlab.contoso.com:8443/a"),
            Some("GitLab")
        );
        assert_eq!(unsupported_host("https://github.com/a/b"), None);
        assert_eq!(unsupported_host("https://dev.azure.com/o/p/_git/r"), None);
        assert_eq!(unsupported_host(""), None);
        assert!(
            supported("github") && supported("VisualStudioTeamService") && !supported("GitLab")
        );
    }
}
