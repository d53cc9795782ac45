//! Per-rule fixtures, KICS style: for every built-in rule a hand-written positive and
//! negative template under `tests/fixtures/rules/<id>/`, plus (with the `corpus`
//! feature) real templates of the shared corpus's `acr/` folder, read there, never
//! copied. The (file, line) pairs of each rule's findings on its positive files are
//! asserted exactly, its negative files must give none, and the findings (level,
//! status, line, column, message) are pinned by insta snapshots: `<id>` for the
//! fixtures, `<id>_corpus` for the corpus files.

use std::path::{Path, PathBuf};

use acrlint::{check_file, CheckOptions, Engine, Finding};

/// The corpus's `acr/` folder.
#[cfg(feature = "corpus")]
fn corpus_acr() -> PathBuf {
    acrlint::test_support::shared("corpus/acr")
}

/// The corpus files of a case.
#[cfg(feature = "corpus")]
fn corpus_files(paths: &[&str]) -> Vec<PathBuf> {
    paths.iter().map(|p| corpus_acr().join(p)).collect()
}

/// Without the `corpus` feature, none.
#[cfg(not(feature = "corpus"))]
fn corpus_files(_: &[&str]) -> Vec<PathBuf> {
    Vec::new()
}

/// One rule's fixtures and the exact lines its findings must be on.
struct Case {
    rule: &'static str,
    /// Corpus files (relative to the corpus's `acr/` folder) where the rule fires.
    corpus_positive: &'static [&'static str],
    /// Corpus files with the rule's resource types where it must not fire.
    corpus_negative: &'static [&'static str],
    /// `(file, line)` of every finding: `positive.json` or a corpus path.
    expected: &'static [(&'static str, u32)],
}

const QUICKSTART_POLICIES: &str = "Azure__azure-quickstart-templates/quickstarts/microsoft.containerregistry/container-registry-with-policies-and-diagnostics/azuredeploy.json";
const CONTAINER_APP_ACR: &str =
    "Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr/azuredeploy.json";
const PSRULE_SCOPE: &str =
    "BernieWhite__PSRule.Rules.Azure/tests/PSRule.Rules.Azure.Tests/Bicep/ScopeTestCases/Tests.Bicep.2.json";
const AISTUDIO_PASSTHROUGH: &str = "Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/aistudio-entraid-passthrough/azuredeploy.json";
const AISTUDIO_RESTRICTED: &str = "Azure__azure-quickstart-templates/quickstarts/microsoft.machinelearningservices/aistudio-network-restricted/azuredeploy.json";
const AVM_REGISTRY: &str =
    "Azure__bicep-registry-modules/avm/res/container-registry/registry/main.json";
const AKS_NAT_AGIC: &str = "Azure__azure-quickstart-templates/demos/aks-nat-agic/azuredeploy.json";
const PRIVATE_AKS: &str =
    "Azure__azure-quickstart-templates/demos/private-aks-cluster-with-public-dns-zone/azuredeploy.json";
const WEBSITE_WITH_CONTAINER: &str =
    "Azure__bicep/src/Bicep.Core.Samples/Files/user_submitted/101/website-with-container/main.json";
const CARML_REGISTRY: &str = "Azure__ResourceModules/modules/container-registry/registry/main.json";
const AZD_AKS: &str = "Azure__bicep-registry-modules/avm/ptn/azd/aks/main.json";
const IMPORT_IMAGE: &str =
    "Azure__bicep-registry-modules/avm/ptn/deployment-script/import-image-to-acr/main.json";

const CASES: &[Case] = &[
    Case {
        rule: "ACR001",
        corpus_positive: &[CONTAINER_APP_ACR],
        corpus_negative: &[PSRULE_SCOPE],
        expected: &[("positive.json", 27), ("positive.json", 39), ("positive.json", 51), (CONTAINER_APP_ACR, 246)],
    },
    Case {
        rule: "ACR002",
        corpus_positive: &[],
        corpus_negative: &["Azure__bicep-registry-modules/avm/res/container-registry/registry/replication/main.json"],
        expected: &[("positive.json", 19)],
    },
    Case {
        rule: "ACR003",
        corpus_positive: &[WEBSITE_WITH_CONTAINER],
        corpus_negative: &[CONTAINER_APP_ACR],
        expected: &[("positive.json", 21), (WEBSITE_WITH_CONTAINER, 64)],
    },
    Case {
        rule: "ACR004",
        corpus_positive: &[],
        corpus_negative: &[QUICKSTART_POLICIES],
        expected: &[("positive.json", 23), ("positive.json", 35)],
    },
    Case {
        rule: "ACR005",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[AISTUDIO_PASSTHROUGH],
        expected: &[("positive.json", 22), ("positive.json", 33), ("positive.json", 45), (QUICKSTART_POLICIES, 175)],
    },
    Case {
        rule: "ACR006",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[AISTUDIO_PASSTHROUGH],
        expected: &[("positive.json", 13), ("positive.json", 26), (QUICKSTART_POLICIES, 178)],
    },
    Case {
        rule: "ACR007",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[],
        expected: &[("positive.json", 13), ("positive.json", 29), ("positive.json", 45), (QUICKSTART_POLICIES, 179)],
    },
    Case {
        rule: "ACR008",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[AVM_REGISTRY],
        expected: &[("positive.json", 13), ("positive.json", 25), ("positive.json", 40), (QUICKSTART_POLICIES, 179)],
    },
    Case {
        rule: "ACR009",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[],
        expected: &[("positive.json", 13), ("positive.json", 25), (QUICKSTART_POLICIES, 173)],
    },
    Case {
        rule: "ACR010",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[PSRULE_SCOPE],
        expected: &[("positive.json", 21), ("positive.json", 31), ("positive.json", 41), (QUICKSTART_POLICIES, 170)],
    },
    Case {
        rule: "ACR011",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[AISTUDIO_RESTRICTED],
        expected: &[("positive.json", 13), ("positive.json", 25), ("positive.json", 59), (QUICKSTART_POLICIES, 167)],
    },
    Case {
        rule: "ACR012",
        corpus_positive: &["Azure__bicep-registry-modules/avm/res/container-registry/registry/token/main.json"],
        corpus_negative: &[],
        expected: &[
            ("positive.json", 22),
            ("positive.json", 35),
            ("Azure__bicep-registry-modules/avm/res/container-registry/registry/token/main.json", 97),
        ],
    },
    Case {
        rule: "ACR013",
        corpus_positive: &["Azure__bicep-registry-modules/avm/res/container-registry/registry/cache-rule/main.json"],
        corpus_negative: &[],
        expected: &[
            ("positive.json", 23),
            ("Azure__bicep-registry-modules/avm/res/container-registry/registry/cache-rule/main.json", 88),
        ],
    },
    Case {
        rule: "ACR014",
        corpus_positive: &[QUICKSTART_POLICIES],
        corpus_negative: &[AVM_REGISTRY],
        expected: &[("positive.json", 13), ("positive.json", 24), (QUICKSTART_POLICIES, 176)],
    },
    Case {
        rule: "ACR015",
        corpus_positive: &[],
        corpus_negative: &[QUICKSTART_POLICIES],
        expected: &[("positive.json", 20), ("positive.json", 30)],
    },
    Case {
        rule: "ACR016",
        corpus_positive: &[CARML_REGISTRY],
        corpus_negative: &[QUICKSTART_POLICIES],
        expected: &[
            ("positive.json", 23),
            ("positive.json", 24),
            ("positive.json", 27),
            ("positive.json", 33),
            ("positive.json", 43),
            ("positive.json", 74),
            (CARML_REGISTRY, 1773),
        ],
    },
    Case {
        rule: "ACR017",
        corpus_positive: &[PSRULE_SCOPE],
        corpus_negative: &[QUICKSTART_POLICIES],
        expected: &[("positive.json", 20), ("positive.json", 30), ("positive.json", 40), ("positive.json", 50), (PSRULE_SCOPE, 147)],
    },
    Case {
        rule: "ACR018",
        corpus_positive: &[],
        corpus_negative: &["Azure__bicep-registry-modules/avm/res/container-registry/registry/scope-map/main.json"],
        expected: &[("positive.json", 24), ("positive.json", 25), ("positive.json", 39), ("positive.json", 58)],
    },
    Case {
        rule: "ACR019",
        corpus_positive: &[],
        corpus_negative: &["Azure__bicep-registry-modules/avm/res/container-registry/registry/task/main.json"],
        expected: &[("positive.json", 40), ("positive.json", 75)],
    },
    Case {
        rule: "ACR020",
        corpus_positive: &[CONTAINER_APP_ACR, IMPORT_IMAGE],
        corpus_negative: &[AKS_NAT_AGIC],
        expected: &[("positive.json", 29), ("positive.json", 39), ("positive.json", 50), (CONTAINER_APP_ACR, 394), (IMPORT_IMAGE, 282)],
    },
    Case {
        rule: "ACR021",
        corpus_positive: &[AKS_NAT_AGIC],
        corpus_negative: &[QUICKSTART_POLICIES],
        expected: &[("positive.json", 22), ("positive.json", 35), ("positive.json", 48), (AKS_NAT_AGIC, 1510)],
    },
    Case {
        rule: "ACR022",
        corpus_positive: &[AKS_NAT_AGIC],
        corpus_negative: &[QUICKSTART_POLICIES],
        expected: &[("positive.json", 22), ("positive.json", 35), ("positive.json", 48), (AKS_NAT_AGIC, 1506)],
    },
    Case {
        rule: "ACR023",
        corpus_positive: &[PRIVATE_AKS],
        // Its registry enables the retention policy.
        corpus_negative: &[AKS_NAT_AGIC, QUICKSTART_POLICIES],
        expected: &[("positive.json", 22), ("positive.json", 35), ("positive.json", 48), (PRIVATE_AKS, 1438)],
    },
    Case {
        rule: "ACR024",
        // No corpus template assigns a legacy role on a registry in ABAC mode; these
        // assign AcrPull at resource group scope beside an RBAC registry (container
        // app) and to a registry module whose nullable mode parameter is not passed.
        corpus_positive: &[],
        corpus_negative: &[CONTAINER_APP_ACR, AZD_AKS],
        expected: &[("positive.json", 65), ("positive.json", 75), ("positive.json", 84), ("positive.json", 95), ("positive.json", 106)],
    },
];

fn fixture(rule: &str, name: &str) -> PathBuf {
    Path::new("tests/fixtures/rules").join(rule).join(name)
}

fn findings_of(engine: &Engine, rule: &str, path: &Path) -> Vec<Finding> {
    assert!(path.is_file(), "{} is missing", path.display());
    let outcome = check_file(path, true, engine, &CheckOptions::default());
    assert!(
        !outcome.fatal,
        "{} could not be checked: {:?}",
        path.display(),
        outcome.findings
    );
    let mut fs: Vec<Finding> = outcome
        .findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect();
    fs.sort_by_key(Finding::sort_key);
    fs
}

/// How a file is named in expectations and snapshots.
fn label(path: &Path) -> String {
    #[cfg(feature = "corpus")]
    if let Ok(rest) = path.strip_prefix(corpus_acr()) {
        return rest.to_string_lossy().replace('\\', "/");
    }
    path.file_name().map_or(path.display().to_string(), |n| {
        n.to_string_lossy().into_owned()
    })
}

/// Whether a label names a fixture (rather than a corpus file).
fn is_fixture(label: &str) -> bool {
    !label.contains('/')
}

fn render(fs: &[(String, Finding)]) -> String {
    let mut out = String::new();
    for (file, f) in fs {
        out.push_str(&format!(
            "{file}:{}:{} {} {} {}\n    {}\n",
            f.location.start.line,
            f.location.start.column,
            f.rule,
            f.level.as_str(),
            f.status.as_str(),
            f.message
        ));
    }
    out
}

#[test]
fn every_builtin_rule_has_a_case_and_fixtures() {
    let engine = Engine::builtin().unwrap();
    let ids: Vec<String> = engine
        .metas()
        .into_iter()
        .map(|m| m.id)
        // Findings of the driver's rules come from loading, not from rules over
        // resources: ACR000 is tested with the parsers, ACR100 in registry_modules.rs.
        .filter(|id| !acrlint::DRIVER_RULES.contains(&id.as_str()))
        .collect();
    let cased: Vec<&str> = CASES.iter().map(|c| c.rule).collect();
    assert_eq!(
        ids, cased,
        "every rule (and only built-in rules) has a fixture case, in order"
    );
    for c in CASES {
        assert!(
            fixture(c.rule, "positive.json").is_file(),
            "{}: positive.json",
            c.rule
        );
        assert!(
            fixture(c.rule, "negative.json").is_file(),
            "{}: negative.json",
            c.rule
        );
    }
}

#[test]
fn positive_fixtures_give_exactly_the_expected_lines() {
    let engine = Engine::builtin().unwrap();
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for c in CASES {
        let mut files = vec![fixture(c.rule, "positive.json")];
        files.extend(corpus_files(c.corpus_positive));
        let mut found: Vec<(String, Finding)> = Vec::new();
        for f in &files {
            for finding in findings_of(&engine, c.rule, f) {
                found.push((label(f), finding));
            }
        }
        let mut got: Vec<(String, u32)> = found
            .iter()
            .map(|(file, f)| (file.clone(), f.location.start.line))
            .collect();
        let mut want: Vec<(String, u32)> = c
            .expected
            .iter()
            .filter(|(f, _)| cfg!(feature = "corpus") || is_fixture(f))
            .map(|(f, l)| (f.to_string(), *l))
            .collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "{}: expected {want:?}\n        got {got:?}",
                c.rule
            ));
        }
        let (fixtures, corpus): (Vec<_>, Vec<_>) =
            found.into_iter().partition(|(file, _)| is_fixture(file));
        snapshots.push((c.rule, render(&fixtures), render(&corpus)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (rule, text, corpus) in snapshots {
        insta::assert_snapshot!(rule, text);
        if cfg!(feature = "corpus") {
            insta::assert_snapshot!(format!("{rule}_corpus"), corpus);
        }
    }
}

#[test]
fn negative_fixtures_give_nothing() {
    let engine = Engine::builtin().unwrap();
    let mut failures = Vec::new();
    for c in CASES {
        let mut files = vec![fixture(c.rule, "negative.json")];
        files.extend(corpus_files(c.corpus_negative));
        for f in &files {
            let fs = findings_of(&engine, c.rule, f);
            if !fs.is_empty() {
                let lines: Vec<String> = fs
                    .iter()
                    .map(|x| format!("{}: {}", x.location.start.line, x.message))
                    .collect();
                failures.push(format!(
                    "{} on {}:\n  {}",
                    c.rule,
                    label(f),
                    lines.join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_positives_contain_the_rules_resource_types() {
    // A corpus reference must be a real template of the corpus (guards against typos
    // in the table silently testing nothing).
    for c in CASES {
        for p in c.corpus_positive.iter().chain(c.corpus_negative) {
            let path = corpus_acr().join(p);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                text.contains("deploymentTemplate.json"),
                "{p} is not a template"
            );
        }
    }
}
