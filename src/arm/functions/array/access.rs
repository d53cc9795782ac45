//! Safe and from-the-end element access: `indexFromEnd`, `tryIndexFromEnd`, `tryGet`.
//!
//! Bicep compiles `a.?b.c`, `a[?0]` and `a[?^1].b` to `tryGet(a, 'b', 'c')`,
//! `tryGet(a, 0)` and `tryIndexFromEnd(a, 1, 'b')`; a path segment is a property name,
//! an index, or `{"value": n, "fromEnd": true}` for `[^n]`. Any missing step makes the
//! whole access `null`.

use super::{is_unknownish, nth, unknown_error};
use crate::arm::functions::{
    arg_array, arg_int, float_to_int, invalid, known, FnError, FnResult, Host,
};
use crate::arm::value::{map_get, Value};

pub(super) fn index_from_end(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "indexFromEnd")?;
    let n = arg_int(args, 1, "indexFromEnd")?;
    nth_from_end(items, n).cloned().ok_or_else(|| {
        invalid(format!(
            "indexFromEnd: index {n} is out of range for an array of {} items (it counts from 1 at the end)",
            items.len()
        ))
    })
}

pub(super) fn try_index_from_end(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let n = arg_int(args, 1, "tryIndexFromEnd")?;
    let found = match nth(args, 0, "tryIndexFromEnd")? {
        Value::Null => None,
        Value::Array(items) => nth_from_end(items, n).cloned(),
        v if is_unknownish(v) => return Err(unknown_error(v)),
        other => {
            return Err(invalid(format!(
                "tryIndexFromEnd: expected an array, got {}",
                other.type_name()
            )))
        }
    };
    match found {
        Some(v) => walk(v, args.get(2..).unwrap_or_default(), "tryIndexFromEnd"),
        None => Ok(Value::Null),
    }
}

pub(super) fn try_get(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let root = nth(args, 0, "tryGet")?;
    match root {
        Value::Null | Value::Array(_) | Value::Object(_) => {
            walk(root.clone(), args.get(1..).unwrap_or_default(), "tryGet")
        }
        v if is_unknownish(v) => Err(unknown_error(v)),
        other => Err(invalid(format!(
            "tryGet: expected an object or array, got {}",
            other.type_name()
        ))),
    }
}

/// 1-based from the end: 1 is the last item.
fn nth_from_end(items: &[Value], n: i64) -> Option<&Value> {
    let n = usize::try_from(n).ok().filter(|&n| n >= 1)?;
    items.len().checked_sub(n).and_then(|i| items.get(i))
}

fn walk(mut current: Value, path: &[Value], func: &str) -> FnResult {
    for segment in path {
        match step(&current, known(segment)?, func)? {
            Some(next) => current = next,
            None => return Ok(Value::Null),
        }
    }
    Ok(current)
}

enum Segment<'s> {
    Key(&'s str),
    Index { n: i64, from_end: bool },
}

fn segment<'s>(v: &'s Value, func: &str) -> Result<Segment<'s>, FnError> {
    let as_int = |v: &Value| match v {
        Value::Int(n) => Some(*n),
        Value::Float(f) => float_to_int(*f),
        _ => None,
    };
    match v {
        Value::String(s) => Ok(Segment::Key(s)),
        Value::Object(_) => {
            let n = v.get("value").and_then(as_int);
            let from_end = match v.get("fromEnd") {
                None => Some(false),
                Some(b) => b.as_bool(),
            };
            match (n, from_end) {
                (Some(n), Some(from_end)) => Ok(Segment::Index { n, from_end }),
                _ => Err(invalid(format!(
                    "{func}: an index object needs an integer 'value' and an optional bool 'fromEnd'"
                ))),
            }
        }
        other => as_int(other)
            .map(|n| Segment::Index { n, from_end: false })
            .ok_or_else(|| {
                invalid(format!(
                    "{func}: a key must be a string or an integer, got {}",
                    other.type_name()
                ))
            }),
    }
}

/// One access step; `None` when the member is absent (or the container has no members).
fn step(container: &Value, seg: &Value, func: &str) -> Result<Option<Value>, FnError> {
    let seg = segment(seg, func)?;
    match (container, seg) {
        (v, _) if is_unknownish(v) => Err(unknown_error(v)),
        (Value::Object(map), Segment::Key(k)) => Ok(map_get(map, k).cloned()),
        (Value::Array(items), Segment::Index { n, from_end: true }) => {
            Ok(nth_from_end(items, n).cloned())
        }
        (Value::Array(items), Segment::Index { n, from_end: false }) => {
            Ok(usize::try_from(n).ok().and_then(|i| items.get(i)).cloned())
        }
        _ => Ok(None),
    }
}
