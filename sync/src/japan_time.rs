//! Japan's clock: Japan Standard Time is UTC+9 all year, with no daylight
//! saving, so a fixed offset is exact and no time-zone database is needed
//! (none ships to the browser). Assignment periods are counted in Japan's
//! calendar days and the UI shows times in Japan's clock, whatever the
//! device's own time zone says.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Japan's offset from UTC, in seconds (nine hours).
pub const OFFSET_SECS: i32 = 9 * 3600;

/// Japan's offset from UTC.
pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(OFFSET_SECS).expect("nine hours is a valid offset")
}

/// The instant `at` on Japan's clock.
pub fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&offset())
}

/// The calendar date in Japan at the instant `at`.
pub fn date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_japanese_day_starts_at_15_00_utc() {
        assert_eq!(date(utc(2025, 3, 31, 14, 59)), day(2025, 3, 31));
        assert_eq!(date(utc(2025, 3, 31, 15, 0)), day(2025, 4, 1));
        // Across a year end too.
        assert_eq!(date(utc(2025, 12, 31, 14, 59)), day(2025, 12, 31));
        assert_eq!(date(utc(2025, 12, 31, 15, 0)), day(2026, 1, 1));
    }

    #[test]
    fn local_time_is_nine_hours_ahead() {
        let at = local(utc(2025, 6, 1, 23, 30));
        assert_eq!(
            at.format("%Y-%m-%d %H:%M %z").to_string(),
            "2025-06-02 08:30 +0900"
        );
        assert_eq!(at.offset().local_minus_utc(), OFFSET_SECS);
    }
}
