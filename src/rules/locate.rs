//! Turning expanded resources and spans back into file locations and provenance.

use std::sync::Arc;

use crate::arm::eval::{FileId, Provenance};
use crate::arm::expand::{find_node, ExpandedResource, Expansion};
use crate::rules::finding::{Location, Related};
use crate::source::json::{Node, Span};

/// A file location of a byte span.
pub fn location(exp: &Expansion, file: FileId, span: Span) -> Location {
    match exp.file(file) {
        Some(f) => Location {
            file: f.source.path.clone(),
            start: f.source.line_col(span.start),
            end: f.source.line_col(span.end),
            byte_start: span.start,
            byte_end: span.end,
        },
        None => Location {
            file: Default::default(),
            start: crate::source::line_index::LineCol { line: 1, column: 1 },
            end: crate::source::line_index::LineCol { line: 1, column: 1 },
            byte_start: 0,
            byte_end: 0,
        },
    }
}

/// The resource's own node in its file.
pub fn resource_node<'e>(exp: &'e Expansion, r: &ExpandedResource) -> Option<&'e Node> {
    let f = exp.file(r.file)?;
    find_node(&f.root, r.span)
}

/// Where a property path of a resource is written. When the path is not written
/// literally (omitted, or produced by an expression higher up), the span is the
/// deepest node on the path.
pub struct PathSpan {
    pub span: Span,
}

pub fn path_span(exp: &Expansion, r: &ExpandedResource, path: &[&str]) -> PathSpan {
    let Some(mut node) = resource_node(exp, r) else {
        return PathSpan { span: r.span };
    };
    // Point at the resource's `type` value when nothing on the path is written.
    let mut span = node.get("type").map_or(r.span, |t| t.span);
    for (depth, key) in path.iter().enumerate() {
        let next = match node.as_array() {
            Some(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            None => node.get(key),
        };
        match next {
            Some(next) => {
                node = next;
                span = next.span;
                if depth + 1 == path.len() {
                    return PathSpan { span };
                }
                if next.as_str().is_some_and(|s| s.starts_with('[')) {
                    // Produced by an expression: that expression is the place.
                    return PathSpan { span };
                }
            }
            None => return PathSpan { span },
        }
    }
    PathSpan { span }
}

/// The provenance (flattened, without repeats) of the expression strings within `span`.
pub fn provenance_within(
    traces: &[(Span, Vec<Arc<Provenance>>)],
    span: Span,
) -> Vec<Arc<Provenance>> {
    let mut flat: Vec<Arc<Provenance>> = Vec::new();
    for (s, provs) in traces {
        if s.start >= span.start && s.end <= span.end {
            for p in provs {
                p.flatten(&mut flat);
            }
        }
    }
    flat
}

/// Related locations for the provenance of the expression strings within `span`.
pub fn provenance_related(
    exp: &Expansion,
    traces: &[(Span, Vec<Arc<Provenance>>)],
    span: Span,
) -> Vec<Related> {
    provenance_within(traces, span)
        .iter()
        .map(|p| Related {
            location: location(exp, p.file, p.span),
            message: format!("value comes from {}", p.describe()),
        })
        .collect()
}
