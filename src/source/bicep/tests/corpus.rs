//! Every Bicep file of the corpus parses without a diagnostic.

use super::{corpus, files_under, read, show};
use crate::source::bicep::{parse, Expr, ExprKind, FileKind, ObjectItem, StatementKind};
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
    let files = files_under(&corpus().join("acr"), &is_bicep);
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
    let files = files_under(&corpus().join("bicep-baselines"), &|p| {
        p.file_name().is_some_and(|n| n == "main.bicep")
    });
    assert_eq!(files.len(), 39);
    check_all(&files);
}

/// Nested resources (and their nested ones) declared inside a resource body.
fn nested_resources(body: &Expr) -> usize {
    match &body.kind {
        ExprKind::Object(items) => items
            .iter()
            .map(|item| match item {
                ObjectItem::Resource(s) => match &s.kind {
                    StatementKind::Resource(r) => 1 + nested_resources(&r.body),
                    _ => 0,
                },
                _ => 0,
            })
            .sum(),
        ExprKind::For(f) => nested_resources(&f.body),
        ExprKind::If { body, .. } => nested_resources(body),
        _ => 0,
    }
}

/// The baselines compile, so the Bicep compiler's own output says how many
/// declarations each has: parameters, outputs, resources (nested ones included,
/// plus modules) and type definitions must match `main.symbolicnames.json`.
#[test]
fn baseline_declaration_counts_match_the_compiled_json() {
    let files = files_under(&corpus().join("bicep-baselines"), &|p| {
        p.file_name().is_some_and(|n| n == "main.bicep")
    });
    let mut checked_resources = 0;
    for path in &files {
        let sample = path
            .parent()
            .and_then(|p| p.file_name())
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let json_text = read(&path.with_file_name("main.symbolicnames.json"));
        let json: serde_json::Value =
            serde_json::from_str(&json_text).unwrap_or_else(|e| panic!("{sample}: {e}"));
        let json_len = |key: &str| {
            json.get(key)
                .and_then(|v| v.as_object())
                .map_or(0, |o| o.len())
        };
        let parsed = parse(&read(path));
        let statements = &parsed.program.statements;
        let count =
            |f: fn(&StatementKind) -> bool| statements.iter().filter(|s| f(&s.kind)).count();
        let resources: usize = statements
            .iter()
            .map(|s| match &s.kind {
                StatementKind::Resource(r) => 1 + nested_resources(&r.body),
                StatementKind::Module { .. } => 1,
                _ => 0,
            })
            .sum();
        checked_resources += resources;
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
        assert_eq!(resources, json_len("resources"), "{sample} resources");
        let types = count(|k| matches!(k, StatementKind::Type { .. }));
        if count(|k| matches!(k, StatementKind::Import { .. })) == 0 {
            assert_eq!(types, json_len("definitions"), "{sample} types");
        } else {
            // Imported types are added to the compiled definitions.
            assert!(types <= json_len("definitions"), "{sample} types");
        }
    }
    assert!(
        checked_resources > 200,
        "only {checked_resources} resources compared"
    );
}
