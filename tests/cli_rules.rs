//! `acrlint rules` and `acrlint explain RULE`, run as the real binary.

use std::process::{Command, Output};

fn acrlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run acrlint")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

#[test]
fn rules_text() {
    let o = acrlint(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    insta::assert_snapshot!("rules_text", text);
}

#[test]
fn rules_json_lists_every_rule_with_its_policies() {
    let o = acrlint(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["version"], "1");
    let rules = doc["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let want: Vec<String> = (0..=24)
        .map(|i| format!("ACR{i:03}"))
        .chain(["ACR100".to_string()])
        .collect();
    assert_eq!(ids, want);
    let acr001 = &rules[1];
    assert_eq!(acr001["severity"], "error");
    assert_eq!(acr001["effect"], "Deny");
    assert_eq!(acr001["kind"], "declarative");
    assert_eq!(
        acr001["policies"][0]["id"],
        "dc921057-6b28-4fbe-9b83-f7bec05db6c2"
    );
    assert_eq!(
        acr001["policies"][0]["displayName"],
        "Container registries should have local admin account disabled."
    );
    assert_eq!(rules[16]["kind"], "native");
    // Whether `acrlint fix` applies a rule's fix unasked.
    assert_eq!(acr001["fix"], "safe");
    assert_eq!(rules[24]["fix"], "unsafe");
    assert_eq!(rules[20]["fix"], serde_json::Value::Null);
    insta::assert_snapshot!("rules_json", text);
}

#[test]
fn explain_acr001() {
    let o = acrlint(&["explain", "ACR001"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("explain_acr001", stdout(&o));
}

#[test]
fn explain_native_rule_is_case_insensitive() {
    let o = acrlint(&["explain", "acr016"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("ACR016: Premium-only features on a Basic or Standard registry\n"));
    insta::assert_snapshot!("explain_acr016", text);
}

#[test]
fn explain_every_rule_shows_both_examples() {
    for i in 0..=23 {
        let id = format!("ACR{i:03}");
        let o = acrlint(&["explain", &id]);
        assert_eq!(o.status.code(), Some(0), "{id}");
        let text = stdout(&o);
        assert!(text.contains("## Example (non-compliant)\n\n    {"), "{id}");
        assert!(text.contains("## Use instead (compliant)\n\n    {"), "{id}");
        // Prose is wrapped (examples are indented, references are links).
        let body = &text[text.find("\n## ").unwrap()..];
        let long: Vec<&str> = body
            .lines()
            .filter(|l| !l.starts_with("    ") && !l.starts_with("- "))
            .filter(|l| l.chars().count() > 88 && l.contains(' '))
            .collect();
        assert!(
            long.is_empty(),
            "{id}: prose lines longer than 88 columns: {long:?}"
        );
    }
}

#[test]
fn explain_unknown_rule_exits_2_and_lists_the_valid_ids() {
    let o = acrlint(&["explain", "ACR999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with("error: unknown rule `ACR999`; valid rules: ACR000, ACR001,"),
        "{err}"
    );
    assert!(err.trim_end().ends_with("ACR024, ACR100"), "{err}");
}

#[test]
fn explain_the_access_rules_with_their_sources_and_fix_safety() {
    for id in ["ACR020", "ACR024"] {
        let o = acrlint(&["explain", id]);
        assert_eq!(o.status.code(), Some(0));
        insta::assert_snapshot!(format!("explain_{}", id.to_ascii_lowercase()), stdout(&o));
    }
    let acr024 = stdout(&acrlint(&["explain", "ACR024"]));
    assert!(acr024.contains("## Fix\n\nUnsafe:"), "{acr024}");
    assert!(
        acr024.contains("## Source\n\nAzure Container Registry ABAC repository permissions"),
        "{acr024}"
    );
    assert!(acr024.contains("checked 2026-12-01."), "{acr024}");
    let acr001 = stdout(&acrlint(&["explain", "ACR001"]));
    assert!(
        acr001.contains("## Fix\n\nSafe: `acrlint fix` applies it."),
        "{acr001}"
    );
}

/// A fix that adds a property older apiVersions lack says that it may need the
/// apiVersion upgraded first, and that the upgrade is unsafe; one that does not, does not.
#[test]
fn explain_names_the_api_version_upgrade_a_fix_may_need() {
    let acr008 = stdout(&acrlint(&["explain", "ACR008"]));
    let fix = &acr008[acr008.find("## Fix").unwrap()..];
    assert!(
        fix.contains("older than 2022-12-01")
            && fix.contains("upgraded to 2025-11-01 first, itself an unsafe fix")
            && fix.contains("--unsafe-fixes"),
        "{fix}"
    );
    let acr007 = stdout(&acrlint(&["explain", "ACR007"]));
    assert!(acr007.contains("older than 2021-09-01"), "{acr007}");
    let acr001 = stdout(&acrlint(&["explain", "ACR001"]));
    assert!(!acr001.contains("upgraded to"), "{acr001}");
}

#[test]
fn user_rules_are_listed_and_explained() {
    let dir = std::env::temp_dir().join(format!("acrlint-cli-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rule: serde_json::Value =
        serde_json::from_str(include_str!("../rules/ACR004.json")).unwrap();
    rule["id"] = "CUSTOM001".into();
    rule["title"] = "A user rule".into();
    std::fs::write(dir.join("CUSTOM001.json"), rule.to_string()).unwrap();
    let d = dir.to_string_lossy().into_owned();
    let list = stdout(&acrlint(&["rules", "--rules", &d]));
    assert!(
        list.contains("CUSTOM001  warning   Audit   A user rule"),
        "{list}"
    );
    let o = acrlint(&["explain", "custom001", "--rules", &d]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("CUSTOM001: A user rule"));
    let o = acrlint(&["rules", "--rules", "/nonexistent/acrlint-rules"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
