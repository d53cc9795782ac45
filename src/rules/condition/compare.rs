//! The operators, on one selected value and one operand, as Azure Policy applies them.

use std::cmp::Ordering;

use crate::arm::value::{map_get, Value};

use super::lookup::{is_absent, Resolved};
use super::{json_text, kind, Operator, Outcome, Reason};

/// Kleene AND; reasons of undecided parts are merged.
pub(super) fn all(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
    let mut reasons = Vec::new();
    let mut undecided = false;
    for o in outcomes {
        match o {
            Outcome::False => return Outcome::False,
            Outcome::True => {}
            Outcome::Possible { reasons: r } => {
                undecided = true;
                merge(&mut reasons, r);
            }
        }
    }
    if undecided {
        Outcome::Possible { reasons }
    } else {
        Outcome::True
    }
}

/// Kleene OR.
pub(super) fn any(outcomes: impl IntoIterator<Item = Outcome>) -> Outcome {
    !all(outcomes.into_iter().map(|o| !o))
}

/// Combine the outcomes for each candidate value of `parameter`. Which values make the
/// *whole* condition true is only known when `worlds` enumerates them, so the reason
/// made here leaves `true_for` empty.
pub(super) fn choice(parameter: &str, outcomes: Vec<Outcome>) -> Outcome {
    if outcomes.iter().all(Outcome::is_true) {
        return Outcome::True;
    }
    if outcomes.iter().all(Outcome::is_false) {
        return Outcome::False;
    }
    let mut reasons = vec![Reason::Parameter {
        name: parameter.to_string(),
        true_for: None,
    }];
    for o in outcomes {
        if let Outcome::Possible { reasons: r } = o {
            merge(&mut reasons, r);
        }
    }
    Outcome::Possible { reasons }
}

/// Append reasons not already present (alias spellings differing in case are one).
pub(super) fn merge(into: &mut Vec<Reason>, from: Vec<Reason>) {
    for r in from {
        let seen = into.iter().any(|i| match (i, &r) {
            (Reason::UnknownAlias { alias: a }, Reason::UnknownAlias { alias: b }) => {
                a.eq_ignore_ascii_case(b)
            }
            (a, b) => a == b,
        });
        if !seen {
            into.push(r);
        }
    }
}

fn unknown(why: impl Into<String>) -> Outcome {
    Outcome::possible(Reason::Unknown { why: why.into() })
}

/// `subject <op> operand`. A collection must satisfy the test with every member.
pub(super) fn test(
    subject: &Resolved,
    op: Operator,
    operand: &Resolved,
    location: bool,
) -> Outcome {
    match subject {
        Resolved::Unknown(why) => unknown(why.clone()),
        Resolved::Choice { parameter, options } => {
            let outcomes = options
                .iter()
                .map(|o| test(o, op, operand, location))
                .collect();
            choice(parameter, outcomes)
        }
        Resolved::Collection(items) => all(items.iter().map(|i| test(i, op, operand, location))),
        Resolved::Missing => with_operand(None, op, operand, location),
        Resolved::Known(v) => with_operand(Some(v), op, operand, location),
    }
}

fn with_operand(
    subject: Option<&Value>,
    op: Operator,
    operand: &Resolved,
    location: bool,
) -> Outcome {
    match operand {
        Resolved::Unknown(why) => unknown(why.clone()),
        Resolved::Choice { parameter, options } => {
            let outcomes = options
                .iter()
                .map(|o| with_operand(subject, op, o, location))
                .collect();
            choice(parameter, outcomes)
        }
        Resolved::Missing => apply(op, subject, &Value::Null, location),
        Resolved::Known(v) => apply(op, subject, v, location),
        Resolved::Collection(items) => {
            let v = Value::array(items.iter().map(Resolved::to_function_value).collect());
            apply(op, subject, &v, location)
        }
    }
}

/// One operator on an (optional) subject value. Omitted subjects make every positive
/// operator false and every negated one true.
pub(super) fn apply(
    op: Operator,
    subject: Option<&Value>,
    operand: &Value,
    location: bool,
) -> Outcome {
    use Operator::*;
    match op {
        NotEquals => return !apply(Equals, subject, operand, location),
        NotIn => return !apply(In, subject, operand, location),
        NotContains => return !apply(Contains, subject, operand, location),
        NotContainsKey => return !apply(ContainsKey, subject, operand, location),
        NotLike => return !apply(Like, subject, operand, location),
        NotMatch => return !apply(Match, subject, operand, location),
        NotMatchInsensitively => return !apply(MatchInsensitively, subject, operand, location),
        _ => {}
    }
    if op == Exists {
        let want = match operand {
            Value::Bool(b) => *b,
            Value::String(s) if s.eq_ignore_ascii_case("true") => true,
            Value::String(s) if s.eq_ignore_ascii_case("false") => false,
            other => {
                return unknown(format!(
                    "`exists` needs true or false, got {}",
                    json_text(other)
                ))
            }
        };
        return Outcome::from_bool(subject.is_some() == want);
    }
    let Some(subject) = subject else {
        return Outcome::False;
    };
    match subject {
        Value::Unknown(u) => return unknown(u.why.clone()),
        Value::Candidates(c) => {
            let outcomes = c
                .values
                .iter()
                .map(|v| apply(op, Some(v), operand, location))
                .collect();
            return choice(&c.parameter, outcomes);
        }
        _ => {}
    }
    match op {
        Equals => loose_eq(subject, operand, location),
        In => match operand {
            Value::Array(items) => any(items.iter().map(|i| loose_eq(subject, i, location))),
            other => unknown(format!("`in` needs an array, got {}", kind(other))),
        },
        Contains => match subject {
            Value::Array(items) => any(items.iter().map(|i| loose_eq(i, operand, location))),
            Value::String(s) => match scalar_text(operand) {
                Some(needle) => Outcome::from_bool(lower(s).contains(&lower(&needle))),
                None => operand_marker(operand),
            },
            _ => Outcome::False,
        },
        ContainsKey => match (subject, scalar_text(operand)) {
            (Value::Object(obj), Some(key)) => Outcome::from_bool(map_get(obj, &key).is_some()),
            (_, None) => operand_marker(operand),
            _ => Outcome::False,
        },
        Like => match (scalar_text(subject), scalar_text(operand)) {
            (Some(text), Some(pattern)) => Outcome::from_bool(like(&text, &pattern)),
            (_, None) => operand_marker(operand),
            _ => Outcome::False,
        },
        Match | MatchInsensitively => match (subject, scalar_text(operand)) {
            (Value::String(text), Some(pattern)) => {
                Outcome::from_bool(match_pattern(text, &pattern, op == MatchInsensitively))
            }
            (_, None) => operand_marker(operand),
            _ => Outcome::False,
        },
        Less | LessOrEquals | Greater | GreaterOrEquals => {
            if let Value::Unknown(u) = operand {
                return unknown(u.why.clone());
            }
            match order(subject, operand) {
                Ok(ord) => Outcome::from_bool(match op {
                    Less => ord == Ordering::Less,
                    LessOrEquals => ord != Ordering::Greater,
                    Greater => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                }),
                Err(msg) => unknown(msg),
            }
        }
        // Handled above.
        NotEquals
        | NotIn
        | NotContains
        | NotContainsKey
        | NotLike
        | NotMatch
        | NotMatchInsensitively
        | Exists => Outcome::False,
    }
}

/// An operand that is not a usable string: unknown when it is an unknown value.
fn operand_marker(operand: &Value) -> Outcome {
    match operand {
        Value::Unknown(u) => unknown(u.why.clone()),
        _ => Outcome::False,
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Strings, numbers and booleans as text (what `like`/`contains` compare).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Int(_) | Value::Float(_) => Some(json_text(v)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Azure Policy's equality: strings without case, `true` equals `"True"`, `1` equals
/// `"1"`, arrays and objects deeply (keys without case).
pub(super) fn loose_eq(a: &Value, b: &Value, location: bool) -> Outcome {
    match (a, b) {
        (Value::Unknown(u), _) | (_, Value::Unknown(u)) => return unknown(u.why.clone()),
        (Value::Candidates(c), _) => {
            let outcomes = c.values.iter().map(|v| loose_eq(v, b, location)).collect();
            return choice(&c.parameter, outcomes);
        }
        (_, Value::Candidates(c)) => {
            let outcomes = c.values.iter().map(|v| loose_eq(a, v, location)).collect();
            return choice(&c.parameter, outcomes);
        }
        _ => {}
    }
    let eq = match (a, b) {
        (x, y) if is_absent(x) && is_absent(y) => true,
        (Value::String(x), Value::String(y)) => {
            if location {
                crate::rules::normalize_location(x) == crate::rules::normalize_location(y)
            } else {
                x == y || lower(x) == lower(y)
            }
        }
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => s
            .trim()
            .eq_ignore_ascii_case(if *x { "true" } else { "false" }),
        (x, y) if number(x).is_some() && number(y).is_some() => number(x) == number(y),
        (n, Value::String(s)) | (Value::String(s), n) if number(n).is_some() => {
            s.trim().parse::<f64>().ok() == number(n)
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Outcome::False;
            }
            return all(x.iter().zip(y.iter()).map(|(i, j)| loose_eq(i, j, false)));
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return Outcome::False;
            }
            return all(x.iter().map(|(k, v)| match map_get(y, k) {
                Some(w) => loose_eq(v, w, false),
                None => Outcome::False,
            }));
        }
        _ => false,
    };
    Outcome::from_bool(eq)
}

/// `less`/`greater`: numbers numerically (a numeric string counts as a number), strings
/// (dates in ISO 8601 included) without case. Other pairs are an error in Azure.
fn order(a: &Value, b: &Value) -> Result<Ordering, String> {
    let num = |v: &Value| match v {
        Value::String(s) => s.trim().parse::<f64>().ok(),
        other => number(other),
    };
    match (a, b) {
        (Value::String(x), Value::String(y)) => match (num(a), num(b)) {
            (Some(p), Some(q)) => p
                .partial_cmp(&q)
                .ok_or_else(|| "not comparable".to_string()),
            _ => Ok(lower(x).cmp(&lower(y))),
        },
        _ => match (num(a), num(b)) {
            (Some(p), Some(q)) => p
                .partial_cmp(&q)
                .ok_or_else(|| "numbers not comparable".to_string()),
            _ => Err(format!("cannot compare {} with {}", kind(a), kind(b))),
        },
    }
}

/// A JSON number as `f64` (an integer beyond 2^53 rounds, as JSON's numbers do).
pub(super) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// `like`: `*` matches any run of characters; case-insensitive; whole string.
pub(super) fn like(text: &str, pattern: &str) -> bool {
    let text = lower(text);
    let pattern = lower(pattern);
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return text == pattern;
    }
    let (first, rest) = match parts.split_first() {
        Some(x) => x,
        None => return false,
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let (last, middle) = match rest.split_last() {
        Some(x) => x,
        None => return false,
    };
    for part in middle {
        match remaining.find(part) {
            Some(pos) => remaining = &remaining[pos + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && remaining.ends_with(last)
}

/// `match`: `#` a digit, `?` a letter, `.` any character, anything else itself.
pub(super) fn match_pattern(text: &str, pattern: &str, insensitive: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    if t.len() != p.len() {
        return false;
    }
    t.iter().zip(&p).all(|(c, pc)| match pc {
        '#' => c.is_ascii_digit(),
        '?' => c.is_alphabetic(),
        '.' => true,
        other if insensitive => c.to_lowercase().eq(other.to_lowercase()),
        other => c == other,
    })
}
