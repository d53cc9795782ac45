//! What a `check` run produced: findings, the rules that ran, the files checked and
//! their text. [`crate::report`] renders it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::rules::catalog::RuleMeta;
use crate::rules::finding::{Finding, Level};
use crate::source::file::SourceText;

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
