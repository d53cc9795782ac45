//! The practical floor for `acrlint check`: walk the same paths the same way (the
//! `ignore` walker, `.gitignore` honoured, no symlinks followed, `*.json`/`*.jsonc`),
//! read every file and parse it into a JSON value tree with `jsonc-parser`, in
//! parallel with rayon. Nothing is evaluated or checked, so no linter that reads and
//! parses its input can be faster than this.
//!
//! `scripts/bench.sh` times it side by side with `acrlint check`. Run alone with
//! `cargo bench --bench floor -- PATH...`; it prints files, bytes and parse failures.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

// The same allocator as `acrlint`, so that the comparison is between the work done.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn is_candidate(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("json") | Some("jsonc")
    )
}

fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_file() {
            files.push(p.clone());
            continue;
        }
        for entry in ignore::WalkBuilder::new(p).follow_links(false).build() {
            let Ok(e) = entry else { continue };
            if e.file_type().is_some_and(|t| t.is_file()) && is_candidate(e.path()) {
                files.push(e.into_path());
            }
        }
    }
    files.sort();
    files
}

/// Bytes read and whether the file parsed.
fn read_and_parse(path: &Path) -> (usize, bool) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return (0, false);
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let parsed = jsonc_parser::parse_to_value(text, &Default::default());
    // Keep the tree alive until here so that building it is not optimised away.
    let ok = matches!(parsed, Ok(Some(_)));
    drop(parsed);
    (text.len(), ok)
}

fn main() {
    // `cargo bench` passes `--bench`; everything else is a path.
    let paths: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if paths.is_empty() {
        eprintln!("usage: floor PATH...");
        std::process::exit(2);
    }
    let start = Instant::now();
    let files = collect(&paths);
    let results: Vec<(usize, bool)> = files.par_iter().map(|f| read_and_parse(f)).collect();
    let bytes: usize = results.iter().map(|r| r.0).sum();
    let failed = results.iter().filter(|r| !r.1).count();
    println!(
        "{} files, {} bytes, {} not parsed, {:.3} s",
        files.len(),
        bytes,
        failed,
        start.elapsed().as_secs_f64()
    );
}
