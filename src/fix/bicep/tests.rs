use std::path::{Path, PathBuf};

use crate::fix::{fix_file, FileFix, FixOptions};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;

/// Write `text` to a fresh `main.bicep` and fix it (the lowering reads from disk).
fn fix_with(text: &str, rules: &[&str], write: bool) -> (FileFix, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.bicep");
    std::fs::write(&path, text).unwrap();
    let options = FixOptions {
        fail_on: Some(Level::Error),
        rules: rules.iter().map(|r| r.to_string()).collect(),
        // ACR005's fix (public network access off) is unsafe.
        unsafe_fixes: true,
        ..Default::default()
    };
    let r = fix_file(&path, &Engine::builtin().unwrap(), &options, write);
    assert!(r.error.is_none(), "{:?}", r.error);
    (r, path, dir)
}

fn fix(text: &str) -> FileFix {
    fix_with(text, &["ACR001", "ACR002"], true).0
}

const REGISTRY: &str = "param location string = 'westeurope'

resource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'contosoregistry'
  location: location
  sku: {
    name: 'Premium'
  }
  properties: {
    // shared password for the pipeline
    adminUserEnabled: true   // TODO
  }
}
";

#[test]
fn a_literal_true_becomes_false() {
    let r = fix(REGISTRY);
    assert_eq!(r.applied, 1);
    assert_eq!(
        r.fixed,
        REGISTRY.replace("adminUserEnabled: true", "adminUserEnabled: false")
    );
    assert!(r.remaining.is_empty(), "{:?}", r.remaining);
    let again = fix(&r.fixed);
    assert_eq!(again.fixed, r.fixed);
    assert_eq!(again.applied, 0);
}

#[test]
fn a_bool_parameter_used_only_there_gets_a_false_default() {
    let text = REGISTRY
        .replace("adminUserEnabled: true", "adminUserEnabled: enableAdmin")
        .replace(
            "param location",
            "@description('Admin user')\nparam enableAdmin bool = true\n\nparam location",
        );
    let r = fix(&text);
    assert_eq!(r.applied, 1);
    assert_eq!(
        r.fixed,
        text.replace(
            "param enableAdmin bool = true",
            "param enableAdmin bool = false"
        )
    );
}

#[test]
fn a_parameter_used_elsewhere_is_left_with_advice() {
    let text = format!(
        "param enableAdmin bool = true\n{}\noutput admin bool = enableAdmin\n",
        REGISTRY.replace("adminUserEnabled: true", "adminUserEnabled: enableAdmin")
    );
    let (r, path, _dir) = fix_with(&text, &["ACR001"], true);
    assert_eq!(r.fixed, text);
    assert_eq!(r.manual.len(), 1, "{:?}", r.manual);
    assert_eq!(r.manual[0].rule, "ACR001");
    assert!(r.manual[0].advice.contains("also used elsewhere"));
    assert_eq!(r.remaining.len(), 1);
    assert_eq!(r.remaining[0].location.file, path);
}

const HOME_REPLICA: &str = "
resource home 'Microsoft.ContainerRegistry/registries/replications@2025-11-01' = {
  parent: acr
  name: location
  location: location
  properties: {}
}

resource nested 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'other12345'
  location: 'West Europe'
  sku: {
    name: 'Premium'
  }

  resource westeurope 'replications' = {
    name: 'westeurope'
    location: 'westeurope'
  }

  resource northeurope 'replications' = {
    name: 'northeurope'
    location: 'northeurope'
  }
}
";

#[test]
fn unguarded_home_replicas_get_if_false_top_level_and_nested() {
    let text = format!("{}{HOME_REPLICA}", REGISTRY.replace("true", "false"));
    let r = fix(&text);
    assert_eq!(r.applied, 2, "{:?}", r.manual);
    let expected = text
        .replace(
            "registries/replications@2025-11-01' = {",
            "registries/replications@2025-11-01' = if (false) {",
        )
        .replace(
            "resource westeurope 'replications' = {",
            "resource westeurope 'replications' = if (false) {",
        );
    assert_eq!(r.fixed, expected);
    assert_eq!(fix(&r.fixed).fixed, expected);
}

/// The ACR FAQ's situation in Bicep: a loop over replica regions that include the
/// home region; `condition`: the loop's own `if`, if any.
fn replica_loop(item: &str, replicas: &str, condition: &str) -> String {
    format!(
        "param location string = 'westeurope'
param replicaLocations array = {replicas}
param deployReplicas bool = true

resource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {{
  name: 'contosoregistry'
  location: location
  sku: {{
    name: 'Premium'
  }}
}}

resource replicas 'Microsoft.ContainerRegistry/registries/replications@2025-11-01' = [for {item} in replicaLocations: {condition}{{
  parent: acr
  name: {item}
  location: {item}
  properties: {{}}
}}]
"
    )
}

#[test]
fn a_home_replica_in_a_for_loop_gets_a_per_iteration_guard() {
    let text = replica_loop("loc", "[\n  'westeurope'\n  'eastus'\n]", "");
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    let expected = text.replace(
        "in replicaLocations: {",
        "in replicaLocations: if (toLower(loc) != toLower(location)) {",
    );
    assert_eq!(r.fixed, expected);
    assert!(r.manual.is_empty() && r.remaining.is_empty());
    let again = fix(&r.fixed);
    assert_eq!((again.fixed, again.applied), (expected, 0));
}

#[test]
fn a_loop_guard_is_merged_with_the_loop_condition_by_and() {
    let text = replica_loop(
        "loc",
        "[\n  'eastus'\n  'WestEurope'\n]",
        "if (deployReplicas || empty(location)) ",
    );
    let r = fix(&text);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        r.fixed,
        text.replace(
            "if (deployReplicas || empty(location))",
            "if ((deployReplicas || empty(location)) && toLower(loc) != toLower(location))"
        )
    );
    assert_eq!(fix(&r.fixed).fixed, r.fixed);
}

#[test]
fn a_loop_variable_that_shadows_the_registry_location_is_left_with_advice() {
    let text = replica_loop("location", "[\n  'westeurope'\n]", "");
    let r = fix(&text);
    assert_eq!(r.fixed, text);
    assert!(
        r.manual
            .iter()
            .any(|m| m.rule == "ACR002" && m.advice.contains("reads a name the loop declares")),
        "{:?} {:?}",
        r.manual,
        r.remaining
    );
}

#[test]
fn missing_properties_are_inserted_and_nested_objects_created() {
    let text = "resource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'contosoregistry'
  location: 'westeurope'
  sku: {
    name: 'Premium'
  }
  properties: {
    adminUserEnabled: false // off
  }
}
";
    let (r, _, _dir) = fix_with(text, &["ACR005", "ACR008"], true);
    assert_eq!(r.applied, 2, "{:?}\n{}", r.manual, r.fixed);
    let expected = text.replace(
        "    adminUserEnabled: false // off\n",
        "    adminUserEnabled: false // off\n    publicNetworkAccess: 'Disabled'\n    policies: {\n      azureADAuthenticationAsArmPolicy: {\n        status: 'disabled'\n      }\n    }\n",
    );
    assert_eq!(r.fixed, expected);
    assert!(r.remaining.is_empty(), "{:?}", r.remaining);
}

#[test]
fn diff_mode_writes_nothing_and_rule_filter_applies() {
    let text = format!("{REGISTRY}{HOME_REPLICA}");
    let (r, path, _dir) = fix_with(&text, &["ACR002"], false);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(r.fixed.contains("adminUserEnabled: true"));
    assert!(r.fixed.contains("= if (false) {"));
    // Only ACR002 was fixed; the admin user is still a finding.
    assert!(
        r.remaining.iter().any(|f| f.rule == "ACR001"),
        "{:?}",
        r.remaining
    );
}

#[test]
fn syntax_errors_are_reported_not_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.bicep");
    std::fs::write(&path, "resource acr 'x@1' = {\n  properties: {\n").unwrap();
    let r = fix_file(
        Path::new(&path),
        &Engine::builtin().unwrap(),
        &FixOptions::default(),
        true,
    );
    assert!(r.error.is_some());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "resource acr 'x@1' = {\n  properties: {\n"
    );
}

#[test]
fn the_literal_a_value_comes_from_is_followed_through_variables_ternaries_and_coalesce() {
    // (declarations, adminUserEnabled's expression, the edit expected)
    let cases = [
        (
            "var admin = true",
            "admin",
            ("var admin = true", "var admin = false"),
        ),
        (
            "param adminEnabled bool = true\nvar admin = adminEnabled",
            "admin",
            (
                "param adminEnabled bool = true",
                "param adminEnabled bool = false",
            ),
        ),
        (
            "param env string = 'dev'\nparam devAdmin bool = true",
            "env == 'prod' ? false : devAdmin",
            ("param devAdmin bool = true", "param devAdmin bool = false"),
        ),
        (
            "param adminOverride bool? = null\nvar adminDefault = true",
            "adminOverride ?? adminDefault",
            ("var adminDefault = true", "var adminDefault = false"),
        ),
        (
            "param keep string = 'true'",
            "bool(keep)",
            ("param keep string = 'true'", "param keep string = 'false'"),
        ),
    ];
    for (declarations, admin, (from, to)) in cases {
        let text = format!(
            "{declarations}\n\n{}",
            REGISTRY.replace(
                "adminUserEnabled: true",
                &format!("adminUserEnabled: {admin}")
            )
        );
        let (r, _, _dir) = fix_with(&text, &["ACR001"], false);
        assert_eq!(r.applied, 1, "{admin}: {:?} {:?}", r.manual, r.remaining);
        assert_eq!(r.fixed, text.replacen(from, to, 1), "{admin}");
        let (again, _, _dir) = fix_with(&r.fixed, &["ACR001"], false);
        assert_eq!(
            (again.fixed, again.applied),
            (r.fixed.clone(), 0),
            "{admin}"
        );
    }
}

#[test]
fn what_cannot_be_inverted_is_named_in_the_advice() {
    let cases = [
        (
            "param env string = 'Dev'",
            "toLower(env) == 'prod' ? false : true",
            "depends on `toLower(env) == 'prod'`, which is not known",
        ),
        (
            "var admin = true\noutput a bool = admin",
            "admin",
            "reads the variable `admin`, which is also used elsewhere",
        ),
        (
            "param a bool = true\nparam b bool = true",
            "a && b",
            "is computed by `a && b`, which cannot be inverted",
        ),
    ];
    for (declarations, admin, advice) in cases {
        let text = format!(
            "{declarations}\n\n{}",
            REGISTRY.replace(
                "adminUserEnabled: true",
                &format!("adminUserEnabled: {admin}")
            )
        );
        let (r, _, _dir) = fix_with(&text, &["ACR001"], false);
        assert_eq!(r.fixed, text);
        assert!(
            r.manual
                .iter()
                .any(|m| m.rule == "ACR001" && m.advice.contains(advice)),
            "{admin}: {:?} {:?}",
            r.manual,
            r.remaining
        );
    }
}

/// The registry with `adminUserEnabled: {admin}`, after `declarations` and before
/// `after`.
fn with_admin(declarations: &str, admin: &str, after: &str) -> String {
    format!(
        "{declarations}\n\n{}{after}",
        REGISTRY.replace(
            "adminUserEnabled: true",
            &format!("adminUserEnabled: {admin}")
        )
    )
}

#[test]
fn allowed_values_are_checked_against_the_parameters_new_value_not_the_propertys() {
    // `!keepAdminOff` is false only when the parameter is true, which @allowed forbids.
    let text = with_admin(
        "@allowed([false])\nparam keepAdminOff bool = false",
        "!keepAdminOff",
        "",
    );
    let (r, _, _dir) = fix_with(&text, &["ACR001"], true);
    assert_eq!(r.fixed, text);
    assert_eq!(r.applied, 0);
    assert!(
        r.manual
            .iter()
            .any(|m| m.advice.contains("@allowed values do not include true")),
        "{:?}",
        r.manual
    );
    // The comparison is true, so the property false, when the parameter is 'off':
    // allowed.
    let text = with_admin(
        "@allowed(['off', 'on'])\nparam adminMode string = 'on'",
        "!(adminMode == 'off')",
        "",
    );
    let (r, _, _dir) = fix_with(&text, &["ACR001"], true);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(r.fixed, text.replace("string = 'on'", "string = 'off'"));
    assert!(r.remaining.is_empty(), "{:?}", r.remaining);
}

#[test]
fn object_keys_and_property_reads_are_not_uses_of_a_parameter() {
    // A key of the same name and a property read: the parameter is used once.
    let text = with_admin(
        "param enableAdmin bool = true\nvar settings = {\n  enableAdmin: 'on'\n  other: 1\n}",
        "enableAdmin",
        "\noutput mode string = settings.enableAdmin\n",
    );
    let (r, _, _dir) = fix_with(&text, &["ACR001"], true);
    assert_eq!(r.applied, 1, "{:?}", r.manual);
    assert_eq!(
        r.fixed,
        text.replace(
            "param enableAdmin bool = true",
            "param enableAdmin bool = false"
        )
    );
    // A value under a key of the same name, and the `else` of a ternary broken
    // after `?` (a name at the start of a line before `:`): uses both.
    for (declarations, after) in [
        (
            "param enableAdmin bool = true",
            "\nvar settings = {\n  enableAdmin: enableAdmin\n}\noutput s object = settings\n",
        ),
        (
            "param enableAdmin bool = true\nparam strict bool = true",
            "\noutput admin bool = (strict ?\n  enableAdmin : true)\n",
        ),
    ] {
        let text = with_admin(declarations, "enableAdmin", after);
        let (r, _, _dir) = fix_with(&text, &["ACR001"], true);
        assert_eq!(r.fixed, text, "{after}");
        assert!(
            r.manual
                .iter()
                .any(|m| m.advice.contains("also used elsewhere")),
            "{after}: {:?}",
            r.manual
        );
    }
}
