//! `acrlint restore` and `check` against a real OCI registry (the CNCF Distribution
//! registry from Debian's `docker-registry` package) on 127.0.0.1: modules pushed with
//! the Bicep media types are pulled into the Bicep module cache layout and checked.
//! Behind the `registry-server` feature (`required-features` in `Cargo.toml`), which
//! `.ci/run` turns on after installing the package; with the feature on, a missing
//! registry binary fails the tests.

mod registry_support;

use std::path::PathBuf;
use std::process::Output;

use acrlint::restore::{restore_one, Client, Needed, OciReference, Outcome, Version};
use registry_support::token::TokenService;
use registry_support::{docker_config, Auth, Registry, Workspace};

const MODULE: &str = include_str!("fixtures/registry-module/main.json");

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The user's file: a registry module deployed with the admin user on.
fn user_file(reference: &str) -> String {
    format!(
        "module acr '{reference}' = {{\n  name: 'acr'\n  params: {{\n    name: 'contosoacr01'\n    acrAdminUserEnabled: true\n  }}\n}}\n"
    )
}

/// `(rule, line, column)` of the JSON report's findings.
fn findings(o: &Output) -> Vec<(String, u64, u64)> {
    registry_support::findings(o)
        .into_iter()
        .map(|(rule, _, line, column)| (rule, line, column))
        .collect()
}

fn cache_dir(w: &Workspace, registry: &Registry, repository: &str, version: &str) -> PathBuf {
    w.cache()
        .join("br")
        .join(registry.addr.replace(':', "$"))
        .join(repository.replace('/', "$"))
        .join(version)
}

#[test]
fn restore_then_check_finds_the_admin_user_inside_the_module_and_then_needs_no_network() {
    let mut registry = Registry::start(false);
    let (manifest, manifest_digest) =
        registry.push_module("bicep/modules/registry", "v1", MODULE.as_bytes());
    let w = Workspace::new();
    let reference = format!("br:{}/bicep/modules/registry:v1", registry.addr);
    w.write("main.bicep", &user_file(&reference));

    // Before restoring: the module is reported, as an error (it deploys a registry).
    let before = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    assert_eq!(
        findings(&before),
        [("ACR100".to_string(), 1, 12)],
        "{}",
        text(&before)
    );
    assert_eq!(before.status.code(), Some(1));

    let restored = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(restored.status.code(), Some(0), "{}", text(&restored));
    assert!(
        text(&restored).contains("1 restored"),
        "{}",
        text(&restored)
    );
    let dir = cache_dir(&w, &registry, "bicep/modules/registry", "v1$");
    assert_eq!(
        std::fs::read_to_string(dir.join("main.json")).expect("main.json"),
        MODULE
    );
    assert_eq!(
        std::fs::read(dir.join("manifest")).expect("manifest"),
        manifest
    );
    let metadata: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("metadata")).expect("metadata"))
            .expect("metadata JSON");
    assert_eq!(metadata["manifestDigest"], manifest_digest.as_str());

    // ACR001 at the value the user wrote; ACR004 (the module's own literal) at the
    // module statement.
    let expected = vec![("ACR001".to_string(), 5, 26), ("ACR004".to_string(), 1, 12)];
    let after = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let got: Vec<_> = findings(&after)
        .into_iter()
        .filter(|f| f.0 == "ACR001" || f.0 == "ACR004" || f.0 == "ACR100")
        .collect();
    assert_eq!(got, expected, "{}", text(&after));

    // The cache serves the next run: no registry needed, for check or restore.
    registry.stop();
    let offline = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let got: Vec<_> = findings(&offline)
        .into_iter()
        .filter(|f| f.0 == "ACR001" || f.0 == "ACR004" || f.0 == "ACR100")
        .collect();
    assert_eq!(got, expected, "{}", text(&offline));
    let again = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(
        text(&again).contains("1 already cached"),
        "{}",
        text(&again)
    );
}

#[test]
fn check_restore_pulls_before_checking() {
    let registry = Registry::start(false);
    registry.push_module("mods/acr", "v2", MODULE.as_bytes());
    let w = Workspace::new();
    w.write(
        "main.bicep",
        &user_file(&format!("br:{}/mods/acr:v2", registry.addr)),
    );
    let out = w.acrlint(&["check", "--restore", "main.bicep", "--format", "json"]);
    let rules: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert!(rules.contains(&"ACR001".to_string()), "{}", text(&out));
    assert!(!rules.contains(&"ACR100".to_string()), "{}", text(&out));
}

#[test]
fn digests_and_upper_case_tags_land_in_the_cli_layout() {
    let registry = Registry::start(false);
    let (_, manifest_digest) = registry.push_module("mods/acr", "V1", MODULE.as_bytes());
    let w = Workspace::new();
    w.write(
        "main.bicep",
        &format!(
            "{}\nmodule byDigest 'br:{}/mods/acr@{manifest_digest}' = {{\n  name: 'd'\n  params: {{\n    name: 'contosoacr02'\n  }}\n}}\n",
            user_file(&format!("br:{}/mods/acr:V1", registry.addr)),
            registry.addr
        ),
    );
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("2 restored"), "{}", text(&out));
    let by_tag = cache_dir(&w, &registry, "mods/acr", "V1$1");
    let by_digest = cache_dir(
        &w,
        &registry,
        "mods/acr",
        &manifest_digest.replace(':', "#"),
    );
    for dir in [&by_tag, &by_digest] {
        for f in ["main.json", "manifest", "metadata"] {
            assert!(dir.join(f).is_file(), "{}", dir.join(f).display());
        }
    }
    let checked = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let acr001: Vec<_> = findings(&checked)
        .into_iter()
        .filter(|f| f.0 == "ACR001")
        .collect();
    assert_eq!(
        acr001,
        [("ACR001".to_string(), 5, 26)],
        "{}",
        text(&checked)
    );
}

#[test]
fn a_bicepconfig_alias_and_cache_root_are_followed() {
    let registry = Registry::start(false);
    registry.push_module("bicep/modules/registry", "v1", MODULE.as_bytes());
    let w = Workspace::new();
    // A repository: its root holds the configuration and the cache, and `infra` is
    // checked inside it (outside a repository the root would be `infra` alone).
    std::fs::create_dir_all(w.path().join(".git")).expect("mkdir");
    let cache = w.path().join("ci-cache");
    w.write(
        "bicepconfig.json",
        &serde_json::json!({
            "moduleAliases": {"br": {"corp": {"registry": registry.addr, "modulePath": "bicep/modules"}}},
            "cacheRootDirectory": cache,
        })
        .to_string(),
    );
    std::fs::create_dir_all(w.path().join("infra")).expect("mkdir");
    w.write("infra/main.bicep", &user_file("br/corp:registry:v1"));
    let out = w.acrlint(&["restore", "infra"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let main = cache
        .join("br")
        .join(registry.addr.replace(':', "$"))
        .join("bicep$modules$registry/v1$/main.json");
    assert!(main.is_file(), "{}: {}", main.display(), text(&out));
    assert!(!w.cache().exists(), "the default cache is not used");
    let checked = w.acrlint(&["check", "infra", "--format", "json"]);
    assert!(
        findings(&checked).contains(&("ACR001".to_string(), 5, 26)),
        "{}",
        text(&checked)
    );
}

#[test]
fn basic_authentication_needs_the_docker_credentials() {
    let registry = Registry::start(true);
    registry.push_module("private/acr", "v1", MODULE.as_bytes());
    let w = Workspace::new();
    let reference = format!("br:{}/private/acr:v1", registry.addr);
    w.write("main.bicep", &user_file(&reference));
    let denied = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(denied.status.code(), Some(1), "{}", text(&denied));
    let line = String::from_utf8_lossy(&denied.stdout).to_string();
    assert_eq!(line.lines().count(), 1, "one line: {line}");
    assert!(line.contains(&reference) && line.contains("401"), "{line}");
    assert!(!cache_dir(&w, &registry, "private/acr", "v1$")
        .join("main.json")
        .exists());

    docker_config(&w.docker(), &registry.addr);
    let allowed = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed));
    assert!(cache_dir(&w, &registry, "private/acr", "v1$")
        .join("main.json")
        .is_file());
}

#[test]
fn the_anonymous_bearer_token_flow_of_mcr_and_acr() {
    let tokens = TokenService::start();
    let registry = Registry::start_with(Auth::Token {
        realm: tokens.realm.clone(),
        certificate: tokens.certificate.clone(),
        push_token: tokens.token("mods/acr", &["pull", "push"]),
    });
    registry.push_module("mods/acr", "v1", MODULE.as_bytes());
    let w = Workspace::new();
    w.write(
        "main.bicep",
        &user_file(&format!("br:{}/mods/acr:v1", registry.addr)),
    );
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(cache_dir(&w, &registry, "mods/acr", "v1$")
        .join("main.json")
        .is_file());
    // The token was asked for anonymously, for the scope and service the 401 named.
    let asked = tokens.requests();
    assert_eq!(
        asked,
        [format!(
            "/token scope=repository:mods/acr:pull service={} authorization=none",
            registry_support::TOKEN_SERVICE
        )],
        "{}",
        text(&out)
    );
}

#[test]
fn a_missing_module_is_a_404_naming_the_reference() {
    let registry = Registry::start(false);
    registry.push_module("mods/acr", "v1", MODULE.as_bytes());
    let w = Workspace::new();
    let reference = format!("br:{}/mods/acr:v9", registry.addr);
    w.write("main.bicep", &user_file(&reference));
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("error: main.bicep:1:12: ")
            && stdout.contains(&reference)
            && stdout.contains("404"),
        "{stdout}"
    );
    // The module stays unresolved for check.
    let checked = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    assert_eq!(findings(&checked), [("ACR100".to_string(), 1, 12)]);
}

#[test]
fn a_tampered_layer_is_refused_and_nothing_is_written() {
    let registry = Registry::start(false);
    let (manifest, _) = registry.push_module("mods/acr", "v1", MODULE.as_bytes());
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).expect("json");
    let layer = manifest["layers"][0]["digest"]
        .as_str()
        .expect("layer digest");
    // Same size, other bytes: the registry serves what its storage holds.
    let tampered = MODULE.replace(
        "\"anonymousPullEnabled\": true",
        "\"anonymousPullEnabled\": fals",
    );
    assert_eq!(tampered.len(), MODULE.len());
    std::fs::write(registry.blob_file(layer), &tampered).expect("tamper");
    let w = Workspace::new();
    let reference = format!("br:{}/mods/acr:v1", registry.addr);
    w.write("main.bicep", &user_file(&reference));
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout.contains(&reference) && stdout.contains("does not match its digest"),
        "{stdout}"
    );
    let dir = cache_dir(&w, &registry, "mods/acr", "v1$");
    for f in ["main.json", "manifest", "metadata"] {
        assert!(!dir.join(f).exists(), "{f} written");
    }
}

#[test]
fn an_artifact_that_is_not_a_bicep_module_is_refused() {
    let registry = Registry::start(false);
    registry.push_artifact(
        "charts/acr",
        "v1",
        b"not a template",
        Some("application/vnd.cncf.helm.chart"),
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
    );
    let w = Workspace::new();
    let reference = format!("br:{}/charts/acr:v1", registry.addr);
    w.write("main.bicep", &user_file(&reference));
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout.contains(&reference)
            && stdout.contains("not a Bicep module")
            && stdout.contains("helm"),
        "{stdout}"
    );
}

#[test]
fn a_registry_that_stops_mid_run() {
    let mut registry = Registry::start(false);
    registry.push_module("mods/first", "v1", MODULE.as_bytes());
    registry.push_module("mods/second", "v1", MODULE.as_bytes());
    let w = Workspace::new();
    let needed = |repository: &str| Needed {
        reference: OciReference {
            registry: registry.addr.clone(),
            repository: repository.into(),
            version: Version::Tag("v1".into()),
        },
        cache_root: w.cache(),
        at: "main.bicep:1:12".into(),
        written: format!("br:{}/{repository}:v1", registry.addr),
    };
    let (first, second) = (needed("mods/first"), needed("mods/second"));
    let client = Client::new(Default::default());
    let Outcome::Restored(main) = restore_one(&client, &first) else {
        panic!("the first module is restored");
    };
    registry.stop();
    let Outcome::Failed(line) = restore_one(&client, &second) else {
        panic!("the second module cannot be restored");
    };
    assert!(
        line.contains(&second.written) && line.contains("connection refused"),
        "{line}"
    );
    assert_eq!(std::fs::read_to_string(&main).expect("first"), MODULE);
    assert!(!cache_dir(&w, &registry, "mods/second", "v1$").exists());

    // The same from the command line: one line naming the reference.
    w.write("main.bicep", &user_file(&second.written));
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout.lines().count() == 1 && stdout.contains("connection refused"),
        "{stdout}"
    );
}

/// The Azure Verified Module for Container Registry, from the corpus, as the issue's
/// user deploys it.
#[cfg(feature = "corpus")]
#[test]
fn the_avm_container_registry_module_is_checked_through_the_registry() {
    let avm = acrlint::test_support::shared(
        "corpus/acr/Azure__bicep-registry-modules/avm/res/container-registry/registry/main.json",
    );
    let main_json = std::fs::read(&avm).unwrap_or_else(|e| panic!("{}: {e}", avm.display()));
    let registry = Registry::start(false);
    registry.push_module(
        "bicep/avm/res/container-registry/registry",
        "0.12.1",
        &main_json,
    );
    let w = Workspace::new();
    let reference = format!(
        "br:{}/bicep/avm/res/container-registry/registry:0.12.1",
        registry.addr
    );
    w.write(
        "main.bicep",
        &format!(
            "module acr '{reference}' = {{\n  name: 'acr'\n  params: {{ name: 'contosoacr01', acrSku: 'Premium', acrAdminUserEnabled: true }}\n}}\n"
        ),
    );
    let out = w.acrlint(&["restore", "main.bicep"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let checked = w.acrlint(&["check", "main.bicep", "--format", "json"]);
    let got = findings(&checked);
    assert!(
        got.contains(&("ACR001".to_string(), 3, 75)),
        "{}",
        text(&checked)
    );
    assert!(
        !got.iter().any(|f| f.0 == "ACR100" || f.0 == "ACR000"),
        "{got:?}"
    );
}
