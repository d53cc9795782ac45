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

use crate::source::file::SourceText;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::rules::catalog::RuleMeta;
use crate::rules::finding::{Finding, Level};
use crate::source::line_index::LineIndex;

/// A path as shown to users: relative to the working directory when inside it,
/// with forward slashes.
pub fn relative_path(path: &Path) -> String {
    relative_to(path, &working_dir())
}

/// `path` relative to `base` when it lies inside it (or is already relative), with
/// forward slashes and without a leading `./`; otherwise the path as given.
pub fn relative_to(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The working directory paths are shown relative to (`.` if it cannot be read).
pub(crate) fn working_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// `path` made absolute against `base` and cleaned of `.` and `..` components,
/// without touching the file system (the file may not exist any more).
pub(crate) fn absolute_in(path: &Path, base: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Everything a `check` run produced, ready to render.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings sorted by file, line, column, rule (suppressed ones included).
    pub findings: Vec<Finding>,
    /// Rules that ran (for SARIF `rules[]`, JUnit test cases).
    pub rules: Vec<RuleMeta>,
    /// Files checked, in order, with their text (for source snippets).
    pub files: Vec<PathBuf>,
    pub sources: BTreeMap<PathBuf, SourceText>,
    /// Configuration files (`acrlint.json`, `--config`) applied in the run.
    pub configurations: Vec<PathBuf>,
}

/// Counts shown at the end of the text output and in the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files checked (including files only known through a finding).
    pub files: usize,
    /// Unsuppressed findings by level.
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings that a suppression silenced (any level).
    pub suppressed: usize,
}

impl Summary {
    /// Unsuppressed findings of every level.
    pub fn active(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

impl Report {
    /// Findings that count (not suppressed).
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_none())
    }

    /// The checked files followed by any other file a finding points at (a file that
    /// could not be read may only be known through its ACR000 finding), without repeats.
    pub fn all_files(&self) -> Vec<&Path> {
        // A set, not `out.contains`: thousands of files made this quadratic.
        let mut seen: std::collections::HashSet<&Path> =
            std::collections::HashSet::with_capacity(self.files.len());
        let mut out: Vec<&Path> = Vec::with_capacity(self.files.len());
        let finding_files = self.findings.iter().map(|f| f.location.file.as_path());
        for file in self.files.iter().map(PathBuf::as_path).chain(finding_files) {
            if seen.insert(file) {
                out.push(file);
            }
        }
        out
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.all_files().len(),
            ..Summary::default()
        };
        for f in &self.findings {
            if f.suppression.is_some() {
                s.suppressed += 1;
                continue;
            }
            match f.level {
                Level::Error => s.errors += 1,
                Level::Warning => s.warnings += 1,
                Level::Note => s.notes += 1,
            }
        }
        s
    }

    /// The metadata of a rule by id, when the rule is known.
    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }
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

    #[test]
    fn relative_paths() {
        let base = Path::new("/home/dev/project");
        assert_eq!(
            relative_to(Path::new("/home/dev/project/a/b.json"), base),
            "a/b.json"
        );
        assert_eq!(
            relative_to(Path::new("/home/dev/other/b.json"), base),
            "/home/dev/other/b.json"
        );
        assert_eq!(relative_to(Path::new("./a/b.json"), base), "a/b.json");
        assert_eq!(relative_to(Path::new("././a.json"), base), "a.json");
        assert_eq!(
            relative_to(Path::new("../elsewhere/x.json"), base),
            "../elsewhere/x.json"
        );
        assert_eq!(relative_to(Path::new("a\\b.json"), base), "a/b.json");
        // A sibling directory whose name extends the base's is not inside it.
        assert_eq!(
            relative_to(Path::new("/home/dev/project2/a.json"), base),
            "/home/dev/project2/a.json"
        );
    }

    #[test]
    fn absolute_paths_are_cleaned_lexically() {
        let base = Path::new("/base/dir");
        assert_eq!(
            absolute_in(Path::new("a/../b/./c.json"), base),
            Path::new("/base/dir/b/c.json")
        );
        assert_eq!(
            absolute_in(Path::new("../x.json"), base),
            Path::new("/base/x.json")
        );
        assert_eq!(
            absolute_in(Path::new("/abs/./y/../z"), base),
            Path::new("/abs/z")
        );
    }

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
