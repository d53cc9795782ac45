//! Reading a file from disk: size cap, UTF-8 check, BOM, line index.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::arm::limits::MAX_FILE_BYTES;
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

/// Why `bytes` are not UTF-8, naming the encoding they appear to be in: a byte order
/// mark says UTF-16 or UTF-32; NUL bytes at every other position say UTF-16 without
/// one; otherwise the first invalid byte is named (Windows-1252 and Latin-1 text fails
/// there).
pub fn not_utf8(bytes: &[u8], valid_up_to: usize) -> String {
    let encoding = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Some("UTF-32 little-endian (byte order mark FF FE 00 00)")
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some("UTF-32 big-endian (byte order mark 00 00 FE FF)")
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        Some("UTF-16 little-endian (byte order mark FF FE)")
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Some("UTF-16 big-endian (byte order mark FE FF)")
    } else {
        let head = &bytes[..bytes.len().min(512)];
        let zeros_at = |parity: usize| {
            head.iter()
                .enumerate()
                .filter(|(i, b)| i % 2 == parity && **b == 0)
                .count()
        };
        let pairs = head.len() / 2;
        if pairs >= 2 && zeros_at(1) * 10 >= pairs * 9 {
            Some("UTF-16 little-endian (no byte order mark)")
        } else if pairs >= 2 && zeros_at(0) * 10 >= pairs * 9 {
            Some("UTF-16 big-endian (no byte order mark)")
        } else {
            None
        }
    };
    match encoding {
        Some(e) => format!("file is {e}, not UTF-8: save it as UTF-8"),
        None => format!(
            "file is not valid UTF-8: byte 0x{:02X} at offset {valid_up_to} (Windows-1252 or Latin-1 text?); save it as UTF-8",
            bytes.get(valid_up_to).copied().unwrap_or_default()
        ),
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

    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let err = |message: String, offset: Option<u32>| ReadError {
            path: path.to_path_buf(),
            message,
            offset,
            lossy: None,
        };
        let bytes = read_capped(path, MAX_FILE_BYTES).map_err(|m| err(m, None))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                // Offsets are into the text without its byte order mark.
                let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
                    3
                } else {
                    0
                };
                let lossy = SourceFile::from_text(path, &String::from_utf8_lossy(&bytes));
                return Err(ReadError {
                    lossy: Some(Arc::new(lossy)),
                    ..err(not_utf8(&bytes, at), Some(at.saturating_sub(bom) as u32))
                });
            }
        };
        Ok(SourceFile::from_string(path, text))
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

#[cfg(test)]
mod tests {
    use super::not_utf8;

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn the_detected_encoding_is_named() {
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(utf16le("{\"a\": 1}"));
        assert_eq!(
            not_utf8(&bom, 0),
            "file is UTF-16 little-endian (byte order mark FF FE), not UTF-8: save it as UTF-8"
        );
        assert!(not_utf8(&utf16le("{\"$schema\": \"x\"}"), 1)
            .starts_with("file is UTF-16 little-endian (no byte order mark)"));
        let be: Vec<u8> = "{}".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(not_utf8(&[&[0xFE, 0xFF][..], &be].concat(), 0).contains("UTF-16 big-endian"));
        assert!(not_utf8(&[0xFF, 0xFE, 0, 0, b'{', 0, 0, 0], 0).contains("UTF-32 little-endian"));
        assert_eq!(
            not_utf8(b"{\"name\": \"caf\xe9\"}", 13),
            "file is not valid UTF-8: byte 0xE9 at offset 13 (Windows-1252 or Latin-1 text?); save it as UTF-8"
        );
    }
}
