//! The `fix` field of a rule file: what a safe repair of the rule's finding is.
//!
//! ```json
//! "fix": { "set": { "path": "properties.adminUserEnabled", "value": false } }
//! "fix": { "set": [ { "path": "properties.policies.exportPolicy.status", "value": "disabled" },
//!                   { "path": "properties.publicNetworkAccess", "value": "Disabled" } ] }
//! "fix": { "guard": true }
//! "fix": { "replace": { "<old text>": "<new text>" }, "applicability": "unsafe" }
//! ```
//!
//! `set` writes each value at its path under the offending resource (replacing a
//! literal, inserting missing properties, or changing the default of a parameter used
//! only there); `guard` keeps the resource out of the deployment (`"condition": false`
//! in ARM JSON, `if (false)` in Bicep); `replace` swaps text (a role definition GUID)
//! in the offending value, or in the variable or parameter default it comes from, and
//! in the rest of the resource (a name computed from it).
//!
//! `add` writes a value only where the property is absent (Azure Policy's `add`), and
//! `remove` deletes the properties at its paths (`"remove": ["properties.x"]`): with
//! `set`, what an Azure Policy `Modify` definition's operations become (see
//! [`crate::rules::modify`]).
//!
//! `applicability` says whether the fix is safe to apply unasked (`safe`, the default:
//! it keeps what the template means, only compliant) or `unsafe` (it changes what the
//! deployment does, e.g. who can do what): `acrlint fix` applies unsafe fixes only
//! with `--unsafe-fixes`, and `acrlint explain` says which a rule's fix is.

use serde::Deserialize;

/// One property to write.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetProperty {
    /// Dotted path under the resource (`properties.adminUserEnabled`).
    pub path: String,
    pub value: serde_json::Value,
}

impl SetProperty {
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('.').filter(|s| !s.is_empty()).collect()
    }

    /// The value to insert as the member `segments()[depth]` when the members below
    /// it are missing too: the value wrapped in one object per missing level.
    pub fn value_at(&self, depth: usize) -> serde_json::Value {
        let mut value = self.value.clone();
        for key in self.segments()[depth + 1..].iter().rev() {
            value = serde_json::json!({ *key: value });
        }
        value
    }

    /// Advice when the member `segments()[depth]` is an expression (`shown`, an
    /// excerpt of it), which a fix cannot edit.
    pub fn computed_at(&self, depth: usize, shown: &str) -> String {
        format!(
            "{} is computed by {}; make {} evaluate to {}",
            self.segments()[..=depth].join("."),
            shown,
            self.path,
            self.value
        )
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(SetProperty),
    Many(Vec<SetProperty>),
}

impl OneOrMany {
    fn into_vec(this: Option<OneOrMany>) -> Vec<SetProperty> {
        match this {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PathOrPaths {
    One(String),
    Many(Vec<String>),
}

/// Whether a fix may be applied without being asked for (ruff's fix safety).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps what the template means; `acrlint fix` applies it.
    #[default]
    Safe,
    /// Changes what the deployment does; applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    set: Option<OneOrMany>,
    #[serde(default)]
    add: Option<OneOrMany>,
    #[serde(default)]
    remove: Option<PathOrPaths>,
    #[serde(default)]
    guard: bool,
    #[serde(default)]
    replace: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    applicability: Applicability,
}

/// A rule's repair.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FixSpec {
    pub set: Vec<SetProperty>,
    /// Values written only where the property is absent.
    pub add: Vec<SetProperty>,
    /// Dotted paths of properties to delete.
    pub remove: Vec<String>,
    pub guard: bool,
    /// Text replacements (`old`, `new`), matched case-insensitively.
    pub replace: Vec<(String, String)>,
    pub applicability: Applicability,
}

impl FixSpec {
    /// Parse a rule's `fix` field.
    pub fn parse(value: &serde_json::Value) -> Result<FixSpec, String> {
        let raw: RawSpec =
            serde_json::from_value(value.clone()).map_err(|e| format!("invalid fix: {e}"))?;
        let set = OneOrMany::into_vec(raw.set);
        let add = OneOrMany::into_vec(raw.add);
        let remove = match raw.remove {
            None => Vec::new(),
            Some(PathOrPaths::One(p)) => vec![p],
            Some(PathOrPaths::Many(v)) => v,
        };
        let empty = |p: &str| p.split('.').all(str::is_empty);
        if set.iter().chain(&add).any(|s| s.segments().is_empty())
            || remove.iter().any(|p| empty(p))
        {
            return Err("invalid fix: empty path".into());
        }
        let mut replace = Vec::new();
        for (old, new) in raw.replace {
            let Some(new) = new.as_str() else {
                return Err(format!("invalid fix: replace {old:?} with a non-string"));
            };
            if old.is_empty() {
                return Err("invalid fix: replace of empty text".into());
            }
            replace.push((old, new.to_string()));
        }
        if set.is_empty() && add.is_empty() && remove.is_empty() && !raw.guard && replace.is_empty()
        {
            return Err("invalid fix: neither set, add, remove, guard nor replace".into());
        }
        Ok(FixSpec {
            set,
            add,
            remove,
            guard: raw.guard,
            replace,
            applicability: raw.applicability,
        })
    }
}

impl FixSpec {
    /// The values it writes: `set`, then `add`.
    pub fn writes(&self) -> impl Iterator<Item = &SetProperty> {
        self.set.iter().chain(&self.add)
    }

    /// Whether it means to change the property at the dotted `path` (or one inside
    /// it, or one it is inside): one it writes or removes.
    pub fn changes(&self, path: &str) -> bool {
        self.writes()
            .map(|s| s.path.as_str())
            .chain(self.remove.iter().map(String::as_str))
            .any(|p| overlap(p, path))
    }
}

/// Whether two dotted property paths name the same property, or one lies inside the
/// other (ASCII case ignored, as ARM compares property names).
pub fn overlap(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_add_and_remove() {
        let spec = FixSpec::parse(&json!({
            "add": {"path": "tags.env", "value": "prod"},
            "remove": "properties.x"
        }))
        .unwrap();
        assert_eq!(spec.add.len(), 1);
        assert_eq!(spec.remove, ["properties.x"]);
        assert!(spec.set.is_empty());
        assert!(spec.changes("properties.x"));
        assert!(spec.changes("tags"));
        assert!(spec.changes("tags.env"));
        assert!(!spec.changes("properties.y"));
        let many = FixSpec::parse(&json!({"remove": ["a.b", "c"]})).unwrap();
        assert_eq!(many.remove, ["a.b", "c"]);
        assert!(FixSpec::parse(&json!({"remove": ""})).is_err());
        assert!(FixSpec::parse(&json!({"remove": 1})).is_err());
    }

    #[test]
    fn parses_single_and_multiple_sets_and_guards() {
        let one =
            FixSpec::parse(&json!({"set": {"path": "properties.a", "value": false}})).unwrap();
        assert_eq!(one.set.len(), 1);
        assert_eq!(one.set[0].segments(), ["properties", "a"]);
        let many = FixSpec::parse(&json!({"set": [
            {"path": "properties.a", "value": "x"}, {"path": "b", "value": 1}
        ]}))
        .unwrap();
        assert_eq!(many.set.len(), 2);
        assert!(FixSpec::parse(&json!({"guard": true})).unwrap().guard);
        assert!(FixSpec::parse(&json!({})).is_err());
        assert!(FixSpec::parse(&json!({"set": {"path": "", "value": 1}})).is_err());
        assert!(FixSpec::parse(&json!({"sett": 1})).is_err());
    }

    #[test]
    fn replacements_and_applicability() {
        let spec =
            FixSpec::parse(&json!({"replace": {"a": "b"}, "applicability": "unsafe"})).unwrap();
        assert_eq!(spec.replace, vec![("a".to_string(), "b".to_string())]);
        assert_eq!(spec.applicability, Applicability::Unsafe);
        let safe = FixSpec::parse(&json!({"guard": true})).unwrap();
        assert_eq!(safe.applicability, Applicability::Safe);
        assert!(FixSpec::parse(&json!({"replace": {"": "b"}})).is_err());
        assert!(FixSpec::parse(&json!({"guard": true, "applicability": "maybe"})).is_err());
    }
}
