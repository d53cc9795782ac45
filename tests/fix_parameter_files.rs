//! `acrlint fix` of a JSON parameter file, through the binary: a finding whose
//! deciding value the parameter file writes is fixed there (through `not(…)` too),
//! the file keeps its comments, byte-order mark and line ends, the template is not
//! touched, a second run changes nothing, `fix DIR` fixes parameter files before
//! the templates that read them, and a parameter file without its template says so.
//! With the `corpus` feature, the same on real corpus folders whose parameter file
//! turns the admin user on.

use std::path::Path;

mod fix_support;
use fix_support::{acrlint, read, write};

/// The rules `check` reports for `name`, as its JSON output.
fn check_rules(dir: &Path, name: &str) -> String {
    let (_, out, _) = acrlint(dir, &["check", name, "--format", "json"]);
    out
}

/// A Premium registry whose admin user is on unless `disableAdmin` (default true).
const ARM_NOT_DISABLED: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "disableAdmin": {
      "type": "bool",
      "defaultValue": true
    }
  },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry01",
      "location": "westeurope",
      "sku": {
        "name": "Premium"
      },
      "properties": {
        "adminUserEnabled": "[not(parameters('disableAdmin'))]",
        "policies": {
          "azureADAuthenticationAsArmPolicy": {
            "status": "disabled"
          }
        }
      }
    }
  ]
}
"#;

/// The parameter file of `ARM_NOT_DISABLED` that turns the admin user on, with a
/// byte-order mark, CRLF line ends and comments.
fn parameter_file(disable: bool) -> String {
    format!(
        "\u{feff}{{\r\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\",\r\n  \"contentVersion\": \"1.0.0.0\",\r\n  \"parameters\": {{\r\n    // Production: the build agent logs in with the admin account.\r\n    \"disableAdmin\": {{ \"value\": {disable} }} /* set by the pipeline */\r\n  }}\r\n}}\r\n"
    )
}

/// A Bicep registry whose admin user is the parameter `adminEnabled` (default off).
const BICEP_ADMIN_FROM_PARAMETER: &str = "param adminEnabled bool = false

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'contosoregistry01'
  location: 'westeurope'
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: adminEnabled
    policies: {
      azureADAuthenticationAsArmPolicy: {
        status: 'disabled'
      }
    }
  }
}
";

const BICEP_PARAMETERS_ON: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "adminEnabled": {
      "value": true
    }
  }
}
"#;

#[test]
fn a_json_parameter_file_is_fixed_where_the_value_is_written_through_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "main.json", ARM_NOT_DISABLED);
    write(d, "main.parameters.json", &parameter_file(false));
    // The template's run points at the parameter file, with the value `fix` of that
    // file writes there (not the property's value: the template negates it).
    let (code, _, err) = acrlint(d, &["fix", "main.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "ACR001 not fixed: the value comes from the parameter file, at main.parameters.json:6:32: fix it there (acrlint fix main.parameters.json writes true)"
        ),
        "{err}"
    );
    assert_eq!(read(d, "main.json"), ARM_NOT_DISABLED);
    let (code, _, err) = acrlint(d, &["fix", "main.parameters.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("fixed 1 issue in main.parameters.json"),
        "{err}"
    );
    // Only the value changed: the mark, the comments and the CRLF stay.
    assert_eq!(read(d, "main.parameters.json"), parameter_file(true));
    assert_eq!(read(d, "main.json"), ARM_NOT_DISABLED);
    let (code, diff, err) = acrlint(d, &["fix", "--diff", "main.parameters.json"]);
    assert_eq!((code, diff.as_str()), (0, ""), "{err}");
    assert!(!check_rules(d, "main.json").contains("\"ACR001\""));
    // The template's run has nothing left to say about it either.
    let (code, _, err) = acrlint(d, &["fix", "main.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("ACR001"), "{err}");
}

#[test]
fn fixing_a_directory_fixes_its_json_parameter_files_before_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("infra")).unwrap();
    write(d, "infra/main.bicep", BICEP_ADMIN_FROM_PARAMETER);
    write(d, "infra/main.parameters.json", BICEP_PARAMETERS_ON);
    let (code, diff, err) = acrlint(d, &["fix", "--diff", "."]);
    assert_eq!(code, 1, "{err}");
    assert!(
        diff.contains("+++ b/infra/main.parameters.json")
            && diff.contains("-      \"value\": true")
            && diff.contains("+      \"value\": false"),
        "{diff}\n{err}"
    );
    assert!(!diff.contains("main.bicep"), "{diff}");
    let (code, _, err) = acrlint(d, &["fix", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fixed 1 issue in"), "{err}");
    assert!(!err.contains("not fixed"), "{err}");
    assert_eq!(
        read(d, "infra/main.parameters.json"),
        BICEP_PARAMETERS_ON.replace("\"value\": true", "\"value\": false")
    );
    assert_eq!(read(d, "infra/main.bicep"), BICEP_ADMIN_FROM_PARAMETER);
    let (code, diff, err) = acrlint(d, &["fix", "--diff", "."]);
    assert_eq!((code, diff.as_str()), (0, ""), "{err}");
}

#[test]
fn a_string_value_read_through_bool_keeps_its_type() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A Bicep template reads `bool(…)` of a string parameter: the parameter file's
    // "true" becomes "false", in the type it is written in.
    let template = BICEP_ADMIN_FROM_PARAMETER
        .replace(
            "param adminEnabled bool = false",
            "param adminEnabled string = 'false'",
        )
        .replace(
            "adminUserEnabled: adminEnabled",
            "adminUserEnabled: bool(adminEnabled)",
        );
    write(d, "main.bicep", &template);
    write(
        d,
        "main.parameters.json",
        &BICEP_PARAMETERS_ON.replace("\"value\": true", "\"value\": \"true\""),
    );
    let (code, _, err) = acrlint(d, &["fix", "main.parameters.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(read(d, "main.parameters.json").contains("\"value\": \"false\""));
    assert_eq!(read(d, "main.bicep"), template);
}

#[test]
fn a_parameter_file_without_its_template_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("infra")).unwrap();
    write(d, "infra/other.parameters.json", BICEP_PARAMETERS_ON);
    // Named, the run says why nothing was fixed, and fails as for a `.bicepparam`
    // whose template is missing.
    let (code, _, err) = acrlint(d, &["fix", "infra/other.parameters.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("infra/other.parameters.json")
            && err.contains("no template other.json or other.bicep"),
        "{err}"
    );
    write(
        d,
        "infra/x.bicepparam",
        "using 'main.bicep'\n\nparam adminEnabled = true\n",
    );
    let (code, _, err) = acrlint(d, &["fix", "infra/x.bicepparam"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("'main.bicep'"), "{err}");
    std::fs::remove_file(d.join("infra/x.bicepparam")).unwrap();
    // Walked, it has nothing to be fixed with: the run goes on.
    let (code, _, err) = acrlint(d, &["fix", "."]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(d, "infra/other.parameters.json"), BICEP_PARAMETERS_ON);
}

/// A copy of a corpus folder whose parameter file sets `parameter` to `true`.
#[cfg(feature = "corpus")]
fn corpus_folder_with(folder: &str, parameter_file: &str, parameter: &str) -> tempfile::TempDir {
    let source = acrlint::test_support::shared("corpus").join(folder);
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let path = dir.path().join(parameter_file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut root: serde_json::Value =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    root["parameters"][parameter] = serde_json::json!({ "value": true });
    std::fs::write(&path, serde_json::to_string_pretty(&root).unwrap() + "\n").unwrap();
    dir
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_parameter_files_that_turn_the_admin_user_on_are_fixed_there() {
    for (folder, parameter) in [
        (
            "acr/Azure__azure-quickstart-templates/quickstarts/microsoft.containerregistry/container-registry-with-policies-and-diagnostics",
            "enableAdminUser",
        ),
        (
            "acr/Azure__azure-quickstart-templates/demos/aks-nat-agic",
            "acrAdminUserEnabled",
        ),
        (
            "acr/Azure__azure-quickstart-templates/quickstarts/microsoft.network/aks-application-gateway-ingress-controller",
            "acrAdminUserEnabled",
        ),
    ] {
        let dir = corpus_folder_with(folder, "azuredeploy.parameters.json", parameter);
        let d = dir.path();
        let template = read(d, "azuredeploy.json");
        let before = read(d, "azuredeploy.parameters.json");
        assert!(
            check_rules(d, "azuredeploy.parameters.json").contains("\"ACR001\""),
            "{folder}"
        );
        let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "azuredeploy.parameters.json"]);
        assert_eq!(code, 0, "{folder}: {err}");
        assert!(err.contains("fixed 1 issue"), "{folder}: {err}");
        let after = read(d, "azuredeploy.parameters.json");
        assert_eq!(
            after,
            before.replacen(
                &format!("\"{parameter}\": {{\n      \"value\": true"),
                &format!("\"{parameter}\": {{\n      \"value\": false"),
                1
            ),
            "{folder}"
        );
        assert_ne!(after, before, "{folder}");
        assert_eq!(read(d, "azuredeploy.json"), template, "{folder}");
        assert!(
            !check_rules(d, "azuredeploy.parameters.json").contains("\"ACR001\""),
            "{folder}"
        );
        let (code, diff, err) =
            acrlint(d, &["fix", "--rule", "ACR001", "--diff", "azuredeploy.parameters.json"]);
        assert_eq!((code, diff.as_str()), (0, ""), "{folder}: {err}");
    }
}

#[test]
fn a_bicepparam_value_read_through_not_gets_the_value_the_template_needs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The default (false) is not what decides: the `.bicepparam` sets it.
    let template = BICEP_ADMIN_FROM_PARAMETER
        .replace(
            "param adminEnabled bool = false",
            "param disableAdmin bool = false",
        )
        .replace(
            "adminUserEnabled: adminEnabled",
            "adminUserEnabled: !disableAdmin",
        );
    write(d, "main.bicep", &template);
    let param = "using 'main.bicep'\n\n// Production\nparam disableAdmin = false\n";
    write(d, "main.prod.bicepparam", param);
    let (code, _, err) = acrlint(d, &["fix", "main.bicep"]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert!(
        err.contains("main.prod.bicepparam:4:22: fix it there (acrlint fix ")
            && err.contains("main.prod.bicepparam writes true)"),
        "{err}"
    );
    assert_eq!(read(d, "main.bicep"), template);
    let (code, _, err) = acrlint(d, &["fix", "main.prod.bicepparam"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(d, "main.prod.bicepparam"),
        param.replace("= false", "= true")
    );
    assert_eq!(read(d, "main.bicep"), template);
    let (code, diff, err) = acrlint(d, &["fix", "--diff", "main.prod.bicepparam"]);
    assert_eq!((code, diff.as_str()), (0, ""), "{err}");
    assert!(!check_rules(d, "main.bicep").contains("\"ACR001\""));
}

/// A folder whose template has a finding without a fix that its two parameter files'
/// values decide (ACR017): `fix DIR` lists it once, from the template's run, not
/// again from each parameter file's.
#[cfg(feature = "corpus")]
#[test]
fn fixing_a_corpus_folder_lists_each_finding_once() {
    let source = acrlint::test_support::shared("corpus").join(
        "acr/Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/machine-learning-workspace-cmk",
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for entry in std::fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), d.join(entry.file_name())).unwrap();
        }
    }
    let (code, _, err) = acrlint(d, &["fix", "--diff", "."]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.iter().any(|l| l.contains("ACR017 error not fixed")),
        "{err}"
    );
    for (i, l) in lines.iter().enumerate() {
        assert!(!lines[..i].contains(l), "listed twice: {l}\n{err}");
    }
}

/// A Bicep registry whose admin user is the parameter `adminEnabled` (no default).
const BICEP_ADMIN_REQUIRED: &str = "param adminEnabled bool

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'contosoregistry01'
  location: 'westeurope'
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: adminEnabled
  }
}
";

/// `fix main.bicepparam` on [`BICEP_ADMIN_REQUIRED`] with the parameter file's `line`
/// (ACR001 found there): it exits 1 and leaves the file as it was; its stderr.
fn bicepparam_fix_refused(d: &Path, line: &str) -> String {
    write(d, "main.bicep", BICEP_ADMIN_REQUIRED);
    let params = format!("using 'main.bicep'\n\n{line}");
    write(d, "main.bicepparam", &params);
    assert!(check_rules(d, "main.bicepparam").contains("\"ACR001\""));
    let (code, _, err) = acrlint(d, &["fix", "main.bicepparam"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(read(d, "main.bicepparam"), params);
    err
}

#[test]
fn a_bicepparam_expression_is_not_taken_for_a_string() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // `'a' == 'a'` is a comparison, not the string `a' == 'a`: nothing is written,
    // and the advice says what to make it.
    let err = bicepparam_fix_refused(d, "param adminEnabled = 'a' == 'a'\n");
    assert!(
        err.contains(
            "main.bicepparam:3:22: ACR001 not fixed: the value here is not a literal ('a' == 'a'): make it false"
        ),
        "{err}"
    );
    // Said once, at the value: not again at the template's finding it decides.
    assert_eq!(err.matches("ACR001").count(), 1, "{err}");
}

#[test]
fn a_parameter_file_fix_must_leave_the_property_at_the_value_the_rule_wants() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A string where the template declares a bool: the rule reads "true" as on;
    // writing 'false' there would end the finding with the string "false", not
    // the bool the property needs, so the fix is refused.
    let err = bicepparam_fix_refused(d, "param adminEnabled = 'true'\n");
    assert!(
        err.contains(
            "ACR001 not fixed: writing 'false' here leaves properties.adminUserEnabled of contosoregistry01 at \"false\" instead of false"
        ),
        "{err}"
    );
}

/// A Premium registry whose admin user is the parameter `adminEnabled`, default on.
const ARM_ADMIN_DEFAULT_ON: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "adminEnabled": { "type": "bool", "defaultValue": true }
  },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry01",
      "location": "westeurope",
      "sku": { "name": "Premium" },
      "properties": {
        "adminUserEnabled": "[parameters('adminEnabled')]"
      }
    }
  ]
}
"#;

/// A JSON parameter file with `members` inside `"parameters"`.
fn json_parameters(members: &str) -> String {
    format!(
        "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": {{{members}}}\n}}\n"
    )
}

#[test]
fn of_two_parameter_files_the_one_that_does_not_set_the_parameter_gets_the_default_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "main.json", ARM_ADMIN_DEFAULT_ON);
    write(
        d,
        "main.parameters.json",
        &json_parameters(r#" "adminEnabled": { "value": true } "#),
    );
    write(d, "main.parameters.dev.json", &json_parameters(""));
    let (_, out, _) = acrlint(d, &["check", "."]);
    assert!(out.contains("default at main.json:5:55"), "{out}");
    // The template's run alone leaves the default to the run after the parameter
    // file is fixed (the same finding is decided there too).
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "main.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("acrlint fix main.parameters.json writes false"),
        "{err}"
    );
    assert_eq!(read(d, "main.json"), ARM_ADMIN_DEFAULT_ON);
    // The folder: the parameter file that sets it, then the default that decides
    // for the other.
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not fixed"), "{err}");
    assert_eq!(
        read(d, "main.json"),
        ARM_ADMIN_DEFAULT_ON.replace(r#""defaultValue": true"#, r#""defaultValue": false"#)
    );
    assert_eq!(
        read(d, "main.parameters.json"),
        json_parameters(r#" "adminEnabled": { "value": false } "#)
    );
    assert_eq!(read(d, "main.parameters.dev.json"), json_parameters(""));
    let (_, out, _) = acrlint(d, &["check", "."]);
    assert!(!out.contains("ACR001"), "{out}");
}

#[test]
fn a_parameter_file_acrlint_json_maps_to_its_template_is_fixed_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("infra")).unwrap();
    write(d, "infra/main.json", ARM_ADMIN_DEFAULT_ON);
    let prod = json_parameters(r#" "adminEnabled": { "value": true } "#);
    write(d, "infra/prod.json", &prod);
    write(
        d,
        "acrlint.json",
        r#"{"parameters": {"infra/main.json": "infra/prod.json"}}"#,
    );
    // The template's run points at the file, by the path the user gave, with a
    // command that works.
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "infra/main.json"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "at infra/prod.json:4:46: fix it there (acrlint fix infra/prod.json writes false)"
        ),
        "{err}"
    );
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "infra/prod.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fixed 1 issue in infra/prod.json"), "{err}");
    assert_eq!(
        read(d, "infra/prod.json"),
        json_parameters(r#" "adminEnabled": { "value": false } "#)
    );
    // The folder fixes the mapped file before the template that reads it.
    write(d, "infra/prod.json", &prod);
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not fixed"), "{err}");
    assert_eq!(read(d, "infra/main.json"), ARM_ADMIN_DEFAULT_ON);
    assert_eq!(
        read(d, "infra/prod.json"),
        json_parameters(r#" "adminEnabled": { "value": false } "#)
    );
}

#[test]
fn a_parameter_file_bound_only_with_parameters_gets_the_value_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "main.json", ARM_ADMIN_DEFAULT_ON);
    let prod = json_parameters(r#" "adminEnabled": { "value": true } "#);
    write(d, "prod.json", &prod);
    let (code, _, err) = acrlint(
        d,
        &[
            "fix",
            "--rule",
            "ACR001",
            "--parameters",
            "prod.json",
            "main.json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    // `acrlint fix prod.json` would not find the template: no command is offered.
    assert!(
        err.contains("the value comes from the parameter file, at prod.json:4:46: make it false"),
        "{err}"
    );
    assert!(!err.contains("acrlint fix"), "{err}");
    // Named alone, it is an error that says why.
    let (code, _, err) = acrlint(d, &["fix", "prod.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "error: prod.json: a deployment parameters file whose template neither its name tells"
        ),
        "{err}"
    );
    assert_eq!(read(d, "prod.json"), prod);
    // Walked, it has nothing to be fixed with, as for `check` (the template, walked
    // without it, has its default fixed).
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("fixed 1 issue in ./main.json") || err.contains("fixed 1 issue in main.json"),
        "{err}"
    );
    assert!(!err.contains("error:"), "{err}");
    assert_eq!(read(d, "prod.json"), prod);
}

#[test]
fn a_parameter_file_named_by_convention_without_its_schema_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "main.json", ARM_ADMIN_DEFAULT_ON);
    let params = "{\n  \"parameters\": {\n    \"adminEnabled\": { \"value\": true }\n  }\n}\n";
    write(d, "main.parameters.json", params);
    let (_, out, _) = acrlint(d, &["check", "main.json"]);
    assert!(
        out.contains("parameter file value at main.parameters.json:3:32"),
        "{out}"
    );
    let (code, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "main.parameters.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("fixed 1 issue in main.parameters.json"),
        "{err}"
    );
    assert_eq!(
        read(d, "main.parameters.json"),
        params.replace("\"value\": true", "\"value\": false")
    );
    assert!(!check_rules(d, "main.json").contains("\"ACR001\""));
}
