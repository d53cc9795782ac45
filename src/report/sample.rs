//! A hand-built report with realistic findings, shared by the format tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::report::Report;
use crate::rules::finding::{fingerprint, Finding, Level, Location, Related, Status, Suppression};
use crate::rules::native::registry::builtin_rules;
use crate::source::line_index::LineIndex;

/// The working directory the sample's absolute paths live under.
pub const BASE: &str = "/home/dev/contoso-infra";

pub const REGISTRY_JSON: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "registryName": { "type": "string", "defaultValue": "contosoregistry" },
    "location": { "type": "string", "defaultValue": "westeurope" },
    "adminUserEnabled": { "type": "bool", "defaultValue": true },
    "mirrorAdmin": { "type": "bool", "allowedValues": [ true, false ] }
  },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "[parameters('registryName')]",
      "location": "[parameters('location')]",
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": "[parameters('adminUserEnabled')]" }
    },
    {
      "type": "Microsoft.ContainerRegistry/registries/replications",
      "apiVersion": "2023-07-01",
      "name": "[format('{0}/{1}', parameters('registryName'), 'westeurope')]",
      "location": "westeurope",
      "dependsOn": [ "[resourceId('Microsoft.ContainerRegistry/registries', parameters('registryName'))]" ],
      "properties": {}
    },
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "contosomirror",
      "location": "northeurope",
      "sku": { "name": "Standard" },
      "properties": { /* miroir de secours – équipe plateforme */ "adminUserEnabled": "[parameters('mirrorAdmin')]" }
    }
  ],
  "outputs": {
    "password": {
      "type": "string",
      "value": "[listCredentials(
        resourceId('Microsoft.ContainerRegistry/registries', parameters('registryName')),
        '2023-07-01').passwords[0].value]"
    }
  }
}
"#;

pub const LEGACY_JSON: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2019-05-01",
      "name": "legacyregistry",
      "location": "westus",
      "sku": { "name": "Basic" },
      "properties": { "adminUserEnabled": true }
    }
  ]
}
"#;

pub const BROKEN_JSON: &str = r#"{
  "contentVersion": "1.0.0.0"
  "resources": []
}
"#;

pub const REGISTRY: &str = "templates/registry.json";
pub const LEGACY: &str = "templates/legacy.json";
pub const BROKEN: &str = "templates/broken.json";

/// The location of the `occurrence`-th (0-based) `needle` in `text`.
pub fn locate(file: &Path, text: &str, needle: &str, occurrence: usize) -> Location {
    let start = text
        .match_indices(needle)
        .nth(occurrence)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{needle:?} occurs fewer than {} times", occurrence + 1));
    span(file, text, start, start + needle.len())
}

/// The location of a byte range of `text`.
pub fn span(file: &Path, text: &str, start: usize, end: usize) -> Location {
    let index = LineIndex::new(text);
    Location {
        file: file.to_path_buf(),
        start: index.line_col(text, start as u32),
        end: index.line_col(text, end as u32),
        byte_start: start as u32,
        byte_end: end as u32,
    }
}

pub struct FindingSpec<'a> {
    pub rule: &'a str,
    pub level: Level,
    pub status: Status,
    pub location: Location,
    pub resource: Option<(&'a str, &'a str)>,
    pub message: &'a str,
    pub related: Vec<Related>,
    pub suppression: Option<Suppression>,
}

pub fn finding(spec: FindingSpec<'_>) -> Finding {
    let file = spec.location.file.to_string_lossy().to_string();
    let (rtype, rname) = spec.resource.unwrap_or(("", ""));
    Finding {
        fingerprint: fingerprint(&[spec.rule, &file, rtype, rname, spec.message]),
        rule: spec.rule.to_string(),
        level: spec.level,
        status: spec.status,
        location: spec.location,
        resource_type: spec.resource.map(|r| r.0.to_string()),
        resource_name: spec.resource.map(|r| r.1.to_string()),
        message: spec.message.to_string(),
        related: spec.related,
        suppression: spec.suppression,
        repair: None,
    }
}

/// Findings in three files under [`BASE`]: a definite and a possible ACR001 (with
/// related locations), an ACR002, a multi-line ACR003, an externally suppressed ACR001
/// and an ACR000 parse error.
pub fn sample_report() -> Report {
    let base = Path::new(BASE);
    let registry = base.join(REGISTRY);
    let legacy = base.join(LEGACY);
    let broken = base.join(BROKEN);
    const ACR: &str = "Microsoft.ContainerRegistry/registries";
    const REPLICATION: &str = "Microsoft.ContainerRegistry/registries/replications";

    let list_credentials_start = REGISTRY_JSON.find("\"[listCredentials(").unwrap_or(0);
    let list_credentials_end = REGISTRY_JSON.find(".value]\"").unwrap_or(0) + ".value]\"".len();

    let mut findings = vec![
        finding(FindingSpec {
            rule: "ACR001",
            level: Level::Error,
            status: Status::Fail,
            location: locate(&registry, REGISTRY_JSON, "\"[parameters('adminUserEnabled')]\"", 0),
            resource: Some((ACR, "contosoregistry")),
            message: "registry contosoregistry enables the admin user (adminUserEnabled is true): anyone with its shared password can push and pull",
            related: vec![Related {
                location: locate(&registry, REGISTRY_JSON, "true", 0),
                message: "value comes from the default value of parameter 'adminUserEnabled'".into(),
            }],
            suppression: None,
        }),
        finding(FindingSpec {
            rule: "ACR002",
            level: Level::Error,
            status: Status::Fail,
            location: locate(&registry, REGISTRY_JSON, "\"westeurope\"", 1),
            resource: Some((REPLICATION, "contosoregistry/westeurope")),
            message: "replication contosoregistry/westeurope is in the registry's home region (westeurope): Azure creates the home replica itself, so deploying it fails",
            related: vec![
                Related {
                    location: locate(&registry, REGISTRY_JSON, "\"[parameters('location')]\"", 0),
                    message: "the registry's location".into(),
                },
                Related {
                    location: locate(&registry, REGISTRY_JSON, "\"westeurope\"", 0),
                    message: "value comes from the default value of parameter 'location'".into(),
                },
            ],
            suppression: None,
        }),
        finding(FindingSpec {
            rule: "ACR001",
            level: Level::Warning,
            status: Status::Possible,
            location: locate(&registry, REGISTRY_JSON, "\"[parameters('mirrorAdmin')]\"", 0),
            resource: Some((ACR, "contosomirror")),
            message: "registry contosomirror may enable the admin user (adminUserEnabled is one of [true, false]): anyone with its shared password can push and pull",
            related: vec![Related {
                location: locate(&registry, REGISTRY_JSON, "[ true, false ]", 0),
                message: "parameter 'mirrorAdmin' has no value; its allowed values include true".into(),
            }],
            suppression: None,
        }),
        finding(FindingSpec {
            rule: "ACR003",
            level: Level::Warning,
            status: Status::Fail,
            location: span(&registry, REGISTRY_JSON, list_credentials_start, list_credentials_end),
            resource: Some((ACR, "contosoregistry")),
            message: "listCredentials() reads the admin password of registry contosoregistry",
            related: vec![],
            suppression: None,
        }),
        finding(FindingSpec {
            rule: "ACR001",
            level: Level::Error,
            status: Status::Fail,
            location: locate(&legacy, LEGACY_JSON, "true", 0),
            resource: Some((ACR, "legacyregistry")),
            message: "registry legacyregistry enables the admin user (adminUserEnabled is true): anyone with its shared password can push and pull",
            related: vec![],
            suppression: Some(Suppression {
                kind: "external".into(),
                justification: Some("legacy registry, decommissioned in Q3 (OPS-1234)".into()),
            }),
        }),
        finding(FindingSpec {
            rule: "ACR000",
            level: Level::Error,
            status: Status::Fail,
            location: locate(&broken, BROKEN_JSON, "\"resources\"", 0),
            resource: None,
            message: "expected ',' or '}' after a property value",
            related: vec![],
            suppression: None,
        }),
    ];
    findings.sort_by_key(Finding::sort_key);

    let mut sources = BTreeMap::new();
    sources.insert(registry.clone(), Arc::new(REGISTRY_JSON.to_string()));
    sources.insert(legacy.clone(), Arc::new(LEGACY_JSON.to_string()));
    sources.insert(broken.clone(), Arc::new(BROKEN_JSON.to_string()));

    Report {
        findings,
        rules: sample_rules(),
        files: vec![registry, legacy, broken],
        sources,
        configurations: vec![Path::new(BASE).join("acrlint.json")],
    }
}

/// A report with one finding per given message, for escaping tests.
pub fn report_with_message(message: &str) -> Report {
    let file: PathBuf = Path::new(BASE).join(LEGACY);
    let f = finding(FindingSpec {
        rule: "ACR001",
        level: Level::Error,
        status: Status::Fail,
        location: locate(&file, LEGACY_JSON, "true", 0),
        resource: Some(("Microsoft.ContainerRegistry/registries", "legacyregistry")),
        message,
        related: vec![],
        suppression: None,
    });
    let mut sources = BTreeMap::new();
    sources.insert(file.clone(), Arc::new(LEGACY_JSON.to_string()));
    Report {
        findings: vec![f],
        rules: sample_rules(),
        files: vec![file],
        sources,
        configurations: Vec::new(),
    }
}

/// The rules the sample report ran: ACR000–ACR003, so the snapshots do not change
/// whenever the catalogue grows.
fn sample_rules() -> Vec<crate::rules::catalog::RuleMeta> {
    builtin_rules()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| ["ACR000", "ACR001", "ACR002", "ACR003"].contains(&r.id.as_str()))
        .collect()
}
