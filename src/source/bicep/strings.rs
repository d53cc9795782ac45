//! String literals: pieces from the lexer joined into segments, interpolation
//! holes parsed as expressions, and the escape sequences of single-quoted
//! strings (`\'`, `\\`, `\n`, `\r`, `\t`, `\$`, `\u{hex}`). Multi-line (`'''`)
//! strings have no escapes.

use super::ast::*;
use super::lexer::{StrPart, Token, TokenKind};
use super::parser::Parser;
use super::{Diagnostic, MAX_DIAGNOSTICS};

impl Parser<'_> {
    /// A string literal starting at the current `Str` head or complete token.
    pub(super) fn string_literal(&mut self) -> StringLit {
        let first = self.bump();
        let multiline = matches!(first.kind, TokenKind::Str(p) if p.multiline);
        let mut segments = Vec::new();
        let complete = matches!(first.kind, TokenKind::Str(p) if p.part == StrPart::Complete);
        self.push_text(&mut segments, first, multiline, complete);
        if !complete {
            self.string_holes(&mut segments, multiline);
        }
        StringLit {
            segments,
            multiline,
            span: self.span_from(first.span.start),
        }
    }

    fn string_holes(&mut self, segments: &mut Vec<StringSegment>, multiline: bool) {
        loop {
            if multiline {
                self.skip_newlines();
            }
            segments.push(StringSegment::Expr(self.expression()));
            if multiline {
                self.skip_newlines();
            }
            let part = match self.kind() {
                TokenKind::Str(p) if matches!(p.part, StrPart::Middle | StrPart::Tail) => p.part,
                _ => {
                    self.expected("'}' to close the interpolation");
                    self.skip_until(|k| {
                        k == TokenKind::NewLine
                            || matches!(k, TokenKind::Str(p) if matches!(p.part, StrPart::Middle | StrPart::Tail))
                    });
                    match self.kind() {
                        TokenKind::Str(p) => p.part,
                        _ => return,
                    }
                }
            };
            let t = self.bump();
            self.push_text(segments, t, multiline, false);
            if part == StrPart::Tail {
                return;
            }
        }
    }

    fn push_text(
        &mut self,
        segments: &mut Vec<StringSegment>,
        t: Token,
        multiline: bool,
        keep_empty: bool,
    ) {
        let raw = t.content.text(self.text);
        let value = if multiline {
            raw.to_string()
        } else {
            let value = unescape(raw, t.content.start, &mut self.diagnostics);
            self.diagnostics.truncate(MAX_DIAGNOSTICS);
            value
        };
        if keep_empty || !value.is_empty() {
            segments.push(StringSegment::Text {
                value: value.into(),
                span: t.content,
            });
        }
    }
}

/// Decode the raw text of a string piece that starts at byte `base` of the file.
/// Invalid escapes are reported and kept as written.
fn unescape(raw: &str, base: u32, diagnostics: &mut Vec<Diagnostic>) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    // A high surrogate from `\u{D8xx}` waiting for its low half.
    let mut pending_high: Option<u32> = None;
    let mut rest = raw.char_indices().peekable();
    while let Some((i, c)) = rest.next() {
        if c != '\\' {
            flush_surrogate(&mut out, &mut pending_high);
            out.push(c);
            continue;
        }
        let at = |len: usize| Span::new(base + i as u32, base + (i + len) as u32);
        let Some(&(_, escaped)) = rest.peek() else {
            flush_surrogate(&mut out, &mut pending_high);
            diagnostics.push(Diagnostic {
                message: "unterminated escape sequence at the end of the string".into(),
                span: at(1),
            });
            out.push('\\');
            break;
        };
        rest.next();
        let simple = match escaped {
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '$' => Some('$'),
            _ => None,
        };
        if let Some(value) = simple {
            flush_surrogate(&mut out, &mut pending_high);
            out.push(value);
            continue;
        }
        if escaped == 'u' {
            let after_u = i + 2;
            if let Some((code, len)) = unicode_escape(&raw[after_u..]) {
                for _ in 0..len {
                    rest.next();
                }
                push_code_point(&mut out, &mut pending_high, code);
                continue;
            }
            diagnostics.push(Diagnostic {
                message: "invalid unicode escape: expected '\\u{' hex digits (at most 10FFFF) '}'"
                    .into(),
                span: at(2),
            });
        } else {
            diagnostics.push(Diagnostic {
                message: format!(
                    "unrecognized escape sequence '\\{escaped}' (valid: \\' \\\\ \\n \\r \\t \\$ \\u{{...}})"
                ),
                span: at(1 + escaped.len_utf8()),
            });
        }
        flush_surrogate(&mut out, &mut pending_high);
        out.push('\\');
        out.push(escaped);
    }
    flush_surrogate(&mut out, &mut pending_high);
    out
}

/// `{hex}` after `\u`: the code point and the number of bytes consumed.
fn unicode_escape(s: &str) -> Option<(u32, usize)> {
    let body = s.strip_prefix('{')?;
    let close = body.find('}')?;
    let hex = &body[..close];
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let code = u32::from_str_radix(hex.trim_start_matches('0'), 16)
        .ok()
        .or(if hex.bytes().all(|b| b == b'0') {
            Some(0)
        } else {
            None
        })?;
    (code <= 0x10FFFF).then_some((code, close + 2))
}

/// Bicep strings are UTF-16 underneath: `\u{D801}\u{DC37}` is one character.
/// A lone surrogate cannot be represented in Rust and becomes U+FFFD.
fn push_code_point(out: &mut String, pending_high: &mut Option<u32>, code: u32) {
    match code {
        0xD800..=0xDBFF => {
            flush_surrogate(out, pending_high);
            *pending_high = Some(code);
        }
        0xDC00..=0xDFFF => match pending_high.take() {
            Some(high) => {
                let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                out.push(char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            None => out.push(char::REPLACEMENT_CHARACTER),
        },
        _ => {
            flush_surrogate(out, pending_high);
            out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
    }
}

fn flush_surrogate(out: &mut String, pending_high: &mut Option<u32>) {
    if pending_high.take().is_some() {
        out.push(char::REPLACEMENT_CHARACTER);
    }
}
