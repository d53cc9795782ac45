//! Declarations: the program loop, decorators and each top-level statement
//! (`param`, `var`, `resource`, `module`, `import`, `using`, ...).

use super::ast::*;
use super::lexer::TokenKind;
use super::parser::Parser;

impl Parser<'_> {
    /// All declarations of the file. `pragmas` (from the lexer, in order) that sit
    /// between top-level declarations become [`StatementKind::Pragma`] statements.
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
        let word = if t.kind == TokenKind::Ident {
            self.token_text(t)
        } else {
            ""
        };
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
            span: self.span_from(start),
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
        let type_string =
            self.header_string("a resource type string ('Namespace/type@version')")?;
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
                    let span = name
                        .span()
                        .to(alias.as_ref().map_or(name.span(), |a| a.span));
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
}
