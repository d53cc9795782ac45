//! ARM template functions: objects.
//!
//! Reference: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-object>.
//! `contains`, `empty`, `intersection`, `length` and `union` also take objects; they live
//! with their array forms in `array.rs`.

use std::cmp::Ordering;

use super::{
    arg_array, arg_object, arg_str, first_unknown, invalid, known, FnError, FnResult, FnSpec, Host,
};
use crate::arm::limits;
use crate::arm::value::{map_insert, Map, Str, Value};

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("createObject", 0, None, create_object).accepting_unknown(),
    FnSpec::new("items", 1, Some(1), items),
    FnSpec::new("json", 1, Some(1), json),
    FnSpec::new("null", 0, Some(0), null),
    FnSpec::new("objectKeys", 1, Some(1), object_keys),
    FnSpec::new("shallowMerge", 1, Some(1), shallow_merge),
];

/// `createObject(key1, value1, key2, value2, …)`: values may be unknown; keys may not.
fn create_object(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    if !args.len().is_multiple_of(2) {
        return Err(invalid(format!(
            "createObject: expects key/value pairs, got an odd number of arguments ({})",
            args.len()
        )));
    }
    let mut map = Map::new();
    for (pair, kv) in args.chunks_exact(2).enumerate() {
        let [k, value] = kv else { continue };
        let key = match known(k)? {
            Value::String(k) => k.clone(),
            other => {
                return Err(invalid(format!(
                    "createObject: key {} must be a string, got {}",
                    pair + 1,
                    other.type_name()
                )))
            }
        };
        if let Value::Lambda(_) = value {
            return Err(invalid(format!(
                "createObject: the value of '{key}' is a lambda"
            )));
        }
        map_insert(&mut map, key, value.clone());
    }
    Ok(Value::object(map))
}

/// .NET `StringComparer.OrdinalIgnoreCase`: compare char by char, upper-cased.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let fold = |c: char| {
        let mut up = c.to_uppercase();
        match (up.next(), up.next()) {
            (Some(u), None) => u,
            _ => c,
        }
    };
    a.chars().map(fold).cmp(b.chars().map(fold))
}

/// Keys in ARM's order: sorted case-insensitively, ties kept in document order.
fn sorted_keys(map: &Map) -> Vec<&Str> {
    let mut keys: Vec<&Str> = map.keys().collect();
    keys.sort_by(|a, b| cmp_ignore_case(a, b));
    keys
}

/// `items(object)`: `[{"key": k, "value": v}, …]`, sorted by key as ARM does.
fn items(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let map = arg_object(args, 0, "items")?;
    let entries = sorted_keys(map)
        .into_iter()
        .filter_map(|k| map.get(k).map(|v| (k, v)))
        .map(|(k, v)| {
            let mut entry = Map::new();
            entry.insert(Str::from("key"), Value::String(k.clone()));
            entry.insert(Str::from("value"), v.clone());
            Value::object(entry)
        })
        .collect();
    Ok(Value::array(entries))
}

/// `objectKeys(object)`: the keys, in the same order as `items`.
fn object_keys(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let map = arg_object(args, 0, "objectKeys")?;
    Ok(Value::array(
        sorted_keys(map)
            .into_iter()
            .map(|k| Value::String(k.clone()))
            .collect(),
    ))
}

fn null(_host: &mut dyn Host, _args: &[Value]) -> FnResult {
    Ok(Value::Null)
}

/// `shallowMerge([obj, …])`: top-level keys only, later objects win; `null`s are skipped.
fn shallow_merge(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let objects = arg_array(args, 0, "shallowMerge")?;
    let mut out = Map::new();
    for (i, item) in objects.iter().enumerate() {
        match item {
            Value::Object(map) => {
                for (k, v) in map.iter() {
                    map_insert(&mut out, k.clone(), v.clone());
                }
            }
            Value::Null => {}
            Value::Unknown(_) | Value::Candidates(_) => {
                return Err(
                    first_unknown(item).map_or_else(|| invalid("shallowMerge"), FnError::Unknown)
                )
            }
            other => {
                return Err(invalid(format!(
                    "shallowMerge: element {i} must be an object, got {}",
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::object(out))
}

/// `json(text)`: parse JSON into a value. ARM's parser (Newtonsoft) is lenient, so text
/// that strict JSON rejects is retried as JSONC (single quotes, comments, trailing commas).
fn json(_host: &mut dyn Host, args: &[Value]) -> FnResult {
    let text = arg_str(args, 0, "json")?;
    if text.len() > limits::string_bytes() {
        return Err(super::string_limit("json", text.len()));
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Ok(Value::from_json(&v)),
        Err(strict) => {
            lenient_json(text).ok_or_else(|| invalid(format!("json: invalid JSON: {strict}")))
        }
    }
}

fn lenient_json(text: &str) -> Option<Value> {
    let options = jsonc_parser::ParseOptions {
        allow_missing_commas: false,
        ..Default::default()
    };
    match jsonc_parser::parse_to_value(text, &options) {
        Ok(Some(v)) => from_jsonc(v, 0),
        _ => None,
    }
}

fn from_jsonc(v: jsonc_parser::JsonValue<'_>, depth: usize) -> Option<Value> {
    use jsonc_parser::JsonValue as J;
    if depth > crate::source::limits::MAX_JSON_DEPTH {
        return None;
    }
    Some(match v {
        J::Null => Value::Null,
        J::Boolean(b) => Value::Bool(b),
        J::String(s) => Value::str(&s),
        J::Number(n) => super::json_number(n, "json"),
        J::Array(items) => Value::array(
            items
                .take_inner()
                .into_iter()
                .map(|item| from_jsonc(item, depth + 1))
                .collect::<Option<Vec<_>>>()?,
        ),
        J::Object(map) => {
            // This parser does not keep key order: sort for a deterministic result.
            let mut entries: Vec<_> = map.take_inner().into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(Str::from(k.as_ref()), from_jsonc(v, depth + 1)?);
            }
            Value::object(out)
        }
    })
}

#[cfg(test)]
mod tests;
