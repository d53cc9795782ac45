//! `check` on the real ACR corpus: ACR001 fails exactly where MANIFEST.tsv says the
//! registry is deployed with the admin user enabled, and no file gets ACR000.

use std::path::PathBuf;

use acrlint::{check_file, CheckOptions, Engine, Level, Status};

fn corpus() -> PathBuf {
    acrlint::test_support::shared("corpus")
}

struct Row {
    kind: String,
    admin_user: String,
    path: PathBuf,
}

fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(corpus().join("MANIFEST.tsv"))
        .expect("the corpus has a MANIFEST.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (kind, admin, path) = (col("kind"), col("admin_user"), col("corpus_path"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .map(|c| Row {
            kind: c[kind].to_string(),
            admin_user: c[admin].to_string(),
            path: corpus().join(c[path]),
        })
        .collect()
}

#[test]
fn acr001_fails_exactly_where_the_admin_user_is_enabled() {
    let engine = Engine::builtin().unwrap();
    let options = CheckOptions::default();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    let rows = manifest();
    for row in rows.iter().filter(|r| r.kind == "arm" || r.kind == "bicep") {
        let outcome = check_file(&row.path, true, &engine, &options);
        assert!(
            !outcome.fatal,
            "{} could not be checked",
            row.path.display()
        );
        checked += 1;
        let expected = row.admin_user.split(';').filter(|v| *v == "true").count();
        let all_fails: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule == "ACR001" && f.status == Status::Fail)
            .collect();
        // A Bicep file deploying a module reports the module's value in the module file:
        // that file's own manifest row must say the admin user is enabled there.
        for f in all_fails.iter().filter(|f| f.location.file != row.path) {
            let module = rows.iter().find(|r| r.path == f.location.file);
            assert!(
                module.is_some_and(|m| m.admin_user.split(';').any(|v| v == "true")),
                "{}: ACR001 in {}, which the manifest does not mark as enabling the admin user",
                row.path.display(),
                f.location.file.display()
            );
        }
        let fails: Vec<_> = all_fails
            .into_iter()
            .filter(|f| f.location.file == row.path)
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
            // (In the module file when the value is written there.)
            let text = std::fs::read_to_string(&f.location.file).unwrap();
            let line = text
                .lines()
                .nth(f.location.start.line as usize - 1)
                .unwrap();
            assert!(
                line.contains("adminUserEnabled") || line.contains('[') || line.contains("admin"),
                "{}:{} does not point at adminUserEnabled: {line}",
                f.location.file.display(),
                f.location.start.line
            );
        }
    }
    assert!(
        checked >= 200,
        "only {checked} ARM and Bicep files in the manifest"
    );
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
        // Two parameter files of the quickstarts whose template the repository's build
        // generates (`prereq.main.bicep` compiles to `prereq.azuredeploy.json`, which is
        // not in the repository): a note that nothing was checked with them.
        let generated = row
            .path
            .ends_with("prereqs/prereq.azuredeploy.parameters.json");
        for f in outcome.findings.iter().filter(|f| f.rule == "ACR000") {
            if generated && f.level == Level::Note && f.message.contains(acrlint::NO_TEMPLATE) {
                continue;
            }
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

/// AKS-Construction's `samples/deploy-stages`: every stage is walked and also deployed
/// by `main.bicep`. No finding is shown twice, and the count is that of distinct
/// findings.
#[test]
fn deploy_stages_findings_are_not_duplicated() {
    let dir = corpus().join("acr/Azure__AKS-Construction/samples");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_acrlint"))
        .args(["check", "deploy-stages", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let mut seen = std::collections::HashSet::new();
    for f in findings {
        let key = (
            f["rule"].to_string(),
            f["file"].to_string(),
            f["startLine"].to_string(),
            f["startColumn"].to_string(),
            f["message"].to_string(),
        );
        assert!(seen.insert(key), "shown twice: {f}");
        // Clean: no `a/../b` (a file above the working folder starts with `../`).
        let file = f["file"].as_str().unwrap();
        assert!(!file.contains("/../") && !file.contains("/./"), "{f}");
    }
}
