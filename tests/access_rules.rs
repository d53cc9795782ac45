//! The access rules on hand-written ARM and Bicep fixtures (`tests/fixtures/access/`):
//! ACR024 on legacy roles written every way a role id is written (literal GUID calls,
//! an `existing` role definition, a variable, a role name mapped to an id by a local
//! module, a resource group assignment), ACR020's recommendation by task (a
//! deployment script running `az acr import`, `az acr build`, a command with no
//! narrower role) and by mode, and ACR024's unsafe fix.

use std::path::{Path, PathBuf};

use acrlint::Engine;
use acrlint::{check_file, CheckOptions};
use acrlint::{fix_file, FixOptions};
use acrlint::{Finding, Level, Status};

const FIXTURES: &str = "tests/fixtures/access";
const IMPORTER: &str =
    "Container Registry Data Importer and Data Reader (577a9874-89fd-4f24-9dbd-b5034d0ad23a)";
const READER: &str = "Container Registry Repository Reader (b93aa761-3e63-49ed-ac28-beffa264f7ac)";

fn findings(path: &Path, rules: &[&str]) -> Vec<Finding> {
    let engine = Engine::builtin().unwrap();
    let outcome = check_file(path, true, &engine, &CheckOptions::default());
    assert!(!outcome.fatal, "{}: {:?}", path.display(), outcome.findings);
    let mut fs: Vec<Finding> = outcome
        .findings
        .into_iter()
        .filter(|f| rules.contains(&f.rule.as_str()))
        .collect();
    fs.sort_by_key(Finding::sort_key);
    fs
}

/// (file name, line, rule, status) of each finding.
fn places(fs: &[Finding]) -> Vec<(String, u32, String, Status)> {
    fs.iter()
        .map(|f| {
            let file = f
                .location
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, f.location.start.line, f.rule.clone(), f.status)
        })
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

#[test]
fn an_import_script_identity_gets_the_importer_role_in_arm_and_bicep() {
    for (file, importer_line, kubelet_line) in [
        ("import-script.json", 41, 52),
        ("import-script.bicep", 28, 38),
    ] {
        let fs = findings(&fixture(file), &["ACR020", "ACR024"]);
        assert_eq!(
            places(&fs),
            vec![
                (
                    file.to_string(),
                    importer_line,
                    "ACR020".to_string(),
                    Status::Fail
                ),
                (
                    file.to_string(),
                    kubelet_line,
                    "ACR020".to_string(),
                    Status::Fail
                ),
            ],
            "{file}"
        );
        let (importer, kubelet) = (&fs[0].message, &fs[1].message);
        assert!(
            importer.contains("runs `az acr import` in deployment script import-base-images")
                && importer.contains(IMPORTER),
            "{file}: {importer}"
        );
        // The registry is in ABAC mode: the other identity gets the repository roles,
        // never AcrPull, and no import role.
        assert!(kubelet.contains(READER), "{file}: {kubelet}");
        assert!(
            !kubelet.contains("AcrPull (") && !kubelet.contains(IMPORTER),
            "{file}: {kubelet}"
        );
        assert!(
            kubelet.contains("grant no image access"),
            "{file}: {kubelet}"
        );
    }
}

#[test]
fn other_script_tasks_get_their_narrowest_roles_and_unknown_commands_none() {
    let fs = findings(&fixture("tasks-script.json"), &["ACR020"]);
    let lines: Vec<u32> = fs.iter().map(|f| f.location.start.line).collect();
    assert_eq!(lines, vec![42, 52, 62]);
    assert!(
        fs[0].message.contains("runs `az acr build`/`az acr run` and image deletions in deployment script build-and-clean")
            && fs[0].message.contains("Container Registry Tasks Contributor (fb382eab-e894-4461-af04-94435c366c3f) and AcrDelete (c2f4ef07-c644-48eb-af81-4b1b4947fb11) instead"),
        "{}",
        fs[0].message
    );
    // `az acr frobnicate` (through the second positional argument) has no narrower
    // role: no role is suggested that could lack what it needs.
    assert!(
        fs[1].message.contains("`az acr frobnicate`") && !fs[1].message.contains("AcrPull"),
        "{}",
        fs[1].message
    );
    // An identity acrlint cannot tie to the script: both recommendations.
    assert!(
        fs[2]
            .message
            .contains("AcrPull (7f951dda-4ed3-4680-a7ca-43fe172d538d)")
            && fs[2].message.contains("if it is the identity that runs"),
        "{}",
        fs[2].message
    );
}

#[test]
fn legacy_roles_on_an_abac_registry_in_every_bicep_form() {
    let fs = findings(&fixture("legacy-roles.bicep"), &["ACR024", "ACR020"]);
    let want = vec![
        (
            "legacy-roles.bicep".to_string(),
            29,
            "ACR024".to_string(),
            Status::Fail,
        ),
        (
            "legacy-roles.bicep".to_string(),
            39,
            "ACR024".to_string(),
            Status::Fail,
        ),
        (
            "legacy-roles.bicep".to_string(),
            48,
            "ACR024".to_string(),
            Status::Fail,
        ),
        // The role name 'AcrPull' mapped to its id by the local module.
        (
            "registry-role.bicep".to_string(),
            20,
            "ACR024".to_string(),
            Status::Fail,
        ),
    ];
    let mut got = places(&fs);
    got.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    assert_eq!(got, want);
    for f in &fs {
        assert_eq!(f.level, Level::Error);
        assert!(
            f.message.contains("AbacRepositoryPermissions"),
            "{}",
            f.message
        );
    }
    let by_line = |l: u32| fs.iter().find(|f| f.location.start.line == l).unwrap();
    assert!(by_line(29).message.contains(READER));
    assert!(by_line(39)
        .message
        .contains("Container Registry Repository Writer (2a1e307c-b015-4ebd-883e-5b7698a07328)"));
    assert!(by_line(48).message.contains("at resource group scope"));
}

fn copy_fixtures(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        let from = if n.ends_with(".json") && !n.contains('-') {
            Path::new("tests/fixtures/rules/ACR024").join(n)
        } else {
            fixture(n)
        };
        std::fs::copy(&from, dir.path().join(n)).unwrap();
    }
    dir
}

fn acr024_fix(unsafe_fixes: bool) -> FixOptions {
    FixOptions {
        fail_on: Some(Level::Error),
        rules: vec!["ACR024".into()],
        unsafe_fixes,
        ..Default::default()
    }
}

#[test]
fn the_acr024_fix_is_unsafe_and_swaps_only_role_ids() {
    let dir = copy_fixtures(&["legacy-roles.bicep", "registry-role.bicep", "positive.json"]);
    let engine = Engine::builtin().unwrap();
    for name in ["legacy-roles.bicep", "positive.json"] {
        let path = dir.path().join(name);
        let original = std::fs::read_to_string(&path).unwrap();
        // Without --unsafe-fixes: nothing changes, and the result says why.
        let safe = fix_file(&path, &engine, &acr024_fix(false), true);
        assert!(safe.error.is_none(), "{name}: {:?}", safe.error);
        assert_eq!(safe.fixed, original, "{name}");
        assert_eq!(safe.unsafe_left, vec!["ACR024".to_string()], "{name}");
        // With it: every definite finding of the file is fixed.
        let r = fix_file(&path, &engine, &acr024_fix(true), true);
        assert!(r.error.is_none(), "{name}: {:?}", r.error);
        assert_eq!(r.applied, 3, "{name}: {:?}", r.manual);
        let fixed = std::fs::read_to_string(&path).unwrap();
        // Only role ids changed, each to its ABAC-enabled equivalent.
        let swaps = acrlint::acr024_replacements();
        let mut back = fixed.clone();
        for (old, new) in &swaps {
            back = back.replace(new, old);
        }
        assert_eq!(back, original, "{name}");
        let left: Vec<_> = findings(&path, &["ACR024"])
            .into_iter()
            .filter(|f| f.status == Status::Fail && f.location.file == path)
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");
        let again = fix_file(&path, &engine, &acr024_fix(true), true);
        assert_eq!(again.applied, 0, "{name}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed, "{name}");
    }
}

#[test]
fn the_rule_file_fix_matches_the_role_catalogue() {
    let engine = Engine::builtin().unwrap();
    let meta = engine.meta("ACR024").unwrap();
    let spec = acrlint::FixSpec::parse(meta.fix.as_ref().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = acrlint::acr024_replacements()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(spec.replace, pairs);
    assert_eq!(spec.applicability, acrlint::Applicability::Unsafe);
}
