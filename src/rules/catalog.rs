//! Rule metadata: one JSON file per rule in `rules/`, embedded in the binary by the
//! registry (`native::registry`).

use serde::{Deserialize, Serialize};

use crate::rules::finding::Level;

/// An Azure Policy definition a rule mirrors.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyRef {
    /// The definition's name (a GUID).
    pub id: String,
    pub display_name: String,
    /// The definition's effect (`Audit`, `Deny`, `Modify`, …).
    pub effect: String,
}

/// Documentation in the ruff shape.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleDocs {
    pub what_it_does: String,
    pub why_is_this_bad: String,
    /// A non-compliant ARM template (tested: it must trigger the rule).
    pub example: String,
    /// A compliant ARM template (tested: it must not trigger the rule).
    pub use_instead: String,
    #[serde(default)]
    pub references: Vec<String>,
    /// The Azure documentation or policy the rule follows, and when it was last
    /// checked against it. Every built-in rule has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RuleSource>,
}

/// Where a rule's requirement comes from on Azure's side.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSource {
    pub name: String,
    pub url: String,
    /// The date (YYYY-MM-DD) the rule was last compared with the source.
    pub checked: String,
}

/// A rule as described by its file in `rules/`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub severity: Level,
    /// `Audit`, `Deny` or `Disabled`, mirroring Azure Policy.
    pub effect: String,
    #[serde(default)]
    pub policies: Vec<PolicyRef>,
    /// Resource types the rule looks at (case-insensitive).
    #[serde(default)]
    pub resource_types: Vec<String>,
    /// Azure Policy `policyRule.if` grammar: true means the resource violates the rule.
    /// Absent for native rules (Rust functions registered under the id).
    #[serde(default)]
    pub condition: Option<serde_json::Value>,
    /// Property path the finding points at (`properties.adminUserEnabled`).
    #[serde(default)]
    pub location: Option<String>,
    /// Message; `{name}` is replaced by the resource name, `{value}` by the offending value.
    pub message: String,
    /// What Azure does when the property is omitted, appended to the message when it is.
    #[serde(default)]
    pub when_omitted: Option<String>,
    pub recommendation: String,
    /// The recommendation in Bicep syntax (`adminUserEnabled: false`, `if (false)`),
    /// shown for findings in Bicep files; absent when the recommendation has no syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation_bicep: Option<String>,
    pub help_uri: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// SARIF `security-severity` (0.0–10.0) as a string.
    pub security_severity: String,
    #[serde(default)]
    pub fix: Option<serde_json::Value>,
    pub docs: RuleDocs,
}

impl RuleMeta {
    /// The recommendation in the syntax of the file a finding is in.
    pub fn recommendation_for(&self, path: &std::path::Path) -> &str {
        let bicep = crate::source::file::Language::of(path)
            .is_some_and(crate::source::file::Language::is_bicep);
        match &self.recommendation_bicep {
            Some(b) if bicep => b,
            _ => &self.recommendation,
        }
    }
}

/// Parse one rule file.
pub fn parse_rule(text: &str) -> Result<RuleMeta, String> {
    serde_json::from_str(text).map_err(|e| format!("line {} column {}: {e}", e.line(), e.column()))
}
