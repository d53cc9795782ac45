//! `check` on the real ACR corpus: ACR001 fails exactly where MANIFEST.tsv says the
//! registry is deployed with the admin user enabled, and no file gets ACR000.

use std::path::{Path, PathBuf};

use acrlint::check::{check_file, CheckOptions};
use acrlint::rules::engine::Engine;
use acrlint::rules::finding::{Level, Status};

const CORPUS: &str = "../shared/corpus";

struct Row {
    kind: String,
    admin_user: String,
    path: PathBuf,
}

fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(Path::new(CORPUS).join("MANIFEST.tsv"))
        .expect("../shared/corpus/MANIFEST.tsv must exist");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (kind, admin, path) = (col("kind"), col("admin_user"), col("corpus_path"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .map(|c| Row {
            kind: c[kind].to_string(),
            admin_user: c[admin].to_string(),
            path: Path::new(CORPUS).join(c[path]),
        })
        .collect()
}

#[test]
fn acr001_fails_exactly_where_the_admin_user_is_enabled() {
    let engine = Engine::builtin().unwrap();
    let options = CheckOptions::default();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for row in manifest().iter().filter(|r| r.kind == "arm") {
        let outcome = check_file(&row.path, true, &engine, &options);
        assert!(
            !outcome.fatal,
            "{} could not be checked",
            row.path.display()
        );
        checked += 1;
        let expected = row.admin_user.split(';').filter(|v| *v == "true").count();
        let fails: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule == "ACR001" && f.status == Status::Fail)
            .collect();
        let possibles = outcome
            .findings
            .iter()
            .filter(|f| f.rule == "ACR001" && f.status == Status::Possible)
            .count();
        if fails.len() != expected || possibles != 0 {
            mismatches.push(format!(
                "{}: manifest says {:?}, got {} fail(s), {} possible",
                row.path.display(),
                row.admin_user,
                fails.len(),
                possibles
            ));
        }
        for f in fails {
            assert_eq!(f.level, Level::Error);
            // The finding points at the adminUserEnabled value (or the expression
            // producing the properties): its line holds the text.
            let text = std::fs::read_to_string(&row.path).unwrap();
            let line = text
                .lines()
                .nth(f.location.start.line as usize - 1)
                .unwrap();
            assert!(
                line.contains("adminUserEnabled") || line.contains('['),
                "{}:{} does not point at adminUserEnabled: {line}",
                row.path.display(),
                f.location.start.line
            );
        }
    }
    assert!(checked >= 50, "only {checked} ARM files in the manifest");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn no_acr000_on_any_corpus_template() {
    let engine = Engine::builtin().unwrap();
    let options = CheckOptions::default();
    let mut bad = Vec::new();
    for row in manifest()
        .iter()
        .filter(|r| r.kind == "arm" || r.kind == "params")
    {
        let outcome = check_file(&row.path, false, &engine, &options);
        for f in outcome.findings.iter().filter(|f| f.rule == "ACR000") {
            bad.push(format!(
                "{}:{}: {}",
                row.path.display(),
                f.location.start.line,
                f.message
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
