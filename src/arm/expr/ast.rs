//! Syntax tree of ARM template expressions (`"[concat(parameters('a'), 'b')]"`).
//!
//! Spans are byte offsets into the expression text (the decoded JSON string); the
//! loader maps them back to the file when it reports.

use crate::source::Str;

/// Byte range inside the expression text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ExprSpan {
    pub start: u32,
    pub end: u32,
}

#[derive(Clone, Debug)]
pub enum Expr {
    String(Str, ExprSpan),
    Int(i64, ExprSpan),
    Float(f64, ExprSpan),
    Bool(bool, ExprSpan),
    Null(ExprSpan),
    /// `name(args)`; `name` may be namespaced (`__bicep.joinArray`, `ns.fn`).
    Call {
        name: Str,
        args: Vec<Expr>,
        span: ExprSpan,
        name_span: ExprSpan,
    },
    /// `target.name`
    Property {
        target: Box<Expr>,
        name: Str,
        span: ExprSpan,
    },
    /// `target[index]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
        span: ExprSpan,
    },
}

impl Expr {
    pub fn span(&self) -> ExprSpan {
        match self {
            Expr::String(_, s)
            | Expr::Int(_, s)
            | Expr::Float(_, s)
            | Expr::Bool(_, s)
            | Expr::Null(s) => *s,
            Expr::Call { span, .. } | Expr::Property { span, .. } | Expr::Index { span, .. } => {
                *span
            }
        }
    }

    /// Visit every call in the tree, outermost first.
    pub fn walk_calls<'e>(&'e self, f: &mut dyn FnMut(&'e str, &'e [Expr], ExprSpan)) {
        match self {
            Expr::Call {
                name, args, span, ..
            } => {
                f(name, args, *span);
                for a in args {
                    a.walk_calls(f);
                }
            }
            Expr::Property { target, .. } => target.walk_calls(f),
            Expr::Index { target, index, .. } => {
                target.walk_calls(f);
                index.walk_calls(f);
            }
            _ => {}
        }
    }
}
