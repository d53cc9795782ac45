//! Bicep expressions to spanned JSON nodes: literals stay literal nodes (with the
//! literal's span), objects and arrays stay nodes as long as they are plain, and
//! anything else becomes one ARM expression string spanning the Bicep expression.

use super::env::{span, Env, Lowerer};
use super::text::{call, expression_node, literal_string_node, member, node, object, quote};
use crate::source::bicep::{ArrayItem, Expr, ExprKind, ForExpr, ObjectItem, UnaryOp};
use crate::source::json::{Member, Node, NodeKind};

/// Where a value is written: whether loops in object properties may become ARM
/// property `copy` loops (the engine expands those in resource bodies, deployment
/// parameters and outputs, not in variables or function outputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// Loops become `map(...)` expressions.
    Plain,
    /// Loops that are property values become property `copy` loops.
    PropertyCopy,
}

impl<'a> Lowerer<'a> {
    pub fn value(&mut self, e: &Expr, env: &Env, place: Place) -> Node {
        self.depth += 1;
        let n = if self.depth > 256 {
            let t = self.unknown(e, "value nested too deeply to lower");
            expression_node(&t, span(e.span))
        } else {
            self.value_inner(e, env, place)
        };
        self.depth -= 1;
        n
    }

    fn value_inner(&mut self, e: &Expr, env: &Env, place: Place) -> Node {
        let sp = span(e.span);
        match &e.kind {
            ExprKind::String(s) => match s.as_literal() {
                Some(v) => literal_string_node(v, sp),
                None => {
                    let t = self.tx_string(s, env);
                    expression_node(&t, sp)
                }
            },
            ExprKind::Int(n) if *n <= i64::MAX as u64 => node(NodeKind::Int(*n as i64), sp),
            ExprKind::Unary {
                op: UnaryOp::Minus,
                operand,
            } => match operand.kind {
                ExprKind::Int(n) if n <= i64::MAX as u64 + 1 => {
                    node(NodeKind::Int((n as i128).wrapping_neg() as i64), sp)
                }
                _ => {
                    let t = self.tx(e, env);
                    expression_node(&t, sp)
                }
            },
            ExprKind::Bool(b) => node(NodeKind::Bool(*b), sp),
            ExprKind::Null => node(NodeKind::Null, sp),
            ExprKind::Paren(inner) => self.value(inner, env, place),
            ExprKind::Array(items) if items.iter().all(|i| matches!(i, ArrayItem::Value(_))) => {
                let nodes = items
                    .iter()
                    .filter_map(|i| match i {
                        ArrayItem::Value(v) => Some(self.value(v, env, place)),
                        ArrayItem::Spread { .. } => None,
                    })
                    .collect();
                node(NodeKind::Array(nodes), sp)
            }
            ExprKind::Object(items) if plain_object(items) => {
                self.object_node(e, items, env, place)
            }
            _ => {
                let t = self.tx(e, env);
                literal_node(&t, sp).unwrap_or_else(|| expression_node(&t, sp))
            }
        }
    }

    fn object_node(&mut self, e: &Expr, items: &[ObjectItem], env: &Env, place: Place) -> Node {
        let mut members: Vec<Member> = Vec::with_capacity(items.len());
        let mut copies: Vec<Node> = Vec::new();
        let mut copy_span = None;
        for item in items {
            let ObjectItem::Property(p) = item else {
                continue;
            };
            let Some(key) = p.key.literal() else {
                // An interpolated key stays an expression string, as the compiler
                // writes it (the engine keeps keys as written).
                if let crate::source::bicep::PropertyKey::String(k) = &p.key {
                    let key = format!("[{}]", self.tx_string(k, env));
                    let value = self.value(&p.value, env, place);
                    members.retain(|m| *m.key != *key);
                    members.push(member(&key, span(p.key.span()), value));
                }
                continue;
            };
            if let (ExprKind::For(f), Place::PropertyCopy) = (&p.value.kind, place) {
                if !matches!(f.body.kind, ExprKind::If { .. }) {
                    copies.push(self.property_copy(key, p.key.span(), f, p.span, env));
                    copy_span.get_or_insert(span(p.span));
                    continue;
                }
            }
            let value = self.value(&p.value, env, place);
            // The last of duplicate keys wins, as ARM reads them.
            // A key that looks like an expression is escaped, as the compiler does.
            let key = super::text::escape_literal(key);
            members.retain(|m| *m.key != *key);
            members.push(member(&key, span(p.key.span()), value));
        }
        if let Some(cs) = copy_span {
            members.push(member("copy", cs, node(NodeKind::Array(copies), cs)));
        }
        object(members, span(e.span))
    }

    /// `{"name": key, "count": "[length(xs)]", "input": body}` of a property loop.
    fn property_copy(
        &mut self,
        key: &str,
        key_span: crate::source::bicep::Span,
        f: &ForExpr,
        whole: crate::source::bicep::Span,
        env: &Env,
    ) -> Node {
        // Inside a property loop ARM needs the enclosing loop's name for its index.
        let outer = match &env.loop_name {
            Some(name) => {
                let named = call("copyIndex", &[quote(name)]);
                env.map_locals(|t| t.replace("copyIndex()", &named))
            }
            None => env.clone(),
        };
        let mut outer = outer;
        outer.loop_name = None;
        let iterable = self.tx(&f.iterable, &outer);
        let index = call("copyIndex", &[quote(key)]);
        let inner = self.loop_env(f, &outer, &index);
        let input = self.value(&f.body, &inner, Place::PropertyCopy);
        let ws = span(whole);
        object(
            vec![
                member(
                    "name",
                    span(key_span),
                    literal_string_node(key, span(key_span)),
                ),
                member(
                    "count",
                    ws,
                    expression_node(&call("length", &[iterable]), span(f.iterable.span)),
                ),
                member("input", span(f.body.span), input),
            ],
            ws,
        )
    }
}

/// A literal node for ARM text that is a plain literal (`'text'`, `12`, `true()`),
/// as the compiler writes constant values.
fn literal_node(text: &str, span: crate::source::json::Span) -> Option<Node> {
    match text {
        "true()" => return Some(node(NodeKind::Bool(true), span)),
        "false()" => return Some(node(NodeKind::Bool(false), span)),
        "null()" => return Some(node(NodeKind::Null, span)),
        _ => {}
    }
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        // A single literal: every quote inside is doubled.
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' && chars.next() != Some('\'') {
                return None;
            }
            value.push(c);
        }
        return Some(super::text::literal_string_node(&value, span));
    }
    text.parse::<i64>()
        .ok()
        .map(|n| node(NodeKind::Int(n), span))
}

/// An object literal without spreads.
fn plain_object(items: &[ObjectItem]) -> bool {
    items
        .iter()
        .all(|i| !matches!(i, ObjectItem::Spread { .. }))
}
