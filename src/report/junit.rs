//! `--format junit`: JUnit XML for Azure Pipelines' `PublishTestResults` task and other
//! CI test views. One test suite per file, one test case per file × rule: a rule with
//! unsuppressed findings at or above the `--fail-on` level in the file fails (one
//! failure listing those findings), any other rule passes, so the test view also shows
//! what was checked and held, and a run that exits 0 shows no failed test. Findings
//! below the level, and suppressed ones, are listed in the test case's `<system-out>`
//! (with a `belowFailOn` property counting the former). In a file that could not be
//! read, parsed or evaluated (an ACR000 finding), the other rules without findings are
//! reported as skipped, not passed: they could not vouch for it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use crate::report::{hygiene, relative_to, suppression_kind, working_dir, Report};
use crate::rules::finding::{Finding, Level, Status};
use crate::rules::native::registry::UNREADABLE;

/// Render the report as JUnit XML; findings at or above `fail_on` are failures (none
/// when `None`, as with `--fail-on never`).
pub fn render(report: &Report, fail_on: Option<Level>) -> Result<String, String> {
    render_in(report, &working_dir(), fail_on)
}

/// [`render`] with paths relative to `base`.
pub fn render_in(report: &Report, base: &Path, fail_on: Option<Level>) -> Result<String, String> {
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
                test_case(report, &rule, &shown, &findings, base, fail_on)
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
    fail_on: Option<Level>,
) -> TestCase {
    let (suppressed, unsuppressed): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.suppression.is_some());
    let (active, below): (Vec<&Finding>, Vec<&Finding>) = unsuppressed
        .into_iter()
        .partition(|f| fail_on.is_some_and(|t| f.level >= t));
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
        let help = active.first().and_then(|f| crate::report::help(report, f));
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
    let mut out = String::new();
    if !below.is_empty() {
        let level = fail_on.map_or("never", Level::as_str);
        let _ = writeln!(
            out,
            "below --fail-on {level}, not failing the run ({}):",
            below.len()
        );
        for f in &below {
            details(&mut out, f, base);
        }
        case.add_property(("belowFailOn", below.len().to_string().as_str()));
    }
    if !suppressed.is_empty() {
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
    }
    if !out.is_empty() {
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
        xml_failing_at(report, Some(Level::Note))
    }

    fn xml_failing_at(report: &Report, fail_on: Option<Level>) -> String {
        match render_in(report, Path::new(BASE), fail_on) {
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
    fn only_findings_at_or_above_fail_on_are_failures() {
        let report = sample_report();
        let case_of = |out: &str, name: &str| {
            out.split("<testcase ")
                .find(|c| c.starts_with(&format!(r#"name="{name}""#)))
                .unwrap_or_default()
                .to_string()
        };
        let errors_only = xml_failing_at(&report, Some(Level::Error));
        // registry.json × ACR001 has an error and a possible warning: the failure
        // lists the error; the warning is in <system-out>, counted by a property.
        let case = case_of(&errors_only, "ACR001 templates/registry.json");
        let failure = case
            .split("<failure")
            .nth(1)
            .and_then(|f| f.split("</failure>").next())
            .unwrap_or_default();
        assert!(
            failure.contains("ACR001 error registry contosoregistry"),
            "{case}"
        );
        assert!(!failure.contains("contosomirror"), "{case}");
        assert!(!failure.contains("(and 1 more)"), "{case}");
        assert!(
            case.contains(r#"<property name="belowFailOn" value="1"/>"#),
            "{case}"
        );
        let system_out = case.split("<system-out>").nth(1).unwrap_or_default();
        assert!(
            system_out.starts_with("below --fail-on error, not failing the run (1):\ntemplates/registry.json:33:87: ACR001 warning[possible] registry contosomirror"),
            "{case}"
        );
        // As many failures as (file, rule) pairs with an unsuppressed error.
        let mut failing: Vec<(String, String)> = report
            .active()
            .filter(|f| f.level == Level::Error)
            .map(|f| (f.location.file.display().to_string(), f.rule.clone()))
            .collect();
        failing.dedup();
        assert_eq!(errors_only.matches("<failure").count(), failing.len());
        assert!(failing.len() < xml(&report).matches("<failure").count());
        // --fail-on never: nothing fails, every finding is still listed.
        let never = xml_failing_at(&report, None);
        assert_eq!(never.matches("<failure").count(), 0, "{never}");
        assert!(never.contains("below --fail-on never"), "{never}");
        for f in report.active() {
            assert!(
                never.contains(&format!(
                    "{}:{}: {}",
                    f.location.start.line, f.location.start.column, f.rule
                )),
                "{never}"
            );
        }
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
