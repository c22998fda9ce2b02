//! Dates in and out: ISO 8601 (a date or a date-time) to Unix seconds, and back as UTC.
//! [`parse_relative`] adds what people type at a terminal (`7d`, `yesterday`), in their
//! own time zone.

use jiff::{Timestamp, Zoned, civil::Date, tz::TimeZone};

use crate::error::{Error, Result};

/// Which end of a day a bare date stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `2024-05-01` → 2024-05-01T00:00:00Z
    Start,
    /// `2024-05-01` → 2024-05-01T23:59:59Z (so `max_date` includes that day)
    End,
}

/// Parses `2024-05-01`, `2024-05-01T10:00:00Z`, `2024-05-01T10:00:00+02:00` or
/// `2024-05-01 10:00` (taken as UTC) into Unix seconds.
pub fn parse(text: &str, bound: Bound) -> Result<i64> {
    parse_any(text, bound).and_then(|at| usable(text, bound, at))
}

/// Telegram reads a `max_date` of 0 as "no upper limit": an upper bound at or before the
/// epoch would return the newest messages instead of none, so it is refused.
fn usable(text: &str, bound: Bound, at: i64) -> Result<i64> {
    if bound == Bound::End && at <= 0 {
        return Err(Error::InvalidInput(format!(
            "{:?} is at or before 1970-01-01T00:00:00Z, before any Telegram message, so nothing can match — give a later upper date",
            text.trim()
        )));
    }
    Ok(at)
}

fn parse_any(text: &str, bound: Bound) -> Result<i64> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts.as_second());
    }
    let has_time = text.contains(['T', 't', ' ', ':']);
    if !has_time && let Ok(date) = text.parse::<Date>() {
        let time = match bound {
            Bound::Start => jiff::civil::Time::midnight(),
            Bound::End => jiff::civil::time(23, 59, 59, 0),
        };
        return date
            .to_datetime(time)
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .map_err(|e| Error::InvalidInput(format!("date {text:?} is out of range: {e}")));
    }
    if has_time && let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .map_err(|e| Error::InvalidInput(format!("date {text:?} is out of range: {e}")));
    }
    Err(Error::InvalidInput(format!(
        "{text:?} is not a date — use ISO 8601, e.g. 2024-05-01 or 2024-05-01T10:00:00Z"
    )))
}

/// Parses a date as a person types it at a terminal, relative to `now` and in its time
/// zone: `30m`, `12h`, `7d`, `2w` (that long ago), `now`, `today`, `yesterday` (the day's
/// start or end, by `bound`), or ISO 8601, where a date or a time without an offset is
/// local (`2024-05-01`, `2024-05-01T10:00`) and one with an offset is exact.
pub fn parse_relative(text: &str, bound: Bound, now: &Zoned) -> Result<i64> {
    parse_relative_any(text, bound, now).and_then(|at| usable(text, bound, at))
}

fn parse_relative_any(text: &str, bound: Bound, now: &Zoned) -> Result<i64> {
    let text = text.trim();
    let invalid = || {
        Error::InvalidInput(format!(
            "{text:?} is not a date — use 2024-05-01, 2024-05-01T10:00, 2024-05-01T10:00:00Z, or how long ago: 30m, 12h, 7d, 2w, today, yesterday"
        ))
    };
    let out_of_range = || Error::InvalidInput(format!("date {text:?} is out of range"));
    let day = |day: Date| {
        let start = day
            .to_zoned(now.time_zone().clone())
            .map_err(|_| out_of_range())?;
        let edge = match bound {
            Bound::Start => start.start_of_day(),
            Bound::End => start.end_of_day(),
        };
        edge.map(|z| z.timestamp().as_second())
            .map_err(|_| out_of_range())
    };
    match text.to_ascii_lowercase().as_str() {
        "now" => return Ok(now.timestamp().as_second()),
        "today" => return day(now.date()),
        "yesterday" => return day(now.date().yesterday().map_err(|_| out_of_range())?),
        _ => {}
    }
    if let Some(ago) = relative_seconds(text) {
        let ago = ago.ok_or_else(out_of_range)?;
        return now
            .timestamp()
            .as_second()
            .checked_sub(ago)
            .ok_or_else(out_of_range);
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts.as_second());
    }
    let has_time = text.contains(['T', 't', ' ', ':']);
    if !has_time && let Ok(date) = text.parse::<Date>() {
        return day(date);
    }
    if has_time && let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(now.time_zone().clone())
            .map(|z| z.timestamp().as_second())
            .map_err(|_| out_of_range());
    }
    Err(invalid())
}

/// `7d` → `Some(Some(604800))`; `Some(None)` when the amount overflows; `None` when
/// `text` is not `<digits><unit>` with unit m (minutes), h, d or w.
fn relative_seconds(text: &str) -> Option<Option<i64>> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = text.split_at(split);
    let unit_seconds = match unit.trim().to_ascii_lowercase().as_str() {
        "m" | "min" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    if digits.is_empty() {
        return None;
    }
    Some(
        digits
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(unit_seconds)),
    )
}

/// Unix seconds as ISO 8601 UTC (`2024-05-01T10:00:00Z`).
pub fn iso(unix: i32) -> String {
    Timestamp::from_second(i64::from(unix))
        .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert_eq!(parse("2024-05-01", Bound::Start).unwrap(), 1_714_521_600);
        assert_eq!(
            parse("2024-05-01", Bound::End).unwrap(),
            1_714_521_600 + 86_399
        );
        assert_eq!(
            parse("2024-05-01T10:00:00Z", Bound::Start).unwrap(),
            1_714_557_600
        );
        assert_eq!(
            parse("2024-05-01T12:00:00+02:00", Bound::End).unwrap(),
            1_714_557_600
        );
        assert_eq!(
            parse("2024-05-01T10:00:00", Bound::Start).unwrap(),
            1_714_557_600
        );
        assert!(parse("yesterday-ish", Bound::Start).is_err());
        assert!(parse("2024-13-01", Bound::Start).is_err());
        assert_eq!(iso(1_714_557_600), "2024-05-01T10:00:00Z");
    }

    /// 2024-05-01T10:30:00 at UTC+02:00 (08:30:00Z).
    fn now() -> Zoned {
        let tz = TimeZone::fixed(jiff::tz::offset(2));
        jiff::civil::datetime(2024, 5, 1, 10, 30, 0, 0)
            .to_zoned(tz)
            .unwrap()
    }

    #[test]
    fn relative_forms_count_back_from_now() {
        let now = now();
        let at = now.timestamp().as_second();
        assert_eq!(at, 1_714_552_200);
        for bound in [Bound::Start, Bound::End] {
            assert_eq!(parse_relative("now", bound, &now).unwrap(), at);
            assert_eq!(parse_relative("30m", bound, &now).unwrap(), at - 1_800);
            assert_eq!(parse_relative("12h", bound, &now).unwrap(), at - 43_200);
            assert_eq!(parse_relative("7d", bound, &now).unwrap(), at - 7 * 86_400);
            assert_eq!(
                parse_relative(" 2W ", bound, &now).unwrap(),
                at - 14 * 86_400
            );
            assert_eq!(parse_relative("0d", bound, &now).unwrap(), at);
        }
    }

    #[test]
    fn today_and_yesterday_are_local_days() {
        let now = now();
        // Local midnight at UTC+2 is 22:00Z the day before.
        let today = 1_714_521_600 - 7_200;
        assert_eq!(parse_relative("today", Bound::Start, &now).unwrap(), today);
        assert_eq!(
            parse_relative("Today", Bound::End, &now).unwrap(),
            today + 86_399
        );
        assert_eq!(
            parse_relative("yesterday", Bound::Start, &now).unwrap(),
            today - 86_400
        );
        assert_eq!(
            parse_relative("yesterday", Bound::End, &now).unwrap(),
            today - 1
        );
    }

    #[test]
    fn iso_without_offset_is_local_and_with_offset_exact() {
        let now = now();
        let local_midnight = 1_714_521_600 - 7_200;
        assert_eq!(
            parse_relative("2024-05-01", Bound::Start, &now).unwrap(),
            local_midnight
        );
        assert_eq!(
            parse_relative("2024-05-01", Bound::End, &now).unwrap(),
            local_midnight + 86_399
        );
        assert_eq!(
            parse_relative("2024-05-01T10:00", Bound::Start, &now).unwrap(),
            1_714_550_400
        );
        assert_eq!(
            parse_relative("2024-05-01T10:00:00Z", Bound::Start, &now).unwrap(),
            1_714_557_600
        );
        assert_eq!(
            parse_relative("2024-05-01T12:00:00+02:00", Bound::End, &now).unwrap(),
            1_714_557_600
        );
    }

    #[test]
    fn relative_errors_say_what_works() {
        let now = now();
        for bad in [
            "",
            "d",
            "7",
            "7y",
            "-7d",
            "last tuesday",
            "2024-13-01",
            "7d ago",
        ] {
            let error = parse_relative(bad, Bound::Start, &now).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad}");
            assert!(error.to_string().contains("7d, 2w"), "{bad}: {error}");
        }
        let error = parse_relative("99999999999999999w", Bound::Start, &now).unwrap_err();
        assert!(error.to_string().contains("out of range"), "{error}");
    }
}
