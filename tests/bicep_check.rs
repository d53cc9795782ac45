//! `check` on Bicep: findings at the .bicep line and column (in the module file when the
//! value is written there, with related locations across the module boundary), and
//! Bicep inline suppressions.

use std::path::{Path, PathBuf};

use acrlint::{check_file, CheckOptions, Engine, Finding, Status};

fn acr001(path: &Path) -> Vec<Finding> {
    let engine = Engine::builtin().unwrap();
    let outcome = check_file(path, true, &engine, &CheckOptions::default());
    assert!(!outcome.fatal, "{}", path.display());
    outcome
        .findings
        .into_iter()
        .filter(|f| f.rule == "ACR001")
        .collect()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("acrlint-bicep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn module_value_computed_by_the_caller() {
    let f = acr001(Path::new("tests/fixtures/bicep/module_admin/main.bicep"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].status, Status::Fail);
    assert!(f[0].location.file.ends_with("module_admin/registry.bicep"));
    assert_eq!(
        (f[0].location.start.line, f[0].location.start.column),
        (12, 23)
    );
    // Related: the module parameter, then the caller's expression and parameters.
    let related: Vec<String> = f[0]
        .related
        .iter()
        .map(|r| {
            format!(
                "{}:{} {}",
                r.location.file.display(),
                r.location.start.line,
                r.message
            )
        })
        .collect();
    assert!(
        related
            .iter()
            .any(|r| r.contains("main.bicep:8") && r.contains("`adminEnabled`")),
        "{related:#?}"
    );
    assert!(
        related
            .iter()
            .any(|r| r.contains("main.bicep:2") && r.contains("`allowAdmin`")),
        "{related:#?}"
    );
}

const REGISTRY: &str = "resource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: 'contosoacr'
  location: 'westeurope'
  sku: {
    name: 'Premium'
  }
  properties: {
    SUPPRESS
    adminUserEnabled: true
  }
}
";

#[test]
fn unsuppressed_finding_points_at_the_bicep_value() {
    let d = temp("plain");
    let p = d.join("main.bicep");
    std::fs::write(&p, REGISTRY.replace("SUPPRESS", "")).unwrap();
    let f = acr001(&p);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].location.start.line, f[0].location.start.column),
        (9, 23)
    );
    assert!(f[0].suppression.is_none());
}

#[test]
fn bicep_pragma_suppression() {
    let d = temp("pragma");
    let p = d.join("main.bicep");
    std::fs::write(
        &p,
        REGISTRY.replace(
            "SUPPRESS",
            "#disable-next-line acrlint:ACR001 break-glass access for the migration",
        ),
    )
    .unwrap();
    let f = acr001(&p);
    assert_eq!(f.len(), 1);
    let s = f[0].suppression.as_ref().expect("suppressed");
    assert_eq!(
        s.justification.as_deref(),
        Some("break-glass access for the migration")
    );
}

#[test]
fn bicep_comment_suppression_without_reason_warns() {
    let d = temp("comment");
    let p = d.join("main.bicep");
    std::fs::write(
        &p,
        REGISTRY.replace("SUPPRESS", "// acrlint-disable-next-line ACR001"),
    )
    .unwrap();
    let f = acr001(&p);
    assert!(f.iter().any(|x| x.suppression.is_some()));
    assert!(
        f.iter()
            .any(|x| x.message.contains("no reason") && x.suppression.is_none()),
        "{f:#?}"
    );
}

#[test]
fn bicepparam_next_to_the_template_is_used() {
    let d = temp("params");
    std::fs::write(
        d.join("main.bicep"),
        "param admin bool\nresource acr 'Microsoft.ContainerRegistry/registries@2025-11-01' = {\n  name: 'contosoacr'\n  location: 'westeurope'\n  sku: { name: 'Premium' }\n  properties: { adminUserEnabled: admin }\n}\n",
    )
    .unwrap();
    // Without a value the bool parameter may be either: possible.
    let f = acr001(&d.join("main.bicep"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, Status::Possible);
    std::fs::write(
        d.join("main.bicepparam"),
        "using 'main.bicep'\n\nparam admin = true\n",
    )
    .unwrap();
    let f = acr001(&d.join("main.bicep"));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, Status::Fail);
    assert!(
        f[0].related
            .iter()
            .any(|r| r.location.file.ends_with("main.bicepparam")),
        "{f:#?}"
    );
}
