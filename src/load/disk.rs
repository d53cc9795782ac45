//! The disk as [`Sources`]: the only place where loading reads files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::file::{ReadError, SourceFile};
use crate::source::limits::MAX_FILE_BYTES;
use crate::source::sources::Sources;

/// Files as they are on disk.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl Sources for Disk {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        let bytes = read_capped(path, MAX_FILE_BYTES).map_err(|message| ReadError {
            path: path.to_path_buf(),
            message,
            offset: None,
            lossy: None,
        })?;
        SourceFile::decode(path, bytes).map(Arc::new)
    }

    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String> {
        read_capped(path, cap)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn file_names(&self, dir: &Path) -> Vec<String> {
        let listed = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::read_dir(listed)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect()
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// The bytes of a regular file of at most `cap` bytes. Devices, FIFOs and
/// directories are refused (`/dev/zero` would never end, a FIFO would block), and the
/// cap holds even when the size the file system reports is wrong (`/proc` files).
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = open_without_blocking(path).map_err(|e| format!("cannot read: {e}"))?;
    // The open file's metadata: no second lookup of the path.
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("cannot read: not a regular file".into());
    }
    let too_big = |n: u64| format!("file is {n} bytes, larger than the {cap} byte limit");
    if meta.len() > cap {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("file is larger than the {cap} byte limit"));
    }
    Ok(bytes)
}

/// Open for reading; a FIFO opens at once instead of waiting for a writer (it is then
/// refused as not a regular file).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}
