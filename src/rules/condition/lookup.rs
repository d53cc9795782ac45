//! Reading fields out of the resource view, with unknowns and candidate sets.

use jsonpath_rust::JsonPath;
use serde_json::Value;

use crate::rules::alias::{Field, Segment};

/// What a field (or an operand) selects.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Resolved {
    /// The property is omitted (or null, which ARM treats the same).
    Missing,
    /// A known value; nested parts may still hold `$unknown`/`$candidates` markers.
    Known(Value),
    /// Only known at deployment time.
    Unknown(String),
    /// The values selected by a `[*]` alias (a condition must hold for each).
    Collection(Vec<Resolved>),
    /// One of several values, depending on an unbound parameter.
    Choice {
        parameter: String,
        options: Vec<Resolved>,
    },
}

/// `{"$unknown": "<why>"}` → why.
pub(super) fn as_unknown(v: &Value) -> Option<String> {
    let obj = v.as_object()?;
    let why = obj.get("$unknown")?;
    Some(match why {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// `{"$candidates": [...], "parameter": "p"}` → (p, values).
pub(super) fn as_candidates(v: &Value) -> Option<(&str, &Vec<Value>)> {
    let obj = v.as_object()?;
    let values = obj.get("$candidates")?.as_array()?;
    let parameter = obj.get("parameter").and_then(Value::as_str).unwrap_or("?");
    Some((parameter, values))
}

impl Resolved {
    /// Classify a value read from the view (markers become `Unknown`/`Choice`).
    pub(super) fn from_value(v: &Value) -> Resolved {
        if v.is_null() {
            return Resolved::Missing;
        }
        if let Some(why) = as_unknown(v) {
            return Resolved::Unknown(why);
        }
        if let Some((parameter, values)) = as_candidates(v) {
            return Resolved::Choice {
                parameter: parameter.to_string(),
                options: values.iter().map(Resolved::from_value).collect(),
            };
        }
        Resolved::Known(v.clone())
    }

    /// Apply `f` to every known string inside (through choices and collections).
    pub(super) fn map_strings(self, f: &dyn Fn(&str) -> String) -> Resolved {
        match self {
            Resolved::Known(Value::String(s)) => Resolved::Known(Value::String(f(&s))),
            Resolved::Collection(items) => {
                Resolved::Collection(items.into_iter().map(|i| i.map_strings(f)).collect())
            }
            Resolved::Choice { parameter, options } => Resolved::Choice {
                parameter,
                options: options.into_iter().map(|o| o.map_strings(f)).collect(),
            },
            other => other,
        }
    }

    /// The value `field('<alias>')` returns: omitted → `""`, a collection → an array of
    /// its known values, unknowns and choices as markers.
    pub(super) fn to_function_value(&self) -> Value {
        match self {
            Resolved::Missing => Value::String(String::new()),
            Resolved::Known(v) => v.clone(),
            Resolved::Unknown(why) => unknown_marker(why),
            Resolved::Collection(items) => Value::Array(
                items
                    .iter()
                    .filter(|i| !matches!(i, Resolved::Missing))
                    .map(Resolved::to_function_value)
                    .collect(),
            ),
            Resolved::Choice { parameter, options } => {
                let mut m = serde_json::Map::new();
                m.insert(
                    "$candidates".into(),
                    Value::Array(options.iter().map(Resolved::to_function_value).collect()),
                );
                m.insert("parameter".into(), Value::String(parameter.clone()));
                Value::Object(m)
            }
        }
    }
}

pub(super) fn unknown_marker(why: &str) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("$unknown".into(), Value::String(why.to_string()));
    Value::Object(m)
}

/// Case-insensitive member lookup (exact match first).
pub(super) fn member<'v>(obj: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Follow `segments` from `start`. Wildcards make a collection.
pub(super) fn walk(start: &Value, segments: &[Segment]) -> Resolved {
    let Some((first, rest)) = segments.split_first() else {
        return Resolved::from_value(start);
    };
    if start.is_null() {
        return if segments.contains(&Segment::Wildcard) {
            Resolved::Collection(Vec::new())
        } else {
            Resolved::Missing
        };
    }
    if let Some(why) = as_unknown(start) {
        return Resolved::Unknown(why);
    }
    if let Some((parameter, values)) = as_candidates(start) {
        return Resolved::Choice {
            parameter: parameter.to_string(),
            options: values.iter().map(|v| walk(v, segments)).collect(),
        };
    }
    match first {
        Segment::Key(k) => match start.as_object().and_then(|o| member(o, k)) {
            Some(next) => walk(next, rest),
            None if segments.contains(&Segment::Wildcard) => Resolved::Collection(Vec::new()),
            None => Resolved::Missing,
        },
        Segment::Index(i) => match start.as_array().and_then(|a| a.get(*i)) {
            Some(next) => walk(next, rest),
            None if segments.contains(&Segment::Wildcard) => Resolved::Collection(Vec::new()),
            None => Resolved::Missing,
        },
        Segment::Wildcard => {
            let members: Vec<&Value> = match start {
                Value::Array(items) => items.iter().collect(),
                Value::Object(obj) => obj.values().collect(),
                _ => Vec::new(),
            };
            let mut out = Vec::new();
            for m in members {
                match walk(m, rest) {
                    // `a[*].b[*]` selects the members of every `b`, flattened.
                    Resolved::Collection(inner) if rest.contains(&Segment::Wildcard) => {
                        out.extend(inner)
                    }
                    other => out.push(other),
                }
            }
            Resolved::Collection(out)
        }
    }
}

/// Evaluate a JSONPath that needs the full engine. Sound with unknowns: when the part of
/// the view it searches holds an unknown value, the result is unknown.
pub(super) fn json_path(resource: &Value, query: &str) -> Resolved {
    if let Some(why) = first_marker(resource) {
        return Resolved::Unknown(format!(
            "JSONPath `{query}` searches a resource with unknown values ({why})"
        ));
    }
    match resource.query(query) {
        Ok(found) => Resolved::Collection(found.into_iter().map(Resolved::from_value).collect()),
        Err(e) => Resolved::Unknown(format!("JSONPath `{query}` failed: {e}")),
    }
}

/// The first `$unknown` or `$candidates` marker inside `v`, described.
pub(super) fn first_marker(v: &Value) -> Option<String> {
    if let Some(why) = as_unknown(v) {
        return Some(why);
    }
    if let Some((p, _)) = as_candidates(v) {
        return Some(format!("depends on parameter `{p}`"));
    }
    match v {
        Value::Array(items) => items.iter().find_map(first_marker),
        Value::Object(obj) => obj.values().find_map(first_marker),
        _ => None,
    }
}

/// The resource's `type`, when it is a known string.
pub(super) fn resource_type(resource: &Value) -> Option<&str> {
    resource.get("type").and_then(Value::as_str)
}

/// Resolve a generic (non-path) field on the whole resource.
pub(super) fn generic(resource: &Value, field: &Field) -> Option<Resolved> {
    let get = |key: &str| {
        resource
            .as_object()
            .and_then(|o| member(o, key))
            .map_or(Resolved::Missing, Resolved::from_value)
    };
    Some(match field {
        Field::Type => get("type"),
        Field::FullName => get("name"),
        Field::Name => get("name").map_strings(&|s| s.rsplit('/').next().unwrap_or(s).to_string()),
        Field::Kind => get("kind"),
        Field::Location => get("location"),
        Field::Id => match get("id") {
            Resolved::Missing => Resolved::Unknown(
                "the resource id depends on the deployment scope (subscription and resource group)"
                    .to_string(),
            ),
            other => other,
        },
        Field::Tags => get("tags"),
        Field::Tag(name) => walk(
            resource,
            &[Segment::Key("tags".into()), Segment::Key(name.clone())],
        ),
        Field::Path { .. } | Field::JsonPath(_) => return None,
    })
}
