//! Expressions: operators by precedence, postfix access, literals, calls and
//! lambdas. Strings are in `strings.rs`; objects, arrays, loops and conditions in
//! `containers.rs`.
//!
//! Line breaks end an expression except inside brackets and parentheses, before a
//! ternary `?`/`:` on the next line, and after `=>`. A line break right after a
//! binary operator, `?` or `:` is also accepted (the expression is obviously
//! incomplete there).

use super::ast::*;
use super::lexer::TokenKind;
use super::parser::Parser;

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

    /// Precedence climbing; operators bind left to right. Each operator nests
    /// the tree one level deeper, so it counts against the depth limit (a long
    /// chain would otherwise build a tree too deep to walk or drop).
    fn binary(&mut self, min_precedence: u8) -> Expr {
        let mut left = self.unary();
        let mut levels = 0;
        while let Some(op) = binary_op(self.kind()) {
            let precedence = op.precedence();
            if precedence <= min_precedence || !self.enter() {
                break;
            }
            levels += 1;
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
        self.leave_levels(levels);
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
            if !self.enter() {
                self.leave_levels(ops.len());
                return self.error_expr();
            }
            ops.push((op, self.bump().span));
        }
        let mut e = self.postfix();
        self.leave_levels(ops.len());
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
        let mut levels = 0;
        let e = self.accessors(e, &mut levels);
        self.leave_levels(levels);
        e
    }

    /// `.name`, `.?name`, `.name(args)`, `[i]`, `[?i]`, `[^i]`, `::name`, `!`;
    /// each one nests the tree a level deeper (counted in `levels`).
    fn accessors(&mut self, mut e: Expr, levels: &mut usize) -> Expr {
        loop {
            let start = e.span.start;
            let is_accessor = matches!(
                self.kind(),
                TokenKind::LBracket | TokenKind::Dot | TokenKind::DoubleColon | TokenKind::Bang
            );
            if !is_accessor || !self.enter() {
                return e;
            }
            *levels += 1;
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
                        span: self.span_from(start),
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
                        span: self.span_from(start),
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
                    span: self.span_from(t.span.start),
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
        let inner_span = self.span_from(open.span.start);
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
                self.error(
                    "parentheses must contain exactly one expression",
                    inner_span,
                );
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
                span: self.span_from(t.span.start),
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
                span: self.span_from(t.span.start),
            };
        }
        e
    }
}
