//! `acrlint restore [PATHS…]`: pull the registry modules that Bicep files use into the
//! Bicep module cache (the same layout as `bicep restore`).

use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::registry::restore::{restore, Summary};

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// Bicep files or directories (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
}

/// The Bicep files among the files under `paths`, with the errors of the walk.
pub(super) fn bicep_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let (files, errors) = crate::check::collect_files(paths);
    let bicep = files
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| crate::source::bicep::lower::is_bicep_path(Path::new(p)))
        .collect();
    (bicep, errors)
}

/// Restore the modules of the Bicep files under `paths`, printing one line per
/// module restored or failed on `out`.
pub(super) fn restore_paths(paths: &[PathBuf], mut out: impl FnMut(&str)) -> (Summary, bool) {
    let (files, errors) = bicep_files(paths);
    for e in &errors {
        out(&format!("error: {e}"));
    }
    (restore(&files, out), !errors.is_empty())
}

pub fn run(args: RestoreArgs) -> i32 {
    let (summary, walk_failed) = restore_paths(&args.paths, |line| println!("{line}"));
    let total = summary.restored + summary.cached + summary.failed;
    eprintln!(
        "{total} registry module{}: {} restored, {} already cached, {} failed",
        if total == 1 { "" } else { "s" },
        summary.restored,
        summary.cached,
        summary.failed
    );
    if walk_failed {
        EXIT_ERROR
    } else if summary.failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
