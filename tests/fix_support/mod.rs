//! Running `acrlint` in a folder of test files, for the suites that fix files through
//! the binary. Each suite uses the part it needs.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// `acrlint ARGS` run in `dir`: (exit code, stdout, stderr).
pub fn acrlint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

pub fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}
