//! Regression tests for `acrlint fix` as a user meets it, through the binary: fixes
//! that add members to one object write it once (the structure stays intact), fixes
//! that would cut a registry off or that its apiVersion cannot carry are refused
//! with the reason (the apiVersion upgrade is its own unsafe fix), a finished run says so and a second run changes nothing, a
//! parameter file is fixed where the value is written, `--rule` with a rule that has
//! no fix says so, and nothing but the fixed file is written.

use std::path::Path;

mod fix_support;
use fix_support::{acrlint, read, write};

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A registry of `sku` at `api` (ARM JSON) with `properties` written as given.
fn arm_registry(sku: &str, api: &str, properties: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{
    "skuName": {{
      "type": "string",
      "defaultValue": "{sku}"
    }}
  }},
  "resources": [
    {{
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "{api}",
      "name": "contosoregistry01",
      "location": "westeurope",
      "sku": {{
        "name": "[parameters('skuName')]"
      }},
      "properties": {properties}
    }}
  ]
}}
"#
    )
}

fn bicep_registry(sku: &str, api: &str, properties: &str) -> String {
    format!(
        "resource registry 'Microsoft.ContainerRegistry/registries@{api}' = {{
  name: 'contosoregistry01'
  location: 'westeurope'
  sku: {{
    name: '{sku}'
  }}
  properties: {properties}
}}
"
    )
}

fn check_rules(dir: &Path, name: &str) -> String {
    let (_, out, _) = acrlint(dir, &["check", name, "--format", "json"]);
    out
}

#[test]
fn members_added_to_one_object_are_one_insertion_and_the_structure_holds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let arm_props = "{\n        \"adminUserEnabled\": false,\n        \"publicNetworkAccess\": \"Enabled\"\n      }";
    write(
        d,
        "arm.json",
        &arm_registry("Premium", "2025-11-01", arm_props),
    );
    let bicep_props = "{\n    adminUserEnabled: false\n    publicNetworkAccess: 'Enabled'\n  }";
    write(
        d,
        "main.bicep",
        &bicep_registry("Premium", "2025-11-01", bicep_props),
    );
    for name in ["arm.json", "main.bicep"] {
        let (code, _, err) = acrlint(d, &["fix", "--unsafe-fixes", name]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(!err.contains("pending"), "{name}: {err}");
        let fixed = read(d, name);
        // One `policies` object holding both policies, each written once.
        assert_eq!(fixed.matches("policies").count(), 1, "{name}:\n{fixed}");
        assert_eq!(fixed.matches("exportPolicy").count(), 1, "{name}:\n{fixed}");
        assert_eq!(
            fixed.matches("azureADAuthenticationAsArmPolicy").count(),
            1,
            "{name}:\n{fixed}"
        );
        assert!(
            !fixed.contains("}}"),
            "{name}: a brace out of place:\n{fixed}"
        );
        assert!(
            !fixed.lines().any(|l| !l.is_empty() && l.trim().is_empty()),
            "{name}: a whitespace-only line:\n{fixed}"
        );
        let report = check_rules(d, name);
        for rule in ["ACR005", "ACR007", "ACR008"] {
            assert!(!report.contains(rule), "{name}: {rule} left:\n{report}");
        }
        // Nothing left to do: a second run changes nothing and exits 0.
        let (code, diff, err) = acrlint(d, &["fix", "--diff", "--unsafe-fixes", name]);
        assert_eq!((code, diff.as_str()), (0, ""), "{name}: {err}");
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&read(d, "arm.json")) {
        let props = &v["resources"][0]["properties"];
        assert_eq!(props["policies"]["exportPolicy"]["status"], "disabled");
        assert_eq!(
            props["policies"]["azureADAuthenticationAsArmPolicy"]["status"],
            "disabled"
        );
        assert_eq!(props["publicNetworkAccess"], "Disabled");
    } else {
        panic!("the fixed template is not JSON");
    }
}

#[test]
fn generated_basic_registries_fix_cleanly_and_finish() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (format, name) in [("arm", "basic.json"), ("bicep", "basic.bicep")] {
        let (code, _, err) = acrlint(
            d,
            &[
                "new", "registry", "--sku", "basic", "--format", format, "-o", name,
            ],
        );
        assert_eq!(code, 0, "{err}");
        let original = read(d, name);
        let (code, diff, err) = acrlint(d, &["fix", "--diff", "--unsafe-fixes", name]);
        // Nothing to do on a generated Basic registry: in particular no export
        // policy inside another policy, and no claim that ACR007 is refused while
        // its edit is made anyway.
        assert_eq!((code, diff.as_str()), (0, ""), "{name}: {err}");
        assert!(!err.contains("pending"), "{err}");
        let (code, _, err) = acrlint(d, &["fix", "--unsafe-fixes", name]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(read(d, name), original);
    }
}

#[test]
fn public_access_is_never_turned_off_on_a_sku_without_private_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let arm_props = "{\n        \"publicNetworkAccess\": \"Enabled\"\n      }";
    let bicep_props = "{\n    publicNetworkAccess: 'Enabled'\n  }";
    for sku in ["Basic", "Standard"] {
        // The SKU comes from a parameter default in the ARM template.
        write(d, "arm.json", &arm_registry(sku, "2025-11-01", arm_props));
        write(
            d,
            "main.bicep",
            &bicep_registry(sku, "2025-11-01", bicep_props),
        );
        for name in ["arm.json", "main.bicep"] {
            let before = read(d, name);
            let (_, _, err) = acrlint(d, &["fix", "--unsafe-fixes", name]);
            let after = read(d, name);
            assert!(!after.contains("Disabled"), "{sku} {name}:\n{after}");
            assert!(
                err.contains(&format!(
                    "its SKU is {sku}, which cannot have private endpoints"
                )),
                "{sku} {name}: {err}"
            );
            // The other fixes (the ARM token policy) still apply.
            assert_ne!(before, after, "{sku} {name}");
        }
    }
}

/// The registry's apiVersion as written (JSON `"apiVersion"`, Bicep `@version`).
fn written_version(text: &str) -> &str {
    let json = text.split("\"apiVersion\": \"").nth(1);
    let bicep = text.split("registries@").nth(1);
    json.or(bicep)
        .and_then(|rest| rest.split(['"', '\'']).next())
        .unwrap_or("")
}

#[test]
fn properties_the_api_version_cannot_carry_are_not_added() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let props = "{\n        \"adminUserEnabled\": false\n      }";
    write(d, "old.json", &arm_registry("Premium", "2021-09-01", props));
    write(
        d,
        "older.json",
        &arm_registry("Premium", "2019-05-01", props),
    );
    // Without --unsafe-fixes nothing is upgraded, and the reason names the upgrade.
    let (_, _, err) = acrlint(d, &["fix", "old.json"]);
    let old = read(d, "old.json");
    assert!(!old.contains("azureADAuthenticationAsArmPolicy"), "{old}");
    assert_eq!(written_version(&old), "2021-09-01");
    assert!(
        err.contains("ACR008")
            && err.contains("the REST API has it from 2022-12-01")
            && err.contains("upgrade the apiVersion 2021-09-01 → 2025-11-01")
            && err.contains("--unsafe-fixes"),
        "{err}"
    );
    // 2021-09-01 has the export policy and public network access.
    let (_, _, _) = acrlint(
        d,
        &["fix", "--unsafe-fixes", "--rule", "ACR007", "old.json"],
    );
    let old = read(d, "old.json");
    assert!(old.contains("exportPolicy"), "{old}");
    assert_eq!(written_version(&old), "2021-09-01", "no upgrade was needed");
    let (_, _, err) = acrlint(d, &["fix", "--diff", "older.json"]);
    assert!(
        err.contains("ACR007") && err.contains("upgrade the apiVersion 2019-05-01 → 2025-11-01"),
        "{err}"
    );
    let older = read(d, "older.json");
    assert!(!older.contains("exportPolicy"), "{older}");
    assert!(!older.contains("publicNetworkAccess"), "{older}");
}

/// With --unsafe-fixes the apiVersion is upgraded (its own fix, shown by --diff) and
/// the property fix follows; a second run has nothing to do. ARM JSON and Bicep.
#[test]
fn unsafe_fixes_upgrade_the_api_version_then_add_the_property() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let arm_props = "{\n        \"adminUserEnabled\": false,\n        \"publicNetworkAccess\": \"Disabled\"\n      }";
    let bicep_props = "{\n    adminUserEnabled: false\n    publicNetworkAccess: 'Disabled'\n  }";
    write(
        d,
        "arm.json",
        &arm_registry("Premium", "2019-05-01", arm_props),
    );
    write(
        d,
        "main.bicep",
        &bicep_registry("Premium", "2019-05-01", bicep_props),
    );
    for name in ["arm.json", "main.bicep"] {
        let before = read(d, name);
        let (code, diff, _) = acrlint(d, &["fix", "--diff", "--unsafe-fixes", name]);
        assert_eq!(code, 1, "{name}");
        assert!(
            diff.lines()
                .any(|l| l.starts_with('-') && l.contains("2019-05-01"))
                && diff
                    .lines()
                    .any(|l| l.starts_with('+') && l.contains("2025-11-01"))
                && diff.contains("+")
                && diff.contains("azureADAuthenticationAsArmPolicy")
                && diff.contains("exportPolicy"),
            "{name}: {diff}"
        );
        assert_eq!(read(d, name), before, "{name}: --diff wrote");
        let (code, _, err) = acrlint(d, &["fix", "--unsafe-fixes", name]);
        let after = read(d, name);
        assert_eq!(written_version(&after), "2025-11-01", "{name}: {after}");
        assert!(
            after.contains("azureADAuthenticationAsArmPolicy") && after.contains("exportPolicy"),
            "{name}: {after}"
        );
        assert!(
            !err.contains("ACR007") && !err.contains("ACR008"),
            "{name}: {err}"
        );
        assert_eq!(code, 0, "{name}: {err}");
        // The upgraded file checks without ACR007/ACR008.
        let report = check_rules(d, name);
        assert!(
            !report.contains("ACR007") && !report.contains("ACR008"),
            "{name}: {report}"
        );
        let (code, diff, err) = acrlint(d, &["fix", "--diff", "--unsafe-fixes", name]);
        assert_eq!((code, diff.as_str()), (0, ""), "{name}: second run: {err}");
    }
}

/// No upgrade when the registry writes a property the target version lacks (the
/// classic storage account), or when its apiVersion is computed: the reason names the
/// property, or the variable to change.
#[test]
fn the_upgrade_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let classic = "{\n        \"adminUserEnabled\": false,\n        \"storageAccount\": {\n          \"id\": \"[resourceId('Microsoft.Storage/storageAccounts', 'contosostorage')]\"\n        }\n      }";
    write(
        d,
        "classic.json",
        &arm_registry("Premium", "2017-10-01", classic),
    );
    let (_, _, err) = acrlint(d, &["fix", "--unsafe-fixes", "classic.json"]);
    assert_eq!(written_version(&read(d, "classic.json")), "2017-10-01");
    assert!(
        err.contains("cannot be upgraded")
            && err.contains("properties.storageAccount")
            && err.contains("2025-11-01 does not have"),
        "{err}"
    );
    let shared = arm_registry(
        "Premium",
        "[variables('acrApiVersion')]",
        "{\n        \"adminUserEnabled\": false\n      }",
    )
    .replace(
        "\"resources\": [",
        "\"variables\": {\n    \"acrApiVersion\": \"2021-09-01\"\n  },\n  \"resources\": [",
    );
    write(d, "shared.json", &shared);
    let (_, _, err) = acrlint(d, &["fix", "--unsafe-fixes", "shared.json"]);
    // 2021-09-01 has what ACR007 writes, not what ACR008 writes.
    let after = read(d, "shared.json");
    assert!(
        after.contains("\"acrApiVersion\": \"2021-09-01\""),
        "{after}"
    );
    assert!(
        after.contains("\"apiVersion\": \"[variables('acrApiVersion')]\""),
        "{after}"
    );
    assert!(
        !after.contains("azureADAuthenticationAsArmPolicy"),
        "{after}"
    );
    assert!(
        err.contains("ACR008")
            && err.contains("the variable 'acrApiVersion'")
            && err.contains("'2025-11-01'"),
        "{err}"
    );
    // Bicep: a registry writing virtual network rules (removed since).
    let vnet = "{\n    adminUserEnabled: false\n    publicNetworkAccess: 'Disabled'\n    networkRuleSet: {\n      defaultAction: 'Deny'\n      virtualNetworkRules: []\n    }\n  }";
    write(
        d,
        "vnet.bicep",
        &bicep_registry("Premium", "2019-05-01", vnet),
    );
    let (_, _, err) = acrlint(d, &["fix", "--unsafe-fixes", "vnet.bicep"]);
    assert_eq!(written_version(&read(d, "vnet.bicep")), "2019-05-01");
    assert!(
        err.contains("properties.networkRuleSet.virtualNetworkRules"),
        "{err}"
    );
}

/// A registry whose admin user is the parameter `adminEnabled` (default off).
const ADMIN_FROM_PARAMETER: &str = "param adminEnabled bool = false

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

#[test]
fn a_parameter_file_is_fixed_where_the_value_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "main.bicep", ADMIN_FROM_PARAMETER);
    write(
        d,
        "main.prod.bicepparam",
        "using 'main.bicep'\n\n// Production\nparam adminEnabled = true\n",
    );
    // The template's run points at the parameter file.
    let (code, _, err) = acrlint(d, &["fix", "main.bicep"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("ACR001") && err.contains("main.prod.bicepparam:4:22"),
        "{err}"
    );
    let (code, _, err) = acrlint(d, &["fix", "main.prod.bicepparam"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fixed 1 issue"), "{err}");
    assert_eq!(
        read(d, "main.prod.bicepparam"),
        "using 'main.bicep'\n\n// Production\nparam adminEnabled = false\n"
    );
    let (code, diff, _) = acrlint(d, &["fix", "--diff", "main.prod.bicepparam"]);
    assert_eq!((code, diff.as_str()), (0, ""));
    assert!(!check_rules(d, "main.bicep").contains("ACR001"));
}

#[test]
fn fixing_a_directory_fixes_its_parameter_files_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("infra")).unwrap();
    write(d, "infra/main.bicep", ADMIN_FROM_PARAMETER);
    let param = "using 'main.bicep'\n\nparam adminEnabled = true\n";
    write(d, "infra/main.bicepparam", param);
    // --diff shows the parameter file's edit.
    let (code, diff, err) = acrlint(d, &["fix", "--diff", "."]);
    assert_eq!(code, 1, "{err}");
    assert!(
        diff.contains("+++ b/infra/main.bicepparam")
            && diff.contains("-param adminEnabled = true")
            && diff.contains("+param adminEnabled = false"),
        "{diff}\n{err}"
    );
    // Written, and the template checked after it has nothing left.
    let (code, _, err) = acrlint(d, &["fix", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fixed 1 issue in"), "{err}");
    assert!(!err.contains("not fixed"), "{err}");
    assert_eq!(
        read(d, "infra/main.bicepparam"),
        param.replace("= true", "= false")
    );
    let (code, diff, _) = acrlint(d, &["fix", "--diff", "."]);
    assert_eq!((code, diff.as_str()), (0, ""));
}

#[test]
fn a_rule_without_a_fix_says_so_and_lists_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let props = "{\n        \"adminUserEnabled\": false\n      }";
    write(d, "arm.json", &arm_registry("Premium", "2025-11-01", props));
    let before = read(d, "arm.json");
    let (_, _, err) = acrlint(d, &["fix", "--rule", "ACR006", "arm.json"]);
    assert!(err.contains("ACR006 has no automatic fix"), "{err}");
    assert!(
        err.contains("arm.json:") && err.contains("ACR006 warning not fixed"),
        "{err}"
    );
    assert_eq!(read(d, "arm.json"), before);
}

#[test]
fn fixing_writes_no_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let props = "{\n    adminUserEnabled: true\n  }";
    write(
        d,
        "main.bicep",
        &bicep_registry("Premium", "2025-11-01", props),
    );
    let names = listing(d);
    let (code, _, err) = acrlint(d, &["fix", "main.bicep"]);
    assert_eq!(code, 0, "{err}");
    assert!(read(d, "main.bicep").contains("adminUserEnabled: false"));
    assert_eq!(listing(d), names);
}

#[test]
fn generated_registries_are_reachable_and_check_clean_at_fail_on_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: [&[&str]; 4] = [
        &[],
        &["--sku", "basic"],
        &["--sku", "standard"],
        &["--private-endpoint", "--cmk", "--quarantine"],
    ];
    for (i, options) in cases.iter().enumerate() {
        for format in ["arm", "bicep"] {
            let name = format!("r{i}.{}", if format == "arm" { "json" } else { "bicep" });
            let mut args = vec!["new", "registry", "--format", format, "-o", &name];
            args.extend(options.iter());
            let (code, _, err) = acrlint(d, &args);
            assert_eq!(code, 0, "{args:?}: {err}");
            let text = read(d, &name);
            // Public access off only with a private endpoint to reach the registry by.
            let private = text.contains("Microsoft.Network/privateEndpoints");
            let closed = text.contains("'Disabled'") || text.contains("\"Disabled\"");
            assert_eq!(closed, private, "{args:?}:\n{text}");
            let (code, out, err) = acrlint(d, &["check", "--fail-on", "note", &name]);
            assert_eq!(code, 0, "{args:?}:\n{out}{err}");
            let (code, diff, err) = acrlint(d, &["fix", "--diff", "--unsafe-fixes", &name]);
            assert_eq!((code, diff.as_str()), (0, ""), "{args:?}: {err}");
        }
    }
}

#[test]
fn the_literal_a_value_comes_from_is_edited_through_not_and_equals() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let arm = arm_registry(
        "Premium",
        "2025-11-01",
        "{\n        \"adminUserEnabled\": \"[not(parameters('disableAdmin'))]\"\n      }",
    )
    .replace(
        "\"parameters\": {",
        "\"parameters\": {\n    \"disableAdmin\": {\n      \"type\": \"bool\",\n      \"defaultValue\": false\n    },",
    );
    write(d, "arm.json", &arm);
    let (_, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "arm.json"]);
    assert!(err.contains("fixed 1 issue"), "{err}");
    assert_eq!(
        read(d, "arm.json"),
        arm.replace("\"defaultValue\": false", "\"defaultValue\": true")
    );
    let bicep = format!(
        "param keepAdmin bool = true\nparam mode string = 'shared'\n\n{}",
        bicep_registry(
            "Premium",
            "2025-11-01",
            "{\n    adminUserEnabled: !keepAdmin\n    anonymousPullEnabled: mode == 'open'\n  }"
        )
    )
    .replace("!keepAdmin", "!(!keepAdmin)");
    write(d, "main.bicep", &bicep);
    let (_, _, err) = acrlint(d, &["fix", "--rule", "ACR001", "main.bicep"]);
    assert!(err.contains("fixed 1 issue"), "{err}");
    assert_eq!(
        read(d, "main.bicep"),
        bicep.replace(
            "param keepAdmin bool = true",
            "param keepAdmin bool = false"
        )
    );
}

/// The FAQ's situation with a registry whose name is only known at deployment
/// (`acr` + `uniqueString(…)`, as the shipped example and most starters name it): the
/// replica loop is still tied to its registry and gets the per-iteration guard, in
/// ARM and in Bicep; a second run changes nothing.
#[test]
fn a_replica_loop_of_a_registry_named_at_deployment_gets_the_guard() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/registry.json"),
    )
    .unwrap();
    write(d, "registry.json", &example);
    let bicep = "param location string = 'westeurope'
param replicaLocations array = ['West Europe', 'northeurope']

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'acr${uniqueString(resourceGroup().id)}'
  location: location
  sku: { name: 'Premium' }
}

resource replicas 'Microsoft.ContainerRegistry/registries/replications@2025-11-01' = [for loc in replicaLocations: {
  parent: registry
  name: replace(toLower(loc), ' ', '')
  location: loc
  properties: {}
}]
";
    write(d, "main.bicep", bicep);
    for name in ["registry.json", "main.bicep"] {
        assert!(check_rules(d, name).contains("\"ACR002\""), "{name}");
        let (_, _, err) = acrlint(d, &["fix", "--rule", "ACR002", name]);
        assert!(err.contains("fixed 1 issue in"), "{name}: {err}");
        assert!(!err.contains("internal error"), "{name}: {err}");
        assert!(!err.contains('\u{27e6}'), "{name}: {err}");
        assert!(!check_rules(d, name).contains("\"ACR002\""), "{name}");
        // A second run changes nothing (the example's ACR001, not selected, remains).
        let (_, diff, err) = acrlint(d, &["fix", "--rule", "ACR002", "--diff", name]);
        assert_eq!(diff, "", "{name}: {err}");
        assert!(!err.contains("ACR002"), "{name}: {err}");
    }
    assert!(read(d, "registry.json").contains(
        "\"condition\": \"[not(equals(replace(toLower(parameters('replicaLocations')[copyIndex()]), ' ', ''), replace(toLower(parameters('location')), ' ', '')))]\""
    ));
    assert!(
        read(d, "main.bicep").contains(
            "[for loc in replicaLocations: if (replace(toLower(loc), ' ', '') != replace(toLower(location), ' ', '')) {"
        ),
        "{}",
        read(d, "main.bicep")
    );
}

/// A registry whose SKU and name are both computed: turning public access off is
/// refused, and the reason speaks of the registry without the evaluator's notation.
#[test]
fn public_access_on_an_unknown_sku_is_refused_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let template = arm_registry(
        "Premium",
        "2025-11-01",
        "{\n        \"publicNetworkAccess\": \"Enabled\"\n      }",
    )
    .replace(
        "\"defaultValue\": \"Premium\"",
        "\"allowedValues\": [\"Basic\", \"Premium\"]",
    )
    .replace(
        "\"parameters\": {\n",
        "\"parameters\": {\n    \"acrName\": {\n      \"type\": \"string\"\n    },\n",
    )
    .replace("\"contosoregistry01\"", "\"[parameters('acrName')]\"");
    write(d, "arm.json", &template);
    let before = read(d, "arm.json");
    let (_, _, err) = acrlint(d, &["fix", "--unsafe-fixes", "arm.json"]);
    let after = read(d, "arm.json");
    assert!(!after.contains("Disabled"), "{after}");
    assert!(
        err.contains("unless its SKU is Premium, and the SKU of the registry is not known"),
        "{before}\n{err}"
    );
    assert!(!err.contains('⟦'), "{err}");
}
