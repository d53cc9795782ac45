//! The default suite passes in a bare clone: no file under `src/` or `tests/` (code,
//! comments, snapshots, data) names the shared data folder by a relative path. Corpus
//! tests find it through `acrlint::test_support::shared` (the one place that knows
//! where it is) and compile only with the `corpus` feature; snapshots write its
//! location as `test_support::LABEL`.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Lines that name the shared folder by a relative path.
fn naming_the_shared_folder(text: &str) -> Vec<(usize, String)> {
    let needles = [concat!("..", "/shared"), concat!("..", "\\shared")];
    text.lines()
        .enumerate()
        .filter(|(_, line)| needles.iter().any(|n| line.contains(n)))
        .map(|(i, line)| (i + 1, line.trim().to_string()))
        .collect()
}

#[test]
fn no_file_names_the_shared_folder_by_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for dir in ["src", "tests", "benches", "fuzz/fuzz_targets"] {
        files(&root.join(dir), &mut all);
    }
    assert!(all.len() > 100, "only {} files", all.len());
    assert!(all.iter().any(|f| f.ends_with("src/test_support.rs")));
    let mut offenders = Vec::new();
    for file in &all {
        // Binary fixtures (encodings) are not text; they cannot name a path usefully.
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (line, code) in naming_the_shared_folder(&text) {
            offenders.push(format!(
                "{}:{line}: {code}",
                file.strip_prefix(root).unwrap_or(file).display()
            ));
        }
    }
    assert!(
        offenders.is_empty(),
        "read the shared data through acrlint::test_support::shared, behind the `corpus` \
         feature, and write its location as test_support::LABEL, not by path:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_sees_paths_in_code_comments_and_snapshots() {
    let path = concat!("\"..", "/shared/corpus\"");
    let text = format!("// {path}\nlet p = Path::new({path});\n  \"file\": {path}\nnone\n");
    assert_eq!(
        naming_the_shared_folder(&text)
            .iter()
            .map(|(line, _)| *line)
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}
