//! Reading a file from disk: size cap, encoding (UTF-8, or UTF-16/32 with a byte order
//! mark), line index.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::source::json::{DirectiveComment, Node, Span};
use crate::source::line_index::{LineCol, LineIndex};

/// A file's text, shared. An `Arc<String>` rather than an `Arc<str>`: the bytes read
/// from disk become the text without being copied again.
pub type SourceText = Arc<String>;

/// Index of a source file in the list of files one load reads (the template, its
/// parameter file, modules).
pub type FileId = u32;

/// The language a file is written in, decided once from its name
/// ([`Language::of`]); every stage asks this, never the extension itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// An ARM template or parameter file, JSON with comments (`.json`, `.jsonc`).
    Json,
    /// A Bicep template (`.bicep`).
    Bicep,
    /// A Bicep parameters file (`.bicepparam`).
    BicepParam,
}

impl Language {
    /// The language of a file by its extension (any case); `None` for files acrlint
    /// does not read.
    pub fn of(path: &Path) -> Option<Language> {
        let ext = path.extension()?;
        if ext.eq_ignore_ascii_case("json") || ext.eq_ignore_ascii_case("jsonc") {
            Some(Language::Json)
        } else if ext.eq_ignore_ascii_case("bicep") {
            Some(Language::Bicep)
        } else if ext.eq_ignore_ascii_case("bicepparam") {
            Some(Language::BicepParam)
        } else {
            None
        }
    }

    /// Whether the file is Bicep source (a template or a parameters file).
    pub fn is_bicep(self) -> bool {
        matches!(self, Language::Bicep | Language::BicepParam)
    }
}

/// A file taking part in an expansion (the template, its parameter file, …): its
/// text and its JSON tree (for Bicep, the tree lowered from it).
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub source: Arc<SourceFile>,
    pub root: Arc<Node>,
    /// Comments that mention acrlint (suppression directives).
    pub directives: Vec<DirectiveComment>,
    /// The tree was lowered from another language (Bicep): its spans point into that
    /// text and its expression strings were written by the lowering, not the author.
    pub lowered: bool,
    /// For a registry module read from the Bicep module cache: the `module` statements
    /// that use it (findings inside it are reported there, where the user can act).
    pub registry_uses: Vec<RegistryUse>,
}

/// A `module` statement that uses a registry module.
#[derive(Clone, Debug)]
pub struct RegistryUse {
    /// The file of the statement.
    pub file: FileId,
    /// The whole statement.
    pub statement: Span,
    /// The module path string.
    pub path: Span,
    /// The module path as written (`br/public:…`).
    pub reference: String,
}

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

    /// A text shared with others (an editor's buffer, a fixed text), as it is: no
    /// byte order mark is looked for.
    pub fn shared(path: impl Into<PathBuf>, text: SourceText) -> SourceFile {
        SourceFile {
            path: path.into(),
            lines: OnceLock::new(),
            text,
        }
    }

    /// The text of a file read as `bytes` (UTF-8, or UTF-16/UTF-32 with a byte order mark: see
    /// [`crate::source::encoding`]).
    pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, ReadError> {
        let err = |message: String, offset: Option<u32>| ReadError {
            path: path.to_path_buf(),
            message,
            offset,
            lossy: None,
        };
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

#[cfg(test)]
mod tests {
    use crate::source::encoding::not_utf8;

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
