//! The effect amount (効果額, DOMAIN §5.2, gross view): the inpatient
//! medical assistance not spent because a person lived in the community.
//! Each community day is worth that fiscal year's standard monthly
//! inpatient cost divided by the days of its calendar month.
//!
//! The sum is kept exact, as a multiple of 1/377,580 yen (the least common
//! multiple of 28, 29, 30 and 31), and rounded to the yen once at the end.

use super::fiscal::{days_in_month, fiscal_year, next_month};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The least common multiple of every month's length.
const MONTH_LENGTHS_LCM: u128 = 377_580;

/// An exact sum of day values, in 1/377,580 yen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exact(u128);

impl Exact {
    /// The value of `days` community days in a month of `month_days` days
    /// whose fiscal year's monthly inpatient cost is `monthly_yen`.
    pub fn of_days(days: u64, month_days: u32, monthly_yen: u64) -> Exact {
        let per_day = MONTH_LENGTHS_LCM / u128::from(month_days.max(1));
        Exact(u128::from(days) * u128::from(monthly_yen) * per_day)
    }

    /// Rounded to the yen, halves up.
    pub fn yen(self) -> u64 {
        let whole = (self.0 + MONTH_LENGTHS_LCM / 2) / MONTH_LENGTHS_LCM;
        u64::try_from(whole).unwrap_or(u64::MAX)
    }
}

impl std::ops::AddAssign for Exact {
    fn add_assign(&mut self, other: Exact) {
        self.0 = self.0.saturating_add(other.0);
    }
}

/// The value of the days `[start, end)` by fiscal year, with `monthly_yen`
/// the standard monthly cost of each fiscal year that has one. Days in a
/// fiscal year without a cost are worth nothing here (the report refuses
/// to state an effect for such years).
pub fn add_spell(
    into: &mut BTreeMap<i32, Exact>,
    (start, end): (NaiveDate, NaiveDate),
    monthly_yen: impl Fn(i32) -> Option<u64>,
) {
    let mut day = start;
    while day < end {
        let month_end = next_month(day).min(end);
        let days = (month_end - day).num_days() as u64;
        let year = fiscal_year(day);
        if let Some(cost) = monthly_yen(year) {
            *into.entry(year).or_default() += Exact::of_days(days, days_in_month(day), cost);
        }
        day = month_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_whole_month_is_worth_the_monthly_cost_whatever_its_length() {
        for (from, to) in [
            (day(2024, 2, 1), day(2024, 3, 1)),
            (day(2023, 2, 1), day(2023, 3, 1)),
            (day(2024, 4, 1), day(2024, 5, 1)),
            (day(2024, 5, 1), day(2024, 6, 1)),
        ] {
            let mut sums = BTreeMap::new();
            add_spell(&mut sums, (from, to), |_| Some(372_250));
            let total: u64 = sums.values().map(|e| e.yen()).sum();
            assert_eq!(total, 372_250, "{from}");
        }
    }

    #[test]
    fn days_are_priced_by_their_own_fiscal_year_and_month() {
        // 31 March 2024 (fiscal 2023, a 31-day month) and 1-2 April 2024
        // (fiscal 2024, a 30-day month).
        let mut sums = BTreeMap::new();
        add_spell(&mut sums, (day(2024, 3, 31), day(2024, 4, 3)), |year| {
            Some(if year == 2023 { 310_000 } else { 300_000 })
        });
        assert_eq!(sums[&2023].yen(), 10_000);
        assert_eq!(sums[&2024].yen(), 20_000);
    }

    #[test]
    fn rounding_happens_once_at_the_end() {
        // One day of a 31-day month at 100 yen is 3.2258... yen; 31 such
        // days summed exactly make 100, where rounding each would make 93.
        let mut sum = Exact::default();
        for _ in 0..31 {
            sum += Exact::of_days(1, 31, 100);
        }
        assert_eq!(sum.yen(), 100);
        assert_eq!(Exact::of_days(1, 31, 100).yen(), 3);
    }

    #[test]
    fn a_year_without_a_cost_adds_nothing() {
        let mut sums = BTreeMap::new();
        add_spell(&mut sums, (day(2024, 3, 1), day(2024, 5, 1)), |year| {
            (year == 2024).then_some(300_000)
        });
        assert!(!sums.contains_key(&2023));
        assert_eq!(sums[&2024].yen(), 300_000);
    }
}
