//! Findings as the protocol's diagnostics: severity from the level, the rule id as
//! code with a link to its documentation, provenance as related information.

use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, Range,
    Uri,
};

use super::analysis::Checked;
use super::document::{position_of, uri_of};
use crate::rules::engine::Engine;
use crate::rules::finding::{Finding, Level, Status};
use crate::source::line_index::LineIndex;

/// The diagnostic `source`.
pub const SOURCE: &str = "acrlint";

/// The diagnostics of a checked document: its findings less the suppressed ones.
/// `bom`: the buffer starts with a byte order mark the checked text has not.
pub fn diagnostics(checked: &Checked, uri: &Uri, bom: bool, engine: &Engine) -> Vec<Diagnostic> {
    checked
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| diagnostic(f, checked, uri, bom, engine))
        .collect()
}

/// The range of a finding's place in `text` (the text of the file it is in, whose
/// line index is `lines`).
pub fn range_in(
    text: &str,
    lines: &LineIndex,
    location: &crate::rules::finding::Location,
    bom: bool,
) -> Range {
    let start = position_of(text, lines, location.start.line, location.start.column);
    let end = position_of(text, lines, location.end.line, location.end.column);
    let mut range = Range {
        start,
        end: end.max(start),
    };
    if bom {
        for p in [&mut range.start, &mut range.end] {
            if p.line == 0 {
                p.character += 1;
            }
        }
    }
    range
}

/// One finding of the document `uri` as a diagnostic.
pub fn diagnostic(
    f: &Finding,
    checked: &Checked,
    uri: &Uri,
    bom: bool,
    engine: &Engine,
) -> Diagnostic {
    let severity = match f.level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Note => DiagnosticSeverity::INFORMATION,
    };
    let message = match f.status {
        Status::Fail => f.message.clone(),
        Status::Possible => format!(
            "possible: {} (holds for some values of the parameters or the deployment context)",
            f.message
        ),
    };
    let code_description = engine
        .meta(&f.rule)
        .and_then(|m| Uri::from_str(&m.help_uri).ok())
        .map(|href| CodeDescription { href });
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let file = &r.location.file;
            let same = file == &f.location.file;
            let uri = if same { uri.clone() } else { uri_of(file)? };
            let range = match checked.texts.get(file) {
                Some(text) if !same => range_in(text, &LineIndex::new(text), &r.location, false),
                _ if same => range_in(&checked.text, &checked.lines, &r.location, bom),
                _ => approximate_range(&r.location),
            };
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: r.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: range_in(&checked.text, &checked.lines, &f.location, bom),
        severity: Some(severity),
        code: Some(lsp_types::NumberOrString::String(f.rule.clone())),
        code_description,
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A place in a file whose text is not at hand: columns taken as UTF-16 units.
fn approximate_range(location: &crate::rules::finding::Location) -> Range {
    let p = |lc: crate::source::line_index::LineCol| lsp_types::Position {
        line: lc.line.saturating_sub(1),
        character: lc.column.saturating_sub(1),
    };
    Range {
        start: p(location.start),
        end: p(location.end),
    }
}
