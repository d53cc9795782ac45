//! `[...]` expressions inside conditions.
//!
//! The policy functions that read the policy itself — `parameters('x')`, `field('x')`,
//! `current('x')`, with property and index accessors — are evaluated here. Any other
//! expression goes to the caller's [`ExpressionResolver`] (the ARM evaluator), which gets
//! a [`PolicyScope`] to answer those three functions inside larger expressions. An
//! expression nobody can evaluate becomes an unknown value, hence a `Possible` outcome.

use serde_json::Value as Json;

use super::parse::is_expression;
use crate::arm::expr::ast::Expr;
use crate::arm::expr::parser::parse_template_string;
use crate::arm::value::{map_get, Candidates, Str, Value};

/// What the policy-only functions see during an evaluation.
pub trait PolicyScope {
    /// `parameters('name')`: the definition parameter's value; `None` if not declared.
    fn parameter(&self, name: &str) -> Option<Value>;
    /// `field('name')`: as Azure returns it (an omitted property is `""`, a `[*]` alias
    /// an array of the selected values); unknown values and candidate sets typed.
    fn field(&self, name: &str) -> Value;
    /// `current('name')` / `current()` inside a `count.where`; `None` outside one.
    fn current(&self, name: Option<&str>) -> Option<Value>;
}

/// Evaluates the `[...]` expressions the condition evaluator does not handle itself.
pub trait ExpressionResolver {
    /// `expression` is the whole string, brackets included. `None`: cannot be evaluated
    /// offline (treated as unknown).
    fn resolve(&self, expression: &str, scope: &dyn PolicyScope) -> Option<Value>;
}

impl<F> ExpressionResolver for F
where
    F: Fn(&str) -> Option<Value>,
{
    fn resolve(&self, expression: &str, _scope: &dyn PolicyScope) -> Option<Value> {
        self(expression)
    }
}

/// A resolver that evaluates nothing: every expression other than `parameters`/`field`/
/// `current` is unknown.
pub struct NoExpressions;

impl ExpressionResolver for NoExpressions {
    fn resolve(&self, _expression: &str, _scope: &dyn PolicyScope) -> Option<Value> {
        None
    }
}

/// A value of the policy definition as the condition reads it: every expression string
/// inside (recursively through arrays and objects) resolved; `[[` escapes lose one
/// bracket. A literal of the definition is plain data: an object in it is an object,
/// whatever its keys.
pub(super) fn resolve_value(
    value: &Json,
    scope: &dyn PolicyScope,
    resolver: &dyn ExpressionResolver,
) -> Value {
    match value {
        Json::String(s) if is_expression(s) => resolve_expression(s, scope, resolver),
        Json::String(s) if s.starts_with("[[") => Value::str(&s[1..]),
        Json::Array(items) => Value::array(
            items
                .iter()
                .map(|i| resolve_value(i, scope, resolver))
                .collect(),
        ),
        Json::Object(obj) => Value::object(
            obj.iter()
                .map(|(k, v)| (Str::from(k.as_str()), resolve_value(v, scope, resolver)))
                .collect(),
        ),
        other => Value::from_json(other),
    }
}

/// Evaluate one `[...]` string.
pub(super) fn resolve_expression(
    text: &str,
    scope: &dyn PolicyScope,
    resolver: &dyn ExpressionResolver,
) -> Value {
    if let Ok(Some(expr)) = parse_template_string(text) {
        if let Some(v) = eval_simple(&expr, scope) {
            return v;
        }
    }
    match resolver.resolve(text, scope) {
        Some(v) => v,
        None => Value::unknown(format!("cannot evaluate `{text}` offline")),
    }
}

/// `parameters`/`field`/`current` with literal arguments and accessors; `None` for
/// anything else.
fn eval_simple(expr: &Expr, scope: &dyn PolicyScope) -> Option<Value> {
    match expr {
        Expr::String(s, _) => Some(Value::String(s.clone())),
        Expr::Int(i, _) => Some(Value::from(*i)),
        Expr::Bool(b, _) => Some(Value::Bool(*b)),
        Expr::Null(_) => Some(Value::Null),
        Expr::Float(_, _) => None,
        Expr::Call { name, args, .. } => {
            let literal = |i: usize| match args.get(i) {
                Some(Expr::String(s, _)) => Some(s.to_string()),
                _ => None,
            };
            if name.eq_ignore_ascii_case("parameters") && args.len() == 1 {
                let p = literal(0)?;
                Some(scope.parameter(&p).unwrap_or_else(|| {
                    Value::unknown(format!("parameter `{p}` is not declared by the policy"))
                }))
            } else if name.eq_ignore_ascii_case("field") && args.len() == 1 {
                Some(scope.field(&literal(0)?))
            } else if name.eq_ignore_ascii_case("current") && args.len() <= 1 {
                let n = if args.is_empty() {
                    None
                } else {
                    Some(literal(0)?)
                };
                Some(
                    scope.current(n.as_deref()).unwrap_or_else(|| {
                        Value::unknown("current() used outside a count expression")
                    }),
                )
            } else {
                None
            }
        }
        Expr::Property { target, name, .. } => {
            let base = eval_simple(target, scope)?;
            Some(access(&base, &Value::String(name.clone())))
        }
        Expr::Index { target, index, .. } => {
            let base = eval_simple(target, scope)?;
            let idx = eval_simple(index, scope)?;
            Some(access(&base, &idx))
        }
    }
}

/// `base.key` / `base[index]`, through unknowns and candidate sets.
fn access(base: &Value, key: &Value) -> Value {
    match (base, key) {
        (Value::Unknown(_), _) => return base.clone(),
        (_, Value::Unknown(u)) => return Value::unknown(u.why.clone()),
        (Value::Candidates(c), _) => {
            return Value::Candidates(std::sync::Arc::new(Candidates {
                values: c.values.iter().map(|v| access(v, key)).collect(),
                parameter: c.parameter.clone(),
            }))
        }
        _ => {}
    }
    let found = match (base, key) {
        (Value::Object(obj), Value::String(k)) => map_get(obj, k).cloned(),
        (Value::Array(items), Value::Int(n)) => {
            usize::try_from(*n).ok().and_then(|i| items.get(i).cloned())
        }
        _ => None,
    };
    found.unwrap_or_else(|| {
        Value::unknown(format!(
            "no member {} in {}",
            super::json_text(key),
            short(base)
        ))
    })
}

fn short(v: &Value) -> String {
    let s = super::json_text(v);
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}
