//! `acrlint restore`: the registry modules that Bicep files use (their `module`,
//! `import` and `using` paths, following local Bicep modules), pulled into the Bicep
//! module cache when they are not there yet.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::cache;
use super::pull::{Client, PullError};
use crate::load::Disk;
use crate::lower::module_cache::reference::{self, ModuleReference, OciReference};
use crate::lower::module_cache::{config, layout, Resolver};
use crate::source::bicep::{self, FileKind, StatementKind, UsingTarget};
use crate::source::file::Language;
use crate::source::sources::Sources;

/// Local Bicep files followed from one entry file, at most.
const MAX_FILES_FOLLOWED: usize = 10_000;

/// A registry module some file refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needed {
    pub reference: OciReference,
    pub cache_root: PathBuf,
    /// Where it is first referred to: `file:line:col` and the path as written.
    pub at: String,
    pub written: String,
}

/// What restoring one module did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Already in the cache.
    Cached(PathBuf),
    /// Pulled and written: the new `main.json`.
    Restored(PathBuf),
    Failed(String),
}

/// Something `restore` cannot do, as one line.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    /// An error (unreadable file, malformed reference) rather than a note (a template
    /// spec, which only Azure resolves).
    pub error: bool,
    pub message: String,
}

/// The registry modules the Bicep files `files` use, each once, with the problems
/// found on the way. Files are read from `sources`.
pub fn needed(
    sources: &dyn Sources,
    files: &[PathBuf],
    resolver: &mut Resolver,
) -> (Vec<Needed>, Vec<Problem>) {
    let mut found: BTreeMap<(PathBuf, OciReference), Needed> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut queue: Vec<PathBuf> = files.to_vec();
    while let Some(file) = queue.pop() {
        let key = sources.canonical(&file);
        if !seen.insert(key) || seen.len() > MAX_FILES_FOLLOWED {
            continue;
        }
        let source = match sources.read(&file) {
            Ok(s) => s,
            Err(e) => {
                problems.push(Problem {
                    error: true,
                    message: format!("{}: {}", file.display(), e.message),
                });
                continue;
            }
        };
        let kind = if Language::of(&file) == Some(Language::BicepParam) {
            FileKind::BicepParam
        } else {
            FileKind::Bicep
        };
        let parsed = bicep::parse_as(&source.text, kind);
        for s in &parsed.program.statements {
            let path = match &s.kind {
                StatementKind::Module { path, .. }
                | StatementKind::Import { from: path, .. }
                | StatementKind::Extends { path }
                | StatementKind::Using {
                    target: UsingTarget::Path(path),
                    ..
                } => path,
                _ => continue,
            };
            let Some(written) = path.as_literal() else {
                continue;
            };
            let lc = source.line_col(path.span.start);
            let at = format!("{}:{}:{}", file.display(), lc.line, lc.column);
            if !reference::is_external(written) {
                if Language::of(Path::new(written)).is_some_and(Language::is_bicep) {
                    match sources.resolve(&file, written) {
                        Ok(local) => queue.push(local),
                        Err(why) => problems.push(Problem {
                            error: true,
                            message: format!("{at}: module '{written}': {why}"),
                        }),
                    }
                }
                continue;
            }
            let dir = file.parent().unwrap_or(Path::new(""));
            let config = resolver.config(sources, dir);
            match reference::parse(written, &config) {
                Ok(Some(ModuleReference::Oci(r))) => match resolver.cache_root(sources, dir) {
                    Some(root) => {
                        found.entry((root.clone(), r.clone())).or_insert(Needed {
                            reference: r,
                            cache_root: root,
                            at,
                            written: written.to_string(),
                        });
                    }
                    None => problems.push(Problem {
                        error: true,
                        message: format!(
                            "{at}: {written}: no module cache: set cacheRootDirectory in {} or HOME",
                            config::FILE_NAME
                        ),
                    }),
                },
                Ok(Some(ModuleReference::TemplateSpec(_))) => problems.push(Problem {
                    error: false,
                    message: format!(
                        "{at}: {written}: a template spec is resolved by Azure, not restored; its resources stay unknown"
                    ),
                }),
                Ok(None) => {}
                Err(why) => problems.push(Problem {
                    error: true,
                    message: format!("{at}: {why}"),
                }),
            }
        }
    }
    (found.into_values().collect(), problems)
}

/// Restore one module: nothing to do when it is cached, else pull, verify and write.
pub fn restore_one(client: &Client, n: &Needed) -> Outcome {
    if let Some(main) = layout::cached_main(&Disk, &n.cache_root, &n.reference) {
        return Outcome::Cached(main);
    }
    let pulled = match client.pull(&n.reference) {
        Ok(p) => p,
        Err(e) => return Outcome::Failed(failure_line(n, &e)),
    };
    let artifact = cache::Artifact {
        manifest: &pulled.manifest,
        manifest_digest: &pulled.manifest_digest,
        main: &pulled.main,
    };
    match cache::write_artifact(&n.cache_root, &n.reference, &artifact) {
        Ok(main) => Outcome::Restored(main),
        Err(e) => Outcome::Failed(format!("{}: {}: {e}", n.at, n.written)),
    }
}

/// One line naming where the module is used, the reference as written and as
/// resolved, and why it failed.
fn failure_line(n: &Needed, e: &PullError) -> String {
    let resolved = n.reference.to_string();
    if resolved == n.written {
        format!("{}: {}: {e}", n.at, n.written)
    } else {
        format!("{}: {} ({resolved}): {e}", n.at, n.written)
    }
}

/// Totals of a restore run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub restored: usize,
    pub cached: usize,
    pub failed: usize,
}

/// Restore every module of `files`. Each outcome and problem is passed to `report`
/// as one line (`error: …` for failures).
pub fn restore(files: &[PathBuf], sources: &dyn Sources, mut report: impl FnMut(&str)) -> Summary {
    let mut resolver = Resolver::new(crate::load::home_dir().map(Path::to_path_buf));
    let (wanted, problems) = needed(sources, files, &mut resolver);
    let mut summary = Summary::default();
    for p in problems {
        if p.error {
            report(&format!("error: {}", p.message));
            summary.failed += 1;
        } else {
            report(&format!("note: {}", p.message));
        }
    }
    if wanted.is_empty() {
        return summary;
    }
    let credentials = match super::auth::DockerCredentials::from_environment() {
        Ok(c) => c,
        Err(e) => {
            report(&format!(
                "warning: {e}: registries are accessed without credentials"
            ));
            Default::default()
        }
    };
    let client = Client::new(credentials);
    for n in &wanted {
        match restore_one(&client, n) {
            Outcome::Cached(_) => summary.cached += 1,
            Outcome::Restored(main) => {
                summary.restored += 1;
                report(&format!("restored {} → {}", n.reference, main.display()));
            }
            Outcome::Failed(line) => {
                summary.failed += 1;
                report(&format!("error: {line}"));
            }
        }
    }
    summary
}

/// The Bicep files among the files under `paths` (directories are walked as `check`
/// walks them), with the errors of the walk.
fn bicep_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let (files, errors) = crate::load::discover::collect_files(paths);
    let bicep = files
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| Language::of(p).is_some_and(Language::is_bicep))
        .collect();
    (bicep, errors)
}

/// Restore the modules of the Bicep files under `paths`, passing one line per module
/// restored or failed to `report`; `true` with the summary when a path could not be
/// walked.
/// Restore every module of the Bicep files under `paths`, reading them (and the local
/// modules they name) through `sources`: the command line confines it to the roots of
/// `paths`, so a module path out of the root is a problem, not a read.
pub fn restore_paths(
    paths: &[PathBuf],
    sources: &dyn Sources,
    mut report: impl FnMut(&str),
) -> (Summary, bool) {
    let (files, errors) = bicep_files(paths);
    for e in &errors {
        report(&format!("error: {e}"));
    }
    (restore(&files, sources, report), !errors.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_found_through_local_modules_once_each() {
        let dir = tempfile::tempdir().expect("temp dir");
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
            p
        };
        let main = write(
            "main.bicep",
            "module a 'br/public:avm/res/container-registry/registry:0.12.1' = { name: 'a' }\n\
             module b './modules/inner.bicep' = { name: 'b' }\n\
             module c 'ts:sub/rg/spec:1.0' = { name: 'c' }\n\
             module d 'br/nowhere:x:1' = { name: 'd' }\n",
        );
        write(
            "modules/inner.bicep",
            "import { t } from 'br:contoso.azurecr.io/types:v1'\n\
             module again 'br/public:avm/res/container-registry/registry:0.12.1' = { name: 'x' }\n\
             module back '../main.bicep' = { name: 'cycle' }\n",
        );
        let mut resolver = Resolver::new(Some(dir.path().join("home")));
        let (needed, problems) = needed(&Disk, &[main], &mut resolver);
        let ids: Vec<String> = needed.iter().map(|n| n.reference.to_string()).collect();
        assert_eq!(
            ids,
            [
                "br:contoso.azurecr.io/types:v1",
                "br:mcr.microsoft.com/bicep/avm/res/container-registry/registry:0.12.1"
            ]
        );
        assert!(needed
            .iter()
            .all(|n| n.cache_root == dir.path().join("home/.bicep")));
        let acr = &needed[1];
        assert!(acr.at.ends_with("main.bicep:1:10"), "{}", acr.at);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems
            .iter()
            .any(|p| !p.error && p.message.contains("ts:sub/rg/spec:1.0")));
        assert!(problems
            .iter()
            .any(|p| p.error && p.message.contains("alias 'nowhere'")));
    }
}
