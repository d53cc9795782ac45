//! How `acrlint check` hands its results to CI systems and to shells: formats and
//! `--output`, a closed stdout, bad paths and bad input, `--jobs`, rule selection,
//! `--exclude`, colour, the configuration's errors, and the Azure Pipelines example run
//! as written.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn acrlint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .output()
        .unwrap()
}

fn acrlint(args: &[&str]) -> Output {
    acrlint_in(repository(), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const EXAMPLE: &str = "examples/registry.json";

#[test]
fn several_formats_without_output_are_a_usage_error() {
    let out = acrlint(&["check", EXAMPLE, "--format", "json", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("--format is given 2 times without --output"));
    // One --output per --format; `-` is stdout, once at most.
    let out = acrlint(&[
        "check", EXAMPLE, "-f", "json", "-f", "sarif", "-o", "-", "-o", "-",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("only one --output can be `-`"));
    let out = acrlint(&[
        "check", EXAMPLE, "-f", "json", "-o", "a.json", "-o", "b.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_creates_missing_folders_and_stdout_takes_the_dash() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("a/b/c/acrlint.sarif");
    let out = acrlint(&[
        "check",
        EXAMPLE,
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
        "--format",
        "json",
        "--output",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 2);
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
}

/// Runs acrlint in the repository with stdout a pipe that is closed after `keep`
/// bytes were read (0: closed at once, before acrlint writes anything); the exit code
/// and what it said on stderr.
fn with_stdout_closed_after(args: &[&str], keep: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(repository())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0u8; keep];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

/// Nothing said about the closed pipe: no error, no panic.
fn assert_quiet(stderr: &str, what: &str) {
    assert!(
        !stderr.contains("Broken pipe")
            && !stderr.contains("error:")
            && !stderr.contains("cannot write")
            && !stderr.contains("panicked"),
        "{what}: {stderr}"
    );
}

/// `acrlint check . | head -1`: the reader goes away after one line. acrlint stops
/// quietly, without an error about a broken pipe, and its exit code is the one its
/// findings call for: a pipeline that reads part of the report keeps the failure.
#[test]
fn a_closed_stdout_keeps_the_exit_code() {
    let args = ["check", "tests/fixtures", "examples", "--format", "text"];
    let (code, stderr) = with_stdout_closed_after(&args, 64);
    assert_eq!(code, Some(1), "{stderr}");
    assert_quiet(&stderr, "text");
    // The output was large enough for the pipe to close under it.
    let all = acrlint(&args);
    assert_eq!(all.status.code(), Some(1));
    assert!(all.stdout.len() > 256 * 1024, "{} bytes", all.stdout.len());
}

/// In every format, a reader gone before the first byte: exit code 1 for findings, 2
/// when a template could not be read, as with the whole report read. (Each report is
/// larger than a pipe holds, so the write meets the closed pipe.)
#[test]
fn every_format_keeps_its_exit_code_when_stdout_closes() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": ["#,
    )
    .unwrap();
    let broken = broken.to_str().unwrap();
    for format in [
        "text", "json", "sarif", "junit", "github", "gitlab", "markdown",
    ] {
        for (extra, expected) in [(None, 1), (Some(broken), 2)] {
            let mut args = vec!["check", "tests/fixtures", "examples", "--format", format];
            args.extend(extra);
            let whole = acrlint(&args);
            assert_eq!(whole.status.code(), Some(expected), "{format}");
            assert!(
                whole.stdout.len() > 64 * 1024,
                "{format}: {} bytes",
                whole.stdout.len()
            );
            let (code, stderr) = with_stdout_closed_after(&args, 0);
            assert_eq!(code, Some(expected), "{format}: {stderr}");
            if expected == 1 {
                assert_quiet(&stderr, format);
            } else {
                // The unreadable template is said on stderr, the pipe is not.
                assert!(
                    !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
                    "{stderr}"
                );
            }
        }
    }
}

/// `--output` files are written before stdout, so a reader of stdout that goes away
/// costs neither them nor the exit code; a pipe named as the output file
/// (`--output /dev/stdout`) whose reader went away is no error either.
#[cfg(unix)]
#[test]
fn output_files_and_a_piped_output_path_keep_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let args = [
        "check",
        "tests/fixtures",
        "examples",
        "-f",
        "sarif",
        "-o",
        sarif.to_str().unwrap(),
        "-f",
        "text",
        "-o",
        "-",
    ];
    let (code, stderr) = with_stdout_closed_after(&args, 0);
    assert_eq!(code, Some(1), "{stderr}");
    assert_quiet(&stderr, "sarif file and text on stdout");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let args = ["check", "tests/fixtures", "examples", "-o", "/dev/stdout"];
    let (code, stderr) = with_stdout_closed_after(&args, 0);
    assert_eq!(code, Some(1), "{stderr}");
    assert_quiet(&stderr, "--output /dev/stdout");
}

/// `acrlint fix --diff . | head`: the diffs stop, the files are still all looked at,
/// and the exit code is the whole run's (2 here: two Bicep files of the fixtures form
/// a module cycle, and they come after the first diff).
#[test]
fn fix_diff_keeps_the_exit_code_when_stdout_closes() {
    let args = ["fix", "--diff", "tests/fixtures"];
    let whole = acrlint(&args);
    assert_eq!(whole.status.code(), Some(2), "{}", text(&whole.stderr));
    assert!(!whole.stdout.is_empty());
    let (code, stderr) = with_stdout_closed_after(&args, 0);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("module cycle"), "{stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
    // Findings only: exit code 1.
    let args = ["fix", "--diff", "tests/fixtures/rules"];
    let (code, stderr) = with_stdout_closed_after(&args, 0);
    assert_eq!(code, Some(1), "{stderr}");
    assert_quiet(&stderr, "fix --diff");
}

#[test]
fn a_path_that_does_not_exist_is_one_error_and_nothing_else() {
    let out = acrlint(&["check", "no/such/infra"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr),
        "error: no/such/infra: no such file or directory\n"
    );
    let out = acrlint(&["check", EXAMPLE, "missing.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_named_as_a_loop() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
    let out = acrlint_in(dir.path(), &["check", "a"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: a: symbolic link loop"),
        "{}",
        text(&out.stderr)
    );
    // Walking the folder does not follow links, so the loop is not entered.
    std::fs::copy(repository().join(EXAMPLE), dir.path().join("registry.json")).unwrap();
    let out = acrlint_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn utf16_input_is_decoded_or_names_the_encoding_and_the_help_fits() {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string(repository().join(EXAMPLE)).unwrap();
    let utf16: Vec<u8> = template.encode_utf16().flat_map(u16::to_le_bytes).collect();
    // With a byte order mark, as the Azure CLI reads it: decoded and checked.
    std::fs::write(
        dir.path().join("marked.json"),
        [&[0xFF, 0xFE][..], &utf16].concat(),
    )
    .unwrap();
    let marked = acrlint_in(dir.path(), &["check", "marked.json"]);
    let utf8 = acrlint(&["check", EXAMPLE]);
    assert_eq!(marked.status.code(), utf8.status.code());
    assert!(
        text(&marked.stdout).contains("ACR001"),
        "{}",
        text(&marked.stdout)
    );
    // Without one: an error naming the encoding, with help that fits.
    std::fs::write(dir.path().join("main.json"), &utf16).unwrap();
    let out = acrlint_in(dir.path(), &["check", "main.json"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("ACR000 error file looks like UTF-16LE text without a byte order mark"),
        "{stdout}"
    );
    assert!(
        stdout.contains("= help: Save the file as UTF-8"),
        "{stdout}"
    );
    assert!(!stdout.contains("syntax error"), "{stdout}");
}

#[test]
fn jobs_beyond_the_machine_are_clamped_with_a_note() {
    for jobs in ["1000", "100000"] {
        let started = std::time::Instant::now();
        let out = acrlint(&["check", EXAMPLE, "--jobs", jobs]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.starts_with(&format!(
                "note: --jobs {jobs} is more than this machine can use"
            )),
            "{stderr}"
        );
        assert!(started.elapsed().as_secs() < 30);
    }
    let out = acrlint(&["check", EXAMPLE, "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

fn rules_of(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut rules: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn select_and_ignore_by_id_and_prefix() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            EXAMPLE,
            "--format",
            "json",
            "--location",
            "westeurope",
        ];
        args.extend_from_slice(extra);
        acrlint(&args)
    };
    let all = rules_of(&run(&[]));
    assert_eq!(all.len(), 11, "{all:?}");
    assert_eq!(rules_of(&run(&["--select", "ACR001"])), ["ACR001"]);
    assert_eq!(
        rules_of(&run(&["--select", "acr00", "--ignore", "ACR005,ACR006"])),
        ["ACR001", "ACR002", "ACR007", "ACR008", "ACR009"]
    );
    assert_eq!(
        rules_of(&run(&["--ignore", "ACR0", "--select", "ACR011"])),
        ["ACR011"],
        "the more specific entry wins"
    );
    // Deselected errors do not fail the run.
    assert_eq!(
        run(&["--ignore", "ACR001", "--ignore", "ACR002"])
            .status
            .code(),
        Some(0)
    );
    let out = run(&["--select", "ACR9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--select \"ACR9\": no rule id"));
}

#[test]
fn exclude_skips_walked_files_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["infra", "legacy/old"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::copy(
            repository().join(EXAMPLE),
            dir.path().join(sub).join("main.json"),
        )
        .unwrap();
    }
    let files = |out: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        v["files"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let all = acrlint_in(dir.path(), &["check", "--format", "json"]);
    assert_eq!(files(&all), ["infra/main.json", "legacy/old/main.json"]);
    for glob in ["legacy", "legacy/**", "**/old/*.json"] {
        let out = acrlint_in(
            dir.path(),
            &["check", "--format", "json", "--exclude", glob],
        );
        assert_eq!(files(&out), ["infra/main.json"], "{glob}");
    }
    // A file named on the command line is checked all the same.
    let out = acrlint_in(
        dir.path(),
        &[
            "check",
            "legacy/old/main.json",
            "--format",
            "json",
            "--exclude",
            "legacy",
        ],
    );
    assert_eq!(files(&out), ["legacy/old/main.json"]);
    let out = acrlint_in(dir.path(), &["check", "--exclude", "a["]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn color_follows_the_option_and_the_terminal() {
    let colored = |out: &Output| out.stdout.contains(&0x1b);
    assert!(colored(&acrlint(&["check", EXAMPLE, "--color", "always"])));
    assert!(!colored(&acrlint(&["check", EXAMPLE, "--color", "never"])));
    assert!(
        !colored(&acrlint(&["check", EXAMPLE])),
        "auto: not a terminal"
    );
    let forced = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(repository())
        .args(["--color", "always", "check", EXAMPLE, "--format", "json"])
        .output()
        .unwrap();
    assert!(!colored(&forced), "only text output is coloured");
    let out = acrlint(&["check", EXAMPLE, "--color", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn term_dumb_turns_colour_off_on_a_terminal() {
    // `script` gives the command a terminal.
    if Command::new("script").arg("--version").output().is_err() {
        panic!("the `script` command (util-linux) is needed for this test");
    }
    let run = |term: &str| {
        let cmd = format!("{} check {EXAMPLE}", env!("CARGO_BIN_EXE_acrlint"));
        Command::new("script")
            .current_dir(repository())
            .args(["-qec", &cmd, "/dev/null"])
            .env("TERM", term)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap()
    };
    assert!(run("xterm").stdout.contains(&0x1b), "colour on a terminal");
    assert!(
        !run("dumb").stdout.contains(&0x1b),
        "no colour with TERM=dumb"
    );
}

#[test]
fn an_unknown_rule_in_the_configuration_is_an_error_and_nothing_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repository().join(EXAMPLE), dir.path().join("main.json")).unwrap();
    std::fs::write(
        dir.path().join("acrlint.json"),
        r#"{ "rules": { "ACR001": "off", "ACR0101": "off" } }"#,
    )
    .unwrap();
    for format in ["text", "json", "sarif"] {
        let out = acrlint_in(dir.path(), &["check", "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", text(&out.stdout));
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "one error: {stderr}");
        assert!(
            stderr.contains("rules.ACR0101: unknown rule id"),
            "{stderr}"
        );
    }
    // An invalid configuration found on the way, below two templates: one error.
    std::fs::write(dir.path().join("acrlint.json"), "{ \"rules\": ").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy(
        repository().join(EXAMPLE),
        dir.path().join("sub/other.json"),
    )
    .unwrap();
    let out = acrlint_in(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    // --config names it the same way.
    std::fs::write(
        dir.path().join("acrlint.json"),
        r#"{ "rules": { "ACR999": "off" } }"#,
    )
    .unwrap();
    let out = acrlint_in(dir.path(), &["check", "--config", "acrlint.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--config: acrlint.json: rules.ACR999: unknown rule id"));
}

#[test]
fn completions_offer_rule_ids_for_explain_and_fix() {
    for shell in ["bash", "zsh", "fish"] {
        let out = acrlint(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        assert!(
            script.contains("ACR001") && script.contains("ACR023"),
            "{shell}"
        );
    }
    // Each `complete` command of the fish script, whole (values may span lines).
    let fish = text(&acrlint(&["completions", "fish"]).stdout);
    let commands: Vec<&str> = fish.split("\ncomplete ").collect();
    assert!(
        commands.iter().any(
            |c| c.contains("__fish_acrlint_using_subcommand explain\" -f -a")
                && c.contains("ACR001\\t")
        ),
        "{fish}"
    );
    assert!(
        commands
            .iter()
            .any(|c| c.contains("using_subcommand fix\" -l rule ") && c.contains("ACR013\\t")),
        "{fish}"
    );
    // Any id is still accepted (rules of --rules have their own).
    let out = acrlint(&["explain", "ACR999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !text(&out.stderr).contains("invalid value"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_version_field_has_one_type_in_rules_and_check_json() {
    let rules: serde_json::Value =
        serde_json::from_slice(&acrlint(&["rules", "--format", "json"]).stdout).unwrap();
    let check: serde_json::Value =
        serde_json::from_slice(&acrlint(&["check", EXAMPLE, "--format", "json"]).stdout).unwrap();
    assert!(rules["version"].is_string(), "{}", rules["version"]);
    assert!(check["version"].is_string(), "{}", check["version"]);
}

/// Runs a pipeline example's `acrlint check` command line as written, with bash, from
/// a fresh source folder holding `infra/registry.json` (the shipped example), with
/// `$(Build.ArtifactStagingDirectory)` an empty folder and the built binary on PATH.
struct PipelineRun {
    work: tempfile::TempDir,
}

impl PipelineRun {
    fn new() -> PipelineRun {
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir(work.path().join("staging")).unwrap();
        std::fs::create_dir_all(work.path().join("source/infra")).unwrap();
        std::fs::copy(
            repository().join(EXAMPLE),
            work.path().join("source/infra/registry.json"),
        )
        .unwrap();
        std::fs::create_dir(work.path().join("bin")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_acrlint"),
            work.path().join("bin/acrlint"),
        )
        .unwrap();
        PipelineRun { work }
    }

    /// A path as the pipeline names it.
    fn path(&self, as_written: &str) -> PathBuf {
        let staging = self.work.path().join("staging");
        let expanded = as_written.replace(
            "$(Build.ArtifactStagingDirectory)",
            &staging.display().to_string(),
        );
        self.work.path().join("source").join(expanded)
    }

    fn run(&self, script: &str) -> Output {
        let staging = self.work.path().join("staging");
        Command::new("bash")
            .args([
                "-c",
                &script.replace(
                    "$(Build.ArtifactStagingDirectory)",
                    &staging.display().to_string(),
                ),
            ])
            .current_dir(self.work.path().join("source"))
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.work.path().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .unwrap()
    }
}

fn example_yaml(name: &str) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(repository().join("docs").join(name)).unwrap();
    yaml_rust2::YamlLoader::load_from_str(&text)
        .unwrap()
        .remove(0)
}

/// The `acrlint check` step of docs/azure-pipelines.yml, as written: the JUnit and
/// SARIF files land where the publishing tasks read them, creating `CodeAnalysisLogs/`.
#[test]
fn the_azure_pipelines_example_runs_as_written() {
    let doc = example_yaml("azure-pipelines.yml");
    let steps = doc["steps"].as_vec().unwrap();
    let script = steps
        .iter()
        .filter_map(|s| s["script"].as_str())
        .find(|s| s.trim_start().starts_with("acrlint check"))
        .expect("a step runs acrlint check");
    let input = |task: &str, key: &str| {
        steps
            .iter()
            .find(|s| s["task"].as_str() == Some(task))
            .and_then(|s| s["inputs"][key].as_str())
            .unwrap()
            .to_string()
    };
    let run = PipelineRun::new();
    let out = run.run(script);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("infra/registry.json:32:29: ACR001 error"),
        "{stdout}"
    );
    let junit =
        std::fs::read_to_string(run.path(&input("PublishTestResults@2", "testResultsFiles")))
            .unwrap();
    assert!(junit.starts_with("<?xml"), "{junit}");
    // Only errors fail (the default --fail-on): ACR001 and ACR002.
    assert_eq!(junit.matches("<failure").count(), 2, "{junit}");
    let sarif = run
        .path(&input("PublishBuildArtifacts@1", "PathtoPublish"))
        .join("acrlint.sarif");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(11));
}

/// The `acrlint check` line of docs/gitlab-ci-example.yml, as written: the report lands
/// where `artifacts: reports: codequality:` reads it.
#[test]
fn the_gitlab_example_runs_as_written() {
    let doc = example_yaml("gitlab-ci-example.yml");
    let job = &doc["acrlint"];
    let script = job["script"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .find(|s| s.trim_start().starts_with("acrlint check"))
        .unwrap();
    let report = job["artifacts"]["reports"]["codequality"].as_str().unwrap();
    let run = PipelineRun::new();
    let out = run.run(script);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ACR001 error"));
    let issues: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.path(report)).unwrap()).unwrap();
    assert_eq!(issues.as_array().map(Vec::len), Some(11));
    assert_eq!(issues[0]["location"]["path"], "infra/registry.json");
}

/// The README documents every option of every subcommand, the default format and
/// every shell `completions` accepts.
#[test]
fn the_readme_lists_every_option_and_shell() {
    use clap::CommandFactory;
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let mut missing = Vec::new();
    fn walk(cmd: &clap::Command, path: &str, readme: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                if ["help", "version"].contains(&long) {
                    continue;
                }
                if !readme.contains(&format!("--{long}")) {
                    missing.push(format!("{path} --{long}"));
                }
            }
        }
        for sub in cmd.get_subcommands() {
            let name = format!("{path} {}", sub.get_name());
            if !readme.contains(&format!("acrlint{}", name.trim_start_matches("acrlint"))) {
                missing.push(name.clone());
            }
            walk(sub, &name, readme, missing);
        }
    }
    walk(&acrlint::Cli::command(), "acrlint", &readme, &mut missing);
    assert!(missing.is_empty(), "not in the README: {missing:#?}");
    let help = text(&acrlint(&["completions", "--help"]).stdout);
    let shells = help
        .split("[possible values: ")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .unwrap();
    let shells: Vec<&str> = shells.split(", ").collect();
    assert!(shells.len() >= 5, "{shells:?}");
    let line = readme
        .lines()
        .find(|l| l.contains("acrlint completions"))
        .unwrap_or_default()
        .to_string();
    for shell in shells {
        assert!(
            readme.contains(&format!("acrlint completions {}", shell)) || line.contains(shell),
            "{shell} in {line}"
        );
    }
    assert!(
        readme.contains("default `text`") || readme.contains("(default)"),
        "the default format"
    );
}

fn check_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// `-` reads the template from stdin; `--stdin-filename` says which file it stands
/// for: its name in findings, its language, its configuration.
#[test]
fn dash_reads_stdin_as_the_file_stdin_filename_names() {
    let template = std::fs::read(repository().join(EXAMPLE)).unwrap();
    let out = check_stdin(
        repository(),
        &["-", "--stdin-filename", "infra/main.json"],
        &template,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        stdout.contains("infra/main.json:32:29: ACR001 error"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("2 errors, 4 warnings, 5 notes in 1 file\n"),
        "{stdout}"
    );
    // Without a name it is stdin.json.
    let out = check_stdin(repository(), &["-", "--format", "json"], &template);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], serde_json::json!(["stdin.json"]));
    // Bicep, by the name's extension.
    let bicep = std::fs::read(repository().join("tests/fixtures/bicep/replicas.bicep")).unwrap();
    let out = check_stdin(
        repository(),
        &[
            "-",
            "--stdin-filename",
            "infra/replicas.bicep",
            "--location",
            "westeurope",
        ],
        &bicep,
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("infra/replicas.bicep:16:23: ACR001 error"),
        "{stdout}"
    );
    // The configuration of the named file's folder applies.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("infra")).unwrap();
    std::fs::write(
        dir.path().join("infra/acrlint.json"),
        r#"{"rules": {"ACR001": "off"}}"#,
    )
    .unwrap();
    let out = check_stdin(
        dir.path(),
        &[
            "-",
            "--stdin-filename",
            "infra/main.json",
            "--format",
            "json",
        ],
        &template,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "ACR001"));
    assert_eq!(v["summary"]["errors"], 1, "ACR002 is left");
}

#[test]
fn stdin_errors_are_usage_errors() {
    let out = acrlint(&["check", EXAMPLE, "--stdin-filename", "x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("give `-` among the paths"));
    let utf16: Vec<u8> = "{}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let out = check_stdin(repository(), &["-"], &utf16);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .starts_with("error: -: file looks like UTF-16LE text without a byte order mark"),
        "{}",
        text(&out.stderr)
    );
}

/// The fenced block of `readme` that follows the first line starting with `after`.
fn block_after<'a>(readme: &'a str, after: &str) -> Vec<&'a str> {
    readme
        .lines()
        .skip_while(|l| !l.starts_with(after))
        .skip_while(|l| !l.starts_with("```"))
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect()
}

/// The README opens with the two commands a new user runs: the main job on the shipped
/// example, and the tests. The example output it shows is what the first one prints:
/// each line is a line of the output (or its start, where the README shortens it at
/// `…`), in the same order, and the last is the summary.
#[test]
fn the_readme_opens_with_two_commands_and_true_example_output() {
    let readme = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let commands: Vec<&str> = block_after(&readme, "# acrlint")
        .into_iter()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo run --release -- check examples/",
            "cargo test --release --locked"
        ]
    );
    let args: Vec<&str> = commands[0]
        .split_once(" -- ")
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let out = acrlint(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let shown = block_after(&readme, "The first command above prints");
    assert!(shown.len() >= 2, "{shown:?}");
    let mut lines = printed.lines();
    for line in &shown {
        let matches = |real: &str| match line.split_once(" …") {
            None => real == *line,
            Some((start, rest)) => {
                real.starts_with(start)
                    && rest
                        .split('…')
                        .map(str::trim)
                        .filter(|part| !part.is_empty())
                        .all(|part| real.contains(part))
            }
        };
        assert!(
            lines.any(matches),
            "the README shows {line:?}, which is not printed (in this order):\n{printed}"
        );
    }
    assert_eq!(printed.lines().last(), shown.last().copied());
}

/// A template whose values carry terminal escapes and a bidirectional override: the
/// line-oriented formats show them escaped, never raw (they would recolour or reorder
/// a CI log); the JSON formats keep the value as JSON text.
#[test]
fn template_text_cannot_act_on_a_terminal_or_log_viewer() {
    let dir = tempfile::tempdir().unwrap();
    let name = "acr\u{1b}[2J\u{7}\u{202e}evil\u{200b}";
    let template = format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {{
      "type": "Microsoft.ContainerRegistry/registries",
      "apiVersion": "2025-11-01",
      "name": "{}",
      "location": "westeurope",
      "sku": {{ "name": "Premium" }},
      "properties": {{ "adminUserEnabled": true }}
    }}
  ]
}}"#,
        name.replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007")
    );
    std::fs::write(dir.path().join("main.json"), template).unwrap();
    let hazards = ['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}'];
    for format in ["text", "github", "junit", "markdown"] {
        let o = acrlint_in(dir.path(), &["check", "main.json", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(out.contains("ACR001"), "{format}: {out}");
        for c in hazards {
            assert!(!out.contains(c), "{format} shows {c:?} raw: {out}");
        }
        if format != "markdown" {
            assert!(out.contains("\\u{202e}"), "{format}: {out}");
        }
    }
}
