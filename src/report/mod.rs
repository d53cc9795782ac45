//! Rendering results: one file per output format, no logic elsewhere.
//!
//! Every format carries, per finding, the rule id, level, status, file (relative to the
//! working directory), 1-based start/end line and column, the resource, the message and
//! the related locations (SPEC §7). Columns count Unicode scalar values and the end
//! column is exclusive (the column just past the last character), as in SARIF.

pub mod expand;
pub mod github;
pub mod gitlab;
pub mod hygiene;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod bicep_help_tests;
#[cfg(test)]
mod sample;

pub use crate::check::{Report, Summary};
use crate::rules::finding::{Finding, Level};
use crate::source::line_index::LineIndex;
use crate::source::paths::{absolute_in, relative_to, working_dir};

/// The help shown with a finding: its rule's recommendation, except for ACR000, whose
/// help depends on what kept the file from being checked: it could not be read, it is
/// not UTF-8, it exceeds a limit, or it has a syntax error (the rule's recommendation).
pub fn help<'r>(report: &'r Report, finding: &Finding) -> Option<&'r str> {
    let recommendation = report
        .rule(&finding.rule)
        .map(|r| r.recommendation_for(&finding.location.file));
    if finding.rule != crate::rules::native::registry::UNREADABLE {
        return recommendation;
    }
    let m = finding.message.as_str();
    let cause = if m.contains("permission denied") || m.contains("Permission denied") {
        "acrlint may not read this file: give the user running it read permission, or exclude the file (--exclude, acrlint.json `exclude`); the other files are still checked."
    } else if m.starts_with("cannot read") {
        "acrlint could not read this file (see the message); check that it is a regular, readable file, or exclude it; the other files are still checked."
    } else if (m.starts_with("file is") || m.starts_with("file looks like")) && m.contains("UTF-") {
        "Save the file as UTF-8 (ARM and Bicep read templates as UTF-8): most editors offer it when saving, or `iconv -f UTF-16 -t UTF-8`; the other files are still checked."
    } else if m.contains("limit") || m.contains("more than") || m.contains("deeper than") {
        "The file goes beyond a limit (see the message): ARM's own limits fail the deployment, acrlint's bound time and memory; reduce what the template generates, or split it. The other files are still checked."
    } else {
        return recommendation;
    };
    Some(cause)
}

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
    Gitlab,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Gitlab,
        Format::Markdown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Markdown => "markdown",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// How to render: colour (text only) and the `--fail-on` level (JUnit failures and the
/// Markdown summary's verdict).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    pub color: bool,
    /// `None` for `--fail-on never`.
    pub fail_on: Option<Level>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            fail_on: Some(Level::Error),
        }
    }
}

/// Render a report in one format.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> Result<String, String> {
    match format {
        Format::Text => Ok(text::render(report, options.color)),
        Format::Json => Ok(json::render(report)),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report, options.fail_on),
        Format::Github => Ok(github::render(report)),
        Format::Gitlab => Ok(gitlab::render(report)),
        // Read in a browser or a terminal: hazardous characters shown escaped.
        Format::Markdown => {
            Ok(hygiene::multi_line(&markdown::render(report, options.fail_on)).into_owned())
        }
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
        for format in Format::ALL {
            assert_eq!(Format::parse(format.name()), Some(format));
        }
        assert_eq!(Format::parse("SARIF"), Some(Format::Sarif));
        assert_eq!(Format::parse("xml"), None);
        let report = sample::report_with_message("m");
        let options = RenderOptions::default();
        let json = render(&report, Format::Json, &options).unwrap_or_default();
        assert!(json.starts_with("{\n  \"version\": \"1\""), "{json}");
        let sarif = render(&report, Format::Sarif, &options).unwrap_or_default();
        assert!(sarif.contains("\"version\": \"2.1.0\""));
        let junit = render(&report, Format::Junit, &options).unwrap_or_default();
        assert!(junit.starts_with("<?xml"));
        let github = render(&report, Format::Github, &options).unwrap_or_default();
        assert!(github.starts_with("::error file="));
        let gitlab = render(&report, Format::Gitlab, &options).unwrap_or_default();
        assert!(
            gitlab.starts_with("[\n  {\n    \"description\""),
            "{gitlab}"
        );
        let markdown = render(&report, Format::Markdown, &options).unwrap_or_default();
        assert!(markdown.starts_with("## acrlint"), "{markdown}");
        let text = render(&report, Format::Text, &options).unwrap_or_default();
        assert!(text.ends_with("1 error, 0 warnings, 0 notes in 1 file\n"));
    }

    #[test]
    fn acr000_help_fits_the_cause() {
        let mut report = sample::report_with_message("m");
        report.rules = crate::rules::native::registry::builtin_rules().unwrap_or_default();
        let syntax = report
            .rule("ACR000")
            .map(|r| r.recommendation.clone())
            .unwrap_or_default();
        assert!(syntax.contains("syntax error"), "{syntax}");
        let mut help_for = |message: &str| {
            report.findings[0].rule = "ACR000".into();
            report.findings[0].message = message.into();
            help(&report, &report.findings[0].clone())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(help_for("expected `,` or `}`"), syntax);
        assert!(
            help_for("cannot read: Permission denied (os error 13)").contains("read permission")
        );
        assert!(help_for("cannot read: not a regular file").contains("regular, readable file"));
        assert!(help_for(
            "file is UTF-16 little-endian (byte order mark FF FE), not UTF-8: save it as UTF-8"
        )
        .starts_with("Save the file as UTF-8"));
        assert!(
            help_for("file is 70000000 bytes, larger than the 67108864 byte limit")
                .contains("limit")
        );
        assert!(help_for("copy count 900 is outside 0..=800 (ARM's limit)")
            .contains("ARM's own limits"));
        // Other rules keep their recommendation.
        report.findings[0].rule = "ACR001".into();
        assert_eq!(
            help(&report, &report.findings[0]),
            report.rule("ACR001").map(|r| r.recommendation.as_str())
        );
    }

    #[test]
    fn suppression_kinds() {
        assert_eq!(suppression_kind("inSource"), "inSource");
        assert_eq!(suppression_kind("insource"), "inSource");
        assert_eq!(suppression_kind("external"), "external");
        assert_eq!(suppression_kind("baseline"), "external");
    }
}
