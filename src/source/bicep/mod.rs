//! Native Bicep front-end: lexer, recursive-descent parser and syntax tree for
//! `.bicep` and `.bicepparam` files. No Bicep CLI, no .NET.
//!
//! Every node and token carries a byte [`Span`] into the file text exactly as
//! given to [`parse`] (a UTF-8 byte-order mark is skipped, not removed, so offsets
//! still match the file); a line index turns them into line/column when
//! reporting. Syntax errors are collected as [`Diagnostic`]s and parsing goes on
//! with the next property, item or declaration: a broken line never loses the
//! rest of the file, and no input makes the parser panic or loop.

pub mod ast;
mod containers;
mod declarations;
mod expr;
pub mod lexer;
mod parser;
mod strings;
mod types;

#[cfg(test)]
mod tests;

pub use ast::*;

/// Deepest nesting of expressions, objects, arrays and types the parser follows;
/// deeper input is reported instead of overflowing the stack. The corpus peaks at
/// 22; at 128 the worst case needs under 1 MiB of stack even in a debug build.
pub const MAX_NESTING_DEPTH: usize = 128;
/// Syntax errors kept per file (a binary file would otherwise yield millions).
pub const MAX_DIAGNOSTICS: usize = 1000;

/// A syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A `.bicep` template.
    Bicep,
    /// A `.bicepparam` parameters file (`using ...`, `param name = value`).
    BicepParam,
}

/// The result of parsing one file. There is always a program; `diagnostics` says
/// what could not be parsed.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub program: Program,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Every `//` and `/* */` comment, in order (for inline suppressions).
    pub comments: Vec<Comment>,
    /// Every `#disable-next-line` / `#disable-diagnostics` / `#restore-diagnostics`
    /// pragma, in order, including those inside declarations (those between
    /// top-level declarations are also [`StatementKind::Pragma`] statements).
    pub pragmas: Vec<Pragma>,
    pub kind: FileKind,
}

/// Parse a `.bicep` or `.bicepparam` file; the kind is detected from a `using`
/// or `extends` declaration.
pub fn parse(text: &str) -> ParsedFile {
    parse_file(text, None)
}

/// Parse a file whose kind is known (e.g. from its extension).
pub fn parse_as(text: &str, kind: FileKind) -> ParsedFile {
    parse_file(text, Some(kind))
}

fn parse_file(text: &str, kind: Option<FileKind>) -> ParsedFile {
    if u32::try_from(text.len()).is_err() {
        return ParsedFile {
            program: Program::default(),
            diagnostics: vec![Diagnostic {
                message: "file is too large to parse (4 GiB or more)".into(),
                span: Span::default(),
            }],
            comments: Vec::new(),
            pragmas: Vec::new(),
            kind: kind.unwrap_or(FileKind::Bicep),
        };
    }
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let lexed = lexer::lex(text, start);
    let mut parser = parser::Parser::new(text, lexed.tokens, lexed.diagnostics);
    let program = parser.program(&lexed.pragmas);
    let mut diagnostics = parser.diagnostics;
    let kind = kind.unwrap_or_else(|| {
        let is_params = program.statements.iter().any(|s| {
            matches!(
                s.kind,
                StatementKind::Using { .. } | StatementKind::Extends { .. }
            )
        });
        if is_params {
            FileKind::BicepParam
        } else {
            FileKind::Bicep
        }
    });
    if kind == FileKind::Bicep {
        for s in &program.statements {
            if let StatementKind::Param { name, ty: None, .. } = &s.kind {
                diagnostics.push(Diagnostic {
                    message: format!("parameter '{}' needs a type (only .bicepparam files assign parameters without one)", name.name),
                    span: name.span,
                });
            }
        }
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics.truncate(MAX_DIAGNOSTICS);
    ParsedFile {
        program,
        diagnostics,
        comments: lexed.comments,
        pragmas: lexed.pragmas,
        kind,
    }
}
