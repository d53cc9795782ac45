//! Hand-written fixtures for the cases the corpus lacks: home replicas (ACR002),
//! listCredentials flows (ACR003), expressions and conditions (ACR001). Each fixture's
//! findings are pinned by a snapshot and the key facts asserted.

use std::path::Path;

use acrlint::{check_file, CheckOptions, DeploymentMode, Engine, Finding, Level, Status};

const DIR: &str = "tests/fixtures/check";

fn run_with(name: &str, options: &CheckOptions) -> Vec<Finding> {
    let engine = Engine::builtin().unwrap();
    let outcome = check_file(&Path::new(DIR).join(name), true, &engine, options);
    assert!(!outcome.fatal, "{name} could not be checked");
    // These fixtures are about the mission rules; the rest of the catalogue has its
    // own fixtures (tests/rule_fixtures.rs).
    let mut f: Vec<Finding> = outcome
        .findings
        .into_iter()
        .filter(|f| ["ACR000", "ACR001", "ACR002", "ACR003"].contains(&f.rule.as_str()))
        .collect();
    f.sort_by_key(Finding::sort_key);
    f
}

fn run(name: &str) -> Vec<Finding> {
    run_with(name, &CheckOptions::default())
}

fn with_location(loc: &str) -> CheckOptions {
    let mut o = CheckOptions::default();
    o.expand.context.location = Some(loc.to_string());
    o
}

/// Compact rendering for snapshots: one line per finding plus its related places.
fn render(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!(
            "{} {} {} {}:{}-{}:{} {}\n",
            f.rule,
            f.level.as_str(),
            f.status.as_str(),
            f.location.start.line,
            f.location.start.column,
            f.location.end.line,
            f.location.end.column,
            f.message
        ));
        for r in &f.related {
            s.push_str(&format!(
                "    related {}:{}: {}\n",
                r.location.start.line, r.location.start.column, r.message
            ));
        }
    }
    s
}

/// (rule, line, status) triples.
fn triples(findings: &[Finding]) -> Vec<(&str, u32, Status)> {
    findings
        .iter()
        .map(|f| (f.rule.as_str(), f.location.start.line, f.status))
        .collect()
}

#[test]
fn home_replica_with_another_spelling_fails() {
    let f = run("acr002-unguarded-spelling.json");
    insta::assert_snapshot!(render(&f));
    assert_eq!(triples(&f), vec![("ACR002", 16, Status::Fail)]);
    assert_eq!(f[0].level, Level::Error);
    assert_eq!(f[0].resource_name.as_deref(), Some("contosoacr/westeurope"));
}

#[test]
fn faq_workaround_condition_false_passes() {
    let f = run("acr002-faq-guarded.json");
    assert!(f.is_empty(), "{}", render(&f));
}

#[test]
fn copy_loop_without_guard_fails_only_the_home_iteration() {
    // Parameter file by convention: replicas West Europe and swedencentral.
    let f = run_with("acr002-loop-unguarded.json", &with_location("westeurope"));
    insta::assert_snapshot!(render(&f));
    assert_eq!(triples(&f), vec![("ACR002", 21, Status::Fail)]);
    assert_eq!(
        f[0].resource_name.as_deref(),
        Some("contosoacr/West Europe")
    );
    // Another home region: no replica is at home.
    assert!(run_with("acr002-loop-unguarded.json", &with_location("eastus")).is_empty());
}

#[test]
fn copy_loop_with_unknown_home_is_possible_for_every_unguarded_iteration() {
    let f = run("acr002-loop-unguarded.json");
    insta::assert_snapshot!(render(&f));
    assert_eq!(f.len(), 2);
    assert!(f
        .iter()
        .all(|x| x.status == Status::Possible && x.level == Level::Warning));
}

#[test]
fn copy_loop_with_guard_passes_in_every_world() {
    assert!(run("acr002-loop-guarded.json").is_empty());
    assert!(run_with("acr002-loop-guarded.json", &with_location("westeurope")).is_empty());
    assert!(run_with("acr002-loop-guarded.json", &with_location("North Europe")).is_empty());
}

#[test]
fn complete_mode_wants_the_home_replica_declared() {
    let mut o = with_location("westeurope");
    o.mode = DeploymentMode::Complete;
    let f = run_with("acr002-loop-guarded.json", &o);
    insta::assert_snapshot!(render(&f));
    // The guarded loop declares the home replica (condition false for it): compliant.
    assert!(f.is_empty());
    let f = run_with(
        "acr002-unguarded-spelling.json",
        &CheckOptions {
            mode: DeploymentMode::Complete,
            ..Default::default()
        },
    );
    // The unguarded home replica fails; it is not counted as the declared guarded one.
    assert!(f.iter().any(|x| x.rule == "ACR002"
        && x.level == Level::Warning
        && x.message.contains("complete-mode")));
}

#[test]
fn list_credentials_flows() {
    let f = run("acr003-flows.json");
    insta::assert_snapshot!(render(&f));
    let acr003: Vec<_> = f.iter().filter(|x| x.rule == "ACR003").collect();
    // Variable (reaches the non-secure output: error), username app setting (warning),
    // secure output (warning), passwords[2] (error).
    let got: Vec<(u32, Level)> = acr003
        .iter()
        .map(|x| (x.location.start.line, x.level))
        .collect();
    assert_eq!(
        got,
        vec![
            (9, Level::Error),
            (28, Level::Warning),
            (42, Level::Warning),
            (46, Level::Error)
        ]
    );
    assert!(acr003[0].message.contains("output `password`"));
    assert!(acr003[0]
        .related
        .iter()
        .any(|r| r.message.contains("appSettings")));
    assert!(acr003[3].message.contains("passwords[2]"));
}

#[test]
fn list_credentials_on_registry_with_admin_disabled() {
    let f = run("acr003-admin-disabled.json");
    insta::assert_snapshot!(render(&f));
    assert_eq!(triples(&f), vec![("ACR003", 21, Status::Fail)]);
    assert_eq!(f[0].level, Level::Error);
    assert!(f[0].message.contains("admin user disabled"));
    assert!(f[0].message.contains("not secure"));
}

#[test]
fn admin_user_expressions_and_candidates() {
    let f = run("acr001-expressions.json");
    insta::assert_snapshot!(render(&f));
    assert_eq!(
        triples(&f),
        vec![
            ("ACR001", 21, Status::Fail),
            ("ACR001", 29, Status::Possible)
        ]
    );
    assert_eq!(f[0].level, Level::Error);
    assert_eq!(f[1].level, Level::Warning);
    assert!(f[0]
        .related
        .iter()
        .any(|r| r.message.contains("`disableAdmin`")));
}

/// The condition is false only through the parameter's default: the registry is
/// deployed as soon as the caller sets it, so ACR001 is possible (one level lower),
/// never a failure, and names the value that deploys it.
#[test]
fn registry_behind_a_default_false_condition_is_possible() {
    let f = run("acr001-guarded-registry.json");
    assert_eq!(triples(&f), vec![("ACR001", 15, Status::Possible)]);
    assert_eq!(f[0].level, Level::Warning);
    assert!(
        f[0].message.contains(
            "deployed when parameter `deployRegistry` is true; its default false leaves it out"
        ),
        "{}",
        f[0].message
    );
}

#[test]
fn comments_and_multiline_strings_keep_lines_exact() {
    let f = run("comments-multiline.json");
    assert_eq!(triples(&f), vec![("ACR001", 20, Status::Fail)]);
    assert_eq!(f[0].location.start.column, 29);
    assert_eq!(f[0].location.end.column, 33);
}

#[test]
fn registry_two_nested_deployments_deep_reads_the_top_level_parameter() {
    let f = run("nested-inner-two-levels.json");
    insta::assert_snapshot!(render(&f));
    assert_eq!(triples(&f), vec![("ACR001", 40, Status::Fail)]);
    let related: Vec<&str> = f[0].related.iter().map(|r| r.message.as_str()).collect();
    assert!(
        related.iter().any(|m| m.contains("`registryAdmin`")),
        "{related:?}"
    );
    assert!(
        related.iter().any(|m| m.contains("`adminFlag`")),
        "{related:?}"
    );
    assert!(
        related.iter().any(|m| m.contains("`enableAdmin`, default")),
        "{related:?}"
    );
}

/// A registry whose name is a parameter is named as a template reads it, and text
/// that only spells `listCredentials(` (a string literal in a computed value) is not
/// a call of it.
#[test]
fn list_credentials_of_a_registry_named_by_a_parameter() {
    let f = run("acr003-unknown-registry.json");
    assert_eq!(triples(&f), vec![("ACR003", 11, Status::Fail)], "{f:#?}");
    let message = &f[0].message;
    assert!(
        message.contains("registry [parameters('acr')]"),
        "{message}"
    );
    assert!(!message.contains('⟦'), "{message}");
    assert_eq!(f[0].resource_name.as_deref(), Some("[parameters('acr')]"));
}
