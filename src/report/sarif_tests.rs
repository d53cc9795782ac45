use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value as Json};

use super::*;
use crate::report::sample::{self, sample_report, BASE};

fn rendered(report: &Report) -> String {
    match render_in(report, Path::new(BASE)) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn parsed(report: &Report) -> Json {
    serde_json::from_str(&rendered(report)).expect("SARIF is JSON")
}

#[test]
fn snapshot() {
    let version = env!("CARGO_PKG_VERSION");
    let out = rendered(&sample_report())
        .replace(&format!("\"{version}\""), "\"[crate version]\"")
        .replace(&format!("acrlint {version}"), "acrlint [crate version]");
    insta::assert_snapshot!(out);
}

#[test]
fn log_run_and_driver() {
    let v = parsed(&sample_report());
    assert_eq!(v["$schema"], SCHEMA_URI);
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"].as_array().map(Vec::len), Some(1));
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["originalUriBaseIds"],
        json!({"%SRCROOT%": {"uri": "file:///home/dev/contoso-infra/"}})
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "acrlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let artifacts: Vec<&Json> = run["artifacts"]
        .as_array()
        .map(|a| a.iter().map(|x| &x["location"]["uri"]).collect())
        .unwrap_or_default();
    assert_eq!(
        artifacts,
        [
            "templates/registry.json",
            "templates/legacy.json",
            "templates/broken.json"
        ]
    );
}

#[test]
fn rule_descriptors() {
    let v = parsed(&sample_report());
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["ACR000", "ACR001", "ACR002", "ACR003"]);
    let acr001 = &rules[1];
    assert_eq!(acr001["name"], "ContainerRegistryAdminUserMustBeDisabled");
    assert_eq!(
        acr001["shortDescription"]["text"],
        "Container registry admin user must be disabled"
    );
    assert!(acr001["fullDescription"]["text"].as_str().is_some_and(
        |t| t.starts_with("Checks that a container registry does not enable the admin user")
    ));
    assert_eq!(
        acr001["helpUri"],
        "https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account"
    );
    assert_eq!(acr001["defaultConfiguration"]["level"], "error");
    let props = &acr001["properties"];
    assert_eq!(props["security-severity"], "7.5");
    assert_eq!(props["tags"], json!(["security", "authentication"]));
    assert_eq!(props["precision"], "high");
    assert_eq!(props["problem.severity"], "error");
    assert_eq!(
        props["azurePolicies"][0]["id"],
        "dc921057-6b28-4fbe-9b83-f7bec05db6c2"
    );
    let markdown = acr001["help"]["markdown"].as_str().unwrap_or_default();
    assert!(markdown.contains("## Why is this bad?"), "{markdown}");
    assert!(markdown.contains("```json\n{"), "{markdown}");
    let text = acr001["help"]["text"].as_str().unwrap_or_default();
    assert!(
        text.contains("Recommendation: Set \"adminUserEnabled\": false"),
        "{text}"
    );
    // ACR003 is a warning; GitHub's problem.severity calls notes "recommendation".
    assert_eq!(rules[3]["properties"]["problem.severity"], "warning");
}

#[test]
fn results_carry_location_region_status_and_fingerprint() {
    let report = sample_report();
    let v = parsed(&report);
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 6, "suppressed findings are results too");
    let r = &results[2];
    assert_eq!(r["ruleId"], "ACR001");
    assert_eq!(r["ruleIndex"], 1);
    assert_eq!(r["level"], "error");
    let physical = &r["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"],
        json!({"index": 0, "uri": "templates/registry.json", "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(
        physical["region"],
        json!({
            "endColumn": 77, "endLine": 17, "startColumn": 43, "startLine": 17,
            "snippet": {"text": "\"[parameters('adminUserEnabled')]\""}
        })
    );
    assert_eq!(
        physical["contextRegion"],
        json!({
            "endLine": 17, "startLine": 17,
            "snippet": {"text": "      \"properties\": { \"adminUserEnabled\": \"[parameters('adminUserEnabled')]\" }"}
        })
    );
    assert_eq!(
        r["partialFingerprints"],
        json!({"acrlint/v1": report.findings[2].fingerprint})
    );
    assert_eq!(
        r["properties"],
        json!({"resourceName": "contosoregistry", "resourceType": "Microsoft.ContainerRegistry/registries", "status": "fail"})
    );
    assert_eq!(
        r["message"]["text"],
        "registry contosoregistry enables the admin user (adminUserEnabled is true): anyone with its shared password can push and pull (see [value comes from the default value of parameter 'adminUserEnabled'](1))."
    );
    assert_eq!(
        r["relatedLocations"][0],
        json!({
            "id": 1,
            "message": {"text": "value comes from the default value of parameter 'adminUserEnabled'."},
            "physicalLocation": {
                "artifactLocation": {"index": 0, "uri": "templates/registry.json", "uriBaseId": "%SRCROOT%"},
                "region": {"endColumn": 63, "endLine": 7, "startColumn": 59, "startLine": 7}
            }
        })
    );
    assert!(r.get("suppressions").is_none());

    let possible = results
        .iter()
        .find(|r| r["properties"]["status"] == "possible")
        .expect("a possible result");
    assert_eq!(possible["level"], "warning");

    // A multi-line region.
    let acr003 = &results[5]["locations"][0]["physicalLocation"];
    assert_eq!(
        acr003["region"],
        json!({
            "endColumn": 43, "endLine": 41, "startColumn": 16, "startLine": 39,
            "snippet": {"text": "\"[listCredentials(\n        resourceId('Microsoft.ContainerRegistry/registries', parameters('registryName')),\n        '2023-07-01').passwords[0].value]\""}
        })
    );
    assert_eq!(acr003["contextRegion"]["startLine"], 39);
    assert_eq!(acr003["contextRegion"]["endLine"], 41);
    assert!(acr003["contextRegion"]["snippet"]["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("      \"value\": \"[listCredentials(\n")));
}

#[test]
fn suppressions() {
    let v = parsed(&sample_report());
    let legacy = &v["runs"][0]["results"][1];
    assert_eq!(
        legacy["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "templates/legacy.json"
    );
    assert_eq!(
        legacy["suppressions"],
        json!([{
            "justification": "legacy registry, decommissioned in Q3 (OPS-1234)",
            "kind": "external",
            "status": "accepted"
        }])
    );
    let mut report = sample::report_with_message("m");
    report.findings[0].suppression = Some(crate::rules::finding::Suppression {
        kind: "inSource".into(),
        justification: None,
    });
    let v = parsed(&report);
    assert_eq!(
        v["runs"][0]["results"][0]["suppressions"],
        json!([{"kind": "inSource", "status": "accepted"}])
    );
}

#[test]
fn uris_are_relative_to_srcroot_and_encoded() {
    let base = Path::new("/work/my project");
    let mut report = sample::report_with_message("m");
    report.findings[0].location.file = PathBuf::from("/work/my project/infra/a b#1:x.json");
    report.files = vec![
        PathBuf::from("./infra/../infra/a b#1:x.json"),
        PathBuf::from("/tmp/other.json"),
    ];
    let v: Json =
        serde_json::from_str(&render_in(&report, base).unwrap_or_default()).expect("JSON");
    let run = &v["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///work/my%20project/"
    );
    assert_eq!(
        run["artifacts"][0]["location"]["uri"],
        "infra/a%20b%231%3Ax.json"
    );
    assert_eq!(run["artifacts"][0]["location"]["uriBaseId"], "%SRCROOT%");
    // Outside the working directory: an absolute URI without a base id.
    assert_eq!(
        run["artifacts"][1]["location"],
        json!({"uri": "file:///tmp/other.json"})
    );
    // The finding's absolute path names the same file as the relative one.
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/a%20b%231%3Ax.json"
    );
}

#[test]
fn findings_of_unknown_rules_get_a_descriptor() {
    let mut report = sample::report_with_message("m");
    report.findings[0].rule = "deny-admin-user".into();
    let v = parsed(&report);
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rules.len(), 5);
    assert_eq!(rules[4]["id"], "deny-admin-user");
    assert_eq!(rules[4]["name"], "DenyAdminUser");
    assert_eq!(v["runs"][0]["results"][0]["ruleIndex"], 4);
}

#[test]
fn message_links_are_escaped() {
    let mut report = sample::report_with_message("see [docs](1) here");
    let location = report.findings[0].location.clone();
    report.findings[0]
        .related
        .push(crate::rules::finding::Related {
            location,
            message: "allowed values [true, false]".into(),
        });
    let v = parsed(&report);
    assert_eq!(
        v["runs"][0]["results"][0]["message"]["text"],
        "see [docs\\](1) here (see [allowed values \\[true, false\\]](1))."
    );
}

#[test]
fn pascal_case_names() {
    assert_eq!(
        pascal_case("Container registry admin user must be disabled"),
        "ContainerRegistryAdminUserMustBeDisabled"
    );
    assert_eq!(
        pascal_case("listCredentials() on a registry exposes the admin password"),
        "ListCredentialsOnRegistryExposesTheAdminPassword"
    );
    assert_eq!(
        pascal_case("Registry SKU must support TLS 1.2"),
        "RegistrySkuMustSupportTls12"
    );
    assert_eq!(pascal_case("2 replicas or more"), "ReplicasOrMore");
    assert_eq!(pascal_case("  "), "");
    assert_eq!(pascal_case("Éviter l'accès anonyme"), "ÉviterAccèsAnonyme");
}

#[test]
fn region_end_never_precedes_start() {
    let mut report = sample::report_with_message("m");
    let f = &mut report.findings[0];
    f.location.end = crate::source::line_index::LineCol { line: 1, column: 1 };
    let v = parsed(&report);
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"],
        json!({
            "endColumn": 43, "endLine": 11, "startColumn": 43, "startLine": 11,
            "snippet": {"text": ""}
        })
    );
}

#[test]
fn no_snippets_without_source_text_or_for_stale_locations() {
    let mut report = sample::report_with_message("m");
    report.findings[0].location.start.line = 90;
    report.findings[0].location.end.line = 90;
    let v = parsed(&report);
    let physical = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(physical["region"].get("snippet").is_none(), "{physical}");
    assert!(physical.get("contextRegion").is_none(), "{physical}");

    let mut report = sample::report_with_message("m");
    report.sources.clear();
    let v = parsed(&report);
    let physical = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert!(physical["region"].get("snippet").is_none(), "{physical}");
    assert_eq!(physical["region"]["startLine"], 11);
}

/// Validate with the Microsoft SARIF multitool (installed by `.ci/run` into
/// `tools/node_modules`). Absent, it fails the corpus suite (what `.ci/run` runs) and is
/// skipped with a note in the default suite, which a bare clone runs without it.
#[test]
fn multitool_validates_the_log() {
    let tool =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/node_modules/.bin/sarif-multitool");
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
    let errors = multitool_errors(&tool, "sample", &rendered(&sample_report()));
    assert!(
        errors.is_empty(),
        "sarif-multitool reports errors:\n{errors:#?}"
    );
    let errors = multitool_errors(&tool, "empty", &rendered(&Report::default()));
    assert!(
        errors.is_empty(),
        "sarif-multitool reports errors:\n{errors:#?}"
    );

    // The harness does see errors: a region starting on line 0 and a result without
    // a message are schema violations.
    let mut broken = parsed(&sample_report());
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    if let Some(result) = broken["runs"][0]["results"][1].as_object_mut() {
        result.remove("message");
    }
    let errors = multitool_errors(&tool, "broken", &broken.to_string());
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors.iter().all(|e| e.starts_with("\"JSON100")),
        "{errors:#?}"
    );
}

/// The error-level results of `sarif-multitool validate` with GitHub and SARIF rules.
fn multitool_errors(tool: &Path, name: &str, sarif: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("acrlint-sarif-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("report.sarif");
    let output = dir.join("validation.sarif");
    std::fs::write(&input, sarif).expect("write SARIF");
    // The npm wrapper runs the tool through a shell (`shell: true`), so every
    // argument is quoted for the shell.
    let run = Command::new(tool)
        .arg("validate")
        .arg(sh_quote(&input.to_string_lossy()))
        .args([
            "--rule-kind",
            &sh_quote("Gh;Sarif"),
            "--log",
            "ForceOverwrite",
            "--output",
        ])
        .arg(sh_quote(&output.to_string_lossy()))
        .output()
        .expect("run sarif-multitool");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let validation = std::fs::read_to_string(&output)
        .unwrap_or_else(|e| panic!("no validation output ({e}):\n{stdout}"));
    let _ = std::fs::remove_dir_all(&dir);
    let log: Json = serde_json::from_str(&validation).expect("validation output is JSON");
    assert!(
        log["runs"].as_array().is_some_and(|r| !r.is_empty()),
        "{stdout}"
    );
    log["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|run| run["results"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["level"] == "error")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect()
}

fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
