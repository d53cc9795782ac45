//! The ARM template function library.
//!
//! Each group of functions lives in its own file and exports a `FUNCTIONS` table of
//! [`FnSpec`]. The evaluator looks names up case-insensitively, checks arity, lifts
//! candidate sets and propagates unknown arguments before calling an implementation
//! (unless the spec says it handles unknowns itself), so an implementation only sees
//! known top-level arguments. Values nested inside arrays and objects may still be
//! unknown: the `arg_*` accessors and [`known`] turn those into [`FnError::Unknown`],
//! which the evaluator turns into an unknown result.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::arm::limits;
use crate::arm::value::{Lambda, Map, Str, Unknown, Value};

pub mod array;
pub mod cidr;
pub mod compare;
pub mod date;
pub mod encoding;
pub mod format;
pub mod hash;
pub mod lambda;
pub mod number;
pub mod numeric;
pub mod object;
pub mod string;

/// Why a function produced no value.
#[derive(Clone, Debug)]
pub enum FnError {
    /// The result depends on a value only known at deployment time.
    Unknown(Arc<Unknown>),
    /// The deployment itself would fail with this message (wrong types, out of range…).
    Invalid(String),
    /// The result would pass one of acrlint's [`Limits`](crate::arm::limits::Limits):
    /// it is not computed, and the file fails (the evaluator reports it where the
    /// expression is, and goes on with an unknown value).
    Limit(String),
}

pub type FnResult = Result<Value, FnError>;

/// What a function implementation may ask of the evaluator.
pub trait Host {
    /// Call a lambda value with arguments (for `map`, `filter`, `reduce`, `sort`, …).
    fn call_lambda(&mut self, lambda: &Lambda, args: &[Value]) -> FnResult;
}

pub type Builtin = fn(&mut dyn Host, &[Value]) -> FnResult;

/// One library function.
pub struct FnSpec {
    /// Name as ARM documents it (lookup is case-insensitive).
    pub name: &'static str,
    pub min_args: usize,
    /// `None` for variadic functions.
    pub max_args: Option<usize>,
    pub imp: Builtin,
    /// When false the evaluator short-circuits any top-level unknown argument into an
    /// unknown result; when true the implementation receives unknowns as they are.
    pub accepts_unknown: bool,
}

impl FnSpec {
    pub const fn new(
        name: &'static str,
        min_args: usize,
        max_args: Option<usize>,
        imp: Builtin,
    ) -> Self {
        FnSpec {
            name,
            min_args,
            max_args,
            imp,
            accepts_unknown: false,
        }
    }

    pub const fn accepting_unknown(mut self) -> Self {
        self.accepts_unknown = true;
        self
    }
}

fn all_tables() -> [&'static [FnSpec]; 11] {
    [
        array::FUNCTIONS,
        cidr::FUNCTIONS,
        compare::FUNCTIONS,
        date::FUNCTIONS,
        encoding::FUNCTIONS,
        format::FUNCTIONS,
        hash::FUNCTIONS,
        lambda::FUNCTIONS,
        numeric::FUNCTIONS,
        object::FUNCTIONS,
        string::FUNCTIONS,
    ]
}

/// Look a library function up by name, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static FnSpec> {
    static TABLE: OnceLock<HashMap<String, &'static FnSpec>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for table in all_tables() {
            for spec in table {
                map.insert(spec.name.to_ascii_lowercase(), spec);
            }
        }
        map
    });
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        table.get(&name.to_ascii_lowercase()).copied()
    } else {
        table.get(name).copied()
    }
}

// ---- argument helpers -------------------------------------------------------------

pub fn invalid(msg: impl Into<String>) -> FnError {
    FnError::Invalid(msg.into())
}

/// A result only known at deployment, or not at all (a number out of range).
pub fn unknown(why: impl Into<String>) -> FnError {
    FnError::Unknown(Arc::new(Unknown {
        why: why.into(),
        ..Default::default()
    }))
}

/// A number read from JSON text (`json()`, `base64ToJson()`): an integer when it is
/// one, else a float; a number no 64-bit float holds (`1e400`) is an unknown that
/// says so (what ARM makes of it is not documented; infinity has no JSON form).
pub fn json_number(text: &str, func: &str) -> Value {
    match text.parse::<i64>() {
        Ok(i) => Value::Int(i),
        Err(_) => match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Value::Float(f),
            _ => Value::unknown(format!(
                "{func}: the number {text} is outside the range of a 64-bit float"
            )),
        },
    }
}

/// A whole float as an integer, when it is one (`f as i64` would saturate at the
/// bounds: `1e300` is not `i64::MAX`).
pub fn float_to_int(f: f64) -> Option<i64> {
    // i64::MAX as f64 rounds up to 2^63, which is already out of range.
    (f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

/// Fails with [`FnError::Unknown`] if the value is (or contains) an unknown or candidates.
pub fn known(v: &Value) -> Result<&Value, FnError> {
    match first_unknown(v) {
        Some(u) => Err(FnError::Unknown(u)),
        None => Ok(v),
    }
}

/// The first unknown inside a value (candidates count as unknown here).
pub fn first_unknown(v: &Value) -> Option<Arc<Unknown>> {
    match v {
        Value::Unknown(u) => Some(u.clone()),
        Value::Candidates(c) => Some(Arc::new(Unknown {
            why: format!(
                "depends on parameter '{}' (one of its allowed values)",
                c.parameter
            ),
            term: Some(Str::from(format!("parameters('{}')", c.parameter))),
            ..Default::default()
        })),
        Value::Array(items) => items.iter().find_map(first_unknown),
        Value::Object(map) => map.values().find_map(first_unknown),
        _ => None,
    }
}

fn shallow_unknown(v: &Value) -> Option<FnError> {
    match v {
        Value::Unknown(_) | Value::Candidates(_) => first_unknown(v).map(FnError::Unknown),
        _ => None,
    }
}

pub fn arg_str<'v>(args: &'v [Value], i: usize, func: &str) -> Result<&'v str, FnError> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(shallow_unknown(v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: argument {} must be a string, got {}",
                i + 1,
                v.type_name()
            ))
        })),
        None => Err(invalid(format!("{func}: missing argument {}", i + 1))),
    }
}

pub fn arg_int(args: &[Value], i: usize, func: &str) -> Result<i64, FnError> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.is_finite() => {
            float_to_int(*f).ok_or_else(|| {
                unknown(format!(
                    "{func}: argument {} ({f}) is outside the range of a 64-bit integer",
                    i + 1
                ))
            })
        }
        Some(v) => Err(shallow_unknown(v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: argument {} must be an integer, got {}",
                i + 1,
                v.type_name()
            ))
        })),
        None => Err(invalid(format!("{func}: missing argument {}", i + 1))),
    }
}

pub fn arg_array<'v>(args: &'v [Value], i: usize, func: &str) -> Result<&'v [Value], FnError> {
    match args.get(i) {
        Some(Value::Array(a)) => Ok(a),
        Some(v) => Err(shallow_unknown(v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: argument {} must be an array, got {}",
                i + 1,
                v.type_name()
            ))
        })),
        None => Err(invalid(format!("{func}: missing argument {}", i + 1))),
    }
}

pub fn arg_object<'v>(args: &'v [Value], i: usize, func: &str) -> Result<&'v Map, FnError> {
    match args.get(i) {
        Some(Value::Object(o)) => Ok(o),
        Some(v) => Err(shallow_unknown(v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: argument {} must be an object, got {}",
                i + 1,
                v.type_name()
            ))
        })),
        None => Err(invalid(format!("{func}: missing argument {}", i + 1))),
    }
}

pub fn arg_lambda<'v>(args: &'v [Value], i: usize, func: &str) -> Result<&'v Lambda, FnError> {
    match args.get(i) {
        Some(Value::Lambda(l)) => Ok(l),
        Some(v) => Err(shallow_unknown(v).unwrap_or_else(|| {
            invalid(format!(
                "{func}: argument {} must be a lambda, got {}",
                i + 1,
                v.type_name()
            ))
        })),
        None => Err(invalid(format!("{func}: missing argument {}", i + 1))),
    }
}

/// Check a produced string against the size cap.
pub fn capped_string(s: String, func: &str) -> FnResult {
    if s.len() > limits::string_bytes() {
        return Err(string_limit(func, s.len()));
    }
    Ok(Value::string(s))
}

/// Check a produced array against the size cap.
pub fn capped_array(items: Vec<Value>, func: &str) -> FnResult {
    if items.len() > limits::array_items() {
        return Err(array_limit(func, items.len()));
    }
    Ok(Value::array(items))
}

/// What formatting (`format`, number formats) returns when the result would pass the
/// string limit.
pub(crate) const OVER_LIMIT: &str = "the result is over the string limit";

/// A string of (at least) `len` bytes would pass the string limit. Functions check
/// before they build what they can size beforehand.
pub fn string_limit(func: &str, len: usize) -> FnError {
    let max = limits::string_bytes();
    FnError::Limit(format!(
        "{func}: a result of {len} bytes exceeds the {max} byte string limit {}",
        limits::raise_with("string-bytes", max)
    ))
}

/// An array of (at least) `len` items would pass the array limit.
pub fn array_limit(func: &str, len: usize) -> FnError {
    let max = limits::array_items();
    FnError::Limit(format!(
        "{func}: a result of {len} items exceeds the {max} item array limit {}",
        limits::raise_with("array-items", max)
    ))
}

/// A host for tests of functions evaluated without an evaluator: lambdas are
/// evaluated by the real evaluator, so this one refuses them.
#[cfg(test)]
pub struct NoHost;

#[cfg(test)]
impl Host for NoHost {
    fn call_lambda(&mut self, _lambda: &Lambda, _args: &[Value]) -> FnResult {
        Err(invalid("lambdas need an evaluator"))
    }
}

/// Call a library function directly (tests): arity check and implementation only.
#[cfg(test)]
pub fn call(host: &mut dyn Host, name: &str, args: &[Value]) -> FnResult {
    let spec = lookup(name).ok_or_else(|| invalid(format!("unknown function {name}")))?;
    if args.len() < spec.min_args || spec.max_args.is_some_and(|m| args.len() > m) {
        return Err(invalid(format!(
            "{}: wrong number of arguments ({})",
            spec.name,
            args.len()
        )));
    }
    (spec.imp)(host, args)
}
