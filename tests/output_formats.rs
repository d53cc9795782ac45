//! Text, JSON and SARIF output of `check` on one real corpus template, pinned by
//! snapshots; the SARIF is validated with the Microsoft SARIF multitool when present.

use std::path::Path;
use std::process::Command;

const TEMPLATE: &str =
    "../shared/corpus/acr/Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/azuredeploy.json";

fn check(format: &str) -> String {
    check_in(Path::new(env!("CARGO_MANIFEST_DIR")), TEMPLATE, format)
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

#[test]
fn text_output() {
    let text = check("text");
    assert!(text.contains("ACR001 error"));
    assert!(text.contains("^^^^"));
    insta::assert_snapshot!(text);
}

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
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_output_snapshot_and_validation() {
    // Run from the corpus folder, as a pipeline runs from its repository root: the
    // file's URI is then relative to %SRCROOT% and the snapshot does not depend on
    // where the checkout lives.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let relative = TEMPLATE.trim_start_matches("../shared/corpus/");
    let text = check_in(&corpus, relative, "sarif");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "ACR001" && r["level"] == "error"));
    // The working directory's absolute URI varies between machines: blank it out.
    v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] = serde_json::json!("file:///<cwd>/");
    let artifact = &v["runs"][0]["artifacts"][0]["location"];
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    assert_eq!(artifact["uri"], relative);
    insta::assert_json_snapshot!(v);

    let tool =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/node_modules/.bin/sarif-multitool");
    if !tool.exists() {
        println!(
            "note: {} not found; SARIF validation skipped",
            tool.display()
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("acrlint-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("corpus.sarif");
    let output = dir.join("corpus.validation.sarif");
    std::fs::write(&input, &text).unwrap();
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
