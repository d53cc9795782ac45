use std::path::Path;

use super::*;
use crate::report::sample::{self, sample_report, BASE};
use crate::source::line_index::LineCol;

fn plain(report: &Report) -> String {
    render_in(report, Path::new(BASE), false)
}

#[test]
fn snapshot_plain() {
    insta::assert_snapshot!(plain(&sample_report()));
}

#[test]
fn header_has_position_rule_level_and_message() {
    let out = plain(&sample_report());
    let headers: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("templates/"))
        .collect();
    assert_eq!(
        headers,
        [
            "templates/broken.json:3:3: ACR000 error expected ',' or '}' after a property value",
            "templates/registry.json:17:43: ACR001 error registry contosoregistry enables the admin user (adminUserEnabled is true): anyone with its shared password can push and pull",
            "templates/registry.json:23:19: ACR002 error replication contosoregistry/westeurope is in the registry's home region (westeurope): Azure creates the home replica itself, so deploying it fails",
            // The block comment before the value holds non-ASCII characters: the column
            // counts characters, not bytes.
            "templates/registry.json:33:87: ACR001 warning[possible] registry contosomirror may enable the admin user (adminUserEnabled is one of [true, false]): anyone with its shared password can push and pull",
            "templates/registry.json:39:16: ACR003 warning listCredentials() reads the admin password of registry contosoregistry",
        ]
    );
}

#[test]
fn caret_sits_under_the_offending_value() {
    let out = plain(&sample_report());
    let lines: Vec<&str> = out.lines().collect();
    let source_line = lines
        .iter()
        .position(|l| l.starts_with("17 |"))
        .expect("line 17 is shown");
    let caret_line = lines[source_line + 1];
    let source = lines[source_line];
    let value = "\"[parameters('adminUserEnabled')]\"";
    let value_at = source.find(value).expect("value on the line");
    let caret_at = caret_line.find('^').expect("caret");
    assert_eq!(caret_at, value_at);
    assert_eq!(caret_line.trim_start_matches([' ', '|']).len(), value.len());
}

#[test]
fn related_locations_are_notes_with_their_own_position() {
    let out = plain(&sample_report());
    assert!(out.contains(
        "= note: value comes from the default value of parameter 'adminUserEnabled' at templates/registry.json:7:59"
    ));
    assert!(out.contains("= note: the registry's location at templates/registry.json:15:19"));
    assert!(out.contains("= help: Set \"adminUserEnabled\": false (or omit it)"));
}

#[test]
fn suppressed_findings_are_counted_not_printed() {
    let out = plain(&sample_report());
    assert!(
        !out.contains("legacy"),
        "suppressed finding printed:\n{out}"
    );
    assert_eq!(
        out.lines().last(),
        Some("3 errors, 2 warnings, 0 notes in 3 files (1 suppressed)")
    );
}

#[test]
fn summary_line_wording() {
    let s = |files, errors, warnings, notes, suppressed| Summary {
        files,
        errors,
        warnings,
        notes,
        suppressed,
    };
    assert_eq!(
        summary_line(&s(1, 0, 0, 0, 0), false),
        "no findings in 1 file"
    );
    assert_eq!(
        summary_line(&s(0, 0, 0, 0, 0), false),
        "no findings in 0 files"
    );
    assert_eq!(
        summary_line(&s(4, 0, 0, 0, 2), false),
        "no findings in 4 files (2 suppressed)"
    );
    assert_eq!(
        summary_line(&s(2, 1, 1, 1, 0), false),
        "1 error, 1 warning, 1 note in 2 files"
    );
    assert_eq!(
        summary_line(&s(1, 0, 3, 0, 0), false),
        "0 errors, 3 warnings, 0 notes in 1 file"
    );
    assert_eq!(
        summary_line(&s(1, 0, 0, 1, 0), true),
        "\x1b[1m0 errors, 0 warnings, 1 note in 1 file\x1b[0m"
    );
}

#[test]
fn empty_report_says_no_findings() {
    let report = Report::default();
    assert_eq!(plain(&report), "no findings in 0 files\n");
}

#[test]
fn no_escape_codes_without_colour_and_some_with() {
    let report = sample_report();
    let off = plain(&report);
    assert!(!off.contains('\x1b'));
    let on = render_in(&report, Path::new(BASE), true);
    assert!(on.contains("\x1b[1m\x1b[91merror\x1b[0m"), "{on}");
    assert!(
        on.contains("\x1b[1m\x1b[33mwarning[possible]\x1b[0m"),
        "{on}"
    );
    // Same text once the escape codes are gone.
    assert_eq!(strip_ansi(&on), off);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn colour_choice_honours_no_color_clicolor_force_and_dumb_terminals() {
    assert!(auto_color(true, None, None, None));
    assert!(auto_color(true, None, None, Some("xterm-256color")));
    assert!(!auto_color(false, None, None, None));
    assert!(!auto_color(true, Some("1"), None, None));
    // An empty NO_COLOR does not count (no-color.org).
    assert!(auto_color(true, Some(""), None, None));
    assert!(
        !auto_color(true, Some("1"), Some("1"), None),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    assert!(auto_color(false, None, Some("1"), None));
    assert!(!auto_color(false, None, Some("0"), None));
    assert!(!auto_color(false, None, Some(""), None));
    assert!(!auto_color(true, None, None, Some("dumb")), "TERM=dumb");
    assert!(auto_color(true, None, Some("1"), Some("dumb")), "forced");
    // --color always and never decide whatever the stream and environment.
    assert!(use_color(ColorChoice::Always, false));
    assert!(!use_color(ColorChoice::Never, true));
}

#[test]
fn control_characters_in_messages_are_escaped() {
    let report = sample::report_with_message("name is \x1b[31mred\x1b[0m\r\nsecond line");
    let out = plain(&report);
    assert!(!out.contains('\x1b'));
    assert!(
        out.contains("name is \\u{1b}[31mred\\u{1b}[0m\\r\\nsecond line"),
        "{out}"
    );
}

#[test]
fn finding_without_source_text_still_has_header_and_help() {
    let mut report = sample::report_with_message("registry legacyregistry enables the admin user");
    report.sources.clear();
    let out = plain(&report);
    assert_eq!(
        out,
        "templates/legacy.json:11:43: ACR001 error registry legacyregistry enables the admin user\n \
         = help: Set \"adminUserEnabled\": false (or omit it) and grant pull/push with Microsoft Entra identities and the AcrPull/AcrPush roles.\n\
         \n1 error, 0 warnings, 0 notes in 1 file\n"
    );
}

#[test]
fn location_outside_the_text_renders_without_snippet() {
    let mut report = sample::report_with_message("stale");
    let f = &mut report.findings[0];
    f.location.start = LineCol {
        line: 500,
        column: 3,
    };
    f.location.end = LineCol {
        line: 501,
        column: 1,
    };
    let out = plain(&report);
    assert!(
        out.starts_with("templates/legacy.json:500:3: ACR001 error stale\n"),
        "{out}"
    );
    assert!(!out.contains(" | "), "{out}");
}

#[test]
fn column_past_line_end_is_clamped() {
    let mut report = sample::report_with_message("past the end");
    let f = &mut report.findings[0];
    f.location.start.column = 200;
    f.location.end.column = 300;
    let out = plain(&report);
    // Line 11 is shown, with a caret just after its last character.
    let line = out
        .lines()
        .find(|l| l.starts_with("11 |"))
        .expect("line 11 shown");
    let caret = out.lines().find(|l| l.contains('^')).expect("caret");
    assert_eq!(caret.find('^'), Some(line.len()));
}

#[test]
fn paths_outside_the_base_stay_absolute() {
    let report = sample::report_with_message("elsewhere");
    let out = render_in(&report, Path::new("/somewhere/else"), false);
    assert!(
        out.starts_with("/home/dev/contoso-infra/templates/legacy.json:11:43: ACR001"),
        "{out}"
    );
}

/// A report with one finding on `needle` in a file with the given text.
fn single(text: &str, needle: &str, occurrence: usize) -> Report {
    let mut report = sample::report_with_message("m");
    let file = report.files[0].clone();
    report.findings[0].location = sample::locate(&file, text, needle, occurrence);
    report
        .sources
        .insert(file, std::sync::Arc::new(text.to_string()));
    report
}

#[test]
fn long_lines_are_cut_around_the_value() {
    let padding = "x".repeat(20_000);
    let text =
        format!("{{\"a\": \"{padding}\", \"adminUserEnabled\": true, \"b\": \"{padding}\"}}\n");
    let out = plain(&single(&text, "true", 0));
    assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
    let source = out
        .lines()
        .find(|l| l.starts_with("1 |"))
        .expect("line 1 shown");
    let caret = out.lines().find(|l| l.contains('^')).expect("caret");
    let value_at = source.find("true").expect("value shown");
    assert_eq!(caret.find('^'), Some(value_at));
    assert_eq!(caret.matches('^').count(), 4);
}

#[test]
fn tabs_and_crlf_keep_the_caret_aligned() {
    let text = "{\r\n\t\"properties\": {\r\n\t\t\"adminUserEnabled\": true\r\n\t}\r\n}\r\n";
    let out = plain(&single(text, "true", 0));
    assert!(
        out.starts_with("templates/legacy.json:3:23: ACR001 error m\n"),
        "{out}"
    );
    assert!(!out.contains('\r'), "{out:?}");
    let source = out
        .lines()
        .find(|l| l.starts_with("3 |"))
        .expect("line 3 shown");
    let caret = out.lines().find(|l| l.contains('^')).expect("caret");
    assert_eq!(caret.find('^'), source.find("true"), "{out}");

    // A range over several CRLF lines.
    let mut report = single(text, "\"properties\"", 0);
    let file = report.files[0].clone();
    let start = text.find("\"properties\"").unwrap_or(0);
    let end = text.rfind('}').unwrap_or(0) - 2;
    report.findings[0].location = sample::span(&file, text, start, end);
    let out = plain(&report);
    assert!(!out.contains('\r'), "{out:?}");
    assert!(out.contains("2 |"), "{out}");
    assert!(out.contains("4 |"), "{out}");
}
