//! `acrlint new` in Bicep: the lowered Bicep output expand_files to the same resources as
//! the ARM output of the same options, and passes the rules like it.

use std::path::Path;

use acrlint::{
    check_file, expand, expand_files, load_bicep, render_registry, CheckOptions, DeploymentMode,
    Engine, EngineInput, ExpandOptions, Expansion, Finding, Level, Severity, TemplateFormat,
};
use serde_json::Value as Json;

mod generate_support;
use generate_support::{Combo, FEATURES};

/// The tags of the combinations with "tag" on: one hostile to Bicep's quoting.
const TAGS: &[&str] = &["env=prod", "note='${x}' \"[y]\""];

fn options() -> ExpandOptions {
    ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    }
}

fn expand_bicep(path: &Path) -> Expansion {
    let project = load_bicep(path).unwrap();
    let problems: Vec<_> = project
        .diagnostics
        .iter()
        .filter(|d| matches!(d.3, Severity::Syntax | Severity::Error | Severity::Warning))
        .collect();
    assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    expand_files(project.files, project.param_file, &options()).unwrap()
}

/// Unknown values compared by being unknown, not by why; property names that are
/// expressions (the engine keeps names as written, and Bicep writes
/// `'${x.id}'` as `[format('{0}', ...)]`) compared by being expressions.
fn blur(v: &Json) -> Json {
    match v {
        Json::Object(m) if m.contains_key("$unknown") => Json::String("<unknown>".into()),
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let expression = k.starts_with('[') && k.ends_with(']') && !k.starts_with("[[");
                    let k = if expression {
                        "<expression>".to_string()
                    } else {
                        k.clone()
                    };
                    (k, blur(v))
                })
                .collect(),
        ),
        Json::Array(a) => Json::Array(a.iter().map(blur).collect()),
        other => other.clone(),
    }
}

/// The deployed shape of each resource, sorted: what both languages must agree on.
fn resources(exp: &Expansion) -> Vec<Json> {
    let json = acrlint::expansion_to_json(exp);
    let mut out: Vec<Json> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("existing") != Some(&Json::Bool(true)))
        .map(|r| {
            let mut m = serde_json::Map::new();
            for key in [
                "type",
                "apiVersion",
                "name",
                "location",
                "condition",
                "properties",
                "sku",
                "identity",
                "tags",
                "scope",
                "copyIndex",
            ] {
                if let Some(v) = r.get(key) {
                    let v = match key {
                        "type" => Json::String(v.as_str().unwrap_or("").to_ascii_lowercase()),
                        // ARM text writes the relative id the engine keeps as is; the
                        // lowering writes a full id whose subscription is unknown.
                        "scope" => Json::String("<scope>".into()),
                        _ => blur(v),
                    };
                    m.insert(key.into(), v);
                }
            }
            Json::Object(m)
        })
        .collect();
    out.sort_by_key(|r| r.to_string());
    out
}

fn findings(exp: &Expansion, path: &Path, engine: &Engine) -> Vec<Finding> {
    let input = EngineInput {
        expansion: exp,
        options: &options(),
        mode: DeploymentMode::Incremental,
        template_path: path,
        sources: &acrlint::Disk,
    };
    engine.run(&input)
}

#[test]
fn arm_and_bicep_outputs_expand_to_the_same_resources_and_pass_the_rules() {
    let engine = Engine::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let arm_path = dir.path().join("main.json");
    let bicep_path = dir.path().join("main.bicep");
    // Every combination of the feature switches with a given name and location
    // (generate_new.rs covers all of them with name and location too, for ARM), then
    // name and location as parameters with none and with all of the switches.
    let all = (1u32 << FEATURES) - 1;
    let (name, location) = (1u32 << FEATURES, 1u32 << (FEATURES + 1));
    let named = name | location;
    let mut combos: Vec<u32> = (0..=all).map(|b| b | named).collect();
    combos.extend([0, all, name, name | all, location, location | all]);
    for bits in combos {
        let req = Combo(bits).request(None, TAGS);
        std::fs::write(
            &arm_path,
            render_registry(&req, TemplateFormat::Arm).unwrap(),
        )
        .unwrap();
        std::fs::write(
            &bicep_path,
            render_registry(&req, TemplateFormat::Bicep).unwrap(),
        )
        .unwrap();
        let arm = expand(&arm_path, &options()).unwrap();
        let bicep = expand_bicep(&bicep_path);
        let (a, b) = (resources(&arm), resources(&bicep));
        assert_eq!(
            a,
            b,
            "bits {bits:#x}\nARM:   {}\nBicep: {}",
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap()
        );
        let arm_ids: Vec<(String, Level)> = findings(&arm, &arm_path, &engine)
            .into_iter()
            .map(|f| (f.rule, f.level))
            .collect();
        // `check` itself, as a user runs it on the generated .bicep file.
        let check_options = CheckOptions {
            expand: options(),
            ..Default::default()
        };
        let outcome = check_file(&bicep_path, true, &engine, &check_options);
        assert!(!outcome.fatal, "bits {bits:#x}");
        let bicep_findings = outcome.findings;
        let bicep_ids: Vec<(String, Level)> = bicep_findings
            .iter()
            .map(|f| (f.rule.clone(), f.level))
            .collect();
        assert_eq!(
            arm_ids,
            bicep_ids,
            "bits {bits:#x}: {:?}",
            bicep_findings
                .iter()
                .map(|f| &f.message)
                .collect::<Vec<_>>()
        );
        // What the options leave unmet is suppressed in the output, with the reason.
        for f in &bicep_findings {
            assert!(
                f.suppression
                    .as_ref()
                    .is_some_and(|s| s.justification.is_some()),
                "bits {bits:#x}: {} {:?} at {}:{} not suppressed with a reason",
                f.rule,
                f.level,
                f.location.start.line,
                f.location.start.column
            );
        }
    }
}
