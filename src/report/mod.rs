//! Rendering results: one file per output format, no logic elsewhere.

pub mod expand;

use std::path::Path;

/// A path as shown to users: relative to the working directory when inside it,
/// with forward slashes.
pub fn relative_path(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
