//! Reading a file from disk: size cap, encoding (UTF-8, or UTF-16/32 with a byte order
//! mark), line index.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::source::json::Span;
use crate::source::line_index::{LineCol, LineIndex};

/// A file's text, shared. An `Arc<String>` rather than an `Arc<str>`: the bytes read
/// from disk become the text without being copied again.
pub type SourceText = Arc<String>;

/// A file's text and where it came from.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Text with a UTF-8 byte order mark removed.
    pub text: SourceText,
    /// Built on first use: most files are checked without any finding to place.
    lines: OnceLock<LineIndex>,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub message: String,
    /// Byte offset of the problem when there is one (invalid UTF-8).
    pub offset: Option<u32>,
    /// The text with invalid bytes replaced, to place `offset` (invalid UTF-8).
    pub lossy: Option<Arc<SourceFile>>,
}

/// The bytes of a regular file of at most `cap` bytes. Devices, FIFOs and
/// directories are refused (`/dev/zero` would never end, a FIFO would block), and the
/// cap holds even when the size the file system reports is wrong (`/proc` files).
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    read_capped_with_metadata(path, cap).map(|(bytes, _)| bytes)
}

/// [`read_capped`], with the metadata of the file read (from the open file: no second
/// lookup of the path).
pub fn read_capped_with_metadata(
    path: &Path,
    cap: u64,
) -> Result<(Vec<u8>, std::fs::Metadata), String> {
    use std::io::Read;
    let file = open_without_blocking(path).map_err(|e| format!("cannot read: {e}"))?;
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
    Ok((bytes, meta))
}

/// A read error, with how to raise the size limit when that is what stopped it.
pub fn with_size_limit(message: String, cap: u64) -> String {
    if message.contains("byte limit") {
        format!(
            "{message} {}",
            crate::arm::limits::raise_with("file-bytes", cap)
        )
    } else {
        message
    }
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

impl SourceFile {
    pub fn from_text(path: impl Into<PathBuf>, text: &str) -> SourceFile {
        SourceFile::from_string(path, text.to_string())
    }

    /// Like `from_text`, taking ownership of the text (no copy unless it starts with
    /// a byte order mark).
    pub fn from_string(path: impl Into<PathBuf>, mut text: String) -> SourceFile {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        SourceFile {
            path: path.into(),
            lines: OnceLock::new(),
            text: Arc::new(text),
        }
    }

    /// Read a file: UTF-8, or UTF-16/UTF-32 with a byte order mark (see
    /// [`crate::source::encoding`]).
    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let err = |message: String, offset: Option<u32>| ReadError {
            path: path.to_path_buf(),
            message,
            offset,
            lossy: None,
        };
        let cap = crate::arm::limits::current().file_bytes;
        let bytes = read_capped(path, cap).map_err(|m| err(with_size_limit(m, cap), None))?;
        match crate::source::encoding::decode(bytes) {
            Ok((text, _)) => Ok(SourceFile::from_string(path, text)),
            Err(e) => Err(ReadError {
                lossy: Some(Arc::new(SourceFile::from_string(path, e.lossy))),
                ..err(e.message, Some(e.offset))
            }),
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn span_text(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}
