//! `acrlint check` end to end: exit codes, config effects, inline suppressions,
//! baselines.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_acrlint"))
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("acrlint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const REGISTRY: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoacr",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": {
        SUPPRESS
        "adminUserEnabled": true
      }
    }
  ]
}
"#;

fn write_template(dir: &Path, suppress: &str) -> PathBuf {
    let p = dir.join("main.json");
    std::fs::write(&p, REGISTRY.replace("SUPPRESS", suppress)).unwrap();
    p
}

fn run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = bin()
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_findings(stdout: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn exit_codes() {
    let d = temp("exit");
    write_template(&d, "");
    assert_eq!(run(&["check", "."], &d).0, 1);
    assert_eq!(run(&["check", ".", "--fail-on", "never"], &d).0, 0);
    std::fs::write(d.join("broken.json"), "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", ").unwrap();
    let (code, out, _) = run(&["check", "."], &d);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ACR000"), "{out}");
    assert!(
        out.contains("ACR001"),
        "the good file is still checked: {out}"
    );
    assert_eq!(run(&["check", "no-such-dir"], &d).0, 2);
    assert_eq!(run(&["check", "--format", "nope"], &d).0, 2);
}

#[test]
fn inline_suppression_with_reason() {
    let d = temp("suppress");
    write_template(
        &d,
        "// acrlint-disable-next-line ACR001 the legacy pipeline still logs in with it",
    );
    let (code, out, _) = run(&["check", ".", "--format", "json"], &d);
    assert_eq!(code, 0, "{out}");
    let f: Vec<_> = json_findings(&out)
        .into_iter()
        .filter(|x| x["rule"] == "ACR001")
        .collect();
    assert_eq!(f.len(), 1);
    assert!(!f[0]["suppressed"].is_null(), "{}", f[0]);
    assert_eq!(
        f[0]["suppressed"]["justification"],
        "the legacy pipeline still logs in with it"
    );
}

#[test]
fn inline_suppression_without_reason_warns() {
    let d = temp("noreason");
    write_template(&d, "// acrlint-disable-next-line ACR001");
    let (code, out, _) = run(&["check", ".", "--format", "json"], &d);
    assert_eq!(
        code, 0,
        "a warning does not fail at the default level: {out}"
    );
    let f = json_findings(&out);
    let warning = f
        .iter()
        .find(|x| x["message"].as_str().unwrap().contains("no reason"))
        .expect("a warning for the missing reason");
    assert_eq!(warning["level"], "warning");
    assert_eq!(warning["rule"], "ACR001");
    assert_eq!(run(&["check", ".", "--fail-on", "warning"], &d).0, 1);
}

#[test]
fn unused_suppression_is_a_note() {
    let d = temp("unused");
    write_template(&d, "// acrlint-disable-next-line ACR004 not needed here");
    let (_, out, _) = run(&["check", ".", "--format", "json"], &d);
    let f = json_findings(&out);
    assert!(
        f.iter()
            .any(|x| x["level"] == "note" && x["message"].as_str().unwrap().contains("unused")),
        "{out}"
    );
    assert!(f
        .iter()
        .any(|x| x["rule"] == "ACR001" && x["suppressed"].is_null()));
}

#[test]
fn resource_metadata_suppression() {
    let d = temp("metadata");
    let text = REGISTRY.replace("SUPPRESS", "").replace(
        "\"sku\": { \"name\": \"Premium\" },",
        "\"sku\": { \"name\": \"Premium\" },\n      \"metadata\": { \"acrlint\": { \"suppress\": [ { \"rule\": \"ACR001\", \"reason\": \"break-glass registry\" } ] } },",
    );
    std::fs::write(d.join("main.json"), text).unwrap();
    let (code, out, _) = run(&["check", ".", "--format", "json"], &d);
    assert_eq!(code, 0, "{out}");
    let f = json_findings(&out);
    assert!(f
        .iter()
        .all(|x| x["rule"] != "ACR001" || !x["suppressed"].is_null()));
}

#[test]
fn config_effects() {
    let d = temp("config");
    write_template(&d, "");
    std::fs::write(
        d.join("acrlint.json"),
        r#"{ "rules": { "ACR001": { "effect": "Audit" } } }"#,
    )
    .unwrap();
    let (code, out, _) = run(&["check", ".", "--format", "json"], &d);
    assert_eq!(code, 0, "Audit makes ACR001 a warning: {out}");
    let acr001: Vec<_> = json_findings(&out)
        .into_iter()
        .filter(|x| x["rule"] == "ACR001")
        .collect();
    assert_eq!(acr001[0]["level"], "warning");
    std::fs::write(
        d.join("acrlint.json"),
        r#"{ "rules": { "ACR001": "off" } }"#,
    )
    .unwrap();
    let (code, out, _) = run(&["check", ".", "--format", "json"], &d);
    assert_eq!(code, 0);
    assert!(json_findings(&out).iter().all(|x| x["rule"] != "ACR001"));
    std::fs::write(d.join("acrlint.json"), r#"{ "failOn": "never" }"#).unwrap();
    assert_eq!(run(&["check", "."], &d).0, 0);
    std::fs::write(d.join("acrlint.json"), r#"{ "exclude": ["main.json"] }"#).unwrap();
    let (code, out, _) = run(&["check", ".", "--format", "json"], &d);
    assert_eq!(code, 0);
    assert!(json_findings(&out).is_empty(), "{out}");
    std::fs::write(d.join("acrlint.json"), r#"{ "rulez": {} }"#).unwrap();
    let (code, _, err) = run(&["check", "."], &d);
    assert_eq!(code, 2);
    assert!(err.contains("rulez"), "{err}");
}

#[test]
fn baseline_keeps_known_findings_from_failing() {
    let d = temp("baseline");
    let t = write_template(&d, "");
    let (code, _, _) = run(&["check", ".", "--write-baseline", "baseline.json"], &d);
    assert_eq!(code, 1);
    assert_eq!(run(&["check", ".", "--baseline", "baseline.json"], &d).0, 0);
    // An unrelated edit (lines shift) keeps the fingerprint.
    let text = std::fs::read_to_string(&t)
        .unwrap()
        .replace("\"resources\"", "\"metadata\": {},\n  \"resources\"");
    std::fs::write(&t, text).unwrap();
    assert_eq!(run(&["check", ".", "--baseline", "baseline.json"], &d).0, 0);
    // A new finding still fails.
    let text = std::fs::read_to_string(&t)
        .unwrap()
        .replace("\"contosoacr\"", "\"otheracr\"");
    std::fs::write(&t, text).unwrap();
    assert_eq!(run(&["check", ".", "--baseline", "baseline.json"], &d).0, 1);
}

#[test]
fn several_formats_in_one_run() {
    let d = temp("formats");
    write_template(&d, "");
    let (code, out, _) = run(
        &[
            "check",
            ".",
            "--format",
            "github",
            "--format",
            "junit",
            "--output",
            "gh.txt",
            "--output",
            "junit.xml",
        ],
        &d,
    );
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let gh = std::fs::read_to_string(d.join("gh.txt")).unwrap();
    assert!(gh.contains("::error file=main.json,line=13,col=29"), "{gh}");
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    assert!(
        junit.contains("<testsuites") && junit.contains("ACR001"),
        "{junit}"
    );
    // One --output per --format.
    assert_eq!(
        run(
            &["check", ".", "--format", "json", "--format", "sarif", "--output", "a"],
            &d
        )
        .0,
        2
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("acrlint") && text.contains("check"),
            "{shell}"
        );
    }
}

/// `--location "North Europe"` is `northeurope`, as `resourceGroup().location`
/// returns it: a replica guarded against the home region is not reported, and an
/// unguarded one is. An unknown region name gets a warning.
#[test]
fn location_display_name_is_normalised() {
    let dir = temp("location");
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "replicaLocation": { "type": "string", "defaultValue": "northeurope" } },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoacr",
      "location": "[resourceGroup().location]",
      "sku": { "name": "Premium" },
      "properties": {}
    },
    {
      "condition": "[not(equals(parameters('replicaLocation'), resourceGroup().location))]",
      "type": "Microsoft.ContainerRegistry/registries/replications",
      "apiVersion": "2025-11-01",
      "name": "[format('contosoacr/{0}', parameters('replicaLocation'))]",
      "location": "[parameters('replicaLocation')]",
      "dependsOn": ["[resourceId('Microsoft.ContainerRegistry/registries', 'contosoacr')]"],
      "properties": {}
    }
  ]
}
"#;
    std::fs::write(dir.join("guarded.json"), template).unwrap();
    let unguarded = template.replace(
        r#""condition": "[not(equals(parameters('replicaLocation'), resourceGroup().location))]","#,
        "",
    );
    std::fs::write(dir.join("unguarded.json"), unguarded).unwrap();
    let acr002 = |file: &str, location: &str| {
        let (_, out, err) = run(
            &["check", file, "--format", "json", "--location", location],
            &dir,
        );
        let n = json_findings(&out)
            .iter()
            .filter(|f| f["rule"] == "ACR002")
            .count();
        (n, err)
    };
    for spelling in ["North Europe", "northeurope", "NorthEurope"] {
        let (n, err) = acr002("guarded.json", spelling);
        assert_eq!(n, 0, "{spelling}: the guard holds");
        assert!(!err.contains("warning"), "{spelling}: {err}");
        assert_eq!(acr002("unguarded.json", spelling).0, 1, "{spelling}");
    }
    let (_, err) = acr002("guarded.json", "North Mars");
    assert!(
        err.contains("warning: --location \"North Mars\" is not an Azure region")
            && err.contains("\"northmars\""),
        "{err}"
    );
}

/// One file, one check: however it is spelt on the command line, a file is checked
/// once and shown by one clean path in every format.
#[test]
fn a_file_named_several_ways_is_checked_once() {
    let dir = temp("once");
    write_template(&dir, "");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let abs = dir.join("main.json");
    let abs = abs.to_str().unwrap();
    let (_, once, _) = run(&["check", "main.json", "--format", "json"], &dir);
    let (_, thrice, _) = run(
        &[
            "check",
            "main.json",
            "./main.json",
            abs,
            "sub/../main.json",
            "--format",
            "json",
        ],
        &dir,
    );
    let (once, thrice): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&once).unwrap(),
        serde_json::from_str(&thrice).unwrap(),
    );
    assert_eq!(thrice["summary"]["files"], 1, "{thrice}");
    assert_eq!(thrice["findings"], once["findings"]);
    assert_eq!(thrice["files"], serde_json::json!(["main.json"]));
    for format in ["text", "github", "sarif", "junit"] {
        let (_, out, _) = run(&["check", "sub/../main.json", "--format", format], &dir);
        assert!(!out.contains("sub/.."), "{format}: {out}");
        assert!(out.contains("main.json"), "{format}: {out}");
    }
}

/// A module checked on its own and through the parent that deploys it: its findings
/// are shown once; those the parent's values change are marked with the parent.
#[test]
fn a_module_walked_and_deployed_is_not_reported_twice() {
    let dir = temp("module-twice");
    std::fs::write(
        dir.join("registry.bicep"),
        "param admin bool = false\n\nresource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {\n  name: 'contosoacr'\n  location: 'westeurope'\n  sku: { name: 'Premium' }\n  properties: {\n    adminUserEnabled: admin\n    anonymousPullEnabled: true\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.bicep"),
        "module registry 'registry.bicep' = {\n  name: 'registry'\n  params: {\n    admin: true\n  }\n}\n",
    )
    .unwrap();
    let (_, out, _) = run(&["check", ".", "--format", "json"], &dir);
    let findings = json_findings(&out);
    let mut seen = std::collections::HashSet::new();
    for f in &findings {
        let key = (
            f["rule"].clone(),
            f["file"].clone(),
            f["startLine"].clone(),
            f["message"].clone(),
        );
        assert!(seen.insert(key), "twice: {f}");
    }
    // ACR004 does not depend on the parent: once, unmarked.
    let acr004: Vec<_> = findings.iter().filter(|f| f["rule"] == "ACR004").collect();
    assert_eq!(acr004.len(), 1, "{out}");
    assert!(!acr004[0]["message"].as_str().unwrap().contains("through"));
    // ACR001 fails only with the parent's value: reported, naming the parent.
    let acr001: Vec<_> = findings.iter().filter(|f| f["rule"] == "ACR001").collect();
    assert_eq!(acr001.len(), 1, "{out}");
    assert!(
        acr001[0]["message"]
            .as_str()
            .unwrap()
            .contains("through main.bicep"),
        "{}",
        acr001[0]["message"]
    );
}
