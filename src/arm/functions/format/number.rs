//! .NET numeric format strings, as `String.Format` applies them to ARM's integers
//! (`Int64`) and floats (`Double`) in the en-US culture ARM runs with.
//!
//! Standard formats: `C`, `D`, `E`, `F`, `G`, `N`, `P`, `R`, `X`, `B` (with optional
//! precision). Anything else is a custom format (`0`, `#`, `.`, `,`, `%`, `‰`, `E0`,
//! quoted literals, `\` escapes and `;` sections), interpreted like .NET's
//! `NumberToStringFormat`. Rounding is half away from zero on the exact decimal value,
//! like .NET Core 3.0 and later.

use crate::arm::limits::MAX_STRING_BYTES;

#[derive(Clone, Copy, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
}

/// A decimal number `0.d1d2d3… × 10^exp` with no leading or trailing zero digits.
#[derive(Clone, Debug)]
struct Digits {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Digits {
    fn from_int(v: i64) -> Digits {
        let text = v.unsigned_abs().to_string();
        Digits::from_sci(v < 0, &text, text.len() as i64 - 1)
    }

    /// Exact decimal expansion of a finite double.
    fn exact(v: f64) -> Digits {
        // Rust's exact formatting mode prints every digit of the binary value; a double
        // never needs more than 767 significant digits.
        Digits::parse_sci(v.is_sign_negative(), &format!("{:.800e}", v.abs()))
    }

    /// Shortest digits that round-trip (what .NET Core's `double.ToString()` uses).
    fn shortest(v: f64) -> Digits {
        Digits::parse_sci(v.is_sign_negative(), &format!("{:e}", v.abs()))
    }

    fn parse_sci(neg: bool, sci: &str) -> Digits {
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
        let exponent: i64 = exponent.parse().unwrap_or(0);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        Digits::from_sci(neg, &digits, exponent)
    }

    /// From the digits of `d.ddd × 10^sci_exp`.
    fn from_sci(neg: bool, digits: &str, sci_exp: i64) -> Digits {
        let mut d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
        let leading = d.iter().take_while(|&&x| x == 0).count();
        d.drain(..leading);
        let exp = sci_exp + 1 - leading as i64;
        let mut out = Digits {
            neg,
            digits: d,
            exp,
        };
        out.trim();
        out
    }

    fn trim(&mut self) {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.exp = 0;
        }
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn digit(&self, i: i64) -> u8 {
        if i < 0 {
            return 0;
        }
        self.digits.get(i as usize).copied().unwrap_or(0)
    }

    /// Keep `keep` significant digits, rounding half away from zero.
    fn round(&mut self, keep: i64) {
        if keep >= self.digits.len() as i64 {
            return;
        }
        if keep < 0 {
            self.digits.clear();
            self.trim();
            return;
        }
        let keep = keep as usize;
        let up = self.digits[keep] >= 5;
        self.digits.truncate(keep);
        if up {
            let mut i = keep;
            loop {
                if i == 0 {
                    self.digits.insert(0, 1);
                    self.exp += 1;
                    break;
                }
                i -= 1;
                if self.digits[i] == 9 {
                    self.digits[i] = 0;
                } else {
                    self.digits[i] += 1;
                    break;
                }
            }
        }
        self.trim();
    }

    /// Integer digits (at least `"0"`), optionally grouped by three.
    fn integer_part(&self, group: bool) -> String {
        let mut int: Vec<u8> = (0..self.exp.max(0)).map(|i| self.digit(i)).collect();
        if int.is_empty() {
            int.push(0);
        }
        let mut out = String::with_capacity(int.len() + int.len() / 3);
        for (i, d) in int.iter().enumerate() {
            if group && i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(char::from(b'0' + d));
        }
        out
    }

    /// `decimals` fraction digits (after rounding to them).
    fn fraction_part(&self, decimals: usize) -> String {
        (0..decimals as i64)
            .map(|i| char::from(b'0' + self.digit(self.exp + i)))
            .collect()
    }

    /// Fixed-point text of the absolute value, rounded to `decimals`.
    fn fixed(&self, decimals: usize, group: bool) -> String {
        let mut d = self.clone();
        d.round(d.exp + decimals as i64);
        let mut out = d.integer_part(group);
        if decimals > 0 {
            out.push('.');
            out.push_str(&d.fraction_part(decimals));
        }
        out
    }
}

/// .NET Core's `double.ToString()` (invariant): shortest round-trip digits, scientific
/// notation from 1E+15 up and below 1E-04.
pub fn double_to_string(v: f64) -> String {
    if let Some(special) = non_finite(v) {
        return special.to_string();
    }
    general(&Digits::shortest(v), 15, 'E')
}

fn non_finite(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// The `G` layout: fixed for exponents in (-5, precision), scientific otherwise.
fn general(d: &Digits, precision: i64, e: char) -> String {
    let sign = if d.neg { "-" } else { "" };
    if d.is_zero() {
        return format!("{sign}0");
    }
    let sci_exp = d.exp - 1;
    let mut out = String::from(sign);
    if sci_exp > -5 && sci_exp < precision {
        out.push_str(&d.integer_part(false));
        let fraction_len = (d.digits.len() as i64 - d.exp).max(0) as usize;
        if fraction_len > 0 {
            out.push('.');
            out.push_str(&d.fraction_part(fraction_len));
        }
    } else {
        out.push(char::from(b'0' + d.digits[0]));
        if d.digits.len() > 1 {
            out.push('.');
            out.extend(d.digits[1..].iter().map(|x| char::from(b'0' + x)));
        }
        out.push(e);
        out.push(if sci_exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", sci_exp.abs()));
    }
    out
}

const INVALID_SPEC: &str = "Format specifier was invalid.";

/// Format a number with a .NET format string (empty means `G`).
pub fn format_number(n: Number, spec: &str) -> Result<String, String> {
    if let Number::Float(v) = n {
        if let Some(special) = non_finite(v) {
            return Ok(special.to_string());
        }
    }
    match parse_standard(spec)? {
        Some((letter, precision)) => standard(n, letter, precision),
        None => custom(n, spec),
    }
}

/// `Some((letter, precision))` when `spec` is a standard format (a letter and at most
/// nine digits); `None` for a custom format.
fn parse_standard(spec: &str) -> Result<Option<(char, Option<usize>)>, String> {
    let mut chars = spec.chars();
    let Some(letter) = chars.next() else {
        return Ok(Some(('G', None)));
    };
    let rest = chars.as_str();
    if !letter.is_ascii_alphabetic() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    if rest.is_empty() {
        return Ok(Some((letter, None)));
    }
    let precision: usize = rest.parse().map_err(|_| INVALID_SPEC.to_string())?;
    if precision > 999_999_999 {
        return Err(INVALID_SPEC.to_string());
    }
    if precision > MAX_STRING_BYTES {
        return Err(format!(
            "precision {precision} exceeds the {MAX_STRING_BYTES} byte limit"
        ));
    }
    Ok(Some((letter, Some(precision))))
}

fn digits_of(n: Number) -> Digits {
    match n {
        Number::Int(i) => Digits::from_int(i),
        Number::Float(f) => Digits::exact(f),
    }
}

/// Integers lose the sign of a value that rounds to zero; doubles keep it (.NET Core).
fn sign(n: Number, d: &Digits) -> &'static str {
    match n {
        Number::Int(i) if i < 0 && !d.is_zero() => "-",
        Number::Float(_) if d.neg => "-",
        _ => "",
    }
}

fn rounded_fixed(n: Number, decimals: usize, group: bool) -> (Digits, String) {
    let mut d = digits_of(n);
    d.round(d.exp + decimals as i64);
    let text = d.fixed(decimals, group);
    (d, text)
}

fn standard(n: Number, letter: char, precision: Option<usize>) -> Result<String, String> {
    let upper = letter.to_ascii_uppercase();
    match (upper, n) {
        ('D', Number::Int(i)) => {
            let digits = i.unsigned_abs().to_string();
            let width = precision.unwrap_or(0);
            let sign = if i < 0 { "-" } else { "" };
            Ok(format!("{sign}{digits:0>width$}"))
        }
        ('X', Number::Int(i)) => {
            let width = precision.unwrap_or(0);
            // Negative values print their two's complement, like Int64.ToString("X").
            Ok(if letter == 'x' {
                format!("{:0>width$x}", i as u64)
            } else {
                format!("{:0>width$X}", i as u64)
            })
        }
        ('B', Number::Int(i)) => {
            let width = precision.unwrap_or(0);
            Ok(format!("{:0>width$b}", i as u64))
        }
        ('F' | 'N', _) => {
            let (d, text) = rounded_fixed(n, precision.unwrap_or(2), upper == 'N');
            Ok(format!("{}{text}", sign(n, &d)))
        }
        ('P', _) => {
            let mut d = digits_of(n);
            if !d.is_zero() {
                d.exp += 2;
            }
            let decimals = precision.unwrap_or(2);
            d.round(d.exp + decimals as i64);
            let text = d.fixed(decimals, true);
            Ok(format!("{}{text}%", sign(n, &d)))
        }
        ('C', _) => {
            let (d, text) = rounded_fixed(n, precision.unwrap_or(2), true);
            Ok(format!("{}${text}", sign(n, &d)))
        }
        ('E', _) => {
            let p = precision.unwrap_or(6);
            let mut d = digits_of(n);
            d.round(p as i64 + 1);
            let exp = if d.is_zero() { 0 } else { d.exp - 1 };
            let mantissa: String = (0..=p as i64)
                .map(|i| char::from(b'0' + d.digit(i)))
                .collect();
            let (head, tail) = mantissa.split_at(1);
            let dot = if p > 0 { "." } else { "" };
            let exp_sign = if exp < 0 { '-' } else { '+' };
            Ok(format!(
                "{}{head}{dot}{tail}{letter}{exp_sign}{:03}",
                sign(n, &d),
                exp.abs()
            ))
        }
        ('G', _) => {
            let e = if letter == 'g' { 'e' } else { 'E' };
            match (n, precision.filter(|&p| p > 0)) {
                (Number::Int(i), None) => Ok(i.to_string()),
                (Number::Float(f), None) => Ok(general(&Digits::shortest(f), 15, e)),
                (_, Some(p)) => {
                    let mut d = digits_of(n);
                    d.round(p as i64);
                    if matches!(n, Number::Int(_)) && d.is_zero() {
                        d.neg = false;
                    }
                    Ok(general(&d, p as i64, e))
                }
            }
        }
        ('R', Number::Float(f)) => Ok(double_to_string(f)),
        _ => Err(INVALID_SPEC.to_string()),
    }
}

// ---- custom formats ---------------------------------------------------------------

/// Byte ranges of the `;`-separated sections (quotes and `\` escapes respected).
fn sections(spec: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in spec.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (None, ';') => {
                out.push(&spec[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&spec[start..]);
    out
}

/// .NET's `FindSection`: the n-th section, or the first when it is missing or empty.
fn find_section<'s>(all: &[&'s str], n: usize) -> (usize, &'s str) {
    match all.get(n) {
        Some(s) if !s.is_empty() => (n, s),
        _ => (0, all.first().copied().unwrap_or("")),
    }
}

/// What a custom section asks for, from one pass over it.
struct Layout {
    digit_count: i64,
    decimal_pos: i64,
    first_zero: i64,
    last_zero: i64,
    thousands: bool,
    scale: i64,
    scientific: bool,
}

/// Is there an exponent pattern (`E0`, `E+0`, `e-00`…) at `chars[i]` (the `E`)?
fn exponent_at(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('0') => true,
        Some('+' | '-') => chars.get(i + 2) == Some(&'0'),
        _ => false,
    }
}

fn layout(chars: &[char]) -> Layout {
    let mut l = Layout {
        digit_count: 0,
        decimal_pos: -1,
        first_zero: i64::MAX,
        last_zero: 0,
        thousands: false,
        scale: 0,
        scientific: false,
    };
    let mut thousand_pos = -1;
    let mut thousand_count = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '#' => l.digit_count += 1,
            '0' => {
                if l.first_zero == i64::MAX {
                    l.first_zero = l.digit_count;
                }
                l.digit_count += 1;
                l.last_zero = l.digit_count;
            }
            '.' if l.decimal_pos < 0 => l.decimal_pos = l.digit_count,
            ',' if l.digit_count > 0 && l.decimal_pos < 0 => {
                if thousand_pos >= 0 {
                    if thousand_pos == l.digit_count {
                        thousand_count += 1;
                        i += 1;
                        continue;
                    }
                    l.thousands = true;
                }
                thousand_pos = l.digit_count;
                thousand_count = 1;
            }
            '%' => l.scale += 2,
            '\u{2030}' => l.scale += 3,
            q @ ('\'' | '"') => {
                i += 1;
                while i < chars.len() && chars[i] != q {
                    i += 1;
                }
            }
            '\\' => i += 1,
            'E' | 'e' if exponent_at(chars, i) => {
                l.scientific = true;
                i += 1;
                if matches!(chars.get(i), Some('+' | '-')) {
                    i += 1;
                }
                while chars.get(i + 1) == Some(&'0') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if l.decimal_pos < 0 {
        l.decimal_pos = l.digit_count;
    }
    if thousand_pos >= 0 {
        if thousand_pos == l.decimal_pos {
            l.scale -= thousand_count * 3;
        } else {
            l.thousands = true;
        }
    }
    l
}

fn custom(n: Number, spec: &str) -> Result<String, String> {
    let all = sections(spec);
    let original = digits_of(n);
    let first_choice = if original.is_zero() {
        2
    } else if original.neg {
        1
    } else {
        0
    };
    let (mut section, mut text) = find_section(&all, first_choice);
    let (chars, l, d) = loop {
        let chars: Vec<char> = text.chars().collect();
        let l = layout(&chars);
        let mut d = original.clone();
        if !d.is_zero() {
            d.exp += l.scale;
        }
        let keep = if l.scientific {
            l.digit_count
        } else {
            d.exp + l.digit_count - l.decimal_pos
        };
        d.round(keep);
        if d.is_zero() {
            let (zero_section, zero_text) = find_section(&all, 2);
            if zero_section != section {
                section = zero_section;
                text = zero_text;
                continue;
            }
        }
        break (chars, l, d);
    };
    Ok(render_custom(
        &chars,
        &l,
        &d,
        original.neg && section == 0 && !d.is_zero(),
    ))
}

fn render_custom(chars: &[char], l: &Layout, d: &Digits, minus: bool) -> String {
    let mut out = String::new();
    if minus {
        out.push('-');
    }
    let first_zero = if l.first_zero < l.decimal_pos {
        l.decimal_pos - l.first_zero
    } else {
        0
    };
    let last_zero = if l.last_zero > l.decimal_pos {
        l.decimal_pos - l.last_zero
    } else {
        0
    };
    let (mut dig_pos, mut adjust) = if l.scientific {
        (l.decimal_pos, 0)
    } else {
        (d.exp.max(l.decimal_pos), d.exp - l.decimal_pos)
    };
    let mut next = 0usize;
    let mut decimal_written = false;
    let push_digit = |out: &mut String, c: char, dig_pos: i64| {
        out.push(c);
        if l.thousands && dig_pos > 1 && (dig_pos - 1) % 3 == 0 {
            out.push(',');
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if adjust > 0 && matches!(c, '#' | '0' | '.') {
            while adjust > 0 {
                let digit = d.digits.get(next).map_or('0', |x| char::from(b'0' + x));
                next += usize::from(next < d.digits.len());
                push_digit(&mut out, digit, dig_pos);
                dig_pos -= 1;
                adjust -= 1;
            }
        }
        match c {
            '#' | '0' => {
                let digit = if adjust < 0 {
                    adjust += 1;
                    (dig_pos <= first_zero).then_some('0')
                } else if let Some(x) = d.digits.get(next) {
                    next += 1;
                    Some(char::from(b'0' + x))
                } else {
                    (dig_pos > last_zero).then_some('0')
                };
                if let Some(digit) = digit {
                    push_digit(&mut out, digit, dig_pos);
                }
                dig_pos -= 1;
            }
            '.' => {
                if dig_pos == 0
                    && !decimal_written
                    && (last_zero < 0 || (l.decimal_pos < l.digit_count && next < d.digits.len()))
                {
                    out.push('.');
                    decimal_written = true;
                }
            }
            ',' => {}
            '%' => out.push('%'),
            q @ ('\'' | '"') => {
                i += 1;
                while i < chars.len() && chars[i] != q {
                    out.push(chars[i]);
                    i += 1;
                }
            }
            '\\' => {
                if let Some(&escaped) = chars.get(i + 1) {
                    out.push(escaped);
                    i += 1;
                }
            }
            'E' | 'e' if l.scientific && exponent_at(chars, i) => {
                out.push(c);
                i += 1;
                let always_sign = chars[i] == '+';
                if matches!(chars[i], '+' | '-') {
                    i += 1;
                }
                let mut min_digits = 1;
                while chars.get(i + 1) == Some(&'0') {
                    min_digits += 1;
                    i += 1;
                }
                let exp = if d.is_zero() {
                    0
                } else {
                    d.exp - l.decimal_pos
                };
                if exp < 0 {
                    out.push('-');
                } else if always_sign {
                    out.push('+');
                }
                out.push_str(&format!("{:0>min_digits$}", exp.abs()));
            }
            other => out.push(other),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
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
}
