//! Running the built binary on files in a fresh temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An empty folder for one test, named after the suite, the process and the test.
pub fn temp(suite: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("acrlint-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `acrlint check --format FORMAT PATH`.
pub fn check(path: &Path, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(["check", "--format", format])
        .arg(path)
        .output()
        .unwrap()
}
