//! Writing what a command produced: to stdout, where a reader that went away (`acrlint
//! check . | head -1`) ends the command quietly, with the exit code its results call
//! for (a pipeline that reads part of a report must not lose its failure); or to
//! an `--output` file, whose missing parent folders are created and which is replaced
//! atomically through [`crate::check::write`] (a reader never sees half a report).
//! Each `--output` (and `--write-baseline`) names its own file, never an input of the
//! run and never a symbolic link ([`check_outputs`]).

use std::collections::HashMap;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use super::EXIT_ERROR;

/// Where `--output -` writes.
pub const STDOUT: &str = "-";

/// Whether writing reached its reader.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    All,
    /// The reader closed the pipe: stop writing, say nothing, exit as the results say.
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
/// it was written or the reader went away, 2 (after saying why) when writing failed.
pub fn print_then_exit(text: &str, code: i32) -> i32 {
    match stdout(text) {
        Ok(Written::All | Written::ReaderGone) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

/// Write `text` to the file `path` (`-` is stdout), creating its missing parent
/// folders. A regular file (or nothing) at the path is replaced atomically; a device
/// or pipe there (`/dev/stdout`) is written to directly; a symbolic link is refused.
pub fn to_file(path: &Path, text: &str) -> Result<Written, String> {
    if path.as_os_str() == STDOUT {
        return stdout(text);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.exists() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    }
    crate::check::write::write_output(path, text.as_bytes())?;
    Ok(Written::All)
}

/// How a file is told apart from another: the file itself when it exists (device and
/// inode, whatever path names it), and its directory with links resolved joined with
/// its name.
#[derive(Debug, PartialEq, Eq)]
struct FileKey {
    path: PathBuf,
    id: Option<(u64, u64)>,
}

impl FileKey {
    fn of(path: &Path) -> FileKey {
        FileKey::among(path, &mut HashMap::new())
    }

    /// [`FileKey::of`], with the folders resolved so far (a run reads thousands of
    /// files from far fewer folders).
    fn among(path: &Path, dirs: &mut HashMap<PathBuf, PathBuf>) -> FileKey {
        let name = path.file_name().map(PathBuf::from).unwrap_or_default();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // A folder that does not exist yet is created by the write, so `..` in it is
        // taken lexically.
        let dir = dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                dir.canonicalize().unwrap_or_else(|_| {
                    lexical(&std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()))
                })
            })
            .clone();
        let path_key = dir.join(name);
        FileKey {
            id: file_id(path).or_else(|| file_id(&path_key)),
            path: path_key,
        }
    }

    fn same(&self, other: &FileKey) -> bool {
        self.path == other.path || (self.id.is_some() && self.id == other.id)
    }
}

/// `path` with `.` and `..` resolved lexically.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether `path` is a symbolic link to a file a write could replace (a regular file,
/// a folder, or nothing): a link to a device or a pipe (`/dev/stdout`) is written to.
fn link_to_a_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).map_or(true, |m| m.is_file() || m.is_dir())
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}

/// An error naming the first output that is a symbolic link, repeats an earlier
/// output, or names one of `inputs`. `outputs` are (option, path) pairs.
pub fn check_outputs<'a>(
    outputs: &[(&str, &Path)],
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    if outputs.is_empty() {
        return Ok(());
    }
    let keys: Vec<FileKey> = outputs.iter().map(|(_, p)| FileKey::of(p)).collect();
    for (i, (option, path)) in outputs.iter().enumerate() {
        if link_to_a_file(path) {
            return Err(format!(
                "{option} {}: is a symbolic link; name the file itself",
                path.display()
            ));
        }
        if let Some((earlier, _)) = outputs[..i]
            .iter()
            .zip(&keys)
            .find(|(_, k)| k.same(&keys[i]))
        {
            return Err(format!(
                "{option} {}: the same file as {} {}",
                path.display(),
                earlier.0,
                earlier.1.display()
            ));
        }
    }
    let mut dirs = HashMap::new();
    for input in inputs {
        let key = FileKey::among(input, &mut dirs);
        if let Some(((option, path), _)) = outputs.iter().zip(&keys).find(|(_, k)| k.same(&key)) {
            return Err(format!(
                "{option} {}: is an input of the run ({}); it would be overwritten",
                path.display(),
                input.display()
            ));
        }
    }
    Ok(())
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
    fn a_symlink_at_the_path_is_refused_not_followed() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap_or_else(|e| panic!("{e}"));
        let err = to_file(&link, "new").err().unwrap_or_default();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&outside).ok().as_deref(),
            Some("keep")
        );
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    }

    #[test]
    fn a_folder_in_the_way_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let err = to_file(dir.path(), "x").err().unwrap_or_default();
        assert!(err.starts_with(&dir.path().display().to_string()), "{err}");
    }

    #[test]
    fn outputs_are_distinct_files_that_are_not_inputs_or_links() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("main.json");
        std::fs::write(&input, "{}").unwrap();
        let out = dir.path().join("out.sarif");
        let ok = check_outputs(&[("--output", &out)], [input.as_path()]);
        assert_eq!(ok, Ok(()));

        // The input itself, also spelt another way.
        let spelt = dir.path().join("sub/../main.json");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = check_outputs(&[("--output", &spelt)], [input.as_path()]).unwrap_err();
        assert!(err.contains("is an input of the run"), "{err}");

        // Twice the same output.
        let err = check_outputs(
            &[
                ("--output", &out),
                ("--output", &dir.path().join("./out.sarif")),
            ],
            [],
        )
        .unwrap_err();
        assert!(err.contains("the same file as --output"), "{err}");

        // A link, wherever it points.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.sarif");
            std::os::unix::fs::symlink("/tmp/elsewhere", &link).unwrap();
            let err = check_outputs(&[("--output", &link)], []).unwrap_err();
            assert!(err.contains("symbolic link"), "{err}");
            // A hard link to an input is the input.
            let hard = dir.path().join("hard.json");
            std::fs::hard_link(&input, &hard).unwrap();
            let err = check_outputs(&[("--write-baseline", &hard)], [input.as_path()]).unwrap_err();
            assert!(err.starts_with("--write-baseline"), "{err}");
        }
    }
}
