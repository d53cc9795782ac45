//! Recursive-descent parser: token cursor, error recovery and bracketed lists.
//! Declarations are in `declarations.rs`, expressions in `expr.rs` (strings in
//! `strings.rs`, objects/arrays/loops in `containers.rs`), types in `types.rs`.
//!
//! Recovery follows the Bicep compiler: a failed piece reports one diagnostic and
//! skips to a synchronisation token (a newline, or the bracket closing the
//! enclosing list), so the next property, item or declaration still parses.
//! Every loop consumes at least one token per iteration or stops.

use super::ast::*;
use super::lexer::{StrPart, Token, TokenKind};
use super::{Diagnostic, MAX_DIAGNOSTICS, MAX_NESTING_DEPTH};

/// Keywords that start a top-level declaration.
const DECLARATION_KEYWORDS: [&str; 16] = [
    "targetScope",
    "metadata",
    "param",
    "var",
    "output",
    "resource",
    "module",
    "test",
    "type",
    "func",
    "import",
    "extension",
    "provider",
    "using",
    "extends",
    "assert",
];

/// What a bracketed list may contain besides its ordinary items.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ListItems {
    Plain,
    /// Items may carry `@decorators` (object-type members, tuple items).
    Decorated,
    /// A resource body: decorated nested `resource` declarations too.
    Resources,
}

pub(super) struct Parser<'t> {
    pub(super) text: &'t str,
    pub(super) tokens: Vec<Token>,
    pub(super) pos: usize,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) depth: usize,
    /// Token index of the last error reported at the current token, so one bad
    /// token yields one diagnostic however many callers notice it.
    last_error_at: Option<usize>,
    /// End of the last non-newline token consumed.
    pub(super) last_end: u32,
}

impl<'t> Parser<'t> {
    pub(super) fn new(text: &'t str, tokens: Vec<Token>, diagnostics: Vec<Diagnostic>) -> Self {
        Parser {
            text,
            tokens,
            pos: 0,
            diagnostics,
            depth: 0,
            last_error_at: None,
            last_end: 0,
        }
    }

    // ----- cursor -----

    pub(super) fn tok(&self) -> Token {
        self.tok_at(self.pos)
    }

    pub(super) fn tok_at(&self, index: usize) -> Token {
        match self.tokens.get(index) {
            Some(t) => *t,
            None => {
                let end = self.text.len() as u32;
                Token {
                    kind: TokenKind::Eof,
                    span: Span::at(end),
                    content: Span::default(),
                }
            }
        }
    }

    pub(super) fn kind(&self) -> TokenKind {
        self.tok().kind
    }

    pub(super) fn at(&self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    pub(super) fn at_eof(&self) -> bool {
        self.at(TokenKind::Eof)
    }

    /// The current token is the identifier `word`.
    pub(super) fn at_word(&self, word: &str) -> bool {
        self.is_word(self.pos, word)
    }

    pub(super) fn is_word(&self, index: usize, word: &str) -> bool {
        let t = self.tok_at(index);
        t.kind == TokenKind::Ident && t.span.text(self.text) == word
    }

    pub(super) fn token_text(&self, t: Token) -> &'t str {
        t.span.text(self.text)
    }

    /// Consume the current token (never moves past end of file).
    pub(super) fn bump(&mut self) -> Token {
        let t = self.tok();
        if t.kind != TokenKind::Eof {
            self.pos += 1;
            if t.kind != TokenKind::NewLine {
                self.last_end = t.span.end;
            }
        }
        t
    }

    pub(super) fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) {
            Some(self.bump())
        } else {
            None
        }
    }

    pub(super) fn skip_newlines(&mut self) {
        while self.at(TokenKind::NewLine) {
            self.bump();
        }
    }

    /// Index of the first token at or after the cursor that is not a newline.
    pub(super) fn next_non_newline(&self) -> usize {
        let mut i = self.pos;
        while self.tok_at(i).kind == TokenKind::NewLine {
            i += 1;
        }
        i
    }

    /// The previous token was a line break (or there is none): the cursor is at
    /// the start of a line.
    pub(super) fn at_line_start(&self) -> bool {
        self.pos == 0 || self.tok_at(self.pos - 1).kind == TokenKind::NewLine
    }

    /// From `start` to the end of the last consumed token (never inverted, even
    /// when `start` is an error placeholder past the last token).
    pub(super) fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.last_end.max(start))
    }

    pub(super) fn at_string_start(&self) -> bool {
        matches!(self.kind(), TokenKind::Str(p) if matches!(p.part, StrPart::Complete | StrPart::Head))
    }

    /// Skip tokens until `stop` holds for the current one (or end of file).
    pub(super) fn skip_until(&mut self, stop: impl Fn(TokenKind) -> bool) {
        while !self.at_eof() && !stop(self.kind()) {
            self.bump();
        }
    }

    /// Skip to the `close` token matching an already-open bracket and consume
    /// it, stepping over nested brackets and line breaks, but stop before a line
    /// that starts a declaration so an unclosed bracket cannot eat the file.
    pub(super) fn skip_past_close(&mut self, close: TokenKind) {
        let mut depth = 0u32;
        while !self.at_eof() {
            if self.at_line_start() && self.declaration_at(self.pos) && !self.at(TokenKind::At) {
                return;
            }
            match self.kind() {
                TokenKind::LBrace | TokenKind::LBracket | TokenKind::LParen => depth += 1,
                k if depth == 0 && k == close => {
                    self.bump();
                    return;
                }
                TokenKind::RBrace | TokenKind::RBracket | TokenKind::RParen => {
                    depth = depth.saturating_sub(1)
                }
                _ => {}
            }
            self.bump();
        }
    }

    pub(super) fn skip_line(&mut self) {
        self.skip_until(|k| k == TokenKind::NewLine);
    }

    // ----- diagnostics -----

    pub(super) fn error(&mut self, message: impl Into<String>, span: Span) {
        if self.diagnostics.len() < MAX_DIAGNOSTICS {
            self.diagnostics.push(Diagnostic {
                message: message.into(),
                span,
            });
        }
    }

    /// Report "expected {what}" at the current token, once per token.
    pub(super) fn expected(&mut self, what: &str) {
        if self.last_error_at == Some(self.pos) {
            return;
        }
        self.last_error_at = Some(self.pos);
        let t = self.tok();
        let found = self.describe(t);
        self.error(format!("expected {what}, found {found}"), t.span);
    }

    pub(super) fn describe(&self, t: Token) -> String {
        match t.kind {
            TokenKind::NewLine => "a new line".into(),
            TokenKind::Eof => "the end of the file".into(),
            TokenKind::Str(_) => "a string".into(),
            _ => {
                let text = self.token_text(t);
                let short: String = text.chars().take(24).collect();
                format!("'{short}'")
            }
        }
    }

    pub(super) fn expect(&mut self, kind: TokenKind, what: &str) -> Option<Token> {
        let t = self.eat(kind);
        if t.is_none() {
            self.expected(what);
        }
        t
    }

    pub(super) fn expect_word(&mut self, word: &str) -> Option<Token> {
        if self.at_word(word) {
            Some(self.bump())
        } else {
            self.expected(&format!("'{word}'"));
            None
        }
    }

    pub(super) fn ident(&mut self, what: &str) -> Option<Ident> {
        if self.at(TokenKind::Ident) {
            let t = self.bump();
            Some(self.ident_from(t))
        } else {
            self.expected(what);
            None
        }
    }

    pub(super) fn ident_from(&self, t: Token) -> Ident {
        Ident {
            name: self.token_text(t).into(),
            span: t.span,
        }
    }

    /// Enter one nesting level; false (after reporting) when too deep.
    pub(super) fn enter(&mut self) -> bool {
        if self.depth >= MAX_NESTING_DEPTH {
            let t = self.tok();
            self.error(
                format!("nesting deeper than {MAX_NESTING_DEPTH} levels is not supported"),
                t.span,
            );
            self.last_error_at = Some(self.pos);
            // Drop the rest of the line so the caller makes progress.
            self.bump();
            self.skip_line();
            return false;
        }
        self.depth += 1;
        true
    }

    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(super) fn leave_levels(&mut self, levels: usize) {
        self.depth = self.depth.saturating_sub(levels);
    }

    /// A line inside a bracketed list that reads like a top-level declaration
    /// (`param x`, `resource r`, `@description`, ...): the list was left unclosed,
    /// and the declaration belongs to the file, not to the list.
    pub(super) fn at_declaration_start(&self, items: ListItems) -> bool {
        if !self.at_line_start() {
            return false;
        }
        match self.kind() {
            TokenKind::At => items == ListItems::Plain,
            _ if items == ListItems::Resources && self.at_word("resource") => false,
            _ => self.declaration_at(self.pos),
        }
    }

    /// Token `index` starts a declaration: `@`, or a declaration keyword followed
    /// by what that declaration needs next (a name, a string, `=`, `{` or `*`).
    /// An object key (`param: 1`) or a variable named like a keyword does not.
    pub(super) fn declaration_at(&self, index: usize) -> bool {
        let t = self.tok_at(index);
        match t.kind {
            TokenKind::At => true,
            TokenKind::Ident => {
                let word = self.token_text(t);
                if !DECLARATION_KEYWORDS.contains(&word) {
                    return false;
                }
                let next = self.tok_at(index + 1).kind;
                match word {
                    "targetScope" => next == TokenKind::Assign,
                    "import" => matches!(
                        next,
                        TokenKind::Ident | TokenKind::LBrace | TokenKind::Star | TokenKind::Str(_)
                    ),
                    "using" | "extends" | "extension" | "provider" => {
                        matches!(next, TokenKind::Ident | TokenKind::Str(_))
                    }
                    _ => next == TokenKind::Ident,
                }
            }
            _ => false,
        }
    }

    /// Skip line breaks inside an unfinished expression (after `=>`, a binary
    /// operator, `?` or `:`), unless the next line is a declaration: then the
    /// expression is missing its end and the declaration must survive.
    pub(super) fn skip_newlines_in_expression(&mut self) {
        let next = self.next_non_newline();
        if next != self.pos && !self.declaration_at(next) {
            self.pos = next;
        }
    }

    /// Items of a bracketed list separated by commas or line breaks, after the
    /// opening token `open`, up to and including `close`. `item` returns `None`
    /// after reporting; the list then resynchronises at the next separator.
    pub(super) fn delimited<T>(
        &mut self,
        open: Token,
        close: TokenKind,
        close_text: &str,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Vec<T> {
        self.list(open, close, close_text, ListItems::Plain, &mut item)
    }

    /// Like [`Parser::delimited`]; `items` tells whether `resource x` and `@`
    /// lines belong to the list or are a sign that it was left unclosed.
    pub(super) fn list<T>(
        &mut self,
        open: Token,
        close: TokenKind,
        close_text: &str,
        items_kind: ListItems,
        item: &mut dyn FnMut(&mut Self) -> Option<T>,
    ) -> Vec<T> {
        let mut items = Vec::new();
        self.skip_newlines();
        loop {
            if self.eat(close).is_some() {
                return items;
            }
            if self.at_eof() || self.at_declaration_start(items_kind) {
                let found = self.describe(self.tok());
                let open_text = self.token_text(open);
                self.error(
                    format!("'{open_text}' is never closed: expected {close_text} before {found}"),
                    open.span,
                );
                return items;
            }
            let before = self.pos;
            match item(self) {
                Some(value) => items.push(value),
                None => self
                    .skip_until(|k| k == TokenKind::NewLine || k == close || k == TokenKind::Comma),
            }
            match self.kind() {
                k if k == close => {}
                TokenKind::Comma => {
                    self.bump();
                    self.skip_newlines();
                }
                TokenKind::NewLine => self.skip_newlines(),
                TokenKind::Eof => {}
                _ => {
                    self.expected(&format!("',', a new line or {close_text}"));
                    self.skip_until(|k| k == TokenKind::NewLine || k == close);
                    self.skip_newlines();
                }
            }
            if self.pos == before {
                self.bump();
            }
        }
    }
}
