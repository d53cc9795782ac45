//! The `replace` fix, the same for ARM JSON and Bicep: swap a text (a role definition
//! GUID) where the offending value is written. That is the value itself, or the
//! variable or parameter default it comes from (the finding's related locations)
//! when nothing else reads that definition; in both cases the resource's other
//! occurrences follow (a role assignment name computed from the role id), so the
//! resource stays consistent. Anything else gets advice.

use super::edit::{excerpt, Edit, Planned};
use super::Finding;

/// A place the offending value may be written: a byte range and, when it is a
/// definition other resources could read too, why it cannot be edited (`None`: it
/// can).
pub(crate) struct Definition {
    pub start: usize,
    pub end: usize,
    pub shared: Option<String>,
}

/// Every case-insensitive occurrence of the `pairs`' old texts in `start..end`.
fn occurrences(text: &str, start: usize, end: usize, pairs: &[(String, String)]) -> Vec<Edit> {
    let Some(slice) = text.get(start..end) else {
        return Vec::new();
    };
    let lower = slice.to_ascii_lowercase();
    let mut edits = Vec::new();
    for (old, new) in pairs {
        let needle = old.to_ascii_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find(&needle) {
            let s = start + from + at;
            edits.push(Edit::replace(
                s as u32,
                (s + needle.len()) as u32,
                new.clone(),
            ));
            from += at + needle.len();
        }
    }
    edits.sort_by_key(|e| e.start);
    edits
}

/// The related locations of a finding in its own file (where its value came from),
/// as byte ranges.
pub(crate) fn related_ranges(finding: &Finding) -> Vec<(usize, usize)> {
    finding
        .related
        .iter()
        .filter(|r| r.location.file == finding.location.file)
        .map(|r| (r.location.byte_start as usize, r.location.byte_end as usize))
        .collect()
}

/// Plan the replacement for one finding. `resource` is the offending resource's byte
/// range; `definitions` are the places the value may come from (the variables and
/// parameter defaults of the finding's related locations, a Bicep `existing`
/// resource), nearest first.
pub(crate) fn plan(
    text: &str,
    finding: &Finding,
    resource: (usize, usize),
    pairs: &[(String, String)],
    definitions: Vec<Definition>,
) -> Planned {
    let value = (
        finding.location.byte_start as usize,
        (finding.location.byte_end as usize).max(finding.location.byte_start as usize),
    );
    let in_resource = occurrences(text, resource.0, resource.1, pairs);
    if !occurrences(text, value.0, value.1, pairs).is_empty() {
        return Planned::Edits(in_resource);
    }
    for def in definitions {
        let at_def = occurrences(text, def.start, def.end, pairs);
        if at_def.is_empty() {
            continue;
        }
        if let Some(why) = def.shared {
            let here = text.get(def.start..def.end).unwrap_or("");
            return Planned::Manual(format!("{why}; {}", instead(pairs, here)));
        }
        let mut edits = at_def;
        edits.extend(in_resource);
        return Planned::Edits(edits);
    }
    let shown = text.get(value.0..value.1).unwrap_or("");
    Planned::Manual(format!(
        "the value is computed by {}; {}",
        excerpt(shown),
        instead(pairs, shown)
    ))
}

/// `write b instead of a` for the pairs whose old text `near` contains (all of them
/// when it contains none), as advice.
fn instead(pairs: &[(String, String)], near: &str) -> String {
    let near = near.to_ascii_lowercase();
    let relevant: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(old, _)| near.contains(&old.to_ascii_lowercase()))
        .collect();
    let shown = if relevant.is_empty() {
        pairs.iter().collect()
    } else {
        relevant
    };
    let list: Vec<String> = shown
        .iter()
        .map(|(old, new)| format!("{new} instead of {old}"))
        .collect();
    format!("write {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_are_case_insensitive_and_sorted() {
        let text = "a-AB-ab-cd";
        let pairs = vec![
            ("ab".to_string(), "xy".to_string()),
            ("cd".into(), "zz".into()),
        ];
        let edits = occurrences(text, 0, text.len(), &pairs);
        let (out, rejected) = super::super::edit::apply(text, &edits);
        assert!(rejected.is_empty());
        assert_eq!(out, "a-xy-xy-zz");
        assert!(occurrences(text, 0, 3, &pairs).is_empty());
    }
}
