//! Every parameter file: a template with several is checked once with each, and every
//! finding names the parameter files it holds for (once, however many give it); a
//! parameter file named alone, or walked without its template, checks its template
//! with it; a `.bicepparam` whose `using` names a missing template is an error there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod cli_support;

const FORMATS: [&str; 7] = [
    "text", "json", "sarif", "junit", "github", "gitlab", "markdown",
];

fn temp(name: &str) -> PathBuf {
    cli_support::temp("params", name)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn acrlint(args: &[&str], paths: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .arg("check")
        .args(args)
        .args(paths)
        .output()
        .unwrap()
}

/// (rule, level, file name, line, message) of a JSON report's finding.
type Found = (String, String, String, u64, String);

/// The findings of the JSON report, and its summary.
fn report(paths: &[&Path]) -> (Vec<Found>, serde_json::Value) {
    let out = acrlint(&["--format", "json"], paths);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let findings = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                file.rsplit('/').next().unwrap().to_string(),
                f["startLine"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (findings, v["summary"].clone())
}

const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "adminUser": { "type": "bool", "defaultValue": false }
  },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "acrparams",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": {
        "adminUserEnabled": "[parameters('adminUser')]",
        "publicNetworkAccess": "Disabled",
        "anonymousPullEnabled": false
      }
    }
  ]
}
"#;

fn parameters(admin: bool) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{
    "adminUser": {{ "value": {admin} }}
  }}
}}
"#
    )
}

const BICEP: &str = "param adminUser bool = false

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'acrparams'
  location: 'westeurope'
  sku: { name: 'Premium' }
  properties: {
    adminUserEnabled: adminUser
    publicNetworkAccess: 'Disabled'
    anonymousPullEnabled: false
  }
}
";

/// `x.json` with `x.parameters.dev.json` (admin user off) and
/// `x.parameters.prod.json` (on).
fn json_project(name: &str) -> PathBuf {
    let dir = temp(name);
    write(&dir, "x.json", TEMPLATE);
    write(&dir, "x.parameters.dev.json", &parameters(false));
    write(&dir, "x.parameters.prod.json", &parameters(true));
    dir
}

/// `main.bicep` with `main.dev.bicepparam` (admin user off) beside it and
/// `params/prod.bicepparam` (on) in another folder, in a repository (the root a file
/// named alone may read in).
fn bicep_project(name: &str) -> PathBuf {
    let dir = temp(name);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(&dir, "main.bicep", BICEP);
    write(
        &dir,
        "main.dev.bicepparam",
        "using 'main.bicep'\n\nparam adminUser = false\n",
    );
    write(
        &dir,
        "params/prod.bicepparam",
        "using '../main.bicep'\n\nparam adminUser = true\n",
    );
    dir
}

fn count(found: &[Found], rule: &str) -> usize {
    found.iter().filter(|f| f.0 == rule).count()
}

#[test]
fn each_json_parameter_file_is_used_and_named() {
    let dir = json_project("json");
    let (found, summary) = report(&[&dir]);
    // The prod file enables the admin user: today's first file (dev) alone passed.
    let admin: Vec<_> = found.iter().filter(|f| f.0 == "ACR001").collect();
    assert_eq!(admin.len(), 1, "{found:#?}");
    assert!(
        admin[0]
            .4
            .ends_with("(with parameter file x.parameters.prod.json)"),
        "{admin:?}"
    );
    // What both files give alike is reported once, naming both.
    assert_eq!(count(&found, "ACR007"), 1, "{found:#?}");
    let exports = found.iter().find(|f| f.0 == "ACR007").unwrap();
    assert!(
        exports.4.ends_with(
            "(with every parameter file: x.parameters.dev.json, x.parameters.prod.json)"
        ),
        "{exports:?}"
    );
    // Honest counts: one template, each finding once.
    assert_eq!(summary["files"], 1, "{summary}");
    let errors = found.iter().filter(|f| f.1 == "error").count();
    let warnings = found.iter().filter(|f| f.1 == "warning").count();
    assert_eq!(summary["errors"].as_u64(), Some(errors as u64));
    assert_eq!(summary["warnings"].as_u64(), Some(warnings as u64));
    assert_eq!(errors, 1);
    // Every format names the parameter file of the admin user finding.
    for format in FORMATS {
        let out = acrlint(&["--format", format], &[&dir]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("with parameter file x.parameters.prod.json"),
            "{format}: {stdout}"
        );
        assert!(
            stdout.contains("with every parameter file: x.parameters.dev.json"),
            "{format}: {stdout}"
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
    // Without the prod file, nothing fails.
    std::fs::remove_file(dir.join("x.parameters.prod.json")).unwrap();
    let (found, _) = report(&[&dir]);
    assert_eq!(count(&found, "ACR001"), 0, "{found:#?}");
}

#[test]
fn each_bicepparam_is_used_beside_the_template_or_elsewhere() {
    let dir = bicep_project("bicep");
    let (found, summary) = report(&[&dir]);
    let admin: Vec<_> = found.iter().filter(|f| f.0 == "ACR001").collect();
    assert_eq!(admin.len(), 1, "{found:#?}");
    assert_eq!(admin[0].2, "main.bicep");
    assert!(
        admin[0]
            .4
            .ends_with("(with parameter file params/prod.bicepparam)"),
        "{admin:?}"
    );
    assert_eq!(count(&found, "ACR007"), 1, "{found:#?}");
    assert!(
        found.iter().any(|f| f.0 == "ACR007"
            && f.4.ends_with(
                "(with every parameter file: main.dev.bicepparam, params/prod.bicepparam)"
            )),
        "{found:#?}"
    );
    // The template once; the parameter files are not checked on their own.
    assert_eq!(summary["files"], 1, "{summary}");
    // Named alone, a template takes the `.bicepparam` files beside it (one here: its
    // findings are those of that file, as before); the walk finds the others.
    write(
        &dir,
        "main.prod.bicepparam",
        "using './main.bicep'\n\nparam adminUser = true\n",
    );
    let (found, summary) = report(&[&dir.join("main.bicep")]);
    let admin: Vec<_> = found.iter().filter(|f| f.0 == "ACR001").collect();
    assert_eq!(admin.len(), 1, "{found:#?}");
    assert!(
        admin[0]
            .4
            .ends_with("(with parameter file main.prod.bicepparam)"),
        "{admin:?}"
    );
    assert_eq!(summary["files"], 1, "{summary}");
}

#[test]
fn a_parameter_file_named_alone_checks_its_template_with_it() {
    let json = json_project("alone-json");
    let bicep = bicep_project("alone-bicep");
    let cases = [
        (
            json.join("x.parameters.prod.json"),
            "x.json",
            "x.parameters.prod.json",
        ),
        (
            bicep.join("params/prod.bicepparam"),
            "main.bicep",
            "prod.bicepparam",
        ),
    ];
    for (param, template, named) in &cases {
        let (found, summary) = report(&[param]);
        let admin: Vec<_> = found.iter().filter(|f| f.0 == "ACR001").collect();
        assert_eq!(admin.len(), 1, "{param:?}: {found:#?}");
        assert_eq!(admin[0].2, *template);
        assert!(admin[0].4.contains(named), "{admin:?}");
        assert_eq!(summary["files"], 1, "{summary}");
        for format in FORMATS {
            let out = acrlint(&["--format", format], &[param]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(!stdout.contains("in 0 files"), "{format}: {stdout}");
            assert!(stdout.contains("ACR001"), "{format}: {stdout}");
            assert!(stdout.contains(named), "{format}: {stdout}");
        }
    }
    // A file with nothing to report still says what it checked.
    let out = acrlint(&[], &[&json.join("x.parameters.dev.json")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("in 1 file"), "{stdout}");
    assert!(!stdout.contains("ACR001"), "{stdout}");
    // Named with its template, the template is checked once with every file.
    let (found, summary) = report(&[&json.join("x.json"), &json.join("x.parameters.prod.json")]);
    assert_eq!(count(&found, "ACR001"), 1, "{found:#?}");
    assert_eq!(count(&found, "ACR007"), 1, "{found:#?}");
    assert_eq!(summary["files"], 1, "{summary}");
}

#[test]
fn a_bicepparam_using_a_missing_template_is_an_error_at_its_using() {
    let dir = temp("missing-using");
    let param = write(
        &dir,
        "main.bicepparam",
        "// parameters for production\nusing 'gone.bicep'\n\nparam adminUser = true\n",
    );
    for path in [&param, &dir] {
        let (found, _) = report(&[path]);
        assert_eq!(
            found,
            [(
                "ACR000".to_string(),
                "error".to_string(),
                "main.bicepparam".to_string(),
                2,
                "the template 'gone.bicep' that `using` names does not exist: nothing was checked with this parameter file".to_string()
            )],
            "{path:?}"
        );
        for format in FORMATS {
            let out = acrlint(&["--format", format], &[path]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains("gone.bicep"), "{format}: {stdout}");
            assert_eq!(out.status.code(), Some(2), "{format}: {stdout}");
        }
    }
}

#[test]
fn a_parameter_file_without_its_template_is_a_note_walked_and_a_warning_named() {
    let dir = temp("orphan");
    write(&dir, "gone.parameters.json", &parameters(true));
    let (found, _) = report(&[&dir]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("ACR000", "note")
    );
    assert!(found[0].4.contains("gone.json or gone.bicep"), "{found:#?}");
    // A note: the run does not fail for it.
    let out = cli_support::check(&dir, "text");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("gone.parameters.json"));
    // A parameters file whose name does not tell its template, named alone.
    let other = write(&dir, "settings/prod.json", &parameters(true));
    let (found, _) = report(&[&other]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, "warning", "{found:#?}");
    assert!(found[0].4.contains("--parameters"), "{found:#?}");
    // Named, the one whose template is missing is a warning.
    let (found, _) = report(&[&dir.join("gone.parameters.json")]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, "warning", "{found:#?}");
}

#[test]
fn a_walked_file_named_like_a_parameter_file_is_read_for_what_it_is() {
    let dir = temp("named-like");
    // A template whose name follows the parameter file convention of another.
    write(&dir, "x.json", TEMPLATE);
    write(
        &dir,
        "x.parameters.json",
        &TEMPLATE.replace("\"defaultValue\": false", "\"defaultValue\": true"),
    );
    let (found, _) = report(&[&dir]);
    // Checked as the template it is (its admin user is on by default)...
    assert!(
        found
            .iter()
            .any(|f| f.0 == "ACR001" && f.2 == "x.parameters.json"),
        "{found:#?}"
    );
    // ...and x.json is checked with it, as before (its declarations give no values).
    assert!(
        found.iter().any(|f| f.0 == "ACR007" && f.2 == "x.json"),
        "{found:#?}"
    );
    assert_eq!(count(&found, "ACR000"), 0, "{found:#?}");
    // A `.bicepparam` with `using none` names no template: walked, nothing to check.
    let other = temp("using-none");
    write(
        &other,
        "shared.bicepparam",
        "using none\n\nparam adminUser = true\n",
    );
    let (found, _) = report(&[&other]);
    assert!(found.is_empty(), "{found:#?}");
    // The words in a comment are no `using none`: without a `using`, it is an error.
    let commented = temp("using-none-in-a-comment");
    write(
        &commented,
        "shared.bicepparam",
        "// was: using none\nparam adminUser = true\n",
    );
    let (found, _) = report(&[&commented]);
    assert_eq!(count(&found, "ACR000"), 1, "{found:#?}");
}

#[test]
fn a_template_without_parameter_files_is_checked_with_its_defaults() {
    let dir = temp("defaults");
    write(
        &dir,
        "x.json",
        &TEMPLATE.replace("\"defaultValue\": false", "\"defaultValue\": true"),
    );
    let (found, _) = report(&[&dir]);
    let admin: Vec<_> = found.iter().filter(|f| f.0 == "ACR001").collect();
    assert_eq!(admin.len(), 1, "{found:#?}");
    assert!(
        !found.iter().any(|f| f.4.contains("parameter file")),
        "{found:#?}"
    );
}

#[test]
fn the_command_line_and_the_configuration_still_choose_one_file() {
    let dir = json_project("chosen");
    let dev = dir.join("x.parameters.dev.json");
    let out = acrlint(
        &["--format", "json", "--parameters", dev.to_str().unwrap()],
        &[&dir.join("x.json")],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        !messages.iter().any(|m| m.contains("admin user")),
        "{messages:#?}"
    );
    assert!(
        !messages.iter().any(|m| m.contains("(with ")),
        "{messages:#?}"
    );
    // acrlint.json `parameters` maps the template to the prod file only.
    write(
        &dir,
        "acrlint.json",
        r#"{"parameters": {"x.json": "x.parameters.prod.json"}}"#,
    );
    let (found, summary) = report(&[&dir]);
    assert_eq!(count(&found, "ACR001"), 1, "{found:#?}");
    assert_eq!(count(&found, "ACR007"), 1, "{found:#?}");
    assert!(!found.iter().any(|f| f.4.contains("(with ")), "{found:#?}");
    assert_eq!(summary["files"], 1, "{summary}");
}

#[cfg(unix)]
#[test]
fn a_parameter_file_out_of_the_root_is_refused_among_several() {
    let outside = temp("confined-outside");
    let secret = "s3cr3tregistryname";
    write(
        &outside,
        "p.json",
        &parameters(true).replace("\"value\": true", &format!("\"value\": \"{secret}\"")),
    );
    let dir = json_project("confined");
    std::os::unix::fs::symlink(outside.join("p.json"), dir.join("x.parameters.evil.json")).unwrap();
    for format in FORMATS {
        let out = acrlint(&["--format", format], &[&dir]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains(secret), "{format}: {stdout}");
        assert!(
            stdout.contains("outside the checked root"),
            "{format}: {stdout}"
        );
        assert!(
            stdout.contains("x.parameters.evil.json"),
            "{format}: {stdout}"
        );
        // The other files are still used.
        assert!(
            stdout.contains("x.parameters.prod.json"),
            "{format}: {stdout}"
        );
        assert_eq!(out.status.code(), Some(2), "{format}");
    }
}

/// The quickstart with two parameter files: each finding once, naming both files; the
/// registry name both set is reported once with both places.
#[cfg(feature = "corpus")]
#[test]
fn corpus_template_with_two_parameter_files() {
    let dir = acrlint::test_support::shared(
        "corpus/acr/Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/machine-learning-workspace-cmk",
    );
    let (found, summary) = report(&[&dir]);
    let both =
        "(with every parameter file: azuredeploy.parameters.json, azuredeploy.parameters.us.json)";
    for rule in ["ACR001", "ACR005", "ACR017"] {
        let of_rule: Vec<_> = found
            .iter()
            .filter(|f| f.0 == rule && f.2 == "azuredeploy.json")
            .collect();
        assert_eq!(of_rule.len(), 1, "{rule}: {found:#?}");
        assert!(of_rule[0].4.ends_with(both), "{rule}: {of_rule:?}");
    }
    let out = acrlint(&["--format", "json"], &[&dir]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let name = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ACR017")
        .unwrap();
    let related: Vec<&str> = name["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["file"].as_str())
        .collect();
    for file in [
        "azuredeploy.parameters.json",
        "azuredeploy.parameters.us.json",
    ] {
        assert!(related.iter().any(|r| r.ends_with(file)), "{related:?}");
    }
    // The template and main.bicep beside it, each once; no parameter file on its own.
    assert_eq!(summary["files"], 2, "{summary}");
    // Named alone, the us file checks azuredeploy.json with it.
    let (alone, summary) = report(&[&dir.join("azuredeploy.parameters.us.json")]);
    assert_eq!(summary["files"], 1, "{summary}");
    let admin: Vec<_> = alone.iter().filter(|f| f.0 == "ACR001").collect();
    assert_eq!(admin.len(), 1, "{alone:#?}");
    assert_eq!(admin[0].2, "azuredeploy.json");
    assert!(
        admin[0]
            .4
            .ends_with("(with parameter file azuredeploy.parameters.us.json)"),
        "{admin:?}"
    );
}

/// The aks-baseline `.bicepparam`, named alone (as pre-commit passes it), checks the
/// template its `using` names.
#[cfg(feature = "corpus")]
#[test]
fn corpus_bicepparam_named_alone() {
    let param = acrlint::test_support::shared(
        "corpus/acr/mspnp__aks-baseline/workload-team/azuredeploy.parameters.prod.bicepparam",
    );
    let out = acrlint(&["--format", "json"], &[&param]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 1, "{v}");
    let files: Vec<&str> = v["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f.as_str()).collect())
        .unwrap_or_default();
    assert!(
        files.is_empty() || files.iter().any(|f| f.ends_with("cluster-stamp.bicep")),
        "{files:?}"
    );
    assert_eq!(out.status.code(), Some(0), "{v}");
}
