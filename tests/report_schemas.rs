//! Real output of `acrlint check` against the documents that describe it:
//! `--format json` against `docs/json-output.schema.json` (with the `jsonschema` crate)
//! and against the member tables of `docs/json-output.md`; `--format gitlab` against
//! the fields GitLab documents as required for a Code Quality report
//! (`tests/fixtures/gitlab/code-quality.schema.json`), with unique fingerprints that
//! survive lines added above a finding.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `check --format FORMAT` on `paths`, from `dir`: the parsed output.
fn check_in(dir: &Path, paths: &[&str], format: &str) -> Json {
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(dir)
        .arg("check")
        .args(paths)
        .args(["--format", format, "--location", "westeurope"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{format} output is not JSON: {e}"))
}

fn validator(schema_file: &str) -> jsonschema::Validator {
    let schema: Json =
        serde_json::from_str(&std::fs::read_to_string(repository().join(schema_file)).unwrap())
            .unwrap();
    assert!(jsonschema::meta::is_valid(&schema), "{schema_file}");
    jsonschema::validator_for(&schema).unwrap()
}

fn violations(validator: &jsonschema::Validator, v: &Json) -> Vec<String> {
    validator
        .iter_errors(v)
        .take(20)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The members a table of `docs/json-output.md` documents: the backticked names in the
/// first column of the table under `heading`.
fn documented_members(doc: &str, heading: &str) -> BTreeSet<String> {
    let section = doc
        .split(&format!("\n## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section {heading}"));
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let first = l.split(" | ").next().unwrap_or_default();
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn keys(v: &Json) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn assert_json_output_matches_the_docs(v: &Json) {
    let errors = violations(&validator("docs/json-output.schema.json"), v);
    assert!(errors.is_empty(), "{errors:#?}");
    let doc = std::fs::read_to_string(repository().join("docs/json-output.md")).unwrap();
    assert_eq!(keys(v), documented_members(&doc, "Top level"));
    assert_eq!(keys(&v["summary"]), documented_members(&doc, "`summary`"));
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(keys(f), documented_members(&doc, "A finding"));
    }
    let related: Vec<&Json> = findings
        .iter()
        .flat_map(|f| f["related"].as_array().into_iter().flatten())
        .collect();
    assert!(!related.is_empty());
    let related_doc = doc
        .lines()
        .find(|l| l.starts_with("| `related` |"))
        .unwrap();
    for r in related {
        for k in keys(r) {
            assert!(
                related_doc.contains(&format!("`{k}`")),
                "related.{k} is not documented"
            );
        }
    }
}

#[test]
fn json_output_matches_its_schema_and_documentation() {
    let v = check_in(repository(), &["examples", "tests/fixtures/check"], "json");
    assert!(v["findings"].as_array().unwrap().len() > 30);
    assert_json_output_matches_the_docs(&v);
}

#[test]
fn the_json_example_in_the_docs_is_real_output() {
    // The documented example's finding has the same members, in the same order, as a
    // real finding.
    let doc = std::fs::read_to_string(repository().join("docs/json-output.md")).unwrap();
    let example: Json = serde_json::from_str(
        doc.split("```json\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .unwrap(),
    )
    .unwrap();
    let real = check_in(repository(), &["examples"], "json");
    let order = |v: &Json| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(order(&example), order(&real));
    assert_eq!(order(&example["findings"][0]), order(&real["findings"][0]));
    assert_eq!(example["version"], real["version"]);
    assert_eq!(example["tool"]["version"], real["tool"]["version"]);
}

fn fingerprints(v: &Json) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

/// A report GitLab reads: the fields it requires, and one fingerprint per issue.
fn assert_gitlab_report(v: &Json) {
    let errors = violations(
        &validator("tests/fixtures/gitlab/code-quality.schema.json"),
        v,
    );
    assert!(errors.is_empty(), "{errors:#?}");
    let prints = fingerprints(v);
    let unique: BTreeSet<&String> = prints.iter().collect();
    assert_eq!(unique.len(), prints.len(), "fingerprints are unique");
}

#[test]
fn gitlab_output_has_the_fields_gitlab_requires_and_unique_fingerprints() {
    let v = check_in(repository(), &["examples", "tests/fixtures"], "gitlab");
    let issues = v.as_array().unwrap();
    assert!(issues.len() > 50, "{}", issues.len());
    assert_gitlab_report(&v);
    // The schema rejects what GitLab would not read.
    let mut broken = v.clone();
    broken[0]["severity"] = Json::from("error");
    broken[1]["location"] = serde_json::json!({"path": "/abs/x.json", "lines": {"begin": 0}});
    broken[2].as_object_mut().unwrap().remove("fingerprint");
    assert_eq!(
        violations(
            &validator("tests/fixtures/gitlab/code-quality.schema.json"),
            &broken
        )
        .len(),
        4
    );
}

#[test]
fn gitlab_fingerprints_survive_lines_added_above() {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string(repository().join("examples/registry.json")).unwrap();
    std::fs::write(dir.path().join("main.json"), &template).unwrap();
    let before = check_in(dir.path(), &["main.json"], "gitlab");
    let moved = template.replacen("{\n", "{\n  // a comment\n\n  // and another\n", 1);
    std::fs::write(dir.path().join("main.json"), moved).unwrap();
    let after = check_in(dir.path(), &["main.json"], "gitlab");
    assert_eq!(fingerprints(&before), fingerprints(&after));
    assert_eq!(
        after[0]["location"]["lines"]["begin"].as_u64(),
        before[0]["location"]["lines"]["begin"]
            .as_u64()
            .map(|l| l + 3)
    );
}

#[cfg(feature = "corpus")]
#[test]
fn json_and_gitlab_output_on_the_acr_corpus() {
    let corpus = acrlint::test_support::shared("corpus");
    let v = check_in(&corpus, &["acr"], "json");
    assert!(v["findings"].as_array().unwrap().len() > 500);
    assert_json_output_matches_the_docs(&v);
    let g = check_in(&corpus, &["acr"], "gitlab");
    assert_gitlab_report(&g);
}
