//! A real editor against `acrlint lsp`: headless Neovim with its built-in LSP client,
//! set up by `editors/neovim/acrlint.lua` (the README's snippet), on copies of corpus
//! templates that enable the admin user, one ARM JSON and one Bicep. Neovim must see
//! ACR001, apply its quick fix, see it go, and write what `acrlint fix --rule ACR001`
//! writes. Runs with the corpus feature (as `.ci/run` does, after installing
//! Neovim); without `nvim` on the PATH it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use acrlint::test_support::shared;

const CONTAINER_APP_ACR: &str =
    "corpus/acr/Azure__azure-quickstart-templates/quickstarts/microsoft.app/container-app-acr";

fn nvim() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("nvim"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "nvim is not on the PATH: install Neovim (apt-get install -y neovim, as .ci/run does)"
        )
    })
}

/// Edit a copy of `name` in Neovim and compare the result with `acrlint fix`'s.
fn fix_in_neovim(name: &str) {
    let original = shared(CONTAINER_APP_ACR).join(name);
    let text = std::fs::read_to_string(&original)
        .unwrap_or_else(|e| panic!("{}: {e}", original.display()));
    assert!(
        text.contains("adminUserEnabled"),
        "{name} enables the admin user"
    );
    let edited = tempfile::tempdir().unwrap();
    let fixed = tempfile::tempdir().unwrap();
    let in_editor = edited.path().join(name);
    let by_fix = fixed.path().join(name);
    std::fs::write(&in_editor, &text).unwrap();
    std::fs::write(&by_fix, &text).unwrap();

    let bin = env!("CARGO_BIN_EXE_acrlint");
    let fix = Command::new(bin)
        .args(["fix", "--rule", "ACR001"])
        .arg(&by_fix)
        .output()
        .unwrap();
    assert!(fix.status.code().is_some_and(|c| c <= 1), "{fix:?}");
    let expected = std::fs::read_to_string(&by_fix).unwrap();
    assert_ne!(expected, text, "acrlint fix changes {name}");

    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let log_path = fixed.path().join("nvim.log");
    let mut session = Command::new(nvim())
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            repo.join("tests/neovim/session.lua").display()
        ))
        .env("ACRLINT_BIN", bin)
        .env("ACRLINT_FILE", &in_editor)
        .env("ACRLINT_SNIPPET", repo.join("editors/neovim/acrlint.lua"))
        .env("XDG_STATE_HOME", edited.path())
        .env("XDG_DATA_HOME", edited.path())
        .env("XDG_CACHE_HOME", edited.path())
        .current_dir(edited.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    // The session waits at most a minute for each step; a hung editor fails too.
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(status) = session.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = session.kill();
            let _ = session.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let status = status.unwrap_or_else(|| panic!("the Neovim session hung: {log}"));
    assert!(status.success(), "the Neovim session failed: {log}");
    assert!(log.contains("ACR001 at"), "{log}");
    let written = std::fs::read_to_string(&in_editor).unwrap();
    let differs_at = written
        .bytes()
        .zip(expected.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(written.len().min(expected.len()));
    assert!(
        written == expected,
        "Neovim's buffer after the quick fix is not what acrlint fix writes: they differ from byte {differs_at} ({} and {} bytes)",
        written.len(),
        expected.len()
    );
}

#[test]
fn neovim_fixes_the_admin_user_in_arm_json() {
    fix_in_neovim("azuredeploy.json");
}

#[test]
fn neovim_fixes_the_admin_user_in_bicep() {
    fix_in_neovim("containerRegistry.bicep");
}
