//! ARM template functions: comparison (`equals`, `less`, …, `coalesce`) and logic
//! (`and`, `or`, `not`, `bool`, `true`, `false`).
//!
//! `equals`, `coalesce`, `and`, `or` and `not` see unknown arguments themselves and
//! apply three-valued logic: `and(false, x)` is false whatever `x` is, `or(true, x)` is
//! true, `coalesce('a', x)` is `'a'`. Everything else the evaluator short-circuits.
//! (`if` is evaluated lazily by the evaluator, not here.)
//!
//! Docs: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-comparison>
//! and <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-logical>.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{first_unknown, invalid, known, FnError, FnResult, FnSpec, Host};
use crate::arm::value::{Term, Unknown, Value};

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("equals", 2, Some(2), equals).accepting_unknown(),
    FnSpec::new("less", 2, Some(2), less),
    FnSpec::new("lessOrEquals", 2, Some(2), less_or_equals),
    FnSpec::new("greater", 2, Some(2), greater),
    FnSpec::new("greaterOrEquals", 2, Some(2), greater_or_equals),
    FnSpec::new("coalesce", 1, None, coalesce).accepting_unknown(),
    FnSpec::new("and", 2, None, and).accepting_unknown(),
    FnSpec::new("or", 2, None, or).accepting_unknown(),
    FnSpec::new("not", 1, Some(1), not).accepting_unknown(),
    FnSpec::new("bool", 1, Some(1), bool_fn),
    FnSpec::new("true", 0, Some(0), true_fn),
    FnSpec::new("false", 0, Some(0), false_fn),
];

// ---- unknown results ------------------------------------------------------------------

/// True for a top-level value that is not known yet (unknown or a candidate set).
fn is_pending(v: &Value) -> bool {
    matches!(v, Value::Unknown(_) | Value::Candidates(_))
}

/// The unknown a top-level pending argument stands for.
fn pending_unknown(v: &Value) -> Arc<Unknown> {
    first_unknown(v).unwrap_or_else(|| {
        Arc::new(Unknown {
            why: format!("value of type {} is not known", v.type_name()),
            term: None,
            ..Default::default()
        })
    })
}

/// An unknown result of `func(args)`. Its term is canonical (so that the same
/// computation done twice compares equal) only when every unknown inside the
/// arguments has a canonical term; its reason names what it depends on.
fn derived_unknown(func: &str, args: &[&Value]) -> FnError {
    let mut reasons: Vec<String> = Vec::new();
    let mut canonical = true;
    for arg in args {
        collect_reasons(arg, &mut reasons, &mut canonical);
    }
    let term = canonical.then(|| {
        let args: Vec<Value> = args.iter().map(|a| (*a).clone()).collect();
        Term::call(func, &args)
    });
    let why = if reasons.is_empty() {
        format!("{func}() depends on a value not known before deployment")
    } else {
        format!("{func}() depends on {}", reasons.join("; "))
    };
    FnError::Unknown(Arc::new(Unknown {
        why,
        term,
        ..Default::default()
    }))
}

fn collect_reasons(v: &Value, reasons: &mut Vec<String>, canonical: &mut bool) {
    match v {
        Value::Unknown(u) => {
            if u.term.is_none() {
                *canonical = false;
            }
            if !reasons.contains(&u.why) {
                reasons.push(u.why.clone());
            }
        }
        Value::Candidates(_) => {
            let why = pending_unknown(v).why.clone();
            if !reasons.contains(&why) {
                reasons.push(why);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| collect_reasons(i, reasons, canonical)),
        Value::Object(map) => map
            .values()
            .for_each(|i| collect_reasons(i, reasons, canonical)),
        _ => {}
    }
}

// ---- equals and ordering ----------------------------------------------------------------

fn equals(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let (a, b) = (&args[0], &args[1]);
    match a.arm_equals(b) {
        Some(eq) => Ok(Value::Bool(eq)),
        None => Err(derived_unknown("equals", &[a, b])),
    }
}

fn less(_: &mut dyn Host, args: &[Value]) -> FnResult {
    Ok(Value::Bool(order(args, "less")? == Ordering::Less))
}

fn less_or_equals(_: &mut dyn Host, args: &[Value]) -> FnResult {
    Ok(Value::Bool(
        order(args, "lessOrEquals")? != Ordering::Greater,
    ))
}

fn greater(_: &mut dyn Host, args: &[Value]) -> FnResult {
    Ok(Value::Bool(order(args, "greater")? == Ordering::Greater))
}

fn greater_or_equals(_: &mut dyn Host, args: &[Value]) -> FnResult {
    Ok(Value::Bool(
        order(args, "greaterOrEquals")? != Ordering::Less,
    ))
}

/// Order two ints/floats numerically or two strings like ARM does.
fn order(args: &[Value], func: &str) -> Result<Ordering, FnError> {
    let a = known(&args[0])?;
    let b = known(&args[1])?;
    let numeric = |x: f64, y: f64| {
        x.partial_cmp(&y)
            .ok_or_else(|| invalid(format!("{func}: cannot order {x} and {y}")))
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Int(x), Value::Float(y)) => numeric(*x as f64, *y),
        (Value::Float(x), Value::Int(y)) => numeric(*x, *y as f64),
        (Value::Float(x), Value::Float(y)) => numeric(*x, *y),
        (Value::String(x), Value::String(y)) => Ok(compare_strings(x, y)),
        _ => Err(invalid(format!(
            "{func}: arguments must be two integers or two strings, got {} and {}",
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// String ordering as ARM's documented results show it — not ordinal: ARM documents
/// `greater('A', 'a')` as true and Bicep documents `'demo' < 'Demo'` as true "because
/// lowercase letters are less than uppercase letters", which is .NET's culture-aware
/// (invariant culture) comparison. This approximates it: strings are compared first
/// ignoring case, with punctuation and symbols before digits before letters; then at
/// the first difference in case, lowercase sorts first; then ordinally, so distinct
/// strings never compare equal. Accents are not given their secondary weight.
pub fn compare_strings(a: &str, b: &str) -> Ordering {
    let primary = a.chars().map(primary_key).cmp(b.chars().map(primary_key));
    if primary != Ordering::Equal {
        return primary;
    }
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            match (x.is_lowercase(), y.is_lowercase()) {
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                _ => {}
            }
        }
    }
    a.cmp(b)
}

fn primary_key(c: char) -> (u8, char) {
    if c.is_alphabetic() {
        (2, c.to_lowercase().next().unwrap_or(c))
    } else if c.is_numeric() {
        (1, c)
    } else {
        (0, c)
    }
}

// ---- coalesce --------------------------------------------------------------------------

fn coalesce(_: &mut dyn Host, args: &[Value]) -> FnResult {
    for (i, arg) in args.iter().enumerate() {
        match arg {
            Value::Null => continue,
            Value::Candidates(c) if c.values.iter().all(|v| !matches!(v, Value::Null)) => {
                // Whichever allowed value is chosen, it is not null.
                return Ok(arg.clone());
            }
            Value::Unknown(_) | Value::Candidates(_) => {
                let rest = &args[i + 1..];
                if rest.iter().all(|v| matches!(v, Value::Null)) {
                    // `coalesce(null, x, null)` is `x` whether or not `x` is null.
                    return Ok(arg.clone());
                }
                let mut pending: Vec<&Value> = vec![arg];
                pending.extend(rest.iter().filter(|v| !matches!(v, Value::Null)));
                return Err(derived_unknown("coalesce", &pending));
            }
            _ => return Ok(arg.clone()),
        }
    }
    Ok(Value::Null)
}

// ---- logic ----------------------------------------------------------------------------

/// Shared body of `and` / `or`: `decisive` is the value that settles the result
/// (false for `and`, true for `or`).
fn junction(args: &[Value], func: &str, decisive: bool) -> FnResult {
    let mut pending: Vec<&Value> = Vec::new();
    let mut settled = false;
    for (i, arg) in args.iter().enumerate() {
        match arg {
            Value::Bool(b) => settled |= *b == decisive,
            v if is_pending(v) => pending.push(v),
            other => {
                return Err(invalid(format!(
                    "{func}: argument {} must be a bool, got {}",
                    i + 1,
                    other.type_name()
                )))
            }
        }
    }
    if settled {
        return Ok(Value::Bool(decisive));
    }
    match pending.as_slice() {
        [] => Ok(Value::Bool(!decisive)),
        // `and(true, x)` is `x` itself.
        [only] => match only {
            Value::Unknown(u) => Err(FnError::Unknown(u.clone())),
            _ => Err(FnError::Unknown(pending_unknown(only))),
        },
        many => Err(derived_unknown(func, many)),
    }
}

fn and(_: &mut dyn Host, args: &[Value]) -> FnResult {
    junction(args, "and", false)
}

fn or(_: &mut dyn Host, args: &[Value]) -> FnResult {
    junction(args, "or", true)
}

fn not(_: &mut dyn Host, args: &[Value]) -> FnResult {
    match &args[0] {
        Value::Bool(b) => Ok(Value::Bool(!b)),
        v if is_pending(v) => Err(derived_unknown("not", &[v])),
        other => Err(invalid(format!(
            "not: argument 1 must be a bool, got {}",
            other.type_name()
        ))),
    }
}

/// `bool(x)`: a bool as is; `'true'`/`'false'` in any case (surrounding whitespace
/// allowed, like .NET's `bool.Parse`); an integer is true when non-zero (.NET's
/// `Convert.ToBoolean`).
fn bool_fn(_: &mut dyn Host, args: &[Value]) -> FnResult {
    match known(&args[0])? {
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::Int(i) => Ok(Value::Bool(*i != 0)),
        Value::String(s) => {
            let t = s.trim();
            if t.eq_ignore_ascii_case("true") {
                Ok(Value::Bool(true))
            } else if t.eq_ignore_ascii_case("false") {
                Ok(Value::Bool(false))
            } else {
                Err(invalid(format!("bool: '{s}' is not 'true' or 'false'")))
            }
        }
        other => Err(invalid(format!(
            "bool: argument must be a string or an integer, got {}",
            other.type_name()
        ))),
    }
}

fn true_fn(_: &mut dyn Host, _: &[Value]) -> FnResult {
    Ok(Value::Bool(true))
}

fn false_fn(_: &mut dyn Host, _: &[Value]) -> FnResult {
    Ok(Value::Bool(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::functions::{call, NoHost};
    use crate::arm::value::Str;
    use crate::arm::value::{Candidates, Map};

    fn run(name: &str, args: &[Value]) -> FnResult {
        call(&mut NoHost, name, args)
    }

    fn yes(name: &str, args: &[Value]) -> bool {
        match run(name, args) {
            Ok(Value::Bool(b)) => b,
            other => panic!("{name}: expected a bool, got {other:?}"),
        }
    }

    fn unknown_of(r: FnResult) -> Arc<Unknown> {
        match r {
            Err(FnError::Unknown(u)) => u,
            other => panic!("expected an unknown, got {other:?}"),
        }
    }

    fn is_invalid(r: FnResult) -> bool {
        matches!(r, Err(FnError::Invalid(_)))
    }

    fn loc() -> Value {
        Value::unknown_term(
            "resourceGroup().location is not set",
            crate::arm::value::Term::context(
                crate::arm::value::Context::ResourceGroup,
                &["location"],
            ),
        )
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (Str::from(*k), v.clone()))
                .collect::<Map>(),
        )
    }

    #[test]
    fn equals_documented_examples() {
        assert!(yes("equals", &[1.into(), 1.into()]));
        assert!(yes("equals", &["a".into(), "a".into()]));
        let arr = || Value::array(vec!["a".into(), "b".into()]);
        assert!(yes("equals", &[arr(), arr()]));
        assert!(yes(
            "equals",
            &[obj(&[("a", "b".into())]), obj(&[("a", "b".into())])]
        ));
        assert!(!yes("equals", &[1.into(), 2.into()]));
        // Case-sensitive for strings; a string is never an int.
        assert!(!yes("equals", &["a".into(), "A".into()]));
        assert!(!yes("equals", &["1".into(), 1.into()]));
        assert!(yes("equals", &[Value::Null, Value::Null]));
    }

    #[test]
    fn equals_with_unknowns() {
        // The same deterministic unknown equals itself.
        assert!(yes("equals", &[loc(), loc()]));
        // An unknown against a literal is unknown, and says what it depends on.
        let u = unknown_of(run("equals", &[loc(), "westeurope".into()]));
        assert!(
            u.why.contains("resourceGroup().location is not set"),
            "{}",
            u.why
        );
        assert_eq!(
            u.term.as_ref().map(ToString::to_string).as_deref(),
            Some("equals(⟦resourceGroup().location⟧,'westeurope')")
        );
        // Two computations of the same thing give the same term.
        let again = unknown_of(run("equals", &[loc(), "westeurope".into()]));
        assert_eq!(u.term, again.term);
        // An unknown without a term gives a non-canonical result.
        let u = unknown_of(run("equals", &[Value::unknown("reference()"), 1.into()]));
        assert!(u.term.is_none());
        // Known structure decides even with unknowns inside.
        let a = Value::array(vec![loc(), 1.into()]);
        let b = Value::array(vec![loc(), 2.into()]);
        assert!(!yes("equals", &[a, b]));
        let a = Value::array(vec![Value::unknown("x")]);
        assert!(!yes("equals", &[a, Value::array(vec![])]));
    }

    #[test]
    fn equals_with_candidates_is_unknown() {
        let c = Value::Candidates(Arc::new(Candidates {
            values: vec!["Basic".into(), "Premium".into()],
            parameter: Str::from("sku"),
        }));
        let u = unknown_of(run("equals", &[c, "Premium".into()]));
        assert!(u.why.contains("'sku'"), "{}", u.why);
        assert_eq!(
            u.term.as_ref().map(ToString::to_string).as_deref(),
            Some("equals(⟦sku⟧,'Premium')")
        );
    }

    #[test]
    fn ordering_documented_examples() {
        // ARM: firstInt 1, secondInt 2, firstString 'A', secondString 'a'.
        assert!(!yes("greater", &[1.into(), 2.into()]));
        assert!(yes("greater", &["A".into(), "a".into()]));
        assert!(!yes("greaterOrEquals", &[1.into(), 2.into()]));
        assert!(yes("greaterOrEquals", &["A".into(), "a".into()]));
        assert!(yes("less", &[1.into(), 2.into()]));
        assert!(!yes("less", &["A".into(), "a".into()]));
        assert!(yes("lessOrEquals", &[1.into(), 2.into()]));
        assert!(!yes("lessOrEquals", &["A".into(), "a".into()]));
        // Bicep operator docs: 'bend' > 'band'; 'demo' < 'Demo'; 'A' >= 'A'.
        assert!(yes("greater", &["bend".into(), "band".into()]));
        assert!(yes("less", &["demo".into(), "Demo".into()]));
        assert!(yes("greaterOrEquals", &["A".into(), "A".into()]));
        assert!(yes("lessOrEquals", &["demo".into(), "demo".into()]));
    }

    #[test]
    fn string_ordering_details() {
        // Letters compare ignoring case first: 'a' < 'B' (ordinal would say otherwise).
        assert!(yes("less", &["a".into(), "B".into()]));
        assert!(yes("less", &["Apple".into(), "banana".into()]));
        // Prefixes sort first; digits before letters; punctuation before digits.
        assert!(yes("less", &["ab".into(), "abc".into()]));
        assert!(yes("less", &["9".into(), "a".into()]));
        assert!(yes("less", &["-".into(), "0".into()]));
        assert!(yes("less", &["".into(), "a".into()]));
        assert!(!yes("less", &["x".into(), "x".into()]));
        assert_eq!(compare_strings("abc", "abd"), Ordering::Less);
        assert_eq!(compare_strings("aB", "ab"), Ordering::Greater);
    }

    #[test]
    fn ordering_numbers_and_errors() {
        assert!(yes("less", &[Value::Float(1.5), 2.into()]));
        assert!(yes("greater", &[3.into(), Value::Float(2.5)]));
        assert!(yes("less", &[(-5).into(), 3.into()]));
        assert!(yes("greaterOrEquals", &[i64::MAX.into(), i64::MAX.into()]));
        assert!(is_invalid(run("less", &[1.into(), "1".into()])));
        assert!(is_invalid(run("greater", &[true.into(), false.into()])));
        assert!(is_invalid(run(
            "less",
            &[Value::array(vec![]), Value::array(vec![])]
        )));
        assert!(is_invalid(run("less", &[Value::Null, 1.into()])));
        // Called directly with an unknown, it reports unknown rather than a type error.
        assert!(matches!(
            run("less", &[loc(), 1.into()]),
            Err(FnError::Unknown(_))
        ));
        assert!(is_invalid(run("less", &[1.into()])));
    }

    #[test]
    fn coalesce_known() {
        assert_eq!(
            run("coalesce", &[Value::Null, Value::Null, "default".into()])
                .unwrap()
                .to_json(),
            "default"
        );
        assert_eq!(
            run("coalesce", &[Value::Null, 1.into()]).unwrap().to_json(),
            1
        );
        let o = obj(&[("first", "default".into())]);
        assert!(
            run("coalesce", &[Value::Null, o.clone()])
                .unwrap()
                .arm_equals(&o)
                == Some(true)
        );
        assert!(matches!(
            run("coalesce", &[Value::Null, Value::Null]),
            Ok(Value::Null)
        ));
        // Empty strings, arrays and objects are not null.
        assert_eq!(
            run("coalesce", &["".into(), "x".into()]).unwrap().to_json(),
            ""
        );
        assert_eq!(
            run("coalesce", &[Value::array(vec![]), 1.into()])
                .unwrap()
                .to_json(),
            serde_json::json!([])
        );
        assert!(is_invalid(run("coalesce", &[])));
    }

    #[test]
    fn coalesce_unknowns() {
        // A known non-null value first decides.
        assert_eq!(
            run("coalesce", &["a".into(), loc()]).unwrap().to_json(),
            "a"
        );
        // An unknown that may be null before a literal: unknown.
        let u = unknown_of(run("coalesce", &[Value::Null, loc(), "x".into()]));
        assert!(u.why.contains("resourceGroup().location"), "{}", u.why);
        assert_eq!(
            u.term.as_ref().map(ToString::to_string).as_deref(),
            Some("coalesce(⟦resourceGroup().location⟧,'x')")
        );
        // Nothing but nulls after the unknown: the result is the unknown itself.
        let r = run("coalesce", &[Value::Null, loc(), Value::Null]).unwrap();
        assert!(r.arm_equals(&loc()) == Some(true));
        // Candidates that are never null are the answer.
        let c = Value::Candidates(Arc::new(Candidates {
            values: vec!["Basic".into(), "Premium".into()],
            parameter: Str::from("sku"),
        }));
        assert!(matches!(
            run("coalesce", &[Value::Null, c, "x".into()]),
            Ok(Value::Candidates(_))
        ));
        let c = Value::Candidates(Arc::new(Candidates {
            values: vec![Value::Null, "Premium".into()],
            parameter: Str::from("sku"),
        }));
        assert!(matches!(
            run("coalesce", &[c, "x".into()]),
            Err(FnError::Unknown(_))
        ));
    }

    #[test]
    fn logic_documented_examples() {
        let t = run("bool", &["true".into()]).unwrap();
        let f = run("bool", &["false".into()]).unwrap();
        assert!(!yes("and", &[t.clone(), f.clone()]));
        assert!(yes("or", &[t.clone(), f.clone()]));
        assert!(!yes("not", std::slice::from_ref(&t)));
        let ne = run("equals", &[1.into(), 2.into()]).unwrap();
        assert!(yes("not", &[ne]));
        assert!(yes("and", &[true.into(), true.into(), true.into()]));
        assert!(!yes("and", &[true.into(), true.into(), false.into()]));
        assert!(!yes("or", &[false.into(), false.into(), false.into()]));
        assert!(yes("or", &[false.into(), false.into(), true.into()]));
        assert!(yes("true", &[]));
        assert!(!yes("false", &[]));
    }

    #[test]
    fn logic_arity_and_types() {
        assert!(is_invalid(run("and", &[true.into()])));
        assert!(is_invalid(run("or", &[true.into()])));
        assert!(is_invalid(run("not", &[])));
        assert!(is_invalid(run("true", &[1.into()])));
        assert!(is_invalid(run("and", &[true.into(), "true".into()])));
        assert!(is_invalid(run("or", &[1.into(), false.into()])));
        assert!(is_invalid(run("not", &["false".into()])));
        // A wrong type is an error even when another argument settles the result.
        assert!(is_invalid(run("and", &[false.into(), 1.into()])));
    }

    #[test]
    fn three_valued_logic() {
        let u = || {
            Value::unknown_term(
                "reference() of an existing registry",
                crate::arm::value::Term::call("reference", &[Value::str("acr")])
                    .access(crate::arm::value::Step::Property("adminUserEnabled".into())),
            )
        };
        assert!(!yes("and", &[false.into(), u()]));
        assert!(!yes("and", &[u(), false.into()]));
        assert!(yes("or", &[true.into(), u()]));
        assert!(yes("or", &[u(), true.into()]));
        // and(true, U) is U itself.
        let r = unknown_of(run("and", &[true.into(), u()]));
        assert_eq!(
            r.term.as_ref().map(ToString::to_string).as_deref(),
            Some("reference('acr').adminUserEnabled")
        );
        let r = unknown_of(run("or", &[false.into(), u(), false.into()]));
        assert_eq!(
            r.term.as_ref().map(ToString::to_string).as_deref(),
            Some("reference('acr').adminUserEnabled")
        );
        // Two unknowns: a derived unknown naming both reasons.
        let r = unknown_of(run("and", &[u(), true.into(), loc()]));
        assert!(
            r.why.contains("reference() of an existing registry"),
            "{}",
            r.why
        );
        assert!(r.why.contains("resourceGroup().location"), "{}", r.why);
        assert_eq!(
            r.term.as_ref().map(ToString::to_string).as_deref(),
            Some("and(⟦reference('acr').adminUserEnabled⟧,⟦resourceGroup().location⟧)")
        );
        // not(U) is unknown, with a term of its own.
        let r = unknown_of(run("not", &[u()]));
        assert_eq!(
            r.term.as_ref().map(ToString::to_string).as_deref(),
            Some("not(⟦reference('acr').adminUserEnabled⟧)")
        );
        assert!(r.why.contains("reference() of an existing registry"));
        // Candidates count as unknown.
        let c = Value::Candidates(Arc::new(Candidates {
            values: vec![true.into(), false.into()],
            parameter: Str::from("adminEnabled"),
        }));
        assert!(!yes("and", &[c.clone(), false.into()]));
        let r = unknown_of(run("and", &[c.clone(), true.into()]));
        assert!(r.why.contains("adminEnabled"));
        assert!(matches!(run("not", &[c]), Err(FnError::Unknown(_))));
    }

    #[test]
    fn bool_conversions() {
        assert!(yes("bool", &["true".into()]));
        assert!(yes("bool", &["TRUE".into()]));
        assert!(yes("bool", &["True".into()]));
        assert!(!yes("bool", &["false".into()]));
        assert!(!yes("bool", &[" False ".into()]));
        assert!(yes("bool", &[1.into()]));
        assert!(!yes("bool", &[0.into()]));
        // Any non-zero integer is true, as .NET's Convert.ToBoolean has it.
        assert!(yes("bool", &[(-2).into()]));
        assert!(yes("bool", &[true.into()]));
        assert!(is_invalid(run("bool", &["yes".into()])));
        assert!(is_invalid(run("bool", &["1".into()])));
        assert!(is_invalid(run("bool", &["".into()])));
        assert!(is_invalid(run("bool", &[Value::Null])));
        assert!(is_invalid(run("bool", &[Value::array(vec![])])));
        assert!(matches!(run("bool", &[loc()]), Err(FnError::Unknown(_))));
    }
}
