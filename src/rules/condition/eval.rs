//! Evaluating a condition tree on one resource view (candidate sets already chosen by
//! `worlds`, or left in place when there are too many combinations).

use serde_json::Value as Json;

use super::compare::{self, all, any};
use super::expr::{self, ExpressionResolver, PolicyScope};
use super::lookup::{self, Resolved};
use super::{Condition, FieldRef, Outcome, Reason, Subject, Test};
use crate::arm::value::{map_get, Map, Value};
use crate::rules::alias::{self, AliasError, Field, Segment};

mod count;

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

pub(super) struct Evaluator<'a> {
    resource: &'a Value,
    parameters: &'a Map,
    resolver: &'a dyn ExpressionResolver,
    bindings: Vec<Binding>,
}

impl<'a> Evaluator<'a> {
    pub(super) fn new(
        resource: &'a Value,
        parameters: &'a Map,
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

    fn operand(&self, v: &Json) -> Resolved {
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
                match &v {
                    Value::Unknown(u) => return Ok((Resolved::Unknown(u.why.clone()), false)),
                    Value::String(name) => match alias::resolve(name) {
                        Ok(f) => f,
                        Err(AliasError::Unknown { alias }) => return self.unknown_alias(&alias),
                        Err(e) => return Ok((Resolved::Unknown(e.to_string()), false)),
                    },
                    _ => {
                        return Ok((
                            Resolved::Unknown(format!(
                                "field `{text}` is not a string: {}",
                                super::json_text(&v)
                            )),
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
}

fn prefix_matches(prefix: &[Segment], segments: &[Segment]) -> bool {
    prefix.len() <= segments.len()
        && prefix.iter().zip(segments).all(|(a, b)| match (a, b) {
            (Segment::Key(x), Segment::Key(y)) => x.eq_ignore_ascii_case(y),
            (x, y) => x == y,
        })
}

impl PolicyScope for Evaluator<'_> {
    fn parameter(&self, name: &str) -> Option<Value> {
        map_get(self.parameters, name).cloned()
    }

    fn field(&self, name: &str) -> Value {
        match alias::resolve(name) {
            Ok(f) => self.field_value(&f).to_function_value(),
            Err(AliasError::Unknown { alias }) => match self.unknown_alias(&alias) {
                Ok((r, _)) => r.to_function_value(),
                Err(_) => Value::unknown(format!("unknown Azure Policy alias `{alias}`")),
            },
            Err(e) => Value::unknown(e.to_string()),
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
