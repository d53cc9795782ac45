//! The `fix` field of a rule file: what a safe repair of the rule's finding is.
//!
//! ```json
//! "fix": { "set": { "path": "properties.adminUserEnabled", "value": false } }
//! "fix": { "set": [ { "path": "properties.policies.exportPolicy.status", "value": "disabled" },
//!                   { "path": "properties.publicNetworkAccess", "value": "Disabled" } ] }
//! "fix": { "guard": true }
//! ```
//!
//! `set` writes each value at its path under the offending resource (replacing a
//! literal, inserting missing properties, or changing the default of a parameter used
//! only there); `guard` keeps the resource out of the deployment (`"condition": false`
//! in ARM JSON, `if (false)` in Bicep).

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    set: Option<OneOrMany>,
    #[serde(default)]
    guard: bool,
}

/// A rule's repair.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FixSpec {
    pub set: Vec<SetProperty>,
    pub guard: bool,
}

impl FixSpec {
    /// Parse a rule's `fix` field.
    pub fn parse(value: &serde_json::Value) -> Result<FixSpec, String> {
        let raw: RawSpec =
            serde_json::from_value(value.clone()).map_err(|e| format!("invalid fix: {e}"))?;
        let set = match raw.set {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        };
        if set.iter().any(|s| s.segments().is_empty()) {
            return Err("invalid fix: empty path".into());
        }
        if set.is_empty() && !raw.guard {
            return Err("invalid fix: neither set nor guard".into());
        }
        Ok(FixSpec {
            set,
            guard: raw.guard,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
