//! `--format github`: GitHub Actions workflow commands, one line per unsuppressed
//! finding, which GitHub turns into annotations on the pull request:
//!
//! ```text
//! ::error file=templates/registry.json,line=17,col=43,endLine=17,endColumn=77,title=ACR001::registry …
//! ```
//!
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use std::fmt::Write as _;
use std::path::Path;

use crate::report::{hygiene, relative_to, working_dir, Report};
use crate::rules::finding::{Finding, Level, Status};

/// Render one workflow command per unsuppressed finding.
pub fn render(report: &Report) -> String {
    render_in(report, &working_dir())
}

/// [`render`] with paths relative to `base`.
pub fn render_in(report: &Report, base: &Path) -> String {
    let mut out = String::new();
    for finding in report.active() {
        out.push_str(&command(finding, base));
        out.push('\n');
    }
    out
}

fn command(f: &Finding, base: &Path) -> String {
    let name = match f.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "notice",
    };
    let loc = &f.location;
    let mut props = format!(
        "file={},line={}",
        escape_property(&relative_to(&loc.file, base)),
        loc.start.line
    );
    // GitHub only accepts columns on single-line annotations.
    if loc.end.line <= loc.start.line {
        let _ = write!(
            props,
            ",col={},endLine={},endColumn={}",
            loc.start.column, loc.start.line, loc.end.column
        );
    } else {
        let _ = write!(props, ",endLine={}", loc.end.line);
    }
    let title = match f.status {
        Status::Fail => f.rule.clone(),
        Status::Possible => format!("{} (possible)", f.rule),
    };
    let _ = write!(props, ",title={}", escape_property(&title));
    format!("::{name} {props}::{}", escape_data(&message(f, base)))
}

/// The message, then the resource and the related locations on lines of their own.
fn message(f: &Finding, base: &Path) -> String {
    let mut text = f.message.clone();
    match (&f.resource_type, &f.resource_name) {
        (Some(t), Some(n)) => {
            let _ = write!(text, "\nresource: {t} '{n}'");
        }
        (Some(t), None) => {
            let _ = write!(text, "\nresource: {t}");
        }
        (None, Some(n)) => {
            let _ = write!(text, "\nresource: '{n}'");
        }
        (None, None) => {}
    }
    for r in &f.related {
        let l = &r.location;
        let _ = write!(
            text,
            "\nrelated: {}:{}:{}: {}",
            relative_to(&l.file, base),
            l.start.line,
            l.start.column,
            r.message
        );
    }
    text
}

/// Escaping for a command's message (hazardous characters shown escaped first, see
/// [`hygiene`]; line breaks are kept, as `%0A`).
pub fn escape_data(s: &str) -> String {
    hygiene::multi_line(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a command's `key=value` properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{self, sample_report, BASE};

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_in(&sample_report(), Path::new(BASE)));
    }

    #[test]
    fn one_line_per_unsuppressed_finding() {
        let out = render_in(&sample_report(), Path::new(BASE));
        assert_eq!(out.lines().count(), 5);
        assert!(!out.contains("legacy"), "suppressed finding shown:\n{out}");
        let first = out.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            "::error file=templates/broken.json,line=3,col=3,endLine=3,endColumn=14,title=ACR000::expected ',' or '}' after a property value"
        );
    }

    #[test]
    fn levels_map_to_commands() {
        let mut report = sample::report_with_message("m");
        let mut lines = Vec::new();
        for level in [Level::Error, Level::Warning, Level::Note] {
            report.findings[0].level = level;
            lines.push(render_in(&report, Path::new(BASE)));
        }
        let starts: Vec<&str> = lines
            .iter()
            .map(|l| l.split(' ').next().unwrap_or_default())
            .collect();
        assert_eq!(starts, ["::error", "::warning", "::notice"]);
    }

    #[test]
    fn possible_findings_say_so_in_the_title() {
        let out = render_in(&sample_report(), Path::new(BASE));
        assert!(out.contains(",title=ACR001 (possible)::registry contosomirror may enable"));
    }

    #[test]
    fn multi_line_ranges_have_no_columns() {
        let out = render_in(&sample_report(), Path::new(BASE));
        let acr003 = out
            .lines()
            .find(|l| l.contains("title=ACR003"))
            .unwrap_or_default();
        assert!(
            acr003.starts_with(
                "::warning file=templates/registry.json,line=39,endLine=41,title=ACR003::"
            ),
            "{acr003}"
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
        let report = sample::report_with_message("100% sure: a,b\nline two ::error::x");
        let out = render_in(&report, Path::new(BASE));
        assert_eq!(
            out,
            "::error file=templates/legacy.json,line=11,col=43,endLine=11,endColumn=47,title=ACR001::\
             100%25 sure: a,b%0Aline two ::error::x%0Aresource: Microsoft.ContainerRegistry/registries 'legacyregistry'\n"
        );
        // Exactly one line: no raw newline can start a second command.
        assert_eq!(out.lines().count(), 1);
    }

    #[test]
    fn file_names_with_commas_and_colons_are_escaped() {
        let mut report = sample::report_with_message("m");
        report.findings[0].location.file = "dir,with:odd/a.json".into();
        let out = render_in(&report, Path::new(BASE));
        assert!(
            out.starts_with("::error file=dir%2Cwith%3Aodd/a.json,line=11,"),
            "{out}"
        );
    }

    #[test]
    fn no_findings_no_output() {
        assert_eq!(render_in(&Report::default(), Path::new(BASE)), "");
    }
}
