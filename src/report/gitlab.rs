//! `--format gitlab`: a GitLab Code Quality report, the subset of the Code Climate
//! format that GitLab reads (`artifacts: reports: codequality:`), so that merge requests
//! show findings as GitHub pull requests do:
//!
//! ```json
//! [{"description": "ACR001: registry …", "check_name": "ACR001", "fingerprint": "…",
//!   "severity": "critical", "location": {"path": "infra/main.json", "lines": {"begin": 17, "end": 17}}}]
//! ```
//!
//! <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>
//!
//! Suppressed findings are left out (the format has no notion of them). GitLab compares
//! the reports of the base and the merge request by fingerprint and shows one issue per
//! fingerprint, so each must be unique and must not move with line numbers: it is made
//! of the finding's own fingerprint (rule, file, resource, property) and, when several
//! findings share that, their order among themselves.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Value as Json};

use crate::report::{relative_to, working_dir, Report};
use crate::rules::finding::{fingerprint, Finding, Level, Status};

/// Render the unsuppressed findings as a Code Quality report (a JSON array).
pub fn render(report: &Report) -> String {
    render_in(report, &working_dir())
}

/// [`render`] with paths relative to `base`.
pub fn render_in(report: &Report, base: &Path) -> String {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<Json> = report
        .active()
        .map(|f| {
            let n = seen.entry(f.fingerprint.as_str()).or_insert(0);
            let occurrence = n.to_string();
            *n += 1;
            issue(
                f,
                base,
                &fingerprint(&["gitlab", &f.fingerprint, &occurrence]),
            )
        })
        .collect();
    format!("{:#}\n", Json::Array(issues))
}

/// GitLab's severities are info, minor, major, critical and blocker.
fn severity(level: Level) -> &'static str {
    match level {
        Level::Error => "critical",
        Level::Warning => "major",
        Level::Note => "info",
    }
}

fn issue(f: &Finding, base: &Path, fingerprint: &str) -> Json {
    let possible = match f.status {
        Status::Fail => "",
        Status::Possible => " (possible)",
    };
    let loc = &f.location;
    json!({
        "description": format!("{}{possible}: {}", f.rule, f.message),
        "check_name": f.rule,
        "fingerprint": fingerprint,
        "severity": severity(f.level),
        "location": {
            "path": relative_to(&loc.file, base),
            "lines": {
                "begin": loc.start.line.max(1),
                "end": loc.end.line.max(loc.start.line).max(1),
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{sample_report, BASE};

    fn issues(report: &Report) -> Vec<Json> {
        let text = render_in(report, Path::new(BASE));
        match serde_json::from_str(&text) {
            Ok(Json::Array(a)) => a,
            other => panic!("not a JSON array: {other:?}\n{text}"),
        }
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_in(&sample_report(), Path::new(BASE)));
    }

    #[test]
    fn one_issue_per_unsuppressed_finding_with_the_required_fields() {
        let report = sample_report();
        let issues = issues(&report);
        assert_eq!(issues.len(), report.active().count());
        for i in &issues {
            for field in ["description", "check_name", "fingerprint", "severity"] {
                assert!(i[field].as_str().is_some_and(|s| !s.is_empty()), "{i}");
            }
            assert!(["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap_or_default()));
            let path = i["location"]["path"].as_str().unwrap_or_default();
            assert!(path.starts_with("templates/"), "relative: {path}");
            assert!(i["location"]["lines"]["begin"].as_u64() >= Some(1));
        }
        assert_eq!(issues[0]["severity"], "critical");
        assert!(issues.iter().any(|i| i["description"]
            .as_str()
            .unwrap_or_default()
            .starts_with("ACR001 (possible): ")
            && i["severity"] == "major"));
    }

    #[test]
    fn fingerprints_are_unique_and_ignore_line_numbers() {
        let mut report = sample_report();
        // Two findings sharing a fingerprint (say, two copies of one resource) still get
        // distinct ones.
        let mut twin = report.findings[1].clone();
        twin.location.start.line += 40;
        report.findings.push(twin);
        let before = issues(&report);
        let mut prints: Vec<&str> = before
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        prints.sort_unstable();
        prints.dedup();
        assert_eq!(prints.len(), before.len(), "unique");
        // Moving every finding down (lines added above) keeps every fingerprint.
        for f in &mut report.findings {
            f.location.start.line += 3;
            f.location.end.line += 3;
        }
        let after = issues(&report);
        let prints = |v: &[Json]| -> Vec<String> {
            v.iter().map(|i| i["fingerprint"].to_string()).collect()
        };
        assert_eq!(prints(&before), prints(&after));
        assert_ne!(before, after);
    }

    #[test]
    fn an_empty_report_is_an_empty_array() {
        assert_eq!(render_in(&Report::default(), Path::new(BASE)), "[]\n");
    }
}
