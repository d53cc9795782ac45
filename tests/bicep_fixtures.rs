//! Hand-written Bicep fixtures (`tests/fixtures/bicep/`): replica loops with and
//! without a home-region filter, a home replica declared as a nested child,
//! `listCredentials()` in an output, a module whose `adminUserEnabled` the caller
//! computes, a module cycle, a `.bicepparam` file.

use std::path::Path;

use acrlint::syntax::json::{Node, Span};
use acrlint::{
    expand_files, load_bicep, load_bicepparam, BicepProject, ExpandOptions, ExpandedResource,
    Expansion, ProvenanceKind, Severity, Value,
};
use serde_json::{json, Value as Json};

const FIXTURES: &str = "tests/fixtures/bicep";

fn expand(project: BicepProject) -> Expansion {
    let options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    expand_files(project.files, project.param_file, &options).expect("expand_files")
}

fn load(rel: &str) -> BicepProject {
    load_bicep(&Path::new(FIXTURES).join(rel)).expect("loads")
}

fn by_type<'e>(exp: &'e Expansion, ty: &str) -> Vec<&'e ExpandedResource> {
    exp.resources
        .iter()
        .filter(|r| r.resource_type.eq_ignore_ascii_case(ty))
        .collect()
}

fn admin_user(r: &ExpandedResource) -> Option<Json> {
    r.body
        .get("properties")
        .and_then(|p| p.get("adminUserEnabled"))
        .map(Value::to_json)
}

fn name(r: &ExpandedResource) -> &str {
    r.name.as_str().unwrap_or("<not a string>")
}

/// (line, column) of a span's start in its file of the expansion.
fn line_col(exp: &Expansion, file: u32, span: Span) -> (u32, u32) {
    let lc = exp.file(file).expect("file").source.line_col(span.start);
    (lc.line, lc.column)
}

fn text(exp: &Expansion, file: u32, span: Span) -> String {
    exp.file(file)
        .expect("file")
        .source
        .span_text(span)
        .to_string()
}

/// The node at `path` (object keys) below the root of a lowered file.
fn node_at<'n>(root: &'n Node, path: &[&str]) -> &'n Node {
    let mut n = root;
    for key in path {
        n = n
            .get(key)
            .unwrap_or_else(|| panic!("no '{key}' in the lowered template"));
    }
    n
}

#[test]
fn replica_loop_with_and_without_a_home_filter() {
    let project = load("replicas.bicep");
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    let exp = expand(project);
    let replicas = by_type(&exp, "Microsoft.ContainerRegistry/registries/replications");
    // 1 nested home replica + 3 filtered + 3 unfiltered iterations.
    assert_eq!(replicas.len(), 7);
    let filtered: Vec<_> = replicas
        .iter()
        .filter(|r| r.symbolic.as_deref() == Some("filtered"))
        .collect();
    let got: Vec<(&str, Json)> = filtered
        .iter()
        .map(|r| (name(r), r.condition.to_json()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("acrfixture/westeurope", json!(false)),
            ("acrfixture/northeurope", json!(true)),
            ("acrfixture/eastus", json!(true)),
        ]
    );
    for r in &filtered {
        let loc = r.location.as_ref().and_then(Value::as_str);
        assert_eq!(Some(name(r).trim_start_matches("acrfixture/")), loc);
    }
    let unfiltered: Vec<(&str, Json)> = replicas
        .iter()
        .filter(|r| r.symbolic.as_deref() == Some("unfiltered"))
        .map(|r| (name(r), r.condition.to_json()))
        .collect();
    assert_eq!(
        unfiltered,
        vec![
            ("acrfixture/westeurope-0", json!(true)),
            ("acrfixture/northeurope-1", json!(true)),
            ("acrfixture/eastus-2", json!(true)),
        ]
    );
    // The copy loop of each filtered iteration names its index.
    assert_eq!(filtered[2].copy.last().map(|(_, i)| *i), Some(2));
}

#[test]
fn home_replica_declared_as_a_nested_child() {
    let exp = expand(load("replicas.bicep"));
    let home = exp
        .resources
        .iter()
        .find(|r| r.symbolic.as_deref() == Some("acr::home"))
        .expect("nested replica");
    assert_eq!(
        &*home.resource_type,
        "Microsoft.ContainerRegistry/registries/replications"
    );
    assert_eq!(name(home), "acrfixture/westeurope");
    assert_eq!(
        home.location.as_ref().and_then(Value::as_str),
        Some("westeurope")
    );
    assert_eq!(home.condition.to_json(), json!(true));
    assert_eq!(home.api_version.as_deref(), Some("2023-07-01"));
    // Findings on it point at the nested declaration (line 20).
    assert_eq!(line_col(&exp, home.file, home.span).0, 20);
}

#[test]
fn literal_values_keep_their_bicep_spans() {
    let exp = expand(load("replicas.bicep"));
    let acr = by_type(&exp, "Microsoft.ContainerRegistry/registries")[0];
    assert_eq!(admin_user(acr), Some(json!(true)));
    let root = &exp.file(0).expect("file 0").root;
    let props = node_at(root, &["resources", "acr", "properties"]);
    let member = props.member("adminUserEnabled").expect("member");
    assert_eq!(text(&exp, 0, member.value.span), "true");
    assert_eq!(line_col(&exp, 0, member.value.span), (16, 23));
    assert_eq!(text(&exp, 0, member.key_span), "adminUserEnabled");
    assert_eq!(line_col(&exp, 0, member.key_span), (16, 5));
    // A literal stays a literal node (not an expression string).
    assert!(matches!(
        member.value.kind,
        acrlint::syntax::json::NodeKind::Bool(true)
    ));
}

#[test]
fn list_credentials_in_an_output() {
    let exp = expand(load("replicas.bicep"));
    let out = exp
        .outputs
        .iter()
        .find(|o| &*o.name == "adminPassword")
        .expect("output");
    let Value::Unknown(u) = &out.value else {
        panic!("listCredentials() must be unknown, got {:?}", out.value)
    };
    assert!(u.why.contains("listCredentials"), "{}", u.why);
    let resource = u.resource.as_ref().expect("the value names the registry");
    assert_eq!(resource.name.as_text().as_deref(), Some("acrfixture"));
    assert_eq!(
        &*resource.resource_type,
        "Microsoft.ContainerRegistry/registries"
    );
    assert_eq!(
        text(&exp, 0, out.span),
        "acr.listCredentials().passwords[0].value"
    );
    // reference(): partly known, loginServer is not set by the template.
    let login = exp
        .outputs
        .iter()
        .find(|o| &*o.name == "loginServer")
        .expect("output");
    assert!(login.value.is_unknown());
}

#[test]
fn module_admin_user_computed_by_the_caller() {
    let project = load("module_admin/main.bicep");
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    assert_eq!(project.files.len(), 2);
    let exp = expand(project);
    let deployment = by_type(&exp, "Microsoft.Resources/deployments")[0];
    assert_eq!(name(deployment), "registry");
    let acr = by_type(&exp, "Microsoft.ContainerRegistry/registries")[0];
    assert_eq!(acr.file, 1, "the registry is declared in the module file");
    assert_eq!(acr.deployment, "registry");
    assert_eq!(name(acr), "acrmodule");
    assert_eq!(admin_user(acr), Some(json!(true)));
    // The value's span is the module's `adminEnabled` at 12:23 …
    let (span, provenance) = acr
        .traces
        .iter()
        .find(|(s, _)| text(&exp, acr.file, *s) == "adminEnabled")
        .expect("a trace for adminUserEnabled");
    assert_eq!(line_col(&exp, acr.file, *span), (12, 23));
    // … and it came from the caller's expression at main.bicep 8:19.
    let p = provenance
        .iter()
        .find(|p| &*p.name == "adminEnabled")
        .expect("provenance of the module parameter");
    assert_eq!(p.kind, ProvenanceKind::DeploymentParameter);
    assert_eq!(p.file, 0);
    assert_eq!(text(&exp, 0, p.span), "allowAdmin && sku == 'Basic'");
    assert_eq!(line_col(&exp, 0, p.span), (8, 19));
    assert!(
        p.upstream.iter().any(|u| &*u.name == "allowAdmin"),
        "the caller's parameter is upstream: {:?}",
        p.upstream
    );
}

#[test]
fn module_admin_user_with_the_caller_parameter_overridden() {
    let project = load("module_admin/main.bicep");
    let options = ExpandOptions {
        no_parameter_discovery: true,
        parameter_overrides: vec![("sku".into(), Value::str("Premium"))],
        ..Default::default()
    };
    let exp = expand_files(project.files, project.param_file, &options).expect("expand_files");
    let acr = by_type(&exp, "Microsoft.ContainerRegistry/registries")[0];
    assert_eq!(admin_user(acr), Some(json!(false)));
}

#[test]
fn module_cycles_are_reported_not_followed() {
    let project = load("cycle/a.bicep");
    let cycle = project
        .diagnostics
        .iter()
        .find(|(_, _, m, _)| m.contains("module cycle"))
        .expect("a cycle diagnostic");
    assert!(
        cycle.2.contains("a.bicep → b.bicep → a.bicep"),
        "{}",
        cycle.2
    );
    // A cap, reported by `check` as an ACR000 warning.
    assert_eq!(cycle.3, Severity::Limit);
    let exp = expand(project);
    // a deploys b; b's module back to a is not followed.
    let deployments = by_type(&exp, "Microsoft.Resources/deployments");
    assert_eq!(deployments.len(), 2);
}

#[test]
fn bicepparam_values_bind_with_their_spans() {
    let project = load_bicepparam(&Path::new(FIXTURES).join("params.bicepparam")).expect("loads");
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    let pf = project.param_file.expect("a parameter file");
    let exp = expand(project);
    let acr = by_type(&exp, "Microsoft.ContainerRegistry/registries")[0];
    assert_eq!(name(acr), "acrfromparams");
    assert_eq!(
        acr.location.as_ref().and_then(Value::as_str),
        Some("northeurope")
    );
    assert_eq!(admin_user(acr), Some(json!(true)));
    let (_, provenance) = acr
        .traces
        .iter()
        .find(|(s, _)| text(&exp, acr.file, *s) == "adminEnabled")
        .expect("trace");
    let p = provenance
        .iter()
        .find(|p| &*p.name == "adminEnabled")
        .expect("provenance");
    assert_eq!(p.kind, ProvenanceKind::ParameterFile);
    assert_eq!(p.file, pf);
    assert_eq!(text(&exp, pf, p.span), "true");
    assert_eq!(line_col(&exp, pf, p.span), (5, 22));
}

#[test]
fn unreadable_files_are_load_errors() {
    let err = load_bicep(Path::new("tests/fixtures/bicep/missing.bicep")).unwrap_err();
    assert!(err.message.contains("cannot read"), "{}", err.message);
    let err = load_bicepparam(Path::new("tests/fixtures/bicep/replicas.bicep")).unwrap_err();
    assert!(err.message.contains("using"), "{}", err.message);
}

#[test]
fn cli_expands_bicep_files() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(["expand", "tests/fixtures/bicep/module_admin/main.bicep"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let acr = json["resources"]
        .as_array()
        .and_then(|rs| {
            rs.iter()
                .find(|r| r["type"] == "Microsoft.ContainerRegistry/registries")
        })
        .expect("registry");
    assert_eq!(acr["properties"]["adminUserEnabled"], true);
    assert_eq!(acr["source"]["line"], 5);
    assert!(acr["source"]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("registry.bicep")));
}

#[test]
fn imported_variables_and_functions() {
    let project = load("imports/main.bicep");
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    let exp = expand(project);
    let acr = by_type(&exp, "Microsoft.ContainerRegistry/registries")[0];
    assert_eq!(name(acr), "acrx");
    assert_eq!(
        acr.location.as_ref().and_then(Value::as_str),
        Some("westeurope")
    );
    // `prefix` uses the non-exported `internal`, copied along with it.
    assert_eq!(admin_user(acr), Some(json!(true)));
    assert_eq!(
        acr.body.get("sku").map(Value::to_json),
        Some(json!({"name": "Premium"}))
    );
}

#[test]
fn bicepparam_secrets_and_uncomputable_values() {
    let project = load_bicepparam(&Path::new(FIXTURES).join("secrets.bicepparam")).expect("loads");
    let kept_as_text = project
        .diagnostics
        .iter()
        .find(|(_, _, m, _)| m.contains("'registryName' cannot be computed"))
        .expect("a diagnostic for the environment variable");
    assert_eq!(kept_as_text.3, Severity::Warning);
    let exp = expand(project);
    let acr = by_type(&exp, "Microsoft.ContainerRegistry/registries")[0];
    // Kept as its source text, as documented.
    assert_eq!(
        name(acr),
        "readEnvironmentVariable('REGISTRY_NAME', 'fallback')"
    );
    // A function of constants is computed.
    assert_eq!(
        acr.location.as_ref().and_then(Value::as_str),
        Some("WESTEUROPE")
    );
    // A Key Vault reference is unknown, not a default.
    let admin = acr
        .body
        .get("properties")
        .and_then(|p| p.get("adminUserEnabled"))
        .expect("adminUserEnabled");
    let Value::Unknown(u) = admin else {
        panic!("expected unknown, got {admin:?}")
    };
    assert!(u.why.contains("Key Vault"), "{}", u.why);
}

#[test]
fn module_chains_are_capped() {
    let dir = std::env::temp_dir().join(format!("acrlint-bicep-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let levels = acrlint::limits::Limits::default().deployment_depth + 4;
    for i in 0..levels {
        let text = format!(
            "module next './m{}.bicep' = {{\n  name: 'm{}'\n}}\n",
            i + 1,
            i + 1
        );
        std::fs::write(dir.join(format!("m{i}.bicep")), text).expect("write");
    }
    std::fs::write(
        dir.join(format!("m{levels}.bicep")),
        "output done bool = true\n",
    )
    .expect("write");
    let project = load_bicep(&dir.join("m0.bicep")).expect("loads");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        project
            .diagnostics
            .iter()
            .any(|(_, _, m, s)| m.contains("nested deeper than") && *s == Severity::Limit),
        "{:?}",
        project.diagnostics
    );
    // Every followed level is a file of the project; the rest are not loaded.
    assert!(project.files.len() <= acrlint::limits::Limits::default().deployment_depth + 2);
    let exp = expand(project);
    assert!(exp.resources.len() >= acrlint::limits::Limits::default().deployment_depth);
}

#[test]
fn syntax_errors_are_diagnostics_with_positions() {
    let dir = std::env::temp_dir().join(format!("acrlint-bicep-syntax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("broken.bicep");
    std::fs::write(
        &path,
        "param ok string = 'x'\nresource r 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: ok\n  kind: \n}\nvar after = 1\n",
    )
    .expect("write");
    let project = load_bicep(&path).expect("loads");
    let _ = std::fs::remove_dir_all(&dir);
    let syntax: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|(_, _, _, s)| *s == Severity::Syntax)
        .collect();
    assert!(!syntax.is_empty(), "{:?}", project.diagnostics);
    let source = &project.files[0].source;
    let lc = source.line_col(syntax[0].1.start);
    assert_eq!(lc.line, 4, "{:?}", syntax[0]);
    // The rest of the file is still lowered.
    let exp = expand(project);
    assert_eq!(by_type(&exp, "Microsoft.Storage/storageAccounts").len(), 1);
    assert!(exp.files[0]
        .root
        .get("variables")
        .and_then(|v| v.get("after"))
        .is_some());
}

#[test]
fn expand_output_snapshot() {
    let exp = expand(load("replicas.bicep"));
    insta::assert_json_snapshot!("bicep_replicas_expand", acrlint::expansion_to_json(&exp));
}
