//! Writing what a command produced: to stdout, where a reader that went away (`acrlint
//! check . | head -1`) ends the command quietly with exit code 0, as ripgrep does; or to
//! an `--output` file, whose missing parent folders are created and which is replaced
//! atomically (a reader never sees half a report; a symlink at the path is replaced,
//! not followed).

use std::io::{ErrorKind, Write};
use std::path::Path;

use super::{EXIT_ERROR, EXIT_OK};

/// Where `--output -` writes.
pub const STDOUT: &str = "-";

/// Whether writing reached its reader.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    All,
    /// The reader closed the pipe: stop writing, say nothing, exit 0.
    ReaderGone,
}

/// Write `text` to stdout.
pub fn stdout(text: &str) -> Result<Written, String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(Written::All),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(Written::ReaderGone),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

/// The exit code of a command whose last act was writing `text` to stdout: `code` when
/// it was written, 0 when the reader went away, 2 (after saying why) when writing failed.
pub fn print_then_exit(text: &str, code: i32) -> i32 {
    match stdout(text) {
        Ok(Written::All) => code,
        Ok(Written::ReaderGone) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

/// Write `text` to the file `path` (`-` is stdout), creating its missing parent
/// folders. A regular file (or nothing) at the path is replaced atomically; a device
/// or pipe there (`/dev/stdout`) is written to directly.
pub fn to_file(path: &Path, text: &str) -> Result<Written, String> {
    if path.as_os_str() == STDOUT {
        return stdout(text);
    }
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if special {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(fail)?;
        return match f.write_all(text.as_bytes()) {
            Ok(()) => Ok(Written::All),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(Written::ReaderGone),
            Err(e) => Err(fail(e)),
        };
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".acrlint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(Written::All)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_parent_folders_are_created() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("CodeAnalysisLogs/deep/acrlint.sarif");
        assert_eq!(to_file(&path, "{}\n"), Ok(Written::All));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("{}\n"));
        // Replaced whole, and no temporary file is left beside it.
        assert_eq!(to_file(&path, "[]\n"), Ok(Written::All));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("[]\n"));
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap_or(dir.path()))
            .map(|r| r.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names, vec![std::ffi::OsString::from("acrlint.sarif")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_path_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(to_file(&link, "new"), Ok(Written::All));
        assert_eq!(
            std::fs::read_to_string(&outside).ok().as_deref(),
            Some("keep")
        );
        assert_eq!(std::fs::read_to_string(&link).ok().as_deref(), Some("new"));
        assert!(!std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    }

    #[test]
    fn a_folder_in_the_way_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let err = to_file(dir.path(), "x").err().unwrap_or_default();
        assert!(err.starts_with(&dir.path().display().to_string()), "{err}");
    }
}
