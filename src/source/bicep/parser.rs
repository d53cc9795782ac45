//! Recursive-descent parser: token cursor, error recovery and declarations.
//! Expressions are in `expr.rs`, type expressions in `types.rs`.
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

    pub(super) fn at_string_start(&self) -> bool {
        matches!(self.kind(), TokenKind::Str(p) if matches!(p.part, StrPart::Complete | StrPart::Head))
    }

    /// Skip tokens until `stop` holds for the current one (or end of file).
    pub(super) fn skip_until(&mut self, stop: impl Fn(TokenKind) -> bool) {
        while !self.at_eof() && !stop(self.kind()) {
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
            self.error(format!("nesting deeper than {MAX_NESTING_DEPTH} levels is not supported"), t.span);
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
                    "import" => matches!(next, TokenKind::Ident | TokenKind::LBrace | TokenKind::Star | TokenKind::Str(_)),
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

    // ----- program -----

    pub(super) fn program(&mut self, pragmas: &[Pragma]) -> Program {
        let mut statements = Vec::new();
        let mut next_pragma = 0;
        let mut last_statement_end = 0u32;
        // After an unrecognised line, further junk lines are skipped silently
        // until a declaration parses: one mistake, one diagnostic.
        let mut recovering = false;
        loop {
            self.skip_newlines();
            let here = self.tok().span.start;
            while let Some(p) = pragmas.get(next_pragma).filter(|p| p.span.start < here) {
                if p.span.start >= last_statement_end {
                    statements.push(Statement {
                        decorators: Vec::new(),
                        kind: StatementKind::Pragma(p.clone()),
                        span: p.span,
                        keyword_span: p.span,
                    });
                }
                next_pragma += 1;
            }
            if self.at_eof() {
                break;
            }
            let start = self.pos;
            match self.declaration(recovering) {
                Some(statement) => {
                    last_statement_end = statement.span.end;
                    statements.push(statement);
                    recovering = false;
                    self.end_of_declaration();
                }
                None => {
                    recovering = true;
                    self.skip_line();
                }
            }
            if self.pos == start {
                self.bump();
            }
        }
        Program { statements }
    }

    /// A declaration ends at a line break or the end of the file.
    fn end_of_declaration(&mut self) {
        if self.at(TokenKind::NewLine) || self.at_eof() || self.at_line_start() {
            return;
        }
        self.expected("a new line after the declaration");
        self.skip_line();
    }

    /// Decorators and the declaration they belong to; `None` when nothing
    /// could be parsed (already reported unless `quiet`).
    fn declaration(&mut self, quiet: bool) -> Option<Statement> {
        let decorators = self.decorators();
        let t = self.tok();
        let word = if t.kind == TokenKind::Ident { self.token_text(t) } else { "" };
        let start = decorators.first().map_or(t.span.start, |d| d.span.start);
        let kind = match word {
            "targetScope" => self.target_scope(),
            "metadata" => self.metadata(),
            "param" => self.param(),
            "var" => self.var(),
            "output" => self.output(),
            "resource" => self.resource().map(StatementKind::Resource),
            "module" => self.module_or_test(false),
            "test" => self.module_or_test(true),
            "type" => self.type_declaration(),
            "func" => self.func(),
            "import" => self.import(),
            "extension" => self.extension(ExtensionKeyword::Extension),
            "provider" => self.extension(ExtensionKeyword::Provider),
            "using" => self.using(),
            "extends" => self.extends(),
            "assert" => self.assert(),
            _ => {
                if !decorators.is_empty() {
                    self.expected("a declaration after the decorators");
                } else if !quiet {
                    self.expected("a declaration (param, var, resource, module, output, ...)");
                }
                return None;
            }
        };
        let kind = kind?;
        Some(Statement {
            decorators,
            kind,
            span: Span::new(start, self.last_end.max(start)),
            keyword_span: t.span,
        })
    }

    /// `@expr` lines before a declaration (or object-type member / tuple item).
    pub(super) fn decorators(&mut self) -> Vec<Decorator> {
        let mut decorators = Vec::new();
        while let Some(at) = self.eat(TokenKind::At) {
            if self.at(TokenKind::Ident) {
                let expr = self.decorator_expression();
                decorators.push(Decorator {
                    span: at.span.to(expr.span),
                    expr,
                });
            } else {
                self.expected("a decorator name");
            }
            if !self.at(TokenKind::NewLine) && !self.at_eof() {
                self.expected("a new line after the decorator");
                self.skip_line();
            }
            self.skip_newlines();
        }
        decorators
    }

    /// A Bicep string literal in a declaration header (resource type, module path).
    fn header_string(&mut self, what: &str) -> Option<StringLit> {
        if self.at_string_start() {
            Some(self.string_literal())
        } else {
            self.expected(what);
            None
        }
    }

    /// `= value` where the value must start on the same line.
    fn assigned_value(&mut self) -> Option<Expr> {
        self.expect(TokenKind::Assign, "'='")?;
        Some(self.expression())
    }

    fn target_scope(&mut self) -> Option<StatementKind> {
        self.bump();
        let value = self.assigned_value()?;
        Some(StatementKind::TargetScope { value })
    }

    fn metadata(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("a metadata name")?;
        let value = self.assigned_value()?;
        Some(StatementKind::Metadata { name, value })
    }

    fn param(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("a parameter name")?;
        // `.bicepparam` files assign without a type: `param name = value`.
        let ty = if self.at(TokenKind::Assign) {
            None
        } else if matches!(self.kind(), TokenKind::NewLine | TokenKind::Eof) {
            self.expected("a parameter type");
            return None;
        } else {
            Some(self.declared_type(false))
        };
        let default = if self.at(TokenKind::Assign) {
            Some(self.assigned_value()?)
        } else {
            None
        };
        Some(StatementKind::Param { name, ty, default })
    }

    fn var(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("a variable name")?;
        let ty = if self.at(TokenKind::Assign) {
            None
        } else {
            Some(self.declared_type(false))
        };
        let value = self.assigned_value()?;
        Some(StatementKind::Var { name, ty, value })
    }

    fn output(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("an output name")?;
        if self.at(TokenKind::Assign) {
            self.expected("an output type");
            return None;
        }
        let ty = self.declared_type(true);
        let value = self.assigned_value()?;
        Some(StatementKind::Output { name, ty, value })
    }

    /// `resource name 'Type@version' [existing] = body`; also used for nested
    /// resources inside resource bodies.
    pub(super) fn resource(&mut self) -> Option<ResourceDecl> {
        self.bump();
        let name = self.ident("a resource name")?;
        let type_string = self.header_string("a resource type string ('Namespace/type@version')")?;
        let existing = self.at_word("existing");
        if existing {
            self.bump();
        }
        self.expect(TokenKind::Assign, "'='")?;
        let body = self.declaration_body(true);
        Some(ResourceDecl {
            name,
            type_string,
            existing,
            body,
        })
    }

    fn module_or_test(&mut self, test: bool) -> Option<StatementKind> {
        self.bump();
        let name = self.ident(if test { "a test name" } else { "a module name" })?;
        let path = self.header_string("a path string")?;
        self.expect(TokenKind::Assign, "'='")?;
        let body = self.declaration_body(false);
        Some(if test {
            StatementKind::Test { name, path, body }
        } else {
            StatementKind::Module { name, path, body }
        })
    }

    /// The body of a resource or module: `{...}`, `if (cond) {...}` or `[for ...]`.
    fn declaration_body(&mut self, resources_allowed: bool) -> Expr {
        // `=` then a line break is allowed before `if`.
        if self.is_word(self.next_non_newline(), "if") {
            self.skip_newlines();
        }
        match self.kind() {
            TokenKind::LBrace => self.object(resources_allowed),
            TokenKind::LBracket => self.array_or_for(Some(resources_allowed)),
            TokenKind::Ident if self.at_word("if") => self.if_body(resources_allowed),
            _ => {
                self.expected("'{', 'if' or '[for' to start the body");
                self.error_expr()
            }
        }
    }

    fn type_declaration(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("a type name")?;
        self.expect(TokenKind::Assign, "'='")?;
        let value = self.declared_type(false);
        Some(StatementKind::Type { name, value })
    }

    /// `func name(a type, b type) returnType => body`
    fn func(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("a function name")?;
        let open = self.expect(TokenKind::LParen, "'('")?;
        let params = self.delimited(open, TokenKind::RParen, "')'", |p| {
            let name = p.ident("a parameter name")?;
            let ty = p.type_expression();
            Some(TypedParam {
                span: name.span.to(ty.span),
                name,
                ty,
            })
        });
        let return_type = self.type_expression();
        self.expect(TokenKind::Arrow, "'=>'")?;
        let body = self.lambda_body();
        Some(StatementKind::Func {
            name,
            params,
            return_type,
            body,
        })
    }

    fn import(&mut self) -> Option<StatementKind> {
        self.bump();
        let items = match self.kind() {
            TokenKind::LBrace => {
                let open = self.bump();
                let symbols = self.delimited(open, TokenKind::RBrace, "'}'", |p| {
                    let name = if p.at(TokenKind::Ident) {
                        let t = p.bump();
                        PropertyKey::Ident(p.ident_from(t))
                    } else if p.at_string_start() {
                        PropertyKey::String(p.string_literal())
                    } else {
                        p.expected("an exported symbol name");
                        return None;
                    };
                    let alias = if p.at_word("as") {
                        p.bump();
                        Some(p.ident("an alias name")?)
                    } else {
                        None
                    };
                    let span = name.span().to(alias.as_ref().map_or(name.span(), |a| a.span));
                    Some(ImportedSymbol { name, alias, span })
                });
                ImportItems::Symbols(symbols)
            }
            TokenKind::Star => {
                self.bump();
                self.expect_word("as")?;
                let alias = self.ident("a namespace name")?;
                ImportItems::Wildcard { alias }
            }
            // The older spelling of `extension`: `import 'az@1.0.0' [with {...}] [as x]`.
            TokenKind::Str(_) => return self.extension_rest(ExtensionKeyword::Import),
            _ => {
                self.expected("'{' or '*' after 'import'");
                return None;
            }
        };
        self.expect_word("from")?;
        let from = self.header_string("a path string")?;
        Some(StatementKind::Import { items, from })
    }

    fn extension(&mut self, keyword: ExtensionKeyword) -> Option<StatementKind> {
        self.bump();
        self.extension_rest(keyword)
    }

    fn extension_rest(&mut self, keyword: ExtensionKeyword) -> Option<StatementKind> {
        let spec = if self.at(TokenKind::Ident) {
            let t = self.bump();
            ExtensionSpec::Name(self.ident_from(t))
        } else {
            ExtensionSpec::Path(self.header_string("an extension name or reference string")?)
        };
        let config = self.with_clause()?;
        let alias = if self.at_word("as") {
            self.bump();
            Some(self.ident("an alias name")?)
        } else {
            None
        };
        Some(StatementKind::Extension {
            keyword,
            spec,
            config,
            alias,
        })
    }

    /// Optional `with {...}`; `None` (outer) after a reported error.
    fn with_clause(&mut self) -> Option<Option<Expr>> {
        if !self.at_word("with") {
            return Some(None);
        }
        self.bump();
        if !self.at(TokenKind::LBrace) {
            self.expected("'{'");
            return None;
        }
        Some(Some(self.object(false)))
    }

    fn using(&mut self) -> Option<StatementKind> {
        self.bump();
        let target = if self.at_word("none") {
            UsingTarget::None(self.bump().span)
        } else {
            UsingTarget::Path(self.header_string("a path string or 'none'")?)
        };
        let config = self.with_clause()?;
        Some(StatementKind::Using { target, config })
    }

    fn extends(&mut self) -> Option<StatementKind> {
        self.bump();
        let path = self.header_string("a path string")?;
        Some(StatementKind::Extends { path })
    }

    fn assert(&mut self) -> Option<StatementKind> {
        self.bump();
        let name = self.ident("an assertion name")?;
        let value = self.assigned_value()?;
        Some(StatementKind::Assert { name, value })
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
                None => self.skip_until(|k| k == TokenKind::NewLine || k == close || k == TokenKind::Comma),
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
