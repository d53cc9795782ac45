//! Paths as users see them: relative to the working directory, with forward slashes.

use std::path::{Component, Path, PathBuf};

/// A path as shown to users: relative to the working directory when inside it,
/// with forward slashes.
pub fn relative_path(path: &Path) -> String {
    relative_to(path, &working_dir())
}

/// `path` relative to `base` when it lies inside it (or is already relative), with
/// forward slashes and without a leading `./`; otherwise the path as given.
pub fn relative_to(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The working directory paths are shown relative to (`.` if it cannot be read).
pub(crate) fn working_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// `path` made absolute against `base` and cleaned of `.` and `..` components,
/// without touching the file system (the file may not exist any more).
pub(crate) fn absolute_in(path: &Path, base: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let base = Path::new("/home/dev/project");
        assert_eq!(
            relative_to(Path::new("/home/dev/project/a/b.json"), base),
            "a/b.json"
        );
        assert_eq!(
            relative_to(Path::new("/home/dev/other/b.json"), base),
            "/home/dev/other/b.json"
        );
        assert_eq!(relative_to(Path::new("./a/b.json"), base), "a/b.json");
        assert_eq!(relative_to(Path::new("././a.json"), base), "a.json");
        assert_eq!(
            relative_to(Path::new("../elsewhere/x.json"), base),
            "../elsewhere/x.json"
        );
        assert_eq!(relative_to(Path::new("a\\b.json"), base), "a/b.json");
        // A sibling directory whose name extends the base's is not inside it.
        assert_eq!(
            relative_to(Path::new("/home/dev/project2/a.json"), base),
            "/home/dev/project2/a.json"
        );
    }

    #[test]
    fn absolute_paths_are_cleaned_lexically() {
        let base = Path::new("/base/dir");
        assert_eq!(
            absolute_in(Path::new("a/../b/./c.json"), base),
            Path::new("/base/dir/b/c.json")
        );
        assert_eq!(
            absolute_in(Path::new("../x.json"), base),
            Path::new("/base/x.json")
        );
        assert_eq!(
            absolute_in(Path::new("/abs/./y/../z"), base),
            Path::new("/abs/z")
        );
    }
}
