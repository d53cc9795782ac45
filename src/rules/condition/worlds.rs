//! Candidate sets, evaluated per candidate.
//!
//! An unbound parameter with `allowedValues` reaches the resource view as a
//! [`Value::Candidates`] naming the parameter. Every combination of choices (a *world*)
//! is evaluated on its own, so that two tests reading the same parameter stay
//! consistent; the answers are then combined: all true → `True`, all false → `False`,
//! otherwise `Possible` naming the parameters whose choice changes the answer.
//!
//! Candidate sets naming the same parameter with the same number of values are one
//! choice, index-aligned (the i-th value of each comes from the parameter's i-th allowed
//! value, which is how the ARM evaluator derives them). Each test first combines its own
//! candidates (sound: when that decides, every world agrees); worlds are enumerated only
//! to sharpen an undecided answer, up to [`MAX_WORLDS`] combinations.

use std::collections::HashMap;

use std::sync::Arc;

use super::compare::merge;
use super::eval::Evaluator;
use super::expr::ExpressionResolver;
use super::{Condition, Outcome, Reason};
use crate::arm::value::{Map, Value};

pub(super) const MAX_WORLDS: usize = 256;

/// One independent choice: a parameter (lowercased) and how many values it has.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Variable {
    parameter: String,
    len: usize,
}

/// A variable with the parameter's name as written and its first-seen values.
struct Choice {
    key: Variable,
    name: String,
    values: Vec<Value>,
}

pub(super) fn evaluate(
    condition: &Condition,
    resource: &Value,
    parameters: &Map,
    resolver: &dyn ExpressionResolver,
) -> Outcome {
    let mut variables: Vec<Choice> = Vec::new();
    find_variables(resource, &mut variables);
    for v in parameters.values() {
        find_variables(v, &mut variables);
    }
    let worlds = variables
        .iter()
        .try_fold(1usize, |acc, v| acc.checked_mul(v.key.len));
    // Per-test combination is sound: when it decides, every world agrees. Worlds are
    // only needed to sharpen an undecided answer.
    let direct = Evaluator::new(resource, parameters, resolver).eval(condition);
    if !direct.is_possible() || variables.is_empty() {
        return direct;
    }
    let Some(count) = worlds else {
        return direct;
    };
    if count == 0 || count > MAX_WORLDS {
        return direct;
    }

    let index: HashMap<Variable, usize> = variables
        .iter()
        .enumerate()
        .map(|(i, v)| (v.key.clone(), i))
        .collect();
    let mut outcomes: Vec<(Vec<usize>, Outcome)> = Vec::with_capacity(count);
    for w in 0..count {
        let choice = decode(w, &variables);
        let r = substitute(resource, &index, &choice);
        let p: Map = parameters
            .iter()
            .map(|(k, v)| (k.clone(), substitute(v, &index, &choice)))
            .collect();
        let o = Evaluator::new(&r, &p, resolver).eval(condition);
        outcomes.push((choice, o));
    }
    combine(&variables, outcomes)
}

/// World number → the chosen index of each variable.
fn decode(mut w: usize, variables: &[Choice]) -> Vec<usize> {
    variables
        .iter()
        .map(|v| {
            let i = w % v.key.len;
            w /= v.key.len;
            i
        })
        .collect()
}

fn find_variables(v: &Value, out: &mut Vec<Choice>) {
    match v {
        Value::Candidates(c) => {
            let key = Variable {
                parameter: c.parameter.to_ascii_lowercase(),
                len: c.values.len(),
            };
            if !out.iter().any(|o| o.key == key) {
                out.push(Choice {
                    key,
                    name: c.parameter.to_string(),
                    values: c.values.clone(),
                });
            }
        }
        Value::Array(items) => items.iter().for_each(|i| find_variables(i, out)),
        Value::Object(obj) => obj.values().for_each(|i| find_variables(i, out)),
        _ => {}
    }
}

fn substitute(v: &Value, index: &HashMap<Variable, usize>, choice: &[usize]) -> Value {
    match v {
        Value::Candidates(c) => {
            let var = Variable {
                parameter: c.parameter.to_ascii_lowercase(),
                len: c.values.len(),
            };
            let picked = index
                .get(&var)
                .and_then(|i| choice.get(*i))
                .and_then(|k| c.values.get(*k));
            match picked {
                Some(p) => substitute(p, index, choice),
                None => v.clone(),
            }
        }
        // Nothing to choose inside: shared as it is.
        _ if !v.contains_unknown() => v.clone(),
        Value::Array(items) => {
            Value::array(items.iter().map(|i| substitute(i, index, choice)).collect())
        }
        Value::Object(obj) => Value::Object(Arc::new(
            obj.iter()
                .map(|(k, i)| (k.clone(), substitute(i, index, choice)))
                .collect(),
        )),
        other => other.clone(),
    }
}

fn class(o: &Outcome) -> u8 {
    match o {
        Outcome::True => 0,
        Outcome::False => 1,
        Outcome::Possible { .. } => 2,
    }
}

fn combine(variables: &[Choice], outcomes: Vec<(Vec<usize>, Outcome)>) -> Outcome {
    if outcomes.iter().all(|(_, o)| o.is_true()) {
        return Outcome::True;
    }
    if outcomes.iter().all(|(_, o)| o.is_false()) {
        return Outcome::False;
    }
    let by_choice: HashMap<&[usize], u8> = outcomes
        .iter()
        .map(|(c, o)| (c.as_slice(), class(o)))
        .collect();
    let mut reasons = Vec::new();
    for (vi, var) in variables.iter().enumerate() {
        // Relevant when changing only this choice changes the answer somewhere.
        let relevant = outcomes.iter().any(|(c, o)| {
            (0..var.key.len).any(|alt| {
                let mut other = c.clone();
                other[vi] = alt;
                by_choice
                    .get(other.as_slice())
                    .is_some_and(|k| *k != class(o))
            })
        });
        if !relevant {
            continue;
        }
        let true_for: Vec<Value> = (0..var.key.len)
            .filter(|i| outcomes.iter().any(|(c, o)| c[vi] == *i && o.is_true()))
            .filter_map(|i| var.values.get(i).cloned())
            .collect();
        reasons.push(Reason::Parameter {
            name: var.name.clone(),
            true_for: Some(true_for),
        });
    }
    for (_, o) in outcomes {
        if let Outcome::Possible { reasons: r } = o {
            merge(&mut reasons, r);
        }
    }
    Outcome::Possible { reasons }
}
