//! What the walk ([`crate::load::discover::collect_files`]) needs beyond the `ignore`
//! crate: why a path given on the command line
//! cannot be checked (said once, precisely: missing, a dangling or looping symbolic
//! link, unreadable), and `--exclude GLOB`.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Why `path` (named on the command line) cannot be checked, or `None` when it can.
pub fn path_problem(path: &Path) -> Option<String> {
    let err = std::fs::metadata(path).err()?;
    let shown = path.display();
    if is_loop(&err) {
        return Some(format!(
            "{shown}: symbolic link loop (following its links leads back to a link already followed)"
        ));
    }
    if err.kind() == ErrorKind::NotFound {
        if let Ok(target) = std::fs::read_link(path) {
            return Some(format!(
                "{shown}: symbolic link to {}, which does not exist",
                target.display()
            ));
        }
        return Some(format!("{shown}: no such file or directory"));
    }
    if err.kind() == ErrorKind::PermissionDenied {
        return Some(format!("{shown}: permission denied"));
    }
    Some(format!("{shown}: {err}"))
}

#[cfg(unix)]
fn is_loop(err: &std::io::Error) -> bool {
    err.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_loop(_: &std::io::Error) -> bool {
    false
}

/// `--exclude GLOB`: globs matched against walked paths relative to the working
/// directory (`legacy/**`, `**/*.parameters.json`); a glob that matches a folder
/// excludes everything under it (`legacy`, `infra/old`). Files named on the command
/// line are always checked.
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    globs: Option<GlobSet>,
}

impl Exclude {
    pub fn new(globs: &[String]) -> Result<Exclude, String> {
        if globs.is_empty() {
            return Ok(Exclude::default());
        }
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(
                Glob::new(g.trim_start_matches("./"))
                    .map_err(|e| format!("--exclude {g:?}: {e}"))?,
            );
        }
        let set = b.build().map_err(|e| format!("--exclude: {e}"))?;
        Ok(Exclude { globs: Some(set) })
    }

    /// Whether a walked path (or one of the folders it is in) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        let Some(globs) = &self.globs else {
            return false;
        };
        let relative = relative_to_cwd(path);
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| globs.is_match(p))
    }
}

/// `path` relative to the working directory when inside it, without `./`.
fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = path.strip_prefix(&cwd).unwrap_or(path);
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exclude(globs: &[&str]) -> Exclude {
        let globs: Vec<String> = globs.iter().map(|g| g.to_string()).collect();
        Exclude::new(&globs).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn globs_match_paths_and_the_folders_they_are_in() {
        let e = exclude(&["legacy", "**/*.parameters.json", "infra/old/**"]);
        assert!(e.excludes(Path::new("legacy/a.json")));
        assert!(e.excludes(Path::new("./legacy/deep/a.json")));
        assert!(e.excludes(Path::new("x/y/main.parameters.json")));
        assert!(e.excludes(Path::new("infra/old/main.bicep")));
        assert!(!e.excludes(Path::new("infra/new/main.bicep")));
        assert!(!e.excludes(Path::new("legacy.json")));
        assert!(!Exclude::default().excludes(Path::new("legacy/a.json")));
        let cwd = std::env::current_dir().unwrap_or_default();
        assert!(
            e.excludes(&cwd.join("legacy/a.json")),
            "absolute, inside the cwd"
        );
    }

    #[test]
    fn a_bad_glob_is_an_error_naming_it() {
        let err = Exclude::new(&["a[".to_string()]).err().unwrap_or_default();
        assert!(err.starts_with("--exclude \"a[\""), "{err}");
    }

    #[test]
    fn problems_name_the_path_and_the_cause() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let missing = dir.path().join("missing.json");
        assert_eq!(
            path_problem(&missing),
            Some(format!("{}: no such file or directory", missing.display()))
        );
        assert_eq!(path_problem(dir.path()), None);
        #[cfg(unix)]
        {
            let a = dir.path().join("a");
            let b = dir.path().join("b");
            std::os::unix::fs::symlink(&b, &a).unwrap_or_else(|e| panic!("{e}"));
            std::os::unix::fs::symlink(&a, &b).unwrap_or_else(|e| panic!("{e}"));
            let p = path_problem(&a).unwrap_or_default();
            assert!(p.contains("symbolic link loop"), "{p}");
            let dangling = dir.path().join("dangling");
            std::os::unix::fs::symlink(&missing, &dangling).unwrap_or_else(|e| panic!("{e}"));
            let p = path_problem(&dangling).unwrap_or_default();
            assert!(
                p.contains("symbolic link to") && p.contains("does not exist"),
                "{p}"
            );
        }
    }
}
