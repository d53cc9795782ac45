//! Byte-range edits of a file's text, and what a repair plans: edits or advice.

/// Replace `start..end` with `text` (an insertion when `start == end`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// When the edit adds a member to an object of the syntax tree: which, so that
    /// the members several fixes add to one object become one insertion.
    pub member: Option<Box<Member>>,
}

/// A member added to the object whose span is `object` (`start..end` of the tree).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub object: (u32, u32),
    pub key: String,
    pub value: serde_json::Value,
}

impl Edit {
    pub fn replace(start: u32, end: u32, text: impl Into<String>) -> Edit {
        Edit {
            start: start as usize,
            end: end as usize,
            text: text.into(),
            member: None,
        }
    }

    /// This edit, recorded as adding `key: value` to the object spanning `object`.
    pub fn adding(mut self, object: (u32, u32), key: &str, value: &serde_json::Value) -> Edit {
        self.member = Some(Box::new(Member {
            object,
            key: key.to_string(),
            value: value.clone(),
        }));
        self
    }

    pub fn insert(at: u32, text: impl Into<String>) -> Edit {
        Edit::replace(at, at, text)
    }
}

/// Apply edits: identical edits count once, insertions at one offset keep their
/// order, and an edit that overlaps an earlier one is returned unapplied.
pub fn apply(text: &str, edits: &[Edit]) -> (String, Vec<Edit>) {
    let mut unique: Vec<(usize, &Edit)> = Vec::new();
    for (i, e) in edits.iter().enumerate() {
        if !unique.iter().any(|(_, u)| *u == e) {
            unique.push((i, e));
        }
    }
    unique.sort_by_key(|(i, e)| (e.start, e.end, *i));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    let mut rejected = Vec::new();
    for (_, e) in unique {
        let valid = e.start <= e.end
            && e.end <= text.len()
            && text.is_char_boundary(e.start)
            && text.is_char_boundary(e.end);
        if !valid || e.start < pos {
            rejected.push(e.clone());
            continue;
        }
        out.push_str(&text[pos..e.start]);
        out.push_str(&e.text);
        pos = e.end;
    }
    out.push_str(&text[pos..]);
    (out, rejected)
}

/// The line's leading whitespace at byte `offset`.
pub fn indent_at(text: &str, offset: usize) -> &str {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let rest = &text[line_start..];
    let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..n]
}

/// Whether only whitespace precedes `offset` on its line.
pub fn starts_line(text: &str, offset: usize) -> bool {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[line_start..offset.min(text.len())]
        .chars()
        .all(|c| c == ' ' || c == '\t')
}

/// Only spaces and tabs from `at` to the end of its line, or a line comment.
pub fn rest_of_line_is_blank(text: &str, at: usize) -> bool {
    let rest = text[at..].trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with(['\r', '\n']) || rest.starts_with("//")
}

/// The file's line break (`\r\n` when the file uses it).
pub fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// A place the fixer cannot repair by itself, with what to do instead.
pub type Manual = String;

/// What one finding needs: edits, or advice for the user.
pub enum Planned {
    Edits(Vec<Edit>),
    /// Nothing to change (the value is already what the fix wants).
    Nothing,
    Manual(Manual),
}

impl Planned {
    /// Add this part of a repair's edits to `edits`; advice comes back as the error,
    /// for the planner to return.
    pub(crate) fn add_to(self, edits: &mut Vec<Edit>) -> Result<(), Planned> {
        match self {
            Planned::Edits(e) => edits.extend(e),
            Planned::Nothing => {}
            m @ Planned::Manual(_) => return Err(m),
        }
        Ok(())
    }

    /// This plan's edits recorded as adding `key: value` to the object spanning
    /// `object` (see [`Edit::adding`]).
    pub(crate) fn adding(
        self,
        object: (u32, u32),
        key: &str,
        value: &serde_json::Value,
    ) -> Planned {
        match self {
            Planned::Edits(edits) => Planned::Edits(
                edits
                    .into_iter()
                    .map(|e| e.adding(object, key, value))
                    .collect(),
            ),
            other => other,
        }
    }

    /// The plan of a repair made of `edits` (none: nothing to change).
    pub(crate) fn of(edits: Vec<Edit>) -> Planned {
        if edits.is_empty() {
            Planned::Nothing
        } else {
            Planned::Edits(edits)
        }
    }
}

/// `want` in the type of the literal it replaces (`current`): a string written where
/// `bool(…)` reads it becomes `'true'`/`'false'`; `None` when the types differ
/// otherwise (a null takes any value).
pub(crate) fn coerce(
    current: &serde_json::Value,
    want: &serde_json::Value,
) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    match (current, want) {
        (J::Null, w) => Some(w.clone()),
        (J::String(_), J::Bool(b)) => Some(J::String(b.to_string())),
        (c, w) if std::mem::discriminant(c) == std::mem::discriminant(w) => Some(w.clone()),
        _ => None,
    }
}

/// A short quote of source text for advice: its first line, at most 80 characters.
pub(crate) fn excerpt(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let short: String = first.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_sorted_dedupes_and_rejects_overlaps() {
        let text = "abcdef";
        let edits = vec![
            Edit::replace(4, 5, "E"),
            Edit::replace(0, 1, "A"),
            Edit::replace(0, 1, "A"),
            Edit::insert(2, "1"),
            Edit::insert(2, "2"),
            Edit::replace(3, 6, "X"),
        ];
        let (out, rejected) = apply(text, &edits);
        assert_eq!(out, "Ab12cX");
        assert_eq!(rejected, vec![Edit::replace(4, 5, "E")]);
    }

    #[test]
    fn indentation_and_line_starts() {
        let text = "{\n    \"a\": 1,\n\t\"b\": 2 }";
        assert_eq!(indent_at(text, 8), "    ");
        assert_eq!(indent_at(text, text.find("\"b\"").unwrap()), "\t");
        assert!(starts_line(text, 6));
        assert!(!starts_line(text, text.find('1').unwrap()));
        assert_eq!(newline_of("a\r\nb"), "\r\n");
        assert_eq!(newline_of("a\nb"), "\n");
    }
}
