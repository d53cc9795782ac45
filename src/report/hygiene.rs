//! What the line-oriented output formats (text, GitHub commands, JUnit, Markdown) do to
//! text they did not write themselves (template values in messages, file names):
//! characters that would act on a terminal, a log viewer or an XML parser instead of
//! being shown are shown escaped.
//!
//! Escaped are control characters (C0, DEL, C1: ESC starts terminal sequences, BEL
//! rings, NUL truncates), format characters (bidirectional overrides such as U+202E
//! reorder what is shown around them; zero-width characters and U+FEFF hide), the line
//! and paragraph separators U+2028/U+2029, and noncharacters (U+FFFE, U+FFFF, …), which
//! XML 1.0 forbids along with most C0 controls.

use std::borrow::Cow;

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

/// `s` with the characters `keep` does not keep escaped (`\u{…}`, `\n`, …).
fn escape_unless(s: &str, keep: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let mut chars = s.chars().peekable();
    let mut out: Option<String> = None;
    let mut seen = 0;
    while let Some(c) = chars.next() {
        let kept = keep(c, chars.peek().copied());
        match (&mut out, kept) {
            (Some(o), true) => o.push(c),
            (Some(o), false) => o.extend(c.escape_default()),
            (None, true) => {}
            (None, false) => {
                let mut o = String::with_capacity(s.len() + 8);
                o.push_str(&s[..seen]);
                o.extend(c.escape_default());
                out = Some(o);
            }
        }
        seen += c.len_utf8();
    }
    out.map_or(Cow::Borrowed(s), Cow::Owned)
}

/// Text for one line of output (a message, a path): every hazard escaped, line breaks
/// and tabs included.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape_unless(s, |c, _| !is_hazard(c))
}

/// Text that may span lines (a whole report): hazards escaped, but line feeds, tabs and
/// the carriage return of a `\r\n` kept.
pub fn multi_line(s: &str) -> Cow<'_, str> {
    escape_unless(s, kept_in_lines)
}

fn kept_in_lines(c: char, next: Option<char>) -> bool {
    !is_hazard(c) || c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'))
}

/// [`multi_line`] for an excerpt of source with the byte range `start..end` in it:
/// the text, and the range moved to where it is in the text.
pub fn excerpt(s: &str, start: usize, end: usize) -> (Cow<'_, str>, usize, usize) {
    let text = multi_line(s);
    if matches!(text, Cow::Borrowed(_)) {
        return (text, start, end);
    }
    // Where each byte offset of `s` lands in `text`.
    let moved = |offset: usize| {
        let mut shown = 0;
        let mut chars = s[..offset.min(s.len())].chars().peekable();
        while let Some(c) = chars.next() {
            let next = chars
                .peek()
                .copied()
                .or_else(|| s[offset.min(s.len())..].chars().next());
            shown += if kept_in_lines(c, next) {
                c.len_utf8()
            } else {
                c.escape_default().count()
            };
        }
        shown
    };
    let (start, end) = (moved(start), moved(end));
    (text, start, end)
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
        assert_eq!(one_line("é\u{202e}é"), "é\\u{202e}é");
    }

    #[test]
    fn excerpt_ranges_follow_the_escapes() {
        let (text, s, e) = excerpt("x\u{1b}\"val\u{202e}ue\" y", 2, 12);
        assert_eq!(text, "x\\u{1b}\"val\\u{202e}ue\" y");
        assert_eq!(&text[s..e], "\"val\\u{202e}ue\"");
        let (text, s, e) = excerpt("ab", 2, 2);
        assert_eq!((&*text, s, e), ("ab", 2, 2));
        let (text, s, e) = excerpt("a\r\nb\u{7}", 3, 4);
        assert_eq!((&*text, &text[s..e]), ("a\r\nb\\u{7}", "b"));
    }

    #[test]
    fn multi_line_text_keeps_its_line_breaks() {
        assert!(matches!(multi_line("a\r\nb\n\tc"), Cow::Borrowed(_)));
        assert_eq!(multi_line("a\rb\u{1b}c\n"), "a\\rb\\u{1b}c\n");
    }
}
