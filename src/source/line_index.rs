//! Byte offsets to 1-based line and column, computed only when rendering.

/// Start offsets of every line of a text, and checkpoints inside long lines.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// In lines longer than [`CHECKPOINT_BYTES`], every `CHECKPOINT_BYTES` or so: a
    /// byte offset and its column (0-based), in order. Columns count characters from
    /// the start of the line, so without these, every position in a minified template
    /// of one 60 MB line cost a pass over the line.
    checkpoints: Vec<(u32, u32)>,
}

/// Distance between two checkpoints of a long line.
const CHECKPOINT_BYTES: usize = 1024;

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
        let mut checkpoints = Vec::new();
        let ends = line_starts.iter().skip(1).map(|e| *e as usize);
        for (start, end) in line_starts
            .iter()
            .map(|s| *s as usize)
            .zip(ends.chain([text.len()]))
        {
            let (mut at, mut column) = (start, 0u32);
            while end - at > CHECKPOINT_BYTES {
                let mut next = at + CHECKPOINT_BYTES;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                column += text[at..next].chars().count() as u32;
                checkpoints.push((next as u32, column));
                at = next;
            }
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
    }

    /// The last checkpoint at or before `offset` in the line starting at `line_start`,
    /// or the line's start.
    fn checkpoint_before(&self, line_start: usize, offset: usize) -> (usize, u32) {
        let i = self
            .checkpoints
            .partition_point(|(at, _)| *at as usize <= offset);
        match i.checked_sub(1).map(|i| self.checkpoints[i]) {
            Some((at, column)) if at as usize >= line_start => (at as usize, column),
            _ => (line_start, 0),
        }
    }

    /// Byte offset of a 1-based column of a 1-based line; a column past the end of the
    /// line is the line's end.
    pub fn offset_of(&self, text: &str, line: u32, column: u32) -> usize {
        let (start, end) = self.line_range(text, line);
        let want = column.saturating_sub(1);
        // The last checkpoint of the line before the column.
        let from = self
            .checkpoints
            .partition_point(|(at, _)| (*at as usize) < start);
        let upto = self
            .checkpoints
            .partition_point(|(at, _)| (*at as usize) <= end);
        let i = self.checkpoints[from..upto].partition_point(|(_, c)| *c <= want);
        let (at, col) = match i.checked_sub(1) {
            Some(i) => {
                let (at, c) = self.checkpoints[from + i];
                (at as usize, c)
            }
            None => (start, 0),
        };
        let skip = (want - col) as usize;
        text.get(at..end)
            .and_then(|t| t.char_indices().nth(skip))
            .map_or(end, |(i, _)| at + i)
    }

    /// Line and column of a byte offset into `text` (the same text the index was built on).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let mut end = offset as usize;
        let (start, before) = self.checkpoint_before(self.line_starts[line] as usize, end);
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = before + text[start..end].chars().count() as u32 + 1;
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

    #[test]
    fn columns_in_long_lines_count_from_checkpoints() {
        // Three long lines of mixed one- and multi-byte characters.
        let line: String = (0..40_000)
            .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
            .collect();
        let text = format!("{line}\n{line}\r\n{line}");
        let idx = LineIndex::new(&text);
        assert!(!idx.checkpoints.is_empty());
        let starts = [0, line.len() + 1, 2 * line.len() + 3];
        for (n, start) in starts.iter().enumerate() {
            for (column, (i, _)) in line.char_indices().enumerate().step_by(997) {
                let want = LineCol {
                    line: n as u32 + 1,
                    column: column as u32 + 1,
                };
                assert_eq!(idx.line_col(&text, (start + i) as u32), want);
                assert_eq!(idx.offset_of(&text, want.line, want.column), start + i);
            }
            // Past the end of the line: its end.
            let end = start + line.len();
            assert_eq!(idx.offset_of(&text, n as u32 + 1, 1_000_000), end);
        }
    }
}
