//! Deleting a property from an ARM JSON object (a `remove` fix): a member on its own
//! line goes with the line, its comma and a comment on it; the last member goes with
//! the comma before it; the only one leaves `{}`. The rest of the text is unchanged.

use super::super::edit::{excerpt, rest_of_line_is_blank, starts_line, Edit, Planned};
use crate::source::json::{Member, Node};

/// Whether the property at `segments` is written under `node` (through object
/// literals only: a computed object may or may not hold it).
pub(super) fn exists(node: &Node, segments: &[&str]) -> bool {
    let mut node = node;
    for seg in segments {
        match node.member(seg) {
            Some(m) => node = &m.value,
            None => return false,
        }
    }
    true
}

/// The edits deleting the property at the dotted `path` under `resource`:
/// `Nothing` when it is not there, advice when an object on the way is computed.
pub(super) fn remove_property(text: &str, resource: &Node, path: &str) -> Planned {
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let mut node = resource;
    for (i, seg) in segments.iter().enumerate() {
        let Some(member) = node.member(seg) else {
            return Planned::Nothing;
        };
        if i + 1 == segments.len() {
            return remove_member(text, node, member);
        }
        if !member.value.is_object() {
            let written = text
                .get(member.value.span.start as usize..member.value.span.end as usize)
                .unwrap_or("an expression");
            return Planned::Manual(format!(
                "{} is computed by {}; remove {path} from it",
                segments[..=i].join("."),
                excerpt(written)
            ));
        }
        node = &member.value;
    }
    Planned::Nothing
}

/// The offset just past the line break of the line holding `at` (the end of the
/// text on the last line).
fn past_line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The offset of the first non-blank character at or after `at`, skipping no comment.
fn skip_blank(text: &str, at: usize) -> usize {
    at + (text[at..].len() - text[at..].trim_start().len())
}

fn remove_member(text: &str, object: &Node, member: &Member) -> Planned {
    let Some(members) = object.as_object() else {
        return Planned::Manual("not an object".into());
    };
    let Some(index) = members.iter().position(|m| std::ptr::eq(m, member)) else {
        return Planned::Manual("the property could not be located".into());
    };
    let manual = || {
        Planned::Manual(format!(
            "delete the property {} (its neighbours are written in a way the fix does not edit)",
            excerpt(&member.key)
        ))
    };
    let key_start = member.key_span.start as usize;
    let value_end = member.value.span.end as usize;
    if members.len() == 1 {
        // The only member: the object becomes `{}` when nothing else is written in it.
        let (open, close) = (object.span.start as usize, object.span.end as usize);
        let before = &text[open + 1..key_start];
        let after = text[value_end..close - 1].trim_start();
        let after = after.strip_prefix(',').unwrap_or(after);
        if !before.trim().is_empty() || !after.trim().is_empty() {
            return manual();
        }
        return Planned::Edits(vec![Edit::replace(
            object.span.start,
            object.span.end,
            "{}",
        )]);
    }
    if let Some(next) = members.get(index + 1) {
        // A comma follows the value, before the next member.
        let comma = skip_blank(text, value_end);
        if text.as_bytes().get(comma) != Some(&b',') {
            return manual();
        }
        let next_start = next.key_span.start as usize;
        if starts_line(text, key_start) && rest_of_line_is_blank(text, comma + 1) {
            // Whole lines: the member's, with a comment on it.
            let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
            let end = past_line_end(text, comma + 1);
            if end > next_start {
                return manual();
            }
            return Planned::Edits(vec![Edit::replace(line_start as u32, end as u32, "")]);
        }
        // On one line with the next member: up to it.
        if text[comma + 1..next_start].trim().is_empty() {
            return Planned::Edits(vec![Edit::replace(key_start as u32, next_start as u32, "")]);
        }
        return manual();
    }
    // The last member: from the comma after the previous one to its value's end (a
    // member added after it, at that end, stays outside the edit; what follows the
    // value on its line stays).
    let previous = &members[index - 1];
    let comma = skip_blank(text, previous.value.span.end as usize);
    if text.as_bytes().get(comma) != Some(&b',') || !text[comma + 1..key_start].trim().is_empty() {
        return manual();
    }
    Planned::Edits(vec![Edit::replace(comma as u32, value_end as u32, "")])
}
