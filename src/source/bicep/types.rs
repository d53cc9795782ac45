//! Type expressions: `string`, `int[]`, `'a' | 'b'`, `string?`, `{ p: T }`,
//! `[T1, T2]`, `resourceInput<'T@v'>.properties`, `resource 'T@v'`, ...

use super::ast::*;
use super::lexer::TokenKind;
use super::parser::{ListItems, Parser};

impl Parser<'_> {
    fn error_type(&self) -> TypeExpr {
        TypeExpr {
            kind: TypeKind::Error,
            span: Span::at(self.tok().span.start),
        }
    }

    /// The type of a `param`, `var`, `output` or `type` declaration: a type
    /// expression or `resource 'T@v'` (the string is optional for outputs).
    pub(super) fn declared_type(&mut self, resource_string_optional: bool) -> TypeExpr {
        if !(self.at_word("resource") && self.tok_at(self.pos + 1).kind != TokenKind::Lt) {
            return self.type_expression();
        }
        let keyword = self.bump();
        let type_string = if self.at_string_start() {
            Some(self.string_literal())
        } else {
            if !resource_string_optional {
                self.expected("a resource type string ('Namespace/type@version')");
            }
            None
        };
        TypeExpr {
            kind: TypeKind::Resource(type_string),
            span: self.span_from(keyword.span.start),
        }
    }

    /// `A | B | ...` (a leading `|` and line breaks before each `|` allowed).
    pub(super) fn type_expression(&mut self) -> TypeExpr {
        if !self.enter() {
            return self.error_type();
        }
        let start = self.tok_at(self.next_non_newline()).span.start;
        let leading_pipe = self.at_union_separator();
        if leading_pipe {
            self.skip_newlines();
            self.bump();
        }
        let mut members = vec![self.unary_type()];
        while self.at_union_separator() {
            self.skip_newlines();
            self.bump();
            if matches!(self.kind(), TokenKind::NewLine | TokenKind::Eof) {
                self.expected("a type after '|'");
                break;
            }
            members.push(self.unary_type());
        }
        self.leave();
        if members.len() == 1 && !leading_pipe {
            if let Some(only) = members.pop() {
                return only;
            }
        }
        TypeExpr {
            kind: TypeKind::Union(members),
            span: self.span_from(start),
        }
    }

    fn at_union_separator(&self) -> bool {
        self.at(TokenKind::Pipe)
            || self.at(TokenKind::NewLine)
                && self.tok_at(self.next_non_newline()).kind == TokenKind::Pipe
    }

    /// Prefix `-`/`!`, a member type, then postfix `?`/`!`.
    fn unary_type(&mut self) -> TypeExpr {
        let mut ops = Vec::new();
        loop {
            let op = match self.kind() {
                TokenKind::Minus => UnaryOp::Minus,
                TokenKind::Bang => UnaryOp::Not,
                _ => break,
            };
            if !self.enter() {
                self.leave_levels(ops.len());
                return self.error_type();
            }
            ops.push((op, self.bump().span));
        }
        let mut levels = ops.len();
        let mut t = self.member_type(&mut levels);
        for (op, span) in ops.into_iter().rev() {
            t = TypeExpr {
                span: span.to(t.span),
                kind: TypeKind::Unary {
                    op,
                    operand: Box::new(t),
                },
            };
        }
        loop {
            let start = t.span.start;
            if !matches!(self.kind(), TokenKind::Question | TokenKind::Bang) || !self.enter() {
                self.leave_levels(levels);
                return t;
            }
            levels += 1;
            let kind = match self.kind() {
                TokenKind::Question => TypeKind::Nullable(Box::new(t)),
                _ => TypeKind::NonNull(Box::new(t)),
            };
            let mark = self.bump();
            t = TypeExpr {
                span: Span::new(start, mark.span.end),
                kind,
            };
        }
    }

    /// A primary type followed by `[]`, `[*]`, `[index]`, `.*`, `.name`, `.name<...>`;
    /// each suffix nests the tree a level deeper (counted in `levels`).
    fn member_type(&mut self, levels: &mut usize) -> TypeExpr {
        let mut t = self.primary_type();
        loop {
            let start = t.span.start;
            if !matches!(self.kind(), TokenKind::LBracket | TokenKind::Dot) || !self.enter() {
                return t;
            }
            *levels += 1;
            let kind = match self.kind() {
                TokenKind::LBracket => {
                    self.bump();
                    if self.eat(TokenKind::RBracket).is_some() {
                        TypeKind::Array(Box::new(t))
                    } else if self.eat(TokenKind::Star).is_some() {
                        self.expect(TokenKind::RBracket, "']'");
                        TypeKind::Items(Box::new(t))
                    } else {
                        let index = self.expression();
                        self.expect(TokenKind::RBracket, "']'");
                        TypeKind::Index {
                            target: Box::new(t),
                            index: Box::new(index),
                        }
                    }
                }
                TokenKind::Dot => {
                    self.bump();
                    if self.eat(TokenKind::Star).is_some() {
                        TypeKind::AdditionalProperties(Box::new(t))
                    } else {
                        let Some(name) = self.ident("a property name or '*'") else {
                            return t;
                        };
                        if self.at(TokenKind::Lt) {
                            let args = self.type_arguments();
                            TypeKind::Parameterized {
                                target: Some(Box::new(t)),
                                name,
                                args,
                            }
                        } else {
                            TypeKind::Property {
                                target: Box::new(t),
                                name,
                            }
                        }
                    }
                }
                _ => return t,
            };
            t = TypeExpr {
                kind,
                span: self.span_from(start),
            };
        }
    }

    fn primary_type(&mut self) -> TypeExpr {
        let t = self.tok();
        let kind = match t.kind {
            TokenKind::Int => {
                self.bump();
                match self.token_text(t).parse::<u64>() {
                    Ok(n) => TypeKind::Int(n),
                    Err(_) => {
                        self.error("integer literal is too large", t.span);
                        TypeKind::Error
                    }
                }
            }
            TokenKind::Str(_) if self.at_string_start() => TypeKind::String(self.string_literal()),
            TokenKind::LBrace => self.object_type(),
            TokenKind::LBracket => self.tuple_type(),
            TokenKind::LParen => {
                self.bump();
                self.skip_newlines();
                let inner = self.type_expression();
                self.skip_newlines();
                self.expect(TokenKind::RParen, "')'");
                TypeKind::Paren(Box::new(inner))
            }
            TokenKind::Ident => {
                self.bump();
                match self.token_text(t) {
                    "true" => TypeKind::Bool(true),
                    "false" => TypeKind::Bool(false),
                    "null" => TypeKind::Null,
                    _ if self.at(TokenKind::Lt) => {
                        let args = self.type_arguments();
                        TypeKind::Parameterized {
                            target: None,
                            name: self.ident_from(t),
                            args,
                        }
                    }
                    _ => TypeKind::Named(self.ident_from(t)),
                }
            }
            _ => {
                self.expected("a type");
                return self.error_type();
            }
        };
        TypeExpr {
            kind,
            span: self.span_from(t.span.start),
        }
    }

    /// `<T, ...>`; line breaks allowed inside.
    fn type_arguments(&mut self) -> Vec<TypeExpr> {
        self.bump();
        let mut args = Vec::new();
        loop {
            self.skip_newlines();
            match self.kind() {
                TokenKind::Gt => {
                    self.bump();
                    return args;
                }
                TokenKind::Ge => {
                    // `resourceInput<'T'>= value`: the `=` belongs to the declaration.
                    self.split_ge();
                    return args;
                }
                TokenKind::Eof => {
                    self.expected("'>'");
                    return args;
                }
                _ => {}
            }
            let before = self.pos;
            args.push(self.type_expression());
            self.skip_newlines();
            if self.eat(TokenKind::Comma).is_none()
                && !matches!(self.kind(), TokenKind::Gt | TokenKind::Ge)
            {
                self.expected("',' or '>'");
                self.skip_until(|k| {
                    matches!(k, TokenKind::Gt | TokenKind::Ge | TokenKind::NewLine)
                });
                if self.at(TokenKind::NewLine) {
                    return args;
                }
            }
            if self.pos == before {
                self.bump();
            }
        }
    }

    /// Consume the `>` of a `>=` token and leave its `=` as the current token.
    fn split_ge(&mut self) {
        let t = self.tok();
        let gt_end = t.span.start + 1;
        if let Some(slot) = self.tokens.get_mut(self.pos) {
            slot.kind = TokenKind::Assign;
            slot.span = Span::new(gt_end, t.span.end);
        }
        self.last_end = gt_end;
    }

    /// `{ @dec name: T, 'quoted': T, *: T }`
    fn object_type(&mut self) -> TypeKind {
        let open = self.bump();
        let members = self.list(
            open,
            TokenKind::RBrace,
            "'}'",
            ListItems::Decorated,
            &mut |p| {
                let decorators = p.decorators();
                let key = if p.at(TokenKind::Star) {
                    TypeMemberKey::Wildcard(p.bump().span)
                } else {
                    TypeMemberKey::Name(p.property_key()?)
                };
                let key_span = match &key {
                    TypeMemberKey::Wildcard(s) => *s,
                    TypeMemberKey::Name(k) => k.span(),
                };
                p.expect(TokenKind::Colon, "':'")?;
                let value = p.type_expression();
                let start = decorators.first().map_or(key_span, |d| d.span);
                Some(ObjectTypeMember {
                    span: start.to(value.span),
                    decorators,
                    key,
                    value,
                })
            },
        );
        TypeKind::Object(members)
    }

    /// `[ @dec T1, T2 ]`
    fn tuple_type(&mut self) -> TypeKind {
        let open = self.bump();
        let items = self.list(
            open,
            TokenKind::RBracket,
            "']'",
            ListItems::Decorated,
            &mut |p| {
                let decorators = p.decorators();
                let value = p.type_expression();
                let start = decorators.first().map_or(value.span, |d| d.span);
                Some(TupleTypeItem {
                    span: start.to(value.span),
                    decorators,
                    value,
                })
            },
        );
        TypeKind::Tuple(items)
    }
}
