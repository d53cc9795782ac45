//! The Bicep parser on any text, then the lowering and expansion of what it parsed
//! (through a temporary file: the lowering reads modules relative to it).
#![no_main]

use std::io::Write;
use std::sync::OnceLock;

use acrlint::syntax::bicep;
use acrlint::{expand_files, ExpandOptions};
use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("acrlint-fuzz-bicep-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch directory");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = bicep::parse(&text);
    let path = scratch().join("main.bicep");
    let Ok(mut f) = std::fs::File::create(&path) else {
        return;
    };
    if f.write_all(data).is_err() {
        return;
    }
    drop(f);
    let Ok(project) = acrlint::load_bicep(&path) else {
        return;
    };
    let options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    let _ = expand_files(project.files, project.param_file, &options);
});
