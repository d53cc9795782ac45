//! Lexer and recursive-descent parser for ARM template expressions.
//!
//! Grammar (as ARM evaluates it):
//! ```text
//! expression := primary accessor*
//! primary    := string | number | 'true' | 'false' | 'null' | name '(' args? ')'
//! accessor   := '.' identifier | '[' expression ']'
//! name       := identifier ('.' identifier)*      // __bicep.joinArray, ns.fn
//! string     := "'" ( [^'] | "''" )* "'"
//! ```

use crate::arm::expr::ast::{Expr, ExprSpan};
use crate::arm::limits::MAX_EXPRESSION_DEPTH;
use crate::source::Str;

/// A syntax error at a byte offset of the expression text.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    pub message: String,
    pub offset: u32,
}

/// What a JSON string means to ARM.
pub enum StringForm<'s> {
    /// A plain literal (with a leading `[[` already reduced to `[`).
    Literal(std::borrow::Cow<'s, str>),
    /// `[ ... ]`: the inner text and its offset in the string.
    Expression(&'s str, u32),
}

/// Classify a template string: `[expr]` is an expression, `[[...]` a literal `[...]`.
pub fn classify(s: &str) -> StringForm<'_> {
    if s.len() >= 2 && s.starts_with('[') && s.ends_with(']') {
        if s.as_bytes()[1] == b'[' {
            return StringForm::Literal(std::borrow::Cow::Owned(s[1..].to_string()));
        }
        return StringForm::Expression(&s[1..s.len() - 1], 1);
    }
    StringForm::Literal(std::borrow::Cow::Borrowed(s))
}

/// Parse the text inside the brackets of `[...]`. `base` is added to every span so
/// offsets are relative to the whole string.
pub fn parse(text: &str, base: u32) -> Result<Expr, ExprError> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        base,
        depth: 0,
    };
    p.skip_ws();
    let expr = p.expression()?;
    p.skip_ws();
    if p.pos < p.src.len() {
        return Err(p.error(format!(
            "unexpected '{}' after the expression",
            p.peek_char()
        )));
    }
    Ok(expr)
}

/// Parse a full template string value (`"[...]"`); `Ok(None)` for literals.
pub fn parse_template_string(s: &str) -> Result<Option<Expr>, ExprError> {
    match classify(s) {
        StringForm::Literal(_) => Ok(None),
        StringForm::Expression(inner, offset) => parse(inner, offset).map(Some),
    }
}

struct Parser<'t> {
    src: &'t [u8],
    text: &'t str,
    pos: usize,
    base: u32,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: String) -> ExprError {
        ExprError {
            message,
            offset: self.base + self.pos as u32,
        }
    }

    fn span(&self, start: usize) -> ExprSpan {
        ExprSpan {
            start: self.base + start as u32,
            end: self.base + self.pos as u32,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_char(&self) -> char {
        self.text[self.pos..].chars().next().unwrap_or(' ')
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), ExprError> {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else if self.pos >= self.src.len() {
            Err(self.error(format!("expected {what} but the expression ended")))
        } else {
            Err(self.error(format!("expected {what}, found '{}'", self.peek_char())))
        }
    }

    fn expression(&mut self) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_EXPRESSION_DEPTH {
            return Err(self.error(format!(
                "expression nested deeper than {MAX_EXPRESSION_DEPTH} levels"
            )));
        }
        self.skip_ws();
        let start = self.pos;
        let mut expr = self.primary()?;
        // Each property or index step nests the expression one level deeper too.
        let outer = self.depth;
        loop {
            self.skip_ws();
            if matches!(self.peek(), Some(b'.' | b'[')) {
                self.depth += 1;
                if self.depth > MAX_EXPRESSION_DEPTH {
                    return Err(self.error(format!(
                        "expression nested deeper than {MAX_EXPRESSION_DEPTH} levels"
                    )));
                }
            }
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    self.skip_ws();
                    let name = self.identifier()?;
                    expr = Expr::Property {
                        target: Box::new(expr),
                        name: Str::from(name),
                        span: self.span(start),
                    };
                }
                Some(b'[') => {
                    self.pos += 1;
                    let index = self.expression()?;
                    self.expect(b']', "']'")?;
                    expr = Expr::Index {
                        target: Box::new(expr),
                        index: Box::new(index),
                        span: self.span(start),
                    };
                }
                _ => break,
            }
        }
        self.depth = outer - 1;
        Ok(expr)
    }

    fn identifier(&mut self) -> Result<&str, ExprError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 {
                self.pos += 1;
            } else {
                break;
            }
        }
        if start == self.pos {
            if self.pos >= self.src.len() {
                return Err(self.error("expected a name but the expression ended".into()));
            }
            return Err(self.error(format!("expected a name, found '{}'", self.peek_char())));
        }
        // Multi-byte characters were accepted whole above; make sure we cut on a boundary.
        while !self.text.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        Ok(&self.text[start..self.pos])
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.error("expected an expression but the text ended".into())),
            Some(b'\'') => self.string(),
            Some(b) if b.is_ascii_digit() || b == b'-' || b == b'+' || b == b'.' => self.number(),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                // name, possibly dotted: a.b.c(  — dots belong to the name only when a
                // call follows; otherwise they are property accesses.
                // Names are borrowed from the text; only a dotted name is assembled.
                let text = self.text;
                let first = self.identifier()?.len();
                let mut dotted: Option<String> = None;
                let mut probe = self.pos;
                loop {
                    let save = self.pos;
                    self.skip_ws();
                    if self.peek() == Some(b'.') {
                        self.pos += 1;
                        self.skip_ws();
                        let part_start = self.pos;
                        if self.identifier().is_ok() {
                            let name = dotted
                                .get_or_insert_with(|| text[start..start + first].to_string());
                            name.push('.');
                            name.push_str(&text[part_start..self.pos]);
                            probe = self.pos;
                            continue;
                        }
                    }
                    self.pos = save;
                    break;
                }
                self.pos = probe;
                self.skip_ws();
                let end_of_name = probe;
                let name: &str = dotted.as_deref().unwrap_or(&text[start..start + first]);
                if self.peek() != Some(b'(') {
                    // No call: only the first identifier is the primary.
                    let name = &text[start..start + first];
                    self.pos = start + name.len();
                    let span = self.span(start);
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(Expr::Bool(true, span)),
                        "false" => Ok(Expr::Bool(false, span)),
                        "null" => Ok(Expr::Null(span)),
                        _ => Err(ExprError {
                            message: format!("'{name}' must be followed by '(' (a function call)"),
                            offset: self.base + self.pos as u32,
                        }),
                    };
                }
                let name_span = ExprSpan {
                    start: self.base + start as u32,
                    end: self.base + end_of_name as u32,
                };
                self.pos += 1; // '('
                let mut args = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b')') {
                    self.pos += 1;
                } else {
                    loop {
                        args.push(self.expression()?);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                            }
                            Some(b')') => {
                                self.pos += 1;
                                break;
                            }
                            None => {
                                return Err(
                                    self.error(format!("missing ')' to close the call to {name}"))
                                )
                            }
                            Some(_) => {
                                return Err(self.error(format!(
                                    "expected ',' or ')' in the call to {name}, found '{}'",
                                    self.peek_char()
                                )))
                            }
                        }
                    }
                }
                Ok(Expr::Call {
                    name: Str::from(name),
                    args,
                    span: self.span(start),
                    name_span,
                })
            }
            Some(_) => Err(self.error(format!("unexpected '{}'", self.peek_char()))),
        }
    }

    fn string(&mut self) -> Result<Expr, ExprError> {
        let start = self.pos;
        self.pos += 1;
        // Without a doubled quote the literal is a slice of the text.
        let rest = &self.src[self.pos..];
        if let Some(close) = memchr::memchr(b'\'', rest) {
            if rest.get(close + 1) != Some(&b'\'') {
                let value = &self.text[self.pos..self.pos + close];
                self.pos += close + 1;
                return Ok(Expr::String(Str::from(value), self.span(start)));
            }
        }
        let mut out = String::new();
        let mut seg_start = self.pos;
        loop {
            match self.peek() {
                None => {
                    return Err(ExprError {
                        message: "unterminated string literal".into(),
                        offset: self.base + start as u32,
                    })
                }
                Some(b'\'') => {
                    out.push_str(&self.text[seg_start..self.pos]);
                    if self.src.get(self.pos + 1) == Some(&b'\'') {
                        out.push('\'');
                        self.pos += 2;
                        seg_start = self.pos;
                    } else {
                        self.pos += 1;
                        break;
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
        Ok(Expr::String(Str::from(out), self.span(start)))
    }

    fn number(&mut self) -> Result<Expr, ExprError> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'-') | Some(b'+')) {
            self.pos += 1;
        }
        let mut is_float = false;
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() {
                self.pos += 1;
            } else if b == b'.' && !is_float {
                // `1.x` would be a property access on a number, which ARM does not have.
                is_float = true;
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = &self.text[start..self.pos];
        let span = self.span(start);
        if is_float {
            text.parse::<f64>()
                .map(|f| Expr::Float(f, span))
                .map_err(|_| ExprError {
                    message: format!("invalid number '{text}'"),
                    offset: self.base + start as u32,
                })
        } else {
            text.parse::<i64>()
                .map(|i| Expr::Int(i, span))
                .map_err(|_| ExprError {
                    message: format!("invalid or out-of-range integer '{text}'"),
                    offset: self.base + start as u32,
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        match parse_template_string(s) {
            Ok(Some(e)) => e,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn nested_calls_and_accessors() {
        let e =
            p("[reference(resourceId('Microsoft.X/y', 'n'), '2020-01-01').properties['a'][0].b]");
        let Expr::Property { name, target, .. } = e else {
            panic!()
        };
        assert_eq!(&*name, "b");
        let Expr::Index { index, .. } = *target else {
            panic!()
        };
        assert!(matches!(*index, Expr::Int(0, _)));
    }

    #[test]
    fn string_escapes_and_literals() {
        let Expr::Call { args, .. } = p("[concat('it''s', 'x')]") else {
            panic!()
        };
        assert!(matches!(&args[0], Expr::String(s, _) if &**s == "it's"));
        assert!(matches!(p("[true]"), Expr::Bool(true, _)));
        assert!(matches!(p("[null]"), Expr::Null(_)));
        assert!(matches!(p("[-12]"), Expr::Int(-12, _)));
        assert!(matches!(p("[1.5]"), Expr::Float(f, _) if f == 1.5));
    }

    #[test]
    fn double_bracket_is_literal() {
        assert!(matches!(
            parse_template_string("[[notAnExpression()]"),
            Ok(None)
        ));
        match classify("[[x]") {
            StringForm::Literal(s) => assert_eq!(s, "[x]"),
            _ => panic!(),
        }
        assert!(matches!(parse_template_string("plain"), Ok(None)));
    }

    #[test]
    fn namespaced_names() {
        let Expr::Call {
            name, name_span, ..
        } = p("[__bicep.joinArray(createArray('a'), ',')]")
        else {
            panic!()
        };
        assert_eq!(&*name, "__bicep.joinArray");
        assert_eq!(name_span, ExprSpan { start: 1, end: 18 });
        let Expr::Property { name, target, .. } = p("[parameters('x').y]") else {
            panic!()
        };
        assert_eq!(&*name, "y");
        assert!(matches!(*target, Expr::Call { .. }));
    }

    #[test]
    fn errors_point_inside_the_string() {
        let err = parse_template_string("[concat('a', ]").unwrap_err();
        assert_eq!(err.offset, 13);
        let err = parse_template_string("[concat('a']").unwrap_err();
        assert!(err.message.contains("missing ')'"), "{}", err.message);
        let err = parse_template_string("[concat('a) ]").unwrap_err();
        assert!(err.message.contains("unterminated"));
        assert_eq!(err.offset, 8);
    }

    #[test]
    fn deep_nesting_is_capped() {
        let s = format!("[{}1{}]", "add(1,".repeat(500), ")".repeat(500));
        let err = parse_template_string(&s).unwrap_err();
        assert!(err.message.contains("nested deeper"));
    }

    /// A chain of property and index steps nests as deep as calls do: evaluating it
    /// recurses once per step.
    #[test]
    fn long_access_chains_are_capped() {
        let chain = |n: usize| format!("[reference('x'){}]", ".a[0]".repeat(n));
        assert!(parse_template_string(&chain(60)).is_ok());
        let err = parse_template_string(&chain(9000)).unwrap_err();
        assert!(err.message.contains("nested deeper"), "{}", err.message);
        // Steps inside an index count from the index's own expression.
        let inner = format!("[reference('x')[parameters('p'){}]]", ".c".repeat(100));
        assert!(parse_template_string(&inner).is_ok());
    }
}
