//! Checking reads every file through `Sources`: a text that is not on disk (an
//! editor's buffer, a text `fix` is editing) is checked in memory, with everything it
//! pulls in, and nothing is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use acrlint::{
    check_file, check_source, fix_text, CheckOptions, Disk, Engine, Finding, FixOptions, Level,
    Overlay, Status,
};

/// A directory that does not exist: a file there can only be read from an overlay,
/// and nothing can be written beside it.
fn nowhere(name: &str) -> PathBuf {
    Path::new("/nonexistent-acrlint-sources").join(name)
}

fn rules<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

/// A replica in `westus` guarded the way the ACR FAQ recommends, of a registry in the
/// resource group's region: without `--location`, ACR002 evaluates the template again
/// in the world where that region is `westus`, finds the replica not deployed there,
/// and reports nothing.
const GUARDED_REPLICA: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2023-07-01",
      "name": "contosoacr",
      "location": "[resourceGroup().location]",
      "sku": { "name": "Premium" },
      "properties": { "adminUserEnabled": false }
    },
    {
      "condition": "[not(equals('westus', resourceGroup().location))]",
      "type": "Microsoft.ContainerRegistry/registries/replications",
      "apiVersion": "2023-07-01",
      "name": "contosoacr/westus",
      "location": "westus",
      "dependsOn": [ "[resourceId('Microsoft.ContainerRegistry/registries', 'contosoacr')]" ],
      "properties": {}
    }
  ]
}"#;

#[test]
fn a_text_not_on_disk_is_checked_with_its_second_evaluation_in_memory() {
    let engine = Engine::builtin().unwrap();
    let options = CheckOptions::default();
    // On disk, the guard is seen.
    let dir = tempfile::tempdir().unwrap();
    let on_disk = dir.path().join("azuredeploy.json");
    std::fs::write(&on_disk, GUARDED_REPLICA).unwrap();
    let outcome = check_file(&on_disk, true, &engine, &options);
    assert!(outcome.checked && !outcome.fatal, "{:?}", outcome.findings);
    assert!(
        rules(&outcome.findings, "ACR002").is_empty(),
        "{:?}",
        outcome.findings
    );
    // The same text in memory only: ACR002's second evaluation reads it there too
    // (read from disk, it would find no file and report a `possible` finding).
    let path = nowhere("azuredeploy.json");
    let mut overlay = Overlay::new(&Disk);
    overlay.set(&path, Arc::new(GUARDED_REPLICA.to_string()));
    let outcome = check_source(&path, &overlay, true, &engine, &options);
    assert!(outcome.checked && !outcome.fatal, "{:?}", outcome.findings);
    assert!(
        rules(&outcome.findings, "ACR002").is_empty(),
        "{:?}",
        outcome.findings
    );
    // Unguarded, the replica is reported `possible`: the second evaluation ran.
    let unguarded = GUARDED_REPLICA.replace(
        "\"condition\": \"[not(equals('westus', resourceGroup().location))]\",",
        "",
    );
    overlay.set(&path, Arc::new(unguarded));
    let outcome = check_source(&path, &overlay, true, &engine, &options);
    let acr002 = rules(&outcome.findings, "ACR002");
    assert_eq!(acr002.len(), 1, "{:?}", outcome.findings);
    assert_eq!(acr002[0].status, Status::Possible);
    assert_eq!(acr002[0].location.file, path);
    // Without the overlay there is nothing to read.
    let outcome = check_source(&path, &Disk, true, &engine, &options);
    assert!(outcome.fatal);
}

#[test]
fn an_unsaved_module_is_read_from_the_overlay() {
    // The editor case: `main.bicep` on disk uses `registry.bicep`, whose buffer is
    // edited but not saved.
    let engine = Engine::builtin().unwrap();
    let options = CheckOptions::default();
    let main = Path::new("tests/fixtures/bicep/module_admin/main.bicep");
    let module = main.with_file_name("registry.bicep");
    let admin = |outcome: &acrlint::FileOutcome| {
        rules(&outcome.findings, "ACR001")
            .iter()
            .map(|f| (f.location.file.clone(), f.status))
            .collect::<Vec<_>>()
    };
    let saved = check_source(main, &Disk, true, &engine, &options);
    assert_eq!(admin(&saved), [(module.clone(), Status::Fail)]);
    let text = std::fs::read_to_string(&module).unwrap();
    let mut overlay = Overlay::new(&Disk);
    // Spelt differently from the module path the template writes: same file.
    overlay.set(
        Path::new("tests/fixtures/bicep/module_admin/../module_admin/registry.bicep"),
        Arc::new(text.replace("adminUserEnabled: adminEnabled", "adminUserEnabled: false")),
    );
    let unsaved = check_source(main, &overlay, true, &engine, &options);
    assert!(unsaved.checked && !unsaved.fatal, "{:?}", unsaved.findings);
    assert_eq!(admin(&unsaved), []);
}

#[test]
fn fix_checks_edited_bicep_in_memory_and_writes_nothing() {
    // The file is not on disk and its directory does not exist: every pass of the
    // fixer checks the edited text in memory (no scratch copy beside the file).
    let text = "resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: 'contosoacr'\n  location: 'westeurope'\n  sku: {\n    name: 'Premium'\n  }\n  properties: {\n    adminUserEnabled: true\n  }\n}\n";
    let engine = Engine::builtin().unwrap();
    let options = FixOptions {
        fail_on: Some(Level::Error),
        ..Default::default()
    };
    let path = nowhere("main.bicep");
    let fixed = fix_text(&path, text, &engine, &options);
    assert_eq!(fixed.error, None);
    assert!(!fixed.skipped);
    assert!(fixed.applied >= 1, "{fixed:?}");
    assert!(
        fixed.fixed.contains("adminUserEnabled: false"),
        "{}",
        fixed.fixed
    );
    assert!(!path.parent().unwrap().exists());
}
