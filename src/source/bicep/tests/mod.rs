//! Tests of the Bicep front-end, on inline text and `tests/fixtures/bicep/`; with the
//! `corpus` feature, also on the Bicep files of the shared corpus.

#[cfg(feature = "corpus")]
mod corpus;
mod declarations;
mod expressions;
mod recovery;
mod robustness;

use super::{parse, Diagnostic, ParsedFile};
use std::path::Path;
#[cfg(feature = "corpus")]
use std::path::PathBuf;

/// The shared corpus (`corpus` feature only).
#[cfg(feature = "corpus")]
pub(super) fn corpus() -> PathBuf {
    crate::test_support::shared("corpus")
}

/// The hand-written tour of the grammar, LF and CRLF (`tests/fixtures/bicep/syntax/`).
pub(super) fn syntax_fixture(name: &str) -> String {
    read(&Path::new("tests/fixtures/bicep/syntax").join(name))
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_col(text: &str, offset: u32) -> (usize, usize) {
    let before = &text[..offset as usize];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(feature = "corpus")]
/// Every file under `dir` (recursively) whose name satisfies `keep`, sorted.
pub(super) fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

pub(super) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Parse and require no diagnostics.
pub(super) fn parse_ok(text: &str) -> ParsedFile {
    let parsed = parse(text);
    assert!(
        parsed.diagnostics.is_empty(),
        "unexpected diagnostics: {}",
        show(text, &parsed.diagnostics)
    );
    parsed
}

pub(super) fn show(text: &str, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let (l, c) = line_col(text, d.span.start);
            format!("\n  {l}:{c}: {}", d.message)
        })
        .collect()
}

use super::ast::*;

/// Compact, fully parenthesised rendering of an expression for assertions.
pub(super) fn sexp(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(sexp).collect::<Vec<_>>().join(" ");
    match &e.kind {
        ExprKind::String(s) => string_sexp(s),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Null => "null".into(),
        ExprKind::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    ArrayItem::Value(v) => sexp(v),
                    ArrayItem::Spread { expr, .. } => format!("...{}", sexp(expr)),
                })
                .collect();
            format!("[{}]", parts.join(" "))
        }
        ExprKind::Object(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    ObjectItem::Property(p) => format!("{}: {}", key_sexp(&p.key), sexp(&p.value)),
                    ObjectItem::Spread { expr, .. } => format!("...{}", sexp(expr)),
                    ObjectItem::Resource(s) => {
                        format!("resource {}", s.name().map_or("?", |n| &n.name))
                    }
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        ExprKind::Var(i) => i.name.to_string(),
        ExprKind::Call { target, name, args } => match target {
            Some(t) => format!("{}.{}({})", sexp(t), name.name, list(args)),
            None => format!("{}({})", name.name, list(args)),
        },
        ExprKind::Property { target, name, safe } => {
            format!(
                "{}.{}{}",
                sexp(target),
                if *safe { "?" } else { "" },
                name.name
            )
        }
        ExprKind::Index {
            target,
            index,
            safe,
            from_end,
        } => format!(
            "{}[{}{}{}]",
            sexp(target),
            if *safe { "?" } else { "" },
            if *from_end { "^" } else { "" },
            sexp(index)
        ),
        ExprKind::ResourceAccess { target, name } => format!("{}::{}", sexp(target), name.name),
        ExprKind::NonNull(inner) => format!("{}!", sexp(inner)),
        ExprKind::Unary { op, operand } => {
            format!(
                "({} {})",
                if *op == UnaryOp::Not { "!" } else { "-" },
                sexp(operand)
            )
        }
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", op.as_str(), sexp(left), sexp(right))
        }
        ExprKind::Ternary {
            condition,
            then,
            otherwise,
        } => {
            format!("(? {} {} {})", sexp(condition), sexp(then), sexp(otherwise))
        }
        ExprKind::Lambda { params, body } => {
            let names: Vec<&str> = params.iter().map(|p| &*p.name).collect();
            format!("(lambda ({}) {})", names.join(" "), sexp(body))
        }
        ExprKind::Paren(inner) => format!("(paren {})", sexp(inner)),
        ExprKind::For(f) => format!(
            "(for {}{} in {} {})",
            f.item.name,
            f.index
                .as_ref()
                .map_or(String::new(), |i| format!(",{}", i.name)),
            sexp(&f.iterable),
            sexp(&f.body)
        ),
        ExprKind::If { condition, body } => format!("(if {} {})", sexp(condition), sexp(body)),
        ExprKind::Error => "<error>".into(),
    }
}

pub(super) fn string_sexp(s: &StringLit) -> String {
    if let Some(text) = s.as_literal() {
        return format!("'{text}'");
    }
    let parts: Vec<String> = s
        .segments
        .iter()
        .map(|seg| match seg {
            StringSegment::Text { value, .. } => format!("'{value}'"),
            StringSegment::Expr(e) => format!("${}", sexp(e)),
        })
        .collect();
    format!("(str {})", parts.join(" "))
}

fn key_sexp(k: &PropertyKey) -> String {
    match k {
        PropertyKey::Ident(i) => i.name.to_string(),
        PropertyKey::String(s) => string_sexp(s),
    }
}

fn decorators_sexp(ds: &[Decorator]) -> String {
    ds.iter().map(|d| format!("@{} ", sexp(&d.expr))).collect()
}

/// Compact rendering of a type expression.
pub(super) fn type_sexp(t: &TypeExpr) -> String {
    match &t.kind {
        TypeKind::Named(i) => i.name.to_string(),
        TypeKind::Property { target, name } => format!("{}.{}", type_sexp(target), name.name),
        TypeKind::Parameterized { target, name, args } => {
            let args: Vec<String> = args.iter().map(type_sexp).collect();
            let prefix = target
                .as_ref()
                .map_or(String::new(), |t| format!("{}.", type_sexp(t)));
            format!("{prefix}{}<{}>", name.name, args.join(" "))
        }
        TypeKind::Index { target, index } => format!("{}[{}]", type_sexp(target), sexp(index)),
        TypeKind::Items(inner) => format!("{}[*]", type_sexp(inner)),
        TypeKind::AdditionalProperties(inner) => format!("{}.*", type_sexp(inner)),
        TypeKind::Array(inner) => format!("{}[]", type_sexp(inner)),
        TypeKind::Nullable(inner) => format!("{}?", type_sexp(inner)),
        TypeKind::NonNull(inner) => format!("{}!", type_sexp(inner)),
        TypeKind::Union(members) => {
            let m: Vec<String> = members.iter().map(type_sexp).collect();
            format!("(| {})", m.join(" "))
        }
        TypeKind::Object(members) => {
            let m: Vec<String> = members
                .iter()
                .map(|m| {
                    let key = match &m.key {
                        TypeMemberKey::Wildcard(_) => "*".to_string(),
                        TypeMemberKey::Name(k) => key_sexp(k),
                    };
                    format!(
                        "{}{key}: {}",
                        decorators_sexp(&m.decorators),
                        type_sexp(&m.value)
                    )
                })
                .collect();
            format!("{{{}}}", m.join(", "))
        }
        TypeKind::Tuple(items) => {
            let m: Vec<String> = items
                .iter()
                .map(|i| format!("{}{}", decorators_sexp(&i.decorators), type_sexp(&i.value)))
                .collect();
            format!("[{}]", m.join(" "))
        }
        TypeKind::String(s) => string_sexp(s),
        TypeKind::Int(n) => n.to_string(),
        TypeKind::Bool(b) => b.to_string(),
        TypeKind::Null => "null".into(),
        TypeKind::Unary { op, operand } => {
            format!(
                "({} {})",
                if *op == UnaryOp::Not { "!" } else { "-" },
                type_sexp(operand)
            )
        }
        TypeKind::Paren(inner) => format!("(paren {})", type_sexp(inner)),
        TypeKind::Resource(s) => {
            format!("(resource {})", s.as_ref().map_or("-".into(), string_sexp))
        }
        TypeKind::Error => "<error>".into(),
    }
}

/// The statement declaring `name`.
pub(super) fn statement<'p>(parsed: &'p ParsedFile, name: &str) -> &'p Statement {
    parsed
        .program
        .statements
        .iter()
        .find(|s| s.name().is_some_and(|n| &*n.name == name))
        .unwrap_or_else(|| panic!("no declaration named {name}"))
}

/// The value of `var name = ...`.
pub(super) fn var_value<'p>(parsed: &'p ParsedFile, name: &str) -> &'p Expr {
    match &statement(parsed, name).kind {
        StatementKind::Var { value, .. } => value,
        other => panic!("{name} is not a var: {other:?}"),
    }
}

/// `sexp` of the value of `var v = <expr>` parsed from `expr` alone.
pub(super) fn expr_sexp(expr: &str) -> String {
    let text = format!("var v = {expr}\n");
    let parsed = parse_ok(&text);
    sexp(var_value(&parsed, "v"))
}
