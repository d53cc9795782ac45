//! .NET numeric format strings, as `String.Format` applies them to ARM's integers
//! (`Int64`) and floats (`Double`) in the en-US culture ARM runs with.
//!
//! Standard formats: `C`, `D`, `E`, `F`, `G`, `N`, `P`, `R`, `X`, `B` (with optional
//! precision). Anything else is a custom format (`0`, `#`, `.`, `,`, `%`, `‰`, `E0`,
//! quoted literals, `\` escapes and `;` sections), interpreted like .NET's
//! `NumberToStringFormat`. Rounding is half away from zero on the exact decimal value,
//! like .NET Core 3.0 and later.

mod custom;

use custom::custom;

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
            if group && i > 0 && (int.len() - i).is_multiple_of(3) {
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
    if precision > crate::arm::limits::string_bytes() {
        return Err(super::OVER_LIMIT.into());
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

#[cfg(test)]
mod tests;
