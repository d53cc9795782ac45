//! Objects, arrays, `[for ...]` loops and `if (...) {...}` bodies.

use super::ast::*;
use super::lexer::TokenKind;
use super::parser::{ListItems, Parser};

impl Parser<'_> {
    /// `{ key: value ... }`; in resource bodies (`resources_allowed`) also nested
    /// `resource` declarations.
    pub(super) fn object(&mut self, resources_allowed: bool) -> Expr {
        if !self.enter() {
            return self.error_expr();
        }
        let open = self.bump();
        let kind = if resources_allowed {
            ListItems::Resources
        } else {
            ListItems::Plain
        };
        let items = self.list(open, TokenKind::RBrace, "'}'", kind, &mut |p| {
            p.object_item(resources_allowed)
        });
        self.leave();
        Expr {
            kind: ExprKind::Object(items),
            span: self.span_from(open.span.start),
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
            span: self.span_from(start),
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
                self.error(
                    "a body must be an object, 'if (...) {...}' or '[for ...]'",
                    open.span,
                );
            }
            let items = self.list(
                open,
                TokenKind::RBracket,
                "']'",
                ListItems::Plain,
                &mut |p| {
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
                },
            );
            Expr {
                kind: ExprKind::Array(items),
                span: self.span_from(open.span.start),
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
            self.skip_past_close(TokenKind::RBracket);
            return Expr {
                kind: ExprKind::Error,
                span: self.span_from(open.span.start),
            };
        };
        self.skip_newlines();
        let body = if self.at_word("if") && self.tok_at(self.pos + 1).kind == TokenKind::LParen {
            self.if_body(body_of.unwrap_or(false))
        } else {
            match body_of {
                Some(resources_allowed) if self.at(TokenKind::LBrace) => {
                    self.object(resources_allowed)
                }
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
            span: self.span_from(open.span.start),
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
            let span = self.span_from(open.span.start);
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
            span: self.span_from(keyword.span.start),
            kind: ExprKind::If {
                condition: Box::new(condition),
                body: Box::new(body),
            },
        }
    }
}
