//! Nothing the template needs goes missing without a finding at its line, in every
//! format: a local module that does not exist, a file `loadTextContent` or
//! `loadJsonContent` names that does not exist, a walked file that cannot be read.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use acrlint::{check_source, CheckOptions, Disk, Engine, Sources};

mod cli_support;
use cli_support::check;

fn temp(name: &str) -> PathBuf {
    cli_support::temp("silent", name)
}

const MAIN: &str = "var settings = loadJsonContent('settings.json')
var script = loadTextContent('scripts/run.sh')

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'acr${settings.suffix}'
  location: 'westeurope'
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: false
  }
}

module network 'network.bicep' = {
  name: 'network'
}

output script string = script
";

/// (rule, level, line, message) of the JSON report's findings.
fn findings(out: &Output) -> Vec<(String, String, u64, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                f["startLine"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn missing_loaded_files_and_modules_are_findings_at_their_line() {
    let dir = temp("missing");
    let main = dir.join("main.bicep");
    std::fs::write(&main, MAIN).unwrap();
    let out = check(&main, "json");
    let found = findings(&out);
    let at = |rule: &str, line: u64, text: &str| {
        found
            .iter()
            .any(|(r, l, n, m)| r == rule && l == "error" && *n == line && m.contains(text))
    };
    assert!(at("ACR000", 1, "'settings.json'"), "{found:#?}");
    assert!(at("ACR000", 2, "'scripts/run.sh'"), "{found:#?}");
    assert!(at("ACR100", 15, "'network.bicep'"), "{found:#?}");
    assert_eq!(out.status.code(), Some(1));
    for format in ["text", "github", "junit", "sarif", "gitlab", "markdown"] {
        let out = check(&main, format);
        let stdout = String::from_utf8_lossy(&out.stdout);
        for name in ["settings.json", "scripts/run.sh", "network.bicep"] {
            assert!(stdout.contains(name), "{format}: {name} in {stdout}");
        }
        // The unknown name never shows the evaluator's notation.
        for internal in ["acrlint.unknown", "?unsupported", "?error:", "⟦"] {
            assert!(
                !stdout.contains(internal),
                "{format}: {internal} in {stdout}"
            );
        }
    }
    // With the files there, the findings go.
    std::fs::write(dir.join("settings.json"), r#"{"suffix": "contoso01"}"#).unwrap();
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    std::fs::write(dir.join("scripts/run.sh"), "echo hello\n").unwrap();
    std::fs::write(dir.join("network.bicep"), "output ok bool = true\n").unwrap();
    let found = findings(&check(&main, "json"));
    assert!(
        !found.iter().any(|(r, ..)| r == "ACR000" || r == "ACR100"),
        "{found:#?}"
    );
}

/// Disk, except that one file cannot be read (as with permission denied, which the
/// test cannot arrange when it runs as root).
struct Unreadable<'a>(&'a Path);

impl Sources for Unreadable<'_> {
    fn read(&self, path: &Path) -> Result<Arc<acrlint::SourceFile>, acrlint::ReadError> {
        if path == self.0 {
            return Err(acrlint::ReadError {
                path: path.to_path_buf(),
                message: "cannot read: Permission denied (os error 13)".into(),
                offset: None,
                lossy: None,
            });
        }
        Disk.read(path)
    }
    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String> {
        Disk.read_bytes(path, cap)
    }
    fn is_file(&self, path: &Path) -> bool {
        Disk.is_file(path)
    }
    fn file_names(&self, dir: &Path) -> Vec<String> {
        Disk.file_names(dir)
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        Disk.canonical(path)
    }
}

#[test]
fn a_walked_file_that_cannot_be_read_is_an_error() {
    let dir = temp("unreadable");
    let path = dir.join("registry.json");
    std::fs::write(&path, "{}").unwrap();
    let engine = Engine::builtin().unwrap();
    let outcome = check_source(
        &path,
        &Unreadable(&path),
        false,
        &engine,
        &CheckOptions::default(),
    );
    assert!(outcome.fatal);
    assert_eq!(outcome.findings.len(), 1, "{:#?}", outcome.findings);
    assert_eq!(outcome.findings[0].rule, "ACR000");
    assert!(outcome.findings[0].message.contains("Permission denied"));
    // A readable walked JSON file that is no template is still not reported.
    let outcome = check_source(&path, &Disk, false, &engine, &CheckOptions::default());
    assert!(!outcome.fatal && outcome.findings.is_empty());
}

/// "value comes from" names a parameter only on findings whose value it gives: on the
/// example, ACR001 (adminUserEnabled) and not the findings about omitted properties in
/// the same `properties` object.
#[test]
fn value_comes_from_only_where_it_does() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/registry.json");
    let out = check(&example, "json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let sources = |rule: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .flat_map(|f| f["related"].as_array().cloned().unwrap_or_default())
            .filter_map(|r| r["message"].as_str().map(str::to_string))
            .filter(|m| m.starts_with("value comes from"))
            .collect()
    };
    assert!(
        sources("ACR001")
            .iter()
            .any(|m| m.contains("enableAdminUser")),
        "{findings:#?}"
    );
    for omitted in ["ACR005", "ACR006", "ACR007", "ACR008", "ACR009", "ACR014"] {
        assert!(
            sources(omitted).is_empty(),
            "{omitted}: {:?}",
            sources(omitted)
        );
    }
}

/// No output of a corpus run shows the evaluator's notation for unknown values.
#[cfg(feature = "corpus")]
#[test]
fn corpus_output_has_no_internal_notation() {
    for dir in ["corpus/acr", "corpus/quickstarts"] {
        let path = acrlint::test_support::shared(dir);
        for format in ["json", "text"] {
            let out = check(&path, format);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.len() > 1000, "{dir} {format}");
            for internal in ["acrlint.unknown", "?unsupported", "?error:", "⟦", "⟧"] {
                let at = stdout.find(internal);
                assert!(
                    at.is_none(),
                    "{dir} {format}: {internal} in …{}…",
                    at.and_then(|i| stdout.get(i.saturating_sub(200)..(i + 100).min(stdout.len())))
                        .unwrap_or("")
                );
            }
        }
    }
}
