//! Expressions: operators by precedence, postfix access, literals, strings with
//! interpolation, arrays, objects, loops, conditions and lambdas.
//!
//! Line breaks end an expression except inside brackets and parentheses, before a
//! ternary `?`/`:` on the next line, and after `=>`. A line break right after a
//! binary operator, `?` or `:` is also accepted (the expression is obviously
//! incomplete there).

use super::ast::*;
use super::escape::unescape;
use super::lexer::{StrPart, Token, TokenKind};
use super::parser::{ListItems, Parser};

fn binary_op(kind: TokenKind) -> Option<BinaryOp> {
    Some(match kind {
        TokenKind::Or => BinaryOp::Or,
        TokenKind::And => BinaryOp::And,
        TokenKind::Eq => BinaryOp::Equals,
        TokenKind::NotEq => BinaryOp::NotEquals,
        TokenKind::EqI => BinaryOp::EqualsInsensitive,
        TokenKind::NotEqI => BinaryOp::NotEqualsInsensitive,
        TokenKind::Lt => BinaryOp::Less,
        TokenKind::Le => BinaryOp::LessOrEqual,
        TokenKind::Gt => BinaryOp::Greater,
        TokenKind::Ge => BinaryOp::GreaterOrEqual,
        TokenKind::Plus => BinaryOp::Add,
        TokenKind::Minus => BinaryOp::Subtract,
        TokenKind::Star => BinaryOp::Multiply,
        TokenKind::Slash => BinaryOp::Divide,
        TokenKind::Percent => BinaryOp::Modulo,
        TokenKind::DoubleQuestion => BinaryOp::Coalesce,
        _ => return None,
    })
}

fn boxed(kind: ExprKind, span: Span) -> Box<Expr> {
    Box::new(Expr { kind, span })
}

impl Parser<'_> {
    /// An error placeholder at the current token (the error is already reported).
    pub(super) fn error_expr(&self) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span: Span::at(self.tok().span.start),
        }
    }

    pub(super) fn expression(&mut self) -> Expr {
        if !self.enter() {
            return Expr {
                kind: ExprKind::Error,
                span: Span::at(self.last_end),
            };
        }
        let e = self.ternary();
        self.leave();
        e
    }

    fn ternary(&mut self) -> Expr {
        let condition = self.binary(0);
        if self.tok_at(self.next_non_newline()).kind != TokenKind::Question {
            return condition;
        }
        self.skip_newlines();
        self.bump();
        self.skip_newlines_in_expression();
        let then = self.expression();
        if self.tok_at(self.next_non_newline()).kind == TokenKind::Colon {
            self.skip_newlines();
        }
        let otherwise = if self.expect(TokenKind::Colon, "':'").is_some() {
            self.skip_newlines_in_expression();
            self.expression()
        } else {
            self.error_expr()
        };
        Expr {
            span: condition.span.to(otherwise.span).to(then.span),
            kind: ExprKind::Ternary {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
        }
    }

    /// Precedence climbing; operators bind left to right.
    fn binary(&mut self, min_precedence: u8) -> Expr {
        let mut left = self.unary();
        while let Some(op) = binary_op(self.kind()) {
            let precedence = op.precedence();
            if precedence <= min_precedence {
                break;
            }
            self.bump();
            self.skip_newlines_in_expression();
            let right = self.binary(precedence);
            left = Expr {
                span: left.span.to(right.span),
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
            };
        }
        left
    }

    fn unary(&mut self) -> Expr {
        let mut ops = Vec::new();
        loop {
            let op = match self.kind() {
                TokenKind::Bang => UnaryOp::Not,
                TokenKind::Minus => UnaryOp::Minus,
                _ => break,
            };
            ops.push((op, self.bump().span));
        }
        let mut e = self.postfix();
        for (op, span) in ops.into_iter().rev() {
            e = Expr {
                span: span.to(e.span),
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(e),
                },
            };
        }
        e
    }

    fn postfix(&mut self) -> Expr {
        let e = self.primary();
        self.accessors(e)
    }

    /// `.name`, `.?name`, `.name(args)`, `[i]`, `[?i]`, `[^i]`, `::name`, `!`.
    fn accessors(&mut self, mut e: Expr) -> Expr {
        loop {
            let start = e.span.start;
            match self.kind() {
                TokenKind::LBracket => {
                    self.bump();
                    let safe = self.eat(TokenKind::Question).is_some();
                    let from_end = self.eat(TokenKind::Hat).is_some();
                    let index = if self.at(TokenKind::RBracket) {
                        self.expected("an index expression");
                        self.error_expr()
                    } else {
                        self.expression()
                    };
                    if self.expect(TokenKind::RBracket, "']'").is_none() {
                        self.skip_until(|k| k == TokenKind::RBracket || k == TokenKind::NewLine);
                        self.eat(TokenKind::RBracket);
                    }
                    e = Expr {
                        span: Span::new(start, self.last_end),
                        kind: ExprKind::Index {
                            target: Box::new(e),
                            index: Box::new(index),
                            safe,
                            from_end,
                        },
                    };
                }
                TokenKind::Dot => {
                    self.bump();
                    let safe = self.eat(TokenKind::Question).is_some();
                    let Some(name) = self.ident("a property or function name") else {
                        return e;
                    };
                    let kind = if self.at(TokenKind::LParen) {
                        if safe {
                            self.error("'.?' cannot be used to call a function", name.span);
                        }
                        let args = self.arguments();
                        ExprKind::Call {
                            target: Some(Box::new(e)),
                            name,
                            args,
                        }
                    } else {
                        ExprKind::Property {
                            target: Box::new(e),
                            name,
                            safe,
                        }
                    };
                    e = Expr {
                        kind,
                        span: Span::new(start, self.last_end),
                    };
                }
                TokenKind::DoubleColon => {
                    self.bump();
                    let Some(name) = self.ident("a nested resource name") else {
                        return e;
                    };
                    e = Expr {
                        span: Span::new(start, name.span.end),
                        kind: ExprKind::ResourceAccess {
                            target: Box::new(e),
                            name,
                        },
                    };
                }
                TokenKind::Bang => {
                    let bang = self.bump();
                    e = Expr {
                        span: Span::new(start, bang.span.end),
                        kind: ExprKind::NonNull(Box::new(e)),
                    };
                }
                _ => return e,
            }
        }
    }

    fn primary(&mut self) -> Expr {
        let t = self.tok();
        match t.kind {
            TokenKind::Int => {
                self.bump();
                match self.token_text(t).parse::<u64>() {
                    Ok(n) => Expr {
                        kind: ExprKind::Int(n),
                        span: t.span,
                    },
                    Err(_) => {
                        self.error("integer literal is too large", t.span);
                        Expr {
                            kind: ExprKind::Error,
                            span: t.span,
                        }
                    }
                }
            }
            TokenKind::Str(_) if self.at_string_start() => {
                let s = self.string_literal();
                Expr {
                    span: s.span,
                    kind: ExprKind::String(s),
                }
            }
            TokenKind::LBrace => self.object(false),
            TokenKind::LBracket => self.array_or_for(None),
            TokenKind::LParen => self.paren_or_lambda(),
            TokenKind::Ident => {
                if self.tok_at(self.pos + 1).kind == TokenKind::Arrow {
                    self.bump();
                    self.bump();
                    let param = self.ident_from(t);
                    let body = self.lambda_body();
                    return Expr {
                        span: t.span.to(body.span),
                        kind: ExprKind::Lambda {
                            params: vec![param],
                            body: Box::new(body),
                        },
                    };
                }
                self.bump();
                let kind = match self.token_text(t) {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "null" => ExprKind::Null,
                    _ if self.at(TokenKind::LParen) => {
                        let args = self.arguments();
                        ExprKind::Call {
                            target: None,
                            name: self.ident_from(t),
                            args,
                        }
                    }
                    _ => ExprKind::Var(self.ident_from(t)),
                };
                Expr {
                    kind,
                    span: Span::new(t.span.start, self.last_end),
                }
            }
            _ => {
                self.expected("an expression");
                self.error_expr()
            }
        }
    }

    /// `(a, b)` after a function name.
    fn arguments(&mut self) -> Vec<Expr> {
        let open = self.bump();
        self.delimited(open, TokenKind::RParen, "')'", |p| Some(p.expression()))
    }

    /// `(expr)` or the parameter list of a lambda `(a, b) => body`.
    fn paren_or_lambda(&mut self) -> Expr {
        let open = self.bump();
        let items = self.delimited(open, TokenKind::RParen, "')'", |p| Some(p.expression()));
        let inner_span = Span::new(open.span.start, self.last_end);
        if self.eat(TokenKind::Arrow).is_some() {
            let mut params = Vec::with_capacity(items.len());
            for item in items {
                match item.kind {
                    ExprKind::Var(name) => params.push(name),
                    ExprKind::Error => {}
                    _ => self.error("expected a lambda parameter name", item.span),
                }
            }
            let body = self.lambda_body();
            return Expr {
                span: open.span.to(body.span),
                kind: ExprKind::Lambda {
                    params,
                    body: Box::new(body),
                },
            };
        }
        let mut items = items.into_iter();
        let inner = match (items.next(), items.next()) {
            (Some(only), None) => only,
            (first, _) => {
                self.error("parentheses must contain exactly one expression", inner_span);
                first.unwrap_or(Expr {
                    kind: ExprKind::Error,
                    span: inner_span,
                })
            }
        };
        Expr {
            span: inner_span,
            kind: ExprKind::Paren(Box::new(inner)),
        }
    }

    /// The body after `=>`: may start on the next line, unless that line is a
    /// declaration (then the body is missing).
    pub(super) fn lambda_body(&mut self) -> Expr {
        self.skip_newlines_in_expression();
        self.expression()
    }

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
            span: Span::new(first.span.start, self.last_end),
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

    fn push_text(&mut self, segments: &mut Vec<StringSegment>, t: Token, multiline: bool, keep_empty: bool) {
        let raw = t.content.text(self.text);
        let value = if multiline {
            raw.to_string()
        } else {
            unescape(raw, t.content.start, &mut self.diagnostics)
        };
        if keep_empty || !value.is_empty() {
            segments.push(StringSegment::Text {
                value: value.into(),
                span: t.content,
            });
        }
    }

    /// `{ key: value ... }`; in resource bodies (`resources_allowed`) also nested
    /// `resource` declarations.
    pub(super) fn object(&mut self, resources_allowed: bool) -> Expr {
        if !self.enter() {
            return self.error_expr();
        }
        let open = self.bump();
        let kind = if resources_allowed { ListItems::Resources } else { ListItems::Plain };
        let items = self.list(open, TokenKind::RBrace, "'}'", kind, &mut |p| p.object_item(resources_allowed));
        self.leave();
        Expr {
            kind: ExprKind::Object(items),
            span: Span::new(open.span.start, self.last_end),
        }
    }

    fn object_item(&mut self, resources_allowed: bool) -> Option<ObjectItem> {
        match self.kind() {
            TokenKind::Ellipsis => {
                let dots = self.bump();
                let expr = self.expression();
                return Some(ObjectItem::Spread {
                    span: dots.span.to(expr.span),
                    expr,
                });
            }
            TokenKind::At if resources_allowed => return self.nested_resource(),
            TokenKind::Ident
                if resources_allowed
                    && self.at_word("resource")
                    && self.tok_at(self.pos + 1).kind == TokenKind::Ident =>
            {
                return self.nested_resource();
            }
            _ => {}
        }
        let key = self.property_key()?;
        self.expect(TokenKind::Colon, "':'")?;
        let value = self.expression();
        Some(ObjectItem::Property(Property {
            span: key.span().to(value.span),
            key,
            value,
        }))
    }

    /// An object key: a name or a string.
    pub(super) fn property_key(&mut self) -> Option<PropertyKey> {
        if self.at(TokenKind::Ident) {
            let t = self.bump();
            Some(PropertyKey::Ident(self.ident_from(t)))
        } else if self.at_string_start() {
            Some(PropertyKey::String(self.string_literal()))
        } else {
            self.expected("a property name");
            None
        }
    }

    fn nested_resource(&mut self) -> Option<ObjectItem> {
        let start = self.tok().span.start;
        let decorators = self.decorators();
        if !self.at_word("resource") {
            self.expected("'resource' after the decorators");
            return None;
        }
        let keyword_span = self.tok().span;
        let decl = self.resource()?;
        Some(ObjectItem::Resource(Box::new(Statement {
            decorators,
            kind: StatementKind::Resource(decl),
            span: Span::new(start, self.last_end),
            keyword_span,
        })))
    }

    /// `[...]` or `[for ...]`. `body_of` is `Some(resources_allowed)` for the body
    /// of a resource or module declaration.
    pub(super) fn array_or_for(&mut self, body_of: Option<bool>) -> Expr {
        if !self.enter() {
            return self.error_expr();
        }
        let mut after_open = self.pos + 1;
        while self.tok_at(after_open).kind == TokenKind::NewLine {
            after_open += 1;
        }
        let e = if self.is_word(after_open, "for") {
            self.for_expression(body_of)
        } else {
            let open = self.bump();
            if body_of.is_some() {
                self.error("a body must be an object, 'if (...) {...}' or '[for ...]'", open.span);
            }
            let items = self.list(open, TokenKind::RBracket, "']'", ListItems::Plain, &mut |p| {
                if p.at(TokenKind::Ellipsis) {
                    let dots = p.bump();
                    let expr = p.expression();
                    Some(ArrayItem::Spread {
                        span: dots.span.to(expr.span),
                        expr,
                    })
                } else {
                    Some(ArrayItem::Value(p.expression()))
                }
            });
            Expr {
                kind: ExprKind::Array(items),
                span: Span::new(open.span.start, self.last_end),
            }
        };
        self.leave();
        e
    }

    /// `[for item in iterable: body]`, `[for (item, index) in iterable: body]`.
    fn for_expression(&mut self, body_of: Option<bool>) -> Expr {
        let open = self.bump();
        self.skip_newlines();
        self.bump(); // `for`, checked by the caller
        let Some((item, index, iterable)) = self.for_header() else {
            self.skip_until(|k| k == TokenKind::RBracket || k == TokenKind::NewLine);
            self.eat(TokenKind::RBracket);
            return Expr {
                kind: ExprKind::Error,
                span: Span::new(open.span.start, self.last_end),
            };
        };
        self.skip_newlines();
        let body = if self.at_word("if") && self.tok_at(self.pos + 1).kind == TokenKind::LParen {
            self.if_body(body_of.unwrap_or(false))
        } else {
            match body_of {
                Some(resources_allowed) if self.at(TokenKind::LBrace) => self.object(resources_allowed),
                Some(_) => {
                    self.expected("'{' or 'if' to start the loop body");
                    self.error_expr()
                }
                None => self.expression(),
            }
        };
        self.skip_newlines();
        if self.expect(TokenKind::RBracket, "']'").is_none() {
            self.skip_until(|k| k == TokenKind::RBracket || k == TokenKind::NewLine);
            self.eat(TokenKind::RBracket);
        }
        Expr {
            span: Span::new(open.span.start, self.last_end),
            kind: ExprKind::For(Box::new(ForExpr {
                item,
                index,
                iterable,
                body,
            })),
        }
    }

    fn for_header(&mut self) -> Option<(Ident, Option<Ident>, Expr)> {
        let (item, index) = if self.eat(TokenKind::LParen).is_some() {
            let item = self.ident("a loop item name")?;
            self.expect(TokenKind::Comma, "',' and an index name")?;
            let index = self.ident("a loop index name")?;
            self.expect(TokenKind::RParen, "')'")?;
            (item, Some(index))
        } else {
            (self.ident("a loop item name or '(item, index)'")?, None)
        };
        self.expect_word("in")?;
        let iterable = self.expression();
        self.expect(TokenKind::Colon, "':'")?;
        Some((item, index, iterable))
    }

    /// `if (condition) {...}`
    pub(super) fn if_body(&mut self, resources_allowed: bool) -> Expr {
        let keyword = self.bump();
        let Some(open) = self.expect(TokenKind::LParen, "'(' after 'if'") else {
            return self.error_expr();
        };
        let mut items = self.delimited(open, TokenKind::RParen, "')'", |p| Some(p.expression()));
        let condition = if items.len() == 1 {
            items.remove(0)
        } else {
            let span = Span::new(open.span.start, self.last_end);
            self.error("the condition must be exactly one expression", span);
            Expr {
                kind: ExprKind::Error,
                span,
            }
        };
        let body = if self.at(TokenKind::LBrace) {
            self.object(resources_allowed)
        } else {
            self.expected("'{' after the condition");
            self.error_expr()
        };
        Expr {
            span: Span::new(keyword.span.start, self.last_end),
            kind: ExprKind::If {
                condition: Box::new(condition),
                body: Box::new(body),
            },
        }
    }

    /// After `@`: `name`, `name(args)`, `ns.name(args)`.
    pub(super) fn decorator_expression(&mut self) -> Expr {
        let t = self.bump();
        let mut e = if self.at(TokenKind::LParen) {
            let args = self.arguments();
            Expr {
                kind: ExprKind::Call {
                    target: None,
                    name: self.ident_from(t),
                    args,
                },
                span: Span::new(t.span.start, self.last_end),
            }
        } else {
            Expr {
                kind: ExprKind::Var(self.ident_from(t)),
                span: t.span,
            }
        };
        while self.eat(TokenKind::Dot).is_some() {
            let Some(name) = self.ident("a decorator name") else {
                break;
            };
            let kind = if self.at(TokenKind::LParen) {
                let args = self.arguments();
                ExprKind::Call {
                    target: Some(boxed(e.kind, e.span)),
                    name,
                    args,
                }
            } else {
                ExprKind::Property {
                    target: boxed(e.kind, e.span),
                    name,
                    safe: false,
                }
            };
            e = Expr {
                kind,
                span: Span::new(t.span.start, self.last_end),
            };
        }
        e
    }
}
