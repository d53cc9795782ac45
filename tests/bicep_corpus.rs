//! The Bicep lowering on the real files of the shared corpus's `acr/`: every `.bicep`
//! lowers and expand_files without a syntax error, and every `main.bicep` with its
//! compiled template beside it (`main.json` in AVM modules and patterns,
//! `azuredeploy.json` in quickstarts) expand_files to the same resources.

mod bicep_support;

use std::path::{Path, PathBuf};

use acrlint::test_support::shared;
use acrlint::{Severity, UnresolvedKind};
use bicep_support::{differences, expand_bicep, expand_json, resources, Compare};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn all(ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&shared("corpus/acr"), ext, &mut out);
    out.sort();
    out
}

/// Pairs whose compiled template cannot match, with the reason:
/// (path suffix of the .bicep, labels `type "name"` of the resources that differ,
/// reason). Each listed resource must still differ.
const KNOWN: &[(&str, &[&str], &str)] = &[
    (
        "AKS-Construction/samples/peered-vnet/main.bicep",
        &[
            "microsoft.resources/deployments \"appAksCluster\"",
            "microsoft.resources/deployments \"chromepool\"",
            "microsoft.resources/deployments \"edgepool\"",
            "microsoft.resources/deployments \"firefoxpool\"",
            "microsoft.resources/deployments \"seleniumGridCluster\"",
        ],
        "main.json is stale: it was compiled from an older main.bicep (agentVMSize \
         'Standard_B2ms' / 'Standard_B2s'; the source now passes 'Standard_B2s_v2')",
    ),
    (
        "microsoft.machinelearningservices/aistudio-network-restricted/main.bicep",
        &["microsoft.cognitiveservices/accounts {\"$unknown\":\"?\"}"],
        "main.json is stale: modules/dependent/aiservices.bicep now sets \
         ignoreMissingVnetServiceEndpoint: true, the compiled file has false",
    ),
    (
        "demos/aks-nat-agic/main.bicep",
        &["microsoft.insights/diagnosticsettings \"default\""],
        "azuredeploy.json comes from an older compiler that wrote the scope of an extension \
         resource as an unqualified id (format('T/{0}', name)); current compilers, and the \
         lowering, write the fully qualified resourceId(...), unknown without a subscription",
    ),
    (
        "microsoft.app/container-app-dapr-pubsub-servicebus/main.bicep",
        &[
            "microsoft.resources/deployments \"publisher\"",
            "microsoft.resources/deployments \"subscriber\"",
        ],
        "containerAppEnvName is an output of the registry module \
         br/public:app/dapr-containerapps-environment, which is not fetched (unknown); the \
         compiled file has the module's content inline",
    ),
    (
        "avm/ptn/dev-ops/cicd-agents-and-runners/main.bicep",
        &["microsoft.resources/deployments {\"$unknown\":\"?\"}"],
        "module parameters given by a ternary: the compiler writes the whole entry as \
         if(c, createObject('value', a), createObject('value', b)), the lowering writes \
         {\"value\": if(c, a, b)}. Equal when c is known; here c reads an unknown, and the \
         engine cannot bind the compiler's form (it would fall back to the default), while \
         the lowering's form gives an unknown value",
    ),
];

/// Files that are invalid upstream (the Bicep compiler rejects them), with why.
const INVALID: &[(&str, &str)] = &[(
    "AKS-Construction/samples/deploy-stages/main.bicep",
    "uses 'deployingUser', which is declared nowhere (BCP057)",
)];

#[test]
fn compiled_pairs_match() {
    let mut failures = Vec::new();
    let mut known_seen = vec![false; KNOWN.len()];
    let mut pairs = 0;
    let mut compared = 0;
    for bicep in all("bicep") {
        if bicep.file_name().is_none_or(|n| n != "main.bicep") {
            continue;
        }
        let dir = bicep.parent().unwrap_or(Path::new("."));
        let compiled: Vec<PathBuf> = ["main.json", "azuredeploy.json"]
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        if compiled.is_empty() {
            continue;
        }
        let (ours, diags) = expand_bicep(&bicep);
        let registry = diags.iter().any(
            |(_, s)| matches!(s, Severity::Unresolved(u) if u.kind == UnresolvedKind::NotRestored),
        );
        for c in compiled {
            pairs += 1;
            let their_exp = expand_json(&c);
            let v2 = std::fs::read_to_string(&c).is_ok_and(|t| t.contains("\"languageVersion\""));
            let how = Compare {
                existing: v2,
                top_level_only: registry,
                unknown_reasons: false,
            };
            let theirs = resources(&their_exp, how);
            let mine = resources(&ours, how);
            compared += mine.len();
            let rel = bicep.to_string_lossy().replace('\\', "/");
            for (label, detail) in differences(&mine, &theirs) {
                let known = KNOWN.iter().position(|(s, labels, _)| {
                    rel.ends_with(s) && labels.contains(&label.as_str())
                });
                if let Some(k) = known {
                    known_seen[k] = true;
                } else {
                    failures.push(format!(
                        "{} vs {}: {label}\n  {detail}",
                        rel,
                        c.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    ));
                }
            }
        }
    }
    for (k, seen) in known_seen.iter().enumerate() {
        if !seen {
            failures.push(format!("{} is listed in KNOWN but matches", KNOWN[k].0));
        }
    }
    eprintln!("{pairs} pairs, {compared} resources compared");
    assert!(pairs >= 25, "only {pairs} pairs");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_corpus_bicep_file_lowers_and_expands() {
    let files = all("bicep");
    assert!(files.len() > 150, "only {} .bicep files", files.len());
    let mut problems = Vec::new();
    for f in &files {
        let (exp, diags) = expand_bicep(f);
        let rel = f.to_string_lossy().replace('\\', "/");
        if let Some((_, why)) = INVALID.iter().find(|(s, _)| rel.ends_with(s)) {
            assert!(
                diags.iter().any(|(_, s)| *s == Severity::Error),
                "{rel} is listed as invalid ({why}) but lowers cleanly"
            );
            continue;
        }
        for (m, sev) in &diags {
            if matches!(sev, Severity::Error | Severity::Syntax) {
                problems.push(format!("{}: lowering: {m}", f.display()));
            }
        }
        for d in exp.syntax_errors() {
            problems.push(format!("{}: syntax: {}", f.display(), d.message));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The engine caches parsed expressions by the start offset of their node: within
/// one template level, two different expression strings must never start at the
/// same offset.
#[test]
fn expression_nodes_have_distinct_starts() {
    use acrlint::syntax::json::{Node, NodeKind};
    use std::collections::HashMap;

    fn walk<'n>(n: &'n Node, seen: &mut HashMap<u32, &'n str>, clashes: &mut Vec<String>) {
        match &n.kind {
            NodeKind::String(s)
                if s.starts_with('[') && !s.starts_with("[[") && s.ends_with(']') =>
            {
                if let Some(prev) = seen.insert(n.span.start, s) {
                    if prev != &**s {
                        clashes.push(format!("at {}: {prev} / {s}", n.span.start));
                    }
                }
            }
            NodeKind::Array(items) => items.iter().for_each(|i| walk(i, seen, clashes)),
            NodeKind::Object(members) => {
                for m in members {
                    // An inline module template is another level (its own cache).
                    let inner = m.key.eq_ignore_ascii_case("template")
                        && m.value.get(acrlint::FILE_MARKER).is_some();
                    if !inner {
                        walk(&m.value, seen, clashes);
                    }
                }
            }
            _ => {}
        }
    }

    let mut clashes = Vec::new();
    let mut bicep_files = all("bicep");
    files(&shared("corpus/bicep-baselines"), "bicep", &mut bicep_files);
    for f in &bicep_files {
        let Ok(project) = acrlint::load_bicep(f) else {
            continue;
        };
        for file in &project.files {
            let mut seen = HashMap::new();
            let mut c = Vec::new();
            walk(&file.root, &mut seen, &mut c);
            clashes.extend(
                c.into_iter()
                    .map(|c| format!("{}: {c}", file.source.path.display())),
            );
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

#[test]
fn corpus_bicepparam_files_load_and_bind() {
    let files = all("bicepparam");
    assert!(!files.is_empty());
    for f in files {
        let project = acrlint::load_bicepparam(&f)
            .unwrap_or_else(|e| panic!("{}: {}", f.display(), e.message));
        let errors: Vec<_> = project
            .diagnostics
            .iter()
            .filter(|(_, _, _, s)| matches!(s, Severity::Error | Severity::Syntax))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
        let pf = project.param_file.expect("parameter file");
        let root = project.files[pf as usize].root.clone();
        let exp =
            acrlint::expand_files(project.files, project.param_file, &bicep_support::options())
                .expect("expand_files");
        assert_eq!(exp.syntax_errors().count(), 0);
        // Every value of the file is bound as a literal with its Bicep span.
        let params = root
            .get("parameters")
            .and_then(|p| p.as_object())
            .expect("parameters");
        assert!(params.len() >= 5, "{}", params.len());
        let location = root
            .get("parameters")
            .and_then(|p| p.get("location"))
            .and_then(|p| p.get("value"))
            .and_then(|v| v.as_str());
        assert_eq!(location, Some("eastus"));
    }
}
