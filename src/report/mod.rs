//! Rendering results: one file per output format, no logic elsewhere.

pub mod expand;

use std::path::Path;

/// A path as shown to users: relative to the working directory when inside it,
/// with forward slashes.
pub fn relative_path(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::rules::catalog::RuleMeta;
use crate::rules::finding::Finding;

/// Everything a `check` run produced, ready to render.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings sorted by file, line, column, rule (suppressed ones included).
    pub findings: Vec<Finding>,
    /// Rules that ran (for SARIF `rules[]`, JUnit test cases).
    pub rules: Vec<RuleMeta>,
    /// Files checked, in order, with their text (for source snippets).
    pub files: Vec<PathBuf>,
    pub sources: BTreeMap<PathBuf, Arc<str>>,
}

impl Report {
    /// Findings that count (not suppressed).
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_none())
    }
}

/// Output formats of `check`.
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
pub fn render(report: &Report, _format: Format, _color: bool) -> Result<String, String> {
    let mut s = String::new();
    for f in report.active() {
        s.push_str(&format!(
            "{}:{}:{}: {} {} {}\n",
            relative_path(&f.location.file),
            f.location.start.line,
            f.location.start.column,
            f.rule,
            f.level.as_str(),
            f.message
        ));
    }
    Ok(s)
}

/// Whether text output should be coloured (a TTY, and `NO_COLOR` unset).
pub fn text_color(is_tty: bool) -> bool {
    is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
