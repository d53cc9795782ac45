//! What every output format does to text it did not write itself (template values in
//! messages, file names, source lines): characters that would act on a terminal, a
//! log viewer or an XML parser instead of being shown are shown escaped, and source
//! excerpts are clipped to a window around the finding.
//!
//! Escaped are control characters (C0, DEL, C1: ESC starts terminal sequences, BEL
//! rings, NUL truncates), format characters (bidirectional overrides such as U+202E
//! reorder what is shown around them; zero-width characters and U+FEFF hide), the line
//! and paragraph separators U+2028/U+2029, and noncharacters (U+FFFE, U+FFFF, …), which
//! XML 1.0 forbids along with most C0 controls.

use std::borrow::Cow;

/// Longest source excerpt shown whole (the lines a finding spans).
pub const MAX_EXCERPT_BYTES: usize = 4096;
/// Characters shown on either side of a finding when its lines are longer than
/// [`MAX_EXCERPT_BYTES`] (a minified template is one line): one 60 MB line copied into
/// every result made hundreds of megabytes of output.
pub const EXCERPT_RADIUS: usize = 120;

/// Whether `c` is shown escaped.
pub fn is_hazard(c: char) -> bool {
    c.is_control() || is_format(c) || matches!(c, '\u{2028}' | '\u{2029}') || is_noncharacter(c)
}

/// Unicode's format characters (general category Cf).
fn is_format(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// U+FDD0..U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let n = c as u32;
    (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

fn escaped(c: char) -> String {
    c.escape_default().to_string()
}

/// Text for one line of output (a message, a path): every hazard escaped, line
/// breaks and tabs included.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hazard) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_hazard(c) {
                    escaped(c)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Text that may span lines (descriptions, source excerpts): hazards escaped, but line
/// feeds, tabs and the carriage return of a `\r\n` kept.
pub fn multi_line(s: &str) -> Cow<'_, str> {
    let mut unchanged = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if !kept(c, chars.peek().copied()) {
            unchanged = false;
            break;
        }
    }
    if unchanged {
        return Cow::Borrowed(s);
    }
    Cow::Owned(excerpt(s, 0, 0).0)
}

fn kept(c: char, next: Option<char>) -> bool {
    !is_hazard(c) || c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'))
}

/// [`multi_line`] for an excerpt of source with a range `start..end` in it (byte
/// offsets): returns the text and the range moved to where it is in the text.
pub fn excerpt(s: &str, start: usize, end: usize) -> (String, usize, usize) {
    let mut out = String::with_capacity(s.len());
    let (mut new_start, mut new_end) = (start, end);
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i == start {
            new_start = out.len();
        }
        if i == end {
            new_end = out.len();
        }
        if kept(c, chars.peek().map(|(_, n)| *n)) {
            out.push(c);
        } else {
            out.push_str(&escaped(c));
        }
    }
    if start >= s.len() {
        new_start = out.len();
    }
    if end >= s.len() {
        new_end = out.len();
    }
    (out, new_start, new_end.max(new_start))
}

/// The part of `line` (`line_start..line_end`, byte offsets into `text`) shown around
/// `start..end`: at most `radius` characters on either side of it, and at most
/// `2 * radius` characters of the range itself. Returns `(from, to, end)`: the window
/// and the range's end inside it.
pub fn window(
    text: &str,
    (line_start, line_end): (usize, usize),
    (start, end): (usize, usize),
    radius: usize,
) -> (usize, usize, usize) {
    let start = start.clamp(line_start, line_end);
    let end = end.clamp(start, line_end);
    let back = |from: usize, n: usize| {
        text.get(line_start..from)
            .and_then(|t| t.char_indices().rev().nth(n.saturating_sub(1)))
            .map_or(line_start, |(i, _)| line_start + i)
    };
    let ahead = |from: usize, n: usize| {
        text.get(from..line_end)
            .and_then(|t| t.char_indices().nth(n))
            .map_or(line_end, |(i, _)| from + i)
    };
    let end = end.min(ahead(start, 2 * radius));
    (back(start, radius), ahead(end, radius), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_are_escaped() {
        let nasty = "a\u{1b}[2Jb\u{7}c\u{0}d\u{85}e\u{202e}f\u{2028}g\u{2029}h\u{feff}i\u{200b}j\u{fffe}k\u{ffff}l\u{e0041}";
        let shown = one_line(nasty);
        assert!(!shown.chars().any(is_hazard), "{shown}");
        assert_eq!(
            shown,
            "a\\u{1b}[2Jb\\u{7}c\\u{0}d\\u{85}e\\u{202e}f\\u{2028}g\\u{2029}h\\u{feff}i\\u{200b}j\\u{fffe}k\\u{ffff}l\\u{e0041}"
        );
        assert_eq!(one_line("two\nlines\t"), "two\\nlines\\t");
        assert!(matches!(one_line("plain é 😀"), Cow::Borrowed(_)));
    }

    #[test]
    fn multi_line_text_keeps_its_line_breaks() {
        assert!(matches!(multi_line("a\r\nb\n\tc"), Cow::Borrowed(_)));
        assert_eq!(multi_line("a\rb\u{1b}c\n"), "a\\rb\\u{1b}c\n");
    }

    #[test]
    fn excerpt_ranges_follow_the_escapes() {
        let (text, s, e) = excerpt("x\u{1b}\"val\u{202e}ue\" y", 2, 12);
        assert_eq!(text, "x\\u{1b}\"val\\u{202e}ue\" y");
        assert_eq!(&text[s..e], "\"val\\u{202e}ue\"");
        let (text, s, e) = excerpt("ab", 2, 2);
        assert_eq!((text.as_str(), s, e), ("ab", 2, 2));
    }

    #[test]
    fn windows_are_clipped_around_the_range() {
        let line = format!("{}[TARGET]{}", "a".repeat(1000), "b".repeat(1000));
        let (from, to, end) = window(&line, (0, line.len()), (1000, 1008), 10);
        assert_eq!(&line[from..to], "aaaaaaaaaa[TARGET]bbbbbbbbbb");
        assert_eq!(end, 1008);
        // A long range is cut too.
        let (from, to, end) = window(&line, (0, line.len()), (0, line.len()), 10);
        assert_eq!((from, end, to), (0, 20, 30));
        // Multi-byte characters are never split.
        let wide = "é".repeat(100);
        let (from, to, _) = window(&wide, (0, wide.len()), (100, 102), 5);
        assert_eq!(&wide[from..to], "é".repeat(11));
    }
}
