//! Writes: `fix` replaces a file through a temporary file renamed over it (keeping
//! its permissions), never through a symbolic link, never out of its repository, and
//! its Bicep scratch copy cannot be redirected; `--output` names its own file, never
//! an input, another output or a link; `--isolated` ignores in-tree configuration.

use std::process::Command;

use super::*;
use acrlint::{fix_file, FixOptions};

fn fix_options() -> FixOptions {
    FixOptions {
        fail_on: Some(Level::Error),
        ..Default::default()
    }
}

fn acrlint(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn fix_replaces_the_file_and_keeps_its_permissions() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("fix-replace");
    let path = write(&dir, "main.json", good_template());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::metadata(&path).unwrap();
    let r = fix_file(&path, &engine(), &fix_options(), true);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(r.applied > 0);
    let after = std::fs::metadata(&path).unwrap();
    // A new file took the old one's place (renamed over it), with the same mode.
    assert_ne!(before.ino(), after.ino());
    assert_eq!(after.permissions().mode() & 0o777, 0o640);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("\"adminUserEnabled\": false"));
    // Nothing left behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["main.json"]);
}

#[cfg(unix)]
#[test]
fn fix_does_not_write_through_a_symbolic_link() {
    let outside = scratch("fix-link-target");
    let target = write(&outside, "real.json", good_template());
    let dir = scratch("fix-link");
    let link = dir.join("main.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = fix_file(&link, &engine(), &fix_options(), true);
    let err = r.error.unwrap_or_default();
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), good_template());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[cfg(unix)]
#[test]
fn fix_does_not_write_out_of_the_repository_through_a_linked_directory() {
    let outside = scratch("fix-dir-target");
    let target = write(&outside, "main.json", good_template());
    let repo = scratch("fix-repo");
    std::fs::create_dir(repo.join(".git")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("infra")).unwrap();
    let r = fix_file(
        &repo.join("infra/main.json"),
        &engine(),
        &fix_options(),
        true,
    );
    let err = r.error.unwrap_or_default();
    assert!(err.contains("leads out of"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), good_template());
}

#[cfg(unix)]
#[test]
fn a_link_planted_where_the_bicep_scratch_copy_used_to_go_is_not_written_through() {
    let outside = scratch("fix-scratch-target");
    let victim = write(&outside, "victim.txt", "keep");
    let dir = scratch("fix-scratch");
    let bicep = "resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: 'contosoregistry'\n  location: 'westus'\n  sku: {\n    name: 'Premium'\n  }\n  properties: {\n    adminUserEnabled: true\n  }\n}\n";
    let path = write(&dir, "main.bicep", bicep);
    // The name the scratch copy had (`.NAME.acrlint-fix-PID.bicep`), for this process.
    let planted = dir.join(format!(
        ".main.bicep.acrlint-fix-{}.bicep",
        std::process::id()
    ));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let r = fix_file(&path, &engine(), &fix_options(), true);
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(r.applied > 0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("adminUserEnabled: false"));
    // Only the file, the planted link: no scratch copy left.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
}

#[test]
fn an_output_may_not_name_an_input_another_output_or_a_link() {
    let dir = scratch("outputs");
    write(&dir, "main.json", good_template());
    let out = acrlint(
        &["check", "main.json", "-f", "sarif", "-o", "main.json"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is an input of the run"));
    assert_eq!(
        std::fs::read_to_string(dir.join("main.json")).unwrap(),
        good_template()
    );
    // A walked input, named another way.
    let out = acrlint(
        &["check", ".", "-f", "json", "-o", "./sub/../main.json"],
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("main.json")).unwrap(),
        good_template()
    );
    let out = acrlint(
        &[
            "check", ".", "-f", "json", "-o", "a.out", "-f", "sarif", "-o", "./a.out",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the same file as --output a.out"));
    assert!(!dir.join("a.out").exists());
    #[cfg(unix)]
    {
        let victim = write(&dir, "victim.txt", "keep");
        std::os::unix::fs::symlink(&victim, dir.join("report.sarif")).unwrap();
        let out = acrlint(
            &["check", "main.json", "-f", "sarif", "-o", "report.sarif"],
            &dir,
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }
    // A fine output: written whole, exit code from the findings.
    let out = acrlint(
        &["check", "main.json", "-f", "sarif", "-o", "results.sarif"],
        &dir,
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif = std::fs::read_to_string(dir.join("results.sarif")).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&sarif).is_ok());
}

#[test]
fn isolated_ignores_an_in_tree_configuration_that_turns_rules_off() {
    let dir = scratch("isolated");
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    write(&dir, "infra/main.json", good_template());
    write(
        &dir,
        "infra/acrlint.json",
        r#"{"rules": {"ACR001": "off"}, "failOn": "never"}"#,
    );
    let json = |out: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let trusting = acrlint(&["check", "infra", "-f", "json"], &dir);
    let v = json(&trusting);
    assert_eq!(
        v["configurations"],
        serde_json::json!(["infra/acrlint.json"])
    );
    assert!(!v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "ACR001"));
    let isolated = acrlint(&["check", "infra", "--isolated", "-f", "json"], &dir);
    assert_eq!(isolated.status.code(), Some(1));
    let v = json(&isolated);
    assert_eq!(v["configurations"], serde_json::json!([]));
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "ACR001"));
    let sarif = acrlint(&["check", "infra", "-f", "sarif"], &dir);
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["invocations"][0]["properties"]["configurationFiles"],
        serde_json::json!(["infra/acrlint.json"])
    );
}
