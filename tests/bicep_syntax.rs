//! A Bicep file with a syntax error is an input that does not parse: exit code 2, the
//! error at its line, and no rule findings from what recovery made of the rest (a
//! missing `}` that swallows `properties` must not yield "publicNetworkAccess is
//! omitted", nor hide ACR001 without a word).

use std::path::PathBuf;
use std::process::{Command, Output};

mod cli_support;
use cli_support::check;

fn temp(name: &str) -> PathBuf {
    cli_support::temp("syntax", name)
}

/// (rule, message) of every finding in the JSON report.
fn findings(out: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const REGISTRY: &str = "param location string = resourceGroup().location

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'contosoregistry01'
  location: location
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: true
    publicNetworkAccess: 'Disabled'
  }
}
";

#[test]
fn a_missing_brace_is_an_error_with_exit_2_and_no_invented_findings() {
    let dir = temp("brace");
    // The good file: ACR001 and no ACR005.
    let good = dir.join("good.bicep");
    std::fs::write(&good, REGISTRY).unwrap();
    let out = check(&good, "json");
    let rules: Vec<String> = findings(&out).into_iter().map(|(r, _)| r).collect();
    assert!(rules.contains(&"ACR001".to_string()), "{rules:?}");
    assert!(!rules.contains(&"ACR005".to_string()), "{rules:?}");
    assert_eq!(out.status.code(), Some(1));
    // The `}` of `sku` removed: `properties` now sits inside `sku`.
    let broken = dir.join("broken.bicep");
    std::fs::write(
        &broken,
        REGISTRY.replacen("    name: 'Premium'\n  }\n", "    name: 'Premium'\n\n", 1),
    )
    .unwrap();
    for format in ["json", "text", "sarif", "github", "junit"] {
        let out = check(&broken, format);
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("ACR000"), "{format}: {stdout}");
        assert!(stdout.contains("no rules were run"), "{format}: {stdout}");
        if format == "junit" {
            assert!(stdout.contains(" failures=\"1\""), "{stdout}");
        }
        for rule in ["ACR005", "ACR006", "ACR007", "ACR011", "ACR023"] {
            // SARIF lists every rule in its catalogue; its results name theirs.
            // JUnit lists every rule as a test case; a failure names its rule.
            let shown = if format == "sarif" {
                format!("\"ruleId\": \"{rule}\"")
            } else if format == "junit" {
                format!(": {rule} ")
            } else {
                rule.to_string()
            };
            assert!(!stdout.contains(&shown), "{format}: {rule} in {stdout}");
        }
    }
    let found = findings(&check(&broken, "json"));
    assert!(found.iter().all(|(r, _)| r == "ACR000"), "{found:?}");
    assert!(
        found
            .iter()
            .filter(|(_, m)| m.contains("no rules were run"))
            .count()
            == 1,
        "{found:?}"
    );
    // Another file in the same run is still checked.
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let found = findings(&out);
    assert!(found.iter().any(|(r, _)| r == "ACR001"), "{found:?}");
}

#[test]
fn a_syntax_error_in_a_module_holds_back_the_parent_too() {
    let dir = temp("module");
    std::fs::write(
        dir.join("main.bicep"),
        "module acr 'registry.bicep' = {\n  name: 'acr'\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("registry.bicep"),
        REGISTRY.replacen("  properties: {\n", "  properties: {{\n", 1),
    )
    .unwrap();
    let out = check(&dir.join("main.bicep"), "json");
    assert_eq!(out.status.code(), Some(2));
    let found = findings(&out);
    assert!(!found.is_empty());
    assert!(found.iter().all(|(r, _)| r == "ACR000"), "{found:?}");
}

/// Real corpus files with one `}` taken out of their registry: every one exits 2 with
/// only ACR000 (and ACR100, a module not followed) findings.
#[cfg(feature = "corpus")]
#[test]
fn corpus_registries_with_a_brace_removed() {
    let root = acrlint::test_support::shared("corpus/acr");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "bicep") {
                files.push(p);
            }
        }
    }
    files.sort();
    let dir = temp("corpus");
    let mut tried = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(at) = text.find("'Microsoft.ContainerRegistry/registries@") else {
            continue;
        };
        // The first `sku: {` block of the registry loses its closing brace.
        let Some(sku) = text[at..].find("sku: {").map(|i| at + i) else {
            continue;
        };
        let Some(close) = text[sku..].find('}').map(|i| sku + i) else {
            continue;
        };
        let broken = format!("{}{}", &text[..close], &text[close + 1..]);
        let copy = dir.join(format!("{tried}.bicep"));
        std::fs::write(&copy, broken).unwrap();
        let out = check(&copy, "json");
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let found = findings(&out);
        assert!(
            found.iter().all(|(r, _)| r == "ACR000" || r == "ACR100"),
            "{}: {found:?}",
            path.display()
        );
        assert!(
            found.iter().any(|(r, _)| r == "ACR000"),
            "{}",
            path.display()
        );
        tried += 1;
    }
    assert!(tried >= 10, "only {tried} corpus registries tried");
}
