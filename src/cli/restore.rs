//! `acrlint restore [PATHS…]`: pull the registry modules that Bicep files use into the
//! Bicep module cache (the same layout as `bicep restore`).

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::registry::restore::restore_paths;

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// Bicep files or directories (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub roots: super::RootArgs,
}

pub fn run(args: RestoreArgs) -> i32 {
    // Local modules are followed inside the roots of the paths only, as `check` does.
    let sources = args.roots.confined(&args.paths);
    let (summary, walk_failed) = restore_paths(&args.paths, &sources, |line| println!("{line}"));
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
