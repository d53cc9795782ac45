//! Reading ISO 8601 timestamps and durations the way ARM (that is, .NET) does.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::{in_dotnet_range, Stamp};
use crate::arm::functions::{invalid, FnError};

/// Parse an ISO 8601 timestamp in extended form: `yyyy-MM-dd`, optionally followed by
/// `T` or a space and `HH:mm[:ss[.fffffff]]`, optionally followed by `Z` or an offset
/// (`+hh:mm`, `+hhmm`, `+hh`). An offset is applied, giving UTC.
pub fn parse_stamp(text: &str, func: &str) -> Result<Stamp, FnError> {
    let bad = || invalid(format!("{func}: '{text}' is not an ISO 8601 date and time"));
    let mut p = Cursor::new(text.trim());
    let year = p.digits(4, 4).ok_or_else(bad)?;
    p.expect(b'-').ok_or_else(bad)?;
    let month = p.digits(2, 2).ok_or_else(bad)?;
    p.expect(b'-').ok_or_else(bad)?;
    let day = p.digits(2, 2).ok_or_else(bad)?;
    let date = NaiveDate::from_ymd_opt(to_i32(year), to_u32(month), to_u32(day)).ok_or_else(bad)?;

    let mut time = NaiveTime::MIN;
    if p.eat(b'T') || p.eat(b't') || p.eat(b' ') {
        let h = p.digits(2, 2).ok_or_else(bad)?;
        p.expect(b':').ok_or_else(bad)?;
        let m = p.digits(2, 2).ok_or_else(bad)?;
        let mut s = 0;
        let mut nanos = 0;
        if p.eat(b':') {
            s = p.digits(2, 2).ok_or_else(bad)?;
            if p.eat(b'.') || p.eat(b',') {
                nanos = p.fraction_nanos().ok_or_else(bad)?;
            }
        }
        time =
            NaiveTime::from_hms_nano_opt(to_u32(h), to_u32(m), to_u32(s), nanos).ok_or_else(bad)?;
    }

    let mut local = NaiveDateTime::new(date, time);
    let mut utc = false;
    if p.eat(b'Z') || p.eat(b'z') {
        utc = true;
    } else if let Some(sign) = p.sign() {
        let h = p.digits(2, 2).ok_or_else(bad)?;
        let colon = p.eat(b':');
        let m = match p.digits(2, 2) {
            Some(m) => m,
            None if !colon => 0,
            None => return Err(bad()),
        };
        if h > 14 || m > 59 {
            return Err(bad());
        }
        let offset = TimeDelta::try_minutes(sign * (h * 60 + m)).ok_or_else(bad)?;
        local = local.checked_sub_signed(offset).ok_or_else(bad)?;
        utc = true;
    }
    if !p.done() || !in_dotnet_range(&local) {
        return Err(bad());
    }
    Ok(Stamp { time: local, utc })
}

fn to_i32(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parse an ISO 8601 duration the way .NET's `XmlConvert.ToTimeSpan` does:
/// `[-]P[nY][nM][nD][T[nH][nM][n[.f]S]]`, at least one part, a year being 365 days and a
/// month 30 days, seconds allowing a fraction (kept to 100 ns). `None` when malformed or
/// beyond a `TimeSpan`'s range.
pub fn parse_duration(text: &str) -> Option<TimeDelta> {
    const TICKS_PER_SECOND: i128 = 10_000_000;
    const TICKS_PER_DAY: i128 = 86_400 * TICKS_PER_SECOND;
    let mut p = Cursor::new(text.trim());
    let negative = p.eat(b'-');
    if !p.eat(b'P') {
        return None;
    }
    let mut ticks: i128 = 0;
    let mut parts = 0;
    // Designators must come in this order, each at most once.
    let mut date_units: &[(u8, i128)] = &[
        (b'Y', 365 * TICKS_PER_DAY),
        (b'M', 30 * TICKS_PER_DAY),
        (b'D', TICKS_PER_DAY),
    ];
    while !p.done() && p.peek() != Some(b'T') {
        let n = p.digits(1, 18)?;
        let unit = p.next()?;
        let at = date_units.iter().position(|(u, _)| *u == unit)?;
        ticks = ticks.checked_add(i128::from(n).checked_mul(date_units[at].1)?)?;
        date_units = &date_units[at + 1..];
        parts += 1;
    }
    if p.eat(b'T') {
        let mut time_units: &[(u8, i128)] = &[
            (b'H', 3_600 * TICKS_PER_SECOND),
            (b'M', 60 * TICKS_PER_SECOND),
            (b'S', TICKS_PER_SECOND),
        ];
        let mut time_parts = 0;
        while !p.done() {
            let n = p.digits(1, 18)?;
            let mut fraction_ticks = 0;
            if p.eat(b'.') {
                fraction_ticks = i128::from(p.fraction_nanos()? / 100);
                if p.peek() != Some(b'S') {
                    return None;
                }
            }
            let unit = p.next()?;
            let at = time_units.iter().position(|(u, _)| *u == unit)?;
            ticks = ticks.checked_add(i128::from(n).checked_mul(time_units[at].1)?)?;
            ticks = ticks.checked_add(fraction_ticks)?;
            time_units = &time_units[at + 1..];
            time_parts += 1;
        }
        if time_parts == 0 {
            return None;
        }
        parts += time_parts;
    }
    if parts == 0 || ticks > i128::from(i64::MAX) {
        return None;
    }
    let ticks = if negative { -ticks } else { ticks };
    let secs = i64::try_from(ticks / TICKS_PER_SECOND).ok()?;
    let nanos = i64::try_from((ticks % TICKS_PER_SECOND) * 100).ok()?;
    TimeDelta::try_seconds(secs)?.checked_add(&TimeDelta::nanoseconds(nanos))
}

/// A byte cursor over ASCII-structured text.
struct Cursor<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    fn sign(&mut self) -> Option<i64> {
        if self.eat(b'+') {
            Some(1)
        } else if self.eat(b'-') {
            Some(-1)
        } else {
            None
        }
    }

    /// Between `min` and `max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let start = self.at;
        while self.at - start < max && self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at - start < min {
            return None;
        }
        self.bytes[start..self.at].iter().try_fold(0i64, |n, b| {
            n.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        })
    }

    /// One or more digits of a decimal fraction, as nanoseconds (digits past the
    /// seventh, below .NET's 100 ns tick, are dropped).
    fn fraction_nanos(&mut self) -> Option<u32> {
        let start = self.at;
        let mut nanos: u32 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            let place = self.at - start;
            if place < 7 {
                nanos += u32::from(b - b'0') * 10u32.pow(8 - place as u32);
            }
            self.at += 1;
        }
        (self.at > start).then_some(nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_parser() {
        let millis = |s: &str| parse_duration(s).map(|d| d.num_milliseconds());
        assert_eq!(millis("P1Y"), Some(365 * 86_400_000));
        assert_eq!(millis("P1M"), Some(30 * 86_400_000));
        assert_eq!(millis("-P1DT1H"), Some(-90_000_000));
        assert_eq!(millis("PT0.001S"), Some(1));
        assert_eq!(millis(" PT1M "), Some(60_000));
        assert_eq!(
            parse_duration("PT0.00000001S").map(|d| d.num_nanoseconds()),
            Some(Some(0))
        );
        // TimeSpan.MaxValue is about 10,675,199 days.
        assert!(parse_duration("P10675199D").is_some());
        assert!(parse_duration("P10675200D").is_none());
    }
}
