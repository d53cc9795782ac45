//! The syntax of every expression of a JSON template, evaluated or not.
//!
//! ARM parses a template's expressions when it validates the template, so a
//! malformed expression fails the deployment even in a variable nothing reads or
//! in a resource no rule looks at. Evaluation only parses what it evaluates, and
//! `check` does not evaluate templates whose resources no rule reads
//! ([`super::Bodies::reads_any`]), so every template gets this pass: each string of
//! the template that is an expression (`[...]`, not `[[...`) is parsed, and a syntax
//! error evaluation did not already report is added. `metadata` objects are free
//! text (descriptions), not expressions, and are skipped; parameter files hold
//! literal values and are not read. Bicep sources have their own parser, so trees
//! lowered from Bicep are not swept.

use std::cell::RefCell;
use std::collections::HashSet;

use super::Expansion;
use crate::arm::eval::FileId;
use crate::arm::eval::{case_twin_message, Diagnostic, DiagnosticKind};
use crate::arm::expr::parser::{classify, parse, StringForm};
use crate::source::json::{token_offset_to_file, Node, NodeKind, Span};

/// Add the syntax errors of the root template's expressions that are not reported
/// yet; `parsed` are the strings evaluation parsed already (by file and offset).
pub(super) fn check_every_expression(exp: &mut Expansion, parsed: &HashSet<(FileId, u32)>) {
    let Some(template) = exp.files.first() else {
        return;
    };
    if template.lowered {
        return;
    }
    let text = template.source.text.clone();
    let root = template.root.clone();
    let reported: HashSet<u32> = exp
        .diagnostics
        .iter()
        .filter(|d| {
            d.file == 0 && matches!(d.kind, DiagnosticKind::Syntax | DiagnosticKind::Ambiguity)
        })
        .map(|d| d.span.start)
        .collect();
    let mut found = Vec::new();
    visit(
        &root,
        &text,
        &|offset| parsed.contains(&(0, offset)),
        &mut found,
    );
    exp.diagnostics.extend(
        found
            .into_iter()
            .filter(|d: &Diagnostic| !reported.contains(&d.span.start)),
    );
}

fn visit(node: &Node, text: &str, parsed: &dyn Fn(u32) -> bool, found: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::String(s) if s.starts_with('[') && !parsed(node.span.start) => {
            let StringForm::Expression(inner, offset) = classify(s) else {
                return;
            };
            if known_valid(inner) {
                return;
            }
            match parse(inner, offset) {
                Ok(_) => remember_valid(inner),
                Err(err) => {
                    let at = token_offset_to_file(text, node.span, err.offset);
                    found.push(Diagnostic {
                        file: 0,
                        span: Span {
                            start: at,
                            end: at + 1,
                        },
                        message: format!("invalid template expression: {}", err.message),
                        kind: DiagnosticKind::Syntax,
                    });
                }
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|n| visit(n, text, parsed, found)),
        NodeKind::Object(members) => {
            for (i, m) in members.iter().enumerate() {
                // Keys that differ only in case are ambiguous anywhere ARM reads them
                // (`condition` and `Condition` on one resource too).
                if m.case_twin {
                    let first = members[..i]
                        .iter()
                        .find(|f| f.key.eq_ignore_ascii_case(&m.key))
                        .map_or(&m.key, |f| &f.key);
                    found.push(Diagnostic {
                        file: 0,
                        span: m.key_span,
                        message: case_twin_message(first, &m.key),
                        kind: DiagnosticKind::Ambiguity,
                    });
                }
                if !m.key.eq_ignore_ascii_case("metadata") {
                    visit(&m.value, text, parsed, found);
                }
            }
        }
        _ => {}
    }
}

// Most expressions recur from template to template (`parameters('location')`,
// `resourceGroup().location`): whether a text parses depends on the text alone, so
// each thread remembers the valid ones it has seen, up to a bound.
const MAX_REMEMBERED: usize = 32 * 1024;
const MAX_REMEMBERED_LEN: usize = 256;

// Sized for a run over a few thousand templates (growing it rehashes every entry),
// and hashed with a fast seeded hash: a lookup is most of what checking a known
// expression costs (the memo is bounded, so no input can make its table costly).
type Remembered = HashSet<Box<str>, foldhash::fast::RandomState>;

thread_local! {
    static VALID: RefCell<Remembered> = RefCell::new(Remembered::with_capacity_and_hasher(
        MAX_REMEMBERED / 4,
        foldhash::fast::RandomState::default(),
    ));
}

fn known_valid(expression: &str) -> bool {
    expression.len() <= MAX_REMEMBERED_LEN && VALID.with(|v| v.borrow().contains(expression))
}

fn remember_valid(expression: &str) {
    if expression.len() > MAX_REMEMBERED_LEN {
        return;
    }
    VALID.with(|v| {
        let mut v = v.borrow_mut();
        if v.len() >= MAX_REMEMBERED {
            v.clear();
        }
        v.insert(expression.into());
    });
}
