//! Hover over a finding: the rule's `explain` text (what it does, why, the compliant
//! example) as Markdown.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::analysis::Checked;
use super::diagnostics::range_in;
use crate::rules::catalog::RuleMeta;
use crate::rules::engine::Engine;

/// The hover at `position` of a checked document: the rules of the shown findings
/// whose range holds it.
pub fn hover(checked: &Checked, position: Position, bom: bool, engine: &Engine) -> Option<Hover> {
    let mut rules: Vec<(&RuleMeta, &std::path::Path)> = Vec::new();
    let mut range = None;
    for f in checked.findings.iter().filter(|f| f.suppression.is_none()) {
        let r = range_in(&checked.text, &checked.lines, &f.location, bom);
        // An empty range still covers the position it is at.
        if r.start <= position && (position < r.end || position == r.start) {
            if let Some(meta) = engine.meta(&f.rule) {
                if !rules.iter().any(|(m, _)| m.id == meta.id) {
                    rules.push((meta, &f.location.file));
                }
                range.get_or_insert(r);
            }
        }
    }
    if rules.is_empty() {
        return None;
    }
    let value = rules
        .iter()
        .map(|(m, file)| explain_markdown(m, m.recommendation_for(file)))
        .collect::<Vec<_>>()
        .join("\n\n---\n\n");
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    })
}

/// A rule's documentation in Markdown: the sections `acrlint explain` prints, with
/// the recommendation in the syntax of the file hovered.
pub fn explain_markdown(m: &RuleMeta, recommendation: &str) -> String {
    let mut out = format!("**{}** {}\n\n", m.id, m.title);
    out.push_str(&m.docs.what_it_does);
    out.push_str("\n\n**Why is this bad?** ");
    out.push_str(&m.docs.why_is_this_bad);
    out.push_str("\n\n**Fix:** ");
    out.push_str(recommendation);
    if !m.docs.use_instead.trim().is_empty() {
        out.push_str("\n\n**Use instead:**\n\n```json\n");
        out.push_str(m.docs.use_instead.trim_end());
        out.push_str("\n```");
    }
    out.push_str(&format!("\n\n[Documentation]({})", m.help_uri));
    out
}
