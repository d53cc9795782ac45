//! The GitHub Action (`action.yml` and its step scripts in `action/`), run the way the
//! runner runs a composite Action's steps: `bash` with the inputs as `INPUT_*`
//! environment variables, `GITHUB_ACTION_PATH` pointing at this repository,
//! `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files in a temporary workspace, and the
//! binary built by cargo standing in for the `cargo install` step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yaml_rust2::{Yaml, YamlLoader};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(relative: &str) -> Yaml {
    let text = std::fs::read_to_string(repository().join(relative)).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
        .remove(0)
}

/// Every `run:` script in a YAML document, with where it is.
fn run_scripts(doc: &Yaml, at: &str, out: &mut Vec<(String, String)>) {
    match doc {
        Yaml::Hash(h) => {
            for (k, v) in h {
                let key = k.as_str().unwrap_or("?");
                if key == "run" {
                    if let Some(script) = v.as_str() {
                        out.push((format!("{at}.run"), script.to_string()));
                    }
                }
                run_scripts(v, &format!("{at}.{key}"), out);
            }
        }
        Yaml::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                run_scripts(v, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// GitHub pastes `${{ … }}` into a `run:` script before the shell sees it, so an input
/// there is a script-injection hazard; inputs go through `env:` instead.
#[test]
fn no_expression_inside_any_run_script() {
    let mut scripts = Vec::new();
    for file in ["action.yml", "docs/github-workflow-example.yml"] {
        run_scripts(&yaml(file), file, &mut scripts);
    }
    let action_runs = scripts
        .iter()
        .filter(|(at, _)| at.starts_with("action.yml"))
        .count();
    assert!(action_runs >= 3, "{scripts:?}");
    let offenders: Vec<&(String, String)> =
        scripts.iter().filter(|(_, s)| s.contains("${{")).collect();
    assert!(
        offenders.is_empty(),
        "expressions in run scripts: {offenders:#?}"
    );
}

#[test]
fn the_expression_check_finds_an_expression_in_a_run_script() {
    let doc = YamlLoader::load_from_str(
        "runs:\n  steps:\n    - run: |\n        echo ok\n        echo \"${{ inputs.paths }}\"\n",
    )
    .unwrap()
    .remove(0);
    let mut scripts = Vec::new();
    run_scripts(&doc, "x", &mut scripts);
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].1.contains("${{ inputs.paths }}"));
}

#[test]
fn the_action_builds_from_its_own_source_and_caches_by_it() {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(uses.len(), 1, "{uses:?}");
    let (name, pin) = uses[0].split_once('@').unwrap();
    assert_eq!(name, "actions/cache");
    assert_eq!(pin.len(), 40, "pinned to a commit: {pin}");
    // Every step script exists; the workflow the README points at uses real inputs.
    for (_, script) in {
        let mut s = Vec::new();
        run_scripts(&action, "action.yml", &mut s);
        s
    } {
        let file = script
            .split('"')
            .find(|p| p.starts_with("$GITHUB_ACTION_PATH/"))
            .unwrap_or_else(|| panic!("{script}"))
            .trim_start_matches("$GITHUB_ACTION_PATH/");
        assert!(repository().join(file).is_file(), "{file}");
    }
    let inputs = action["inputs"].as_hash().unwrap();
    let example = yaml("docs/github-workflow-example.yml");
    let step = example["jobs"]["acrlint"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("acrlint/acrlint@"))
        })
        .unwrap();
    for (k, _) in step["with"].as_hash().unwrap() {
        assert!(
            inputs.contains_key(k),
            "the example passes an unknown input {k:?}"
        );
    }
}

/// A fake `cargo` records how the install step calls it.
#[test]
fn the_install_step_runs_cargo_install_locked_from_the_action_path() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("cargo-args");
    std::fs::write(
        bin.join("cargo"),
        format!(
            "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    make_executable(&bin.join("cargo"));
    let root = dir.path().join("tool root");
    let out = Command::new("bash")
        .arg(repository().join("action/install.sh"))
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("GITHUB_ACTION_PATH", repository())
        .env("ACRLINT_ROOT", &root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let args = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "install",
            "--locked",
            "--path",
            &repository().display().to_string(),
            "--root",
            &root.display().to_string()
        ]
    );
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn make_executable(_: &Path) {}

/// A workspace with a template in a folder whose name has a space.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let infra = dir.path().join("my infra");
        std::fs::create_dir(&infra).unwrap();
        std::fs::copy(
            repository().join("examples/registry.json"),
            infra.join("registry.json"),
        )
        .unwrap();
        std::fs::write(dir.path().join("summary.md"), "# earlier step\n").unwrap();
        std::fs::write(dir.path().join("output"), "").unwrap();
        Workspace { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run a step script as the runner does.
    fn step(&self, script: &str, inputs: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new("bash");
        cmd.arg(repository().join("action").join(script))
            .current_dir(self.dir.path())
            .env("GITHUB_ACTION_PATH", repository())
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("RUNNER_TEMP", self.path("runner temp"))
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("ACRLINT", env!("CARGO_BIN_EXE_acrlint"))
            .env_remove("NO_COLOR");
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn outputs(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("output"))
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }
}

#[test]
fn the_key_step_names_the_binary_root_and_a_key_from_the_source() {
    let ws = Workspace::new();
    let out = ws.step("key.sh", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs = ws.outputs();
    let key = outputs.iter().find_map(|l| l.strip_prefix("key=")).unwrap();
    assert!(key.starts_with("acrlint-Linux-X64-"), "{key}");
    assert_eq!(key.len(), "acrlint-Linux-X64-".len() + 20);
    let root = outputs
        .iter()
        .find_map(|l| l.strip_prefix("root="))
        .unwrap();
    assert_eq!(Path::new(root), ws.path("runner temp/acrlint-action"));
    // Same source, same key.
    let again = Workspace::new();
    again.step("key.sh", &[]);
    assert!(again.outputs().iter().any(|l| l == &format!("key={key}")));
}

#[test]
fn the_check_step_annotates_writes_sarif_and_summary_and_fails_on_errors() {
    let ws = Workspace::new();
    let out = ws.step(
        "check.sh",
        &[
            ("INPUT_PATHS", "my infra\n"),
            ("INPUT_LOCATION", "westeurope"),
            ("INPUT_FAIL_ON", "error"),
            ("INPUT_SARIF", "reports/acrlint results.sarif"),
            ("INPUT_CONFIG", ""),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    // Annotations: errors and warnings only.
    let commands: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(
        commands
            .iter()
            .any(|l| l.starts_with("::error file=my infra/registry.json,line=32,col=29")),
        "{stdout}"
    );
    assert!(
        commands.iter().any(|l| l.starts_with("::warning ")),
        "{stdout}"
    );
    assert!(!stdout.contains("::notice"), "{stdout}");
    assert_eq!(commands.len(), 2 + 4, "2 errors and 4 warnings: {stdout}");
    // The SARIF log, in a folder that did not exist, at a path with a space.
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path("reports/acrlint results.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(12)
    );
    // The summary is appended: counts by rule and level, the errors, the notes.
    let summary = std::fs::read_to_string(ws.path("summary.md")).unwrap();
    assert!(
        summary.starts_with("# earlier step\n## acrlint\n"),
        "{summary}"
    );
    assert!(
        summary.contains("**2 errors, 4 warnings, 6 notes** in 1 file. The run fails"),
        "{summary}"
    );
    assert!(
        summary.contains("| ACR001 | Container registry admin user must be disabled | 1 | 0 | 0 |"),
        "{summary}"
    );
    assert!(summary.contains("| **Total** | | 2 | 4 | 6 |"), "{summary}");
    assert!(summary.contains("### Errors"), "{summary}");
    assert!(
        summary.contains("<details><summary>Notes (6)</summary>"),
        "{summary}"
    );
    assert!(
        summary.contains("my infra/registry.json:27:15 **ACR011**"),
        "{summary}"
    );
    assert_eq!(
        ws.outputs(),
        ["sarif=reports/acrlint results.sarif", "exit-code=1"]
    );
}

#[test]
fn several_paths_one_per_line_and_fail_on_never() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.path("more")).unwrap();
    std::fs::copy(
        repository().join("tests/fixtures/rules/ACR017/negative.json"),
        ws.path("more/names.json"),
    )
    .unwrap();
    let out = ws.step(
        "check.sh",
        &[
            ("INPUT_PATHS", "  my infra  \r\n\nmore\n"),
            ("INPUT_FAIL_ON", "never"),
            ("INPUT_SARIF", "acrlint.sarif"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = std::fs::read_to_string(ws.path("summary.md")).unwrap();
    assert!(
        summary.contains(" in 2 files. `--fail-on never`"),
        "{summary}"
    );
    assert!(ws.outputs().contains(&"exit-code=0".to_string()));
}

#[test]
fn inputs_are_data_not_code() {
    let ws = Workspace::new();
    let marker = ws.path("injected");
    let hostile = format!(
        "westeurope\"; touch '{}'; echo \"$(touch '{}')",
        marker.display(),
        marker.display()
    );
    let out = ws.step(
        "check.sh",
        &[
            ("INPUT_PATHS", "my infra"),
            ("INPUT_LOCATION", &hostile),
            ("INPUT_FAIL_ON", "error"),
            ("INPUT_SARIF", "acrlint.sarif"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!marker.exists(), "an input ran as a command");
    // A value acrlint rejects is a usage error, exit 2, reported as such.
    let out = ws.step(
        "check.sh",
        &[("INPUT_PATHS", "my infra"), ("INPUT_FAIL_ON", "sometimes")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sometimes"));
}
