//! Sweep: every ARM template of the corpus expand_files, with no unsupported function and
//! no panic (issue acceptance for the template engine).

use std::path::{Path, PathBuf};

use acrlint::{classify, expand, ExpandOptions, JsonFileKind};

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Files that are really invalid upstream, with the reason.
const KNOWN_INVALID: &[(&str, &str)] = &[(
    "orchard-cms-video-portal/azuredeploy.json",
    "line 206 holds a malformed expression: `providers('Microsoft.Media', 'mediaservices')'2015-10-01'0]`",
)];

fn sweep(folder: &str) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    json_files(&acrlint::test_support::shared(folder), &mut files);
    files.sort();
    assert!(!files.is_empty(), "{folder} holds no JSON file");
    let mut templates = 0;
    let mut problems = Vec::new();
    for f in &files {
        let Ok(loaded) = acrlint::load_json(f) else {
            problems.push(format!("{}: does not parse", f.display()));
            continue;
        };
        if classify(&loaded.root) != JsonFileKind::Template {
            continue;
        }
        templates += 1;
        match expand(f, &ExpandOptions::default()) {
            Ok(exp) => {
                let json = acrlint::expansion_to_json(&exp);
                let text = serde_json::to_string(&json).unwrap();
                if let Some(at) = text.find("unsupported function") {
                    let end = text[at..].find('"').map_or(text.len(), |e| at + e);
                    problems.push(format!("{}: {}", f.display(), &text[at..end]));
                }
                let known_invalid = KNOWN_INVALID
                    .iter()
                    .any(|(suffix, _)| f.to_string_lossy().replace('\\', "/").ends_with(suffix));
                if known_invalid {
                    assert!(
                        exp.syntax_errors().count() > 0,
                        "{} is listed as invalid but is not",
                        f.display()
                    );
                    continue;
                }
                for d in exp.syntax_errors() {
                    problems.push(format!("{}: syntax: {}", f.display(), d.message));
                }
            }
            Err(e) => problems.push(format!("{}: {}", f.display(), e.render())),
        }
    }
    (templates, problems)
}

#[test]
fn every_acr_template_expands() {
    let (n, problems) = sweep("corpus/acr");
    assert!(n > 50, "only {n} templates found");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_quickstart_template_expands() {
    let (n, problems) = sweep("corpus/quickstarts");
    assert!(n > 1500, "only {n} templates found");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
