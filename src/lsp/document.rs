//! An open document: the editor's text, its version, and the conversions between
//! the protocol's positions (line, UTF-16 code unit) and byte offsets; `file:` URIs
//! and paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use crate::source::file::SourceText;
use crate::source::line_index::LineIndex;

/// A document the editor has open.
#[derive(Clone, Debug)]
pub struct Document {
    /// The URI as the editor spelt it (diagnostics are published under it).
    pub uri: Uri,
    pub path: PathBuf,
    pub version: i32,
    /// The buffer, as the editor has it (a byte order mark included, if any).
    pub text: SourceText,
}

impl Document {
    /// Apply `didChange` events in order: a ranged event replaces its range, one
    /// without a range replaces the whole text.
    pub fn apply_changes(&mut self, changes: Vec<TextDocumentContentChangeEvent>) {
        let text = Arc::make_mut(&mut self.text);
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = offset_of(text, range.start);
                    let end = offset_of(text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
                None => *text = change.text,
            }
        }
    }

    /// The text checked: the buffer without its byte order mark.
    pub fn checked_text(&self) -> SourceText {
        match self.text.strip_prefix('\u{feff}') {
            Some(rest) => Arc::new(rest.to_string()),
            None => self.text.clone(),
        }
    }
}

/// The byte offset of a protocol position in `text` (positions past a line's end
/// or past the text clamp to them, as the protocol asks).
pub fn offset_of(text: &str, position: Position) -> usize {
    let Some(line_start) = line_start(text, position.line) else {
        return text.len();
    };
    let line_end = text[line_start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= position.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The byte offset where 0-based line `line` starts; `None` past the last line.
/// (memchr: templates are megabytes, and every finding is placed this way.)
fn line_start(text: &str, line: u32) -> Option<usize> {
    match line {
        0 => Some(0),
        n => memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(n as usize - 1)
            .map(|i| i + 1),
    }
}

/// The protocol position of a 1-based line and column (columns counting Unicode
/// scalar values, as findings do) in `text`, whose line index is `lines`.
pub fn position_of(text: &str, lines: &LineIndex, line: u32, column: u32) -> Position {
    let line0 = line.saturating_sub(1);
    let (start, end) = lines.line_range(text, line);
    let character = text[start..end]
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(|c| c.len_utf16() as u32)
        .sum();
    Position {
        line: line0,
        character,
    }
}

/// The protocol position of a byte offset of `text`.
pub fn position_at(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: memchr::memchr_iter(b'\n', before.as_bytes()).count() as u32,
        character: before[line_start..]
            .chars()
            .map(|c| c.len_utf16() as u32)
            .sum(),
    }
}

/// The protocol range of a byte range of `text`.
pub fn range_at(text: &str, start: usize, end: usize) -> Range {
    Range {
        start: position_at(text, start),
        end: position_at(text, end),
    }
}

/// The path a `file:` URI names; `None` for other schemes.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}

/// Characters a path keeps percent-encoded in a `file:` URI.
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    Uri::from_str(&format!(
        "file://{}",
        utf8_percent_encode(text, PATH_ESCAPES)
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn positions_count_utf16_units_and_clamp() {
        let text = "ab\n\u{1F600}x\r\nend";
        assert_eq!(offset_of(text, pos(0, 1)), 1);
        // The emoji is two UTF-16 units and four bytes.
        assert_eq!(offset_of(text, pos(1, 2)), 7);
        assert_eq!(offset_of(text, pos(1, 99)), 8);
        assert_eq!(offset_of(text, pos(9, 0)), text.len());
        assert_eq!(position_at(text, 7), pos(1, 2));
        let lines = LineIndex::new(text);
        assert_eq!(position_of(text, &lines, 2, 2), pos(1, 2));
        assert_eq!(position_of(text, &lines, 3, 4), pos(2, 3));
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut doc = Document {
            uri: Uri::from_str("file:///t/a.bicep").unwrap(),
            path: PathBuf::from("/t/a.bicep"),
            version: 1,
            text: Arc::new("param a string\nparam b int\n".into()),
        };
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        doc.apply_changes(vec![
            change(Some(Range::new(pos(0, 6), pos(0, 7))), "first"),
            change(Some(Range::new(pos(1, 6), pos(1, 6))), "second_"),
        ]);
        assert_eq!(*doc.text, "param first string\nparam second_b int\n");
        doc.apply_changes(vec![change(None, "x")]);
        assert_eq!(*doc.text, "x");
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/work/my templates/a#1.json");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///work/my%20templates/a%231.json");
        assert_eq!(path_of(&uri).unwrap(), path);
        assert!(path_of(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
    }
}
