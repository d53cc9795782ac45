//! `union` and `intersection` over arrays (distinct items, first occurrence order) and
//! objects (`union`: later keys win and nested objects merge deeply; `intersection`:
//! keys whose values are equal everywhere).
//!
//! Items that hold unknowns are compared with [`Value::arm_equals`]: `union` keeps an
//! item whose equality with an earlier one is undecided (it may be a duplicate), while
//! `intersection` reports an unknown result when membership is undecided.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{is_unknownish, unknown_error};
use crate::arm::functions::{capped_array, first_unknown, invalid, FnError, FnResult, Host};
use crate::arm::limits;
use crate::arm::value::{map_get, map_insert, Map, Value};

pub(super) fn union(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    match shape(args, "union", true)? {
        Shape::Array => {
            let mut out = Distinct::default();
            for items in args.iter().filter_map(Value::as_array) {
                for item in items {
                    out.push(item);
                    if out.items.len() > limits::array_items() {
                        return capped_array(out.items, "union");
                    }
                }
            }
            Ok(Value::array(out.items))
        }
        Shape::Object => {
            let mut out = Map::new();
            for map in args.iter().filter_map(Value::as_object) {
                merge_deep(&mut out, map);
            }
            Ok(Value::object(out))
        }
    }
}

pub(super) fn intersection(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    match shape(args, "intersection", false)? {
        Shape::Array => {
            let arrays: Vec<&[Value]> = args.iter().filter_map(Value::as_array).collect();
            let Some((first, rest)) = arrays.split_first() else {
                return Ok(Value::array(Vec::new()));
            };
            let others: Vec<Members> = rest.iter().map(|a| Members::new(a)).collect();
            let mut out = Distinct::default();
            for item in first.iter() {
                let mut everywhere = true;
                for other in &others {
                    match other.contains(item) {
                        Some(true) => {}
                        Some(false) => everywhere = false,
                        None => return Err(undecided(item, other.items)),
                    }
                }
                if everywhere {
                    out.push(item);
                }
            }
            Ok(Value::array(out.items))
        }
        Shape::Object => {
            let maps: Vec<&Map> = args.iter().filter_map(Value::as_object).collect();
            let Some((first, rest)) = maps.split_first() else {
                return Ok(Value::empty_object());
            };
            let mut out = Map::new();
            'keys: for (key, value) in first.iter() {
                for other in rest {
                    let Some(theirs) = map_get(other, key) else {
                        continue 'keys;
                    };
                    match value.arm_equals(theirs) {
                        Some(true) => {}
                        Some(false) => continue 'keys,
                        None => return Err(undecided(value, std::slice::from_ref(theirs))),
                    }
                }
                map_insert(&mut out, key.clone(), value.clone());
            }
            Ok(Value::object(out))
        }
    }
}

enum Shape {
    Array,
    Object,
}

/// All arguments must be arrays, or all objects; `union` also skips `null`s.
fn shape(args: &[Value], func: &str, allow_null: bool) -> Result<Shape, FnError> {
    let mut shape = None;
    for (i, a) in args.iter().enumerate() {
        let this = match a {
            Value::Array(_) => Shape::Array,
            Value::Object(_) => Shape::Object,
            Value::Null if allow_null => continue,
            v if is_unknownish(v) => return Err(unknown_error(v)),
            other => {
                return Err(invalid(format!(
                    "{func}: argument {} must be an array or object, got {}",
                    i + 1,
                    other.type_name()
                )))
            }
        };
        match (&shape, &this) {
            (None, _)
            | (Some(Shape::Array), Shape::Array)
            | (Some(Shape::Object), Shape::Object) => shape = Some(this),
            _ => {
                return Err(invalid(format!(
                    "{func}: cannot combine arrays and objects (argument {})",
                    i + 1
                )))
            }
        }
    }
    // Only nulls: an empty object is the neutral element of the common case (`union(tags, …)`).
    Ok(shape.unwrap_or(Shape::Object))
}

fn undecided(item: &Value, others: &[Value]) -> FnError {
    first_unknown(item)
        .or_else(|| others.iter().find_map(first_unknown))
        .map_or_else(|| invalid("undecidable comparison"), FnError::Unknown)
}

/// Deep merge: later values win, except that two objects under the same key merge.
fn merge_deep(target: &mut Map, source: &Map) {
    for (key, value) in source {
        let merged = match (map_get(target, key), value) {
            (Some(Value::Object(mine)), Value::Object(theirs)) => {
                let mut m = Map::clone(mine);
                merge_deep(&mut m, theirs);
                Value::object(m)
            }
            _ => value.clone(),
        };
        map_insert(target, key.clone(), merged);
    }
}

/// Items in first-occurrence order without ARM-equal duplicates.
#[derive(Default)]
struct Distinct {
    items: Vec<Value>,
    seen: HashSet<String>,
    /// Indexes (into `items`) of items that hold unknowns or lambdas.
    opaque: Vec<usize>,
}

impl Distinct {
    fn push(&mut self, item: &Value) {
        match canonical(item) {
            Some(key) => {
                if self.seen.insert(key) {
                    self.items.push(item.clone());
                }
            }
            None => {
                // A known item never equals an item holding an unknown, so only the
                // opaque items need comparing.
                if !self
                    .opaque
                    .iter()
                    .any(|&i| self.items[i].arm_equals(item) == Some(true))
                {
                    self.opaque.push(self.items.len());
                    self.items.push(item.clone());
                }
            }
        }
    }
}

/// Membership test over one array, hashed for its known items.
struct Members<'a> {
    items: &'a [Value],
    known: HashSet<String>,
    known_items: Vec<&'a Value>,
    opaque: Vec<&'a Value>,
}

impl<'a> Members<'a> {
    fn new(items: &'a [Value]) -> Self {
        let mut members = Members {
            items,
            known: HashSet::new(),
            known_items: Vec::new(),
            opaque: Vec::new(),
        };
        for item in items {
            match canonical(item) {
                Some(k) => {
                    members.known.insert(k);
                    members.known_items.push(item);
                }
                None => members.opaque.push(item),
            }
        }
        members
    }

    /// `None` when membership depends on an unknown.
    fn contains(&self, item: &Value) -> Option<bool> {
        let key = canonical(item);
        if key.as_ref().is_some_and(|k| self.known.contains(k)) {
            return Some(true);
        }
        // A known item can equal only an opaque one; an item holding unknowns must be
        // compared with everything (it may differ decidedly, e.g. by length).
        let knowns: &[&Value] = if key.is_none() {
            &self.known_items
        } else {
            &[]
        };
        let mut result = Some(false);
        for other in self.opaque.iter().chain(knowns) {
            match other.arm_equals(item) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => result = None,
            }
        }
        result
    }
}

/// A text equal for two known values exactly when `arm_equals` says they are equal
/// (keys case-insensitive, 1 == 1.0); `None` for values holding unknowns or lambdas.
fn canonical(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_canonical(v, &mut out).then_some(out)
}

fn write_canonical(v: &Value, out: &mut String) -> bool {
    match v {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Int(i) => {
            let _ = write!(out, "i{i};");
        }
        Value::Float(f) => {
            if f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64 {
                let _ = write!(out, "i{};", *f as i64);
            } else {
                let _ = write!(out, "d{:?};", f);
            }
        }
        Value::String(s) => {
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Value::Array(items) => {
            let _ = write!(out, "[{}", items.len());
            for item in items.iter() {
                if !write_canonical(item, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(String, &Value)> = map
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let _ = write!(out, "{{{}", entries.len());
            for (k, v) in entries {
                let _ = write!(out, "{}:{k}", k.len());
                if !write_canonical(v, out) {
                    return false;
                }
            }
            out.push('}');
        }
        Value::Lambda(_) | Value::Unknown(_) | Value::Candidates(_) => return false,
    }
    true
}
