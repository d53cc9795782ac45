//! The shape of a string computed at deployment, read from its term: which parts are
//! literal, how long the rest can be and which characters it can hold. Enough to
//! tell that `format('cr{0}', uniqueString(resourceGroup().id))` is always 15
//! alphanumerics and that `concat(parameters('p'), '-acr')` always holds a `-`.

use super::term::{self, Term};

/// One part of a computed string.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Literal(String),
    Computed {
        min: usize,
        /// `None`: no upper bound known.
        max: Option<usize>,
        /// Characters other than ASCII letters and digits it may hold (`None`: any).
        others: Option<Vec<char>>,
        /// Holds a value acrlint cannot see (user input, runtime state).
        opaque: bool,
    },
}

/// A computed string as a sequence of parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    parts: Vec<Part>,
}

/// What a shape says about a name that must be `min..=max` ASCII letters and digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// Always invalid; why.
    Invalid(String),
    /// Invalid for some values of the computed parts; why.
    MaybeInvalid(String),
    /// Depends on values acrlint cannot see, and nothing rules it out yet.
    NotJudged,
}

const OPAQUE: Part = Part::Computed {
    min: 0,
    max: None,
    others: None,
    opaque: true,
};

/// Characters of ARM's `uniqueString` (base-32, lowercase) and of a GUID.
const UNIQUE_STRING_LEN: usize = 13;
const GUID_LEN: usize = 36;
/// Depth past which terms are opaque (bounded recursion).
const MAX_DEPTH: usize = 48;

pub fn shape_of_term(t: &crate::arm::value::Term) -> Shape {
    shape(&term::of(t), 0)
}

fn literal(s: &str) -> Shape {
    Shape {
        parts: vec![Part::Literal(s.to_string())],
    }
}

fn computed(min: usize, max: Option<usize>, others: Option<Vec<char>>, opaque: bool) -> Shape {
    Shape {
        parts: vec![Part::Computed {
            min,
            max,
            others,
            opaque,
        }],
    }
}

/// The union of two sets of characters (`None`: any).
fn union(a: Option<Vec<char>>, b: &[char]) -> Option<Vec<char>> {
    a.map(|mut v| {
        for c in b {
            if !v.contains(c) {
                v.push(*c);
            }
        }
        v
    })
}

fn opaque() -> Shape {
    Shape {
        parts: vec![OPAQUE],
    }
}

fn shape(t: &Term, depth: usize) -> Shape {
    if depth > MAX_DEPTH {
        return opaque();
    }
    match t {
        Term::Str(s) => literal(s),
        Term::Int(i) => literal(&i.to_string()),
        Term::Nested(inner) => shape(inner, depth + 1),
        Term::Other(_) => opaque(),
        Term::Call { suffix, .. } if !suffix.is_empty() => opaque(),
        Term::Call { name, args, .. } => {
            let arg = |i: usize| args.get(i).map(|a| shape(a, depth + 1));
            let int = |i: usize| match args.get(i) {
                Some(Term::Int(n)) => usize::try_from(*n).ok(),
                _ => None,
            };
            let lit = |i: usize| match args.get(i) {
                Some(Term::Str(s)) => Some(s.as_str()),
                _ => None,
            };
            match name.as_str() {
                "uniquestring" => computed(
                    UNIQUE_STRING_LEN,
                    Some(UNIQUE_STRING_LEN),
                    Some(Vec::new()),
                    false,
                ),
                "guid" => computed(GUID_LEN, Some(GUID_LEN), Some(vec!['-']), false),
                "concat" => concat(args.iter().map(|a| shape(a, depth + 1))),
                "format" => match args.split_first() {
                    Some((Term::Str(fmt), rest)) => {
                        format_shape(fmt, rest.iter().map(|a| shape(a, depth + 1)).collect())
                    }
                    _ => opaque(),
                },
                "tolower" | "toupper" => match arg(0) {
                    Some(s) if args.len() == 1 => s.map_literals(|l| {
                        if name == "tolower" {
                            l.to_lowercase()
                        } else {
                            l.to_uppercase()
                        }
                    }),
                    _ => opaque(),
                },
                "substring" => match (arg(0), int(1), args.len()) {
                    (Some(s), Some(start), 2) => s.slice(start, None),
                    (Some(s), Some(start), 3) => match int(2) {
                        Some(len) => s.slice(start, Some(len)),
                        None => s.blur(),
                    },
                    _ => opaque(),
                },
                "take" => match (arg(0), int(1)) {
                    (Some(s), Some(n)) if args.len() == 2 => s.slice(0, Some(n)).at_most(n),
                    _ => opaque(),
                },
                "skip" => match (arg(0), int(1)) {
                    (Some(s), Some(n)) if args.len() == 2 => s.slice(n, None),
                    _ => opaque(),
                },
                "replace" => match (arg(0), lit(1), lit(2)) {
                    (Some(s), Some(from), Some(to)) if args.len() == 3 => s.replace(from, to),
                    _ => opaque(),
                },
                _ => opaque(),
            }
        }
    }
}

fn concat(shapes: impl Iterator<Item = Shape>) -> Shape {
    let mut parts = Vec::new();
    for s in shapes {
        parts.extend(s.parts);
    }
    Shape { parts }.merged()
}

/// `format('cr{0}{1}', a, b)`: literal pieces and argument shapes, in order.
fn format_shape(fmt: &str, args: Vec<Shape>) -> Shape {
    use super::term::{format_pieces, FormatPiece};
    let mut parts: Vec<Part> = Vec::new();
    for piece in format_pieces(fmt) {
        match piece {
            FormatPiece::Literal(c) => parts.push(Part::Literal(c.to_string())),
            // A format specifier (`{0:D2}`) changes how a value is written.
            FormatPiece::Argument(Some(n), false) if n < args.len() => {
                parts.extend(args[n].parts.iter().cloned())
            }
            FormatPiece::Argument(..) => parts.push(OPAQUE),
        }
    }
    Shape { parts }.merged()
}

impl Shape {
    /// Adjacent literals joined (so replacements see them whole).
    fn merged(self) -> Shape {
        let mut parts: Vec<Part> = Vec::new();
        for p in self.parts {
            match (parts.last_mut(), p) {
                (Some(Part::Literal(a)), Part::Literal(b)) => a.push_str(&b),
                (_, p) => parts.push(p),
            }
        }
        Shape { parts }
    }

    fn all_literal(&self) -> Option<String> {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(s) => Some(s.as_str()),
                Part::Computed { .. } => None,
            })
            .collect()
    }

    fn map_literals(self, f: impl Fn(&str) -> String) -> Shape {
        Shape {
            parts: self
                .parts
                .into_iter()
                .map(|p| match p {
                    Part::Literal(s) => Part::Literal(f(&s)),
                    other => other,
                })
                .collect(),
        }
    }

    fn bounds(&self) -> (usize, Option<usize>) {
        let mut min = 0usize;
        let mut max = Some(0usize);
        for p in &self.parts {
            let (lo, hi) = match p {
                Part::Literal(s) => (s.chars().count(), Some(s.chars().count())),
                Part::Computed { min, max, .. } => (*min, *max),
            };
            min = min.saturating_add(lo);
            max = match (max, hi) {
                (Some(a), Some(b)) => Some(a.saturating_add(b)),
                _ => None,
            };
        }
        (min, max)
    }

    /// Characters other than ASCII letters and digits the string may hold (`None`: any).
    fn others(&self) -> Option<Vec<char>> {
        let mut out = Some(Vec::new());
        for p in &self.parts {
            match p {
                Part::Literal(s) => {
                    let chars: Vec<char> =
                        s.chars().filter(|c| !c.is_ascii_alphanumeric()).collect();
                    out = union(out, &chars);
                }
                Part::Computed { others, .. } => match others {
                    Some(o) => out = union(out, o),
                    None => return None,
                },
            }
        }
        out
    }

    fn opaque(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Computed { opaque: true, .. }))
    }

    /// One computed part with this shape's bounds: nothing is known to be present.
    fn blur(self) -> Shape {
        let (min, max) = self.bounds();
        computed(min, max, self.others(), self.opaque())
    }

    /// `substring(s, start, len)` / `skip(s, start)`.
    fn slice(self, start: usize, len: Option<usize>) -> Shape {
        if let Some(text) = self.all_literal() {
            let chars: Vec<char> = text.chars().collect();
            let from = start.min(chars.len());
            let to = len.map_or(chars.len(), |l| from.saturating_add(l).min(chars.len()));
            return literal(&chars[from..to].iter().collect::<String>());
        }
        let (min, max) = self.bounds();
        let (lo, hi) = match len {
            // ARM fails the deployment when the string is too short, so a successful
            // `substring` returns exactly `len` characters.
            Some(l) => (l, Some(l)),
            None => (
                min.saturating_sub(start),
                max.map(|m| m.saturating_sub(start)),
            ),
        };
        computed(lo, hi, self.others(), self.opaque())
    }

    fn at_most(self, n: usize) -> Shape {
        if self.all_literal().is_some() {
            return self;
        }
        let (min, max) = self.bounds();
        computed(
            min.min(n),
            Some(max.map_or(n, |m| m.min(n))),
            self.others(),
            self.opaque(),
        )
    }

    /// `replace(s, from, to)`: exact on literal parts; computed parts that may hold
    /// `from` lose their lower bound.
    fn replace(self, from: &str, to: &str) -> Shape {
        if from.is_empty() {
            return self;
        }
        if let Some(text) = self.all_literal() {
            return literal(&text.replace(from, to));
        }
        let to_others: Vec<char> = to.chars().filter(|c| !c.is_ascii_alphanumeric()).collect();
        let single_char = from.chars().count() == 1;
        let from_char = from.chars().next().filter(|_| single_char);
        let parts = self
            .parts
            .into_iter()
            .map(|p| match p {
                Part::Literal(s) => Part::Literal(s.replace(from, to)),
                Part::Computed {
                    min,
                    max,
                    others,
                    opaque,
                } => {
                    let may_hold_from = match (&others, from_char) {
                        (None, _) | (_, None) => true,
                        (Some(o), Some(c)) => c.is_ascii_alphanumeric() || o.contains(&c),
                    };
                    if !may_hold_from {
                        return Part::Computed {
                            min,
                            max,
                            others,
                            opaque,
                        };
                    }
                    // Every occurrence of a single `from` character is gone.
                    let others = match (others, from_char) {
                        (Some(o), Some(c)) => Some(o.into_iter().filter(|x| *x != c).collect()),
                        (o, _) => o,
                    };
                    let grow = to.chars().count() > from.chars().count();
                    Part::Computed {
                        min: 0,
                        max: if grow { None } else { max },
                        others: union(others, &to_others),
                        opaque,
                    }
                }
            })
            .collect();
        let shape = Shape { parts };
        if single_char {
            shape.merged()
        } else {
            // A multi-character `from` can span a literal and a computed part.
            shape.blur()
        }
    }

    /// Judge a name that must be `min..=max` ASCII letters and digits.
    pub fn verdict(&self, min_len: usize, max_len: usize) -> Verdict {
        let (min, max) = self.bounds();
        let bad: Vec<char> = self
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Literal(s) => Some(s.chars().filter(|c| !c.is_ascii_alphanumeric())),
                Part::Computed { .. } => None,
            })
            .flatten()
            .fold(Vec::new(), |mut acc, c| {
                if !acc.contains(&c) {
                    acc.push(c);
                }
                acc
            });
        if !bad.is_empty() {
            let shown: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
            return Verdict::Invalid(format!(
                "always contains {} (only letters and digits are allowed)",
                shown.join(", ")
            ));
        }
        if min > max_len {
            return Verdict::Invalid(format!(
                "is at least {min} characters long (at most {max_len})"
            ));
        }
        if let Some(m) = max {
            if m < min_len {
                return Verdict::Invalid(format!(
                    "is at most {m} characters long (at least {min_len})"
                ));
            }
        }
        if self.opaque() {
            return Verdict::NotJudged;
        }
        match self.others() {
            Some(o) if o.is_empty() => {}
            Some(o) => {
                let shown: Vec<String> = o.iter().map(|c| format!("{c:?}")).collect();
                return Verdict::MaybeInvalid(format!(
                    "may contain {} (only letters and digits are allowed)",
                    shown.join(", ")
                ));
            }
            None => {
                return Verdict::MaybeInvalid(
                    "may contain characters other than letters and digits".into(),
                )
            }
        }
        match max {
            Some(m) if min >= min_len && m <= max_len => Verdict::Valid,
            Some(m) if m > max_len => Verdict::MaybeInvalid(format!(
                "may be up to {m} characters long (at most {max_len})"
            )),
            None => Verdict::MaybeInvalid(format!("may be longer than {max_len} characters")),
            Some(_) => Verdict::MaybeInvalid(format!(
                "may be as short as {min} characters (at least {min_len})"
            )),
        }
    }
}

#[cfg(test)]
mod tests;
