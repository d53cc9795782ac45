use std::path::Path;

use crate::generate::fix::{fix_text, FileFix, FixOptions};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;

fn fix_with(text: &str, rules: &[&str]) -> FileFix {
    let options = FixOptions {
        fail_on: Some(Level::Error),
        rules: rules.iter().map(|r| r.to_string()).collect(),
        ..Default::default()
    };
    let r = fix_text(
        Path::new("main.bicep"),
        text,
        &Engine::builtin().unwrap(),
        &options,
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    r
}

fn fix(text: &str) -> FileFix {
    fix_with(text, &[])
}

const REGISTRY: &str = "param location string = resourceGroup().location

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
    assert!(r.remaining.is_empty());
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
    let r = fix(&text);
    assert_eq!(r.fixed, text);
    assert_eq!(r.manual.len(), 1);
    assert_eq!(r.manual[0].rule, "ACR001");
    assert_eq!(r.remaining.len(), 1);
    assert_eq!(r.remaining[0].location.file, Path::new("main.bicep"));
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
    assert!(crate::source::bicep::parse(&r.fixed).diagnostics.is_empty());
}

#[test]
fn rule_filter_and_syntax_errors() {
    let text = format!("{REGISTRY}{HOME_REPLICA}");
    let r = fix_with(&text, &["ACR002"]);
    assert!(r.fixed.contains("adminUserEnabled: true"));
    assert!(r.fixed.contains("= if (false) {"));
    // Only ACR002 was fixed; the admin user is still a finding.
    assert_eq!(r.remaining.len(), 1);
    assert_eq!(r.remaining[0].rule, "ACR001");
    let broken = fix_text(
        Path::new("main.bicep"),
        "resource acr 'x@1' = {\n  properties: {\n",
        &Engine::builtin().unwrap(),
        &FixOptions::default(),
    );
    assert!(broken.error.is_some());
}
