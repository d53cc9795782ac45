//! Test-only: resource views and parameter values written with `serde_json::json!`,
//! read as the typed values the engine takes.
//!
//! In these test documents, and only here, an object `{"$unknown": "<why>"}` stands for
//! an unknown value and `{"$candidates": [...], "parameter": "<name>"}` for a candidate
//! set (the shape `Value::to_json` writes them in). The engine itself never reads such
//! objects: in a template they are plain objects.

use std::sync::Arc;

use serde_json::{Map as JsonMap, Value as Json};

use crate::arm::value::{Candidates, Map, Str, Value};

/// A test document as a typed value, marker objects as unknowns and candidate sets.
pub(crate) fn typed(json: &Json) -> Value {
    match json {
        Json::Object(m) => {
            if let Some(why) = m.get("$unknown") {
                return Value::unknown(
                    why.as_str().map_or_else(|| why.to_string(), str::to_string),
                );
            }
            if let Some(Json::Array(values)) = m.get("$candidates") {
                let parameter = m.get("parameter").and_then(Json::as_str).unwrap_or("?");
                return Value::Candidates(Arc::new(Candidates {
                    values: values.iter().map(typed).collect(),
                    parameter: Str::from(parameter),
                }));
            }
            Value::object(
                m.iter()
                    .map(|(k, v)| (Str::from(k.as_str()), typed(v)))
                    .collect(),
            )
        }
        Json::Array(items) => Value::array(items.iter().map(typed).collect()),
        other => Value::from_json(other),
    }
}

/// The members of a JSON array, typed (e.g. a reason's `true_for`).
pub(crate) fn typed_values(json: Json) -> Vec<Value> {
    match json {
        Json::Array(items) => items.iter().map(typed).collect(),
        other => vec![typed(&other)],
    }
}

/// A resource view in a test: JSON with markers, or already typed.
pub(crate) trait TestView {
    fn view(&self) -> Value;
}

impl TestView for Json {
    fn view(&self) -> Value {
        typed(self)
    }
}

impl TestView for Value {
    fn view(&self) -> Value {
        self.clone()
    }
}

/// Parameter values in a test: a JSON map with markers, or already typed.
pub(crate) trait TestParams {
    fn params(&self) -> Map;
}

impl TestParams for JsonMap<String, Json> {
    fn params(&self) -> Map {
        self.iter()
            .map(|(k, v)| (Str::from(k.as_str()), typed(v)))
            .collect()
    }
}

impl TestParams for Map {
    fn params(&self) -> Map {
        self.clone()
    }
}

impl super::Condition {
    /// [`Condition::evaluate`](super::Condition::evaluate) on a test view.
    pub(crate) fn evaluate_json(
        &self,
        resource: &impl TestView,
        parameters: &impl TestParams,
        resolver: &dyn super::ExpressionResolver,
    ) -> super::Outcome {
        self.evaluate(&resource.view(), &parameters.params(), resolver)
    }
}
