//! Byte offsets to 1-based line and column, computed only when rendering.

/// Start offsets of every line of a text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

/// A 1-based line and column (columns count Unicode scalar values).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0u32];
        let bytes = text.as_bytes();
        // memchr finds the line ends many bytes at a time; templates are megabytes.
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// Line and column of a byte offset into `text` (the same text the index was built on).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[start..end].chars().count() as u32 + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// Byte range of a 1-based line, without its line terminator.
    pub fn line_range(&self, text: &str, line: u32) -> (usize, usize) {
        let idx = (line.max(1) - 1) as usize;
        let start = self
            .line_starts
            .get(idx)
            .copied()
            .unwrap_or(text.len() as u32) as usize;
        let mut end = self
            .line_starts
            .get(idx + 1)
            .map(|e| *e as usize)
            .unwrap_or(text.len());
        while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        (start, end)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\r\ncd\né x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 4), LineCol { line: 2, column: 1 });
        assert_eq!(idx.line_col(text, 5), LineCol { line: 2, column: 2 });
        // 'é' is two bytes: the 'x' after it is column 3.
        assert_eq!(idx.line_col(text, 10), LineCol { line: 3, column: 3 });
        assert_eq!(idx.line_range(text, 1), (0, 2));
        assert_eq!(idx.line_range(text, 3), (7, 11));
    }

    #[test]
    fn lone_carriage_returns_end_lines_and_crlf_counts_once() {
        let text = "a\rb\r\nc\n\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 5);
        assert_eq!(idx.line_col(text, 2), LineCol { line: 2, column: 1 });
        assert_eq!(idx.line_col(text, 5), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_col(text, 7), LineCol { line: 4, column: 1 });
        assert_eq!(idx.line_col(text, 8), LineCol { line: 5, column: 1 });
        assert_eq!(LineIndex::new("").line_count(), 1);
    }
}
