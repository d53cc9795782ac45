//! `--format markdown`: a summary for a CI job page (GitHub's `$GITHUB_STEP_SUMMARY`, a
//! merge request comment): the counts, whether the run fails at the `--fail-on` level,
//! a table of counts by rule and level, the errors, and the warnings and notes folded
//! away. GitHub shows at most ten annotations of each kind per step, so the summary is
//! where the rest, and every note, can be read.
//!
//! Text from templates (messages carry resource names and values) is escaped so that it
//! cannot start Markdown or HTML constructs, and control characters are dropped.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::report::{relative_to, working_dir, Report};
use crate::rules::finding::{Finding, Level, Status};

/// At most this many findings are listed per level; the rest are counted.
pub const MAX_LISTED: usize = 100;

/// Render the summary; `fail_on` is the `--fail-on` level (`None` for never).
pub fn render(report: &Report, fail_on: Option<Level>) -> String {
    render_in(report, &working_dir(), fail_on)
}

/// [`render`] with paths relative to `base`.
pub fn render_in(report: &Report, base: &Path, fail_on: Option<Level>) -> String {
    let summary = report.summary();
    let mut out = String::from("## acrlint\n\n");
    let _ = write!(
        out,
        "**{}, {}, {}** in {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.notes, "note"),
        plural(summary.files, "file")
    );
    if summary.suppressed > 0 {
        let _ = write!(out, " ({} suppressed)", summary.suppressed);
    }
    let failing = fail_on.map_or(0, |t| report.active().filter(|f| f.level >= t).count());
    match fail_on {
        Some(t) if failing > 0 => {
            let _ = writeln!(
                out,
                ". The run fails: {} at or above `{}`.\n",
                plural(failing, "finding"),
                t.as_str()
            );
        }
        Some(t) => {
            let _ = writeln!(out, ". Nothing at or above `{}`.\n", t.as_str());
        }
        None => out.push_str(". `--fail-on never`: findings do not fail the run.\n\n"),
    }
    if summary.active() == 0 {
        return out;
    }

    // Counts by rule: [errors, warnings, notes].
    let mut by_rule: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for f in report.active() {
        by_rule.entry(f.rule.as_str()).or_default()[column(f.level)] += 1;
    }
    out.push_str(
        "| Rule | Title | Errors | Warnings | Notes |\n| --- | --- | ---: | ---: | ---: |\n",
    );
    for (rule, [e, w, n]) in &by_rule {
        let title = report.rule(rule).map_or("", |r| r.title.as_str());
        let _ = writeln!(
            out,
            "| {} | {} | {e} | {w} | {n} |",
            escape(rule),
            escape(title)
        );
    }
    let _ = writeln!(
        out,
        "| **Total** | | {} | {} | {} |",
        summary.errors, summary.warnings, summary.notes
    );

    for (level, heading) in [
        (Level::Error, "Errors"),
        (Level::Warning, "Warnings"),
        (Level::Note, "Notes"),
    ] {
        let findings: Vec<&Finding> = report.active().filter(|f| f.level == level).collect();
        if findings.is_empty() {
            continue;
        }
        // Errors stay open; the other levels are folded.
        if level == Level::Error {
            let _ = writeln!(out, "\n### {heading}\n");
        } else {
            let _ = writeln!(
                out,
                "\n<details><summary>{heading} ({})</summary>\n",
                findings.len()
            );
        }
        for f in findings.iter().take(MAX_LISTED) {
            let _ = writeln!(out, "- {}", item(f, base));
        }
        if findings.len() > MAX_LISTED {
            let _ = writeln!(
                out,
                "- … and {} more (every finding is in the SARIF and JSON outputs)",
                findings.len() - MAX_LISTED
            );
        }
        if level != Level::Error {
            out.push_str("\n</details>\n");
        }
    }
    out
}

fn column(level: Level) -> usize {
    match level {
        Level::Error => 0,
        Level::Warning => 1,
        Level::Note => 2,
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `path:line:col` **RULE** message
fn item(f: &Finding, base: &Path) -> String {
    let possible = match f.status {
        Status::Fail => "",
        Status::Possible => " (possible)",
    };
    format!(
        "{}:{}:{} **{}**{possible} {}",
        escape(&relative_to(&f.location.file, base)),
        f.location.start.line,
        f.location.start.column,
        escape(&f.rule),
        escape(&f.message)
    )
}

/// Text safe inside a Markdown table cell or list item: Markdown and HTML punctuation
/// backslash-escaped, line breaks as spaces, other control and format characters
/// (bidirectional overrides, zero-width characters) dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if super::hygiene::is_hazard(c) => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{self, sample_report, BASE};

    fn md(report: &Report, fail_on: Option<Level>) -> String {
        render_in(report, Path::new(BASE), fail_on)
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(md(&sample_report(), Some(Level::Error)));
    }

    #[test]
    fn counts_by_rule_and_level_add_up_to_the_summary() {
        let report = sample_report();
        let out = md(&report, Some(Level::Error));
        let s = report.summary();
        assert!(out.contains(&format!(
            "| **Total** | | {} | {} | {} |",
            s.errors, s.warnings, s.notes
        )));
        let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| ACR")).collect();
        let mut totals = [0usize; 3];
        for row in &rows {
            let cells: Vec<&str> = row.split(" | ").collect();
            for (i, t) in totals.iter_mut().enumerate() {
                *t += cells[cells.len() - 3 + i]
                    .trim_end_matches(" |")
                    .parse::<usize>()
                    .unwrap_or(0);
            }
        }
        assert_eq!(totals, [s.errors, s.warnings, s.notes], "{out}");
        assert_eq!(out.matches("\n- ").count(), s.active(), "{out}");
    }

    #[test]
    fn the_verdict_follows_fail_on() {
        let report = sample_report();
        assert!(md(&report, Some(Level::Error))
            .contains("The run fails: 3 findings at or above `error`."));
        assert!(md(&report, Some(Level::Warning))
            .contains("The run fails: 5 findings at or above `warning`."));
        assert!(md(&report, None).contains("`--fail-on never`"));
        let clean = md(&Report::default(), Some(Level::Error));
        assert_eq!(
            clean,
            "## acrlint\n\n**0 errors, 0 warnings, 0 notes** in 0 files. Nothing at or above `error`.\n\n"
        );
    }

    #[test]
    fn template_text_cannot_inject_markdown_or_html() {
        let report = sample::report_with_message(
            "<img src=x onerror=alert(1)> | **bold** [link](http://x) `code`\n# heading \u{1b}[31m",
        );
        let out = md(&report, Some(Level::Error));
        let item = out
            .lines()
            .find(|l| l.starts_with("- "))
            .unwrap_or_default();
        assert!(item.contains(r"\<img src=x onerror=alert(1)\> \| \*\*bold\*\* \[link\](http://x) \`code\` \# heading \[31m"), "{item}");
        assert!(!out.contains('\u{1b}'));
        assert_eq!(out.matches("\n# ").count(), 0);
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let mut report = sample::report_with_message("m");
        let one = report.findings[0].clone();
        report.findings = vec![one; MAX_LISTED + 5];
        let out = md(&report, Some(Level::Error));
        assert_eq!(out.matches("\n- ").count(), MAX_LISTED + 1);
        assert!(out.contains("- … and 5 more"), "{out}");
    }
}
