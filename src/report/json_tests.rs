use std::path::Path;

use serde_json::{json, Value as Json};

use super::*;
use crate::report::sample::{self, sample_report, BASE};

const SCHEMA: &str = include_str!("../../docs/json-output.schema.json");

fn rendered(report: &Report) -> String {
    render_in(report, Path::new(BASE))
}

fn parsed(report: &Report) -> Json {
    serde_json::from_str(&rendered(report)).expect("output is JSON")
}

#[test]
fn snapshot() {
    let out = rendered(&sample_report()).replace(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[crate version]\"",
    );
    insta::assert_snapshot!(out);
}

#[test]
fn header_and_summary_counts() {
    let v = parsed(&sample_report());
    assert_eq!(v["version"], "1");
    assert_eq!(
        v["tool"],
        json!({"name": "acrlint", "version": env!("CARGO_PKG_VERSION")})
    );
    assert_eq!(
        v["summary"],
        json!({"files": 3, "errors": 3, "warnings": 2, "notes": 0, "suppressed": 1})
    );
    assert_eq!(
        v["files"],
        json!([
            "templates/registry.json",
            "templates/legacy.json",
            "templates/broken.json"
        ])
    );
    // Suppressed findings are listed, with their suppression.
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(6));
}

#[test]
fn finding_fields() {
    let v = parsed(&sample_report());
    let acr001 = &v["findings"][2];
    assert_eq!(acr001["rule"], "ACR001");
    assert_eq!(acr001["level"], "error");
    assert_eq!(acr001["status"], "fail");
    assert_eq!(acr001["file"], "templates/registry.json");
    assert_eq!(
        [
            &acr001["startLine"],
            &acr001["startColumn"],
            &acr001["endLine"],
            &acr001["endColumn"]
        ],
        [17, 43, 17, 77]
    );
    assert_eq!(
        acr001["resource"],
        json!({"type": "Microsoft.ContainerRegistry/registries", "name": "contosoregistry"})
    );
    assert_eq!(
        acr001["related"],
        json!([{
            "file": "templates/registry.json",
            "startLine": 7, "startColumn": 59, "endLine": 7, "endColumn": 63,
            "message": "value comes from the default value of parameter 'adminUserEnabled'"
        }])
    );
    assert_eq!(acr001["suppressed"], Json::Null);
    assert_eq!(acr001["fingerprint"].as_str().map(str::len), Some(16));

    let possible = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["status"] == "possible"))
        .expect("a possible finding");
    assert_eq!(possible["level"], "warning");

    let parse_error = &v["findings"][0];
    assert_eq!(parse_error["rule"], "ACR000");
    assert_eq!(parse_error["resource"], Json::Null);
}

#[test]
fn suppression_is_reported_with_kind_and_justification() {
    let v = parsed(&sample_report());
    let legacy = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["file"] == "templates/legacy.json"))
        .expect("the legacy finding");
    assert_eq!(
        legacy["suppressed"],
        json!({"kind": "external", "justification": "legacy registry, decommissioned in Q3 (OPS-1234)"})
    );

    let mut report = sample::report_with_message("m");
    report.findings[0].suppression = Some(crate::rules::finding::Suppression {
        kind: "insource".into(),
        justification: None,
    });
    let v = parsed(&report);
    assert_eq!(
        v["findings"][0]["suppressed"],
        json!({"kind": "inSource", "justification": null})
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn paths_are_relative_to_the_base_with_forward_slashes() {
    let report = sample_report();
    let v: Json =
        serde_json::from_str(&render_in(&report, Path::new("/home/dev"))).expect("output is JSON");
    assert_eq!(
        v["findings"][0]["file"],
        "contoso-infra/templates/broken.json"
    );
    let v: Json =
        serde_json::from_str(&render_in(&report, Path::new("/elsewhere"))).expect("output is JSON");
    assert_eq!(
        v["findings"][0]["file"],
        "/home/dev/contoso-infra/templates/broken.json"
    );
}

#[test]
fn messages_are_escaped_as_json_strings() {
    let report = sample::report_with_message("quote \" backslash \\ newline \n tab \t bell \u{7}");
    let v = parsed(&report);
    assert_eq!(
        v["findings"][0]["message"],
        "quote \" backslash \\ newline \n tab \t bell \u{7}"
    );
}

/// Violations of the published schema, as `instance path: message`, checked with the
/// `jsonschema` crate (JSON Schema 2020-12).
fn schema_errors(v: &Json) -> Vec<String> {
    let schema: Json = serde_json::from_str(SCHEMA).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_schema_is_a_valid_2020_12_schema() {
    let schema: Json = serde_json::from_str(SCHEMA).expect("schema is JSON");
    assert!(jsonschema::meta::is_valid(&schema));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn output_conforms_to_the_published_schema() {
    for report in [
        sample_report(),
        Report::default(),
        sample::report_with_message("m"),
    ] {
        let errors = schema_errors(&parsed(&report));
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn documented_example_conforms_to_the_schema() {
    let doc = include_str!("../../docs/json-output.md");
    let example = doc
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("docs/json-output.md has a json example");
    let v: Json = serde_json::from_str(example).expect("the example is JSON");
    let errors = schema_errors(&v);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(v["version"], SCHEMA_VERSION);
}

#[test]
fn the_schema_catches_violations() {
    let mut v = parsed(&sample_report());
    v["findings"][0]["startLine"] = json!(0);
    v["findings"][1]["level"] = json!("fatal");
    v["findings"][2]["extra"] = json!(true);
    if let Some(obj) = v["findings"][3].as_object_mut() {
        obj.remove("message");
    }
    v["summary"]["files"] = json!("3");
    v["version"] = json!(1);
    let errors = schema_errors(&v);
    let paths: std::collections::BTreeSet<&str> =
        errors.iter().filter_map(|e| e.split(": ").next()).collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        [
            "/findings/0/startLine",
            "/findings/1/level",
            "/findings/2",
            "/findings/3",
            "/summary/files",
            "/version",
        ],
        "{errors:#?}"
    );
}
