//! The fixer's invariants over the whole corpus (`--features corpus`): every file in
//! `acr/`, every `bicep-baselines/` sample and every quickstart with a finding the
//! fixer could act on, plus `acrlint new` output, fixed in memory with the safe fixes
//! and again with `--unsafe-fixes`:
//!
//! - the fixed text parses and checks without an internal error;
//! - the evaluated model differs from the original only at the paths the applied
//!   fixes write, in the resources whose findings were fixed, and (with
//!   `--unsafe-fixes` only) in the apiVersion of such a resource, upgraded to the
//!   target version;
//! - every fixed finding is gone and no new error or warning appears;
//! - the bytes outside the changed lines are identical (line diff), and changed
//!   lines lie inside a fixed resource or a parameter/variable it reads;
//! - a second run changes nothing and plans nothing more.
//!
//! It prints the counts: findings the fixer was asked to fix, fixed, refused by
//! reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use acrlint::test_support::shared;
use acrlint::{
    check_source, fix_text, CheckOptions, Disk, Engine, Finding, FixOptions, FixSpec, Level,
    Loader, Overlay, RegistryRequest, Sku, TemplateFormat, API_UPGRADE_TARGET,
};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "bicep" | "bicepparam" | "jsonc")
        ) {
            out.push(p);
        }
    }
}

fn own_findings(
    path: &Path,
    sources: &dyn acrlint::Sources,
    engine: &Engine,
) -> Option<Vec<Finding>> {
    let outcome = check_source(path, sources, false, engine, &CheckOptions::default());
    if !outcome.checked || outcome.fatal {
        return None;
    }
    let own = sources.canonical(path);
    Some(
        outcome
            .findings
            .into_iter()
            .filter(|f| sources.canonical(&f.location.file) == own)
            .collect(),
    )
}

type Key = (String, Option<String>, Option<String>);

fn key(f: &Finding) -> Key {
    (
        f.rule.clone(),
        f.resource_type.clone(),
        f.resource_name.clone(),
    )
}

/// (type, span, body, condition) of the file's own resources.
type Model = Vec<(String, (u32, u32), serde_json::Value, serde_json::Value)>;

fn model(path: &Path, sources: &dyn acrlint::Sources) -> Option<Model> {
    let exp = Loader::new(sources)
        .expand(path, &acrlint::ExpandOptions::default())
        .ok()?;
    let mut resources: Model = exp
        .resources
        .iter()
        .filter(|r| r.file == 0 && !r.existing)
        .map(|r| {
            (
                r.resource_type.to_ascii_lowercase(),
                (r.span.start, r.span.end),
                r.body.to_json(),
                r.condition.to_json(),
            )
        })
        .collect();
    // In the order written: a fix that renames a resource may reorder the expansion.
    resources.sort_by_key(|r| r.1 .0);
    Some(resources)
}

fn diff_paths(a: &serde_json::Value, b: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
    use serde_json::Value as J;
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            let mut keys: Vec<String> = x.keys().map(|k| k.to_ascii_lowercase()).collect();
            keys.extend(y.keys().map(|k| k.to_ascii_lowercase()));
            keys.sort();
            keys.dedup();
            let get = |m: &serde_json::Map<String, J>, k: &str| {
                m.iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.clone())
            };
            for k in keys {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match (get(x, &k), get(y, &k)) {
                    (Some(p), Some(q)) => diff_paths(&p, &q, &path, out),
                    _ => out.push(path),
                }
            }
        }
        _ if a == b => {}
        _ => out.push(prefix.to_string()),
    }
}

#[derive(Default)]
struct Counts {
    files: usize,
    files_changed: usize,
    asked: usize,
    fixed: usize,
    /// Resources whose apiVersion was upgraded.
    upgraded: usize,
    refused: BTreeMap<String, usize>,
}

/// The reason class of a refusal or a manual fix, for the counts.
fn reason_class(advice: &str) -> String {
    let classes = [
        (
            "cannot have private endpoints",
            "SKU without private endpoints",
        ),
        ("SKU of", "SKU not known to be Premium"),
        ("cannot be upgraded", "apiVersion cannot be upgraded"),
        (
            "upgrade the apiVersion",
            "apiVersion cannot carry the property",
        ),
        ("would cause", "would cause another finding"),
        ("parameter file", "value set in a parameter file"),
        ("also used elsewhere", "definition shared with other uses"),
        ("loop", "copy loop"),
        (
            "already has a condition",
            "resource already has a condition",
        ),
        ("overlapping", "overlapping edits"),
        ("computed", "computed value"),
        ("expression", "computed value"),
        ("no default", "parameter without a default"),
        ("allow", "parameter's allowed values"),
    ];
    classes
        .iter()
        .find(|(needle, _)| advice.contains(needle))
        .map_or_else(|| "other".to_string(), |(_, class)| class.to_string())
}

fn check_file(path: &Path, engine: &Engine, options: &FixOptions, counts: &mut Counts) {
    let Ok(original) = std::fs::read_to_string(path) else {
        return;
    };
    let label = path.display().to_string();
    let Some(before) = own_findings(path, &Disk, engine) else {
        return;
    };
    let result = fix_text(path, &original, engine, options);
    if let Some(e) = &result.error {
        assert!(!e.contains("internal error"), "{label}: {e}");
        // Files the checker cannot evaluate are not the fixer's to judge.
        return;
    }
    if result.skipped {
        return;
    }
    counts.files += 1;
    let asked: Vec<&Finding> = before
        .iter()
        .filter(|f| {
            f.suppression.is_none()
                && f.status == acrlint::Status::Fail
                && f.level >= Level::Warning
                && engine.meta(&f.rule).is_some_and(|m| m.fix.is_some())
        })
        .collect();
    counts.asked += asked.len();
    counts.fixed += result.applied;
    for m in &result.manual {
        *counts.refused.entry(reason_class(&m.advice)).or_default() += 1;
    }
    assert!(!result.deferred, "{label}: passes ran out");
    if !result.changed() {
        assert_eq!(result.applied, 0, "{label}: fixed without a change");
        return;
    }
    counts.files_changed += 1;
    let fixed = result.fixed.clone();
    let mut overlay = Overlay::new(&Disk);
    overlay.set(
        path,
        Arc::new(fixed.trim_start_matches('\u{feff}').to_string()),
    );
    let after = own_findings(path, &overlay, engine)
        .unwrap_or_else(|| panic!("{label}: the fixed text no longer checks"));
    // No new warning or error.
    for a in after
        .iter()
        .filter(|a| a.level >= Level::Warning && a.suppression.is_none())
    {
        assert!(
            before
                .iter()
                .any(|b| key(b) == key(a) && b.level >= a.level),
            "{label}: new {} {}",
            a.rule,
            a.message
        );
    }
    // Fixed findings are gone; which ones were fixed, by key.
    let gone: Vec<&&Finding> = asked
        .iter()
        .filter(|f| !after.iter().any(|a| key(a) == key(f)))
        .collect();
    assert!(!gone.is_empty(), "{label}: changed, yet no finding is gone");
    // The model differs only where the gone findings' fixes write.
    let m0 = model(path, &Disk).unwrap_or_else(|| panic!("{label}: original model"));
    let m1 = model(path, &overlay).unwrap_or_else(|| panic!("{label}: fixed model"));
    assert_eq!(m0.len(), m1.len(), "{label}: resource count changed");
    for ((t0, span, b0, c0), (t1, _, b1, c1)) in m0.iter().zip(&m1) {
        assert_eq!(t0, t1, "{label}");
        let specs: Vec<FixSpec> = gone
            .iter()
            .filter(|f| span.0 <= f.location.byte_start && f.location.byte_start <= span.1)
            .filter_map(|f| {
                engine
                    .meta(&f.rule)?
                    .fix
                    .as_ref()
                    .and_then(|s| FixSpec::parse(s).ok())
            })
            .collect();
        if specs.iter().any(|s| !s.replace.is_empty()) {
            continue;
        }
        if c0 != c1 {
            assert!(specs.iter().any(|s| s.guard), "{label}: condition changed");
            assert_eq!(c1, &serde_json::Value::Bool(false), "{label}");
        }
        let mut changed = Vec::new();
        diff_paths(b0, b1, "", &mut changed);
        if changed.iter().any(|c| c == "apiversion") {
            assert!(
                options.unsafe_fixes,
                "{label}: apiVersion changed by a safe fix"
            );
            assert!(
                !specs.is_empty(),
                "{label}: apiVersion of an unfixed {t0} changed"
            );
            assert_eq!(
                b1.get("apiVersion").and_then(|v| v.as_str()),
                Some(API_UPGRADE_TARGET),
                "{label}"
            );
            counts.upgraded += 1;
        }
        for c in changed.iter().filter(|c| *c != "apiversion") {
            let intended = specs.iter().flat_map(|s| &s.set).any(|s| {
                let p = s.path.to_ascii_lowercase();
                *c == p || c.starts_with(&format!("{p}.")) || p.starts_with(&format!("{c}."))
            });
            assert!(
                intended,
                "{label}: {c} changed in {t0}, which no applied fix writes"
            );
        }
    }
    // Bytes outside the changed lines are identical, and changed lines touch a fixed
    // resource's declaration or a parameter/variable it reads.
    let spans: Vec<(usize, usize)> = m0
        .iter()
        .filter(|(_, span, _, _)| {
            gone.iter()
                .any(|f| span.0 <= f.location.byte_start && f.location.byte_start <= span.1)
        })
        .map(|(_, s, _, _)| (s.0 as usize, s.1 as usize))
        .chain(gone.iter().flat_map(|f| {
            f.related
                .iter()
                .filter(|r| r.location.file == f.location.file)
                .map(|r| (r.location.byte_start as usize, r.location.byte_end as usize))
        }))
        .collect();
    let body = original.trim_start_matches('\u{feff}');
    let diff = similar::TextDiff::from_lines(body, fixed.trim_start_matches('\u{feff}'));
    let mut offset = 0usize;
    for op in diff.ops() {
        let old = op.old_range();
        let len: usize = diff.old_slices()[old.clone()].iter().map(|l| l.len()).sum();
        if op.tag() != similar::DiffTag::Equal {
            let (s, e) = (offset, offset + len);
            // The changed lines touch a fixed resource or a value it reads (a pure
            // insertion sits between two lines, at `s`).
            let inside = spans.iter().any(|(a, b)| s <= *b && *a <= e);
            assert!(
                inside,
                "{label}: edit at bytes {s}..{e} outside the fixed resources"
            );
        }
        offset += len;
    }
    // A second run changes nothing.
    let again = fix_text(path, &fixed, engine, options);
    assert!(again.error.is_none(), "{label}: {:?}", again.error);
    assert_eq!(again.fixed, fixed, "{label}: second run changed the file");
    assert_eq!(again.applied, 0, "{label}");
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    files_under(&shared("corpus/acr"), &mut files);
    files_under(&shared("corpus/bicep-baselines"), &mut files);
    let mut quickstarts = Vec::new();
    files_under(&shared("corpus/quickstarts"), &mut quickstarts);
    files.extend(quickstarts);
    files
}

fn run(options: &FixOptions, name: &str) -> Counts {
    let engine = Engine::builtin().unwrap();
    let mut counts = Counts::default();
    for path in corpus_files() {
        check_file(&path, &engine, options, &mut counts);
    }
    // `acrlint new` output: nothing to fix.
    let dir = tempfile::tempdir().unwrap();
    for sku in [None, Some(Sku::Basic), Some(Sku::Standard)] {
        for private_endpoint in [false, true] {
            if private_endpoint && sku.is_some() {
                continue;
            }
            let request = RegistryRequest {
                sku,
                private_endpoint,
                ..Default::default()
            };
            for (format, file) in [
                (TemplateFormat::Arm, "new.json"),
                (TemplateFormat::Bicep, "new.bicep"),
            ] {
                let text = acrlint::render_registry(&request, format).unwrap();
                let path = dir.path().join(file);
                std::fs::write(&path, &text).unwrap();
                let r = fix_text(&path, &text, &engine, options);
                assert!(r.error.is_none(), "{sku:?} {file}: {:?}", r.error);
                assert_eq!(
                    r.fixed, text,
                    "{sku:?} {private_endpoint} {file}: new output changed by fix"
                );
                assert!(r.manual.is_empty(), "{sku:?} {file}: {:?}", r.manual);
            }
        }
    }
    eprintln!(
        "fix {name}: {} files checked, {} changed; {} findings with a fix at warning or error, {} fixed; {} apiVersions upgraded; not fixed by reason: {:?}",
        counts.files, counts.files_changed, counts.asked, counts.fixed, counts.upgraded, counts.refused
    );
    counts
}

#[test]
fn safe_fixes_keep_every_invariant_over_the_corpus() {
    let counts = run(
        &FixOptions {
            fail_on: Some(Level::Error),
            ..Default::default()
        },
        "(safe)",
    );
    assert!(counts.files > 2000, "only {} files", counts.files);
    assert!(counts.fixed >= 30, "only {} fixed", counts.fixed);
    // An apiVersion upgrade is unsafe: refused here, with the reason.
    assert_eq!(counts.upgraded, 0);
    assert!(
        counts
            .refused
            .get("apiVersion cannot carry the property")
            .copied()
            .unwrap_or(0)
            >= 10,
        "{:?}",
        counts.refused
    );
}

#[test]
fn unsafe_fixes_keep_every_invariant_over_the_corpus() {
    let counts = run(
        &FixOptions {
            fail_on: Some(Level::Error),
            unsafe_fixes: true,
            ..Default::default()
        },
        "(--unsafe-fixes)",
    );
    assert!(counts.fixed >= 30, "only {} fixed", counts.fixed);
    assert!(counts.upgraded >= 10, "only {} upgraded", counts.upgraded);
    assert!(
        counts
            .refused
            .get("SKU without private endpoints")
            .copied()
            .unwrap_or(0)
            > 0,
        "{:?}",
        counts.refused
    );
}
