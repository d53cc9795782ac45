//! ACR018: repository names follow the OCI distribution grammar: lowercase letters
//! and digits in components separated by `.`, `_`, `__` or dashes, components joined
//! by `/` (ACR FAQ: "lowercase alphanumeric characters, periods, dashes, underscores
//! and forward slashes"). Checked where templates write repository names: scope-map
//! actions (`repositories/<name>/content/read`), cache rules' `targetRepository`, and
//! the image names of tasks and task runs (`{{.Run.Registry}}/<name>:<tag>`). A
//! trailing `*` (wildcard scope maps and cache rules) is accepted.

use std::sync::OnceLock;

use regex::Regex;

use super::emit::{at_path, doubts_suffix};
use super::name_text;
use super::resolve::{deployed, is_type, Deployed};
use super::RuleInput;
use super::registry::{NativeRule, Reads};
use crate::arm::expand::ExpandedResource;
use crate::arm::value::Value;
use crate::rules::finding::{Finding, Status};

const SCOPE_MAP: &str = "Microsoft.ContainerRegistry/registries/scopeMaps";
const CACHE_RULE: &str = "Microsoft.ContainerRegistry/registries/cacheRules";
const TASK: &str = "Microsoft.ContainerRegistry/registries/tasks";
const TASK_RUN: &str = "Microsoft.ContainerRegistry/registries/taskRuns";

fn oci_name() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        // distribution/reference: path-component (/ path-component)*
        let component = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
        Regex::new(&format!("^{component}(?:/{component})*$")).ok()
    })
    .as_ref()
}

/// Whether `name` is a valid repository name, allowing a trailing wildcard.
pub fn valid_repository(name: &str) -> bool {
    let name = name.strip_suffix("/*").unwrap_or(name);
    name == "*" || oci_name().is_some_and(|re| re.is_match(name))
}

/// What is wrong with a repository name, in words.
pub fn repository_problem(name: &str) -> Option<String> {
    if valid_repository(name) {
        return None;
    }
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("has uppercase letters".into());
    }
    let other: Vec<String> = name
        .chars()
        .filter(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(*c)))
        .map(|c| format!("{c:?}"))
        .fold(Vec::new(), |mut acc, c| {
            if !acc.contains(&c) {
                acc.push(c);
            }
            acc
        });
    if !other.is_empty() {
        return Some(format!("contains {}", other.join(", ")));
    }
    Some("has a separator at the start or end of a component, or separators in a row".into())
}

/// The repository of a scope-map action (`repositories/<name>/content/read`); `None`
/// for other actions (`gateway/…`).
pub fn action_repository(action: &str) -> Option<&str> {
    let rest = action.strip_prefix("repositories/")?;
    let (head, last) = rest.rsplit_once('/')?;
    // `content/read`, `metadata/write`…; older two-word actions (`contentWrite`) have
    // one segment after the name.
    match head.rsplit_once('/') {
        Some((repo, category)) if ["content", "metadata"].contains(&category) => Some(repo),
        _ if !last.is_empty() => Some(head),
        _ => None,
    }
}

/// The repository of an image name (`{{.Run.Registry}}/team/app:{{.Run.ID}}`); `None`
/// when it is written with run-time placeholders acrlint cannot resolve.
pub fn image_repository(image: &str) -> Option<String> {
    let image = image.trim();
    let without_digest = image.split('@').next().unwrap_or(image);
    let (first, rest) = match without_digest.split_once('/') {
        Some((f, r)) => (f, Some(r)),
        None => (without_digest, None),
    };
    // A first component with `.` or `:` or `localhost`, or a placeholder, is a registry.
    let path = match rest {
        Some(r)
            if first.contains('.')
                || first.contains(':')
                || first == "localhost"
                || first.starts_with("{{")
                || first.starts_with('$') =>
        {
            r
        }
        _ => without_digest,
    };
    // The tag follows the last `:` of the last component.
    let repo = match path.rsplit_once('/') {
        Some((dir, last)) => format!("{dir}/{}", last.split(':').next().unwrap_or(last)),
        None => path.split(':').next().unwrap_or(path).to_string(),
    };
    if repo.contains("{{") || repo.contains('$') {
        return None;
    }
    Some(repo)
}

/// A repository name written somewhere in a resource.
struct Written<'v> {
    path: Vec<String>,
    value: &'v Value,
    /// How the repository is found in the value.
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    Action,
    Repository,
    Image,
}

fn repository_in(kind: Kind, s: &str) -> Option<String> {
    match kind {
        Kind::Action => action_repository(s).map(str::to_string),
        Kind::Repository => Some(s.to_string()),
        Kind::Image => image_repository(s),
    }
}

fn array_items<'v>(v: Option<&'v Value>, path: &[&str], kind: Kind, out: &mut Vec<Written<'v>>) {
    if let Some(Value::Array(items)) = v {
        for (i, item) in items.iter().enumerate() {
            let mut p: Vec<String> = path.iter().map(|s| s.to_string()).collect();
            p.push(i.to_string());
            out.push(Written {
                path: p,
                value: item,
                kind,
            });
        }
    }
}

fn written(r: &ExpandedResource) -> Vec<Written<'_>> {
    let props = r.body.get("properties");
    let mut out = Vec::new();
    if is_type(r, SCOPE_MAP) {
        array_items(
            props.and_then(|p| p.get("actions")),
            &["properties", "actions"],
            Kind::Action,
            &mut out,
        );
    } else if is_type(r, CACHE_RULE) {
        if let Some(v) = props.and_then(|p| p.get("targetRepository")) {
            out.push(Written {
                path: vec!["properties".into(), "targetRepository".into()],
                value: v,
                kind: Kind::Repository,
            });
        }
    } else if is_type(r, TASK) {
        array_items(
            props
                .and_then(|p| p.get("step"))
                .and_then(|s| s.get("imageNames")),
            &["properties", "step", "imageNames"],
            Kind::Image,
            &mut out,
        );
    } else if is_type(r, TASK_RUN) {
        array_items(
            props
                .and_then(|p| p.get("runRequest"))
                .and_then(|s| s.get("imageNames")),
            &["properties", "runRequest", "imageNames"],
            Kind::Image,
            &mut out,
        );
    }
    out
}

/// Reads scope maps and the repositories registry children name.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads::REGISTRIES,
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    for r in &exp.resources {
        let base = match deployed(exp, r) {
            Deployed::No => continue,
            Deployed::Maybe(why) => vec![format!("the resource's {why}")],
            Deployed::Yes => Vec::new(),
        };
        for w in written(r) {
            let (bad, mut doubts) = match w.value {
                Value::String(s) => match repository_in(w.kind, s) {
                    Some(repo) => match repository_problem(&repo) {
                        Some(p) => (vec![(repo, p)], Vec::new()),
                        None => continue,
                    },
                    None => continue,
                },
                Value::Candidates(c) => {
                    let bad: Vec<(String, String)> = c
                        .values
                        .iter()
                        .filter_map(|v| {
                            let repo = repository_in(w.kind, v.as_str()?)?;
                            repository_problem(&repo).map(|p| (repo, p))
                        })
                        .collect();
                    if bad.is_empty() {
                        continue;
                    }
                    let doubts = if bad.len() == c.values.len() {
                        Vec::new()
                    } else {
                        vec![format!("when {} takes one of these values", c.origin())]
                    };
                    (bad, doubts)
                }
                // Known only at deployment (user input): not judged.
                _ => continue,
            };
            doubts.splice(0..0, base.iter().cloned());
            let status = if doubts.is_empty() {
                Status::Fail
            } else {
                Status::Possible
            };
            let list: Vec<String> = bad.iter().map(|(n, p)| format!("{n:?} {p}")).collect();
            let message = format!(
                "{} {} names repository {}: repository names are lowercase letters and digits separated by '.', '_', '__', '-' or '/'{}",
                short_type(r),
                name_text(&r.name),
                list.join("; "),
                doubts_suffix(&doubts)
            );
            let path: Vec<&str> = w.path.iter().map(String::as_str).collect();
            out.push(at_path(input, r, &path, status, message, Vec::new()));
        }
    }
    out
}

fn short_type(r: &ExpandedResource) -> &'static str {
    if is_type(r, SCOPE_MAP) {
        "scope map"
    } else if is_type(r, CACHE_RULE) {
        "cache rule"
    } else if is_type(r, TASK) {
        "task"
    } else {
        "task run"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oci_grammar() {
        for ok in [
            "hello-world",
            "a",
            "team/app",
            "a.b_c__d---e/f",
            "samples/*",
            "*",
            "x9/y8",
        ] {
            assert!(valid_repository(ok), "{ok}");
        }
        for bad in [
            "Hello", "-a", "a-", "a..b", "a___b", "a//b", "/a", "a/", "a b", "ä", "", "a/*/b",
        ] {
            assert!(!valid_repository(bad), "{bad}");
        }
        assert_eq!(
            repository_problem("MyApp").as_deref(),
            Some("has uppercase letters")
        );
        assert_eq!(
            repository_problem("my app").as_deref(),
            Some("contains ' '")
        );
        assert!(repository_problem("a..b").unwrap().contains("separator"));
    }

    #[test]
    fn actions() {
        assert_eq!(
            action_repository("repositories/hello-world/content/read"),
            Some("hello-world")
        );
        assert_eq!(
            action_repository("repositories/team/app/metadata/write"),
            Some("team/app")
        );
        assert_eq!(
            action_repository("repositories/myrepository/contentWrite"),
            Some("myrepository")
        );
        assert_eq!(action_repository("gateway/connected/config/read"), None);
        assert_eq!(action_repository("repositories/"), None);
    }

    #[test]
    fn images() {
        assert_eq!(
            image_repository("{{.Run.Registry}}/team/app:{{.Run.ID}}").as_deref(),
            Some("team/app")
        );
        assert_eq!(
            image_repository("myregistry.azurecr.io/App:v1").as_deref(),
            Some("App")
        );
        assert_eq!(
            image_repository("hello-world:latest").as_deref(),
            Some("hello-world")
        );
        assert_eq!(
            image_repository("localhost:5000/x/y@sha256:abc").as_deref(),
            Some("x/y")
        );
        assert_eq!(image_repository("team/{{.Values.app}}:1"), None);
        assert_eq!(image_repository("$Registry/app:1").as_deref(), Some("app"));
    }
}
