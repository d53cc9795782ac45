//! Writing files safely: `fix` and `--output` replace a file by writing a temporary
//! file created with `O_EXCL` in the same directory and renaming it over the target,
//! so an interrupted run never leaves a truncated file; a symbolic link is never
//! written through; and a file edited since it was read is not replaced.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha1::{Digest, Sha1};

/// What a file was when it was read: a later write checks that it still is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub size: u64,
    pub modified: Option<SystemTime>,
    pub digest: [u8; 20],
}

impl Snapshot {
    pub fn of(meta: &std::fs::Metadata, bytes: &[u8]) -> Snapshot {
        Snapshot {
            size: meta.len(),
            modified: meta.modified().ok(),
            digest: Sha1::digest(bytes).into(),
        }
    }

    /// Whether the file at `path` is still what was read (size and modification time
    /// first, then the content).
    fn still_matches(&self, path: &Path) -> Result<bool, String> {
        let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read: {e}"))?;
        if !meta.is_file() || meta.len() != self.size || meta.modified().ok() != self.modified {
            return Ok(false);
        }
        let bytes = crate::load::read_capped(path, self.size)?;
        Ok(Sha1::digest(&bytes).as_slice() == self.digest)
    }
}

/// A file's bytes and its [`Snapshot`], from one open file.
pub fn read_for_update(path: &Path, cap: u64) -> Result<(Vec<u8>, Snapshot), String> {
    let (bytes, meta) = crate::load::read_capped_with_metadata(path, cap)?;
    let snapshot = Snapshot::of(&meta, &bytes);
    Ok((bytes, snapshot))
}

/// Why a file was not written.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The file changed since it was read: it is left as it is.
    Changed,
    /// The path is a symbolic link, or leads out of the directory it must stay in.
    Refused(String),
    Io(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => f.write_str("the file changed since it was read; not written"),
            WriteError::Refused(why) | WriteError::Io(why) => f.write_str(why),
        }
    }
}

/// Replace the regular file at `path` with `bytes`, keeping its permissions, through a
/// temporary file in its directory; `expected` is what the file was when read (it is
/// not replaced if it changed since). Refused when `path` is a symbolic link or when
/// its directory, with links resolved, is not inside `root`.
pub fn replace_file(
    path: &Path,
    bytes: &[u8],
    expected: &Snapshot,
    root: &Path,
) -> Result<(), WriteError> {
    let meta = std::fs::symlink_metadata(path)
        .map_err(|e| WriteError::Io(format!("cannot write: {e}")))?;
    if meta.file_type().is_symlink() {
        return Err(WriteError::Refused(
            "not written: it is a symbolic link (fix the file it points to instead)".into(),
        ));
    }
    if !meta.is_file() {
        return Err(WriteError::Refused(
            "not written: not a regular file".into(),
        ));
    }
    let dir = directory_inside(path, root)?;
    if !expected.still_matches(path).map_err(WriteError::Io)? {
        return Err(WriteError::Changed);
    }
    let temp = temp_file_with(&dir, bytes, Some(meta.permissions()))?;
    // One last look: an edit made while the temporary file was written wins.
    if !expected.still_matches(path).map_err(WriteError::Io)? {
        return Err(WriteError::Changed);
    }
    temp.persist(path)
        .map(|_| ())
        .map_err(|e| WriteError::Io(format!("cannot write: {}", e.error)))
}

/// Write an output file (`--output`): a new or regular file is replaced through a
/// temporary file; a device or FIFO (`/dev/null`), also through a link (`/dev/stdout`),
/// is written to; a symbolic link to anything else is refused.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        // A link to a device or a pipe (`/dev/stdout`) is written to, as the device.
        Ok(meta)
            if meta.file_type().is_symlink()
                && std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) =>
        {
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|f| write_to_device(f, bytes))
                .map_err(|e| format!("{}: {e}", path.display()))
        }
        Ok(meta) if meta.file_type().is_symlink() => Err(format!(
            "{}: is a symbolic link; name the file itself",
            path.display()
        )),
        Ok(meta) if !meta.is_file() && !meta.is_dir() => open_existing_no_follow(path)
            .and_then(|f| write_to_device(f, bytes))
            .map_err(|e| format!("{}: {e}", path.display())),
        Ok(meta) if meta.is_dir() => Err(format!("{}: is a directory", path.display())),
        _ => {
            let dir = parent_dir(path);
            let temp = temp_file_with(&dir, bytes, None)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            temp.persist(path)
                .map(|_| ())
                .map_err(|e| format!("{}: {}", path.display(), e.error))
        }
    }
}

/// Write to a device or a pipe. A pipe whose reader went away (`--output /dev/stdout |
/// head -1`) takes nothing more, and that is not an error: the run ends as it would
/// have (its exit code stands), without a word about a broken pipe.
fn write_to_device(mut f: std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    match f.write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn temp_file_with(
    dir: &Path,
    bytes: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> Result<tempfile::NamedTempFile, WriteError> {
    let io = |e: std::io::Error| WriteError::Io(format!("cannot write: {e}"));
    let mut temp = tempfile::Builder::new()
        .prefix(".acrlint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    if let Some(p) = permissions {
        temp.as_file().set_permissions(p).map_err(io)?;
    }
    temp.as_file().sync_all().map_err(io)?;
    Ok(temp)
}

impl From<WriteError> for String {
    fn from(e: WriteError) -> String {
        e.to_string()
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The directory of `path`, when it lies inside `root` with every link resolved.
fn directory_inside(path: &Path, root: &Path) -> Result<PathBuf, WriteError> {
    let dir = parent_dir(path);
    let real = dir
        .canonicalize()
        .map_err(|e| WriteError::Io(format!("cannot write: {e}")))?;
    let real_root = root
        .canonicalize()
        .map_err(|e| WriteError::Io(format!("cannot write: {}: {e}", root.display())))?;
    if !real.starts_with(&real_root) {
        return Err(WriteError::Refused(format!(
            "not written: its directory leads out of {} through a symbolic link",
            root.display()
        )));
    }
    Ok(real)
}

#[cfg(unix)]
fn open_existing_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_existing_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).open(path)
}

/// The directory writes to `path` are confined to: the nearest enclosing repository
/// root (a directory holding `.git`), else the working directory when `path` lies in
/// it, else `path`'s own directory.
pub fn write_root(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = parent_dir(&absolute);
    if let Some(repo) = dir.ancestors().find(|d| d.join(".git").exists()) {
        return repo.to_path_buf();
    }
    match std::env::current_dir() {
        Ok(cwd) if absolute.starts_with(&cwd) => cwd,
        _ => dir,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, "one").unwrap();
        let (bytes, snapshot) = read_for_update(&path, 1024).unwrap();
        assert_eq!(bytes, b"one");
        // Same size, new content (and mtime): an edit made while fixing.
        std::fs::write(&path, "two").unwrap();
        assert_eq!(
            replace_file(&path, b"fixed", &snapshot, dir.path()),
            Err(WriteError::Changed)
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        // Unchanged: replaced.
        let (_, snapshot) = read_for_update(&path, 1024).unwrap();
        assert_eq!(replace_file(&path, b"fixed", &snapshot, dir.path()), Ok(()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn outputs_go_to_devices_as_they_are() {
        assert_eq!(write_output(Path::new("/dev/null"), b"x"), Ok(()));
    }
}
