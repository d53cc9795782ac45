//! Every file of the shared corpus through `check_file` and `expand_any` (and the
//! Bicep parser for `.bicep` files): no panic (each file runs under `catch_unwind`
//! so a failure names it), no ACR000 except on the files listed below as really
//! invalid, and a generous bound on the time per file that catches blow-ups, not
//! slowness.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use acrlint::{check_file, expand, CheckOptions, Engine, ExpandOptions};

fn corpus() -> PathBuf {
    acrlint::test_support::shared("corpus")
}

/// Files that are invalid upstream, with the reason (their ACR000 is expected).
const REALLY_INVALID: &[(&str, &str)] = &[(
    "quickstarts/application-workloads/orchard/orchard-cms-video-portal/azuredeploy.json",
    "line 206 holds a malformed expression: `providers('Microsoft.Media', 'mediaservices')'2015-10-01'0]`",
)];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x, "json" | "bicep" | "bicepparam"))
        {
            out.push(p);
        }
    }
}

fn relative(p: &Path) -> String {
    p.strip_prefix(corpus())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// What went wrong with one file, if anything.
fn sweep_one(path: &Path, engine: &Engine, bound: Duration) -> Vec<String> {
    let mut problems = Vec::new();
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if path.extension().is_some_and(|x| x == "bicep") {
            if let Ok(text) = std::fs::read_to_string(path) {
                let _ = acrlint::syntax::bicep::parse(&text);
            }
        }
        let checked = check_file(path, false, engine, &CheckOptions::default());
        let _ = expand(path, &ExpandOptions::default());
        checked
    }));
    let elapsed = started.elapsed();
    let name = relative(path);
    match outcome {
        Err(_) => problems.push(format!("{name}: panicked")),
        Ok(o) => {
            let invalid = REALLY_INVALID.iter().any(|(p, _)| *p == name);
            // A file the template loads that the corpus copy lacks is reported, and
            // must really be missing.
            let missing_loaded = |f: &&acrlint::Finding| {
                f.message.contains(acrlint::MISSING_LOADED_FILE)
                    && f.message.split('\'').nth(1).is_some_and(|rel| {
                        !f.location
                            .file
                            .parent()
                            .is_some_and(|dir| dir.join(rel).exists())
                    })
            };
            // A parameter file whose template is not beside it (the quickstarts' build
            // generates `prereq.azuredeploy.json`) says so, and it must really be missing.
            let without_template = |f: &&acrlint::Finding| {
                f.message.contains(acrlint::NO_TEMPLATE)
                    && f.level == acrlint::Level::Note
                    && f.message.split(' ').nth(2).is_some_and(|template| {
                        let dir = f.location.file.parent().unwrap_or(Path::new(""));
                        !dir.join(template).exists()
                    })
            };
            let acr000: Vec<String> = o
                .findings
                .iter()
                .filter(|f| f.rule == "ACR000" && !missing_loaded(f) && !without_template(f))
                .map(|f| {
                    format!(
                        "{}:{}: {}",
                        f.location.start.line, f.location.start.column, f.message
                    )
                })
                .collect();
            if invalid && acr000.is_empty() {
                problems.push(format!("{name}: listed as invalid but has no ACR000"));
            }
            if !invalid {
                problems.extend(acr000.iter().map(|m| format!("{name}:{m}")));
            }
        }
    }
    if elapsed > bound {
        problems.push(format!("{name}: took {elapsed:?} (bound {bound:?})"));
    }
    problems
}

#[test]
fn every_corpus_file_is_checked_without_panic_acr000_or_blowup() {
    let mut all = Vec::new();
    files(&corpus(), &mut all);
    all.sort();
    assert!(
        all.len() > 2200,
        "only {} corpus files in {}",
        all.len(),
        corpus().display()
    );
    for (p, _) in REALLY_INVALID {
        assert!(corpus().join(p).is_file(), "{p} is listed but missing");
    }
    // Generous: the slowest file takes a few hundred milliseconds in release.
    let bound = if cfg!(debug_assertions) {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(5)
    };
    let engine = Engine::builtin().unwrap();
    // Panics are caught per file; keep their messages out of the way of the summary.
    let problems: Vec<String> = all
        .par_iter()
        .flat_map_iter(|p| sweep_one(p, &engine, bound))
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
