//! `count` expressions: enumerating members, binding them for `where`, comparing a
//! count that may only be known as a range.

use serde_json::Value as Json;

use super::{Binding, Evaluator};
use crate::arm::value::{map_get, Value};
use crate::rules::alias::{self, AliasError, Field, Segment};
use crate::rules::condition::compare::{self, choice, merge, number};
use crate::rules::condition::expr;
use crate::rules::condition::json_text;
use crate::rules::condition::lookup::{is_absent, Resolved};
use crate::rules::condition::{Condition, Count, FieldRef, Operator, Outcome, Reason};

/// Most members a value count iterates (Azure's own limit is 100).
const MAX_VALUE_COUNT: usize = 1000;

/// One counted member: the bindings it brings and its value.
struct Item {
    chain: Vec<(Vec<Segment>, Value)>,
    value: Value,
}

impl Evaluator<'_> {
    pub(super) fn eval_count(&mut self, count: &Count, op: Operator, operand: &Json) -> Outcome {
        match count {
            Count::Field {
                field,
                alias,
                where_,
            } => {
                let field = match field {
                    FieldRef::Known(f) => f.clone(),
                    FieldRef::UnknownAlias(a) => match self.unknown_alias(a) {
                        // An alias of another resource type: nothing to count.
                        Ok(_) => return self.count_compare(0, Some(0), op, operand, Vec::new()),
                        Err(o) => return o,
                    },
                    FieldRef::Expression(text) => {
                        match expr::resolve_expression(text, self, self.resolver) {
                            Value::String(s) => match alias::resolve(&s) {
                                Ok(f) => f,
                                Err(AliasError::Unknown { alias }) => {
                                    return match self.unknown_alias(&alias) {
                                        Ok(_) => {
                                            self.count_compare(0, Some(0), op, operand, Vec::new())
                                        }
                                        Err(o) => o,
                                    }
                                }
                                Err(e) => {
                                    return Outcome::possible(Reason::Unknown {
                                        why: e.to_string(),
                                    })
                                }
                            },
                            Value::Unknown(u) => {
                                return Outcome::possible(Reason::Unknown { why: u.why.clone() })
                            }
                            _ => {
                                return Outcome::possible(Reason::Unknown {
                                    why: format!("count field `{text}` is not a string"),
                                })
                            }
                        }
                    }
                };
                let (items, unbounded) = self.enumerate(&field);
                let mut min = 0u64;
                let mut maybe = 0u64;
                let mut reasons = unbounded.clone();
                for item in items {
                    let depth = self.bindings.len();
                    for (prefix, element) in item.chain {
                        self.bindings.push(Binding::Field {
                            prefix,
                            element,
                            alias: alias.clone(),
                            counted: item.value.clone(),
                        });
                    }
                    let o = where_.as_ref().map_or(Outcome::True, |w| self.eval(w));
                    self.bindings.truncate(depth);
                    tally(o, &mut min, &mut maybe, &mut reasons);
                }
                let max = unbounded.is_empty().then_some(min + maybe);
                self.count_compare(min, max, op, operand, reasons)
            }
            Count::Value {
                value,
                name,
                where_,
            } => {
                let resolved = self.operand(value);
                self.value_count(&resolved, name, where_.as_deref(), op, operand)
            }
        }
    }

    fn value_count(
        &mut self,
        resolved: &Resolved,
        name: &Option<String>,
        where_: Option<&Condition>,
        op: Operator,
        operand: &Json,
    ) -> Outcome {
        match resolved {
            Resolved::Missing => self.count_compare(0, Some(0), op, operand, Vec::new()),
            Resolved::Unknown(why) => self.count_compare(
                0,
                None,
                op,
                operand,
                vec![Reason::Unknown { why: why.clone() }],
            ),
            Resolved::Choice { parameter, options } => {
                let outcomes = options
                    .iter()
                    .map(|o| self.value_count(o, name, where_, op, operand))
                    .collect();
                choice(parameter, outcomes)
            }
            Resolved::Collection(_) | Resolved::Known(_) => {
                let v = match resolved {
                    Resolved::Known(v) => v.clone(),
                    other => other.to_function_value(),
                };
                let Value::Array(items) = v else {
                    return Outcome::possible(Reason::Unknown {
                        why: format!("`count.value` is not an array: {}", json_text(&v)),
                    });
                };
                let mut min = 0u64;
                let mut maybe = 0u64;
                let mut reasons = Vec::new();
                let truncated = items.len() > MAX_VALUE_COUNT;
                if truncated {
                    reasons.push(Reason::Unknown {
                        why: format!(
                            "`count.value` has {} members; only the first {MAX_VALUE_COUNT} are counted",
                            items.len()
                        ),
                    });
                }
                for element in items.iter().take(MAX_VALUE_COUNT).cloned() {
                    self.bindings.push(Binding::Value {
                        name: name.clone(),
                        element,
                    });
                    let o = where_.map_or(Outcome::True, |w| self.eval(w));
                    self.bindings.pop();
                    tally(o, &mut min, &mut maybe, &mut reasons);
                }
                let max = (!truncated).then_some(min + maybe);
                self.count_compare(min, max, op, operand, reasons)
            }
        }
    }

    /// The members a field count enumerates, plus reasons the count has no upper bound
    /// (an unknown array on the way).
    fn enumerate(&self, field: &Field) -> (Vec<Item>, Vec<Reason>) {
        let mut items = Vec::new();
        let mut unbounded = Vec::new();
        match field {
            Field::Path {
                resource_type,
                segments,
                ..
            } => {
                if !self.type_matches(resource_type) {
                    return (items, unbounded);
                }
                let (start, from) = match self.binding_for(segments) {
                    Some((n, element)) => (element, n),
                    None => (self.resource, 0),
                };
                collect(
                    start,
                    segments,
                    from,
                    Vec::new(),
                    &mut items,
                    &mut unbounded,
                );
            }
            other => match self.field_value(other) {
                Resolved::Collection(found) => {
                    for r in found {
                        items.push(Item {
                            chain: Vec::new(),
                            value: r.to_function_value(),
                        })
                    }
                }
                Resolved::Unknown(why) => unbounded.push(Reason::Unknown { why }),
                Resolved::Missing => {}
                single => items.push(Item {
                    chain: Vec::new(),
                    value: single.to_function_value(),
                }),
            },
        }
        (items, unbounded)
    }

    /// Compare a count known to lie in `min..=max` (`None`: unbounded) with the operand.
    fn count_compare(
        &self,
        min: u64,
        max: Option<u64>,
        op: Operator,
        operand: &Json,
        reasons: Vec<Reason>,
    ) -> Outcome {
        let target = self.operand(operand);
        let outcome = match &target {
            Resolved::Unknown(why) => Outcome::possible(Reason::Unknown { why: why.clone() }),
            Resolved::Choice { parameter, options } => {
                let outcomes = options
                    .iter()
                    .map(|o| range_test(min, max, op, o))
                    .collect();
                choice(parameter, outcomes)
            }
            other => range_test(min, max, op, other),
        };
        match outcome {
            Outcome::Possible { reasons: mut r } => {
                merge(&mut r, reasons);
                Outcome::Possible { reasons: r }
            }
            decided => decided,
        }
    }
}

fn tally(o: Outcome, min: &mut u64, maybe: &mut u64, reasons: &mut Vec<Reason>) {
    match o {
        Outcome::True => *min += 1,
        Outcome::False => {}
        Outcome::Possible { reasons: r } => {
            *maybe += 1;
            merge(reasons, r);
        }
    }
}

/// Test every count in `min..=max` that can change the answer: the ends and the
/// neighbours of each number in the operand.
fn range_test(min: u64, max: Option<u64>, op: Operator, target: &Resolved) -> Outcome {
    let target_value = match target {
        Resolved::Known(v) => v.clone(),
        Resolved::Missing => Value::Null,
        other => other.to_function_value(),
    };
    let test = |n: u64| {
        let n = Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        compare::apply(op, Some(&n), &target_value, false)
    };
    if max == Some(min) {
        return test(min);
    }
    let numeric_op = matches!(
        op,
        Operator::Equals
            | Operator::NotEquals
            | Operator::In
            | Operator::NotIn
            | Operator::Less
            | Operator::LessOrEquals
            | Operator::Greater
            | Operator::GreaterOrEquals
    );
    if !numeric_op {
        return Outcome::Possible {
            reasons: Vec::new(),
        };
    }
    let upper = max.unwrap_or(u64::MAX / 2);
    let mut probes = vec![min, upper];
    let numbers: Vec<f64> = match &target_value {
        Value::Array(items) => items.iter().filter_map(number_or_text).collect(),
        v => number_or_text(v).into_iter().collect(),
    };
    for t in numbers {
        for c in [t.floor() - 1.0, t.floor(), t.ceil(), t.ceil() + 1.0] {
            if c >= min as f64 && c <= upper as f64 {
                probes.push(c as u64);
            }
        }
    }
    let outcomes: Vec<Outcome> = probes.into_iter().map(test).collect();
    if outcomes.iter().all(Outcome::is_true) {
        Outcome::True
    } else if outcomes.iter().all(Outcome::is_false) {
        Outcome::False
    } else {
        Outcome::Possible {
            reasons: Vec::new(),
        }
    }
}

fn number_or_text(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        other => number(other),
    }
}

/// Walk `segments[pos..]` from `value`, one item per member reached through the last
/// `[*]`, remembering the member at each `[*]` on the way.
fn collect(
    value: &Value,
    segments: &[Segment],
    pos: usize,
    chain: Vec<(Vec<Segment>, Value)>,
    items: &mut Vec<Item>,
    unbounded: &mut Vec<Reason>,
) {
    let Some(segment) = segments.get(pos) else {
        // A member of the counted array counts whatever its value (null, unknown);
        // the end of a path that is not `[*]` counts only when present.
        let member = pos > 0 && segments.get(pos - 1) == Some(&Segment::Wildcard);
        if member || !is_absent(value) {
            items.push(Item {
                chain,
                value: value.clone(),
            });
        }
        return;
    };
    // An unknown on the way: the number of members is unknown.
    let undecided = match value {
        Value::Unknown(u) => Some(Reason::Unknown { why: u.why.clone() }),
        Value::Candidates(c) => Some(Reason::Parameter {
            name: c.parameter.to_string(),
            true_for: None,
        }),
        _ => None,
    };
    if let Some(r) = undecided {
        if !unbounded.contains(&r) {
            unbounded.push(r);
        }
        return;
    }
    match segment {
        Segment::Key(k) => {
            if let Some(next) = value.as_object().and_then(|o| map_get(o, k)) {
                collect(next, segments, pos + 1, chain, items, unbounded);
            }
        }
        Segment::Index(i) => {
            if let Some(next) = value.as_array().and_then(|a| a.get(*i)) {
                collect(next, segments, pos + 1, chain, items, unbounded);
            }
        }
        Segment::Wildcard => {
            let members: Vec<&Value> = match value {
                Value::Array(a) => a.iter().collect(),
                Value::Object(o) => o.values().collect(),
                _ => Vec::new(),
            };
            for m in members {
                let mut c = chain.clone();
                c.push((segments[..=pos].to_vec(), m.clone()));
                collect(m, segments, pos + 1, c, items, unbounded);
            }
        }
    }
}
