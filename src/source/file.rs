//! Reading a file from disk: size cap, UTF-8 check, BOM, line index.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::arm::limits::MAX_FILE_BYTES;
use crate::source::json::Span;
use crate::source::line_index::{LineCol, LineIndex};

/// A file's text and where it came from.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Text with a UTF-8 byte order mark removed.
    pub text: Arc<str>,
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
}

impl SourceFile {
    pub fn from_text(path: impl Into<PathBuf>, text: &str) -> SourceFile {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        SourceFile {
            path: path.into(),
            lines: OnceLock::new(),
            text: Arc::from(text),
        }
    }

    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let err = |message: String, offset: Option<u32>| ReadError {
            path: path.to_path_buf(),
            message,
            offset,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}"), None))?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(err(
                format!(
                    "file is {} bytes, larger than the {} byte limit",
                    meta.len(),
                    MAX_FILE_BYTES
                ),
                None,
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}"), None))?;
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                return Err(err("file is not valid UTF-8".into(), Some(at as u32)));
            }
        };
        Ok(SourceFile::from_text(path, &text))
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
