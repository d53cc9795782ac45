//! Resource names as identity keys.
//!
//! A resource is identified by its type and its full name (`acr/westus` for a
//! replication of registry `acr`). A name computed at deployment is still an identity
//! when it is computed deterministically: its segments hold the unknown values they
//! are made of, and two such names are the same name when their literal text agrees
//! ignoring ASCII case (as ARM compares names) and their unknowns have the same terms.
//! A segment is split only at a `/` of literal text, so literal text is never read as
//! a term and a term is never split.

use std::fmt;
use std::hash::{Hash, Hasher};

use super::{Str, Value};

/// A part of a name segment.
#[derive(Clone, Debug)]
pub enum Piece {
    /// Literal text, without `/`.
    Text(Str),
    /// A value known only at deployment (an unknown, by its term, or a parameter's
    /// candidates, by the parameter).
    Unknown(Value),
    /// A segment that differs between the allowed values of a parameter: the
    /// parameter, and the segment each allowed value gives.
    Choice { parameter: Str, choices: Vec<Str> },
}

/// One segment of a name (between two `/`): literal text and unknown values, with
/// adjacent text merged, so equal segments have equal pieces.
#[derive(Clone, Debug, Default)]
pub struct Segment(Vec<Piece>);

/// A full resource name: its segments (`acr`, `westus`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Name(pub Vec<Segment>);

impl Piece {
    fn eq_piece(&self, other: &Piece) -> bool {
        match (self, other) {
            (Piece::Text(a), Piece::Text(b)) => a.eq_ignore_ascii_case(b),
            (Piece::Unknown(a), Piece::Unknown(b)) => a.term().eq_ignore_ascii_case(&b.term()),
            (
                Piece::Choice {
                    parameter: p,
                    choices: c,
                },
                Piece::Choice {
                    parameter: q,
                    choices: d,
                },
            ) => {
                p.eq_ignore_ascii_case(q)
                    && c.len() == d.len()
                    && c.iter().zip(d).all(|(x, y)| x.eq_ignore_ascii_case(y))
            }
            _ => false,
        }
    }

    fn hash_piece<H: Hasher>(&self, state: &mut H) {
        let lower = |s: &str, state: &mut H| {
            for b in s.bytes() {
                state.write_u8(b.to_ascii_lowercase());
            }
            state.write_u8(0xff);
        };
        match self {
            Piece::Text(t) => {
                state.write_u8(0);
                lower(t, state);
            }
            Piece::Unknown(v) => {
                state.write_u8(1);
                lower(&v.term(), state);
            }
            Piece::Choice { parameter, choices } => {
                state.write_u8(2);
                lower(parameter, state);
                for c in choices {
                    lower(c, state);
                }
            }
        }
    }
}

impl Segment {
    /// A segment of literal text (which may hold `/`: it is not split).
    pub fn text(s: &str) -> Segment {
        let mut seg = Segment::default();
        seg.push(Piece::Text(Str::from(s)));
        seg
    }

    /// A segment that is one unknown value.
    pub fn unknown(v: &Value) -> Segment {
        Segment(vec![Piece::Unknown(v.clone())])
    }

    /// Append a piece, merging literal text with the text before it.
    pub fn push(&mut self, piece: Piece) {
        match piece {
            Piece::Text(t) if t.is_empty() => {}
            Piece::Text(t) => match self.0.last_mut() {
                Some(Piece::Text(prev)) => *prev = Str::from(format!("{prev}{t}")),
                _ => self.0.push(Piece::Text(t)),
            },
            other => self.0.push(other),
        }
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The segment's text when it is only literal text (`""` when empty).
    pub fn as_text(&self) -> Option<&str> {
        match self.0.as_slice() {
            [] => Some(""),
            [Piece::Text(t)] => Some(t),
            _ => None,
        }
    }

    /// The segment's one piece, when it is a single unknown value or choice.
    pub fn single(&self) -> Option<&Piece> {
        match self.0.as_slice() {
            [p @ (Piece::Unknown(_) | Piece::Choice { .. })] => Some(p),
            _ => None,
        }
    }

    /// The segment written for a message: literal text as is, an unknown as its term
    /// without the `⟦…⟧` of nested unknowns, a choice as `parameter∈a|b`.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Unknown(v) => out.push_str(&v.plain()),
                Piece::Choice { parameter, choices } => {
                    out.push_str(&format!("{parameter}∈{}", choices.join("|")))
                }
            }
        }
        out
    }
}

/// Split pieces into segments at every `/` of their literal text.
pub fn split(pieces: impl IntoIterator<Item = Piece>) -> Vec<Segment> {
    let mut out = vec![Segment::default()];
    for p in pieces {
        match p {
            Piece::Text(t) => {
                let mut parts = t.split('/');
                if let (Some(first), Some(last)) = (parts.next(), out.last_mut()) {
                    last.push(Piece::Text(Str::from(first)));
                }
                for part in parts {
                    out.push(Segment::text(part));
                }
            }
            other => {
                if let Some(last) = out.last_mut() {
                    last.push(other);
                }
            }
        }
    }
    out
}

impl Name {
    /// A name given as text, split at `/`.
    pub fn text(s: &str) -> Name {
        Name(s.split('/').map(Segment::text).collect())
    }

    /// The name's text when it is only literal text.
    pub fn as_text(&self) -> Option<String> {
        let parts: Option<Vec<&str>> = self.0.iter().map(Segment::as_text).collect();
        Some(parts?.join("/"))
    }

    /// The name written for a message (see [`Segment::plain`]), segments joined by `/`.
    pub fn plain(&self) -> String {
        let parts: Vec<String> = self.0.iter().map(Segment::plain).collect();
        parts.join("/")
    }
}

impl PartialEq for Segment {
    fn eq(&self, other: &Segment) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| a.eq_piece(b))
    }
}

impl Eq for Segment {}

impl Hash for Segment {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for p in &self.0 {
            p.hash_piece(state);
        }
    }
}

/// The canonical written form: unknowns as `⟦term⟧`, a choice as `⟦parameter∈a|b⟧`.
impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            match p {
                Piece::Text(t) => f.write_str(t)?,
                Piece::Unknown(v) => f.write_str(&v.term())?,
                Piece::Choice { parameter, choices } => {
                    write!(f, "⟦{parameter}∈{}⟧", choices.join("|"))?
                }
            }
        }
        Ok(())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Term;
    use super::*;
    use std::collections::HashSet;

    fn param(name: &str) -> Value {
        Value::unknown_term("x", Term::Parameter(name.into()))
    }

    #[test]
    fn literal_text_is_split_at_slashes_and_never_read_as_a_term() {
        let hostile = "⟦parameters('acrName')⟧";
        let literal = Name::text(hostile);
        let term = Name(vec![Segment::unknown(&param("acrName"))]);
        assert_eq!(literal.to_string(), term.to_string(), "written alike");
        assert_ne!(literal, term, "but a literal is not a term");
        assert_eq!(literal.0[0].as_text(), Some(hostile));
        // Quotes, parentheses and brackets in literal text do not hide a `/`.
        let n = Name::text("a'(⟦b/c)'⟧");
        assert_eq!(n.0.len(), 2);
        assert_eq!(n.0[1].as_text(), Some("c)'⟧"));
    }

    #[test]
    fn a_term_is_never_split_and_text_merges() {
        let t = Value::unknown_term(
            "x",
            Term::call(
                "format",
                &[Value::str("{0}/{1}"), param("a"), Value::str("b")],
            ),
        );
        let segs = split([
            Piece::Text("acr".into()),
            Piece::Text("".into()),
            Piece::Unknown(t.clone()),
            Piece::Text("-x/".into()),
            Piece::Text("y".into()),
        ]);
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].pieces().len(), 3);
        assert_eq!(segs[1].as_text(), Some("y"));
        assert_eq!(segs[0].single().map(|_| ()), None);
        assert!(Segment::unknown(&t).single().is_some());
    }

    #[test]
    fn keys_compare_ignoring_case_consistently_with_their_hash() {
        let a = split([Piece::Text("ACR".into()), Piece::Unknown(param("n"))]);
        let b = split([Piece::Text("acr".into()), Piece::Unknown(param("n"))]);
        let c = split([Piece::Text("acr".into()), Piece::Unknown(param("m"))]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let set: HashSet<&Segment> = [&a[0], &b[0], &c[0]].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert_eq!(Name::text("Acr/WestUS"), Name::text("acr/westus"));
        assert_eq!(
            Name::text("Acr/WestUS").as_text().as_deref(),
            Some("Acr/WestUS")
        );
        assert_eq!(Name(vec![Segment::unknown(&param("n"))]).as_text(), None);
        assert_ne!(Name::text("acr/westus"), Name::text("acr"));
        assert_eq!(a[0].plain(), "ACRparameters('n')");
        assert_eq!(a[0].to_string(), "ACR⟦parameters('n')⟧");
    }
}
