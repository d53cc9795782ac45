//! The findings `check` reports on a file's text, for the fixer's passes: the text
//! is laid over the file's sources (its modules and parameter file are read there)
//! and checked in memory by the same [`check_source`] as `acrlint check`. Nothing is
//! written.

use std::path::Path;
use std::sync::Arc;

use crate::check::{check_source, parameter_file_of, CheckOptions};
use crate::rules::engine::Engine;
use crate::rules::finding::{Finding, Level};
use crate::rules::native::registry::UNREADABLE;
use crate::source::json::Node;
use crate::source::sources::{Overlay, Sources};

/// Findings in `path` when its content is `text` (BOM removed) and every other file
/// is as `sources` has it; `None` when the file is not a template.
pub(crate) fn of_text(
    sources: &dyn Sources,
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &CheckOptions,
) -> Result<Option<Vec<Finding>>, String> {
    let mut overlay = Overlay::new(sources);
    overlay.set(path, Arc::new(text.to_string()));
    // Not `explicit`: like a walked file, broken JSON that does not look like a
    // template is not one to fix.
    let outcome = check_source(path, &overlay, false, engine, options);
    let broken = |f: &Finding| {
        f.rule == UNREADABLE
            && f.level == Level::Error
            && !f.message.contains(crate::lower::MISSING_LOADED_FILE)
    };
    if outcome.fatal || outcome.findings.iter().any(broken) {
        let why = outcome
            .findings
            .iter()
            .find(|f| broken(f))
            .map(|f| {
                format!(
                    "{}:{}: {}",
                    f.location.start.line, f.location.start.column, f.message
                )
            })
            .unwrap_or_else(|| "the file could not be checked".into());
        return Err(format!("{why} (fix it first)"));
    }
    if !outcome.checked {
        return Ok(None);
    }
    let mut findings = outcome.findings;
    // The file's own findings, however their path is spelt (`main.bicep` checked
    // through its `.bicepparam` is `./main.bicep` there).
    let own = sources.canonical(path);
    findings.retain(|f| f.location.file == path || sources.canonical(&f.location.file) == own);
    for f in &mut findings {
        f.location.file = path.to_path_buf();
    }
    Ok(Some(findings))
}

/// Parameters the template's parameter file sets (explicit, configured or by
/// convention).
pub(crate) fn parameter_file_names(
    sources: &dyn Sources,
    path: &Path,
    options: &CheckOptions,
) -> Vec<String> {
    let Some(file) = parameter_file_of(path, sources, options) else {
        return Vec::new();
    };
    let Ok(source) = sources.read(&file) else {
        return Vec::new();
    };
    crate::source::json::parse(&source.text)
        .ok()
        .and_then(|root| {
            root.get("parameters")
                .and_then(Node::as_object)
                .map(|m| m.iter().map(|m| m.key.to_string()).collect())
        })
        .unwrap_or_default()
}
