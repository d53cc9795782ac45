//! How findings name a resource whose name is not known before deployment: as the
//! author wrote it, never in the evaluator's own notation. In a Bicep file that is the
//! name's Bicep text and the symbolic name (`'acr${uniqueString(...)}' (`acr`)`); in
//! JSON the name's expression as written (`[parameters('registryName')]`).
//!
//! Rules keep naming resources by their evaluated name (which also keys fingerprints);
//! this step, at the edge between checking and reporting, swaps the text shown.

use std::collections::HashMap;

use crate::arm::expand::{find_node, Expansion};
use crate::rules::finding::Finding;
use crate::rules::native::name_text;

/// The text a resource's unknown name is shown as, by the evaluated text rules use.
fn labels(exp: &Expansion) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for r in &exp.resources {
        // A known name is shown as it is (even one that starts with `[`).
        if matches!(r.name, crate::arm::value::Value::String(_)) {
            continue;
        }
        let evaluated = name_text(&r.name);
        let Some(file) = exp.file(r.file) else {
            continue;
        };
        let Some(name) = find_node(&file.root, r.span).and_then(|n| n.get("name")) else {
            continue;
        };
        let text = &file.source.text;
        let Some(written) = text.get(name.span.start as usize..name.span.end as usize) else {
            continue;
        };
        let written = one_line(written);
        let label = if file.lowered {
            match &r.symbolic {
                Some(symbolic) => format!("{written} (`{symbolic}`)"),
                None => written,
            }
        } else {
            // The JSON string as written, without its quotes.
            let inner = written
                .strip_prefix('"')
                .and_then(|w| w.strip_suffix('"'))
                .unwrap_or(&written);
            inner.replace("\\\"", "\"")
        };
        out.entry(evaluated).or_insert(label);
    }
    out
}

/// `text` on one line, shortened when long.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    const MAX: usize = 120;
    if joined.chars().count() > MAX {
        let cut: String = joined.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

/// Show unknown resource names in `findings` as their authors wrote them.
pub(crate) fn relabel(exp: &Expansion, findings: &mut [Finding]) {
    let labels = labels(exp);
    if labels.is_empty() {
        return;
    }
    // Longest first: a replica's evaluated name contains its registry's.
    let mut pairs: Vec<(&String, &String)> = labels.iter().collect();
    pairs.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    let swap = |text: &str| -> String {
        let mut text = text.to_string();
        for (evaluated, label) in &pairs {
            if text.contains(evaluated.as_str()) {
                text = text.replace(evaluated.as_str(), label);
            }
        }
        text
    };
    for f in findings.iter_mut() {
        f.message = swap(&f.message);
        for r in &mut f.related {
            r.message = swap(&r.message);
        }
        if let Some(name) = &f.resource_name {
            if let Some(label) = labels.get(name) {
                f.resource_name = Some(label.clone());
            }
        }
    }
}
