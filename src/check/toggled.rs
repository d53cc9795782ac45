//! Resources left out only by a parameter's default (`if (registryOption == 'new')`
//! with default `'none'`): Azure deploys them as soon as the caller sets the parameter,
//! so their failures are reported as `possible`, one level lower, naming the parameter
//! and the value that deploys them.
//!
//! A condition that is false whatever the parameters (a literal `false`, the FAQ
//! guard of a home replica) or because of a parameter file's (or `.bicepparam`'s)
//! value stays not deployed: only parameters of the top-level template that took
//! their `defaultValue` are tried. For each, the values that could deploy what it
//! leaves out (its other allowed values, the other boolean, the literals the
//! condition compares it with) are tried in turn: the template is expanded again with
//! that value, and the rules run on the resources whose condition turned from false
//! to true.

use std::collections::HashSet;
use std::sync::Arc;

use crate::arm::eval::{Provenance, ProvenanceKind};
use crate::arm::expand::{ExpandedResource, Expansion};
use crate::arm::value::Value;
use crate::load::Loader;
use crate::rules::engine::{Engine, EngineInput};
use crate::rules::finding::{Finding, Status};
use crate::source::json::{Node, NodeKind, Span};

/// At most this many values are tried per file (each is one more expansion).
const MAX_WORLDS: usize = 6;

/// A top-level parameter left at its default, and a value that may deploy more.
struct Trial {
    parameter: String,
    default: Value,
    value: Value,
    /// The value is unknown: it stands for any non-empty one (`!empty(name)`).
    any: bool,
}

/// The findings on resources that only a parameter's default leaves out.
pub(super) fn findings(input: &EngineInput, engine: &Engine, base: &[Finding]) -> Vec<Finding> {
    let exp = input.expansion;
    // What the rules read, whether or not this run evaluates every body: the same
    // values are tried either way.
    let trials = trials(exp, &engine.bodies());
    if trials.is_empty() {
        return Vec::new();
    }
    let mut seen: HashSet<String> = base.iter().map(|f| f.fingerprint.clone()).collect();
    let mut out = Vec::new();
    for trial in trials.into_iter().take(MAX_WORLDS) {
        let mut options = input.options.clone();
        options
            .parameter_overrides
            .push((trial.parameter.clone(), trial.value.clone()));
        let world = Loader::new(input.sources).expand_again(input.template_path, exp, &options);
        let Ok(world) = world else {
            continue;
        };
        // Resources this value deploys: false in the checked template, true here.
        let deployed: Vec<&ExpandedResource> = world
            .resources
            .iter()
            .filter(|w| !w.existing)
            .filter(|w| match w.condition {
                Value::Bool(b) => b,
                // Any value: the condition reads what only the caller knows.
                _ => trial.any,
            })
            .filter(|w| {
                exp.resources.iter().any(|r| {
                    matches!(r.condition, Value::Bool(false))
                        && r.span == w.span
                        && r.file == w.file
                        && r.deployment == w.deployment
                })
            })
            .collect();
        if deployed.is_empty() {
            continue;
        }
        let spans: Vec<(std::path::PathBuf, Span)> = deployed
            .iter()
            .filter_map(|w| Some((world.file(w.file)?.source.path.clone(), w.span)))
            .collect();
        let world_input = EngineInput {
            expansion: &world,
            options: &options,
            mode: input.mode,
            template_path: input.template_path,
            sources: input.sources,
        };
        let value = if trial.any {
            "is set to a non-empty value".to_string()
        } else {
            format!("is {}", shown(&trial.value))
        };
        let note = format!(
            "deployed when parameter `{}` {value}; its default {} leaves it out",
            trial.parameter,
            shown(&trial.default)
        );
        for mut f in engine.run(&world_input) {
            let inside = spans.iter().any(|(file, s)| {
                *file == f.location.file
                    && s.start <= f.location.byte_start
                    && f.location.byte_end <= s.end
            });
            if !inside || !seen.insert(f.fingerprint.clone()) {
                continue;
            }
            if f.status == Status::Fail {
                f.level = f.level.lower();
            }
            f.status = Status::Possible;
            f.message = format!("{} ({note})", f.message);
            out.push(f);
        }
    }
    out
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// The values to try: for each top-level parameter that took its default and that
/// the condition of a resource left out reads (a resource some rule reads, or a
/// nested deployment).
fn trials(exp: &Expansion, bodies: &crate::arm::expand::Bodies) -> Vec<Trial> {
    let Some(top) = exp.file(0) else {
        return Vec::new();
    };
    let Some(params) = top.root.get("parameters") else {
        return Vec::new();
    };
    let mut defaulted: Vec<(String, Vec<String>)> = Vec::new();
    for r in &exp.resources {
        if !matches!(r.condition, Value::Bool(false)) || r.existing {
            continue;
        }
        // Only what rules read, and nested deployments (which may hold it), is worth
        // another expansion.
        let deployment = r
            .resource_type
            .eq_ignore_ascii_case("Microsoft.Resources/deployments");
        if !deployment && !bodies.wants(&r.resource_type) {
            continue;
        }
        let Some(file) = exp.file(r.file) else {
            continue;
        };
        let Some(condition) = node_at(&file.root, r.span).and_then(|n| n.get("condition")) else {
            continue;
        };
        let mut provenance = Vec::new();
        for (span, provs) in &r.traces {
            if condition.span.start <= span.start && span.end <= condition.span.end {
                for p in provs {
                    p.flatten(&mut provenance);
                }
            }
        }
        // The literals the condition, and the variables it reads, compare with.
        let mut texts = vec![text_of(condition)];
        for p in provenance
            .iter()
            .filter(|p| p.kind == ProvenanceKind::Variable)
        {
            if let Some(f) = exp.file(p.file) {
                if let Some(n) = node_at(&f.root, p.span) {
                    texts.push(text_of(n));
                }
            }
        }
        let literals = literals(&texts);
        for p in provenance.iter().filter(|p| is_top_default(p, params)) {
            match defaulted.iter_mut().find(|(n, _)| n == &*p.name) {
                Some((_, l)) => l.extend(literals.iter().cloned()),
                None => defaulted.push((p.name.to_string(), literals.clone())),
            }
        }
    }
    let mut out = Vec::new();
    for (name, literals) in defaulted {
        let Some(decl) = params.get(&name) else {
            continue;
        };
        let default = decl.get("defaultValue").map_or(Value::Null, literal_value);
        let ty = decl
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut values: Vec<Value> = match decl.get("allowedValues").map(|a| &a.kind) {
            Some(NodeKind::Array(items)) => items.iter().map(literal_value).collect(),
            _ if ty == "bool" => vec![Value::Bool(true), Value::Bool(false)],
            _ if ty == "string" || ty == "securestring" => {
                literals.iter().map(|l| Value::str(l)).collect()
            }
            _ => Vec::new(),
        };
        values.retain(|v| !same(v, &default) && !matches!(v, Value::Null));
        let mut kept: Vec<Value> = Vec::new();
        for v in values {
            if !kept.iter().any(|k| same(k, &v)) {
                kept.push(v);
            }
        }
        let string = ty == "string" || ty == "securestring";
        // Values the template compares the parameter with come first; any other text
        // only when there is none (it may not be a valid value of the property).
        let unconstrained = decl.get("allowedValues").is_none() && kept.is_empty();
        for value in kept {
            out.push(Trial {
                parameter: name.clone(),
                default: default.clone(),
                value,
                any: false,
            });
        }
        // `!empty(name)`: any text, which only the caller knows.
        if string && unconstrained {
            out.push(Trial {
                parameter: name.clone(),
                default: default.clone(),
                value: Value::unknown(format!("parameter '{name}' is set by the caller")),
                any: true,
            });
        }
    }
    out
}

/// A parameter of the top-level template (declared in its `parameters`) that took
/// its default.
fn is_top_default(p: &Arc<Provenance>, params: &Node) -> bool {
    p.kind == ProvenanceKind::ParameterDefault
        && p.file == 0
        && params.span.start <= p.span.start
        && p.span.end <= params.span.end
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        _ => false,
    }
}

/// A literal JSON node as a value (expressions give `Null`).
fn literal_value(n: &Node) -> Value {
    match &n.kind {
        NodeKind::String(s) if !s.starts_with('[') || s.starts_with("[[") => Value::str(s),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => Value::Int(*i),
        _ => Value::Null,
    }
}

/// The expression text of a node (strings, and the strings inside objects and arrays).
fn text_of(n: &Node) -> String {
    match &n.kind {
        NodeKind::String(s) => s.to_string(),
        NodeKind::Object(ms) => ms.iter().map(|m| text_of(&m.value)).collect(),
        NodeKind::Array(items) => items.iter().map(text_of).collect(),
        _ => String::new(),
    }
}

/// The `'quoted'` literals of ARM expression texts (a few at most).
fn literals(texts: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in texts {
        let mut rest = t.as_str();
        while let Some(open) = rest.find('\'') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('\'') else { break };
            let lit = &after[..close];
            // `parameters('name')` and `variables('name')` name, they do not compare.
            let before = rest[..open].to_ascii_lowercase();
            let names = before.ends_with("parameters(") || before.ends_with("variables(");
            if !names && !lit.is_empty() && !out.iter().any(|o| o == lit) && out.len() < 4 {
                out.push(lit.to_string());
            }
            rest = &after[close + 1..];
        }
    }
    out
}

/// The node with exactly this span.
fn node_at(root: &Node, span: Span) -> Option<&Node> {
    crate::arm::expand::find_node(root, span)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::check::{check_source, CheckOptions};
    use crate::rules::engine::Engine;
    use crate::rules::finding::{Finding, Level, Status};
    use crate::source::sources::Memory;

    const BICEP: &str = "@allowed(['none', 'new', 'existing'])
param registryOption string = 'none'
param deployCache bool = false
param mirrorName string = ''
var cacheWanted = deployCache

resource created 'Microsoft.ContainerRegistry/registries@2025-04-01' = if (registryOption == 'new') {
  name: 'acrcreated'
  location: 'westus'
  sku: { name: 'Premium' }
  properties: { adminUserEnabled: true }
}

resource cache 'Microsoft.ContainerRegistry/registries@2025-04-01' = if (cacheWanted) {
  name: 'acrcache'
  location: 'westus'
  sku: { name: 'Premium' }
  properties: { adminUserEnabled: true }
}

resource mirror 'Microsoft.ContainerRegistry/registries@2025-04-01' = if (!empty(mirrorName)) {
  name: 'acrmirror'
  location: 'westus'
  sku: { name: 'Premium' }
  properties: { adminUserEnabled: true }
}

resource home 'Microsoft.ContainerRegistry/registries@2025-04-01' = if (false) {
  name: 'acrguarded'
  location: 'westus'
  sku: { name: 'Premium' }
  properties: { adminUserEnabled: true }
}
";

    const JSON: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "registryOption": { "type": "string", "defaultValue": "none", "allowedValues": ["none", "new", "existing"] },
    "deployCache": { "type": "bool", "defaultValue": false },
    "mirrorName": { "type": "string", "defaultValue": "" }
  },
  "variables": { "cacheWanted": "[parameters('deployCache')]" },
  "resources": [
    { "condition": "[equals(parameters('registryOption'), 'new')]", "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-04-01",
      "name": "acrcreated", "location": "westus", "sku": { "name": "Premium" }, "properties": { "adminUserEnabled": true } },
    { "condition": "[variables('cacheWanted')]", "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-04-01",
      "name": "acrcache", "location": "westus", "sku": { "name": "Premium" }, "properties": { "adminUserEnabled": true } },
    { "condition": "[not(empty(parameters('mirrorName')))]", "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-04-01",
      "name": "acrmirror", "location": "westus", "sku": { "name": "Premium" }, "properties": { "adminUserEnabled": true } },
    { "condition": false, "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-04-01",
      "name": "acrguarded", "location": "westus", "sku": { "name": "Premium" }, "properties": { "adminUserEnabled": true } }
  ]
}"#;

    /// The ACR001 findings of `main` among `files`, with `parameters` if given.
    fn acr001(files: &[(&str, &str)], main: &str, parameters: Option<&str>) -> Vec<Finding> {
        let mut memory = Memory::default();
        for (path, text) in files {
            memory.0.insert(PathBuf::from(path), text.to_string());
        }
        let mut options = CheckOptions::default();
        options.expand.parameters = parameters.map(PathBuf::from);
        options.expand.no_parameter_discovery = parameters.is_none();
        let engine = Engine::builtin().expect("built-in rules load");
        let outcome = check_source(Path::new(main), &memory, true, &engine, &options);
        outcome
            .findings
            .into_iter()
            .filter(|f| f.rule == "ACR001")
            .collect()
    }

    fn named<'f>(fs: &'f [Finding], name: &str) -> Vec<&'f Finding> {
        fs.iter()
            .filter(|f| f.resource_name.as_deref() == Some(name))
            .collect()
    }

    #[test]
    fn a_resource_left_out_by_a_default_is_possible_and_names_the_value() {
        for (main, text) in [("main.bicep", BICEP), ("main.json", JSON)] {
            let fs = acr001(&[(main, text)], main, None);
            let created = named(&fs, "acrcreated");
            assert_eq!(created.len(), 1, "{main}: {fs:#?}");
            assert_eq!(created[0].status, Status::Possible, "{main}");
            assert_eq!(
                created[0].level,
                Level::Warning,
                "{main}: one level below error"
            );
            assert!(
                created[0]
                    .message
                    .contains("deployed when parameter `registryOption` is 'new'; its default 'none' leaves it out"),
                "{main}: {}",
                created[0].message
            );
            // Through a variable, a boolean parameter.
            let cache = named(&fs, "acrcache");
            assert_eq!(cache.len(), 1, "{main}: {fs:#?}");
            assert!(
                cache[0]
                    .message
                    .contains("parameter `deployCache` is true; its default false"),
                "{main}: {}",
                cache[0].message
            );
            // `!empty(name)`: any value the caller sets.
            let mirror = named(&fs, "acrmirror");
            assert_eq!(mirror.len(), 1, "{main}: {fs:#?}");
            assert_eq!(mirror[0].status, Status::Possible, "{main}");
            assert!(
                mirror[0]
                    .message
                    .contains("parameter `mirrorName` is set to a non-empty value; its default '' leaves it out"),
                "{main}: {}",
                mirror[0].message
            );
            // The FAQ guard: a literal false.
            assert!(named(&fs, "acrguarded").is_empty(), "{main}: {fs:#?}");
        }
    }

    #[test]
    fn a_parameter_file_value_keeps_the_resource_out() {
        let params = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "registryOption": { "value": "none" }, "deployCache": { "value": false }, "mirrorName": { "value": "" } }
}"#;
        for (main, text) in [("main.bicep", BICEP), ("main.json", JSON)] {
            let fs = acr001(
                &[(main, text), ("main.parameters.json", params)],
                main,
                Some("main.parameters.json"),
            );
            assert!(fs.is_empty(), "{main}: {fs:#?}");
        }
        // A .bicepparam value too; a parameter it leaves at its default still counts.
        let bicepparam = "using 'main.bicep'\nparam registryOption = 'none'\n";
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("main.bicep"), BICEP).expect("written");
        std::fs::write(dir.path().join("main.bicepparam"), bicepparam).expect("written");
        let engine = Engine::builtin().expect("built-in rules load");
        let outcome = crate::check::check_file(
            &dir.path().join("main.bicep"),
            true,
            &engine,
            &CheckOptions::default(),
        );
        let fs: Vec<Finding> = outcome
            .findings
            .into_iter()
            .filter(|f| f.rule == "ACR001")
            .collect();
        assert!(named(&fs, "acrcreated").is_empty(), "{fs:#?}");
        assert_eq!(named(&fs, "acrcache").len(), 1, "{fs:#?}");
    }

    /// The values tried are tried with the parameter file the template is checked
    /// with: a `.bicepparam` that turns the admin user off keeps a toggled registry
    /// free of ACR001, as it keeps the deployed one.
    #[test]
    fn a_toggled_resource_is_evaluated_with_the_bicepparam_values() {
        let template = "param deployCache bool = false
param adminEnabled bool = true
resource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = if (deployCache) {
  name: 'acrcache'
  location: 'westeurope'
  sku: { name: 'Premium' }
  properties: { adminUserEnabled: adminEnabled }
}
";
        let acr001_with = |bicepparam: Option<&str>| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            std::fs::write(dir.path().join("main.bicep"), template).expect("written");
            if let Some(text) = bicepparam {
                std::fs::write(dir.path().join("main.bicepparam"), text).expect("written");
            }
            let engine = Engine::builtin().expect("built-in rules load");
            crate::check::check_file(
                &dir.path().join("main.bicep"),
                true,
                &engine,
                &CheckOptions::default(),
            )
            .findings
            .into_iter()
            .filter(|f| f.rule == "ACR001")
            .collect::<Vec<Finding>>()
        };
        let without = acr001_with(None);
        assert_eq!(without.len(), 1, "{without:#?}");
        assert_eq!(without[0].status, Status::Possible);
        let with = acr001_with(Some("using 'main.bicep'\nparam adminEnabled = false\n"));
        assert!(with.is_empty(), "{with:#?}");
    }
}
