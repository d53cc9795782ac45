//! ARM template functions: date (`dateTimeAdd`, `dateTimeFromEpoch`, `dateTimeToEpoch`).
//! `utcNow` is deployment-time only and belongs to the evaluator (it is unknown).
//!
//! Docs: <https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-date>.
//!
//! Semantics pinned by the docs:
//! - Durations are .NET `TimeSpan`s read from ISO 8601 (`XmlConvert.ToTimeSpan`): a year
//!   is 365 days and a month 30 days, so `dateTimeAdd('2023-01-31 00:00:00Z', 'P1M')` is
//!   `2023-03-02T00:00:00Z` and, in a leap year, `2024-03-01T00:00:00Z`.
//! - Without a format the result is ISO 8601 (`2023-03-02T00:00:00Z`, the form the docs
//!   show); a base with a zone is converted to UTC and ends in `Z`, a base without one
//!   has no zone in the result.
//! - Formats are .NET standard and custom date/time format strings in the invariant
//!   culture (`utcNow('d')` is documented as `03/05/2019`); see [`netfmt`].
//! - The compact `20210211T193423Z` form (`utcNow()`'s default) is not accepted as a base
//!   (Azure/bicep#1532), nor are non-ISO forms.

mod netfmt;
mod parse;

pub use parse::{parse_duration, parse_stamp};

use chrono::NaiveDateTime;

use super::{arg_int, arg_str, invalid, FnResult, FnSpec, Host};
use crate::arm::value::Value;

pub const FUNCTIONS: &[FnSpec] = &[
    FnSpec::new("dateTimeAdd", 2, Some(3), date_time_add),
    FnSpec::new("dateTimeFromEpoch", 1, Some(1), date_time_from_epoch),
    FnSpec::new("dateTimeToEpoch", 1, Some(1), date_time_to_epoch),
];

/// A point in time as ARM holds it after parsing: wall-clock time, and whether the
/// text carried a zone (then the time has been converted to UTC).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stamp {
    pub time: NaiveDateTime,
    pub utc: bool,
}

/// .NET `DateTime` covers years 1 to 9999.
fn in_dotnet_range(t: &NaiveDateTime) -> bool {
    (1..=9999).contains(&chrono::Datelike::year(t))
}

// ---- functions -----------------------------------------------------------------------

fn date_time_add(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let base = parse_stamp(arg_str(args, 0, "dateTimeAdd")?, "dateTimeAdd")?;
    let duration_text = arg_str(args, 1, "dateTimeAdd")?;
    let duration = parse_duration(duration_text).ok_or_else(|| {
        invalid(format!(
            "dateTimeAdd: '{duration_text}' is not an ISO 8601 duration"
        ))
    })?;
    let time = base
        .time
        .checked_add_signed(duration)
        .filter(in_dotnet_range)
        .ok_or_else(|| {
            invalid(format!(
                "dateTimeAdd: adding '{duration_text}' leaves the years 1 to 9999"
            ))
        })?;
    let result = Stamp {
        time,
        utc: base.utc,
    };
    let text = match args.get(2) {
        None => iso(&result),
        Some(_) => {
            let fmt = arg_str(args, 2, "dateTimeAdd")?;
            netfmt::format(&result, fmt).map_err(|e| invalid(format!("dateTimeAdd: {e}")))?
        }
    };
    Ok(Value::string(text))
}

/// Seconds since 1970-01-01T00:00:00Z to `yyyy-MM-ddTHH:mm:ssZ`.
fn date_time_from_epoch(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let secs = arg_int(args, 0, "dateTimeFromEpoch")?;
    let time = chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.naive_utc())
        .filter(in_dotnet_range)
        .ok_or_else(|| {
            invalid(format!(
                "dateTimeFromEpoch: {secs} is outside the years 1 to 9999"
            ))
        })?;
    Ok(Value::string(iso(&Stamp { time, utc: true })))
}

/// An ISO 8601 timestamp to whole seconds since the epoch (rounded down). A timestamp
/// without a zone is taken as UTC, the deployment servers' local time.
fn date_time_to_epoch(_: &mut dyn Host, args: &[Value]) -> FnResult {
    let stamp = parse_stamp(arg_str(args, 0, "dateTimeToEpoch")?, "dateTimeToEpoch")?;
    Ok(Value::Int(stamp.time.and_utc().timestamp()))
}

/// `yyyy-MM-ddTHH:mm:ss`, then the fraction of a second if any (up to 7 digits, trailing
/// zeros dropped), then `Z` for a zoned stamp.
fn iso(stamp: &Stamp) -> String {
    let mut out = stamp.time.format("%Y-%m-%dT%H:%M:%S").to_string();
    let ticks = chrono::Timelike::nanosecond(&stamp.time) / 100;
    if ticks != 0 {
        let digits = format!("{ticks:07}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    if stamp.utc {
        out.push('Z');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::functions::{call, FnError, NoHost};

    fn run(name: &str, args: &[Value]) -> FnResult {
        call(&mut NoHost, name, args)
    }

    fn add(base: &str, duration: &str) -> String {
        text("dateTimeAdd", &[base.into(), duration.into()])
    }

    fn add_fmt(base: &str, duration: &str, fmt: &str) -> String {
        text("dateTimeAdd", &[base.into(), duration.into(), fmt.into()])
    }

    fn text(name: &str, args: &[Value]) -> String {
        match run(name, args) {
            Ok(Value::String(s)) => s.to_string(),
            other => panic!("{name}({args:?}): expected a string, got {other:?}"),
        }
    }

    fn epoch(s: &str) -> i64 {
        match run("dateTimeToEpoch", &[s.into()]) {
            Ok(Value::Int(i)) => i,
            other => panic!("dateTimeToEpoch('{s}'): expected an int, got {other:?}"),
        }
    }

    fn invalid_msg(name: &str, args: &[Value]) -> String {
        match run(name, args) {
            Err(FnError::Invalid(m)) => m,
            other => panic!("{name}({args:?}): expected an error, got {other:?}"),
        }
    }

    #[test]
    fn date_time_add_documented_examples() {
        // Base time 2020-04-07 14:53:14Z (utcNow('u')); the docs show these instants.
        assert_eq!(add("2020-04-07 14:53:14Z", "P3Y"), "2023-04-07T14:53:14Z");
        assert_eq!(add("2020-04-07 14:53:14Z", "-P9D"), "2020-03-29T14:53:14Z");
        assert_eq!(add("2020-04-07 14:53:14Z", "PT1H"), "2020-04-07T15:53:14Z");
        // Month arithmetic remarks: a month is 30 days.
        assert_eq!(add("2023-01-31 00:00:00Z", "P1M"), "2023-03-02T00:00:00Z");
        assert_eq!(add("2024-01-31 00:00:00Z", "P1M"), "2024-03-01T00:00:00Z");
        // Invariant-culture general format of the first example.
        assert_eq!(
            add_fmt("2020-04-07 14:53:14Z", "P3Y", "G"),
            "04/07/2023 14:53:14"
        );
    }

    #[test]
    fn date_time_add_calendar_edges() {
        assert_eq!(add("2024-02-28T00:00:00Z", "P1D"), "2024-02-29T00:00:00Z");
        assert_eq!(add("2023-02-28T00:00:00Z", "P1D"), "2023-03-01T00:00:00Z");
        // A year is 365 days, so from Feb 29 it lands on Feb 28.
        assert_eq!(add("2024-02-29T12:00:00Z", "P1Y"), "2025-02-28T12:00:00Z");
        assert_eq!(add("2023-03-01T00:00:00Z", "P1Y"), "2024-02-29T00:00:00Z");
        assert_eq!(add("2020-03-01T00:00:00Z", "-PT1S"), "2020-02-29T23:59:59Z");
        assert_eq!(add("2021-01-01T00:00:00Z", "-P1M"), "2020-12-02T00:00:00Z");
        assert_eq!(add("2023-12-31T23:59:59Z", "PT1S"), "2024-01-01T00:00:00Z");
        assert_eq!(
            add("2023-04-30T00:00:00Z", "P1DT1H1M1S"),
            "2023-05-01T01:01:01Z"
        );
        assert_eq!(
            add("2023-01-01T00:00:00Z", "P1Y2M3DT4H5M6S"),
            "2024-03-04T04:05:06Z"
        );
        assert_eq!(add("2023-01-01T00:00:00Z", "PT36H"), "2023-01-02T12:00:00Z");
        assert_eq!(add("2023-01-01T00:00:00Z", "PT90M"), "2023-01-01T01:30:00Z");
        assert_eq!(add("2023-01-01T00:00:00Z", "P0D"), "2023-01-01T00:00:00Z");
    }

    #[test]
    fn date_time_add_base_forms() {
        // Without a zone the result has none; an offset is converted to UTC.
        assert_eq!(add("2020-04-07T14:53:14", "PT1H"), "2020-04-07T15:53:14");
        assert_eq!(
            add("2020-04-07T14:53:14+02:00", "PT0S"),
            "2020-04-07T12:53:14Z"
        );
        assert_eq!(
            add("2020-04-07T00:30:00-0130", "PT0S"),
            "2020-04-07T02:00:00Z"
        );
        assert_eq!(
            add("2020-04-07T23:00:00-02", "PT0S"),
            "2020-04-08T01:00:00Z"
        );
        assert_eq!(add("2020-04-07", "P1D"), "2020-04-08T00:00:00");
        assert_eq!(add("2020-04-07T14:53Z", "PT1M"), "2020-04-07T14:54:00Z");
        assert_eq!(
            add(" 2020-04-07t14:53:14z ", "PT0S"),
            "2020-04-07T14:53:14Z"
        );
        // Fractions of a second survive, to 100 ns.
        assert_eq!(
            add("2020-04-07T14:53:14.1234567Z", "PT0.5S"),
            "2020-04-07T14:53:14.6234567Z"
        );
        assert_eq!(
            add("2020-04-07T14:53:14.5Z", "PT0.5S"),
            "2020-04-07T14:53:15Z"
        );
        assert_eq!(
            add("2020-04-07T14:53:14.123456789Z", "PT0S"),
            "2020-04-07T14:53:14.1234567Z"
        );
        assert_eq!(
            add("2020-04-07T14:53:14Z", "PT1.25S"),
            "2020-04-07T14:53:15.25Z"
        );
    }

    #[test]
    fn date_time_add_with_formats() {
        let base = "2019-03-05T17:53:18Z";
        assert_eq!(add_fmt(base, "PT0S", "d"), "03/05/2019");
        assert_eq!(add_fmt(base, "PT0S", "M d"), "3 5");
        assert_eq!(
            add_fmt(base, "PT0S", "yyyyMMddTHHmmssZ"),
            "20190305T175318Z"
        );
        assert_eq!(add_fmt(base, "PT0S", "u"), "2019-03-05 17:53:18Z");
        assert_eq!(add_fmt(base, "P1D", "yyyy-MM-dd"), "2019-03-06");
        assert_eq!(
            add_fmt("2020-04-07 14:55:59", "P3Y2M", "yyyy-MM-dd"),
            "2023-06-06"
        );
    }

    #[test]
    fn date_time_add_invalid() {
        // The compact basic form is rejected by ARM (Azure/bicep#1532).
        for base in [
            "20210211T193423Z",
            "yesterday",
            "",
            "2023-02-30T00:00:00Z",
            "2023-13-01",
            "2023-1-01",
            "2023-01-01T25:00:00Z",
            "2023-01-01T10:00:60Z",
            "2023-01-01T10Z",
            "2023-01-01T10:00:00.Z",
            "2023-01-01T10:00:00+15:00",
            "2023-01-01T10:00:00+01:",
            "2023-01-01T10:00:00Zjunk",
            "4/7/2020 2:53:14 PM",
            "0000-01-01T00:00:00Z",
        ] {
            let m = invalid_msg("dateTimeAdd", &[base.into(), "P1D".into()]);
            assert!(m.contains("not an ISO 8601 date"), "{base}: {m}");
        }
        for duration in [
            "",
            "P",
            "PT",
            "1D",
            "P1H",
            "PT1D",
            "P1.5D",
            "P1W",
            "P-1D",
            "P1D2",
            "P1M1Y",
            "P1D1D",
            "PT1H1H",
            "p1d",
            "-",
            "P1DT",
            "PT1.S",
            "PT.5S",
            "PT1.5M",
            "P99999999999999999999D",
            "P30000000Y",
        ] {
            let m = invalid_msg(
                "dateTimeAdd",
                &["2023-01-01T00:00:00Z".into(), duration.into()],
            );
            assert!(m.contains("not an ISO 8601 duration"), "{duration:?}: {m}");
        }
        // Leaving .NET's DateTime range.
        let m = invalid_msg(
            "dateTimeAdd",
            &["9999-12-31T00:00:00Z".into(), "P1D".into()],
        );
        assert!(m.contains("1 to 9999"), "{m}");
        invalid_msg(
            "dateTimeAdd",
            &["0001-01-01T00:00:00Z".into(), "-PT1S".into()],
        );
        invalid_msg(
            "dateTimeAdd",
            &["0001-01-01T00:30:00+01:00".into(), "PT0S".into()],
        );
        // Wrong types and bad formats.
        invalid_msg("dateTimeAdd", &[20230101.into(), "P1D".into()]);
        invalid_msg("dateTimeAdd", &["2023-01-01T00:00:00Z".into(), 1.into()]);
        invalid_msg(
            "dateTimeAdd",
            &["2023-01-01T00:00:00Z".into(), "P1D".into(), 1.into()],
        );
        let m = invalid_msg(
            "dateTimeAdd",
            &["2023-01-01T00:00:00Z".into(), "P1D".into(), "x".into()],
        );
        assert!(m.contains("format"), "{m}");
        invalid_msg("dateTimeAdd", &["2023-01-01T00:00:00Z".into()]);
        let u = Value::unknown_term(
            "utcNow() is only known at deployment",
            crate::arm::value::Term::call("utcNow", &[]),
        );
        assert!(matches!(
            run("dateTimeAdd", &[u, "P1D".into()]),
            Err(FnError::Unknown(_))
        ));
    }

    #[test]
    fn epoch_documented_example() {
        assert_eq!(
            text("dateTimeFromEpoch", &[1683040573.into()]),
            "2023-05-02T15:16:13Z"
        );
        assert_eq!(epoch("2023-05-02T15:16:13Z"), 1683040573);
    }

    #[test]
    fn epoch_edges() {
        assert_eq!(
            text("dateTimeFromEpoch", &[0.into()]),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            text("dateTimeFromEpoch", &[(-1).into()]),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(
            text("dateTimeFromEpoch", &[253402300799i64.into()]),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            text("dateTimeFromEpoch", &[(-62135596800i64).into()]),
            "0001-01-01T00:00:00Z"
        );
        assert_eq!(
            text("dateTimeFromEpoch", &[Value::Float(60.0)]),
            "1970-01-01T00:01:00Z"
        );
        invalid_msg("dateTimeFromEpoch", &[253402300800i64.into()]);
        invalid_msg("dateTimeFromEpoch", &[(-62135596801i64).into()]);
        invalid_msg("dateTimeFromEpoch", &[i64::MAX.into()]);
        invalid_msg("dateTimeFromEpoch", &[i64::MIN.into()]);
        invalid_msg("dateTimeFromEpoch", &["1683040573".into()]);
        invalid_msg("dateTimeFromEpoch", &[Value::Float(1.5)]);

        assert_eq!(epoch("1970-01-01T00:00:00Z"), 0);
        assert_eq!(epoch("1970-01-02"), 86_400);
        assert_eq!(epoch("2023-05-02T17:16:13+02:00"), 1683040573);
        assert_eq!(epoch("2023-05-02 15:16:13.999Z"), 1683040573);
        // Rounded down, also before 1970.
        assert_eq!(epoch("1969-12-31T23:59:59.5Z"), -1);
        assert_eq!(epoch("0001-01-01T00:00:00Z"), -62135596800);
        assert_eq!(epoch("9999-12-31T23:59:59Z"), 253402300799);
        // Round trip.
        let s = text("dateTimeFromEpoch", &[1_000_000_000.into()]);
        assert_eq!(epoch(&s), 1_000_000_000);
        invalid_msg("dateTimeToEpoch", &["20230502T151613Z".into()]);
        invalid_msg("dateTimeToEpoch", &[1683040573.into()]);
        invalid_msg("dateTimeToEpoch", &["not a date".into()]);
    }
}
