//! Text, JSON and SARIF output of `check` on the shipped example and (with the `corpus`
//! feature) on one real corpus template, pinned by snapshots; the SARIF is validated
//! with the Microsoft SARIF multitool (`.ci/run` installs it into `tools/`; with the
//! `corpus` feature, as in CI, a missing multitool fails the test).

use std::path::Path;
use std::process::Command;

const EXAMPLE: &str = "examples/registry.json";

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check_in(dir: &Path, template: &str, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(dir)
        .args([
            "check",
            template,
            "--format",
            format,
            "--location",
            "westeurope",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the template enables the admin user"
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The SARIF log with the working directory's absolute URI blanked out (it varies
/// between machines), after checking that `template` is its one artifact, relative to
/// `%SRCROOT%`, and that ACR001 is among its results as an error.
fn portable_sarif(text: &str, template: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "ACR001" && r["level"] == "error"));
    v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] = serde_json::json!("file:///<cwd>/");
    let artifact = &v["runs"][0]["artifacts"][0]["location"];
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    assert_eq!(artifact["uri"], template);
    v
}

/// Validate a SARIF log with the Microsoft SARIF multitool (`--rule-kind "Gh;Sarif"`).
fn validate_sarif(text: &str, name: &str) {
    let tool = repository().join("tools/node_modules/.bin/sarif-multitool");
    if !tool.exists() {
        if cfg!(feature = "corpus") {
            panic!(
                "{} is missing: .ci/run installs it (npm install @microsoft/sarif-multitool in tools/)",
                tool.display()
            );
        }
        println!(
            "note: {} not found; SARIF validation skipped",
            tool.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.sarif"));
    let output = dir.path().join(format!("{name}.validation.sarif"));
    std::fs::write(&input, text).unwrap();
    let status = Command::new(&tool)
        .arg("validate")
        .arg(&input)
        .args([
            "--rule-kind",
            "'Gh;Sarif'", // the npm launcher passes arguments through a shell
            "--log",
            "ForceOverwrite",
            "--output",
        ])
        .arg(&output)
        .status()
        .unwrap();
    let log: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&output)
            .unwrap_or_else(|_| panic!("the multitool wrote no output (exit {status:?})")),
    )
    .unwrap();
    let errors: Vec<_> = log["runs"][0]["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter(|x| x["level"] == "error")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    assert!(errors.is_empty(), "SARIF multitool errors: {errors:#?}");
}

#[test]
fn text_output_on_the_example() {
    let text = check_in(repository(), EXAMPLE, "text");
    assert!(text.contains("examples/registry.json:32:29: ACR001 error"));
    assert!(text.contains("^^^^"));
    insta::assert_snapshot!(text);
}

#[test]
fn json_output_on_the_example() {
    let text = check_in(repository(), EXAMPLE, "json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "1");
    let acr001: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ACR001")
        .collect();
    assert_eq!(acr001.len(), 1);
    assert_eq!(acr001[0]["status"], "fail");
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_output_on_the_example_is_valid() {
    let text = check_in(repository(), EXAMPLE, "sarif");
    insta::assert_json_snapshot!(portable_sarif(&text, EXAMPLE));
    validate_sarif(&text, "example");
}

/// From the corpus folder.
#[cfg(feature = "corpus")]
const TEMPLATE: &str = "acr/Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/azuredeploy.json";

/// Checked from the repository, as `$SHARED/corpus/…` (`test_support::LABEL`, written
/// so wherever the data sits).
#[cfg(feature = "corpus")]
fn check(format: &str) -> String {
    use acrlint::test_support::{relabel, shared};
    let path = shared("corpus").join(TEMPLATE);
    relabel(&check_in(repository(), &path.to_string_lossy(), format))
}

#[cfg(feature = "corpus")]
#[test]
fn text_output() {
    let text = check("text");
    assert!(text.contains("ACR001 error"));
    assert!(text.contains("^^^^"));
    insta::assert_snapshot!(text);
}

#[cfg(feature = "corpus")]
#[test]
fn json_output() {
    let text = check("json");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "1");
    let acr001: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ACR001")
        .collect();
    assert_eq!(acr001.len(), 1);
    assert_eq!(acr001[0]["status"], "fail");
    // Fingerprints hash the path as given, here an absolute one: they depend on where
    // the checkout is, so the snapshot leaves them out.
    let fingerprints = regex::Regex::new(r#""fingerprint": "[0-9a-f]+""#).unwrap();
    insta::assert_snapshot!(fingerprints.replace_all(&text, r#""fingerprint": "…""#));
}

#[cfg(feature = "corpus")]
#[test]
fn sarif_output_snapshot_and_validation() {
    // Run from the corpus folder, as a pipeline runs from its repository root: the
    // file's URI is then relative to %SRCROOT% and the snapshot does not depend on
    // where the checkout lives.
    let corpus = acrlint::test_support::shared("corpus");
    let text = check_in(&corpus, TEMPLATE, "sarif");
    insta::assert_json_snapshot!(portable_sarif(&text, TEMPLATE));
    validate_sarif(&text, "corpus");
}
