//! .NET date and time format strings, invariant culture, as ARM's `dateTimeAdd` (and
//! `utcNow`) apply them.
//!
//! Standard formats: <https://learn.microsoft.com/dotnet/standard/base-types/standard-date-and-time-format-strings>.
//! Custom formats: <https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings>.
//!
//! Time zones: ARM runs in UTC, so a stamp is either UTC (its text had a zone) or
//! unspecified; `K` writes `Z` or nothing, `z`/`zz`/`zzz` always a zero offset.

use chrono::{Datelike, Timelike};

use super::Stamp;

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The custom pattern a one-character standard format stands for.
fn standard(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "MM/dd/yyyy",
        'D' => "dddd, dd MMMM yyyy",
        'f' => "dddd, dd MMMM yyyy HH:mm",
        'F' | 'U' => "dddd, dd MMMM yyyy HH:mm:ss",
        'g' => "MM/dd/yyyy HH:mm",
        'G' => "MM/dd/yyyy HH:mm:ss",
        'm' | 'M' => "MMMM dd",
        'o' | 'O' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        'r' | 'R' => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        's' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        't' => "HH:mm",
        'T' => "HH:mm:ss",
        'u' => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
        'y' | 'Y' => "yyyy MMMM",
        _ => return None,
    })
}

/// Format a stamp with a .NET format string. The error says what is wrong with the
/// format (where .NET would throw a `FormatException`).
pub fn format(stamp: &Stamp, fmt: &str) -> Result<String, String> {
    let mut chars = fmt.chars();
    let pattern = match (chars.next(), chars.next()) {
        // An empty format is the general one.
        (None, _) => "MM/dd/yyyy HH:mm:ss",
        (Some(c), None) => {
            standard(c).ok_or_else(|| format!("'{fmt}' is not a standard date and time format"))?
        }
        _ => fmt,
    };
    custom(stamp, pattern)
}

fn custom(stamp: &Stamp, pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\'' | '"' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&q| q == c)
                    .ok_or_else(|| format!("unterminated quoted text in '{pattern}'"))?;
                out.extend(&chars[i + 1..i + 1 + close]);
                i += close + 2;
            }
            '\\' => {
                let next = chars
                    .get(i + 1)
                    .ok_or_else(|| format!("'{pattern}' ends with '\\'"))?;
                out.push(*next);
                i += 2;
            }
            '%' => {
                // `%x` formats `x` as a one-letter custom specifier.
                match chars.get(i + 1) {
                    Some(&next) if next != '%' => {
                        specifier(stamp, next, 1, &mut out)?;
                        i += 2;
                    }
                    _ => return Err(format!("invalid use of '%' in '{pattern}'")),
                }
            }
            _ => {
                let run = chars[i..].iter().take_while(|&&x| x == c).count();
                // `K` and literal characters are taken one at a time.
                let run = if "dfFghHmMstyz".contains(c) { run } else { 1 };
                specifier(stamp, c, run, &mut out)?;
                i += run;
            }
        }
    }
    Ok(out)
}

/// Write `run` repetitions of the pattern letter `c` (or `c` itself if it is not one).
fn specifier(stamp: &Stamp, c: char, run: usize, out: &mut String) -> Result<(), String> {
    let t = &stamp.time;
    let two = |n: u32| format!("{n:02}");
    let one_or_two = |n: u32| if run == 1 { n.to_string() } else { two(n) };
    match c {
        'd' => match run {
            1 | 2 => out.push_str(&one_or_two(t.day())),
            3 => out.push_str(&DAYS[t.weekday().num_days_from_sunday() as usize][..3]),
            _ => out.push_str(DAYS[t.weekday().num_days_from_sunday() as usize]),
        },
        'M' => match run {
            1 | 2 => out.push_str(&one_or_two(t.month())),
            3 => out.push_str(&MONTHS[t.month0() as usize][..3]),
            _ => out.push_str(MONTHS[t.month0() as usize]),
        },
        'y' => {
            let year = t.year();
            if run <= 2 {
                let n = u32::try_from(year % 100).unwrap_or(0);
                out.push_str(&one_or_two(n));
            } else {
                out.push_str(&format!("{year:0run$}"));
            }
        }
        'h' => {
            let h = t.hour() % 12;
            out.push_str(&one_or_two(if h == 0 { 12 } else { h }));
        }
        'H' => out.push_str(&one_or_two(t.hour())),
        'm' => out.push_str(&one_or_two(t.minute())),
        's' => out.push_str(&one_or_two(t.second())),
        'f' | 'F' => {
            if run > 7 {
                return Err(format!(
                    "'{}' has more than 7 fraction digits",
                    c.to_string().repeat(run)
                ));
            }
            let ticks = format!("{:07}", t.nanosecond().min(999_999_999) / 100);
            let digits = &ticks[..run];
            if c == 'f' {
                out.push_str(digits);
            } else {
                let trimmed = digits.trim_end_matches('0');
                if trimmed.is_empty() && out.ends_with('.') {
                    // .NET drops the decimal point before an empty `F` fraction.
                    out.pop();
                }
                out.push_str(trimmed);
            }
        }
        't' => {
            let designator = if t.hour() < 12 { "AM" } else { "PM" };
            out.push_str(if run == 1 {
                &designator[..1]
            } else {
                designator
            });
        }
        'g' => out.push_str("A.D."),
        'z' => out.push_str(match run {
            1 => "+0",
            2 => "+00",
            _ => "+00:00",
        }),
        'K' => {
            if stamp.utc {
                out.push('Z');
            }
        }
        ':' | '/' => out.push(c),
        other => out.push(other),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    /// `text` is `yyyy-MM-ddTHH:mm:ss[.f]`.
    fn stamp(text: &str, utc: bool) -> Stamp {
        let time =
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").expect("valid test date");
        Stamp { time, utc }
    }

    fn f(s: &Stamp, fmt: &str) -> String {
        format(s, fmt).unwrap_or_else(|e| panic!("format '{fmt}': {e}"))
    }

    #[test]
    fn standard_formats_invariant_culture() {
        let s = stamp("2019-03-05T17:53:18", true);
        assert_eq!(f(&s, "d"), "03/05/2019");
        assert_eq!(f(&s, "D"), "Tuesday, 05 March 2019");
        assert_eq!(f(&s, "f"), "Tuesday, 05 March 2019 17:53");
        assert_eq!(f(&s, "F"), "Tuesday, 05 March 2019 17:53:18");
        assert_eq!(f(&s, "U"), "Tuesday, 05 March 2019 17:53:18");
        assert_eq!(f(&s, "g"), "03/05/2019 17:53");
        assert_eq!(f(&s, "G"), "03/05/2019 17:53:18");
        assert_eq!(f(&s, ""), "03/05/2019 17:53:18");
        assert_eq!(f(&s, "m"), "March 05");
        assert_eq!(f(&s, "M"), "March 05");
        assert_eq!(f(&s, "o"), "2019-03-05T17:53:18.0000000Z");
        assert_eq!(f(&s, "O"), "2019-03-05T17:53:18.0000000Z");
        assert_eq!(f(&s, "r"), "Tue, 05 Mar 2019 17:53:18 GMT");
        assert_eq!(f(&s, "R"), "Tue, 05 Mar 2019 17:53:18 GMT");
        assert_eq!(f(&s, "s"), "2019-03-05T17:53:18");
        assert_eq!(f(&s, "t"), "17:53");
        assert_eq!(f(&s, "T"), "17:53:18");
        assert_eq!(f(&s, "u"), "2019-03-05 17:53:18Z");
        assert_eq!(f(&s, "y"), "2019 March");
        assert_eq!(f(&s, "Y"), "2019 March");
        // 'o' without a zone has no designator.
        let unspecified = stamp("2019-03-05T17:53:18.12", false);
        assert_eq!(f(&unspecified, "o"), "2019-03-05T17:53:18.1200000");
    }

    #[test]
    fn unknown_single_letter_formats_fail() {
        let s = stamp("2019-03-05T17:53:18", true);
        for bad in ["x", "K", "z", "h", "H", "1", " "] {
            assert!(format(&s, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn custom_specifiers() {
        let s = stamp("2005-01-09T08:04:07.1234567", true);
        assert_eq!(f(&s, "M d"), "1 9");
        assert_eq!(f(&s, "MM dd"), "01 09");
        assert_eq!(f(&s, "MMM ddd"), "Jan Sun");
        assert_eq!(f(&s, "MMMM dddd"), "January Sunday");
        assert_eq!(f(&s, "MMMMM ddddd"), "January Sunday");
        assert_eq!(f(&s, "%y|yy|yyy|yyyy|yyyyy"), "5|05|2005|2005|02005");
        assert_eq!(f(&s, "%h|hh|%H|HH|hhh"), "8|08|8|08|08");
        assert_eq!(f(&s, "%m|mm|%s|ss"), "4|04|7|07");
        assert_eq!(f(&s, "%f|ff|fff|ffff|fffffff"), "1|12|123|1234|1234567");
        assert_eq!(f(&s, "%F|FFFFFFF"), "1|1234567");
        assert_eq!(f(&s, "%t|tt"), "A|AM");
        assert_eq!(f(&s, "%z|zz|zzz|%K|%g"), "+0|+00|+00:00|Z|A.D.");
        let pm = stamp("2005-01-09T00:00:00", false);
        assert_eq!(f(&pm, "hh tt|%K|"), "12 AM||");
        let pm = stamp("2005-01-09T13:00:00.5", false);
        assert_eq!(f(&pm, "h:mm tt"), "1:00 PM");
        assert_eq!(f(&pm, "ss.FFF"), "00.5");
        // An empty F fraction takes its decimal point with it.
        let whole = stamp("2005-01-09T13:00:00", false);
        assert_eq!(f(&whole, "HH:mm:ss.FFF"), "13:00:00");
        assert_eq!(f(&whole, "HH:mm:ss.fff"), "13:00:00.000");
    }

    #[test]
    fn literals_quotes_and_escapes() {
        let s = stamp("2023-04-02T15:16:13", true);
        assert_eq!(f(&s, "yyyyMMddTHHmmssZ"), "20230402T151613Z");
        assert_eq!(f(&s, "yyyy-MM-dd"), "2023-04-02");
        assert_eq!(f(&s, "yyyyMMdd_hhmmss"), "20230402_031613");
        assert_eq!(f(&s, "'Year' yyyy"), "Year 2023");
        assert_eq!(f(&s, "\"d\" d"), "d 2");
        assert_eq!(f(&s, "\\d\\a\\y d"), "day 2");
        assert_eq!(f(&s, "HH:mm"), "15:16");
        assert_eq!(f(&s, "dd/MM"), "02/04");
        assert_eq!(f(&s, "%d"), "2");
        assert_eq!(f(&s, "é yyyy"), "é 2023");
    }

    #[test]
    fn malformed_custom_formats_fail() {
        let s = stamp("2023-04-02T15:16:13", true);
        for bad in [
            "'open", "\"open", "yyyy\\", "%", "%%", "ffffffff", "FFFFFFFF",
        ] {
            assert!(format(&s, bad).is_err(), "{bad}");
        }
    }
}
