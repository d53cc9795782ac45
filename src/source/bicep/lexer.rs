//! Bicep lexer: turns the file text into tokens, collecting comments and
//! diagnostic pragmas on the side.
//!
//! Newlines are tokens (Bicep separates declarations, object properties and array
//! items with them). Strings are split at interpolation holes like the Bicep
//! compiler does: `'a${x}b${y}c'` lexes as `Str(Head) x Str(Middle) y Str(Tail)`.
//! A stack of open holes tells a `}` that closes a hole from one that closes an
//! object inside the hole.

use super::ast::{Comment, CommentKind, Ident, Pragma, PragmaKind, Span};
use super::{Diagnostic, MAX_DIAGNOSTICS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    Int,
    Str(StrPiece),
    NewLine,
    Eof,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    At,
    Comma,
    Dot,
    /// `...`
    Ellipsis,
    Question,
    /// `??`
    DoubleQuestion,
    Colon,
    /// `::`
    DoubleColon,
    Semicolon,
    Plus,
    Minus,
    Percent,
    Star,
    Slash,
    Bang,
    /// `^` (index from the end)
    Hat,
    /// `=`
    Assign,
    /// `=>`
    Arrow,
    /// `==`
    Eq,
    /// `!=`
    NotEq,
    /// `=~`
    EqI,
    /// `!~`
    NotEqI,
    Lt,
    Le,
    Gt,
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|`
    Pipe,
    /// A character that starts no token (reported).
    Unknown,
}

/// Which part of a (possibly interpolated) string a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrPart {
    /// `'abc'`: the whole string.
    Complete,
    /// `'abc${`: up to the first hole.
    Head,
    /// `}abc${`: between two holes.
    Middle,
    /// `}abc'`: after the last hole.
    Tail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrPiece {
    pub part: StrPart,
    /// A `'''` string (no escapes).
    pub multiline: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// For string pieces: the raw text between the delimiters. Empty otherwise.
    pub content: Span,
}

/// Everything the lexer found.
pub struct Lexed {
    /// Always ends with exactly one [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
    pub pragmas: Vec<Pragma>,
    pub diagnostics: Vec<Diagnostic>,
}

/// An open interpolation hole.
struct Hole {
    /// `$` count that opens a hole in a multi-line string; 0 for `'...'` strings.
    dollars: usize,
    multiline: bool,
    /// `{` opened inside the hole and not yet closed.
    braces: u32,
}

/// Lex `text` from byte `start` (past a BOM).
pub fn lex(text: &str, start: usize) -> Lexed {
    let mut lexer = Lexer {
        text,
        src: text.as_bytes(),
        pos: start,
        holes: Vec::new(),
        out: Lexed {
            tokens: Vec::with_capacity(text.len() / 4 + 1),
            comments: Vec::new(),
            pragmas: Vec::new(),
            diagnostics: Vec::new(),
        },
    };
    lexer.run();
    lexer.out
}

pub fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// A byte of a diagnostic code in a pragma: anything but a blank or a line break
/// (0 is the lexer's end of input).
fn is_code_byte(b: u8) -> bool {
    !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

pub fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

struct Lexer<'t> {
    text: &'t str,
    src: &'t [u8],
    pos: usize,
    holes: Vec<Hole>,
    out: Lexed,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.src.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn at_comment(&self) -> bool {
        self.peek(0) == b'/' && matches!(self.peek(1), b'/' | b'*')
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn error(&mut self, message: impl Into<String>, start: usize, end: usize) {
        if self.out.diagnostics.len() >= MAX_DIAGNOSTICS {
            return;
        }
        self.out.diagnostics.push(Diagnostic {
            message: message.into(),
            span: span(start, end),
        });
    }

    fn push(&mut self, kind: TokenKind, start: usize) {
        self.push_with_content(kind, start, Span::default());
    }

    fn push_with_content(&mut self, kind: TokenKind, start: usize, content: Span) {
        self.out.tokens.push(Token {
            kind,
            span: span(start, self.pos),
            content,
        });
    }

    fn run(&mut self) {
        loop {
            self.skip_trivia();
            if self.at_end() {
                self.push(TokenKind::Eof, self.pos);
                return;
            }
            let before = self.pos;
            self.token();
            if self.pos == before {
                // Every token consumes input; never spin.
                self.pos += 1;
            }
        }
    }

    /// Spaces, tabs, comments and pragmas.
    fn skip_trivia(&mut self) {
        while !self.at_end() {
            match self.peek(0) {
                b' ' | b'\t' => self.pos += 1,
                b'/' if self.peek(1) == b'/' => {
                    let start = self.pos;
                    while !self.at_end() && !matches!(self.peek(0), b'\n' | b'\r') {
                        self.pos += 1;
                    }
                    self.out.comments.push(Comment {
                        kind: CommentKind::Line,
                        span: span(start, self.pos),
                    });
                }
                b'/' if self.peek(1) == b'*' => {
                    let start = self.pos;
                    self.pos += 2;
                    loop {
                        if self.at_end() {
                            self.error("unterminated multi-line comment", start, self.pos);
                            break;
                        }
                        if self.peek(0) == b'*' && self.peek(1) == b'/' {
                            self.pos += 2;
                            break;
                        }
                        self.pos += 1;
                    }
                    self.out.comments.push(Comment {
                        kind: CommentKind::Block,
                        span: span(start, self.pos),
                    });
                }
                b'#' => {
                    if !self.pragma() {
                        return;
                    }
                }
                _ => return,
            }
        }
    }

    /// `#disable-next-line codes`, `#disable-diagnostics codes`,
    /// `#restore-diagnostics codes`. Returns false when `#` starts none of them.
    fn pragma(&mut self) -> bool {
        const KINDS: [(&str, PragmaKind); 3] = [
            ("#disable-next-line", PragmaKind::DisableNextLine),
            ("#disable-diagnostics", PragmaKind::DisableDiagnostics),
            ("#restore-diagnostics", PragmaKind::RestoreDiagnostics),
        ];
        let rest = &self.src[self.pos..];
        let Some(&(keyword, kind)) = KINDS.iter().find(|(k, _)| rest.starts_with(k.as_bytes()))
        else {
            return false;
        };
        let start = self.pos;
        self.pos += keyword.len();
        let mut end = self.pos;
        let mut codes = Vec::new();
        loop {
            let b = self.peek(0);
            if b == b' ' || b == b'\t' {
                self.pos += 1;
            } else if is_code_byte(b) && !self.at_comment() {
                // A code runs to the next blank or comment: `BCP081`,
                // `no-unused-params`, and tools' own codes such as `acrlint:ACR001`.
                let code_start = self.pos;
                while is_code_byte(self.peek(0)) && !self.at_comment() {
                    self.pos += 1;
                }
                end = self.pos;
                codes.push(Ident {
                    name: self.text[code_start..self.pos].into(),
                    span: span(code_start, self.pos),
                });
            } else {
                break;
            }
        }
        if codes.is_empty() {
            self.error(
                format!("'{keyword}' needs at least one diagnostic code"),
                start,
                end,
            );
        }
        self.out.pragmas.push(Pragma {
            kind,
            codes,
            span: span(start, end),
        });
        true
    }

    fn token(&mut self) {
        let start = self.pos;
        let b = self.peek(0);
        self.pos += 1;
        let kind = match b {
            b'\n' | b'\r' => {
                while matches!(self.peek(0), b'\n' | b'\r') {
                    self.pos += 1;
                }
                // A newline ends every hole of a single-line string: the string is
                // broken (the parser reports it), and the rest of the file must
                // not be read as string text.
                while self.holes.last().is_some_and(|h| !h.multiline) {
                    self.holes.pop();
                }
                TokenKind::NewLine
            }
            b'\'' => {
                if self.peek(0) == b'\'' && self.peek(1) == b'\'' {
                    self.pos += 2;
                    self.multiline_segment(start, 0, true);
                } else {
                    self.string_segment(start, true);
                }
                return;
            }
            b'$' => {
                let mut dollars = 1;
                while self.peek(0) == b'$' {
                    self.pos += 1;
                    dollars += 1;
                }
                if self.src[self.pos..].starts_with(b"'''") {
                    self.pos += 3;
                    self.multiline_segment(start, dollars, true);
                    return;
                }
                self.error("unexpected '$' outside a string", start, self.pos);
                TokenKind::Unknown
            }
            b'{' => {
                if let Some(hole) = self.holes.last_mut() {
                    hole.braces += 1;
                }
                TokenKind::LBrace
            }
            b'}' => match self.holes.last_mut() {
                Some(hole) if hole.braces == 0 => {
                    let (dollars, multiline) = (hole.dollars, hole.multiline);
                    if multiline {
                        self.multiline_segment(start, dollars, false);
                    } else {
                        self.string_segment(start, false);
                    }
                    return;
                }
                Some(hole) => {
                    hole.braces -= 1;
                    TokenKind::RBrace
                }
                None => TokenKind::RBrace,
            },
            b'(' => TokenKind::LParen,
            b')' => TokenKind::RParen,
            b'[' => TokenKind::LBracket,
            b']' => TokenKind::RBracket,
            b'@' => TokenKind::At,
            b',' => TokenKind::Comma,
            b';' => TokenKind::Semicolon,
            b'+' => TokenKind::Plus,
            b'-' => TokenKind::Minus,
            b'%' => TokenKind::Percent,
            b'*' => TokenKind::Star,
            b'/' => TokenKind::Slash,
            b'^' => TokenKind::Hat,
            b'.' => {
                if self.peek(0) == b'.' && self.peek(1) == b'.' {
                    self.pos += 2;
                    TokenKind::Ellipsis
                } else {
                    TokenKind::Dot
                }
            }
            b'?' => self.pair(b'?', TokenKind::DoubleQuestion, TokenKind::Question),
            b':' => self.pair(b':', TokenKind::DoubleColon, TokenKind::Colon),
            b'<' => self.pair(b'=', TokenKind::Le, TokenKind::Lt),
            b'>' => self.pair(b'=', TokenKind::Ge, TokenKind::Gt),
            b'&' => {
                if self.peek(0) == b'&' {
                    self.pos += 1;
                    TokenKind::And
                } else {
                    self.error("unexpected '&' (did you mean '&&'?)", start, self.pos);
                    TokenKind::Unknown
                }
            }
            b'|' => self.pair(b'|', TokenKind::Or, TokenKind::Pipe),
            b'!' => match self.peek(0) {
                b'=' => self.bump_as(TokenKind::NotEq),
                b'~' => self.bump_as(TokenKind::NotEqI),
                _ => TokenKind::Bang,
            },
            b'=' => match self.peek(0) {
                b'=' => self.bump_as(TokenKind::Eq),
                b'~' => self.bump_as(TokenKind::EqI),
                b'>' => self.bump_as(TokenKind::Arrow),
                _ => TokenKind::Assign,
            },
            b'0'..=b'9' => {
                while self.peek(0).is_ascii_digit() {
                    self.pos += 1;
                }
                TokenKind::Int
            }
            b if is_ident_start(b) => {
                while is_ident_continue(self.peek(0)) {
                    self.pos += 1;
                }
                TokenKind::Ident
            }
            _ => {
                // Skip the whole character so spans stay on UTF-8 boundaries.
                let width = self
                    .text
                    .get(start..)
                    .and_then(|s| s.chars().next())
                    .map_or(1, char::len_utf8);
                self.pos = start + width;
                let shown = self.text.get(start..self.pos).unwrap_or("?");
                let message = if shown == "\"" {
                    "strings use single quotes in Bicep, not '\"'".to_string()
                } else {
                    format!("unexpected character '{shown}'")
                };
                self.error(message, start, self.pos);
                TokenKind::Unknown
            }
        };
        self.push(kind, start);
    }

    fn pair(&mut self, second: u8, both: TokenKind, single: TokenKind) -> TokenKind {
        if self.peek(0) == second {
            self.pos += 1;
            both
        } else {
            single
        }
    }

    fn bump_as(&mut self, kind: TokenKind) -> TokenKind {
        self.pos += 1;
        kind
    }

    /// The rest of a `'...'` string after its opening `'` (`first`) or after the
    /// `}` that closed a hole.
    fn string_segment(&mut self, start: usize, first: bool) {
        let content_start = self.pos;
        let (part, content_end) = loop {
            if self.at_end() {
                self.error("unterminated string", start, self.pos);
                break (closing_part(first), self.pos);
            }
            match self.peek(0) {
                b'\n' | b'\r' => {
                    self.error("unterminated string (strings cannot span lines; use ''' for multi-line text)", start, self.pos);
                    break (closing_part(first), self.pos);
                }
                b'\'' => {
                    self.pos += 1;
                    break (closing_part(first), self.pos - 1);
                }
                b'$' if self.peek(1) == b'{' => {
                    self.pos += 2;
                    break (opening_part(first), self.pos - 2);
                }
                b'\\' => {
                    // The escape is validated when the parser decodes the text;
                    // here it only must not end the string.
                    self.pos += 1;
                    if !self.at_end() && !matches!(self.peek(0), b'\n' | b'\r') {
                        self.pos += 1;
                    }
                }
                _ => self.pos += 1,
            }
        };
        self.finish_piece(
            start,
            first,
            part,
            false,
            1,
            span(content_start, content_end),
        );
    }

    /// The rest of a `'''` string (with `dollars` > 0 when it is interpolated as
    /// `$'''`, `$$'''`, ...). A hole opens at `dollars` `$` signs followed by `{`.
    fn multiline_segment(&mut self, start: usize, dollars: usize, first: bool) {
        let mut content_start = self.pos;
        if first {
            // Like Bicep: a line break right after the opening quotes is not text.
            if self.peek(0) == b'\r' {
                self.pos += 1;
            }
            if self.peek(0) == b'\n' {
                self.pos += 1;
            }
            content_start = self.pos;
        }
        let (part, content_end) = loop {
            if self.at_end() {
                self.error("unterminated multi-line string", start, self.pos);
                break (closing_part(first), self.pos);
            }
            match self.peek(0) {
                b'\'' => {
                    let run = self.run_of(b'\'');
                    self.pos += run;
                    if run >= 3 {
                        // Extra quotes before the closing three are text.
                        break (closing_part(first), self.pos - 3);
                    }
                }
                b'$' if dollars > 0 => {
                    let run = self.run_of(b'$');
                    self.pos += run;
                    if run >= dollars && self.peek(0) == b'{' {
                        self.pos += 1;
                        break (opening_part(first), self.pos - 1 - dollars);
                    }
                }
                _ => self.pos += 1,
            }
        };
        self.finish_piece(
            start,
            first,
            part,
            true,
            dollars,
            span(content_start, content_end),
        );
    }

    fn run_of(&self, b: u8) -> usize {
        self.src[self.pos..].iter().take_while(|&&c| c == b).count()
    }

    fn finish_piece(
        &mut self,
        start: usize,
        first: bool,
        part: StrPart,
        multiline: bool,
        dollars: usize,
        content: Span,
    ) {
        match part {
            StrPart::Head => self.holes.push(Hole {
                dollars,
                multiline,
                braces: 0,
            }),
            StrPart::Tail if !first => {
                self.holes.pop();
            }
            _ => {}
        }
        self.push_with_content(TokenKind::Str(StrPiece { part, multiline }), start, content);
    }
}

fn closing_part(first: bool) -> StrPart {
    if first {
        StrPart::Complete
    } else {
        StrPart::Tail
    }
}

fn opening_part(first: bool) -> StrPart {
    if first {
        StrPart::Head
    } else {
        StrPart::Middle
    }
}

/// Offsets are checked against `u32` once in `parse`, so this never truncates.
fn span(start: usize, end: usize) -> Span {
    Span::new(start as u32, end as u32)
}
