//! `acrlint fix --policy`: the operations of Azure Policy `Modify` definitions
//! applied as fixes. Hand-written definitions exercise `add`, `addOrReplace` and
//! `remove` in ARM JSON and Bicep; with the `corpus` feature, the five ACR `Modify`
//! built-ins of the shared reference data fix real corpus templates.

use std::path::{Path, PathBuf};
use std::process::Command;

use acrlint::{check_file, fix_file, CheckOptions, Engine, FileFix, FixOptions, Level};
#[cfg(feature = "corpus")]
use serde_json::Value as Json;

/// A `Modify` definition on registries: the `owner` tag added (from a parameter)
/// when absent, the `temp` tag removed, the admin user turned off.
const TAGS_POLICY: &str = r#"{
  "name": "test-modify-tags",
  "properties": {
    "displayName": "Registries are owned, untemporary, without admin user",
    "mode": "Indexed",
    "parameters": {
      "effect": { "type": "String", "defaultValue": "Modify", "allowedValues": ["Modify", "Disabled"] },
      "owner": { "type": "String", "defaultValue": "platform" }
    },
    "policyRule": {
      "if": {
        "allOf": [
          { "field": "type", "equals": "Microsoft.ContainerRegistry/registries" },
          { "anyOf": [
            { "field": "tags['owner']", "exists": false },
            { "field": "tags['temp']", "exists": true },
            { "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled", "equals": true }
          ] }
        ]
      },
      "then": {
        "effect": "[parameters('effect')]",
        "details": {
          "roleDefinitionIds": [],
          "operations": [
            { "operation": "add", "field": "tags['owner']", "value": "[parameters('owner')]" },
            { "operation": "remove", "field": "tags['temp']" },
            { "operation": "addOrReplace", "field": "Microsoft.ContainerRegistry/registries/adminUserEnabled", "value": false }
          ]
        }
      }
    }
  }
}"#;

const TAGS_ID: &str = "test-modify-tags";

fn write_policy(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn engine_with(policy: &Path) -> Engine {
    let mut engine = Engine::builtin().unwrap();
    engine.add_policies(policy, None).unwrap();
    engine
}

/// Only the fixes of the definition under test.
fn only(rule: &str, unsafe_fixes: bool) -> FixOptions {
    let mut o = FixOptions {
        fail_on: Some(Level::Error),
        rules: vec![rule.into()],
        unsafe_fixes,
        ..Default::default()
    };
    o.check.expand.no_parameter_discovery = true;
    o
}

fn findings_of(file: &Path, engine: &Engine, rule: &str) -> usize {
    check_file(file, true, engine, &CheckOptions::default())
        .findings
        .iter()
        .filter(|f| f.rule == rule && f.suppression.is_none())
        .count()
}

/// Fix `file` in place with `options`, then again: the second run changes nothing.
fn fix_twice(file: &Path, engine: &Engine, options: &FixOptions) -> FileFix {
    let first = fix_file(file, engine, options, true);
    assert!(
        first.error.is_none(),
        "{}: {:?}",
        file.display(),
        first.error
    );
    let after = std::fs::read_to_string(file).unwrap();
    let again = fix_file(file, engine, options, true);
    assert!(again.error.is_none(), "{:?}", again.error);
    assert_eq!(
        again.applied,
        0,
        "{}: the second run fixed more",
        file.display()
    );
    assert_eq!(std::fs::read_to_string(file).unwrap(), after);
    first
}

const JSON_REGISTRY: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "contosoregistry",
      "location": "westeurope",
      // Kept as written.
      "tags": {
        "temp": "yes", // goes with its member
        "env": "prod"
      },
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": true }
    }
  ]
}
"#;

const BICEP_REGISTRY: &str = "resource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'contosoregistry'
  location: 'westeurope'
  // Kept as written.
  tags: {
    temp: 'yes' // goes with its property
    env: 'prod'
  }
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: true
  }
}
";

#[test]
fn add_remove_and_add_or_replace_in_json_and_bicep() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(dir.path(), "policy.json", TAGS_POLICY);
    let engine = engine_with(&policy);
    let cases = [
        (
            "main.json",
            JSON_REGISTRY,
            JSON_REGISTRY
                .replace("        \"temp\": \"yes\", // goes with its member\n", "")
                .replace(
                    "\"env\": \"prod\"\n",
                    "\"env\": \"prod\",\n        \"owner\": \"platform\"\n",
                )
                .replace("\"adminUserEnabled\": true", "\"adminUserEnabled\": false"),
        ),
        (
            "main.bicep",
            BICEP_REGISTRY,
            BICEP_REGISTRY
                .replace("    temp: 'yes' // goes with its property\n", "")
                .replace("env: 'prod'\n", "env: 'prod'\n    owner: 'platform'\n")
                .replace("adminUserEnabled: true", "adminUserEnabled: false"),
        ),
    ];
    for (name, before, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, before).unwrap();
        assert_eq!(findings_of(&file, &engine, TAGS_ID), 1, "{name}");
        let r = fix_twice(&file, &engine, &only(TAGS_ID, false));
        assert_eq!(r.applied, 1, "{name}: {:?}", r.manual);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), expected, "{name}");
        assert_eq!(findings_of(&file, &engine, TAGS_ID), 0, "{name}");
    }
}

#[test]
fn add_keeps_a_value_that_is_there_and_remove_of_the_only_member_leaves_an_empty_object() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(dir.path(), "policy.json", TAGS_POLICY);
    let engine = engine_with(&policy);
    let before = JSON_REGISTRY
        .replace("\"env\": \"prod\"", "\"owner\": \"alice\"")
        .replace("\"adminUserEnabled\": true", "\"adminUserEnabled\": false");
    let file = dir.path().join("main.json");
    std::fs::write(&file, &before).unwrap();
    let r = fix_twice(&file, &engine, &only(TAGS_ID, false));
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        before.replace("        \"temp\": \"yes\", // goes with its member\n", ""),
        "the owner stays alice"
    );
    // The only member: the object is left empty.
    let only_temp = JSON_REGISTRY.replace(
        "\"tags\": {\n        \"temp\": \"yes\", // goes with its member\n        \"env\": \"prod\"\n      }",
        "\"tags\": { \"temp\": \"yes\", \"owner\": \"bob\" }",
    );
    assert_ne!(only_temp, JSON_REGISTRY);
    std::fs::write(&file, &only_temp).unwrap();
    fix_twice(&file, &engine, &only(TAGS_ID, false));
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert!(
        fixed.contains("\"tags\": { \"owner\": \"bob\" }"),
        "{fixed}"
    );
    // The last member goes with the comma before it; the added one takes its place.
    let temp_last = JSON_REGISTRY.replace(
        "\"temp\": \"yes\", // goes with its member\n        \"env\": \"prod\"",
        "\"env\": \"prod\",\n        \"temp\": \"yes\"",
    );
    assert_ne!(temp_last, JSON_REGISTRY);
    std::fs::write(&file, &temp_last).unwrap();
    fix_twice(&file, &engine, &only(TAGS_ID, false));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        temp_last
            .replace("\"temp\": \"yes\"", "\"owner\": \"platform\"")
            .replace("\"adminUserEnabled\": true", "\"adminUserEnabled\": false")
    );
    let bicep = BICEP_REGISTRY
        .replace("    env: 'prod'\n", "")
        .replace("temp: 'yes' // goes with its property", "temp: 'yes'");
    let file = dir.path().join("main.bicep");
    std::fs::write(&file, &bicep).unwrap();
    fix_twice(&file, &engine, &only(TAGS_ID, false));
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert!(
        fixed.contains("tags: {\n    owner: 'platform'\n  }"),
        "{fixed}"
    );
}

/// A definition whose only operation names an alias with `[*]`: refused, with why,
/// and listed by the command line as not fixed.
#[test]
fn an_unmappable_alias_is_refused_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let policy = TAGS_POLICY.replace(
        "{ \"operation\": \"remove\", \"field\": \"tags['temp']\" }",
        "{ \"operation\": \"addOrReplace\", \"field\": \"Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action\", \"value\": \"Allow\" }",
    );
    assert_ne!(policy, TAGS_POLICY);
    let policy = write_policy(dir.path(), "policy.json", &policy);
    let engine = engine_with(&policy);
    let file = dir.path().join("main.json");
    std::fs::write(&file, JSON_REGISTRY).unwrap();
    let r = fix_file(&file, &engine, &only(TAGS_ID, false), true);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(r.applied, 0);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), JSON_REGISTRY);
    let refused = r.manual.iter().find(|m| m.rule == TAGS_ID).unwrap();
    assert!(refused.advice.contains("[*]"), "{}", refused.advice);
    let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(["fix", "--policy"])
        .arg(&policy)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{TAGS_ID} not fixed: `Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action` selects")),
        "{stderr}"
    );
}

/// The fixer's refusals hold for a definition's fix as for a rule's, with the
/// reason: public network access off on a SKU without private endpoints, a property
/// the apiVersion does not have. Without `--unsafe-fixes`, turning public access off
/// is left out as unsafe.
#[test]
fn the_existing_refusals_apply_to_a_definitions_fix() {
    let dir = tempfile::tempdir().unwrap();
    let operation = |field: &str, value: &str| {
        TAGS_POLICY
            .replace(
                "{ \"operation\": \"add\", \"field\": \"tags['owner']\", \"value\": \"[parameters('owner')]\" },",
                "",
            )
            .replace(
                "{ \"operation\": \"remove\", \"field\": \"tags['temp']\" },",
                &format!("{{ \"operation\": \"addOrReplace\", \"field\": \"Microsoft.ContainerRegistry/registries/{field}\", \"value\": {value} }},"),
            )
    };
    let cases = [
        (
            operation("publicNetworkAccess", "\"Disabled\""),
            JSON_REGISTRY.replace("\"Premium\"", "\"Standard\""),
            true,
            "turning public network access off would cut the registry off: its SKU is Standard",
        ),
        (
            operation("publicNetworkAccess", "\"Disabled\""),
            JSON_REGISTRY.to_string(),
            false,
            "unsafe",
        ),
        (
            operation(
                "policies.azureADAuthenticationAsArmPolicy.status",
                "\"disabled\"",
            ),
            // Without --unsafe-fixes: with it, the apiVersion is upgraded first (its own
            // unsafe fix) and the definition's fix follows.
            JSON_REGISTRY.replace("2025-11-01", "2021-09-01"),
            false,
            "@2021-09-01 has no properties.policies.azureADAuthenticationAsArmPolicy.status (the REST API has it from 2022-12-01)",
        ),
    ];
    for (i, (policy, template, unsafe_fixes, reason)) in cases.into_iter().enumerate() {
        assert_ne!(policy, TAGS_POLICY);
        let policy = write_policy(dir.path(), &format!("policy{i}.json"), &policy);
        let engine = engine_with(&policy);
        let file = dir.path().join(format!("main{i}.json"));
        std::fs::write(&file, &template).unwrap();
        let r = fix_file(&file, &engine, &only(TAGS_ID, unsafe_fixes), true);
        assert!(r.error.is_none(), "{:?}", r.error);
        assert_eq!(r.applied, 0, "case {i}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            template,
            "case {i}"
        );
        if reason == "unsafe" {
            assert_eq!(r.unsafe_left, [TAGS_ID], "case {i}");
        } else {
            let m = r.manual.iter().find(|m| m.rule == TAGS_ID);
            assert!(
                m.is_some_and(|m| m.advice.contains(reason)),
                "case {i}: {:?}",
                r.manual
            );
        }
    }
}

/// Anonymous pull: no corpus registry enables it, so a written one.
#[cfg(feature = "corpus")]
#[test]
fn the_anonymous_pull_built_in_fixes_json_and_bicep() {
    let policy = reference_policy("ACR_AnonymousPullDisabled_Modify.json");
    let engine = engine_with(&policy);
    let id = definition_name(&policy);
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "main.json",
            JSON_REGISTRY.replace(
                "\"adminUserEnabled\": true",
                "\"anonymousPullEnabled\": true",
            ),
        ),
        (
            "main.bicep",
            BICEP_REGISTRY.replace("adminUserEnabled: true", "anonymousPullEnabled: true"),
        ),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, &text).unwrap();
        assert_eq!(findings_of(&file, &engine, &id), 1, "{name}");
        let r = fix_twice(&file, &engine, &only(&id, false));
        assert_eq!(r.applied, 1, "{name}: {:?}", r.manual);
        let fixed = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            fixed,
            text.replace("Enabled\": true", "Enabled\": false")
                .replace("Enabled: true", "Enabled: false")
        );
        assert_eq!(
            values_at(
                &file,
                "Microsoft.ContainerRegistry/registries",
                &["properties", "anonymousPullEnabled"]
            ),
            [Some(Json::Bool(false))]
        );
        assert_eq!(findings_of(&file, &engine, &id), 0, "{name}");
    }
}

/// The reference data's copy of a built-in definition.
#[cfg(feature = "corpus")]
fn reference_policy(name: &str) -> PathBuf {
    let path =
        acrlint::test_support::shared("reference/azure-policy/container-registry").join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    path
}

#[cfg(feature = "corpus")]
fn definition_name(policy: &Path) -> String {
    acrlint::PolicyDefinition::load_file(policy).unwrap().name
}

/// The values at `path` of every resource of `resource_type` the file itself
/// declares, as evaluated.
#[cfg(feature = "corpus")]
fn values_at(file: &Path, resource_type: &str, path: &[&str]) -> Vec<Option<Json>> {
    let exp = acrlint::expand(file, &Default::default()).unwrap();
    exp.resources
        .iter()
        .filter(|r| {
            r.file == 0 && !r.existing && r.resource_type.eq_ignore_ascii_case(resource_type)
        })
        .map(|r| {
            let view = acrlint::resource_view(r);
            path.iter()
                .try_fold(&view, |v, k| v.get(k))
                .map(acrlint::Value::to_json)
        })
        .collect()
}

/// The five ACR `Modify` built-ins on real corpus templates, ARM JSON and Bicep:
/// the file parses after the fix, the evaluated model holds the value, `check
/// --policy` no longer reports it, and a second run changes nothing.
#[cfg(feature = "corpus")]
#[test]
fn the_acr_modify_built_ins_fix_corpus_templates() {
    struct Case {
        policy: &'static str,
        resource_type: &'static str,
        path: &'static [&'static str],
        value: Json,
        unsafe_fixes: bool,
        files: &'static [&'static str],
    }
    let cases = [
        Case {
            policy: "ACR_AdminAccountDisabled_Modify.json",
            resource_type: "Microsoft.ContainerRegistry/registries",
            path: &["properties", "adminUserEnabled"],
            value: Json::Bool(false),
            unsafe_fixes: false,
            files: &[
                "Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/azuredeploy.json",
                "Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/containerRegistry.bicep",
            ],
        },
        Case {
            policy: "ACR_AADAuthenticationAsArmDisabled_Modify.json",
            resource_type: "Microsoft.ContainerRegistry/registries",
            path: &["properties", "policies", "azureADAuthenticationAsArmPolicy", "status"],
            value: Json::String("disabled".into()),
            unsafe_fixes: false,
            files: AAD_FILES,
        },
        Case {
            policy: "ACR_PublicNetworkAccess_Modify.json",
            resource_type: "Microsoft.ContainerRegistry/registries",
            path: &["properties", "publicNetworkAccess"],
            value: Json::String("Disabled".into()),
            unsafe_fixes: true,
            files: PUBLIC_ACCESS_FILES,
        },
        Case {
            policy: "ACR_TokenDisabled_Modify.json",
            resource_type: "Microsoft.ContainerRegistry/registries/tokens",
            path: &["properties", "status"],
            value: Json::String("disabled".into()),
            unsafe_fixes: false,
            files: &[
                "Azure__bicep-registry-modules/avm/res/container-registry/registry/token/main.json",
                "Azure__bicep-registry-modules/avm/res/container-registry/registry/token/main.bicep",
            ],
        },
    ];
    let corpus = acrlint::test_support::shared("corpus/acr");
    let dir = tempfile::tempdir().unwrap();
    for (i, case) in cases.iter().enumerate() {
        let policy = reference_policy(case.policy);
        let id = definition_name(&policy);
        let engine = engine_with(&policy);
        let mut bicep = 0;
        for (j, file) in case.files.iter().enumerate() {
            let source = corpus.join(file);
            let name = source.file_name().unwrap().to_string_lossy().to_string();
            let copy = dir.path().join(format!("{i}-{j}-{name}"));
            std::fs::copy(&source, &copy).unwrap();
            let what = format!("{}: {}", case.policy, source.display());
            assert!(findings_of(&copy, &engine, &id) > 0, "{what}: no finding");
            // Unsafe fixes are left out without --unsafe-fixes.
            if case.unsafe_fixes {
                let r = fix_file(&copy, &engine, &only(&id, false), false);
                assert_eq!(
                    (r.applied, r.unsafe_left.as_slice()),
                    (0, [id.clone()].as_slice()),
                    "{what}"
                );
            }
            let r = fix_twice(&copy, &engine, &only(&id, case.unsafe_fixes));
            assert!(r.applied >= 1, "{what}: nothing fixed: {:?}", r.manual);
            let fixed = std::fs::read_to_string(&copy).unwrap();
            if name.ends_with(".bicep") {
                bicep += 1;
                assert!(
                    acrlint::syntax::bicep::parse(&fixed).diagnostics.is_empty(),
                    "{what}"
                );
            } else {
                assert!(acrlint::syntax::json::parse(&fixed).is_ok(), "{what}");
            }
            let values = values_at(&copy, case.resource_type, case.path);
            assert!(!values.is_empty(), "{what}");
            for v in values {
                let holds = match (&v, &case.value) {
                    (Some(Json::String(a)), Json::String(b)) => a.eq_ignore_ascii_case(b),
                    (a, b) => a.as_ref() == Some(b),
                };
                assert!(holds, "{what}: {v:?}");
            }
            assert_eq!(
                findings_of(&copy, &engine, &id),
                0,
                "{what}: still reported"
            );
        }
        assert!(bicep >= 1, "{}: no Bicep file", case.policy);
    }
}

/// Registries the AAD-authentication-as-ARM definition fixes: apiVersions that
/// have the property.
#[cfg(feature = "corpus")]
const AAD_FILES: &[&str] = &[
    "Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/machine-learning-workspace-cmk-service-side-encryption/azuredeploy.json",
    "Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/machine-learning-workspace-cmk-service-side-encryption/main.bicep",
];

/// Premium registries whose public network access the definition turns off.
#[cfg(feature = "corpus")]
const PUBLIC_ACCESS_FILES: &[&str] = &[
    "Azure__azure-quickstart-templates/demos/aks-nat-agic/azuredeploy.json",
    "BernieWhite__PSRule.Rules.Azure/tests/PSRule.Rules.Azure.Tests/Bicep/ScopeTestCases/Tests.Bicep.2.child1.bicep",
];

/// Bicep keys match a definition's field ignoring case, as ARM's property names:
/// `Temp` is the `temp` tag removed, `AdminUserEnabled` the property replaced (not
/// written a second time).
#[test]
fn bicep_keys_match_fields_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(dir.path(), "policy.json", TAGS_POLICY);
    let engine = engine_with(&policy);
    let before = BICEP_REGISTRY
        .replace("temp: 'yes'", "Temp: 'yes'")
        .replace("adminUserEnabled: true", "AdminUserEnabled: true");
    let file = dir.path().join("main.bicep");
    std::fs::write(&file, &before).unwrap();
    assert_eq!(findings_of(&file, &engine, TAGS_ID), 1);
    let r = fix_twice(&file, &engine, &only(TAGS_ID, false));
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        before
            .replace("    Temp: 'yes' // goes with its property\n", "")
            .replace("env: 'prod'\n", "env: 'prod'\n    owner: 'platform'\n")
            .replace("AdminUserEnabled: true", "AdminUserEnabled: false")
    );
    assert_eq!(findings_of(&file, &engine, TAGS_ID), 0);
}

/// A `Modify` definition adding the `owner` tag and `dataEndpointEnabled: false`.
const ADD_POLICY: &str = r#"{
  "name": "test-modify-add",
  "properties": {
    "mode": "Indexed",
    "policyRule": {
      "if": {
        "allOf": [
          { "field": "type", "equals": "Microsoft.ContainerRegistry/registries" },
          { "field": "tags['owner']", "exists": false }
        ]
      },
      "then": {
        "effect": "Modify",
        "details": {
          "roleDefinitionIds": [],
          "operations": [
            { "operation": "add", "field": "tags['owner']", "value": "platform" },
            { "operation": "add", "field": "Microsoft.ContainerRegistry/registries/dataEndpointEnabled", "value": false }
          ]
        }
      }
    }
  }
}"#;

/// `add` leaves a value the template sets through a spread or a variable, as Azure
/// Policy's `add` does: only the absent tag is written, with no advice about the
/// property.
#[test]
fn add_leaves_a_value_from_a_spread_or_a_variable() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(dir.path(), "policy.json", ADD_POLICY);
    let engine = engine_with(&policy);
    let id = "test-modify-add";
    let spread = BICEP_REGISTRY
        .replace(
            "resource acr",
            "var base = {\n  dataEndpointEnabled: true\n}\n\nresource acr",
        )
        .replace("    temp: 'yes' // goes with its property\n", "")
        .replace(
            "adminUserEnabled: true",
            "...base\n    anonymousPullEnabled: false",
        );
    let variable = spread.replace(
        "properties: {\n    ...base\n    anonymousPullEnabled: false\n  }",
        "properties: base",
    );
    let json = JSON_REGISTRY
        .replace(
            "\"resources\": [",
            "\"variables\": { \"props\": { \"dataEndpointEnabled\": true } },\n  \"resources\": [",
        )
        .replace("        \"temp\": \"yes\", // goes with its member\n", "")
        .replace(
            "\"properties\": { \"adminUserEnabled\": true }",
            "\"properties\": \"[variables('props')]\"",
        );
    let cases = [
        (
            "spread.bicep",
            spread.clone(),
            spread.replace("env: 'prod'\n", "env: 'prod'\n    owner: 'platform'\n"),
        ),
        (
            "variable.bicep",
            variable.clone(),
            variable.replace("env: 'prod'\n", "env: 'prod'\n    owner: 'platform'\n"),
        ),
        (
            "main.json",
            json.clone(),
            json.replace(
                "\"env\": \"prod\"\n",
                "\"env\": \"prod\",\n        \"owner\": \"platform\"\n",
            ),
        ),
    ];
    for (name, before, expected) in cases {
        assert_ne!(before, expected, "{name}");
        let file = dir.path().join(name);
        std::fs::write(&file, &before).unwrap();
        assert_eq!(findings_of(&file, &engine, id), 1, "{name}");
        let r = fix_twice(&file, &engine, &only(id, false));
        assert_eq!(r.applied, 1, "{name}: {:?}", r.manual);
        assert!(r.manual.is_empty(), "{name}: {:?}", r.manual);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), expected, "{name}");
        assert_eq!(findings_of(&file, &engine, id), 0, "{name}");
    }
}
