//! Hostile and broken inputs: each gives a clear message (with file:line:col where
//! there is a place to point at), never a crash or a hang, and a run over a directory
//! holding the bad file still checks the good one beside it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acrlint::{
    check, check_file, expand, CheckOptions, CheckResult, Engine, ExpandOptions, FileOutcome,
    Finding, Level,
};
#[allow(unused_imports)]
use acrlint::{render, Format};

const SCHEMA: &str =
    "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/// A registry with the admin user enabled: ACR001 fails on it.
fn good_template() -> String {
    format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "resources": [
    {{
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "acr",
      "location": "westus",
      "sku": {{ "name": "Premium" }},
      "properties": {{ "adminUserEnabled": true }}
    }}
  ]
}}"#
    )
}

/// A template whose resources are `resources_json`, with `variables_json`.
fn template(variables_json: &str, resources_json: &str) -> String {
    format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "variables": {variables_json},
  "resources": {resources_json}
}}"#
    )
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("acrlint-adv-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn engine() -> Engine {
    Engine::builtin().unwrap()
}

fn check_one(path: &Path) -> FileOutcome {
    check_file(path, true, &engine(), &CheckOptions::default())
}

fn acr000(o: &FileOutcome) -> Vec<&Finding> {
    o.findings.iter().filter(|f| f.rule == "ACR000").collect()
}

/// Check a directory holding `bad` and a good template: the good one is checked
/// (its ACR001 finding is there) and `bad` yields exactly the ACR000 findings
/// returned.
fn run_with_good_neighbour(dir: &Path, bad: &Path) -> (CheckResult, Vec<Finding>) {
    let good = write(dir, "good.json", good_template());
    let result = check(&[dir.to_path_buf()], &engine(), &CheckOptions::default());
    assert!(
        result
            .report
            .findings
            .iter()
            .any(|f| f.rule == "ACR001" && f.location.file == good),
        "the good template was not checked: {:#?}",
        result.report.findings
    );
    let bad_findings = result
        .report
        .findings
        .iter()
        .filter(|f| f.location.file == bad && f.rule == "ACR000")
        .cloned()
        .collect();
    (result, bad_findings)
}

fn at(f: &Finding) -> (u32, u32) {
    (f.location.start.line, f.location.start.column)
}

mod bicep;
mod bounded;
mod confinement;
mod encodings;
mod evaluation;
mod fail_closed;
mod files;
mod hygiene;
mod mutations;
mod writes;
