//! `--format junit`: JUnit XML for Azure Pipelines' `PublishTestResults` task and other
//! CI test views. One test suite per file, one test case per file × rule: a rule with
//! unsuppressed findings in the file fails (one failure listing every finding), any
//! other rule passes, so the test view also shows what was checked and held. In a file
//! that could not be read, parsed or evaluated (an ACR000 finding), the other rules
//! without findings are reported as skipped, not passed: they could not vouch for it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use crate::report::{hygiene, relative_to, suppression_kind, working_dir, Report};
use crate::rules::finding::{Finding, Status};

/// The rule that reports files that could not be checked.
const UNREADABLE: &str = "ACR000";

/// Render the report as JUnit XML.
pub fn render(report: &Report) -> Result<String, String> {
    render_in(report, &working_dir())
}

/// [`render`] with paths relative to `base`.
pub fn render_in(report: &Report, base: &Path) -> Result<String, String> {
    let mut junit = JunitReport::new("acrlint");
    // Findings by file in one pass (not one pass over all findings per file).
    let mut by_file: HashMap<&Path, Vec<&Finding>> = HashMap::new();
    for f in &report.findings {
        by_file
            .entry(f.location.file.as_path())
            .or_default()
            .push(f);
    }
    for file in report.all_files() {
        let shown = relative_to(file, base);
        let in_file: Vec<&Finding> = by_file.remove(file).unwrap_or_default();
        let unreadable = in_file
            .iter()
            .any(|f| f.rule == UNREADABLE && f.suppression.is_none());
        let mut suite = TestSuite::new(shown.as_str());
        for rule in rule_ids(report, &in_file) {
            let findings: Vec<&Finding> =
                in_file.iter().copied().filter(|f| f.rule == rule).collect();
            let case = if unreadable && findings.is_empty() {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!("not checked: {UNREADABLE} reports that the file could not be read, parsed or evaluated"));
                let mut case = TestCase::new(format!("{rule} {shown}"), status);
                case.set_classname(shown.as_str());
                case
            } else {
                test_case(report, &rule, &shown, &findings, base)
            };
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    // Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) make the whole
    // file unreadable to Azure Pipelines: they, and the other hazards, are shown
    // escaped. Markup is ASCII, so the finished document can be cleaned as a whole.
    junit
        .to_string()
        .map(|xml| hygiene::multi_line(&xml).into_owned())
        .map_err(|e| format!("could not write JUnit XML: {e}"))
}

/// The rules that ran, then any other rule a finding in the file names (an imported
/// policy definition, say), in order of appearance.
fn rule_ids(report: &Report, findings: &[&Finding]) -> Vec<String> {
    let mut ids: Vec<String> = report.rules.iter().map(|r| r.id.clone()).collect();
    for f in findings {
        if !ids.contains(&f.rule) {
            ids.push(f.rule.clone());
        }
    }
    ids
}

fn test_case(
    report: &Report,
    rule: &str,
    file: &str,
    findings: &[&Finding],
    base: &Path,
) -> TestCase {
    let (suppressed, active): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.suppression.is_some());
    let status = if active.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let first = describe(active[0], base);
        let message = match active.len() {
            1 => first,
            n => format!("{first} (and {} more)", n - 1),
        };
        let worst = active.iter().map(|f| f.level).max().map(|l| l.as_str());
        let help = report.rule(rule).map(|r| r.recommendation.as_str());
        let mut description = String::new();
        for f in &active {
            details(&mut description, f, base);
        }
        if let Some(help) = help {
            let _ = writeln!(description, "help: {help}");
        }
        status
            .set_message(message)
            .set_type(worst.unwrap_or("error"))
            .set_description(description);
        status
    };
    let mut case = TestCase::new(format!("{rule} {file}"), status);
    case.set_classname(file);
    if !suppressed.is_empty() {
        let mut out = String::new();
        for f in &suppressed {
            let (kind, why) = f
                .suppression
                .as_ref()
                .map(|s| (suppression_kind(&s.kind), s.justification.as_deref()))
                .unwrap_or(("external", None));
            let _ = write!(out, "suppressed ({kind}");
            if let Some(why) = why {
                let _ = write!(out, ": {why}");
            }
            let _ = writeln!(out, "): {}", describe(f, base));
        }
        case.set_system_out(out);
    }
    case
}

/// `file:line:col: RULE level[possible] message`
fn describe(f: &Finding, base: &Path) -> String {
    let possible = if f.status == Status::Possible {
        "[possible]"
    } else {
        ""
    };
    format!(
        "{}:{}:{}: {} {}{possible} {}",
        relative_to(&f.location.file, base),
        f.location.start.line,
        f.location.start.column,
        f.rule,
        f.level.as_str(),
        f.message
    )
}

/// A finding with its resource and related locations, one item a line.
fn details(out: &mut String, f: &Finding, base: &Path) {
    let _ = writeln!(out, "{}", describe(f, base));
    if let Some(t) = &f.resource_type {
        let name = f.resource_name.as_deref().unwrap_or("?");
        let _ = writeln!(out, "  resource: {t} '{name}'");
    }
    for r in &f.related {
        let l = &r.location;
        let _ = writeln!(
            out,
            "  related: {}:{}:{}: {}",
            relative_to(&l.file, base),
            l.start.line,
            l.start.column,
            r.message
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{self, sample_report, BASE};

    fn xml(report: &Report) -> String {
        match render_in(report, Path::new(BASE)) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(xml(&sample_report()));
    }

    #[test]
    fn counts_one_case_per_file_and_rule() {
        let out = xml(&sample_report());
        // 3 files × 4 built-in rules; failing: broken×ACR000, registry×ACR001/2/3.
        assert!(
            out.contains(
                r#"<testsuites name="acrlint" tests="12" skipped="3" failures="4" errors="0">"#
            ),
            "{out}"
        );
        assert!(out.contains(
            r#"<testsuite name="templates/registry.json" tests="4" skipped="0" errors="0" failures="3">"#
        ));
        assert!(out.contains(
            r#"<testsuite name="templates/legacy.json" tests="4" skipped="0" errors="0" failures="0">"#
        ));
        assert!(out.contains(r#"<testcase name="ACR000 templates/registry.json" classname="templates/registry.json"/>"#));
    }

    #[test]
    fn suppressed_findings_pass_with_a_note() {
        let out = xml(&sample_report());
        let case = out
            .split("<testcase ")
            .find(|c| c.starts_with(r#"name="ACR001 templates/legacy.json""#))
            .unwrap_or_default();
        assert!(!case.contains("<failure"), "{case}");
        assert!(
            case.contains("suppressed (external: legacy registry, decommissioned in Q3 (OPS-1234)): templates/legacy.json:11:43: ACR001 error"),
            "{case}"
        );
    }

    #[test]
    fn several_findings_make_one_failure() {
        let out = xml(&sample_report());
        let case = out
            .split("<testcase ")
            .find(|c| c.starts_with(r#"name="ACR001 templates/registry.json""#))
            .unwrap_or_default();
        assert_eq!(case.matches("<failure").count(), 1, "{case}");
        assert!(case.contains(r#"type="error""#), "{case}");
        assert!(case.contains("(and 1 more)"), "{case}");
        assert!(case.contains(
            "templates/registry.json:33:87: ACR001 warning[possible] registry contosomirror"
        ));
        assert!(case.contains("related: templates/registry.json:7:59: value comes from"));
    }

    #[test]
    fn unknown_rules_get_their_own_case_and_text_is_escaped() {
        let mut report = sample::report_with_message("a < b & \"c\" \u{1b}[0m");
        report.findings[0].rule = "deny-public-registries".into();
        let out = xml(&report);
        assert!(
            out.contains(r#"<testcase name="deny-public-registries templates/legacy.json""#),
            "{out}"
        );
        assert!(out.contains("a &lt; b &amp; "), "{out}");
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn empty_report_is_valid_xml_with_no_suites() {
        let out = xml(&Report::default());
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"acrlint\" tests=\"0\" skipped=\"0\" failures=\"0\" errors=\"0\">\n\
             </testsuites>\n"
        );
    }

    #[test]
    fn rules_are_skipped_in_a_file_that_could_not_be_checked() {
        let out = xml(&sample_report());
        let suite = out
            .split("<testsuite ")
            .find(|s| s.starts_with(r#"name="templates/broken.json""#))
            .unwrap_or_default();
        assert!(
            suite.starts_with(
                r#"name="templates/broken.json" tests="4" skipped="3" errors="0" failures="1">"#
            ),
            "{suite}"
        );
        assert_eq!(
            suite
                .matches("<skipped message=\"not checked: ACR000")
                .count(),
            3,
            "{suite}"
        );
    }
}
