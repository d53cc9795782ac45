//! The server's settings, from the editor's initialization options or
//! `workspace/didChangeConfiguration` (either the settings object itself or one
//! under an `acrlint` key):
//!
//! ```json
//! { "config": "/repo/acrlint.json", "mode": "complete", "location": "westeurope",
//!   "resourceGroup": "rg", "subscriptionId": "…", "debounceMs": 25,
//!   "isolated": false, "allowPath": ["/shared/templates"] }
//! ```
//!
//! Templates read files inside their document's root only (the nearest enclosing
//! repository, else the document's folder), as `check` does; `allowPath` widens it.
//!
//! Without `config`, each file's `acrlint.json` is found by walking up from it, as
//! `check` does. Unknown keys are ignored (editors send their whole settings tree).

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use crate::arm::eval::DeploymentContext;
use crate::arm::expand::ExpandOptions;
use crate::check::config::ConfigResolver;
use crate::check::CheckOptions;
use crate::load::Confined;
use crate::rules::native::DeploymentMode;

/// How long edits must pause before a check, by default (at most: see `worker`).
pub const DEFAULT_DEBOUNCE_MS: u64 = 25;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// A configuration file for every template (else `acrlint.json` walking up).
    pub config: Option<PathBuf>,
    /// `incremental` (default) or `complete`.
    pub mode: Option<String>,
    pub location: Option<String>,
    pub resource_group: Option<String>,
    pub subscription_id: Option<String>,
    pub debounce_ms: u64,
    /// Ignore every `acrlint.json` in the tree (only `config` applies), as
    /// `check --isolated`.
    pub isolated: bool,
    /// Directories outside a document's root that its templates may read, as
    /// `check --allow-path`.
    pub allow_path: Vec<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            config: None,
            mode: None,
            location: None,
            resource_group: None,
            subscription_id: None,
            debounce_ms: DEFAULT_DEBOUNCE_MS,
            isolated: false,
            allow_path: Vec::new(),
        }
    }
}

impl Settings {
    /// Settings from the editor's JSON; what cannot be read is left at its default.
    pub fn from_json(value: &serde_json::Value) -> Settings {
        let value = value.get("acrlint").unwrap_or(value);
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    /// The options documents are checked with (a fresh configuration lookup; a
    /// configuration may name only the `rules` the server runs).
    pub fn check_options(&self, rules: Vec<String>) -> Result<CheckOptions, String> {
        let resolver = ConfigResolver::from_option(self.config.as_deref(), rules, self.isolated)?;
        let mode = match self.mode.as_deref() {
            None => DeploymentMode::Incremental,
            Some(m) if m.eq_ignore_ascii_case("incremental") => DeploymentMode::Incremental,
            Some(m) if m.eq_ignore_ascii_case("complete") => DeploymentMode::Complete,
            Some(other) => {
                return Err(format!(
                    "mode: {other:?} is neither \"incremental\" nor \"complete\""
                ))
            }
        };
        Ok(CheckOptions {
            expand: ExpandOptions {
                context: DeploymentContext {
                    location: self.location.clone(),
                    resource_group: self.resource_group.clone(),
                    subscription_id: self.subscription_id.clone(),
                    ..Default::default()
                },
                ..Default::default()
            },
            mode,
            config: Some(Arc::new(resolver)),
            jobs: Some(1),
            confined: Some(Confined::new(&[], &self.allow_path)),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_read_nested_or_flat_and_ignore_the_rest() {
        let s = Settings::from_json(&json!({"acrlint": {"mode": "complete", "debounceMs": 5}}));
        assert_eq!(s.debounce_ms, 5);
        assert_eq!(
            s.check_options(Vec::new()).unwrap().mode,
            DeploymentMode::Complete
        );
        let s = Settings::from_json(&json!({"location": "westeurope", "other": 1}));
        assert_eq!(s.location.as_deref(), Some("westeurope"));
        assert_eq!(s.debounce_ms, DEFAULT_DEBOUNCE_MS);
        assert_eq!(Settings::from_json(&json!(null)), Settings::default());
        let bad = Settings::from_json(&json!({"mode": "sometimes"}));
        assert!(bad
            .check_options(Vec::new())
            .unwrap_err()
            .contains("sometimes"));
    }
}
