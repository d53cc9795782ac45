//! ARM template functions that take lambdas: `filter`, `map`, `reduce`, `sort`,
//! `toObject`, `mapValues`, `groupBy`.
//!
//! Reference: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-lambda>.
//! `filter` and `map` lambdas may take the element index as a second parameter and
//! `reduce` lambdas as a third (Bicep's `(item, i) => …`); a lambda receives only as many
//! arguments as it declares.
//!
//! Unknowns: an element produced by `map`/`mapValues`/`toObject` may be unknown without
//! making the whole result unknown; a `filter` decision, a `sort` comparison or a key that
//! is unknown makes the result unknown.

use std::collections::HashMap;

use super::{
    arg_array, arg_lambda, arg_object, first_unknown, invalid, FnError, FnResult, FnSpec, Host,
};
use crate::arm::value::{map_insert, Lambda, Map, Str, Value};

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("filter", 2, Some(2), filter),
    FnSpec::new("map", 2, Some(2), map),
    FnSpec::new("reduce", 3, Some(3), reduce),
    FnSpec::new("sort", 2, Some(2), sort),
    FnSpec::new("toObject", 2, Some(3), to_object),
    FnSpec::new("mapValues", 2, Some(2), map_values),
    FnSpec::new("groupBy", 2, Some(2), group_by),
];

/// ARM rejects a lambda with the wrong number of parameters even when it is never called.
fn arity(lambda: &Lambda, min: usize, max: usize, func: &str) -> Result<(), FnError> {
    let n = lambda.params.len();
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let expected = if min == max {
        format!("{min}")
    } else {
        format!("{min} or {max}")
    };
    Err(invalid(format!(
        "{func}: the lambda must take {expected} parameter(s), it takes {n}"
    )))
}

/// Call `lambda` with as many of `args` as it declares (checked by [`arity`]).
fn apply(host: &mut dyn Host, lambda: &Lambda, args: &[Value]) -> FnResult {
    host.call_lambda(lambda, &args[..lambda.params.len().min(args.len())])
}

fn index_value(i: usize) -> Value {
    Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
}

/// A lambda result stored inside a larger value: an unknown stays an element.
fn element(result: FnResult) -> FnResult {
    match result {
        Err(FnError::Unknown(u)) => Ok(Value::Unknown(u)),
        other => other,
    }
}

fn unknown_of(v: &Value) -> Option<FnError> {
    match v {
        Value::Unknown(_) | Value::Candidates(_) => first_unknown(v).map(FnError::Unknown),
        _ => None,
    }
}

/// A lambda result that decides something (keep or not, which comes first).
fn decision(result: FnResult, func: &str) -> Result<bool, FnError> {
    match result? {
        Value::Bool(b) => Ok(b),
        v => Err(unknown_of(&v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: the lambda must return a bool, got {}",
                v.type_name()
            ))
        })),
    }
}

/// A lambda result used as an object key.
fn key(result: FnResult, func: &str) -> Result<Str, FnError> {
    match result? {
        Value::String(s) => Ok(s),
        v => Err(unknown_of(&v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: the key lambda must return a string, got {}",
                v.type_name()
            ))
        })),
    }
}

fn filter(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "filter")?;
    let lambda = arg_lambda(args, 1, "filter")?;
    arity(lambda, 1, 2, "filter")?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let call = apply(host, lambda, &[item.clone(), index_value(i)]);
        if decision(call, "filter")? {
            out.push(item.clone());
        }
    }
    Ok(Value::array(out))
}

fn map(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "map")?;
    let lambda = arg_lambda(args, 1, "map")?;
    arity(lambda, 1, 2, "map")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(element(apply(
            host,
            lambda,
            &[item.clone(), index_value(i)],
        ))?);
    }
    Ok(Value::array(out))
}

fn reduce(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "reduce")?;
    let lambda = arg_lambda(args, 2, "reduce")?;
    arity(lambda, 2, 3, "reduce")?;
    let mut acc = args
        .get(1)
        .cloned()
        .ok_or_else(|| invalid("reduce: missing the initial value"))?;
    for (i, item) in items.iter().enumerate() {
        acc = apply(host, lambda, &[acc, item.clone(), index_value(i)])?;
    }
    Ok(acc)
}

/// `sort(array, lambda(a, b))`: the lambda says whether `a` comes before `b`. A stable
/// bottom-up merge sort, so elements the lambda does not order keep their order.
fn sort(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let mut items = arg_array(args, 0, "sort")?.to_vec();
    let lambda = arg_lambda(args, 1, "sort")?;
    arity(lambda, 2, 2, "sort")?;
    let n = items.len();
    let mut width = 1;
    while width < n {
        let mut merged = Vec::with_capacity(n);
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                let call = apply(host, lambda, &[items[j].clone(), items[i].clone()]);
                // Take from the right run only when it strictly comes first.
                if decision(call, "sort")? {
                    merged.push(items[j].clone());
                    j += 1;
                } else {
                    merged.push(items[i].clone());
                    i += 1;
                }
            }
            merged.extend_from_slice(&items[i..mid]);
            merged.extend_from_slice(&items[j..end]);
        }
        items = merged;
        width *= 2;
    }
    Ok(Value::array(items))
}

/// `toObject(array, keyLambda[, valueLambda])`; a repeated key keeps the last value.
fn to_object(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "toObject")?;
    let key_lambda = arg_lambda(args, 1, "toObject")?;
    arity(key_lambda, 1, 1, "toObject")?;
    let value_lambda = match args.get(2) {
        Some(_) => {
            let l = arg_lambda(args, 2, "toObject")?;
            arity(l, 1, 1, "toObject")?;
            Some(l)
        }
        None => None,
    };
    let mut out = Map::new();
    for item in items.iter() {
        let k = key(
            apply(host, key_lambda, std::slice::from_ref(item)),
            "toObject",
        )?;
        let v = match value_lambda {
            Some(l) => element(apply(host, l, std::slice::from_ref(item)))?,
            None => item.clone(),
        };
        map_insert(&mut out, k, v);
    }
    Ok(Value::object(out))
}

/// `mapValues(object, lambda(value))`: same keys, mapped values.
fn map_values(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let map = arg_object(args, 0, "mapValues")?;
    let lambda = arg_lambda(args, 1, "mapValues")?;
    arity(lambda, 1, 1, "mapValues")?;
    let mut out = Map::new();
    for (k, v) in map.iter() {
        let mapped = element(apply(host, lambda, std::slice::from_ref(v)))?;
        out.insert(k.clone(), mapped);
    }
    Ok(Value::object(out))
}

/// `groupBy(array, lambda(item))`: `{key: [items with that key]}`, keys in first-seen
/// order, compared case-insensitively like all ARM object keys.
fn group_by(host: &mut dyn Host, args: &[Value]) -> FnResult {
    let items = arg_array(args, 0, "groupBy")?;
    let lambda = arg_lambda(args, 1, "groupBy")?;
    arity(lambda, 1, 1, "groupBy")?;
    let mut groups: Vec<(Str, Vec<Value>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for item in items.iter() {
        let k = key(apply(host, lambda, std::slice::from_ref(item)), "groupBy")?;
        let slot = *index.entry(k.to_ascii_lowercase()).or_insert_with(|| {
            groups.push((k.clone(), Vec::new()));
            groups.len() - 1
        });
        if let Some((_, members)) = groups.get_mut(slot) {
            members.push(item.clone());
        }
    }
    Ok(Value::object(
        groups
            .into_iter()
            .map(|(k, members)| (k, Value::array(members)))
            .collect(),
    ))
}

#[cfg(test)]
mod tests;
