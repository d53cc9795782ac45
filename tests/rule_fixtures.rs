//! Per-rule fixtures, KICS style: for every built-in rule a hand-written positive and
//! negative template under `tests/fixtures/rules/<id>/`, plus (with the `corpus`
//! feature) real templates of the shared corpus's `acr/` folder, read there, never
//! copied. The fixtures say what they
//! expect: a line of `positive.json` where the rule must report ends with
//! `// expect: <id>` (once per finding), `negative.json` has no such line, and
//! `corpus.jsonc` lists the corpus templates where the rule reports (with the lines)
//! and those where it must not. The (file, line) pairs are asserted exactly, and the
//! findings (level, status, line, column, message) are pinned by insta snapshots:
//! `<id>` for the fixtures, `<id>_corpus` for the corpus files. The rules are the
//! registry's: a new rule needs no line here.

use std::path::{Path, PathBuf};

use acrlint::syntax::json::{self, Node, NodeKind};
use acrlint::{builtin_rules, check_file, is_driver_rule, CheckOptions, Engine, Finding};

/// The corpus's `acr/` folder.
#[cfg(feature = "corpus")]
fn corpus_acr() -> PathBuf {
    acrlint::test_support::shared("corpus/acr")
}

/// The corpus files of a case.
#[cfg(feature = "corpus")]
fn corpus_files(paths: &[String]) -> Vec<PathBuf> {
    paths.iter().map(|p| corpus_acr().join(p)).collect()
}

/// Without the `corpus` feature, none.
#[cfg(not(feature = "corpus"))]
fn corpus_files(_: &[String]) -> Vec<PathBuf> {
    Vec::new()
}

const FIXTURES: &str = "tests/fixtures/rules";

/// One rule's fixtures and the exact lines its findings must be on.
struct Case {
    rule: String,
    /// Corpus files (relative to the corpus's `acr/` folder) where the rule fires.
    corpus_positive: Vec<String>,
    /// Corpus files with the rule's resource types where it must not fire.
    corpus_negative: Vec<String>,
    /// `(file, line)` of every finding: `positive.json` or a corpus path.
    expected: Vec<(String, u32)>,
}

/// The rules `// expect:` comments name on each line of a fixture.
fn expectations(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = line.find("//").map(|at| &line[at..]) else {
            continue;
        };
        let Some(rest) = comment.split("expect:").nth(1) else {
            continue;
        };
        for id in rest.split([' ', ',']).filter(|w| !w.is_empty()) {
            out.push((i as u32 + 1, id.to_string()));
        }
    }
    out
}

fn strings(node: Option<&Node>) -> Vec<String> {
    match node.map(|n| &n.kind) {
        Some(NodeKind::Array(items)) => items
            .iter()
            .filter_map(|n| n.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

/// A rule's case, read from its fixture folder.
fn case(rule: &str) -> Case {
    let positive = std::fs::read_to_string(fixture(rule, "positive.json"))
        .unwrap_or_else(|e| panic!("{rule}: positive.json: {e}"));
    let mut expected: Vec<(String, u32)> = Vec::new();
    for (line, id) in expectations(&positive) {
        assert_eq!(id, rule, "{rule}/positive.json:{line} expects another rule");
        expected.push(("positive.json".into(), line));
    }
    let mut c = Case {
        rule: rule.to_string(),
        corpus_positive: Vec::new(),
        corpus_negative: Vec::new(),
        expected,
    };
    let Ok(text) = std::fs::read_to_string(fixture(rule, "corpus.jsonc")) else {
        return c;
    };
    let root = json::parse(&text).unwrap_or_else(|e| panic!("{rule}/corpus.jsonc: {}", e.message));
    for m in root
        .get("positive")
        .and_then(Node::as_object)
        .unwrap_or(&[])
    {
        c.corpus_positive.push(m.key.to_string());
        let lines = match &m.value.kind {
            NodeKind::Array(items) => items.as_slice(),
            _ => &[],
        };
        for l in lines {
            let NodeKind::Int(line) = l.kind else {
                panic!("{rule}/corpus.jsonc: {}: lines are numbers", m.key);
            };
            c.expected.push((m.key.to_string(), line as u32));
        }
    }
    c.corpus_negative = strings(root.get("negative"));
    c
}

/// Every built-in rule, in the registry's order, but the driver's: their findings come
/// from loading, not from rules over resources (ACR000 is tested with the parsers,
/// ACR100 in registry_modules.rs).
fn cases() -> Vec<Case> {
    builtin_rules()
        .unwrap()
        .iter()
        .filter(|m| !is_driver_rule(&m.id))
        .map(|m| case(&m.id))
        .collect()
}

fn fixture(rule: &str, name: &str) -> PathBuf {
    Path::new(FIXTURES).join(rule).join(name)
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
fn every_builtin_rule_has_fixtures_that_expect_findings() {
    let cases = cases();
    assert!(cases.len() >= 23, "{} rules", cases.len());
    for c in &cases {
        assert!(
            fixture(&c.rule, "negative.json").is_file(),
            "{}: negative.json",
            c.rule
        );
        assert!(
            c.expected.iter().any(|(f, _)| f == "positive.json"),
            "{}: positive.json has no `// expect: {}` line",
            c.rule,
            c.rule
        );
        let negative = std::fs::read_to_string(fixture(&c.rule, "negative.json")).unwrap();
        assert_eq!(
            expectations(&negative),
            [],
            "{}: negative.json expects findings",
            c.rule
        );
    }
    // Only built-in rules have fixtures.
    let known: Vec<String> = cases.iter().map(|c| c.rule.clone()).collect();
    for entry in std::fs::read_dir(FIXTURES).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(known.contains(&name), "{FIXTURES}/{name}: no such rule");
    }
}

#[test]
fn expectations_are_read_from_comments() {
    let text = "{\n  \"a\": 1, // expect: ACR016 ACR016\n  \"b\": \"expect: ACR001\",\n  // expect: ACR002\n}";
    assert_eq!(
        expectations(text),
        [
            (2, "ACR016".to_string()),
            (2, "ACR016".to_string()),
            (4, "ACR002".to_string())
        ]
    );
}

#[test]
fn positive_fixtures_give_exactly_the_expected_lines() {
    let engine = Engine::builtin().unwrap();
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    for c in &cases() {
        let mut files = vec![fixture(&c.rule, "positive.json")];
        files.extend(corpus_files(&c.corpus_positive));
        let mut found: Vec<(String, Finding)> = Vec::new();
        for f in &files {
            for finding in findings_of(&engine, &c.rule, f) {
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
            .cloned()
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
        snapshots.push((c.rule.clone(), render(&fixtures), render(&corpus)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (rule, text, corpus) in snapshots {
        insta::assert_snapshot!(rule.as_str(), text);
        if cfg!(feature = "corpus") {
            insta::assert_snapshot!(format!("{rule}_corpus"), corpus);
        }
    }
}

#[test]
fn negative_fixtures_give_nothing() {
    let engine = Engine::builtin().unwrap();
    let mut failures = Vec::new();
    for c in &cases() {
        let mut files = vec![fixture(&c.rule, "negative.json")];
        files.extend(corpus_files(&c.corpus_negative));
        for f in &files {
            let fs = findings_of(&engine, &c.rule, f);
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
    for c in &cases() {
        for p in c.corpus_positive.iter().chain(&c.corpus_negative) {
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
