//! Built-in rules against the Azure Policy definitions they mirror.
//!
//! Every definition of the shared `reference/azure-policy/container-registry/` (all 18,
//! plus the zone-redundancy definition from `container-registry-related/Resilience`
//! that ACR014 mirrors) is evaluated against every expanded resource of every ARM
//! template in the shared `corpus/acr/`, exactly as `--policy` would. For each built-in
//! rule that mirrors a definition, the rule (run through the real engine) and the
//! definition must give the same verdict on every resource: definition true ↔ rule
//! `fail`, false ↔ no finding, possible ↔ `possible`.
//!
//! Where they may differ, and why (each case is asserted, not just tolerated):
//!
//! 1. Resources the template does not deploy (`existing`, or guarded by a condition
//!    that is false) are skipped by the rules; Azure Policy never sees them, so they
//!    are not compared.
//! 2. ACR011 ↔ e8eef0a8 ("should use private link"): the definition counts the
//!    registry's approved `privateEndpointConnections`, a read-only property Azure
//!    fills in after a private endpoint connects, so on a template it is true for
//!    every registry. The rule looks for that private endpoint in the template. They
//!    may differ only on a registry that some private endpoint (or approved
//!    `privateEndpointConnections` child) of the template connects to or may connect
//!    to; whenever the rule fails, the definition must be true.
//! 3. Definitions that no rule mirrors: the two DeployIfNotExists definitions
//!    (e9585a95 private DNS zones, d85c6833 private endpoints), whose effect is a
//!    deployment, not a verdict on the resource. They are evaluated (so they must
//!    load and run) but not compared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acrlint::test_support::shared;
use acrlint::{
    builtin_rules, classify, deployed, expand, private_links, resource_view, Deployed, Engine,
    EngineInput, ExpandOptions, Expansion, Finding, JsonFileKind, LoadedFile, NoExpressions,
    Outcome, PolicyDefinition, RuleMeta, Status,
};

const DEFINITIONS: &str = "reference/azure-policy/container-registry";
const ZONE_REDUNDANCY: &str = "reference/azure-policy/container-registry-related/Resilience/ContainerRegistry_registries_ZoneRedundant_Audit.json";
const NOT_MIRRORED: [&str; 2] = [
    "e9585a95-5b8c-4d03-b193-dc7eb5ac4c32",
    "d85c6833-7d33-4cf5-a915-aaa2de84405f",
];

/// A verdict on one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Fail,
    Possible,
    Pass,
}

fn of_outcome(o: &Outcome) -> Verdict {
    match o {
        Outcome::True => Verdict::Fail,
        Outcome::False => Verdict::Pass,
        Outcome::Possible { .. } => Verdict::Possible,
    }
}

fn of_findings(fs: &[&Finding]) -> Verdict {
    if fs.iter().any(|f| f.status == Status::Fail) {
        Verdict::Fail
    } else if fs.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Possible
    }
}

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            templates(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

fn load_definitions() -> Vec<PolicyDefinition> {
    let mut defs: Vec<PolicyDefinition> = PolicyDefinition::load_path(&shared(DEFINITIONS))
        .into_iter()
        .map(|d| d.unwrap())
        .collect();
    assert_eq!(defs.len(), 18, "the 18 container-registry definitions");
    defs.push(PolicyDefinition::load_file(&shared(ZONE_REDUNDANCY)).unwrap());
    for d in &defs {
        assert!(
            d.unknown_aliases.is_empty(),
            "{}: unknown aliases {:?}",
            d.name,
            d.unknown_aliases
        );
    }
    defs
}

/// The expansion reduced to one resource (for declarative rules, which look at one
/// resource at a time).
fn only(exp: &Expansion, i: usize) -> Expansion {
    Expansion {
        files: exp
            .files
            .iter()
            .map(|f| LoadedFile {
                source: f.source.clone(),
                root: f.root.clone(),
                directives: f.directives.clone(),
                lowered: f.lowered,
                registry_uses: f.registry_uses.clone(),
            })
            .collect(),
        resources: vec![exp.resources[i].clone()],
        outputs: Vec::new(),
        diagnostics: Vec::new(),
        parameter_file: exp.parameter_file.clone(),
        work: exp.work,
        index: Default::default(),
        absent_words: exp.absent_words.clone(),
    }
}

fn run(engine: &Engine, exp: &Expansion, path: &Path) -> Vec<Finding> {
    let options = ExpandOptions::default();
    engine.run(&EngineInput {
        expansion: exp,
        options: &options,
        mode: Default::default(),
        template_path: path,
        sources: &acrlint::Disk,
    })
}

/// The rule's verdict on resource `i`.
fn rule_verdict(
    rule: &RuleMeta,
    engine: &Engine,
    exp: &Expansion,
    i: usize,
    path: &Path,
) -> Verdict {
    if rule.condition.is_some() {
        let fs = run(engine, &only(exp, i), path);
        return of_findings(&fs.iter().collect::<Vec<_>>());
    }
    // Native (ACR011): findings on the whole expansion that fall inside this resource.
    let r = &exp.resources[i];
    let fs = run(engine, exp, path);
    let file = exp.file(r.file).map(|f| f.source.path.clone());
    let inside: Vec<&Finding> = fs
        .iter()
        .filter(|f| Some(&f.location.file) == file.as_ref())
        .filter(|f| f.location.byte_start >= r.span.start && f.location.byte_end <= r.span.end)
        .filter(|f| f.resource_type.as_deref() == Some(&*r.resource_type))
        .collect();
    of_findings(&inside)
}

/// What comparing rules with definitions over the corpus found.
struct Comparison {
    evaluations: usize,
    compared: usize,
    documented_differences: usize,
    disagreements: Vec<String>,
}

#[test]
fn mirrored_definitions_and_rules_agree_on_every_corpus_resource() {
    let c = compare(&builtin_rules().unwrap());
    eprintln!(
        "{} definition evaluations, {} rule/definition comparisons, {} documented differences",
        c.evaluations, c.compared, c.documented_differences
    );
    assert!(
        c.evaluations > 5_000,
        "only {} definition evaluations",
        c.evaluations
    );
    assert!(c.compared > 500, "only {} comparisons", c.compared);
    assert!(
        c.documented_differences > 0,
        "the corpus has registries with private endpoints"
    );
    assert!(
        c.disagreements.is_empty(),
        "{} disagreements ({} comparisons, {} documented differences):\n{}",
        c.disagreements.len(),
        c.compared,
        c.documented_differences,
        c.disagreements.join("\n")
    );
}

#[test]
fn a_rule_that_drifts_from_its_definition_is_caught() {
    // ACR005 rewritten to treat an omitted publicNetworkAccess as compliant: Azure
    // Policy 0fdf0491 does not, and the corpus has registries that omit it.
    let mut rules = builtin_rules().unwrap();
    let acr005 = rules.iter_mut().find(|r| r.id == "ACR005").unwrap();
    acr005.condition = Some(serde_json::json!({
        "allOf": [
            { "field": "type", "equals": "Microsoft.ContainerRegistry/registries" },
            { "field": "Microsoft.ContainerRegistry/registries/publicNetworkAccess", "equals": "Enabled" }
        ]
    }));
    let c = compare(&rules);
    assert!(!c.disagreements.is_empty());
    assert!(
        c.disagreements.iter().all(|d| d.contains("rule ACR005")),
        "{:?}",
        c.disagreements
    );
    assert!(c
        .disagreements
        .iter()
        .any(|d| d.contains("says Pass, policy 0fdf0491-d080-4575-b627-ad0e843cba0f says Fail")));
}

fn compare(rules: &[RuleMeta]) -> Comparison {
    let defs = load_definitions();
    let mirrored: Vec<&str> = rules
        .iter()
        .flat_map(|r| r.policies.iter().map(|p| p.id.as_str()))
        .collect();
    let unmirrored: Vec<&str> = defs
        .iter()
        .map(|d| d.name.as_str())
        .filter(|n| !mirrored.contains(n))
        .collect();
    assert_eq!(
        unmirrored,
        NOT_MIRRORED.to_vec(),
        "definitions no rule mirrors"
    );

    let mut files = Vec::new();
    templates(&shared("corpus/acr"), &mut files);
    files.sort();
    let engines: BTreeMap<String, Engine> = rules
        .iter()
        .filter(|r| !r.policies.is_empty())
        .map(|r| (r.id.clone(), Engine::from_metas(vec![r.clone()]).unwrap()))
        .collect();

    let mut evaluations = 0usize;
    let mut compared = 0usize;
    let mut documented_differences = 0usize;
    let mut disagreements = Vec::new();
    for path in &files {
        let Ok(loaded) = acrlint::load_json(path) else {
            continue;
        };
        if classify(&loaded.root) != JsonFileKind::Template {
            continue;
        }
        let Ok(exp) = expand(path, &ExpandOptions::default()) else {
            continue;
        };
        for (i, r) in exp.resources.iter().enumerate() {
            let view = resource_view(r);
            let mut outcomes: BTreeMap<&str, Option<Outcome>> = BTreeMap::new();
            for d in &defs {
                let params = d.parameter_values(&serde_json::Map::new()).unwrap();
                outcomes.insert(
                    &d.name,
                    d.evaluate_if_applicable(&view, &params, &NoExpressions),
                );
                evaluations += 1;
            }
            // (1) Not deployed by the template: not compared.
            if deployed(&exp, r) == Deployed::No {
                continue;
            }
            for rule in rules.iter().filter(|r| !r.policies.is_empty()) {
                let applies = rule
                    .resource_types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(&r.resource_type));
                for p in &rule.policies {
                    let Some(Some(outcome)) = outcomes.get(p.id.as_str()) else {
                        continue;
                    };
                    let policy = of_outcome(outcome);
                    let ours = if applies {
                        rule_verdict(rule, &engines[&rule.id], &exp, i, path)
                    } else {
                        Verdict::Pass
                    };
                    compared += 1;
                    if policy == ours {
                        continue;
                    }
                    // (2) ACR011: only where the template has an endpoint that may connect.
                    if rule.id == "ACR011"
                        && policy == Verdict::Fail
                        && !private_links(&exp, i).is_empty()
                    {
                        documented_differences += 1;
                        continue;
                    }
                    disagreements.push(format!(
                        "{}: {} {} ({}): rule {} says {ours:?}, policy {} says {policy:?}",
                        path.display(),
                        r.resource_type,
                        acrlint::name_text(&r.name),
                        i,
                        rule.id,
                        p.id
                    ));
                }
            }
        }
    }
    Comparison {
        evaluations,
        compared,
        documented_differences,
        disagreements,
    }
}

#[test]
fn acr011_differs_from_its_definition_exactly_where_an_endpoint_connects() {
    // The documented difference (2) on a template built for it: the definition is
    // true for the registry (no privateEndpointConnections in a template), the rule
    // passes because a private endpoint in the template connects to it.
    let text = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "linkedregistry", "location": "westeurope", "sku": { "name": "Premium" } },
    { "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe", "location": "westeurope",
      "properties": { "subnet": { "id": "x" }, "privateLinkServiceConnections": [ { "name": "c", "properties": {
        "privateLinkServiceId": "[resourceId('Microsoft.ContainerRegistry/registries', 'linkedregistry')]", "groupIds": [ "registry" ] } } ] } },
    { "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "lonelyregistry", "location": "westeurope", "sku": { "name": "Premium" } }
  ]
}"#;
    let dir = std::env::temp_dir().join(format!("acrlint-policy-agreement-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("template.json");
    std::fs::write(&path, text).unwrap();
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    let def = load_definitions()
        .into_iter()
        .find(|d| d.name == "e8eef0a8-67cf-4eb4-9386-14b0e78733d4")
        .unwrap();
    let rule = builtin_rules()
        .unwrap()
        .into_iter()
        .find(|r| r.id == "ACR011")
        .unwrap();
    let engine = Engine::from_metas(vec![rule.clone()]).unwrap();
    let params = def.parameter_values(&serde_json::Map::new()).unwrap();
    let verdicts: Vec<(Verdict, Verdict)> = [0usize, 2]
        .iter()
        .map(|&i| {
            let policy = def.evaluate(&resource_view(&exp.resources[i]), &params, &NoExpressions);
            (
                of_outcome(&policy),
                rule_verdict(&rule, &engine, &exp, i, &path),
            )
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        verdicts,
        vec![
            (Verdict::Fail, Verdict::Pass),
            (Verdict::Fail, Verdict::Fail)
        ]
    );
}
