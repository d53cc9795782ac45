//! Expected values follow .NET Core 3.0+ (en-US) formatting of Int64 and Double.
use super::*;

fn int(v: i64, spec: &str) -> String {
    format_number(Number::Int(v), spec).unwrap_or_else(|e| panic!("{v} {spec}: {e}"))
}

fn float(v: f64, spec: &str) -> String {
    format_number(Number::Float(v), spec).unwrap_or_else(|e| panic!("{v} {spec}: {e}"))
}

#[test]
fn standard_integer_formats() {
    assert_eq!(int(8175133, "N0"), "8,175,133"); // ARM docs, format()
    assert_eq!(int(1234, "N2"), "1,234.00");
    assert_eq!(int(-1234567, "N"), "-1,234,567.00");
    assert_eq!(int(123, "N0"), "123");
    assert_eq!(int(42, "D"), "42");
    assert_eq!(int(42, "D5"), "00042");
    assert_eq!(int(-42, "d5"), "-00042");
    assert_eq!(int(255, "X"), "FF");
    assert_eq!(int(255, "x"), "ff");
    assert_eq!(int(255, "X8"), "000000FF");
    assert_eq!(int(-1, "X"), "FFFFFFFFFFFFFFFF");
    assert_eq!(int(5, "B8"), "00000101");
    assert_eq!(int(42, "F2"), "42.00");
    assert_eq!(int(42, "F0"), "42");
    assert_eq!(int(12345, "E"), "1.234500E+004");
    assert_eq!(int(12345, "e2"), "1.23e+004");
    assert_eq!(int(0, "E2"), "0.00E+000");
    assert_eq!(int(1, "P"), "100.00%");
    assert_eq!(int(-1, "P0"), "-100%");
    assert_eq!(int(1234, "C"), "$1,234.00");
    assert_eq!(int(-5, "C0"), "-$5");
    assert_eq!(int(12345, "G"), "12345");
    assert_eq!(int(123456, "G3"), "1.23E+05");
    assert_eq!(int(123, "G5"), "123");
    assert_eq!(int(i64::MIN, "D"), "-9223372036854775808");
    assert_eq!(int(i64::MIN, "N0"), "-9,223,372,036,854,775,808");
    assert_eq!(int(7, ""), "7");
}

#[test]
fn standard_float_formats() {
    assert_eq!(float(1234.5678, "N2"), "1,234.57");
    assert_eq!(float(0.125, "F2"), "0.13"); // exact tie: away from zero
    assert_eq!(float(2.675, "F2"), "2.67"); // 2.675 is 2.67499999… in binary
    assert_eq!(float(0.5, "P"), "50.00%");
    assert_eq!(float(0.1234, "P1"), "12.3%");
    assert_eq!(float(-0.001, "F2"), "-0.00");
    assert_eq!(float(1234.5678, "E2"), "1.23E+003");
    assert_eq!(float(0.000123, "E"), "1.230000E-004");
    assert_eq!(float(1.5, "G"), "1.5");
    assert_eq!(float(123.456, "G4"), "123.5");
    assert_eq!(float(0.5, "R"), "0.5");
    assert_eq!(float(9.995, "F2"), "9.99"); // binary value is below the tie
    assert_eq!(float(99.5, "F0"), "100");
}

#[test]
fn invalid_specifiers() {
    assert!(format_number(Number::Int(1), "Z").is_err());
    assert!(format_number(Number::Int(1), "R").is_err());
    assert!(format_number(Number::Float(1.5), "D").is_err());
    assert!(format_number(Number::Float(1.5), "X2").is_err());
    assert!(format_number(Number::Int(1), "D1000000000").is_err());
    assert!(format_number(Number::Int(1), "D999999999").is_err()); // over our size cap
}

#[test]
fn double_to_string_matches_dotnet_core() {
    assert_eq!(double_to_string(1.5), "1.5");
    assert_eq!(double_to_string(0.1), "0.1");
    assert_eq!(double_to_string(100.0), "100");
    assert_eq!(double_to_string(1e14), "100000000000000");
    assert_eq!(double_to_string(1e15), "1E+15");
    assert_eq!(
        double_to_string(1.2345678901234568e17),
        "1.2345678901234568E+17"
    );
    assert_eq!(double_to_string(0.0001), "0.0001");
    assert_eq!(double_to_string(0.00001), "1E-05");
    assert_eq!(double_to_string(-2.5), "-2.5");
    assert_eq!(double_to_string(0.0), "0");
    assert_eq!(double_to_string(-0.0), "-0");
    assert_eq!(double_to_string(f64::NAN), "NaN");
    assert_eq!(double_to_string(f64::INFINITY), "Infinity");
}

#[test]
fn custom_digit_placeholders() {
    assert_eq!(int(1234567, "#,##0"), "1,234,567");
    assert_eq!(int(12, "#,##0"), "12");
    assert_eq!(int(0, "#,##0"), "0");
    assert_eq!(int(42, "0000"), "0042");
    assert_eq!(int(123456, "0000"), "123456");
    assert_eq!(int(0, "#"), "");
    assert_eq!(int(42, "#"), "42");
    assert_eq!(int(1234, "0.00"), "1234.00");
    assert_eq!(float(1234.5678, "#,##0.00"), "1,234.57");
    assert_eq!(float(0.5, "#.##"), ".5");
    assert_eq!(float(0.5, "0.##"), "0.5");
    assert_eq!(float(1.0, "0.##"), "1");
    assert_eq!(int(-42, "0000"), "-0042");
    assert_eq!(int(5551234, "000-0000"), "555-1234");
    assert_eq!(int(1234567890, "(###) ###-####"), "(123) 456-7890");
}

#[test]
fn custom_scaling_percent_literals_sections() {
    assert_eq!(int(1234567, "#,##0,"), "1,235");
    assert_eq!(int(1234567890, "0,,"), "1235");
    assert_eq!(float(0.256, "0%"), "26%");
    assert_eq!(float(0.256, "0.0 '%'"), "0.3 %");
    assert_eq!(int(5, "'#'0"), "#5");
    assert_eq!(int(5, "\\#0"), "#5");
    assert_eq!(int(-5, "'x'0"), "-x5");
    assert_eq!(int(5, "0;(0);zero"), "5");
    assert_eq!(int(-5, "0;(0);zero"), "(5)");
    assert_eq!(int(0, "0;(0);zero"), "zero");
    assert_eq!(int(-5, "0;;zero"), "-5");
    assert_eq!(float(-0.001, "0.0;(0.0);zero"), "zero");
    assert_eq!(int(12345, "0.00E+00"), "1.23E+04");
    assert_eq!(float(0.00123, "0.0e0"), "1.2e-3");
    assert_eq!(int(7, "0 items"), "7 items");
}
