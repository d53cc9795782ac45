//! Bicep registry modules as the compiler resolves them: module references and
//! `bicepconfig.json` aliases (`reference.rs`, `config.rs`), and where the Bicep
//! module cache keeps a restored module (`layout.rs`).
//!
//! The loader asks a [`Resolver`] where a module path leads: a cached `main.json` is
//! then read through [`Sources`] like a local JSON module (the cache root is outside
//! the checked repository and is read on purpose); anything else is reported at the
//! `module` statement. Resolving never uses the network and writes nothing: `acrlint
//! restore` (`crate::registry`) fills the cache.

pub mod config;
pub mod layout;
pub mod reference;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::sources::Sources;
use config::BicepConfig;
use reference::{ModuleReference, OciReference};

/// Where a module path leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// Not a registry reference: a path to a local file.
    Local,
    /// A restored registry module: its `main.json` in the cache.
    Cached(PathBuf),
    /// A registry module that is not in the cache (`cache` is where it would be).
    NotRestored {
        reference: OciReference,
        cache: Option<PathBuf>,
    },
    /// A template spec: only Azure can resolve it.
    TemplateSpec,
    /// A malformed reference or an undefined alias (the message says which).
    Invalid(String),
}

/// Resolves module paths with the `bicepconfig.json` of each referencing folder.
#[derive(Debug)]
pub struct Resolver {
    /// The user's home directory: the default cache root is `~/.bicep`.
    home: Option<PathBuf>,
    configs: HashMap<PathBuf, Arc<BicepConfig>>,
}

impl Resolver {
    pub fn new(home: Option<PathBuf>) -> Resolver {
        Resolver {
            home,
            configs: HashMap::new(),
        }
    }

    /// The configuration for files in `dir` (read once per folder). A malformed
    /// `bicepconfig.json` gives the built-in defaults, as it does for the compiler.
    pub fn config(&mut self, sources: &dyn Sources, dir: &Path) -> Arc<BicepConfig> {
        self.configs
            .entry(dir.to_path_buf())
            .or_insert_with(|| Arc::new(config::for_dir(sources, dir).0))
            .clone()
    }

    /// The module cache root for files in `dir`.
    pub fn cache_root(&mut self, sources: &dyn Sources, dir: &Path) -> Option<PathBuf> {
        let home = self.home.clone();
        self.config(sources, dir).cache_root(home.as_deref())
    }

    /// Where `written`, a module path in the file `from`, leads.
    pub fn resolve(&mut self, sources: &dyn Sources, from: &Path, written: &str) -> Resolved {
        if !reference::is_external(written) {
            return Resolved::Local;
        }
        let dir = from.parent().unwrap_or(Path::new(""));
        let config = self.config(sources, dir);
        match reference::parse(written, &config) {
            Ok(None) => Resolved::Local,
            Ok(Some(ModuleReference::TemplateSpec(_))) => Resolved::TemplateSpec,
            Ok(Some(ModuleReference::Oci(r))) => {
                let root = config.cache_root(self.home.as_deref());
                match root
                    .as_deref()
                    .and_then(|root| layout::cached_main(sources, root, &r))
                {
                    Some(main) => Resolved::Cached(main),
                    None => Resolved::NotRestored {
                        cache: root.map(|root| layout::artifact_dir(&root, &r)),
                        reference: r,
                    },
                }
            }
            Err(why) => Resolved::Invalid(why),
        }
    }
}

/// Whether a module's path or parameter names show that it deploys a container
/// registry (`…/container-registry/registry`, `./modules/acr.bicep`,
/// `acrAdminUserEnabled`, `registryName`): then an unresolved module hides the
/// registry's policies.
pub fn looks_like_registry<'a>(
    written: &str,
    parameters: impl IntoIterator<Item = &'a str>,
) -> bool {
    let path = written.to_ascii_lowercase();
    let path_says = path.split(['/', ':', '\\', '.', '@']).any(|seg| {
        seg.contains("container-registry")
            || seg.contains("containerregistry")
            || seg == "acr"
            || seg.starts_with("acr-")
            || seg.starts_with("acr_")
    });
    path_says
        || parameters.into_iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p.starts_with("acr")
                || p.contains("registry")
                || ["adminuserenabled", "anonymouspullenabled"].contains(&p.as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::sources::Memory;

    #[test]
    fn registry_modules_are_recognised_by_path_or_parameters() {
        assert!(looks_like_registry(
            "br/public:avm/res/container-registry/registry:0.12.1",
            []
        ));
        assert!(looks_like_registry("./modules/acr.bicep", []));
        assert!(looks_like_registry("br:r.io/infra/acr-premium:v1", []));
        assert!(looks_like_registry(
            "./m.bicep",
            ["name", "acrAdminUserEnabled"]
        ));
        assert!(looks_like_registry("./m.bicep", ["containerRegistryName"]));
        assert!(!looks_like_registry(
            "br/public:avm/res/storage/storage-account:0.9.0",
            ["name", "location"]
        ));
        assert!(!looks_like_registry("./modules/acrobat.bicep", ["sacred"]));
    }

    #[test]
    fn resolution_follows_the_cache_of_the_referencing_folder() {
        let mut files = Memory::default();
        let main = Path::new("/repo/main.bicep");
        let mut resolver = Resolver::new(Some(PathBuf::from("/home/u")));
        assert_eq!(resolver.resolve(&files, main, "./x.bicep"), Resolved::Local);
        assert_eq!(
            resolver.resolve(&files, main, "ts:sub/rg/spec:1"),
            Resolved::TemplateSpec
        );
        assert!(matches!(
            resolver.resolve(&files, main, "br/none:x:1"),
            Resolved::Invalid(_)
        ));
        let written = "br/public:avm/res/container-registry/registry:0.12.1";
        let Resolved::NotRestored { cache, .. } = resolver.resolve(&files, main, written) else {
            panic!("not cached yet");
        };
        let dir = cache.expect("a cache root");
        assert_eq!(
            dir,
            Path::new(
                "/home/u/.bicep/br/mcr.microsoft.com/bicep$avm$res$container-registry$registry/0.12.1$"
            )
        );
        // Restored only once all three files are there.
        for (i, name) in layout::FILES.iter().enumerate() {
            assert!(matches!(
                resolver.resolve(&files, main, written),
                Resolved::NotRestored { .. }
            ));
            files.0.insert(dir.join(name), "{}".into());
            if i == layout::FILES.len() - 1 {
                assert_eq!(
                    resolver.resolve(&files, main, written),
                    Resolved::Cached(dir.join(layout::MAIN_FILE))
                );
            }
        }
    }
}
