//! The default suite passes in a bare clone: no source or test file names the shared
//! data folder itself. Corpus tests find it through `acrlint::test_support::shared`
//! (the one place that knows where it is) and compile only with the `corpus` feature.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines of code (comments aside) that name the shared folder by a relative path.
fn naming_the_shared_folder(text: &str) -> Vec<(usize, String)> {
    let needles = [concat!("..", "/shared"), concat!("..", "\\shared")];
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| needles.iter().any(|n| line.contains(n)))
        .map(|(i, line)| (i + 1, line.trim().to_string()))
        .collect()
}

#[test]
fn only_the_test_support_module_names_the_shared_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches", "fuzz/fuzz_targets"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 100, "only {} Rust files", files.len());
    let helper = root.join("src/test_support.rs");
    assert!(helper.is_file());
    let mut offenders = Vec::new();
    for file in files.iter().filter(|f| **f != helper) {
        let text = std::fs::read_to_string(file).unwrap();
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
         feature, not by path:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_sees_paths_in_code_but_not_in_comments() {
    let path = concat!("\"..", "/shared/corpus\"");
    let code = format!("// {path}\nlet p = Path::new({path});\n  /// {path}\n");
    assert_eq!(
        naming_the_shared_folder(&code),
        vec![(2, format!("let p = Path::new({path});"))]
    );
}
