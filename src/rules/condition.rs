//! Azure Policy's `policyRule.if` grammar: a typed condition tree and its evaluator.
//!
//! [`Condition::parse`] reads the JSON exactly as Azure Policy accepts it (keys are
//! case-insensitive: `anyOf`, `anyof`, `AllOf`, `notequals`…). [`Condition::evaluate`]
//! tests one expanded resource and answers with three values: [`Outcome::True`],
//! [`Outcome::False`] or [`Outcome::Possible`] when the answer depends on an unknown value
//! or on which allowed value an unbound parameter takes.
//!
//! Semantics follow <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-policy-rule>
//! and <https://learn.microsoft.com/azure/governance/policy/how-to/author-policies-for-arrays>:
//! string comparisons ignore case (except `match`/`notMatch`), an omitted property makes
//! `equals`/`in`/`like`/`match`/`contains`/`containsKey`/`less…` false and their negations
//! true, a condition on a `[*]` alias holds only if it holds for every selected value
//! (vacuously for none), and `count` counts the members for which `where` holds.
//!
//! The resource view is one expanded resource as an ARM value (`type`, `name`,
//! `location`, `sku`, `tags`, `identity`, `properties`, …; see [`crate::rules::views`]).
//! Any value in it may be [`Value::Unknown`] (read with its own explanation) or
//! [`Value::Candidates`] (one world per candidate). Its `condition` member is not read
//! here: whether a guarded resource is checked is the caller's decision. The condition
//! itself, its operands and the definition's literals are the policy's JSON.

mod compare;
mod eval;
mod expr;
mod lookup;
mod parse;
#[cfg(test)]
pub(crate) mod testing;
mod worlds;

use serde_json::Value as Json;
use std::fmt;

use crate::arm::value::{Map, Value};

use crate::rules::alias::Field;

pub use expr::{ExpressionResolver, NoExpressions, PolicyScope};

/// A parsed `policyRule.if` (or `where`, or `existenceCondition`).
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    AllOf(Vec<Condition>),
    AnyOf(Vec<Condition>),
    Not(Box<Condition>),
    Test(Box<Test>),
}

/// `<subject> <operator> <operand>`, e.g. `{"field": "type", "equals": "…"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub subject: Subject,
    pub operator: Operator,
    /// The operator's value as written; strings starting with `[` are expressions,
    /// resolved at evaluation time.
    pub operand: Json,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// `"field": "<alias | generic field | JSONPath>"`
    Field(FieldRef),
    /// `"value": <literal or expression>`
    Value(Json),
    /// `"count": {…}`
    Count(Count),
}

/// A `field` as written, resolved against the alias table at parse time.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldRef {
    Known(Field),
    /// Not in the alias table: evaluates to a `Possible` naming the alias (or to an
    /// omitted property on resources of another type than the alias's).
    UnknownAlias(String),
    /// `"field": "[concat('tags[', parameters('tagName'), ']')]"`: resolved per evaluation.
    Expression(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Count {
    /// `{"count": {"field": "<[*] alias>", "where": {…}}}`
    Field {
        field: FieldRef,
        /// The alias as written (what `current('<alias>')` names).
        alias: String,
        where_: Option<Box<Condition>>,
    },
    /// `{"count": {"value": [...], "name": "x", "where": {…}}}`
    Value {
        value: Json,
        name: Option<String>,
        where_: Option<Box<Condition>>,
    },
}

/// Condition operators (the key next to `field`/`value`/`count`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    Equals,
    NotEquals,
    In,
    NotIn,
    Contains,
    NotContains,
    ContainsKey,
    NotContainsKey,
    Like,
    NotLike,
    Match,
    NotMatch,
    MatchInsensitively,
    NotMatchInsensitively,
    Exists,
    Less,
    LessOrEquals,
    Greater,
    GreaterOrEquals,
}

impl Operator {
    pub const ALL: [Operator; 19] = [
        Operator::Equals,
        Operator::NotEquals,
        Operator::In,
        Operator::NotIn,
        Operator::Contains,
        Operator::NotContains,
        Operator::ContainsKey,
        Operator::NotContainsKey,
        Operator::Like,
        Operator::NotLike,
        Operator::Match,
        Operator::NotMatch,
        Operator::MatchInsensitively,
        Operator::NotMatchInsensitively,
        Operator::Exists,
        Operator::Less,
        Operator::LessOrEquals,
        Operator::Greater,
        Operator::GreaterOrEquals,
    ];

    /// The key as Azure documents it.
    pub fn name(self) -> &'static str {
        match self {
            Operator::Equals => "equals",
            Operator::NotEquals => "notEquals",
            Operator::In => "in",
            Operator::NotIn => "notIn",
            Operator::Contains => "contains",
            Operator::NotContains => "notContains",
            Operator::ContainsKey => "containsKey",
            Operator::NotContainsKey => "notContainsKey",
            Operator::Like => "like",
            Operator::NotLike => "notLike",
            Operator::Match => "match",
            Operator::NotMatch => "notMatch",
            Operator::MatchInsensitively => "matchInsensitively",
            Operator::NotMatchInsensitively => "notMatchInsensitively",
            Operator::Exists => "exists",
            Operator::Less => "less",
            Operator::LessOrEquals => "lessOrEquals",
            Operator::Greater => "greater",
            Operator::GreaterOrEquals => "greaterOrEquals",
        }
    }

    /// Case-insensitive lookup of an operator key.
    pub fn from_key(key: &str) -> Option<Operator> {
        Operator::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(key))
    }
}

/// A malformed condition: where (`if.allOf[1].anyOf[0]`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ConditionError {}

/// The three-valued answer of a condition on one resource.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    True,
    False,
    /// True for some possible values and false for others (or not decidable offline).
    Possible {
        reasons: Vec<Reason>,
    },
}

/// Why an outcome is only `Possible`.
#[derive(Clone, Debug)]
pub enum Reason {
    /// A value only known at deployment time: `why` is the unknown's own explanation.
    Unknown { why: String },
    /// The answer depends on which allowed value the parameter takes. `true_for` lists
    /// the parameter's values for which the condition holds, when that could be computed.
    Parameter {
        name: String,
        true_for: Option<Vec<Value>>,
    },
    /// A field that is not in the alias table.
    UnknownAlias { alias: String },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Unknown { why } => write!(f, "{why}"),
            Reason::Parameter {
                name,
                true_for: Some(values),
            } => {
                let list: Vec<String> = values.iter().map(json_text).collect();
                write!(
                    f,
                    "depends on {} (holds for {})",
                    crate::arm::value::choice_origin(name),
                    list.join(", ")
                )
            }
            Reason::Parameter { name, .. } => {
                write!(f, "depends on {}", crate::arm::value::choice_origin(name))
            }
            Reason::UnknownAlias { alias } => write!(f, "unknown Azure Policy alias `{alias}`"),
        }
    }
}

/// Two reasons are the same when they say the same (values compared as written,
/// [`Value::identical`]).
impl PartialEq for Reason {
    fn eq(&self, other: &Reason) -> bool {
        match (self, other) {
            (Reason::Unknown { why: a }, Reason::Unknown { why: b }) => a == b,
            (
                Reason::Parameter {
                    name: a,
                    true_for: x,
                },
                Reason::Parameter {
                    name: b,
                    true_for: y,
                },
            ) => {
                a == b
                    && match (x, y) {
                        (Some(x), Some(y)) => {
                            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.identical(q))
                        }
                        (None, None) => true,
                        _ => false,
                    }
            }
            (Reason::UnknownAlias { alias: a }, Reason::UnknownAlias { alias: b }) => a == b,
            _ => false,
        }
    }
}

/// A value as JSON text, as messages show it.
pub(crate) fn json_text(v: &Value) -> String {
    v.to_json().to_string()
}

/// What kind of value `v` is, for a message.
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) | Value::Lambda(_) => "an object",
        Value::Unknown(_) => "an unknown value",
        Value::Candidates(_) => "one of several values",
    }
}

impl Outcome {
    pub fn possible(reason: Reason) -> Outcome {
        Outcome::Possible {
            reasons: vec![reason],
        }
    }

    pub fn from_bool(b: bool) -> Outcome {
        if b {
            Outcome::True
        } else {
            Outcome::False
        }
    }

    pub fn is_true(&self) -> bool {
        matches!(self, Outcome::True)
    }

    pub fn is_false(&self) -> bool {
        matches!(self, Outcome::False)
    }

    pub fn is_possible(&self) -> bool {
        matches!(self, Outcome::Possible { .. })
    }

    /// The reasons of a `Possible` (empty otherwise).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Outcome::Possible { reasons } => reasons,
            _ => &[],
        }
    }
}

/// Kleene negation: `Possible` stays `Possible`.
impl std::ops::Not for Outcome {
    type Output = Outcome;

    fn not(self) -> Outcome {
        match self {
            Outcome::True => Outcome::False,
            Outcome::False => Outcome::True,
            p => p,
        }
    }
}

impl Condition {
    /// Parse a condition object (`policyRule.if`, a `where`, an `existenceCondition`).
    /// `path` names it in error messages (e.g. `"policyRule.if"`).
    pub fn parse(json: &Json, path: &str) -> Result<Condition, ConditionError> {
        parse::parse_condition(json, path)
    }

    /// Evaluate on one resource view. `parameters` are the definition's parameter values
    /// (used by `[parameters('x')]`); `resolver` evaluates any other `[...]` expression.
    pub fn evaluate(
        &self,
        resource: &Value,
        parameters: &Map,
        resolver: &dyn ExpressionResolver,
    ) -> Outcome {
        worlds::evaluate(self, resource, parameters, resolver)
    }

    /// Evaluate a value that may hold `[...]` expressions (a Modify operation's
    /// `value` or `condition`) in the policy scope of one resource view, as a
    /// condition's operands are: `parameters()` and `field()` here, any other
    /// expression by `resolver`. `Err` says why the value is not known offline.
    pub fn resolve_in_scope(
        value: &Json,
        resource: &Value,
        parameters: &Map,
        resolver: &dyn ExpressionResolver,
    ) -> Result<Value, String> {
        let scope = eval::Evaluator::new(resource, parameters, resolver);
        let resolved = expr::resolve_value(value, &scope, resolver);
        match lookup::first_undecided(&resolved) {
            Some(why) => Err(why),
            None => Ok(resolved),
        }
    }

    /// Every field that is not in the alias table, in order of appearance, once each.
    pub fn unknown_aliases(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit_fields(&mut |f| {
            if let FieldRef::UnknownAlias(a) = f {
                if !out.iter().any(|o: &String| o.eq_ignore_ascii_case(a)) {
                    out.push(a.clone());
                }
            }
        });
        out
    }

    fn visit_fields(&self, f: &mut dyn FnMut(&FieldRef)) {
        match self {
            Condition::AllOf(cs) | Condition::AnyOf(cs) => {
                for c in cs {
                    c.visit_fields(f);
                }
            }
            Condition::Not(c) => c.visit_fields(f),
            Condition::Test(t) => match &t.subject {
                Subject::Field(fr) => f(fr),
                Subject::Value(_) => {}
                Subject::Count(Count::Field { field, where_, .. }) => {
                    f(field);
                    if let Some(w) = where_ {
                        w.visit_fields(f);
                    }
                }
                Subject::Count(Count::Value { where_, .. }) => {
                    if let Some(w) = where_ {
                        w.visit_fields(f);
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests;
