//! Where the tests find the shared corpus and reference data.
//!
//! The convention every test follows:
//!
//! - `cargo test --release --locked` must pass in a bare clone: tests in the default
//!   suite read only what the repository holds (`tests/fixtures/`, inline text).
//! - Tests that read the real templates of `corpus/` or the published definitions and
//!   specs of `reference/` compile only with the `corpus` feature
//!   (`cargo test --release --locked --features corpus`, which `.ci/run` runs): a
//!   whole test file with `required-features = ["corpus"]` in `Cargo.toml`, a single
//!   test or helper with `#[cfg(feature = "corpus")]`, a unit-test module in `src/`
//!   with `#[cfg(all(test, feature = "corpus"))]`.
//! - They find the data through [`shared`] alone: the folder named by the
//!   `ACRLINT_SHARED` environment variable, else the `shared` folder beside the
//!   repository.
//!   When the feature is on and the data is missing, the test fails and names the
//!   missing path; it never passes or skips silently. No other source or test file
//!   names the folder itself (`tests/hermetic.rs` fails if one does).
//! - Where a default test needs what a corpus file shows, write a small fixture in
//!   `tests/fixtures/` instead, and keep the corpus version behind the feature.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that names the shared data folder.
pub const SHARED_ENV: &str = "ACRLINT_SHARED";

/// The shared data folder: `$ACRLINT_SHARED`, else the `shared` folder beside the
/// repository.
/// Not checked for existence; [`shared`] does that.
pub fn shared_root() -> PathBuf {
    locate(
        std::env::var_os(SHARED_ENV),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
}

/// `relative` inside the shared data folder (`"corpus/acr"`,
/// `"reference/azure-policy/container-registry"`). Panics, naming the path, when it
/// does not exist.
pub fn shared(relative: &str) -> PathBuf {
    require(&shared_root().join(relative)).unwrap_or_else(|message| panic!("{message}"))
}

/// `text` with the shared folder's location written as [`LABEL`], so snapshots and
/// messages do not depend on where the data sits on this machine.
pub fn relabel(text: &str) -> String {
    let root = shared_root();
    let root = root.to_string_lossy();
    let root = root.trim_end_matches(['/', '\\']);
    text.replace(root, LABEL)
}

/// What [`relabel`] writes for the shared folder's location.
pub const LABEL: &str = "$SHARED";

/// The name of the folder beside the repository that holds the data by default.
const DEFAULT_NAME: &str = "shared";

fn locate(from_env: Option<OsString>, manifest_dir: &Path) -> PathBuf {
    match from_env {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => manifest_dir
            .parent()
            .unwrap_or(manifest_dir)
            .join(DEFAULT_NAME),
    }
}

fn require(path: &Path) -> Result<PathBuf, String> {
    if path.exists() {
        Ok(path.to_path_buf())
    } else {
        Err(format!(
            "{} is missing: the corpus tests need the shared data folder \
             (set {SHARED_ENV} to it, or put it in a `{DEFAULT_NAME}` folder beside the repository)",
            path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_variable_wins_over_the_folder_beside_the_repository() {
        let repo = Path::new("/src/acrlint");
        assert_eq!(
            locate(Some("/data/shared".into()), repo),
            PathBuf::from("/data/shared")
        );
        assert_eq!(locate(None, repo), PathBuf::from("/src/shared"));
        assert_eq!(locate(Some("".into()), repo), PathBuf::from("/src/shared"));
    }

    #[test]
    fn a_missing_path_is_an_error_that_names_it() {
        let missing = std::env::temp_dir().join("acrlint-no-such-shared-folder/corpus");
        let message = require(&missing).err().unwrap_or_default();
        assert!(
            message.starts_with(&format!("{} is missing", missing.display())),
            "{message}"
        );
        assert!(message.contains(SHARED_ENV), "{message}");
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(require(here), Ok(here.to_path_buf()));
    }
}
