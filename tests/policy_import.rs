//! `--policy`: Azure Policy definitions as published run as rules, on the hand-written
//! definitions of `tests/fixtures/policy/` and (with the `corpus` feature) on the
//! built-in Container Registry definitions of the shared reference data.

use std::process::Command;

const DEFS: &str = "tests/fixtures/policy";
const ADMIN_DEF: &str = "tests/fixtures/policy/registry/admin-user-audit-deny.json";
const ADMIN_GUID: &str = "0a11c0de-0001-4000-8000-000000000001";
const MODIFY_GUID: &str = "0a11c0de-0002-4000-8000-000000000002";
const TEMPLATE: &str = "tests/fixtures/policy-templates/admin-registry.json";

fn findings(extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    findings_in(TEMPLATE, extra)
}

fn findings_in(template: &str, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(["check", template, "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    (
        out.status.code().unwrap_or(-1),
        v["findings"].as_array().cloned().unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The admin-user definition gives one finding at `level`, and the Modify definition
/// names the change Azure would make.
fn assert_admin_user_audit_and_modify(f: &[serde_json::Value], audit: &str, modify: &str) {
    let admin: Vec<_> = f.iter().filter(|x| x["rule"] == audit).collect();
    assert_eq!(admin.len(), 1, "{f:#?}");
    assert_eq!(admin[0]["level"], "warning", "Audit is a warning");
    let modify = f.iter().find(|x| x["rule"] == modify).unwrap();
    assert_eq!(modify["level"], "warning", "Modify is a warning");
    assert!(modify["message"]
        .as_str()
        .unwrap()
        .contains("set properties.adminUserEnabled to false"));
}

fn temp_file(name: &str, text: &str) -> String {
    let p = std::env::temp_dir().join(format!("acrlint-policy-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// A property whose value is an object shaped like the way `expand` writes an unknown
/// value or a candidate set is an object: neither the built-in rules nor a definition
/// read it as undecided (`adminUserEnabled` is not `true`, so nothing is reported).
#[test]
fn objects_shaped_like_unknowns_are_objects() {
    let template = "tests/fixtures/policy-templates/marker-lookalikes.json";
    let (code, f, err) = findings_in(template, &["--policy", DEFS]);
    assert!(code == 0 || code == 1, "{err}");
    for rule in ["ACR001", "ACR004", ADMIN_GUID] {
        assert!(
            f.iter().all(|x| x["rule"] != rule),
            "{rule} read an object as an unknown value: {f:#?}"
        );
    }
    // The same registry with the values themselves: both rules and the definition fire.
    let text = std::fs::read_to_string(template)
        .unwrap()
        .replace(r#"{ "$unknown": "written by the template" }"#, "true")
        .replace(r#"{ "$candidates": [true], "parameter": "pull" }"#, "true");
    let plain = temp_file("lookalikes-plain.json", &text);
    let (_, f, err) = findings_in(&plain, &["--policy", DEFS]);
    let _ = std::fs::remove_file(&plain);
    for rule in ["ACR001", "ACR004", ADMIN_GUID] {
        assert!(
            f.iter().any(|x| x["rule"] == rule && x["status"] == "fail"),
            "{rule} missing on the plain registry: {err} {f:#?}"
        );
    }
}

#[test]
fn all_fixture_definitions_load_and_run() {
    let (code, f, err) = findings(&["--policy", DEFS]);
    assert_eq!(code, 1, "{err}");
    assert_admin_user_audit_and_modify(&f, ADMIN_GUID, MODIFY_GUID);
    // Disabled by default: never runs. Mode All on a child type: nothing here.
    assert!(f
        .iter()
        .all(|x| x["rule"] != "0a11c0de-000b-4000-8000-00000000000b"));
    // Public network access is omitted, so Enabled: the Modify definition applies.
    assert!(f
        .iter()
        .any(|x| x["rule"] == "0a11c0de-0003-4000-8000-000000000003"));
}

#[cfg(feature = "corpus")]
#[test]
fn all_reference_definitions_load_and_run() {
    use acrlint::test_support::shared;
    let defs = shared("reference/azure-policy/container-registry");
    let template = shared("corpus/acr/Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/azuredeploy.json");
    let (code, f, err) = findings_in(
        &template.to_string_lossy(),
        &["--policy", &defs.to_string_lossy()],
    );
    assert_eq!(code, 1, "{err}");
    assert_admin_user_audit_and_modify(
        &f,
        "dc921057-6b28-4fbe-9b83-f7bec05db6c2",
        "79fdfe03-ffcb-4e55-b4d0-b925b8241759",
    );
}

#[test]
fn effect_parameter_deny_is_an_error_and_disabled_does_not_run() {
    let deny = temp_file("deny.json", r#"{"effect": "Deny"}"#);
    let (_, f, err) = findings(&["--policy", ADMIN_DEF, "--policy-parameters", &deny]);
    let admin: Vec<_> = f.iter().filter(|x| x["rule"] == ADMIN_GUID).collect();
    assert_eq!(admin.len(), 1, "{err}");
    assert_eq!(admin[0]["level"], "error");
    let disabled = temp_file(
        "disabled.json",
        r#"{"parameters": {"effect": {"value": "Disabled"}}}"#,
    );
    let (_, f, _) = findings(&["--policy", ADMIN_DEF, "--policy-parameters", &disabled]);
    assert!(f.iter().all(|x| x["rule"] != ADMIN_GUID));
}

#[test]
fn unknown_aliases_are_reported_once_as_a_note() {
    let def = temp_file(
        "unknown-alias.json",
        r#"{"properties": {"displayName": "Made-up property", "mode": "Indexed",
            "parameters": {},
            "policyRule": {"if": {"allOf": [
              {"field": "type", "equals": "Microsoft.ContainerRegistry/registries"},
              {"field": "Microsoft.ContainerRegistry/registries/noSuchProperty", "equals": true}]},
              "then": {"effect": "audit"}}},
            "name": "11111111-2222-3333-4444-555555555555"}"#,
    );
    let (_, f, err) = findings(&["--policy", &def]);
    let notes: Vec<_> = f
        .iter()
        .filter(|x| x["rule"] == "11111111-2222-3333-4444-555555555555" && x["level"] == "note")
        .collect();
    assert_eq!(notes.len(), 1, "{err} {f:#?}");
    assert!(notes[0]["message"]
        .as_str()
        .unwrap()
        .contains("noSuchProperty"));
}

#[test]
fn a_broken_definition_is_a_usage_error() {
    let def = temp_file("broken.json", "{ not json");
    let (code, _, err) = findings(&["--policy", &def]);
    assert_eq!(code, 2);
    assert!(err.contains("--policy"), "{err}");
}
