//! `bicepconfig.json`, as the Bicep CLI reads it for registry modules: the nearest one
//! walking up from the referencing file (JSON with comments), merged key by key over
//! the built-in defaults. Two settings matter here: `moduleAliases.br` (the built-in
//! `public` alias is `mcr.microsoft.com/bicep`) and `cacheRootDirectory` (default
//! `~/.bicep`; a leading `~` is the home directory).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::source::sources::Sources;

pub const FILE_NAME: &str = "bicepconfig.json";

/// A `moduleAliases.br` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OciAlias {
    registry: Option<String>,
    module_path: Option<String>,
}

/// The registry-related part of a Bicep configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BicepConfig {
    /// The file it was read from (`None`: the built-in defaults).
    pub path: Option<PathBuf>,
    br_aliases: BTreeMap<String, OciAlias>,
    /// `cacheRootDirectory` as written.
    cache_root: Option<String>,
}

impl Default for BicepConfig {
    /// Bicep's built-in configuration.
    fn default() -> BicepConfig {
        let mut br_aliases = BTreeMap::new();
        br_aliases.insert(
            "public".to_string(),
            OciAlias {
                registry: Some("mcr.microsoft.com".into()),
                module_path: Some("bicep".into()),
            },
        );
        BicepConfig {
            path: None,
            br_aliases,
            cache_root: None,
        }
    }
}

impl BicepConfig {
    /// Parse a `bicepconfig.json` and merge it over the defaults. Keys that do not
    /// concern registry modules are ignored (they are the Bicep linter's).
    pub fn parse(path: &Path, text: &str) -> Result<BicepConfig, String> {
        let json = crate::source::json::parse_settings(path, text)?;
        let mut config = BicepConfig {
            path: Some(path.to_path_buf()),
            ..BicepConfig::default()
        };
        let bad = |what: &str| format!("{}: {what}", path.display());
        if let Some(aliases) = json.pointer("/moduleAliases/br") {
            let aliases = aliases
                .as_object()
                .ok_or_else(|| bad("moduleAliases.br must be an object"))?;
            for (name, entry) in aliases {
                let entry = entry
                    .as_object()
                    .ok_or_else(|| bad(&format!("moduleAliases.br.{name} must be an object")))?;
                let text_of = |key: &str| -> Result<Option<String>, String> {
                    match entry.get(key) {
                        None | Some(serde_json::Value::Null) => Ok(None),
                        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                        Some(_) => Err(bad(&format!(
                            "moduleAliases.br.{name}.{key} must be a string"
                        ))),
                    }
                };
                // Merged over the defaults key by key, as the compiler does: an entry
                // for `public` that only sets `registry` keeps the `bicep` path.
                let base = config.br_aliases.get(name).cloned();
                let registry =
                    text_of("registry")?.or_else(|| base.as_ref().and_then(|b| b.registry.clone()));
                let module_path = text_of("modulePath")?
                    .or_else(|| base.as_ref().and_then(|b| b.module_path.clone()));
                config.br_aliases.insert(
                    name.clone(),
                    OciAlias {
                        registry,
                        module_path,
                    },
                );
            }
        }
        match json.get("cacheRootDirectory") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(s)) => config.cache_root = Some(s.clone()),
            Some(_) => return Err(bad("cacheRootDirectory must be a string")),
        }
        Ok(config)
    }

    /// `registry[/modulePath]` of a `br/<alias>:` reference; `None` when the alias is
    /// not defined or has no registry.
    pub fn oci_alias(&self, alias: &str) -> Option<String> {
        let a = self.br_aliases.get(alias)?;
        let registry = a.registry.as_deref()?;
        Some(match a.module_path.as_deref() {
            Some(p) if !p.is_empty() => format!("{registry}/{}", p.trim_matches('/')),
            _ => registry.to_string(),
        })
    }

    /// Where the configuration came from, for messages.
    pub fn describe_source(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "the built-in Bicep configuration (no bicepconfig.json)".into(),
        }
    }

    /// The module cache root: `cacheRootDirectory` with a leading `~` expanded, else
    /// `<home>/.bicep`. `None` when neither is known.
    pub fn cache_root(&self, home: Option<&Path>) -> Option<PathBuf> {
        match self.cache_root.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(custom) => Some(expand_home(custom, home)),
            None => home.map(|h| h.join(".bicep")),
        }
    }
}

/// `~`, `~/…` and `~\…` start at the home directory; the rest is kept as written (the
/// compiler expands nothing else, `~user` included).
fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    let Some(home) = home else {
        return PathBuf::from(path);
    };
    match path.strip_prefix('~') {
        Some("") => home.to_path_buf(),
        Some(rest) if rest.starts_with(['/', '\\']) => {
            PathBuf::from(format!("{}{rest}", home.display()))
        }
        _ => PathBuf::from(path),
    }
}

/// The nearest `bicepconfig.json` in `dir` or a folder above it.
fn discover(sources: &dyn Sources, dir: &Path) -> Option<PathBuf> {
    let start = sources.canonical(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    });
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| sources.is_file(p))
}

/// The configuration that applies to a file in `dir`: the nearest `bicepconfig.json`
/// merged over the defaults. A file that cannot be read or parsed gives the defaults
/// and the error (the compiler reports it and goes on the same way).
pub fn for_dir(sources: &dyn Sources, dir: &Path) -> (BicepConfig, Option<String>) {
    let Some(path) = discover(sources, dir) else {
        return (BicepConfig::default(), None);
    };
    let parsed = sources
        .read(&path)
        .map_err(|e| format!("{}: {}", path.display(), e.message))
        .and_then(|source| BicepConfig::parse(&path, &source.text));
    match parsed {
        Ok(c) => (c, None),
        Err(e) => (BicepConfig::default(), Some(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> BicepConfig {
        BicepConfig::parse(Path::new("/repo/bicepconfig.json"), text).expect("parses")
    }

    #[test]
    fn defaults_have_the_public_alias_and_home_cache() {
        let c = BicepConfig::default();
        assert_eq!(
            c.oci_alias("public").as_deref(),
            Some("mcr.microsoft.com/bicep")
        );
        assert_eq!(c.oci_alias("corp"), None);
        assert_eq!(
            c.cache_root(Some(Path::new("/home/u"))),
            Some(PathBuf::from("/home/u/.bicep"))
        );
        assert_eq!(c.cache_root(None), None);
    }

    #[test]
    fn user_aliases_merge_over_the_defaults() {
        let c = parse(
            r#"{
              // comments are allowed
              "moduleAliases": {
                "br": {
                  "corp": { "registry": "corp.azurecr.io", "modulePath": "bicep/modules" },
                  "bare": { "registry": "bare.azurecr.io" },
                  "public": { "registry": "mirror.azurecr.io" },
                  "broken": { "modulePath": "x" }
                }
              },
              "analyzers": { "core": { "enabled": true } }
            }"#,
        );
        assert_eq!(
            c.oci_alias("corp").as_deref(),
            Some("corp.azurecr.io/bicep/modules")
        );
        assert_eq!(c.oci_alias("bare").as_deref(), Some("bare.azurecr.io"));
        // Only `registry` overridden: the built-in `bicep` path stays.
        assert_eq!(
            c.oci_alias("public").as_deref(),
            Some("mirror.azurecr.io/bicep")
        );
        assert_eq!(c.oci_alias("broken"), None);
    }

    #[test]
    fn cache_root_expands_a_leading_tilde_only() {
        let home = Some(Path::new("/home/u"));
        let root = |v: &str| parse(&format!(r#"{{"cacheRootDirectory": {v}}}"#)).cache_root(home);
        assert_eq!(root(r#""~""#), Some(PathBuf::from("/home/u")));
        assert_eq!(root(r#""~/cache""#), Some(PathBuf::from("/home/u/cache")));
        assert_eq!(root(r#""~\\cache""#), Some(PathBuf::from("/home/u\\cache")));
        assert_eq!(root(r#""/ci/bicep""#), Some(PathBuf::from("/ci/bicep")));
        assert_eq!(root(r#""~other/x""#), Some(PathBuf::from("~other/x")));
        assert_eq!(root(r#""  ""#), Some(PathBuf::from("/home/u/.bicep")));
    }

    #[test]
    fn malformed_files_are_errors_naming_the_file() {
        let err = |t: &str| BicepConfig::parse(Path::new("b/bicepconfig.json"), t).unwrap_err();
        assert!(err("{ \"moduleAliases\": ").starts_with("b/bicepconfig.json:1:"));
        assert!(err(r#"{"cacheRootDirectory": 3}"#).contains("cacheRootDirectory must be a string"));
        assert!(err(r#"{"moduleAliases": {"br": []}}"#).contains("moduleAliases.br"));
    }

    #[test]
    fn the_nearest_file_walking_up_applies() {
        let mut files = crate::source::sources::Memory::default();
        let nested = Path::new("/r/a/b");
        files.0.insert(
            PathBuf::from("/r/bicepconfig.json"),
            r#"{"cacheRootDirectory": "/outer"}"#.into(),
        );
        let (c, e) = for_dir(&files, nested);
        assert_eq!(e, None);
        assert_eq!(c.path, Some(PathBuf::from("/r/bicepconfig.json")));
        assert_eq!(c.cache_root(None), Some(PathBuf::from("/outer")));
        files
            .0
            .insert(PathBuf::from("/r/a/bicepconfig.json"), "{ broken".into());
        let (c, e) = for_dir(&files, nested);
        assert_eq!(c, BicepConfig::default());
        assert!(e.is_some_and(|m| m.contains("a/bicepconfig.json")));
    }
}
