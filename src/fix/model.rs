//! The evaluated model of a file, for deciding whether a fix may be applied (the
//! registry's SKU and apiVersion as evaluated, parameters and parameter file
//! included) and for verifying an edited text before it is written: the resources
//! the file declares, evaluated in memory from the text through an `Overlay`.

use std::path::Path;
use std::sync::Arc;

use crate::arm::value::Value;
use crate::check::CheckOptions;
use crate::load::Loader;
use crate::rules::native::resolve::registry_of_child;
use crate::source::sources::{Overlay, Sources};

/// One resource the file declares (one per copy iteration), as evaluated.
#[derive(Clone, Debug)]
pub(super) struct Resource {
    /// Lowercase full type.
    pub resource_type: String,
    pub api_version: Option<String>,
    /// Byte span of the declaration in the file.
    pub span: (u32, u32),
    /// The evaluated name (`acr/westeurope`), or its term when not known.
    pub name: String,
    /// The name is known before deployment (`name` is not a term).
    pub name_known: bool,
    /// The evaluated condition and body, unknown values and candidate sets typed.
    pub condition: Value,
    pub body: Value,
    /// For a registry's child (a replication), the span of the registry it belongs
    /// to, when this file declares it.
    pub registry: Option<(u32, u32)>,
}

impl Resource {
    /// The name for a message: the evaluated name, or, when it is only known at
    /// deployment, the resource's type (never the evaluator's notation).
    pub(super) fn shown(&self) -> String {
        if !self.name_known {
            let kind = self.resource_type.rsplit('/').next().unwrap_or("resource");
            format!("the {kind} whose name is only known at deployment")
        } else {
            self.name.clone()
        }
    }
}

/// The resources of the file itself (not of its modules), in the order written.
#[derive(Clone, Debug, Default)]
pub(super) struct Model {
    pub resources: Vec<Resource>,
}

impl Model {
    /// The model of `path` when its content is `text`; `None` when it cannot be
    /// evaluated (the checks report why).
    pub(super) fn of(
        sources: &dyn Sources,
        path: &Path,
        text: &str,
        options: &CheckOptions,
    ) -> Option<Model> {
        let mut overlay = Overlay::new(sources);
        overlay.set(path, Arc::new(text.to_string()));
        Model::of_sources(&overlay, path, options, false)
    }

    /// The model of `path` as `sources` has it; `all_files`: the resources of every
    /// file it pulls in (a `.bicepparam`'s template), not only its own.
    pub(super) fn of_sources(
        sources: &dyn Sources,
        path: &Path,
        options: &CheckOptions,
        all_files: bool,
    ) -> Option<Model> {
        let expansion = Loader::new(sources).expand(path, &options.expand).ok()?;
        let mut resources: Vec<Resource> = expansion
            .resources
            .iter()
            .enumerate()
            // Deployed resources: an `existing` one only names what they read (a
            // role definition a replacement renames), which shows in them.
            .filter(|(_, r)| (all_files || r.file == 0) && !r.existing)
            .map(|(i, r)| Resource {
                resource_type: r.resource_type.to_ascii_lowercase(),
                api_version: r.api_version.as_ref().map(|a| a.to_string()),
                span: (r.span.start, r.span.end),
                // A known name as itself; otherwise as a term.
                name_known: r.name.as_str().is_some(),
                name: r
                    .name
                    .as_str()
                    .map_or_else(|| r.name.term(), str::to_string),
                condition: r.condition.clone(),
                body: r.body.clone(),
                registry: is_registry_child(&r.resource_type)
                    .then(|| registry_of_child(&expansion, i))
                    .flatten()
                    .and_then(|g| expansion.resources.get(g))
                    .filter(|g| g.file == r.file)
                    .map(|g| (g.span.start, g.span.end)),
            })
            .collect();
        // In the order they are written (edits never reorder text; the expansion
        // may order resources by name, which a fix can change).
        resources.sort_by_key(|r| r.span.0);
        Some(Model { resources })
    }

    /// The innermost resources (every copy iteration) of type `resource_type` whose
    /// declaration contains byte `at`.
    pub(super) fn at(&self, at: u32, resource_type: Option<&str>) -> Vec<&Resource> {
        let of_type =
            |r: &&Resource| resource_type.is_none_or(|t| r.resource_type.eq_ignore_ascii_case(t));
        let containing: Vec<&Resource> = self
            .resources
            .iter()
            .filter(of_type)
            .filter(|r| r.span.0 <= at && at <= r.span.1)
            .collect();
        let Some(inner) = containing.iter().map(|r| r.span.1 - r.span.0).min() else {
            return Vec::new();
        };
        containing
            .into_iter()
            .filter(|r| r.span.1 - r.span.0 == inner)
            .collect()
    }
}

/// A type under `Microsoft.ContainerRegistry/registries/` (a replication, a webhook…).
fn is_registry_child(resource_type: &str) -> bool {
    const PREFIX: &str = "microsoft.containerregistry/registries/";
    resource_type
        .get(..PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
}

/// Whether `got` (a value of the evaluated model) is the value `want` a fix
/// writes: strings compare case-insensitively, as Azure reads enum values; a value
/// with an unknown part is not known to be it.
pub(super) fn holds(got: Option<&Value>, want: &serde_json::Value) -> bool {
    match (got, want) {
        (Some(Value::String(x)), serde_json::Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Some(x), y) => x.identical(&Value::from_json(y)),
        (None, _) => false,
    }
}

/// [`Value::identical`] of two values that may be absent.
pub(super) fn same_at(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x.identical(y),
        (None, None) => true,
        _ => false,
    }
}

/// The value at a dotted path of an evaluated value (`None`: absent, or under a value
/// that is not a known object).
pub(super) fn value_at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| {
        crate::arm::value::map_get(v.as_object()?, key)
    })
}

/// The dotted paths at which two values differ (the shallowest, keys compared
/// ASCII case-insensitively as ARM does).
pub(super) fn differences(a: &Value, b: &Value, prefix: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&crate::arm::value::Str> = x.keys().collect();
            for k in y.keys() {
                if !keys.iter().any(|e| e.eq_ignore_ascii_case(k)) {
                    keys.push(k);
                }
            }
            for k in keys {
                let path = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                let get = |m: &'_ crate::arm::value::Map| {
                    m.iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(k))
                        .map(|(_, v)| v.clone())
                };
                match (get(x), get(y)) {
                    (Some(p), Some(q)) => differences(&p, &q, &path, out),
                    _ => out.push(path),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y.iter()).enumerate() {
                differences(p, q, &format!("{prefix}[{i}]"), out);
            }
        }
        _ if a.identical(b) => {}
        // Strings ARM compares case-insensitively are still a change of text.
        _ => out.push(prefix.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_are_the_shallowest_changed_paths() {
        let a = Value::from_json(
            &json!({"properties": {"a": 1, "p": {"x": true}}, "sku": {"name": "Basic"}}),
        );
        let b = Value::from_json(
            &json!({"properties": {"a": 1, "p": {"x": false}, "q": {"s": "d"}}, "sku": {"name": "Basic"}}),
        );
        let mut out = Vec::new();
        differences(&a, &b, "", &mut out);
        assert_eq!(out, vec!["properties.p.x", "properties.q"]);
        assert_eq!(
            value_at(&b, &["Properties", "q", "s"]).and_then(Value::as_str),
            Some("d")
        );
        assert!(value_at(&b, &["properties", "r"]).is_none());
    }

    #[test]
    fn an_unknown_is_not_an_object_that_looks_like_one() {
        let unknown = Value::object(
            [("admin".into(), Value::unknown("x"))]
                .into_iter()
                .collect(),
        );
        let lookalike = Value::from_json(&json!({"admin": {"$unknown": "x"}}));
        let mut out = Vec::new();
        differences(&unknown, &lookalike, "", &mut out);
        assert_eq!(out, vec!["admin"]);
        assert!(!holds(
            value_at(&unknown, &["admin"]),
            &json!({"$unknown": "x"})
        ));
        assert!(holds(
            value_at(&lookalike, &["admin"]),
            &json!({"$unknown": "x"})
        ));
        // The same unknown on both sides is no change.
        let mut out = Vec::new();
        differences(&unknown, &unknown.clone(), "", &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
