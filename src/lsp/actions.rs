//! Code actions: the fix engine's repair of each finding (a safe one is the preferred
//! quick fix, an unsafe one says why), "Suppress ACRnnn on this line", fixing every
//! safe problem of the file at once, and the compliant registry starter in an empty
//! template.

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, WorkspaceEdit};

use super::analysis::{is_elsewhere, Checked};
use super::diagnostics::{diagnostic, range_in};
use super::document::{range_at, Document};
use crate::check::CheckOptions;
use crate::fix::edit::{indent_at, newline_of};
use crate::fix::{fix_of_finding, fix_text_in, FixOptions};
use crate::new::{render_registry, RegistryRequest, TemplateFormat};
use crate::rules::engine::Engine;
use crate::rules::finding::Finding;
use crate::rules::native::registry::UNREADABLE;
use crate::source::file::{Language, SourceText};
use crate::source::sources::Overlay;

/// The code action kind of fixing every safe problem of a file.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.acrlint")
}

/// The starter's kind.
pub fn starter_kind() -> CodeActionKind {
    CodeActionKind::new("refactor.rewrite.acrlint.starter")
}

/// What code actions are computed from.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub checked: &'a Checked,
    /// The other open buffers (path, text), read instead of the disk.
    pub open: &'a [(PathBuf, SourceText)],
    pub engine: &'a Engine,
    pub options: &'a CheckOptions,
}

impl Context<'_> {
    fn bom(&self) -> usize {
        self.doc.text.len() - self.checked.text.len()
    }

    /// A workspace edit of this document from byte edits of the checked text.
    fn edit(&self, edits: impl IntoIterator<Item = (usize, usize, String)>) -> WorkspaceEdit {
        let bom = self.bom();
        let text_edits = edits
            .into_iter()
            .map(|(start, end, new_text)| TextEdit {
                range: range_at(&self.doc.text, start + bom, end + bom),
                new_text,
            })
            .collect();
        WorkspaceEdit {
            changes: Some(HashMap::from([(self.doc.uri.clone(), text_edits)])),
            ..Default::default()
        }
    }

    fn action(&self, title: String, kind: CodeActionKind, edit: WorkspaceEdit) -> CodeAction {
        CodeAction {
            title,
            kind: Some(kind),
            edit: Some(edit),
            ..Default::default()
        }
    }
}

/// The code actions for `range` of the document (`only`: the kinds the editor asks
/// for, all when `None`).
pub fn code_actions(
    cx: &Context,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|k| {
                kind.as_str() == k.as_str()
                    || kind.as_str().starts_with(&format!("{}.", k.as_str()))
            })
        })
    };
    let bom = cx.bom() > 0;
    let mut out = Vec::new();
    let confined = super::analysis::confined_for(&cx.doc.path, cx.options);
    let mut overlay = Overlay::new(&confined);
    for (p, t) in cx.open {
        overlay.set(p, t.clone());
    }
    overlay.set(&cx.doc.path, cx.checked.text.clone());
    let fix_options = FixOptions {
        check: cx.options.clone(),
        ..Default::default()
    };
    let shown: Vec<&Finding> = cx
        .checked
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .collect();
    for f in &shown {
        let r = range_in(&cx.checked.text, &cx.checked.lines, &f.location, bom);
        if r.end < range.start || range.end < r.start {
            continue;
        }
        let diag = diagnostic(f, cx.checked, &cx.doc.uri, bom, cx.engine);
        let title = cx.engine.meta(&f.rule).map_or("", |m| m.title.as_str());
        if wanted(&CodeActionKind::QUICKFIX) && !is_elsewhere(f) {
            let fix = fix_of_finding(
                &overlay,
                &cx.doc.path,
                &cx.checked.text,
                f,
                &cx.checked.findings,
                cx.engine,
                &fix_options,
            );
            if let Some(fix) = fix {
                let label = match &fix.unsafe_because {
                    None => format!("Fix {}: {title}", f.rule),
                    Some(why) => format!("Fix {} (unsafe: {why}): {title}", f.rule),
                };
                let edits = fix.edits.into_iter().map(|e| (e.start, e.end, e.text));
                let mut action = cx.action(label, CodeActionKind::QUICKFIX, cx.edit(edits));
                action.is_preferred = Some(fix.unsafe_because.is_none());
                action.diagnostics = Some(vec![diag.clone()]);
                out.push(CodeActionOrCommand::CodeAction(action));
            }
            if f.rule != UNREADABLE {
                let mut action = cx.action(
                    format!("Suppress {} on this line", f.rule),
                    CodeActionKind::QUICKFIX,
                    cx.edit([suppression(&cx.doc.path, &cx.checked.text, f)]),
                );
                action.diagnostics = Some(vec![diag]);
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    let fixable = shown
        .iter()
        .any(|f| cx.engine.meta(&f.rule).is_some_and(|m| m.fix.is_some()));
    if fixable && wanted(&fix_all_kind()) {
        let fixed = fix_text_in(
            &overlay,
            &cx.doc.path,
            &cx.checked.text,
            cx.engine,
            &fix_options,
        );
        if fixed.error.is_none() && fixed.changed() {
            let edit = cx.edit([replacement(&cx.checked.text, &fixed.fixed)]);
            out.push(CodeActionOrCommand::CodeAction(cx.action(
                format!("Fix all safe acrlint problems ({} issues)", fixed.applied),
                fix_all_kind(),
                edit,
            )));
        }
    }
    if wanted(&starter_kind()) {
        if let Some(starter) = starter(&cx.doc.path, &cx.checked.text) {
            let edit = cx.edit([(0, cx.checked.text.len(), starter)]);
            out.push(CodeActionOrCommand::CodeAction(cx.action(
                "Insert compliant container registry".into(),
                starter_kind(),
                edit,
            )));
        }
    }
    out
}

/// The line that suppresses `f`, inserted above the line it starts on.
fn suppression(path: &std::path::Path, text: &str, f: &Finding) -> (usize, usize, String) {
    let index = crate::source::line_index::LineIndex::new(text);
    let (line_start, _) = index.line_range(text, f.location.start.line);
    let indent = indent_at(text, line_start);
    let comment = if Language::of(path).is_some_and(Language::is_bicep) {
        format!("#disable-next-line acrlint:{}", f.rule)
    } else {
        format!("// acrlint-disable-next-line {}", f.rule)
    };
    let line = format!("{indent}{comment}{}", newline_of(text));
    (line_start, line_start, line)
}

/// One edit turning `old` into `new`: the differing middle, common ends kept.
fn replacement(old: &str, new: &str) -> (usize, usize, String) {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    (
        prefix,
        old.len() - suffix,
        new[prefix..new.len() - suffix].to_string(),
    )
}

/// The starter for an empty or nearly empty template: `acrlint new registry` in the
/// file's language.
fn starter(path: &std::path::Path, text: &str) -> Option<String> {
    let language = Language::of(path)?;
    let format = match language {
        Language::Json => TemplateFormat::Arm,
        Language::Bicep => TemplateFormat::Bicep,
        Language::BicepParam => return None,
    };
    let nearly_empty = match language {
        Language::Json => match crate::source::json::parse(text) {
            Ok(root) => root.get("resources").is_none_or(|r| {
                r.as_array().is_some_and(<[_]>::is_empty)
                    || r.as_object().is_some_and(|o| o.is_empty())
            }),
            Err(_) => text.trim().len() < 64,
        },
        _ => !text
            .lines()
            .map(str::trim_start)
            .any(|l| l.starts_with("resource ") || l.starts_with("module ")),
    };
    if !nearly_empty || text.len() > 4096 {
        return None;
    }
    render_registry(&RegistryRequest::default(), format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_replacement_keeps_common_ends() {
        assert_eq!(replacement("abcXdef", "abcYYdef"), (3, 4, "YY".into()));
        assert_eq!(replacement("aaa", "aaaa"), (3, 3, "a".into()));
        assert_eq!(replacement("é1", "é2"), (2, 3, "2".into()));
        assert_eq!(replacement("same", "same"), (4, 4, String::new()));
    }

    #[test]
    fn starters_only_in_nearly_empty_templates() {
        let arm = std::path::Path::new("/t/main.json");
        assert!(starter(arm, "").is_some_and(|s| s.contains("Microsoft.ContainerRegistry")));
        assert!(starter(arm, r#"{"resources": []}"#).is_some());
        assert!(starter(arm, r#"{"resources": [{"type": "x"}]}"#).is_none());
        let bicep = std::path::Path::new("/t/main.bicep");
        assert!(starter(bicep, "param x string\n").is_some_and(|s| s.contains("resource ")));
        assert!(starter(bicep, "resource r 'x@1' = {}\n").is_none());
    }
}
