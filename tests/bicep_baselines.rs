//! Differential test of the Bicep lowering against the Bicep compiler: for every
//! sample of the shared corpus's `bicep-baselines/`, expanding `main.bicep` gives the
//! same resources as expanding the compiler's `main.json` (languageVersion 1) and
//! `main.symbolicnames.json` (languageVersion 2.0), iteration by iteration.
//!
//! Compared per resource (sorted by type and name): type, name, location,
//! condition, properties and the rest of the body. Not compared: source location,
//! symbolic name, `dependsOn`, copy indexes, nested-template bookkeeping, the API
//! version of deployments, and the wording of the reason a value is unknown.

mod bicep_support;

use acrlint::Severity;
use bicep_support::{
    differences, expand_bicep, expand_json, forget_reasons, outputs, resources, Compare,
};

fn baselines() -> std::path::PathBuf {
    acrlint::test_support::shared("corpus/bicep-baselines")
}

/// Resources that cannot match, with the precise reason: (sample, resource label
/// prefix as `type name`, reason). Each entry must still differ.
const KNOWN: &[(&str, &str, &str)] = &[(
    "LoadFunctions_CRLF",
    "microsoft.resources/deployments \"module",
    "loadTextContent / loadFileAsBase64 ('Assets/...'): the asset files are not part of \
         the corpus, so the loaded content is unknown",
)];

/// Outputs that cannot match: (sample, output name prefix, reason).
const KNOWN_OUTPUTS: &[(&str, &str, &str)] = &[
    (
        "Imports_LF",
        "",
        "the imported files (modules/mod.bicep, ...) are not part of the corpus",
    ),
    (
        "LoadFunctions_CRLF",
        "testYaml",
        "loadYamlContent() is not supported (no YAML reader): unknown",
    ),
    (
        "ModulesWithScopes_LF",
        "",
        "module outputs: the module files are not part of the corpus",
    ),
    (
        "Modules_CRLF",
        "",
        "module outputs: the module files are not part of the corpus",
    ),
    (
        "ResourcesTenant_CRLF",
        "managementGroupIds",
        "collection element reference: the lowering writes reference(tenantResourceId(...)), \
         which the engine resolves to the declared body (displayName known); the compiler's \
         reference(format('sym[{0}]', i)) is not resolved by the engine",
    ),
];

fn samples() -> Vec<String> {
    let index = std::fs::read_to_string(baselines().join("INDEX.tsv"))
        .expect("the bicep-baselines folder lists its samples in INDEX.tsv");
    let mut dirs: Vec<String> = index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(String::from)
        .collect();
    dirs.dedup();
    dirs
}

#[test]
fn every_baseline_matches_its_compiled_templates() {
    let samples = samples();
    assert!(samples.len() >= 39, "only {} samples", samples.len());
    let mut failures = Vec::new();
    let mut known_seen = vec![false; KNOWN.len()];
    let mut compared = 0;
    let mut strict_differences = 0;
    for sample in &samples {
        let dir = baselines().join(sample);
        let (ours, diags) = expand_bicep(&dir.join("main.bicep"));
        for (m, sev) in &diags {
            let missing_file = m.starts_with("cannot read the imported file");
            if matches!(sev, Severity::Error | Severity::Syntax) && !missing_file {
                failures.push(format!("{sample}: lowering error: {m}"));
            }
        }
        // Module files are not part of the corpus and registry modules are not
        // fetched: then only the top level is compared.
        let missing_modules = diags
            .iter()
            .any(|(_, sev)| matches!(sev, Severity::Unresolved(_)));
        for (compiled, existing) in [("main.json", false), ("main.symbolicnames.json", true)] {
            let how = Compare {
                existing,
                top_level_only: missing_modules,
                unknown_reasons: false,
            };
            let their_exp = expand_json(&dir.join(compiled));
            let theirs = resources(&their_exp, how);
            let mine = resources(&ours, how);
            compared += mine.len();
            let strict = Compare {
                unknown_reasons: true,
                ..how
            };
            strict_differences +=
                differences(&resources(&ours, strict), &resources(&their_exp, strict)).len();
            let (mo, to) = (outputs(&ours), outputs(&their_exp));
            for (name, value) in &to {
                let mut a = mo.get(name).cloned().unwrap_or(serde_json::Value::Null);
                let mut b = value.clone();
                forget_reasons(&mut a);
                forget_reasons(&mut b);
                let known = KNOWN_OUTPUTS
                    .iter()
                    .any(|(s, prefix, _)| s == sample && name.starts_with(prefix));
                if a != b && !known {
                    failures.push(format!(
                        "{sample}/{compiled}: output {name}: ours {a} compiled {b}"
                    ));
                }
            }
            for (label, detail) in differences(&mine, &theirs) {
                match KNOWN
                    .iter()
                    .position(|(s, prefix, _)| s == sample && label.starts_with(prefix))
                {
                    Some(k) => known_seen[k] = true,
                    None => failures.push(format!("{sample}/{compiled}: {label}\n  {detail}")),
                }
            }
        }
    }
    for (k, seen) in known_seen.iter().enumerate() {
        if !seen {
            failures.push(format!(
                "{} is listed as a known difference but matches: remove it from KNOWN",
                KNOWN[k].0
            ));
        }
    }
    assert!(compared > 300, "only {compared} resources compared");
    eprintln!(
        "{compared} resources compared; {strict_differences} differ only in the reason a value is unknown"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
