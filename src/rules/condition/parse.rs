//! JSON → [`Condition`], with case-insensitive keys and errors that say where.

use serde_json::{Map, Value};

use super::{Condition, ConditionError, Count, FieldRef, Operator, Subject, Test};
use crate::rules::alias::{self, AliasError};

/// Deepest nesting accepted (Azure's own limits are far lower in practice).
const MAX_DEPTH: usize = 64;

pub(super) fn parse_condition(json: &Value, path: &str) -> Result<Condition, ConditionError> {
    parse_at(json, path, 0)
}

fn err(path: &str, message: impl Into<String>) -> ConditionError {
    ConditionError {
        path: path.to_string(),
        message: message.into(),
    }
}

fn parse_at(json: &Value, path: &str, depth: usize) -> Result<Condition, ConditionError> {
    if depth > MAX_DEPTH {
        return Err(err(
            path,
            format!("conditions nested deeper than {MAX_DEPTH}"),
        ));
    }
    let Value::Object(obj) = json else {
        return Err(err(
            path,
            format!("a condition must be an object, found {}", kind(json)),
        ));
    };
    if obj.is_empty() {
        return Err(err(path, "empty condition"));
    }

    let logical = ["allOf", "anyOf", "not"];
    if let Some((key, value)) = find_any(obj, &logical) {
        if obj.len() > 1 {
            return Err(err(
                path,
                format!(
                    "`{key}` must be the only key of its object, found also {}",
                    other_keys(obj, key)
                ),
            ));
        }
        let here = format!("{path}.{key}");
        return if key.eq_ignore_ascii_case("not") {
            Ok(Condition::Not(Box::new(parse_at(value, &here, depth + 1)?)))
        } else {
            let Value::Array(items) = value else {
                return Err(err(
                    &here,
                    format!("must be an array, found {}", kind(value)),
                ));
            };
            let mut children = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                children.push(parse_at(item, &format!("{here}[{i}]"), depth + 1)?);
            }
            if key.eq_ignore_ascii_case("allOf") {
                Ok(Condition::AllOf(children))
            } else {
                Ok(Condition::AnyOf(children))
            }
        };
    }

    let subjects: Vec<(&String, &Value)> = obj
        .iter()
        .filter(|(k, _)| {
            ["field", "value", "count"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(k))
        })
        .collect();
    let operators: Vec<(&String, Operator, &Value)> = obj
        .iter()
        .filter_map(|(k, v)| Operator::from_key(k).map(|o| (k, o, v)))
        .collect();
    let known = subjects.len() + operators.len();
    if known < obj.len() {
        let unknown: Vec<&str> = obj
            .keys()
            .filter(|k| {
                Operator::from_key(k).is_none()
                    && !["field", "value", "count"]
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(k))
            })
            .map(String::as_str)
            .collect();
        return Err(err(
            path,
            format!("unknown key(s) {}", quote_list(&unknown)),
        ));
    }
    let (subject_key, subject_value) = match subjects.as_slice() {
        [one] => *one,
        [] => {
            return Err(err(
                path,
                "a condition needs `field`, `value` or `count` (or `allOf`/`anyOf`/`not`)",
            ))
        }
        many => {
            let keys: Vec<&str> = many.iter().map(|(k, _)| k.as_str()).collect();
            return Err(err(
                path,
                format!(
                    "only one of `field`, `value`, `count` allowed, found {}",
                    quote_list(&keys)
                ),
            ));
        }
    };
    let (op_key, operator, operand) = match operators.as_slice() {
        [one] => *one,
        [] => {
            return Err(err(
                path,
                format!("`{subject_key}` needs an operator (`equals`, `in`, `exists`, …)"),
            ))
        }
        many => {
            let keys: Vec<&str> = many.iter().map(|(k, _, _)| k.as_str()).collect();
            return Err(err(
                path,
                format!("only one operator allowed, found {}", quote_list(&keys)),
            ));
        }
    };
    check_operand(operator, operand, &format!("{path}.{op_key}"))?;

    let subject = if subject_key.eq_ignore_ascii_case("field") {
        Subject::Field(parse_field(
            subject_value,
            &format!("{path}.{subject_key}"),
        )?)
    } else if subject_key.eq_ignore_ascii_case("value") {
        Subject::Value(subject_value.clone())
    } else {
        Subject::Count(parse_count(
            subject_value,
            &format!("{path}.{subject_key}"),
            depth,
        )?)
    };
    Ok(Condition::Test(Box::new(Test {
        subject,
        operator,
        operand: operand.clone(),
    })))
}

fn parse_field(value: &Value, path: &str) -> Result<FieldRef, ConditionError> {
    let Value::String(name) = value else {
        return Err(err(
            path,
            format!("must be a string, found {}", kind(value)),
        ));
    };
    if is_expression(name) {
        return Ok(FieldRef::Expression(name.clone()));
    }
    let name = name
        .strip_prefix("[[")
        .map_or(name.clone(), |r| format!("[{r}"));
    match alias::resolve(&name) {
        Ok(f) => Ok(FieldRef::Known(f)),
        Err(AliasError::Unknown { alias }) => Ok(FieldRef::UnknownAlias(alias)),
        Err(e @ AliasError::InvalidJsonPath { .. }) => Err(err(path, e.to_string())),
    }
}

fn parse_count(value: &Value, path: &str, depth: usize) -> Result<Count, ConditionError> {
    let Value::Object(obj) = value else {
        return Err(err(
            path,
            format!("must be an object, found {}", kind(value)),
        ));
    };
    let mut field = None;
    let mut val = None;
    let mut name = None;
    let mut where_ = None;
    for (k, v) in obj {
        let here = format!("{path}.{k}");
        match k.to_ascii_lowercase().as_str() {
            "field" => field = Some((v, here)),
            "value" => val = Some(v),
            "name" => match v {
                Value::String(s) if !s.is_empty() => name = Some(s.clone()),
                _ => return Err(err(&here, "must be a non-empty string")),
            },
            "where" => where_ = Some(Box::new(parse_at(v, &here, depth + 1)?)),
            _ => return Err(err(path, format!("unknown key `{k}` in `count`"))),
        }
    }
    match (field, val) {
        (Some((f, here)), None) => {
            if name.is_some() {
                return Err(err(path, "`name` is only allowed in a value count"));
            }
            let field = parse_field(f, &here)?;
            if let FieldRef::Known(known) = &field {
                if !known.is_collection() {
                    return Err(err(
                        &here,
                        "`count.field` must be an array alias (ending in `[*]`)",
                    ));
                }
            }
            let alias = f.as_str().unwrap_or_default().to_string();
            Ok(Count::Field {
                field,
                alias,
                where_,
            })
        }
        (None, Some(v)) => Ok(Count::Value {
            value: v.clone(),
            name,
            where_,
        }),
        (Some(_), Some(_)) => Err(err(path, "`count` takes `field` or `value`, not both")),
        (None, None) => Err(err(path, "`count` needs `field` or `value`")),
    }
}

/// Reject operands of the wrong shape when they are literals (expressions are checked
/// when evaluated).
fn check_operand(op: Operator, operand: &Value, path: &str) -> Result<(), ConditionError> {
    if matches!(operand, Value::String(s) if is_expression(s)) {
        return Ok(());
    }
    match op {
        Operator::Exists => match operand {
            Value::Bool(_) => Ok(()),
            Value::String(s)
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
            {
                Ok(())
            }
            _ => Err(err(path, "`exists` takes true or false")),
        },
        Operator::In | Operator::NotIn => match operand {
            Value::Array(_) => Ok(()),
            other => Err(err(
                path,
                format!("`{}` takes an array, found {}", op.name(), kind(other)),
            )),
        },
        Operator::Like
        | Operator::NotLike
        | Operator::Match
        | Operator::NotMatch
        | Operator::MatchInsensitively
        | Operator::NotMatchInsensitively
        | Operator::ContainsKey
        | Operator::NotContainsKey => match operand {
            Value::String(_) => Ok(()),
            other => Err(err(
                path,
                format!("`{}` takes a string, found {}", op.name(), kind(other)),
            )),
        },
        _ => Ok(()),
    }
}

/// `[expr]` is an expression; `[[…` is an escaped literal.
pub(super) fn is_expression(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

fn find_any<'o>(obj: &'o Map<String, Value>, keys: &[&str]) -> Option<(&'o str, &'o Value)> {
    obj.iter()
        .find(|(k, _)| keys.iter().any(|w| w.eq_ignore_ascii_case(k)))
        .map(|(k, v)| (k.as_str(), v))
}

fn other_keys(obj: &Map<String, Value>, key: &str) -> String {
    let others: Vec<&str> = obj
        .keys()
        .filter(|k| k.as_str() != key)
        .map(String::as_str)
        .collect();
    quote_list(&others)
}

fn quote_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
