//! ARM template functions: numeric (`add`, `sub`, `mul`, `div`, `mod`, `int`, `float`).
//!
//! Integers are 64-bit like ARM's. Where .NET would silently wrap on overflow we report
//! the deployment as invalid instead of producing a wrapped number nobody meant.
//! `min`/`max` live with the array functions; `copyIndex` belongs to the evaluator.
//!
//! Docs: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-numeric>.

use super::{arg_int, invalid, known, FnResult, FnSpec, Host};
use crate::arm::value::Value;

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("add", 2, Some(2), add),
    FnSpec::new("sub", 2, Some(2), sub),
    FnSpec::new("mul", 2, Some(2), mul),
    FnSpec::new("div", 2, Some(2), div),
    FnSpec::new("mod", 2, Some(2), modulo),
    FnSpec::new("int", 1, Some(1), int),
    FnSpec::new("float", 1, Some(1), float),
];

/// Apply a checked binary operation to two integer arguments.
fn binary(args: &[Value], func: &str, op: fn(i64, i64) -> Option<i64>) -> FnResult {
    let a = arg_int(args, 0, func)?;
    let b = arg_int(args, 1, func)?;
    op(a, b).map(Value::Int).ok_or_else(|| {
        invalid(format!(
            "{func}({a}, {b}): result does not fit in a 64-bit integer"
        ))
    })
}

fn add(_: &mut dyn Host, args: &[Value]) -> FnResult {
    binary(args, "add", i64::checked_add)
}

fn sub(_: &mut dyn Host, args: &[Value]) -> FnResult {
    binary(args, "sub", i64::checked_sub)
}

fn mul(_: &mut dyn Host, args: &[Value]) -> FnResult {
    binary(args, "mul", i64::checked_mul)
}

/// Integer division truncating toward zero (`div(-7, 2)` is -3), like .NET.
fn div(_: &mut dyn Host, args: &[Value]) -> FnResult {
    if arg_int(args, 1, "div")? == 0 {
        return Err(invalid("div: the divisor cannot be 0"));
    }
    binary(args, "div", i64::checked_div)
}

/// Remainder whose sign follows the dividend (`mod(-7, 3)` is -1), like .NET's `%`.
fn modulo(_: &mut dyn Host, args: &[Value]) -> FnResult {
    if arg_int(args, 1, "mod")? == 0 {
        return Err(invalid("mod: the divisor cannot be 0"));
    }
    // i64::MIN % -1 overflows in .NET too (OverflowException).
    binary(args, "mod", i64::checked_rem)
}

/// `int(x)`: an integer as is; a float truncated toward zero; a string holding an
/// integer (surrounding whitespace and a leading sign allowed, like .NET's
/// `long.Parse`). A string with a fraction (`'4.5'`) is not an integer.
fn int(_: &mut dyn Host, args: &[Value]) -> FnResult {
    match known(&args[0])? {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Float(f) => {
            let t = f.trunc();
            // i64::MAX as f64 rounds up to 2^63, which is already out of range.
            if t.is_finite() && t >= i64::MIN as f64 && t < i64::MAX as f64 {
                Ok(Value::Int(t as i64))
            } else {
                Err(invalid(format!(
                    "int: {f} does not fit in a 64-bit integer"
                )))
            }
        }
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| invalid(format!("int: '{s}' is not an integer"))),
        other => Err(invalid(format!(
            "int: argument must be a string or a number, got {}",
            other.type_name()
        ))),
    }
}

/// `float(x)`: from an integer, a float or a string in invariant culture (`'3.5'`,
/// `'-1e3'`). Infinities and NaN are refused: they have no JSON form.
fn float(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let value = match known(&args[0])? {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(s) => {
            let t = s.trim();
            // Rust also reads "inf"/"nan" spellings; those end up refused below.
            let looks_numeric = t
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
            match t.parse::<f64>() {
                Ok(f) if looks_numeric => f,
                _ => return Err(invalid(format!("float: '{s}' is not a number"))),
            }
        }
        other => {
            return Err(invalid(format!(
                "float: argument must be a string or a number, got {}",
                other.type_name()
            )))
        }
    };
    if value.is_finite() {
        Ok(Value::Float(value))
    } else {
        Err(invalid(format!("float: {value} is not a finite number")))
    }
}

#[cfg(test)]
mod tests {
    use crate::arm::functions::{call, FnError, FnResult, NoHost};
    use crate::arm::value::Value;

    fn run(name: &str, args: &[Value]) -> FnResult {
        call(&mut NoHost, name, args)
    }

    fn int_of(name: &str, args: &[Value]) -> i64 {
        match run(name, args) {
            Ok(Value::Int(i)) => i,
            other => panic!("{name}: expected an int, got {other:?}"),
        }
    }

    fn float_of(args: &[Value]) -> f64 {
        match run("float", args) {
            Ok(Value::Float(f)) => f,
            other => panic!("float: expected a float, got {other:?}"),
        }
    }

    fn invalid_msg(name: &str, args: &[Value]) -> String {
        match run(name, args) {
            Err(FnError::Invalid(m)) => m,
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn documented_examples() {
        assert_eq!(int_of("add", &[5.into(), 3.into()]), 8);
        assert_eq!(int_of("div", &[8.into(), 3.into()]), 2);
        assert_eq!(int_of("mod", &[7.into(), 3.into()]), 1);
        assert_eq!(int_of("mul", &[5.into(), 3.into()]), 15);
        assert_eq!(int_of("sub", &[7.into(), 3.into()]), 4);
        assert_eq!(int_of("int", &["4".into()]), 4);
        assert_eq!(float_of(&["3.0".into()]), 3.0);
        assert_eq!(float_of(&[3.into()]), 3.0);
        // Bicep operator docs.
        assert_eq!(int_of("div", &[10.into(), 2.into()]), 5);
        assert_eq!(int_of("mod", &[10.into(), 3.into()]), 1);
        assert_eq!(int_of("mod", &[8.into(), 4.into()]), 0);
    }

    #[test]
    fn signs_follow_dotnet() {
        assert_eq!(int_of("div", &[(-7).into(), 2.into()]), -3);
        assert_eq!(int_of("div", &[7.into(), (-2).into()]), -3);
        assert_eq!(int_of("div", &[(-7).into(), (-2).into()]), 3);
        assert_eq!(int_of("mod", &[(-7).into(), 3.into()]), -1);
        assert_eq!(int_of("mod", &[7.into(), (-3).into()]), 1);
        assert_eq!(int_of("mod", &[(-7).into(), (-3).into()]), -1);
        assert_eq!(int_of("sub", &[3.into(), 10.into()]), -7);
    }

    #[test]
    fn overflow_and_division_by_zero() {
        assert!(invalid_msg("add", &[i64::MAX.into(), 1.into()]).contains("64-bit"));
        assert!(invalid_msg("sub", &[i64::MIN.into(), 1.into()]).contains("64-bit"));
        assert!(invalid_msg("mul", &[(i64::MAX / 2 + 1).into(), 2.into()]).contains("64-bit"));
        assert!(invalid_msg("div", &[i64::MIN.into(), (-1).into()]).contains("64-bit"));
        assert!(invalid_msg("mod", &[i64::MIN.into(), (-1).into()]).contains("64-bit"));
        assert!(invalid_msg("div", &[1.into(), 0.into()]).contains("cannot be 0"));
        assert!(invalid_msg("mod", &[1.into(), 0.into()]).contains("cannot be 0"));
        assert_eq!(int_of("add", &[i64::MAX.into(), i64::MIN.into()]), -1);
        assert_eq!(int_of("mul", &[i64::MIN.into(), 1.into()]), i64::MIN);
    }

    #[test]
    fn operand_types() {
        // Integral floats are accepted as integers; others are not.
        assert_eq!(int_of("add", &[Value::Float(2.0), 3.into()]), 5);
        invalid_msg("add", &[Value::Float(2.5), 3.into()]);
        invalid_msg("add", &["2".into(), 3.into()]);
        invalid_msg("mul", &[true.into(), 3.into()]);
        invalid_msg("sub", &[Value::Null, 3.into()]);
        invalid_msg("div", &[1.into(), "0".into()]);
        invalid_msg("add", &[1.into()]);
        invalid_msg("add", &[1.into(), 2.into(), 3.into()]);
        let u = Value::unknown_term(
            "copy count",
            crate::arm::value::Term::Parameter("count".into()),
        );
        assert!(matches!(
            run("add", &[u, 1.into()]),
            Err(FnError::Unknown(_))
        ));
    }

    #[test]
    fn int_conversions() {
        assert_eq!(int_of("int", &[42.into()]), 42);
        assert_eq!(int_of("int", &["-17".into()]), -17);
        assert_eq!(int_of("int", &["+8".into()]), 8);
        assert_eq!(int_of("int", &[" 12 ".into()]), 12);
        assert_eq!(int_of("int", &["9223372036854775807".into()]), i64::MAX);
        // Floats truncate toward zero.
        assert_eq!(int_of("int", &[Value::Float(4.7)]), 4);
        assert_eq!(int_of("int", &[Value::Float(-4.7)]), -4);
        assert_eq!(int_of("int", &[Value::Float(-0.5)]), 0);
        invalid_msg("int", &[Value::Float(1e19)]);
        invalid_msg("int", &[Value::Float(2f64.powi(63))]);
        invalid_msg("int", &["4.5".into()]);
        invalid_msg("int", &["".into()]);
        invalid_msg("int", &["abc".into()]);
        invalid_msg("int", &["9223372036854775808".into()]);
        invalid_msg("int", &[true.into()]);
        invalid_msg("int", &[Value::Null]);
        invalid_msg("int", &[Value::array(vec![])]);
    }

    #[test]
    fn float_conversions() {
        assert_eq!(float_of(&["3.5".into()]), 3.5);
        assert_eq!(float_of(&["-1e3".into()]), -1000.0);
        assert_eq!(float_of(&[" .25 ".into()]), 0.25);
        assert_eq!(float_of(&[(-4).into()]), -4.0);
        assert_eq!(float_of(&[Value::Float(2.5)]), 2.5);
        invalid_msg("float", &["abc".into()]);
        invalid_msg("float", &["".into()]);
        invalid_msg("float", &["NaN".into()]);
        invalid_msg("float", &["inf".into()]);
        invalid_msg("float", &["1e400".into()]);
        invalid_msg("float", &["3,5".into()]);
        invalid_msg("float", &[true.into()]);
        invalid_msg("float", &[Value::empty_object()]);
    }
}
