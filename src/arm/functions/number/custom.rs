//! Custom numeric format strings (`0`, `#`, `.`, `,`, `%`, `‰`, `E0`, literals and `;`
//! sections), following .NET's `NumberToStringFormat`.

use super::{digits_of, Digits, Number};

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

pub(super) fn custom(n: Number, spec: &str) -> Result<String, String> {
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
