//! `acrlint.json` (JSONC): per-rule effect/severity, exclude globs, parameter-file
//! mapping, deployment context, failOn, mode. Found by walking up from each checked
//! file, or given with `--config`. Unknown keys are an error naming the key.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::rules::finding::{Finding, Level, Status};

pub const FILE_NAME: &str = "acrlint.json";

/// How one rule is configured.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleSetting {
    /// `"off"`, `"Disabled"`, `"Audit"`, `"Deny"`, or a level name.
    Short(String),
    Detailed(RuleDetail),
}

#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleDetail {
    /// `Audit` (warning), `Deny` (error) or `Disabled` (off), as in Azure Policy.
    #[serde(default)]
    pub effect: Option<String>,
    #[serde(default)]
    pub severity: Option<Level>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContextConfig {
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub resource_group: Option<String>,
    #[serde(default)]
    pub subscription_id: Option<String>,
}

/// The file's content.
#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Rule id → `"off"`/`"Audit"`/`"Deny"`/level, or `{"effect": …, "severity": …}`.
    #[serde(default)]
    pub rules: BTreeMap<String, serde_json::Value>,
    /// Globs (relative to the config file's folder) of files not to check.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Template glob → parameter file (both relative to the config file's folder).
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
    #[serde(default)]
    pub context: ContextConfig,
    #[serde(default)]
    pub fail_on: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
}

/// A loaded configuration.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub file: ConfigFile,
    pub rules: BTreeMap<String, RuleSetting>,
    exclude: GlobSet,
    /// Template globs and the parameter file each takes, as written (relative to
    /// this file).
    parameters: Vec<(GlobSet, String)>,
}

/// What a rule setting does to a finding.
enum RuleAction {
    Drop,
    Level(Level),
    Keep,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, String> {
        use crate::source::sources::Sources;
        let source = crate::load::Disk
            .read(path)
            .map_err(|e| format!("{}: {}", path.display(), e.message))?;
        Config::parse(path, &source.text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, String> {
        let json = crate::source::json::parse_settings(path, text)?;
        let file: ConfigFile =
            serde_json::from_value(json).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut b = GlobSetBuilder::new();
        for g in &file.exclude {
            b.add(Glob::new(g).map_err(|e| format!("{}: exclude `{g}`: {e}", path.display()))?);
        }
        let exclude = b.build().map_err(|e| format!("{}: {e}", path.display()))?;
        let mut parameters = Vec::new();
        for (t, p) in &file.parameters {
            let mut b = GlobSetBuilder::new();
            b.add(Glob::new(t).map_err(|e| format!("{}: parameters `{t}`: {e}", path.display()))?);
            parameters.push((
                b.build().map_err(|e| format!("{}: {e}", path.display()))?,
                p.clone(),
            ));
        }
        let mut rules = BTreeMap::new();
        for (id, raw) in &file.rules {
            let setting = match raw {
                serde_json::Value::String(s) => RuleSetting::Short(s.clone()),
                other => RuleSetting::Detailed(
                    serde_json::from_value(other.clone())
                        .map_err(|e| format!("{}: rules.{id}: {e}", path.display()))?,
                ),
            };
            if let RuleSetting::Short(s) = &setting {
                if short_action(s).is_none() {
                    return Err(format!(
                        "{}: rules.{id}: `{s}` is not one of off, Disabled, Audit, Deny, error, warning, note",
                        path.display()
                    ));
                }
            }
            if let RuleSetting::Detailed(RuleDetail {
                effect: Some(e), ..
            }) = &setting
            {
                if effect_level(e).is_none() && !e.eq_ignore_ascii_case("disabled") {
                    return Err(format!(
                        "{}: rules.{id}.effect: `{e}` is not Audit, Deny or Disabled",
                        path.display()
                    ));
                }
            }
            rules.insert(id.clone(), setting);
        }
        Ok(Config {
            path: path.to_path_buf(),
            dir,
            file,
            rules,
            exclude,
            parameters,
        })
    }

    /// An error naming the first rule id of the configuration that is not among `known`
    /// (the rules the command runs: the registry's, and those of `--rules` and
    /// `--policy`), so that a typo cannot silently configure nothing.
    pub fn check_rule_ids(&self, known: &[String]) -> Result<(), String> {
        match self
            .rules
            .keys()
            .find(|id| !known.iter().any(|k| k.eq_ignore_ascii_case(id)))
        {
            Some(id) => Err(format!(
                "{}: rules.{id}: unknown rule id (acrlint rules lists them)",
                self.path.display()
            )),
            None => Ok(()),
        }
    }

    fn relative<'p>(&self, file: &'p Path) -> &'p Path {
        file.strip_prefix(&self.dir).unwrap_or(file)
    }

    pub fn excludes(&self, file: &Path) -> bool {
        self.exclude.is_match(self.relative(file))
    }

    /// The parameter file configured for a template, as written in the configuration
    /// (a path relative to it: the loader resolves it, like every path a file names).
    pub fn parameter_file_for(&self, template: &Path) -> Option<&str> {
        let rel = self.relative(template);
        self.parameters
            .iter()
            .find(|(g, _)| g.is_match(rel))
            .map(|(_, p)| p.as_str())
    }

    fn action(&self, rule: &str) -> RuleAction {
        let Some(setting) = self
            .rules
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(rule))
            .map(|(_, v)| v)
        else {
            return RuleAction::Keep;
        };
        match setting {
            RuleSetting::Short(s) => short_action(s).unwrap_or(RuleAction::Keep),
            RuleSetting::Detailed(d) => {
                if d.effect
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case("disabled"))
                {
                    return RuleAction::Drop;
                }
                match (d.severity, d.effect.as_deref().and_then(effect_level)) {
                    (Some(l), _) | (None, Some(l)) => RuleAction::Level(l),
                    _ => RuleAction::Keep,
                }
            }
        }
    }

    /// Apply per-rule settings to a file's findings.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| match self.action(&f.rule) {
            RuleAction::Drop => false,
            RuleAction::Keep => true,
            RuleAction::Level(l) => {
                f.level = if f.status == Status::Possible {
                    l.lower()
                } else {
                    l
                };
                true
            }
        });
    }

    pub fn fail_on(&self) -> Option<Option<Level>> {
        self.file.fail_on.as_deref().map(|s| {
            if s.eq_ignore_ascii_case("never") {
                None
            } else {
                Level::parse(s)
            }
        })
    }
}

fn effect_level(e: &str) -> Option<Level> {
    match e.to_ascii_lowercase().as_str() {
        "audit" | "auditifnotexists" | "modify" => Some(Level::Warning),
        "deny" => Some(Level::Error),
        _ => None,
    }
}

fn short_action(s: &str) -> Option<RuleAction> {
    if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("disabled") {
        return Some(RuleAction::Drop);
    }
    effect_level(s)
        .or_else(|| Level::parse(s))
        .map(RuleAction::Level)
}

/// Finds the configuration of each file by walking up its folders (cached), unless one
/// was given explicitly or in-tree configurations are ignored (`--isolated`).
#[derive(Debug, Default)]
pub struct ConfigResolver {
    explicit: Option<Arc<Config>>,
    /// Ignore every `acrlint.json` found in the tree: on untrusted pull requests an
    /// in-tree configuration could turn rules off for the files under it.
    isolated: bool,
    /// (Keyed by the bytes of the folder's path: hashing a `Path` walks its components.)
    cache: Mutex<HashMap<std::ffi::OsString, Option<Arc<Config>>>>,
    /// Configuration files applied to at least one file (recorded in the reports).
    applied: Mutex<BTreeSet<PathBuf>>,
    /// Errors met while loading configs found on the way (reported once).
    pub errors: Mutex<Vec<String>>,
    /// The ids of the rules the command runs.
    rules: Vec<String>,
    /// Configuration files already reported as invalid (one file may be reached by
    /// several paths: `./acrlint.json`, `/repo/acrlint.json`).
    reported: Mutex<std::collections::HashSet<PathBuf>>,
}

impl ConfigResolver {
    /// The resolver of a command: the file given with `--config`, if any, for every
    /// template; otherwise each template's own `acrlint.json` (none of them when
    /// `isolated`). `rules` are the ids of the rules the command runs; a configuration
    /// that names another is an error.
    pub fn from_option(
        config: Option<&Path>,
        rules: Vec<String>,
        isolated: bool,
    ) -> Result<ConfigResolver, String> {
        let mut resolver = ConfigResolver {
            rules,
            isolated,
            ..Default::default()
        };
        resolver.explicit = config
            .map(|p| resolver.load(p).map_err(|e| format!("--config: {e}")))
            .transpose()?
            .map(Arc::new);
        Ok(resolver)
    }

    fn load(&self, path: &Path) -> Result<Config, String> {
        let config = Config::load(path)?;
        config.check_rule_ids(&self.rules)?;
        Ok(config)
    }

    /// The errors met so far, each once, in the order met.
    pub fn error_list(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Ok(errors) = self.errors.lock() {
            for e in errors.iter() {
                if !out.contains(e) {
                    out.push(e.clone());
                }
            }
        }
        out
    }

    pub fn for_file(&self, file: &Path) -> Option<Arc<Config>> {
        let found = match &self.explicit {
            Some(c) => Some(c.clone()),
            None if self.isolated => None,
            None => self.for_dir(file.parent()?),
        };
        if let (Some(c), Ok(mut applied)) = (&found, self.applied.lock()) {
            if !applied.contains(&c.path) {
                applied.insert(c.path.clone());
            }
        }
        found
    }

    /// The configuration files applied so far, in path order.
    pub fn applied(&self) -> Vec<PathBuf> {
        self.applied
            .lock()
            .map(|a| a.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn for_dir(&self, dir: &Path) -> Option<Arc<Config>> {
        if let Ok(cache) = self.cache.lock() {
            if let Some(c) = cache.get(dir.as_os_str()) {
                return c.clone();
            }
        }
        let candidate = dir.join(FILE_NAME);
        let found = if candidate.is_file() {
            match self.load(&candidate) {
                Ok(c) => Some(Arc::new(c)),
                Err(e) => {
                    let file = candidate.canonicalize().unwrap_or(candidate.clone());
                    let first = self.reported.lock().is_ok_and(|mut r| r.insert(file));
                    if first {
                        if let Ok(mut errs) = self.errors.lock() {
                            errs.push(e);
                        }
                    }
                    None
                }
            }
        } else {
            let parent = if dir.as_os_str().is_empty() {
                std::env::current_dir()
                    .ok()
                    .and_then(|d| d.parent().map(Path::to_path_buf))
            } else {
                match dir.parent() {
                    Some(p) if p.as_os_str().is_empty() => std::env::current_dir().ok(),
                    Some(p) => Some(p.to_path_buf()),
                    None => None,
                }
            };
            match parent {
                Some(p) if p != dir => self.for_dir(&p),
                _ => None,
            }
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(dir.as_os_str().to_os_string(), found.clone());
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::parse(Path::new("acrlint.json"), r#"{"rulez": {}}"#).unwrap_err();
        assert!(err.contains("rulez"), "{err}");
        let err = Config::parse(
            Path::new("acrlint.json"),
            r#"{"rules": {"ACR001": {"level": "x"}}}"#,
        )
        .unwrap_err();
        assert!(err.contains("ACR001") || err.contains("level"), "{err}");
        let err = Config::parse(
            Path::new("acrlint.json"),
            r#"{"rules": {"ACR001": "sometimes"}}"#,
        )
        .unwrap_err();
        assert!(err.contains("sometimes"), "{err}");
    }

    #[test]
    fn rule_ids_are_those_of_the_registry() {
        let c = Config::parse(
            Path::new("acrlint.json"),
            r#"{"rules": {"acr001": "off", "ACR099": "off"}}"#,
        )
        .unwrap();
        let known: Vec<String> = crate::rules::native::registry::builtin_rules()
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect();
        let err = c.check_rule_ids(&known).unwrap_err();
        assert!(err.contains("rules.ACR099: unknown rule id"), "{err}");
        assert!(!err.contains("acr001"), "{err}");
        let c = Config::parse(Path::new("acrlint.json"), r#"{"rules": {"acr001": "off"}}"#);
        assert_eq!(c.unwrap().check_rule_ids(&known), Ok(()));
    }

    #[test]
    fn unknown_rule_ids_are_errors_naming_them() {
        let known: Vec<String> = ["ACR000", "ACR001", "ACR013"].map(String::from).to_vec();
        let c = Config::parse(
            Path::new("infra/acrlint.json"),
            r#"{"rules": {"acr001": "off", "ACR013": "note"}}"#,
        )
        .unwrap();
        assert_eq!(c.check_rule_ids(&known), Ok(()));
        let c = Config::parse(
            Path::new("infra/acrlint.json"),
            r#"{"rules": {"ACR001": "off", "ACR0013": "note"}}"#,
        )
        .unwrap();
        assert_eq!(
            c.check_rule_ids(&known),
            Err(
                "infra/acrlint.json: rules.ACR0013: unknown rule id (acrlint rules lists them)"
                    .into()
            )
        );
        // Found on the way: reported once however many files it covers.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"{"rules": {"ACR999": "off"}}"#,
        )
        .unwrap();
        let resolver = ConfigResolver::from_option(None, known, false).unwrap();
        for name in ["a.json", "b.json"] {
            assert!(resolver.for_file(&dir.path().join(name)).is_none());
        }
        let errors = resolver.error_list();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].ends_with("rules.ACR999: unknown rule id (acrlint rules lists them)"));
    }

    #[test]
    fn parses_jsonc_and_applies_settings() {
        let c = Config::parse(
            Path::new("/repo/acrlint.json"),
            r#"{
              // comments are fine
              "rules": {"ACR001": {"effect": "Audit"}, "ACR003": "off", "ACR002": {"severity": "note"}},
              "exclude": ["legacy/**"],
              "parameters": {"infra/main.json": "infra/main.prod.parameters.json"},
              "failOn": "warning",
            }"#,
        )
        .unwrap();
        assert!(c.excludes(Path::new("/repo/legacy/a.json")));
        assert!(!c.excludes(Path::new("/repo/infra/a.json")));
        assert_eq!(
            c.parameter_file_for(Path::new("/repo/infra/main.json")),
            Some("infra/main.prod.parameters.json")
        );
        assert_eq!(c.fail_on(), Some(Some(Level::Warning)));
    }

    #[test]
    fn isolated_ignores_in_tree_configurations_and_records_the_applied_ones() {
        let dir = std::env::temp_dir().join(format!("acrlint-isolated-{}", std::process::id()));
        let sub = dir.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        let in_tree = dir.join(FILE_NAME);
        std::fs::write(&in_tree, r#"{"rules": {"ACR001": "off"}}"#).unwrap();
        let template = sub.join("main.json");

        let walking = ConfigResolver::from_option(None, vec!["ACR001".to_string()], false).unwrap();
        assert!(walking.for_file(&template).is_some());
        assert_eq!(walking.applied(), vec![in_tree.clone()]);

        let isolated = ConfigResolver::from_option(None, vec!["ACR001".to_string()], true).unwrap();
        assert!(isolated.for_file(&template).is_none());
        assert!(isolated.applied().is_empty());

        // --config still applies, and is what is recorded.
        let given = dir.join("ci.json");
        std::fs::write(&given, r#"{"failOn": "warning"}"#).unwrap();
        let explicit =
            ConfigResolver::from_option(Some(&given), vec!["ACR001".to_string()], true).unwrap();
        let c = explicit.for_file(&template).unwrap();
        assert_eq!(c.path, given);
        assert_eq!(explicit.applied(), vec![given]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
