//! The default, human-readable output (rustc/ruff-like):
//!
//! ```text
//! templates/registry.json:17:43: ACR001 error registry contosoregistry enables the admin user …
//!    |
//! 17 |       "properties": { "adminUserEnabled": "[parameters('adminUserEnabled')]" }
//!    |                                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!    |
//!    = note: value comes from the default value of parameter 'adminUserEnabled' at templates/registry.json:7:58
//!    = help: Set "adminUserEnabled": false (or omit it) …
//! ```
//!
//! followed by a one-line summary. Suppressed findings are only counted.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};

use crate::report::{byte_offset, hygiene, relative_to, working_dir, Report, Summary};
use crate::rules::finding::{Finding, Level, Location, Status};
use crate::source::line_index::LineIndex;

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";
// The colours annotate-snippets uses for the same levels, so header and snippet agree.
const RED: &str = "\x1b[91m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[92m";

/// `--color`: `auto` decides from the stream and the environment (see [`auto_color`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour output written to a stream: `--color always`/`never` decide;
/// `auto` follows [`auto_color`] with the process environment.
pub fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let var = |name: &str| std::env::var(name).ok();
            auto_color(
                stream_is_tty,
                var("NO_COLOR").as_deref(),
                var("CLICOLOR_FORCE").as_deref(),
                var("TERM").as_deref(),
            )
        }
    }
}

/// `--color auto` without the environment, for testing: never when `NO_COLOR` is set
/// to a non-empty value, always when `CLICOLOR_FORCE` is set to anything but `0`,
/// never on a `TERM=dumb` terminal, otherwise only on a terminal
/// (<https://no-color.org>, <https://bixense.com/clicolors/>).
pub fn auto_color(
    stream_is_tty: bool,
    no_color: Option<&str>,
    force: Option<&str>,
    term: Option<&str>,
) -> bool {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if force.is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    if term == Some("dumb") {
        return false;
    }
    stream_is_tty
}

/// Render every unsuppressed finding with its source snippet, then the summary line.
pub fn render(report: &Report, color: bool) -> String {
    render_in(report, &working_dir(), color)
}

/// [`render`] with paths shown relative to `base`.
pub fn render_in(report: &Report, base: &Path, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    // One line index per file, not per finding: a large template with many findings
    // spent most of its time re-indexing its own text.
    let mut indexes: HashMap<&Path, LineIndex> = HashMap::new();
    for finding in report.active() {
        render_finding(
            &mut out,
            report,
            finding,
            base,
            color,
            &renderer,
            &mut indexes,
        );
        out.push('\n');
    }
    out.push_str(&summary_line(&report.summary(), color));
    out.push('\n');
    out
}

fn render_finding<'r>(
    out: &mut String,
    report: &'r Report,
    finding: &'r Finding,
    base: &Path,
    color: bool,
    renderer: &Renderer,
    indexes: &mut HashMap<&'r Path, LineIndex>,
) {
    out.push_str(&header(finding, base, color));
    out.push('\n');

    let level = match finding.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
        Level::Note => SnippetLevel::NOTE,
    };
    let notes: Vec<String> = finding
        .related
        .iter()
        .map(|r| format!("{} at {}", clean(&r.message), position(&r.location, base)))
        .collect();
    let help = crate::report::help(report, finding).map(clean);

    let source = report.sources.get(&finding.location.file);
    let excerpt = source.and_then(|text| {
        let index = indexes
            .entry(finding.location.file.as_path())
            .or_insert_with(|| LineIndex::new(text));
        Excerpt::new(text, index, &finding.location)
    });
    let mut group = Group::with_level(level);
    if let Some(ex) = &excerpt {
        group = group.element(
            Snippet::source(ex.text.as_str())
                .line_start(ex.first_line as usize)
                .annotation(AnnotationKind::Primary.span(ex.start..ex.end)),
        );
    } else if notes.is_empty() && help.is_none() {
        return;
    }
    for note in &notes {
        group = group.element(SnippetLevel::NOTE.message(note.as_str()));
    }
    if let Some(help) = &help {
        group = group.element(SnippetLevel::HELP.message(help.as_str()));
    }
    let rendered = renderer.render(&[group]);
    out.push_str(&rendered);
    if !rendered.ends_with('\n') {
        out.push('\n');
    }
}

/// `path:line:col: RULE level[possible] message`
fn header(finding: &Finding, base: &Path, color: bool) -> String {
    let possible = if finding.status == Status::Possible {
        "[possible]"
    } else {
        ""
    };
    let position = position(&finding.location, base);
    let level = finding.level.as_str();
    let message = clean(&finding.message);
    if color {
        let colour = level_colour(finding.level);
        format!(
            "{BOLD}{position}:{RESET} {BOLD}{rule}{RESET} {BOLD}{colour}{level}{possible}{RESET} {message}",
            rule = clean(&finding.rule),
        )
    } else {
        format!(
            "{position}: {} {level}{possible} {message}",
            clean(&finding.rule)
        )
    }
}

fn level_colour(level: Level) -> &'static str {
    match level {
        Level::Error => RED,
        Level::Warning => YELLOW,
        Level::Note => GREEN,
    }
}

fn position(location: &Location, base: &Path) -> String {
    format!(
        "{}:{}:{}",
        clean(&relative_to(&location.file, base)),
        location.start.line,
        location.start.column
    )
}

/// `N errors, M warnings, K notes in F files (S suppressed)`, or `no findings in F files`.
pub fn summary_line(summary: &Summary, color: bool) -> String {
    let mut line = if summary.active() == 0 {
        format!("no findings in {}", plural(summary.files, "file"))
    } else {
        format!(
            "{}, {}, {} in {}",
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning"),
            plural(summary.notes, "note"),
            plural(summary.files, "file"),
        )
    };
    if summary.suppressed > 0 {
        let _ = write!(line, " ({} suppressed)", summary.suppressed);
    }
    if color {
        format!("{BOLD}{line}{RESET}")
    } else {
        line
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Messages quote template values: see [`hygiene`].
fn clean(s: &str) -> String {
    hygiene::one_line(s).into_owned()
}

/// The lines a location covers, with the location as a byte range into them; clipped
/// to [`hygiene::EXCERPT_RADIUS`] characters around the location on its first line when
/// the lines are longer than [`hygiene::MAX_EXCERPT_BYTES`], and with every hazardous
/// character escaped.
struct Excerpt {
    text: String,
    first_line: u32,
    start: usize,
    end: usize,
}

impl Excerpt {
    /// `None` when the location does not fit the text (a stale or foreign location).
    fn new(source: &str, index: &LineIndex, location: &Location) -> Option<Excerpt> {
        let line_count = index.line_count() as u32;
        let first_line = location.start.line;
        if first_line == 0 || first_line > line_count {
            return None;
        }
        let last_line = location.end.line.clamp(first_line, line_count);
        let (from, first_end) = index.line_range(source, first_line);
        let (_, to) = index.line_range(source, last_line);
        let start = byte_offset(source, index, first_line, location.start.column)?;
        let end = if location.end.line < first_line {
            start
        } else {
            byte_offset(source, index, last_line, location.end.column)?.max(start)
        };
        if to - from <= hygiene::MAX_EXCERPT_BYTES {
            let (text, start, end) =
                hygiene::excerpt(source.get(from..to)?, start - from, end - from);
            return Some(Excerpt {
                text,
                first_line,
                start,
                end,
            });
        }
        let (from, to, end) = hygiene::window(
            source,
            (from, first_end),
            (start, end),
            hygiene::EXCERPT_RADIUS,
        );
        let (text, start, end) = hygiene::excerpt(source.get(from..to)?, start - from, end - from);
        // Mark what was cut off (ASCII, like annotate-snippets' own marks).
        let lead = if from > index.line_range(source, first_line).0 {
            "..."
        } else {
            ""
        };
        let trail = if to < first_end { "..." } else { "" };
        Some(Excerpt {
            text: format!("{lead}{text}{trail}"),
            first_line,
            start: start + lead.len(),
            end: end + lead.len(),
        })
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
