//! A finding in a Bicep file gives its help in Bicep syntax (`adminUserEnabled: false`,
//! `if (false)`), in every output format; in JSON, in ARM syntax.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::sample::{finding, locate, FindingSpec};
use super::{render, Format, RenderOptions, Report};
use crate::rules::finding::{Level, Status};
use crate::rules::native::registry::builtin_rules;

const BICEP: &str =
    "resource acr 'Microsoft.ContainerRegistry/registries@2025-04-01' = {\n  name: 'acrhelp'\n}\n";
const JSON: &str = "{\n  \"resources\": [ { \"name\": \"acrhelp\" } ]\n}\n";

/// ARM JSON syntax in a hint: a quoted key followed by a colon (`"adminUserEnabled":`),
/// or an ARM expression (`"[format(...)]"`, `parameters('x')`).
pub(crate) fn arm_syntax(text: &str) -> Option<String> {
    let quoted_key = regex::Regex::new(r#"\\?"[A-Za-z][A-Za-z0-9.]*\\?"\s*:\s"#).ok()?;
    if let Some(m) = quoted_key.find(text) {
        return Some(m.as_str().to_string());
    }
    ["\"[", "parameters('", "variables('", "⟦", "acrlint.unknown"]
        .iter()
        .find(|p| text.contains(*p))
        .map(|p| p.to_string())
}

/// What an output shows of findings: every string of a JSON output (JSON, SARIF,
/// GitLab), but SARIF's rule documentation, whose examples are ARM templates (its
/// recommendation is kept); the lines of the others but quoted source.
fn shown_texts(out: &str) -> Vec<String> {
    let Ok(mut json) = serde_json::from_str::<serde_json::Value>(out) else {
        return out
            .lines()
            .filter(|l| !l.contains(" | ") && !l.trim_start().starts_with('|'))
            .map(str::to_string)
            .collect();
    };
    let mut kept = Vec::new();
    if let Some(runs) = json.get_mut("runs").and_then(|r| r.as_array_mut()) {
        for run in runs {
            if let Some(tool) = run.as_object_mut().and_then(|o| o.remove("tool")) {
                let mut docs = Vec::new();
                strings(&tool, &mut docs);
                kept.extend(
                    docs.iter()
                        .flat_map(|d| d.split("\n\n"))
                        .filter(|p| p.starts_with("Recommendation"))
                        .map(str::to_string),
                );
            }
        }
    }
    strings(&json, &mut kept);
    kept
}

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        serde_json::Value::Object(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// One finding of every built-in rule in `file`.
fn report(file: &Path, text: &str) -> Report {
    let rules = builtin_rules().expect("built-in rules load");
    let findings = rules
        .iter()
        .map(|r| {
            finding(FindingSpec {
                rule: &r.id,
                level: Level::Error,
                status: Status::Fail,
                location: locate(file, text, "acrhelp", 0),
                resource: Some(("Microsoft.ContainerRegistry/registries", "acrhelp")),
                message: "registry acrhelp is reported",
                related: vec![],
                suppression: None,
            })
        })
        .collect();
    let mut sources = BTreeMap::new();
    sources.insert(file.to_path_buf(), Arc::new(text.to_string()));
    Report {
        findings,
        rules,
        files: vec![file.to_path_buf()],
        sources,
        configurations: Vec::new(),
    }
}

#[test]
fn every_rule_with_syntax_in_its_help_has_a_bicep_one_without_arm_syntax() {
    let rules = builtin_rules().expect("built-in rules load");
    let mut with_syntax = 0;
    for r in &rules {
        if arm_syntax(&r.recommendation).is_some() || r.recommendation.contains('"') {
            with_syntax += 1;
            let bicep = r
                .recommendation_bicep
                .as_deref()
                .unwrap_or_else(|| panic!("{}: no recommendationBicep", r.id));
            assert_eq!(arm_syntax(bicep), None, "{}: {bicep}", r.id);
            assert!(!bicep.contains('"'), "{}: {bicep}", r.id);
        }
    }
    assert!(with_syntax >= 10, "only {with_syntax} rules");
}

#[test]
fn bicep_findings_show_bicep_help_in_every_format() {
    let bicep = PathBuf::from("/work/infra/main.bicep");
    let json = PathBuf::from("/work/infra/main.json");
    let on_bicep = report(&bicep, BICEP);
    let on_json = report(&json, JSON);
    let options = RenderOptions::default();
    for format in Format::ALL {
        let out = render(&on_bicep, format, &options).expect("renders");
        for shown in shown_texts(&out) {
            if let Some(found) = arm_syntax(&shown) {
                panic!("{format:?} shows ARM syntax ({found}) for a Bicep file: {shown}");
            }
        }
        let arm = render(&on_json, format, &options).expect("renders");
        let admin_bicep = "Set adminUserEnabled: false";
        let shows_help = matches!(format, Format::Text | Format::Junit | Format::Sarif);
        if shows_help {
            assert!(
                out.contains(admin_bicep),
                "{format:?}: no Bicep help for ACR001:\n{out}"
            );
            assert!(
                arm.contains("adminUserEnabled") && !arm.contains(admin_bicep),
                "{format:?}: no ARM help for ACR001 in JSON:\n{arm}"
            );
            assert!(
                out.contains("if (false)"),
                "{format:?}: ACR002 help:\n{out}"
            );
        }
    }
}
