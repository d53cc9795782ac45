//! Rendering results: one file per output format, no logic elsewhere.
//!
//! Every format carries, per finding, the rule id, level, status, file (relative to the
//! working directory), 1-based start/end line and column, the resource, the message and
//! the related locations (SPEC §7). Columns count Unicode scalar values and the end
//! column is exclusive (the column just past the last character), as in SARIF.

pub mod expand;
pub mod github;
pub mod hygiene;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod sample;

pub use crate::check::{Report, Summary};
use crate::source::line_index::LineIndex;
use crate::source::paths::{absolute_in, relative_to, working_dir};

/// Byte offset of a 1-based (line, column) position, columns counting Unicode scalar
/// values; a column past the end of the line is clamped to the end of the line.
pub(crate) fn byte_offset(
    source: &str,
    index: &LineIndex,
    line: u32,
    column: u32,
) -> Option<usize> {
    Some(index.offset_of(source, line, column))
}

/// A suppression's SARIF kind: `inSource` (a comment or metadata in the template) or
/// `external` (configuration, baseline); anything else is taken as external.
pub(crate) fn suppression_kind(kind: &str) -> &'static str {
    if kind.eq_ignore_ascii_case("inSource") {
        "inSource"
    } else {
        "external"
    }
}

/// An output format of `acrlint check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

impl Format {
    pub const NAMES: [&'static str; 5] = ["text", "json", "sarif", "junit", "github"];

    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "junit" => Some(Format::Junit),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Render a report in one format. `color` only affects [`Format::Text`].
pub fn render(report: &Report, format: Format, color: bool) -> Result<String, String> {
    match format {
        Format::Text => Ok(text::render(report, color)),
        Format::Json => Ok(json::render(report)),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Github => Ok(github::render(report)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{self, sample_report};
    use crate::rules::finding::Level;
    use std::path::PathBuf;

    #[test]
    fn all_files_keeps_order_and_adds_finding_only_files() {
        let mut report = sample_report();
        let extra = PathBuf::from("/elsewhere/unreadable.json");
        let mut f = report.findings[0].clone();
        f.location.file = extra.clone();
        report.findings.push(f);
        let files = report.all_files();
        assert_eq!(files.len(), 4);
        assert_eq!(
            files[..3],
            report
                .files
                .iter()
                .map(PathBuf::as_path)
                .collect::<Vec<_>>()[..]
        );
        assert_eq!(files[3], extra.as_path());
        assert_eq!(report.summary().files, 4);
    }

    #[test]
    fn summary_counts_levels_of_unsuppressed_findings() {
        let mut report = sample_report();
        assert_eq!(
            report.summary(),
            Summary {
                files: 3,
                errors: 3,
                warnings: 2,
                notes: 0,
                suppressed: 1
            }
        );
        report.findings[0].level = Level::Note;
        let s = report.summary();
        assert_eq!((s.errors, s.warnings, s.notes, s.suppressed), (2, 2, 1, 1));
        assert_eq!(s.active(), 5);
        assert_eq!(report.active().count(), 5);
    }

    #[test]
    fn formats_by_name_and_dispatch() {
        for name in Format::NAMES {
            assert!(Format::parse(name).is_some(), "{name}");
        }
        assert_eq!(Format::parse("SARIF"), Some(Format::Sarif));
        assert_eq!(Format::parse("xml"), None);
        let report = sample::report_with_message("m");
        let json = render(&report, Format::Json, false).unwrap_or_default();
        assert!(json.starts_with("{\n  \"version\": \"1\""), "{json}");
        let sarif = render(&report, Format::Sarif, false).unwrap_or_default();
        assert!(sarif.contains("\"version\": \"2.1.0\""));
        let junit = render(&report, Format::Junit, false).unwrap_or_default();
        assert!(junit.starts_with("<?xml"));
        let github = render(&report, Format::Github, false).unwrap_or_default();
        assert!(github.starts_with("::error file="));
        let text = render(&report, Format::Text, false).unwrap_or_default();
        assert!(text.ends_with("1 error, 0 warnings, 0 notes in 1 file\n"));
    }

    #[test]
    fn suppression_kinds() {
        assert_eq!(suppression_kind("inSource"), "inSource");
        assert_eq!(suppression_kind("insource"), "inSource");
        assert_eq!(suppression_kind("external"), "external");
        assert_eq!(suppression_kind("baseline"), "external");
    }
}
