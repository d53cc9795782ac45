//! Evaluating a condition tree on one resource view (candidate sets already chosen by
//! `worlds`, or left in place when there are too many combinations).

use serde_json::{Map, Value};

use super::compare::{self, all, any, choice, merge};
use super::expr::{self, ExpressionResolver, PolicyScope};
use super::lookup::{self, as_candidates, as_unknown, unknown_marker, Resolved};
use super::{Condition, Count, FieldRef, Operator, Outcome, Reason, Subject, Test};
use crate::rules::alias::{self, AliasError, Field, Segment};

/// Most members a value count iterates (Azure's own limit is 100).
const MAX_VALUE_COUNT: usize = 1000;

/// A `count` member in scope of its `where`.
enum Binding {
    /// Field count: the path up to one of its `[*]` and the array member there.
    Field {
        prefix: Vec<Segment>,
        element: Value,
        /// The `count.field` as written, and the counted value (for `current()`).
        alias: String,
        counted: Value,
    },
    /// Value count: `count.name` and the current member.
    Value {
        name: Option<String>,
        element: Value,
    },
}

/// One counted member: the bindings it brings and its value.
struct Item {
    chain: Vec<(Vec<Segment>, Value)>,
    value: Value,
}

pub(super) struct Evaluator<'a> {
    resource: &'a Value,
    parameters: &'a Map<String, Value>,
    resolver: &'a dyn ExpressionResolver,
    bindings: Vec<Binding>,
}

impl<'a> Evaluator<'a> {
    pub(super) fn new(
        resource: &'a Value,
        parameters: &'a Map<String, Value>,
        resolver: &'a dyn ExpressionResolver,
    ) -> Self {
        Evaluator {
            resource,
            parameters,
            resolver,
            bindings: Vec::new(),
        }
    }

    pub(super) fn eval(&mut self, c: &Condition) -> Outcome {
        match c {
            Condition::AllOf(cs) => {
                let mut outcomes = Vec::with_capacity(cs.len());
                for c in cs {
                    let o = self.eval(c);
                    if o.is_false() {
                        return Outcome::False;
                    }
                    outcomes.push(o);
                }
                all(outcomes)
            }
            Condition::AnyOf(cs) => {
                let mut outcomes = Vec::with_capacity(cs.len());
                for c in cs {
                    let o = self.eval(c);
                    if o.is_true() {
                        return Outcome::True;
                    }
                    outcomes.push(o);
                }
                any(outcomes)
            }
            Condition::Not(c) => !self.eval(c),
            Condition::Test(t) => self.eval_test(t),
        }
    }

    fn eval_test(&mut self, t: &Test) -> Outcome {
        match &t.subject {
            Subject::Field(fr) => {
                let (subject, location) = match self.field_ref(fr) {
                    Ok(x) => x,
                    Err(o) => return o,
                };
                let operand = self.operand(&t.operand);
                compare::test(&subject, t.operator, &operand, location)
            }
            Subject::Value(v) => {
                let subject = self.operand(v);
                let operand = self.operand(&t.operand);
                compare::test(&subject, t.operator, &operand, false)
            }
            Subject::Count(c) => self.eval_count(c, t.operator, &t.operand),
        }
    }

    fn operand(&self, v: &Value) -> Resolved {
        Resolved::from_value(&expr::resolve_value(v, self, self.resolver))
    }

    /// Resolve a `field` reference; `Err` carries the outcome when the field cannot be
    /// read at all (an unknown alias).
    fn field_ref(&self, fr: &FieldRef) -> Result<(Resolved, bool), Outcome> {
        let field = match fr {
            FieldRef::Known(f) => f.clone(),
            FieldRef::UnknownAlias(a) => return self.unknown_alias(a),
            FieldRef::Expression(text) => {
                let v = expr::resolve_expression(text, self, self.resolver);
                match (&v, as_unknown(&v)) {
                    (_, Some(why)) => return Ok((Resolved::Unknown(why), false)),
                    (Value::String(name), None) => match alias::resolve(name) {
                        Ok(f) => f,
                        Err(AliasError::Unknown { alias }) => return self.unknown_alias(&alias),
                        Err(e) => return Ok((Resolved::Unknown(e.to_string()), false)),
                    },
                    _ => {
                        return Ok((
                            Resolved::Unknown(format!("field `{text}` is not a string: {v}")),
                            false,
                        ))
                    }
                }
            }
        };
        let location = field == Field::Location;
        Ok((self.field_value(&field), location))
    }

    /// An alias missing from the table: omitted on a resource of another type (aliases
    /// are per type), otherwise undecidable.
    fn unknown_alias(&self, alias: &str) -> Result<(Resolved, bool), Outcome> {
        if let (Some(t), Some(rt)) = (
            alias::alias_resource_type(alias),
            lookup::resource_type(self.resource),
        ) {
            if !t.eq_ignore_ascii_case(rt) {
                return Ok((Resolved::Missing, false));
            }
        }
        Err(Outcome::possible(Reason::UnknownAlias {
            alias: alias.to_string(),
        }))
    }

    fn type_matches(&self, resource_type: &Option<String>) -> bool {
        match (resource_type, lookup::resource_type(self.resource)) {
            (Some(t), Some(rt)) => t.eq_ignore_ascii_case(rt),
            _ => true,
        }
    }

    /// The innermost field binding whose prefix starts `segments`, longest first.
    fn binding_for(&self, segments: &[Segment]) -> Option<(usize, &Value)> {
        let mut best: Option<(usize, &Value)> = None;
        for b in self.bindings.iter().rev() {
            if let Binding::Field {
                prefix, element, ..
            } = b
            {
                if prefix_matches(prefix, segments) && best.is_none_or(|(n, _)| prefix.len() > n) {
                    best = Some((prefix.len(), element));
                }
            }
        }
        best
    }

    pub(super) fn field_value(&self, field: &Field) -> Resolved {
        match field {
            Field::Path {
                resource_type,
                segments,
                ..
            } => {
                let collection = segments.contains(&Segment::Wildcard);
                if !self.type_matches(resource_type) {
                    return if collection {
                        Resolved::Collection(Vec::new())
                    } else {
                        Resolved::Missing
                    };
                }
                match self.binding_for(segments) {
                    Some((n, element)) => match lookup::walk(element, &segments[n..]) {
                        c @ Resolved::Collection(_) => c,
                        // The counted member alone, still a collection (of one).
                        single => Resolved::Collection(vec![single]),
                    },
                    None => lookup::walk(self.resource, segments),
                }
            }
            Field::JsonPath(q) => lookup::json_path(self.resource, q),
            generic => lookup::generic(self.resource, generic).unwrap_or(Resolved::Missing),
        }
    }

    fn eval_count(&mut self, count: &Count, op: Operator, operand: &Value) -> Outcome {
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
                            v => {
                                let why = as_unknown(&v).unwrap_or_else(|| {
                                    format!("count field `{text}` is not a string")
                                });
                                return Outcome::possible(Reason::Unknown { why });
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
        operand: &Value,
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
            Resolved::Choice {
                parameter,
                options,
                values,
            } => {
                let outcomes = options
                    .iter()
                    .map(|o| self.value_count(o, name, where_, op, operand))
                    .collect();
                choice(parameter, values, outcomes)
            }
            Resolved::Collection(_) | Resolved::Known(_) => {
                let v = match resolved {
                    Resolved::Known(v) => v.clone(),
                    other => other.to_function_value(),
                };
                let Value::Array(items) = v else {
                    return Outcome::possible(Reason::Unknown {
                        why: format!("`count.value` is not an array: {v}"),
                    });
                };
                let mut min = 0u64;
                let mut maybe = 0u64;
                let mut reasons = Vec::new();
                for element in items.into_iter().take(MAX_VALUE_COUNT) {
                    self.bindings.push(Binding::Value {
                        name: name.clone(),
                        element,
                    });
                    let o = where_.map_or(Outcome::True, |w| self.eval(w));
                    self.bindings.pop();
                    tally(o, &mut min, &mut maybe, &mut reasons);
                }
                self.count_compare(min, Some(min + maybe), op, operand, reasons)
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
        operand: &Value,
        reasons: Vec<Reason>,
    ) -> Outcome {
        let target = self.operand(operand);
        let outcome = match &target {
            Resolved::Unknown(why) => Outcome::possible(Reason::Unknown { why: why.clone() }),
            Resolved::Choice {
                parameter,
                options,
                values,
            } => {
                let outcomes = options
                    .iter()
                    .map(|o| range_test(min, max, op, o))
                    .collect();
                choice(parameter, values, outcomes)
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
    let test = |n: u64| compare::apply(op, Some(&Value::from(n)), &target_value, false);
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
        Value::Array(items) => items.iter().filter_map(number).collect(),
        v => number(v).into_iter().collect(),
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

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn prefix_matches(prefix: &[Segment], segments: &[Segment]) -> bool {
    prefix.len() <= segments.len()
        && prefix.iter().zip(segments).all(|(a, b)| match (a, b) {
            (Segment::Key(x), Segment::Key(y)) => x.eq_ignore_ascii_case(y),
            (x, y) => x == y,
        })
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
    if let Some(why) = as_unknown(value) {
        let r = Reason::Unknown { why };
        if !unbounded.contains(&r) {
            unbounded.push(r);
        }
        return;
    }
    if let Some((p, _)) = as_candidates(value) {
        let r = Reason::Parameter {
            name: p.to_string(),
            true_for: None,
        };
        if !unbounded.contains(&r) {
            unbounded.push(r);
        }
        return;
    }
    let Some(segment) = segments.get(pos) else {
        if !value.is_null() {
            items.push(Item {
                chain,
                value: value.clone(),
            });
        }
        return;
    };
    match segment {
        Segment::Key(k) => {
            if let Some(next) = value.as_object().and_then(|o| lookup::member(o, k)) {
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

impl PolicyScope for Evaluator<'_> {
    fn parameter(&self, name: &str) -> Option<Value> {
        lookup::member(self.parameters, name).cloned()
    }

    fn field(&self, name: &str) -> Value {
        match alias::resolve(name) {
            Ok(f) => self.field_value(&f).to_function_value(),
            Err(AliasError::Unknown { alias }) => match self.unknown_alias(&alias) {
                Ok((r, _)) => r.to_function_value(),
                Err(_) => unknown_marker(&format!("unknown Azure Policy alias `{alias}`")),
            },
            Err(e) => unknown_marker(&e.to_string()),
        }
    }

    fn current(&self, name: Option<&str>) -> Option<Value> {
        let Some(name) = name else {
            return self.bindings.last().map(|b| match b {
                Binding::Field { counted, .. } => counted.clone(),
                Binding::Value { element, .. } => element.clone(),
            });
        };
        for b in self.bindings.iter().rev() {
            match b {
                Binding::Value {
                    name: Some(n),
                    element,
                } if n.eq_ignore_ascii_case(name) => return Some(element.clone()),
                Binding::Field { alias, counted, .. } if alias.eq_ignore_ascii_case(name) => {
                    return Some(counted.clone())
                }
                _ => {}
            }
        }
        // `current('<alias of a property of the counted member>')`.
        let Ok(Field::Path { segments, .. }) = alias::resolve(name) else {
            return None;
        };
        let (n, element) = self.binding_for(&segments)?;
        Some(lookup::walk(element, &segments[n..]).to_function_value())
    }
}
