//! Deleting a property from a Bicep object (a `remove` fix): the property's line
//! goes (from the line break before it), with a comment on it; the rest of the text
//! is unchanged.

use super::super::edit::{excerpt, rest_of_line_is_blank, starts_line, Edit, Planned};
use crate::source::bicep::{Expr, ExprKind};

/// Whether the property at `segments` is written under `object` (through object
/// literals only: a computed object may or may not hold it).
pub(super) fn exists(object: &Expr, segments: &[&str]) -> bool {
    let mut node = object;
    for seg in segments {
        match node.property_ignore_case(seg) {
            Some(p) => node = &p.value,
            None => return false,
        }
    }
    true
}

/// The edit deleting the property at the dotted `path` under the resource body
/// `object`: `Nothing` when it is not there, advice when an object on the way is
/// computed or the property shares its line.
pub(super) fn remove_property(text: &str, object: &Expr, path: &str) -> Planned {
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let mut node = object;
    for (i, seg) in segments.iter().enumerate() {
        let Some(p) = node.property_ignore_case(seg) else {
            return Planned::Nothing;
        };
        if i + 1 < segments.len() {
            if !matches!(p.value.kind, ExprKind::Object(_)) {
                return Planned::Manual(format!(
                    "{} is computed by `{}`; remove {path} from it",
                    segments[..=i].join("."),
                    excerpt(p.value.span.text(text))
                ));
            }
            node = &p.value;
            continue;
        }
        let (start, end) = (p.span.start as usize, p.span.end as usize);
        let alone = starts_line(text, start) && rest_of_line_is_blank(text, end);
        if !alone {
            return Planned::Manual(format!(
                "delete `{}` (it shares its line with other code)",
                excerpt(p.span.text(text))
            ));
        }
        // The line break before the line, and the line up to its own break: a
        // property added after this line (at its end) stays outside the edit.
        let Some(break_at) = text[..start].rfind('\n') else {
            return Planned::Manual(format!("delete `{}`", excerpt(p.span.text(text))));
        };
        let break_at = if text[..break_at].ends_with('\r') {
            break_at - 1
        } else {
            break_at
        };
        let line_end = text[end..]
            .find(['\r', '\n'])
            .map_or(text.len(), |i| end + i);
        return Planned::Edits(vec![Edit::replace(break_at as u32, line_end as u32, "")]);
    }
    Planned::Nothing
}
