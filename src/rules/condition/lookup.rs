//! Reading fields out of the resource view, with unknowns and candidate sets.
//!
//! The view is an [`arm::value::Value`](crate::arm::value::Value): an unknown value is
//! a [`Value::Unknown`] and an unbound parameter's choice a [`Value::Candidates`], read
//! as such. An object that merely looks like something else (a template property that
//! holds `{"$unknown": "x"}`) is an object.

use jsonpath_rust::JsonPath;

use crate::arm::value::{map_get, Value};
use crate::rules::alias::{Field, Segment};

/// What a field (or an operand) selects.
#[derive(Clone, Debug)]
pub(super) enum Resolved {
    /// The property is omitted (or null, which ARM treats the same).
    Missing,
    /// A known value; nested parts may still be unknown or candidate sets.
    Known(Value),
    /// Only known at deployment time: the unknown's own explanation.
    Unknown(String),
    /// The values selected by a `[*]` alias (a condition must hold for each).
    Collection(Vec<Resolved>),
    /// One of several values, depending on an unbound parameter.
    Choice {
        parameter: String,
        options: Vec<Resolved>,
    },
}

/// Null, or a number JSON cannot write (what the JSON view of a resource held as
/// `null`): an omitted property.
pub(super) fn is_absent(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Float(f) => !f.is_finite(),
        _ => false,
    }
}

impl Resolved {
    /// Classify a value read from the view.
    pub(super) fn from_value(v: &Value) -> Resolved {
        match v {
            v if is_absent(v) => Resolved::Missing,
            Value::Unknown(u) => Resolved::Unknown(u.why.clone()),
            Value::Candidates(c) => Resolved::Choice {
                parameter: c.parameter.to_string(),
                options: c.values.iter().map(Resolved::from_value).collect(),
            },
            other => Resolved::Known(other.clone()),
        }
    }

    /// Apply `f` to every known string inside (through choices and collections).
    pub(super) fn map_strings(self, f: &dyn Fn(&str) -> String) -> Resolved {
        match self {
            Resolved::Known(Value::String(s)) => Resolved::Known(Value::string(f(&s))),
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
    /// its known values; unknowns and choices stay typed.
    pub(super) fn to_function_value(&self) -> Value {
        match self {
            Resolved::Missing => Value::str(""),
            Resolved::Known(v) => v.clone(),
            Resolved::Unknown(why) => Value::unknown(why.clone()),
            Resolved::Collection(items) => Value::array(
                items
                    .iter()
                    .filter(|i| !matches!(i, Resolved::Missing))
                    .map(Resolved::to_function_value)
                    .collect(),
            ),
            Resolved::Choice { parameter, options } => {
                Value::Candidates(std::sync::Arc::new(crate::arm::value::Candidates {
                    values: options.iter().map(Resolved::to_function_value).collect(),
                    parameter: parameter.as_str().into(),
                }))
            }
        }
    }
}

/// Follow `segments` from `start`. Wildcards make a collection.
pub(super) fn walk(start: &Value, segments: &[Segment]) -> Resolved {
    let Some((first, rest)) = segments.split_first() else {
        return Resolved::from_value(start);
    };
    if is_absent(start) {
        return if segments.contains(&Segment::Wildcard) {
            Resolved::Collection(Vec::new())
        } else {
            Resolved::Missing
        };
    }
    match start {
        Value::Unknown(u) => return Resolved::Unknown(u.why.clone()),
        Value::Candidates(c) => {
            return Resolved::Choice {
                parameter: c.parameter.to_string(),
                options: c.values.iter().map(|v| walk(v, segments)).collect(),
            }
        }
        _ => {}
    }
    match first {
        Segment::Key(k) => match start.as_object().and_then(|o| map_get(o, k)) {
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

/// Evaluate a JSONPath that needs the full engine. The engine reads plain JSON, so the
/// resource is converted only when it is wholly known: when it holds an unknown value or
/// a candidate set, what the query selects is not known and the result is unknown.
pub(super) fn json_path(resource: &Value, query: &str) -> Resolved {
    if let Some(why) = first_undecided(resource) {
        return Resolved::Unknown(format!(
            "JSONPath `{query}` searches a resource with unknown values ({why})"
        ));
    }
    match resource.to_json().query(query) {
        Ok(found) => Resolved::Collection(
            found
                .into_iter()
                .map(|j| Resolved::from_value(&Value::from_json(j)))
                .collect(),
        ),
        Err(e) => Resolved::Unknown(format!("JSONPath `{query}` failed: {e}")),
    }
}

/// The first unknown value or candidate set inside `v` (in document order), described.
pub(super) fn first_undecided(v: &Value) -> Option<String> {
    match v {
        Value::Unknown(u) => Some(u.why.clone()),
        Value::Candidates(c) => Some(format!("depends on parameter `{}`", c.parameter)),
        Value::Array(items) => items.iter().find_map(first_undecided),
        Value::Object(obj) => obj.values().find_map(first_undecided),
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
            .and_then(|o| map_get(o, key))
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
