//! Values of the ARM template language.
//!
//! A value is either known (JSON-like data, plus lambdas), *unknown* (runtime-only or
//! unset: it remembers why and, where it can, a canonical term so that two unknowns
//! computed the same way compare equal), or a set of *candidates* (a parameter with
//! `allowedValues` and no binding).

use indexmap::IndexMap;
use std::fmt;
use std::sync::Arc;

use crate::arm::expr::ast::Expr;
use crate::source::json::{Node, NodeKind};
pub use crate::source::Str;

mod name;
mod term;
pub use name::{split as split_name, Name, Piece, Segment};
pub use term::{Context, Step, Term};

/// An ARM object: insertion ordered; lookups are case-insensitive like ARM's.
pub type Map = IndexMap<Str, Value>;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Str),
    Array(Arc<Vec<Value>>),
    Object(Arc<Map>),
    Lambda(Arc<Lambda>),
    Unknown(Arc<Unknown>),
    Candidates(Arc<Candidates>),
}

/// A value only known at deployment time (or not bound at all).
#[derive(Clone, Debug, Default)]
pub struct Unknown {
    /// Human-readable reason, e.g. `reference() of a resource outside the template`.
    /// Starts with `unsupported function <name>` when the evaluator lacks a function.
    pub why: String,
    /// What the value is computed from, when the computation is deterministic: two
    /// unknowns with the same term are the same value (`resourceGroup().location`
    /// equals itself).
    pub term: Option<Term>,
    /// The resource this value is about (a resource id, `reference()` or `list*()` result
    /// whose type and name are known even though the full id is not).
    pub resource: Option<Arc<ResourceRef>>,
    /// What is known of an object only partly known (`reference()` of a resource declared
    /// in the template: the properties the template sets).
    pub partial: Option<Value>,
}

/// A resource identified by type and full name (`registries/replications` + `acr/westus`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRef {
    pub resource_type: Str,
    pub name: Name,
}

/// A finite set of values one of which will be used (an unbound parameter with
/// `allowedValues`, or the result of a function applied to such a parameter).
#[derive(Clone, Debug)]
pub struct Candidates {
    pub values: Vec<Value>,
    /// Name of the parameter the choice comes from.
    pub parameter: Str,
}

/// How the candidates of a property written twice, in different case, name their
/// origin (where a parameter's candidates name the parameter).
pub const CASE_TWIN_ORIGIN: &str = "property written twice in different case: ";

/// How the origin of a set of candidates reads in a message: "parameter `x`", or
/// "property `x` written twice in different case".
pub fn choice_origin(name: &str) -> String {
    match name.strip_prefix(CASE_TWIN_ORIGIN) {
        Some(key) => format!("property `{key}` written twice in different case"),
        None => format!("parameter `{name}`"),
    }
}

impl Candidates {
    /// [`choice_origin`] of these candidates.
    pub fn origin(&self) -> String {
        choice_origin(&self.parameter)
    }
}

/// `lambda('x', 'y', body)`: parameter names and the body expression, plus the
/// lambda variables visible where it was created.
#[derive(Clone, Debug)]
pub struct Lambda {
    pub params: Vec<Str>,
    pub body: Arc<Expr>,
    pub captured: Vec<(Str, Value)>,
}

impl Value {
    /// A JSON node as a plain value, without evaluating expressions.
    pub fn from_node(node: &Node) -> Value {
        match &node.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::Int(*i),
            NodeKind::Float(f) => Value::Float(*f),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Array(items) => Value::array(items.iter().map(Value::from_node).collect()),
            NodeKind::Object(members) => Value::object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), Value::from_node(&m.value)))
                    .collect(),
            ),
        }
    }

    /// Why the value is too large to keep (more than `max_nodes` nodes written out, or
    /// nested deeper than `max_depth`), or `None`. Counting stops at the limits, so
    /// this costs at most `max_nodes` steps even for a value that shares its parts.
    pub fn too_large(&self, max_nodes: usize, max_depth: usize) -> Option<String> {
        self.size_within(max_nodes, max_depth).err()
    }

    /// The nodes of the value written out, when within `max_nodes` and `max_depth`;
    /// otherwise why not.
    pub fn size_within(&self, max_nodes: usize, max_depth: usize) -> Result<usize, String> {
        fn walk(v: &Value, budget: &mut usize, depth: usize, max_depth: usize) -> bool {
            if *budget == 0 || depth > max_depth {
                return true;
            }
            *budget -= 1;
            let mut kids = |vs: &mut dyn Iterator<Item = &Value>| {
                for c in vs {
                    if walk(c, budget, depth + 1, max_depth) {
                        return true;
                    }
                }
                false
            };
            match v {
                Value::Array(items) => kids(&mut items.iter()),
                Value::Object(map) => kids(&mut map.values()),
                Value::Candidates(c) => kids(&mut c.values.iter()),
                Value::Unknown(u) => kids(&mut u.partial.iter()),
                Value::Lambda(l) => kids(&mut l.captured.iter().map(|(_, v)| v)),
                _ => false,
            }
        }
        if !matches!(
            self,
            Value::Array(_)
                | Value::Object(_)
                | Value::Candidates(_)
                | Value::Unknown(_)
                | Value::Lambda(_)
        ) {
            return Ok(1);
        }
        let mut budget = max_nodes;
        if !walk(self, &mut budget, 0, max_depth) {
            return Ok(max_nodes - budget);
        }
        Err(if budget == 0 {
            format!(
                "value too large: more than {max_nodes} values written out {}",
                crate::arm::limits::raise_with("value-nodes", max_nodes)
            )
        } else {
            format!("value too large: nested deeper than {max_depth} levels")
        })
    }

    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    pub fn string(s: String) -> Value {
        Value::String(Arc::from(s))
    }

    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Arc::new(items))
    }

    pub fn object(map: Map) -> Value {
        Value::Object(Arc::new(map))
    }

    pub fn empty_object() -> Value {
        Value::Object(Arc::new(Map::new()))
    }

    pub fn unknown(why: impl Into<String>) -> Value {
        Value::Unknown(Arc::new(Unknown {
            why: why.into(),
            ..Default::default()
        }))
    }

    pub fn unknown_term(why: impl Into<String>, term: Term) -> Value {
        Value::Unknown(Arc::new(Unknown {
            why: why.into(),
            term: Some(term),
            ..Default::default()
        }))
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Lambda(_) => "lambda",
            Value::Unknown(_) => "unknown",
            Value::Candidates(_) => "candidates",
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True when the value, or anything inside it, is unknown or a candidate set.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) | Value::Candidates(_) => true,
            Value::Array(items) => items.iter().any(Value::contains_unknown),
            Value::Object(map) => map.values().any(Value::contains_unknown),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Object property lookup, exact first then case-insensitive (ARM semantics).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| map_get(m, key))
    }

    /// Canonical text of a value, as an argument of a [`Term`] writes it; used for
    /// candidate de-duplication.
    pub fn term(&self) -> String {
        let mut out = String::new();
        let _ = term::write_value(self, &mut out);
        out
    }

    /// [`Value::term`] as a message writes it, without the `⟦…⟧` of unknowns
    /// (see [`Term::plain`]).
    pub fn plain(&self) -> String {
        term::plain_value(self)
    }

    /// Render as JSON; unknowns become `{"$unknown": why}`, candidates
    /// `{"$candidates": [...], "parameter": name}`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.to_string()),
            Value::Array(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Object(map) => J::Object(
                map.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
            Value::Lambda(l) => {
                let mut m = serde_json::Map::new();
                m.insert(
                    "$lambda".into(),
                    J::Array(l.params.iter().map(|p| J::String(p.to_string())).collect()),
                );
                J::Object(m)
            }
            Value::Unknown(u) => {
                let mut m = serde_json::Map::new();
                m.insert("$unknown".into(), J::String(u.why.clone()));
                J::Object(m)
            }
            Value::Candidates(c) => {
                let mut m = serde_json::Map::new();
                m.insert(
                    "$candidates".into(),
                    J::Array(c.values.iter().map(Value::to_json).collect()),
                );
                m.insert("parameter".into(), J::String(c.parameter.to_string()));
                J::Object(m)
            }
        }
    }

    /// Convert plain JSON into a value.
    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            J::String(s) => Value::str(s),
            J::Array(items) => Value::array(items.iter().map(Value::from_json).collect()),
            J::Object(map) => Value::object(
                map.iter()
                    .map(|(k, v)| (Str::from(k.as_str()), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// ARM's `equals`: deep, case-sensitive for strings, keys compared case-insensitively.
    /// `None` when the answer depends on an unknown.
    pub fn arm_equals(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Unknown(a), Value::Unknown(b)) => match (&a.term, &b.term) {
                (Some(x), Some(y)) if x == y => Some(true),
                _ => None,
            },
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
            (Value::Candidates(_), _) | (_, Value::Candidates(_)) => None,
            (Value::Null, Value::Null) => Some(true),
            (Value::Bool(a), Value::Bool(b)) => Some(a == b),
            (Value::Int(a), Value::Int(b)) => Some(a == b),
            (Value::Float(a), Value::Float(b)) => Some(a == b),
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => {
                Some(*a as f64 == *b)
            }
            (Value::String(a), Value::String(b)) => Some(a == b),
            (Value::Array(a), Value::Array(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut result = Some(true);
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.arm_equals(y) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            (Value::Object(a), Value::Object(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut result = Some(true);
                for (k, x) in a.iter() {
                    let Some(y) = map_get(b, k) else {
                        return Some(false);
                    };
                    match x.arm_equals(y) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            _ => Some(false),
        }
    }
}

/// Case-insensitive object lookup (exact match first).
pub fn map_get<'m>(map: &'m Map, key: &str) -> Option<&'m Value> {
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// Insert or replace a key, matching an existing key case-insensitively.
pub fn map_insert(map: &mut Map, key: Str, value: Value) {
    if let Some(existing) = map.keys().find(|k| k.eq_ignore_ascii_case(&key)).cloned() {
        map.insert(existing, value);
    } else {
        map.insert(key, value);
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(s),
            other => write!(f, "{}", other.to_json()),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::string(s)
    }
}

impl Value {
    /// Whether two values are written the same (not ARM's `equals`): the same kind and
    /// content (`1` and `1.0` differ; object keys exactly, in any order), an unknown
    /// the same as an unknown with the same explanation, a candidate set as one of the
    /// same parameter and values, numbers JSON cannot write (NaN, infinities) alike.
    pub fn identical(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x == y || !x.is_finite() && !y.is_finite(),
            (Value::String(x), Value::String(y)) => x == y,
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| p.identical(q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| v.identical(w)))
            }
            (Value::Unknown(x), Value::Unknown(y)) => x.why == y.why,
            (Value::Candidates(x), Value::Candidates(y)) => {
                x.parameter == y.parameter
                    && x.values.len() == y.values.len()
                    && x.values.iter().zip(&y.values).all(|(p, q)| p.identical(q))
            }
            (Value::Lambda(x), Value::Lambda(y)) => x.params == y.params,
            _ => false,
        }
    }
}
