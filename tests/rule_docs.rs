//! Every built-in rule's documentation is tested: its `example` (a non-compliant ARM
//! template) must trigger the rule with a definite `fail`, and its `useInstead` (the
//! compliant template) must not trigger it at all. Both are written to a temporary
//! directory and checked like any user file.

use std::path::{Path, PathBuf};

use acrlint::{builtin_rules, check_file, CheckOptions, Engine, Finding, RuleMeta, Status};

/// A fresh directory for this test process, with an empty Bicep module cache of its
/// own (so a registry module in an example is never found in the user's cache).
fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("acrlint-rule-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = serde_json::json!({"cacheRootDirectory": dir.join("cache")});
    std::fs::write(dir.join("bicepconfig.json"), cache.to_string()).unwrap();
    dir
}

/// Examples are ARM templates, except those of rules about Bicep modules.
fn extension(example: &str) -> &'static str {
    if serde_json::from_str::<serde_json::Value>(example).is_ok() {
        "json"
    } else {
        "bicep"
    }
}

/// Rules whose examples are Bicep files.
const BICEP_EXAMPLES: &[&str] = &["ACR100"];

fn check_text(engine: &Engine, dir: &Path, name: &str, text: &str) -> Vec<Finding> {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    check_file(&path, true, engine, &CheckOptions::default()).findings
}

fn of_rule<'f>(fs: &'f [Finding], rule: &RuleMeta) -> Vec<&'f Finding> {
    fs.iter().filter(|f| f.rule == rule.id).collect()
}

#[test]
fn every_example_triggers_its_rule_and_every_compliant_example_does_not() {
    let engine = Engine::builtin().unwrap();
    let rules = builtin_rules().unwrap();
    assert!(rules.len() >= 24, "only {} built-in rules", rules.len());
    let dir = scratch_dir();
    let mut problems = Vec::new();
    for rule in &rules {
        let example = check_text(
            &engine,
            &dir,
            &format!("{}-example.{}", rule.id, extension(&rule.docs.example)),
            &rule.docs.example,
        );
        let hits = of_rule(&example, rule);
        if !hits.iter().any(|f| f.status == Status::Fail) {
            problems.push(format!(
                "{}: the example does not fail the rule (findings of the rule: {:?})",
                rule.id,
                hits.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        let compliant = check_text(
            &engine,
            &dir,
            &format!(
                "{}-use-instead.{}",
                rule.id,
                extension(&rule.docs.use_instead)
            ),
            &rule.docs.use_instead,
        );
        let hits = of_rule(&compliant, rule);
        if !hits.is_empty() {
            problems.push(format!(
                "{}: the compliant example triggers the rule: {:?}",
                rule.id,
                hits.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        // A compliant example must at least be a readable template.
        if compliant.iter().any(|f| f.rule == "ACR000") {
            problems.push(format!("{}: the compliant example does not parse", rule.id));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_has_complete_docs() {
    for rule in builtin_rules().unwrap() {
        let d = &rule.docs;
        for (what, text) in [
            ("whatItDoes", &d.what_it_does),
            ("whyIsThisBad", &d.why_is_this_bad),
            ("example", &d.example),
            ("useInstead", &d.use_instead),
        ] {
            assert!(
                text.trim().len() > 20,
                "{}: {what} is empty or too short",
                rule.id
            );
        }
        assert!(!d.references.is_empty(), "{}: no references", rule.id);
        assert!(
            d.references
                .iter()
                .chain([&rule.help_uri])
                .all(|r| r.starts_with("https://")),
            "{}: references must be https links",
            rule.id
        );
        assert_ne!(
            d.example, d.use_instead,
            "{}: the examples are identical",
            rule.id
        );
        // The examples are ARM templates, so that `check` reads them as such, or
        // Bicep files that parse.
        for t in [&d.example, &d.use_instead] {
            if BICEP_EXAMPLES.contains(&rule.id.as_str()) {
                let parsed = acrlint::syntax::bicep::parse(t);
                assert!(
                    parsed.diagnostics.is_empty(),
                    "{}: the Bicep example does not parse: {:?}",
                    rule.id,
                    parsed.diagnostics
                );
                continue;
            }
            let json: serde_json::Value = serde_json::from_str(t)
                .unwrap_or_else(|e| panic!("{}: example is not JSON: {e}", rule.id));
            if rule.id != "ACR000" {
                assert!(
                    json["$schema"]
                        .as_str()
                        .is_some_and(|s| s.contains("deploymentTemplate.json")),
                    "{}: example is not a deployment template",
                    rule.id
                );
            }
        }
    }
}

#[cfg(feature = "corpus")]
#[test]
fn mirrored_policies_match_the_reference_definitions() {
    // GUIDs and display names are copied exactly from the Azure Policy files.
    let mut definitions = std::collections::HashMap::new();
    for dir in [
        "reference/azure-policy/container-registry",
        "reference/azure-policy/container-registry-related",
    ] {
        let dir = acrlint::test_support::shared(dir);
        for d in acrlint::PolicyDefinition::load_path(&dir) {
            let d = d.unwrap();
            definitions.insert(d.name.clone(), d);
        }
    }
    assert!(
        definitions.len() >= 26,
        "reference definitions missing: {}",
        definitions.len()
    );
    let mut mirrored = 0;
    for rule in builtin_rules().unwrap() {
        for p in &rule.policies {
            let d = definitions.get(&p.id).unwrap_or_else(|| {
                panic!("{}: policy {} is not a reference definition", rule.id, p.id)
            });
            assert_eq!(
                p.display_name, d.display_name,
                "{}: display name of {}",
                rule.id, p.id
            );
            let default_effect = d.effect.map(|e| e.name().to_string()).unwrap_or_default();
            assert_eq!(p.effect, default_effect, "{}: effect of {}", rule.id, p.id);
            mirrored += 1;
        }
    }
    assert_eq!(mirrored, 17, "policy references across the catalogue");
}
