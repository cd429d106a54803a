//! Japan's fiscal year (April to March) and the calendar facts the report
//! counts with.

use chrono::{Datelike, NaiveDate};

/// The fiscal year `day` falls in: the year its April belongs to
/// (2025-03-31 is in fiscal 2024, 2025-04-01 in fiscal 2025).
pub fn fiscal_year(day: NaiveDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// 1 April of fiscal year `year`.
pub fn first_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// 31 March that ends fiscal year `year`.
pub fn last_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 3, 31).unwrap_or(NaiveDate::MAX)
}

/// The number of days in `day`'s calendar month.
pub fn days_in_month(day: NaiveDate) -> u32 {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    (next - first).num_days() as u32
}

/// The first day of the month after `day`'s.
pub fn next_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn fiscal_years_turn_on_the_first_of_april() {
        assert_eq!(fiscal_year(day(2025, 3, 31)), 2024);
        assert_eq!(fiscal_year(day(2025, 4, 1)), 2025);
        assert_eq!(first_day(2024), day(2024, 4, 1));
        assert_eq!(last_day(2024), day(2025, 3, 31));
    }

    #[test]
    fn february_has_29_days_in_leap_years() {
        assert_eq!(days_in_month(day(2024, 2, 10)), 29);
        assert_eq!(days_in_month(day(2023, 2, 10)), 28);
        assert_eq!(days_in_month(day(2100, 2, 1)), 28);
        assert_eq!(days_in_month(day(2000, 2, 1)), 29);
        assert_eq!(days_in_month(day(2024, 12, 31)), 31);
        assert_eq!(next_month(day(2024, 12, 31)), day(2025, 1, 1));
    }
}
