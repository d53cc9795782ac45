//! JSONC loading, expansion (full, and as `check` does it), the `expand` JSON output
//! and every rule, on any text.
#![no_main]

use std::sync::{Arc, OnceLock};

use acrlint::{expand_loaded, load_text, Engine, EngineInput, ExpandOptions, SourceFile};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builtin().expect("built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = Arc::new(SourceFile::from_text(
        "/nonexistent/fuzz/azuredeploy.json",
        &text,
    ));
    // Everything evaluated (as `expand` does), then only what the rules read (as
    // `check` does: unread bodies deferred, unread templates syntax-checked or only
    // their copy counts evaluated).
    for bodies in [Default::default(), engine().bodies()] {
        let Ok(loaded) = load_text(source.clone()) else {
            return;
        };
        let options = ExpandOptions {
            no_parameter_discovery: true,
            bodies,
            ..Default::default()
        };
        let Ok(expansion) = expand_loaded(loaded, &options) else {
            return;
        };
        let _ = acrlint::expansion_to_json(&expansion);
        let _ = acrlint::diagnostic_findings(&expansion);
        let input = EngineInput {
            expansion: &expansion,
            options: &options,
            mode: Default::default(),
            template_path: std::path::Path::new("/nonexistent/fuzz/azuredeploy.json"),
            sources: &acrlint::Disk,
        };
        let _ = engine().run(&input);
    }
});
