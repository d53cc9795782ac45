//! `acrlint new`: every option combination renders a template that parses, expand_files
//! and passes `check`; escaping round-trips hostile strings; snapshots of a few
//! option sets.

use std::path::Path;

use acrlint::syntax::bicep;
use acrlint::{
    check_file, expand, render_params, render_registry, CheckOptions, Engine, ExpandOptions,
    Finding, Level, RegistryRequest, Sku, TemplateFormat,
};

mod generate_support;
use generate_support::{Combo, FEATURES, SWITCHES};

/// The tags of the combinations with "tag" on.
const TAGS: &[&str] = &["env=prod", "cost-center=4711"];

/// Notes a rule may report because an option was not asked for.
/// The rules a combination's output is allowed to leave unmet, each suppressed with
/// a reason in the output: choices the options made (no customer-managed key, no
/// private endpoint, Basic or Standard).
fn allowed_suppressions(combo: Combo, premium: bool) -> Vec<&'static str> {
    let mut ids = Vec::new();
    if !combo.on("cmk") {
        ids.push("ACR009");
    }
    if !premium {
        ids.extend(["ACR010", "ACR014", "ACR023"]);
    }
    if !combo.on("private-endpoint") {
        // Public access stays on: the registry is reachable without a private endpoint.
        ids.extend(["ACR011", "ACR005", "ACR006", "ACR007"]);
    }
    if premium && !combo.on("quarantine") {
        ids.push("ACR022");
    }
    ids
}

/// Every finding is suppressed with a reason, for one of the `allowed` rules: the
/// output checks clean at `--fail-on note`.
fn assert_clean(findings: &[Finding], allowed: &[&str], label: &str) {
    for f in findings {
        let reasoned = f
            .suppression
            .as_ref()
            .is_some_and(|s| s.justification.as_ref().is_some_and(|j| j.len() > 10));
        assert!(
            reasoned && allowed.contains(&f.rule.as_str()),
            "{label}: unexpected finding\n{}",
            describe(findings)
        );
    }
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {:?} {}:{} {}",
                f.rule, f.level, f.location.start.line, f.location.start.column, f.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `{"$unknown": "unsupported function …"}` in an expansion.
fn unsupported(json: &serde_json::Value, out: &mut Vec<String>) {
    match json {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(why)) = m.get("$unknown") {
                if why.starts_with("unsupported function") {
                    out.push(why.clone());
                }
            }
            m.values().for_each(|v| unsupported(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| unsupported(v, out)),
        _ => {}
    }
}

fn check_arm(dir: &Path, engine: &Engine, text: &str, label: &str) -> Vec<Finding> {
    let path = dir.join("main.json");
    std::fs::write(&path, text).unwrap();
    serde_json::from_str::<serde_json::Value>(text)
        .unwrap_or_else(|e| panic!("{label}: not strict JSON: {e}\n{text}"));
    let options = CheckOptions {
        expand: ExpandOptions {
            no_parameter_discovery: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let expansion =
        expand(&path, &options.expand).unwrap_or_else(|e| panic!("{label}: {}", e.render()));
    assert!(
        expansion.syntax_errors().next().is_none(),
        "{label}: syntax errors {:?}",
        expansion.diagnostics
    );
    let mut gaps = Vec::new();
    unsupported(&acrlint::expansion_to_json(&expansion), &mut gaps);
    assert!(gaps.is_empty(), "{label}: {gaps:?}");
    let outcome = check_file(&path, true, engine, &options);
    assert!(!outcome.fatal, "{label}: {}", describe(&outcome.findings));
    assert!(outcome.checked, "{label}: not checked as a template");
    outcome.findings
}

/// Every declared parameter is used: `parameters('x')` in ARM, a second mention of
/// the name in Bicep.
fn assert_no_unused_parameters(arm: &str, bicep_text: &str, label: &str) {
    let template: serde_json::Value = serde_json::from_str(arm).unwrap();
    let params = template["parameters"].as_object().unwrap();
    for name in params.keys() {
        assert!(
            arm.contains(&format!("parameters('{name}')")),
            "{label}: ARM parameter {name} is unused"
        );
    }
    let parsed = bicep::parse(bicep_text);
    let mut declared = 0;
    for s in &parsed.program.statements {
        if let bicep::StatementKind::Param { name, .. } = &s.kind {
            declared += 1;
            let uses = acrlint::syntax::bicep::lexer::lex(bicep_text, 0)
                .tokens
                .iter()
                .filter(|t| t.span.text(bicep_text) == &*name.name)
                .count();
            assert!(
                uses >= 2,
                "{label}: Bicep parameter {} is unused",
                name.name
            );
        }
    }
    assert_eq!(
        declared,
        params.len(),
        "{label}: ARM and Bicep declare different parameters"
    );
}

fn assert_bicep_parses(text: &str, label: &str) {
    let parsed = bicep::parse(text);
    assert!(
        parsed.diagnostics.is_empty(),
        "{label}: {:?}\n{text}",
        parsed.diagnostics
    );
    assert!(!parsed.program.statements.is_empty(), "{label}");
}

#[test]
fn every_premium_combination_renders_parses_expands_and_passes_check() {
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // All 2^14 combinations of the switches (Premium, the default SKU).
    let all_premium = (1u32 << FEATURES) - 1;
    for combo in Combo::all() {
        let label = format!(
            "{:?} {:?}",
            combo,
            SWITCHES.iter().filter(|s| combo.on(s)).collect::<Vec<_>>()
        );
        let request = combo.request(None, TAGS);
        let arm = render_registry(&request, TemplateFormat::Arm)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let findings = check_arm(dir.path(), &engine, &arm, &label);
        assert_clean(&findings, &allowed_suppressions(combo, true), &label);
        if combo.0 & all_premium == all_premium && combo.on("name") {
            assert!(
                findings.is_empty(),
                "{label}: all hardening on\n{}",
                describe(&findings)
            );
        }
        let bicep = render_registry(&request, TemplateFormat::Bicep)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_bicep_parses(&bicep, &label);
        assert_no_unused_parameters(&arm, &bicep, &label);
    }
}

#[test]
fn basic_and_standard_render_and_only_miss_premium_features() {
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Switches that do not need Premium: pull, push, tag, diagnostics, name, location.
    let free = [
        "pull",
        "push",
        "tag",
        "diagnostics",
        "rbac",
        "repository",
        "name",
        "location",
    ];
    let masks: Vec<u32> = free
        .iter()
        .map(|s| 1u32 << SWITCHES.iter().position(|x| x == s).unwrap())
        .collect();
    for sku in [Sku::Basic, Sku::Standard] {
        for bits in 0..(1u32 << masks.len()) {
            let combo = Combo(
                masks
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, m)| m)
                    .sum(),
            );
            let label = format!("{sku:?} {combo:?}");
            let request = combo.request(Some(sku), TAGS);
            let arm = render_registry(&request, TemplateFormat::Arm).unwrap();
            let findings = check_arm(dir.path(), &engine, &arm, &label);
            assert_clean(&findings, &allowed_suppressions(combo, false), &label);
            let bicep = render_registry(&request, TemplateFormat::Bicep).unwrap();
            assert_bicep_parses(&bicep, &label);
        }
    }
}

#[test]
fn parameter_files_parse_and_bind_every_parameter_without_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut request = Combo((1u32 << SWITCHES.len()) - 1).request(None, TAGS);
    request.subnet_id = Some("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/network/providers/Microsoft.Network/virtualNetworks/hub/subnets/private-endpoints".into());
    request.key_vault_name = Some("contoso-keys".into());
    request.key_name = Some("acr-cmk".into());
    let template = dir.path().join("main.json");
    let params = dir.path().join("main.parameters.json");
    std::fs::write(
        &template,
        render_registry(&request, TemplateFormat::Arm).unwrap(),
    )
    .unwrap();
    std::fs::write(
        &params,
        render_params(&request, TemplateFormat::Arm, "").unwrap(),
    )
    .unwrap();
    let expansion = expand(&template, &ExpandOptions::default()).unwrap();
    assert_eq!(expansion.parameter_file.as_deref(), Some(params.as_path()));
    let json = acrlint::expansion_to_json(&expansion);
    let text = json.to_string();
    assert!(!text.contains("has no value"), "{text}");
    let pe = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "Microsoft.Network/privateEndpoints")
        .unwrap();
    assert_eq!(
        pe["properties"]["subnet"]["id"],
        serde_json::json!(request.subnet_id.clone().unwrap())
    );
    let bicepparam = render_params(&request, TemplateFormat::Bicep, "./main.bicep").unwrap();
    let parsed = bicep::parse(&bicepparam);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}\n{bicepparam}",
        parsed.diagnostics
    );
    assert_eq!(parsed.kind, bicep::FileKind::BicepParam);
    let names: Vec<&str> = parsed
        .program
        .statements
        .iter()
        .filter_map(|s| match &s.kind {
            bicep::StatementKind::Param { name, .. } => Some(&*name.name),
            _ => None,
        })
        .collect();
    assert_eq!(
        names,
        [
            "registryName",
            "location",
            "tags",
            "replicaLocations",
            "privateEndpointSubnetId",
            "keyVaultName",
            "encryptionKeyName",
            "pullPrincipalIds",
            "pushPrincipalIds",
            "logAnalyticsWorkspaceId"
        ]
    );
}

#[test]
fn the_check_harness_sees_a_broken_template() {
    // Control: the same pipeline reports a registry whose admin user is switched on.
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let arm = render_registry(&Combo(0).request(None, TAGS), TemplateFormat::Arm).unwrap();
    let broken = arm.replace("\"adminUserEnabled\": false", "\"adminUserEnabled\": true");
    assert_ne!(arm, broken);
    let findings = check_arm(dir.path(), &engine, &broken, "broken");
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "ACR001" && f.level == Level::Error),
        "{}",
        describe(&findings)
    );
}

#[test]
fn complete_mode_safe_declares_the_home_replica_that_complete_mode_needs() {
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.json");
    let options = CheckOptions {
        expand: ExpandOptions {
            no_parameter_discovery: true,
            ..Default::default()
        },
        mode: acrlint::DeploymentMode::Complete,
        ..Default::default()
    };
    let mut request = RegistryRequest {
        name: Some("contosoregistry".into()),
        location: Some("westeurope".into()),
        replicas: vec!["northeurope".into()],
        ..Default::default()
    };
    let acr002 = |request: &RegistryRequest| -> Vec<Finding> {
        std::fs::write(
            &path,
            render_registry(request, TemplateFormat::Arm).unwrap(),
        )
        .unwrap();
        check_file(&path, true, &engine, &options)
            .findings
            .into_iter()
            .filter(|f| f.rule == "ACR002")
            .collect()
    };
    assert!(
        !acr002(&request).is_empty(),
        "complete mode wants the home replica declared"
    );
    request.complete_mode_safe = true;
    let left = acr002(&request);
    assert!(left.is_empty(), "{}", describe(&left));
}
