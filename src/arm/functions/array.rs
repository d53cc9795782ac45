//! ARM template functions: arrays (and the functions ARM makes polymorphic over strings,
//! arrays and objects).
//!
//! Reference: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-array>.
//! Strings are measured and indexed in Unicode scalar values (`char`s).

use std::sync::Arc;

use super::{
    arg_array, arg_int, arg_str, array_limit, capped_array, first_unknown, invalid, known,
    string_limit, FnError, FnResult, FnSpec, Host,
};
use crate::arm::limits;
use crate::arm::value::{map_get, Candidates, Value};

mod access;
mod sets;
#[cfg(test)]
mod tests;

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("array", 1, Some(1), array).accepting_unknown(),
    FnSpec::new("concat", 1, None, concat),
    FnSpec::new("contains", 2, Some(2), contains).accepting_unknown(),
    FnSpec::new("createArray", 0, None, create_array).accepting_unknown(),
    FnSpec::new("empty", 1, Some(1), empty),
    FnSpec::new("first", 1, Some(1), first),
    FnSpec::new("last", 1, Some(1), last),
    FnSpec::new("flatten", 1, Some(1), flatten),
    FnSpec::new("indexOf", 2, Some(2), index_of),
    FnSpec::new("lastIndexOf", 2, Some(2), last_index_of),
    FnSpec::new("intersection", 2, None, sets::intersection),
    FnSpec::new("union", 2, None, sets::union),
    FnSpec::new("length", 1, Some(1), length),
    FnSpec::new("max", 1, None, max),
    FnSpec::new("min", 1, None, min),
    FnSpec::new("range", 2, Some(2), range),
    FnSpec::new("skip", 2, Some(2), skip),
    FnSpec::new("take", 2, Some(2), take),
    FnSpec::new("join", 2, Some(2), join),
    FnSpec::new("indexFromEnd", 2, Some(2), access::index_from_end),
    FnSpec::new("tryIndexFromEnd", 2, None, access::try_index_from_end),
    FnSpec::new("tryGet", 2, None, access::try_get),
];

// ---- helpers shared by this file's submodules ------------------------------------------

/// The error for a value whose shape is not known yet (an unknown or a candidate set).
fn unknown_error(v: &Value) -> FnError {
    match first_unknown(v) {
        Some(u) => FnError::Unknown(u),
        None => invalid("internal: expected an unknown value"),
    }
}

/// Argument `i`; the evaluator checks arity, this keeps a direct call from panicking.
fn nth<'a>(args: &'a [Value], i: usize, func: &str) -> Result<&'a Value, FnError> {
    args.get(i)
        .ok_or_else(|| invalid(format!("{func}: missing argument {}", i + 1)))
}

fn is_unknownish(v: &Value) -> bool {
    matches!(v, Value::Unknown(_) | Value::Candidates(_))
}

/// Text of a scalar as ARM's `concat`/`join` render it (.NET formatting: `True`).
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(true) => Some("True".to_string()),
        Value::Bool(false) => Some("False".to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// For functions that accept unknowns themselves: when exactly one argument is a
/// candidate set, apply `f` to each candidate and combine the results (one value when
/// they all agree, else a candidate set of results); with two candidate sets the result
/// is unknown. Returns `None` when no argument is a candidate set.
fn lift_candidates(args: &[Value], f: fn(&[Value]) -> FnResult) -> Option<FnResult> {
    let mut lifted = None;
    for (i, a) in args.iter().enumerate() {
        if let Value::Candidates(c) = a {
            if lifted.is_some() {
                return Some(Err(unknown_error(a)));
            }
            lifted = Some((i, c.clone()));
        }
    }
    let (index, cands) = lifted?;
    let mut results: Vec<Value> = Vec::new();
    let mut failure = None;
    let mut argv = args.to_vec();
    for choice in &cands.values {
        argv[index] = choice.clone();
        match f(&argv) {
            Ok(v) => {
                if !results.iter().any(|r| r.arm_equals(&v) == Some(true)) {
                    results.push(v);
                }
            }
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    Some(match (results.len(), failure) {
        // Every allowed value fails the same way: the deployment fails.
        (0, Some(e)) => Err(e),
        // Some allowed values would fail the deployment and others not; or none given.
        (_, Some(_)) | (0, None) => Err(unknown_error(&args[index])),
        (1, None) => Ok(results.swap_remove(0)),
        (_, None) => Ok(Value::Candidates(Arc::new(Candidates {
            values: results,
            parameter: cands.parameter.clone(),
        }))),
    })
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Byte offset of the `n`th char (or the end of the string).
fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

fn clamp_count(n: i64, len: usize) -> usize {
    usize::try_from(n.max(0)).map_or(len, |n| n.min(len))
}

// ---- array / createArray / concat ---------------------------------------------------

fn array(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    if let Some(r) = lift_candidates(args, array_known) {
        return r;
    }
    array_known(args)
}

fn array_known(args: &[Value]) -> FnResult {
    let value = nth(args, 0, "array")?;
    match value {
        // An unknown may itself be an array.
        v if is_unknownish(v) => Err(unknown_error(v)),
        Value::Array(_) => Ok(value.clone()),
        Value::Lambda(_) => Err(invalid("array: a lambda cannot be converted to an array")),
        other => Ok(Value::array(vec![other.clone()])),
    }
}

fn create_array(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    if let Some(l) = args.iter().find(|a| matches!(a, Value::Lambda(_))) {
        return Err(invalid(format!(
            "createArray: unexpected {}",
            l.type_name()
        )));
    }
    capped_array(args.to_vec(), "createArray")
}

fn concat(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    if matches!(args.first(), Some(Value::Array(_))) {
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let items = match a {
                Value::Array(items) => items,
                v if is_unknownish(v) => return Err(unknown_error(v)),
                other => {
                    return Err(invalid(format!(
                        "concat: cannot concatenate an array with a {} (argument {})",
                        other.type_name(),
                        i + 1
                    )))
                }
            };
            if out.len() + items.len() > limits::array_items() {
                return Err(array_limit("concat", out.len() + items.len()));
            }
            out.extend(items.iter().cloned());
        }
        return Ok(Value::array(out));
    }
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if is_unknownish(a) {
            return Err(unknown_error(a));
        }
        let text = scalar_text(a).ok_or_else(|| {
            invalid(format!(
                "concat: cannot concatenate a string with a {} (argument {})",
                a.type_name(),
                i + 1
            ))
        })?;
        if out.len() + text.len() > limits::string_bytes() {
            return Err(string_limit("concat", out.len() + text.len()));
        }
        out.push_str(&text);
    }
    Ok(Value::string(out))
}

// ---- contains / empty / length ------------------------------------------------------

fn contains(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    if let Some(r) = lift_candidates(args, contains_known) {
        return r;
    }
    contains_known(args)
}

/// `contains` with both arguments known at the top level; array elements may be unknown.
fn contains_known(args: &[Value]) -> FnResult {
    let (container, needle) = (nth(args, 0, "contains")?, nth(args, 1, "contains")?);
    match container {
        v if is_unknownish(v) => Err(unknown_error(v)),
        Value::String(s) => {
            let needle = known(needle)?;
            let text = scalar_text(needle)
                .filter(|_| !matches!(needle, Value::Null))
                .ok_or_else(|| {
                    invalid(format!(
                        "contains: cannot look for a {} in a string",
                        needle.type_name()
                    ))
                })?;
            Ok(Value::Bool(s.contains(text.as_str())))
        }
        Value::Object(map) => match known(needle)? {
            Value::String(key) => Ok(Value::Bool(map_get(map, key).is_some())),
            other => Err(invalid(format!(
                "contains: an object key must be a string, got {}",
                other.type_name()
            ))),
        },
        Value::Array(items) => {
            let mut undecided = None;
            for item in items.iter() {
                match item.arm_equals(needle) {
                    Some(true) => return Ok(Value::Bool(true)),
                    Some(false) => {}
                    None => undecided = undecided.or(Some(item)),
                }
            }
            match undecided {
                // Either the needle or the undecided element is (or holds) an unknown.
                Some(item) => Err(first_unknown(needle)
                    .or_else(|| first_unknown(item))
                    .map_or_else(
                        || invalid("contains: undecidable comparison"),
                        FnError::Unknown,
                    )),
                None => Ok(Value::Bool(false)),
            }
        }
        other => Err(invalid(format!(
            "contains: the container must be an array, object or string, got {}",
            other.type_name()
        ))),
    }
}

fn empty(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    Ok(Value::Bool(match nth(args, 0, "empty")? {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        other => {
            return Err(invalid(format!(
                "empty: expected an array, object or string, got {}",
                other.type_name()
            )))
        }
    }))
}

fn length(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let n = match nth(args, 0, "length")? {
        Value::String(s) => char_len(s),
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        other => {
            return Err(invalid(format!(
                "length: expected an array, object or string, got {}",
                other.type_name()
            )))
        }
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

// ---- first / last / flatten ---------------------------------------------------------

fn first(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    match nth(args, 0, "first")? {
        Value::Array(a) => Ok(a.first().cloned().unwrap_or(Value::Null)),
        Value::String(s) => Ok(Value::string(
            s.chars().next().map(String::from).unwrap_or_default(),
        )),
        Value::Null => Ok(Value::Null),
        other => Err(invalid(format!(
            "first: expected an array or string, got {}",
            other.type_name()
        ))),
    }
}

fn last(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    match nth(args, 0, "last")? {
        Value::Array(a) => Ok(a.last().cloned().unwrap_or(Value::Null)),
        Value::String(s) => Ok(Value::string(
            s.chars().next_back().map(String::from).unwrap_or_default(),
        )),
        Value::Null => Ok(Value::Null),
        other => Err(invalid(format!(
            "last: expected an array or string, got {}",
            other.type_name()
        ))),
    }
}

fn flatten(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let outer = arg_array(args, 0, "flatten")?;
    let mut out = Vec::new();
    for (i, inner) in outer.iter().enumerate() {
        match inner {
            Value::Array(items) => {
                if out.len() + items.len() > limits::array_items() {
                    return Err(array_limit("flatten", out.len() + items.len()));
                }
                out.extend(items.iter().cloned());
            }
            v if is_unknownish(v) => return Err(unknown_error(v)),
            other => {
                return Err(invalid(format!(
                    "flatten: element {i} must be an array, got {}",
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::array(out))
}

// ---- indexOf / lastIndexOf ----------------------------------------------------------

fn index_of(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    find_index(args, "indexOf", false)
}

fn last_index_of(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    find_index(args, "lastIndexOf", true)
}

fn find_index(args: &[Value], func: &str, from_end: bool) -> FnResult {
    match nth(args, 0, func)? {
        Value::String(haystack) => {
            let needle = arg_str(args, 1, func)?;
            Ok(Value::Int(string_index(haystack, needle, from_end)))
        }
        Value::Array(items) => {
            let needle = nth(args, 1, func)?;
            let mut order: Box<dyn Iterator<Item = (usize, &Value)>> = if from_end {
                Box::new(items.iter().enumerate().rev())
            } else {
                Box::new(items.iter().enumerate())
            };
            // The first decided match counts only if no earlier comparison was undecided.
            order
                .find_map(|(i, item)| match item.arm_equals(needle) {
                    Some(true) => Some(Ok(Value::Int(i64::try_from(i).unwrap_or(i64::MAX)))),
                    Some(false) => None,
                    None => Some(Err(first_unknown(needle)
                        .or_else(|| first_unknown(item))
                        .map_or_else(
                            || invalid(format!("{func}: undecidable comparison")),
                            FnError::Unknown,
                        ))),
                })
                .unwrap_or(Ok(Value::Int(-1)))
        }
        other => Err(invalid(format!(
            "{func}: expected an array or string, got {}",
            other.type_name()
        ))),
    }
}

/// Case-insensitive (ordinal, per char) search; the result is a char index, -1 if absent.
fn string_index(haystack: &str, needle: &str, from_end: bool) -> i64 {
    let fold = |c: char| {
        let mut up = c.to_uppercase();
        match (up.next(), up.next()) {
            (Some(u), None) => u,
            _ => c,
        }
    };
    let h: Vec<char> = haystack.chars().map(fold).collect();
    let n: Vec<char> = needle.chars().map(fold).collect();
    if n.len() > h.len() {
        return -1;
    }
    let starts = 0..=h.len() - n.len();
    let hit = |&i: &usize| h[i..i + n.len()] == n[..];
    let found = if from_end {
        starts.rev().find(hit)
    } else {
        starts.clone().find(hit)
    };
    found.map_or(-1, |i| i64::try_from(i).unwrap_or(i64::MAX))
}

// ---- max / min / range --------------------------------------------------------------

fn max(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    extreme(args, "max", |a, b| a > b)
}

fn min(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    extreme(args, "min", |a, b| a < b)
}

/// `max`/`min` take integers, or arrays of integers, or a mix of both.
fn extreme(args: &[Value], func: &str, better: fn(i64, i64) -> bool) -> FnResult {
    let mut best: Option<i64> = None;
    let mut consider = |v: &Value| -> Result<(), FnError> {
        let n = arg_int(std::slice::from_ref(known(v)?), 0, func)
            .map_err(|_| invalid(format!("{func}: expected integers, got {}", v.type_name())))?;
        if best.is_none_or(|b| better(n, b)) {
            best = Some(n);
        }
        Ok(())
    };
    for a in args {
        match a {
            Value::Array(items) => items.iter().try_for_each(&mut consider)?,
            other => consider(other)?,
        }
    }
    best.map(Value::Int)
        .ok_or_else(|| invalid(format!("{func}: needs at least one integer")))
}

fn range(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let start = arg_int(args, 0, "range")?;
    let count = arg_int(args, 1, "range")?;
    if count < 0 {
        return Err(invalid(format!(
            "range: count must not be negative, got {count}"
        )));
    }
    if count > limits::MAX_RANGE_COUNT {
        return Err(invalid(format!(
            "range: count {count} exceeds ARM's limit of {}",
            limits::MAX_RANGE_COUNT
        )));
    }
    if start
        .checked_add(count)
        .is_none_or(|end| end > i64::from(i32::MAX))
    {
        return Err(invalid(format!(
            "range: startIndex + count must not exceed {}, got {start} + {count}",
            i32::MAX
        )));
    }
    capped_array((start..start + count).map(Value::Int).collect(), "range")
}

// ---- skip / take / join -------------------------------------------------------------

fn skip(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let n = arg_int(args, 1, "skip")?;
    match nth(args, 0, "skip")? {
        Value::Array(a) => Ok(Value::array(a[clamp_count(n, a.len())..].to_vec())),
        Value::String(s) => {
            let k = clamp_count(n, char_len(s));
            Ok(Value::str(&s[char_offset(s, k)..]))
        }
        other => Err(invalid(format!(
            "skip: expected an array or string, got {}",
            other.type_name()
        ))),
    }
}

fn take(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let n = arg_int(args, 1, "take")?;
    match nth(args, 0, "take")? {
        Value::Array(a) => Ok(Value::array(a[..clamp_count(n, a.len())].to_vec())),
        Value::String(s) => {
            let k = clamp_count(n, char_len(s));
            Ok(Value::str(&s[..char_offset(s, k)]))
        }
        other => Err(invalid(format!(
            "take: expected an array or string, got {}",
            other.type_name()
        ))),
    }
}

fn join(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "join")?;
    let delimiter = arg_str(args, 1, "join")?;
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let text = match known(item)? {
            Value::Null => None,
            v => scalar_text(v),
        }
        .ok_or_else(|| {
            invalid(format!(
                "join: element {i} must be a string, got {}",
                item.type_name()
            ))
        })?;
        if i > 0 {
            out.push_str(delimiter);
        }
        out.push_str(&text);
        if out.len() > limits::string_bytes() {
            return Err(string_limit("join", out.len()));
        }
    }
    Ok(Value::string(out))
}
