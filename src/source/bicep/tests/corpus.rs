//! Every Bicep file of the corpus parses without a diagnostic.

use super::{files_under, read, show, CORPUS};
use crate::source::bicep::{parse, FileKind, StatementKind};
use std::path::Path;

fn is_bicep(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("bicep" | "bicepparam")
    )
}

fn check_all(files: &[std::path::PathBuf]) -> usize {
    let mut failures = String::new();
    for path in files {
        let text = read(path);
        let parsed = parse(&text);
        if !parsed.diagnostics.is_empty() {
            failures.push_str(&format!(
                "\n{}:{}",
                path.display(),
                show(&text, &parsed.diagnostics)
            ));
        }
        let is_param_file = path.extension().is_some_and(|e| e == "bicepparam");
        let expected = if is_param_file {
            FileKind::BicepParam
        } else {
            FileKind::Bicep
        };
        assert_eq!(parsed.kind, expected, "{}", path.display());
    }
    assert!(failures.is_empty(), "files with diagnostics:{failures}");
    files.len()
}

#[test]
fn every_acr_bicep_file_parses_cleanly() {
    let files = files_under(&Path::new(CORPUS).join("acr"), &is_bicep);
    assert!(
        files.len() >= 180,
        "corpus missing? found {} files",
        files.len()
    );
    assert!(files
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "bicepparam")));
    check_all(&files);
}

#[test]
fn every_bicep_baseline_parses_cleanly() {
    let files = files_under(&Path::new(CORPUS).join("bicep-baselines"), &|p| {
        p.file_name().is_some_and(|n| n == "main.bicep")
    });
    assert_eq!(files.len(), 39);
    check_all(&files);
}

/// The baselines compile (each has a main.json beside it), so the number of
/// declarations is knowable: spot-check a few against their JSON.
#[test]
fn baseline_declaration_counts_match_compiled_json() {
    for sample in [
        "Parameters_LF",
        "Outputs_CRLF",
        "Variables_LF",
        "Loops_LF",
        "Modules_CRLF",
    ] {
        let dir = Path::new(CORPUS).join("bicep-baselines").join(sample);
        let text = read(&dir.join("main.bicep"));
        let json: serde_json::Value = serde_json::from_str(&read(&dir.join("main.json")))
            .unwrap_or_else(|e| panic!("{sample}: {e}"));
        let parsed = parse(&text);
        let count = |f: fn(&StatementKind) -> bool| {
            parsed
                .program
                .statements
                .iter()
                .filter(|s| f(&s.kind))
                .count()
        };
        let json_len = |key: &str| {
            json.get(key)
                .and_then(|v| v.as_object())
                .map_or(0, |o| o.len())
        };
        assert_eq!(
            count(|k| matches!(k, StatementKind::Param { .. })),
            json_len("parameters"),
            "{sample} params"
        );
        assert_eq!(
            count(|k| matches!(k, StatementKind::Output { .. })),
            json_len("outputs"),
            "{sample} outputs"
        );
    }
}
