//! Lowering and expansion time of the largest Bicep files of the corpus (printed
//! with `--nocapture`; the bound only catches pathological slowdowns).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use acrlint::test_support::shared;
use acrlint::{expand_files, load_bicep, ExpandOptions};

fn bicep_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            bicep_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "bicep") {
            out.push(p);
        }
    }
}

#[test]
fn largest_files_lower_and_expand_quickly() {
    let mut files = Vec::new();
    bicep_files(&shared("corpus/acr"), &mut files);
    bicep_files(&shared("corpus/bicep-baselines"), &mut files);
    let mut sized: Vec<(u64, PathBuf)> = files
        .into_iter()
        .filter_map(|p| std::fs::metadata(&p).ok().map(|m| (m.len(), p)))
        .collect();
    sized.sort_by_key(|s| std::cmp::Reverse(s.0));
    assert!(sized.len() > 100);
    let options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    let mut total = Duration::ZERO;
    for (bytes, path) in sized.iter().take(8) {
        let start = Instant::now();
        let project = load_bicep(path).expect("loads");
        let lowered = start.elapsed();
        let files = project.files.len();
        let exp = expand_files(project.files, project.param_file, &options).expect("expand_files");
        let all = start.elapsed();
        total += all;
        eprintln!(
            "{:>7} bytes, {files} file(s), {:>4} resources: lower {:>8.2?}, lower+expand {:>8.2?}  {}",
            bytes,
            exp.resources.len(),
            lowered,
            all,
            path.display()
        );
        assert!(
            all < Duration::from_secs(10),
            "{} took {all:?}",
            path.display()
        );
    }
    eprintln!("total {total:.2?}");
}
