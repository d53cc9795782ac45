//! Tests of the condition language: parsing, operators, arrays and count, three-valued
//! evaluation, expressions.

use serde_json::{json, Map, Value};

use super::*;
use crate::rules::condition::testing::{typed, typed_values};

mod arrays;
mod expressions;
mod operators;
mod parsing;
mod three_valued;

/// Parse a condition written in a test (panics on a test typo, not on input).
fn cond(j: Value) -> Condition {
    match Condition::parse(&j, "if") {
        Ok(c) => c,
        Err(e) => panic!("test condition does not parse: {e}"),
    }
}

/// Evaluate with no parameters and no expression resolver.
fn eval(c: Value, resource: &Value) -> Outcome {
    cond(c).evaluate_json(resource, &Map::new(), &NoExpressions)
}

fn registry(properties: Value) -> Value {
    json!({
        "type": "Microsoft.ContainerRegistry/registries",
        "apiVersion": "2025-11-01",
        "name": "acr1",
        "location": "westeurope",
        "sku": {"name": "Premium"},
        "tags": {"env": "prod", "Cost.Center": "42"},
        "properties": properties,
        "condition": true
    })
}

fn unknown(why: &str) -> Value {
    json!({"$unknown": why})
}

fn candidates(parameter: &str, values: Value) -> Value {
    json!({"$candidates": values, "parameter": parameter})
}
