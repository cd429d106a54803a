//! `listings`: who was listed in which fiscal year's annual listing, when,
//! and the continuous stay at the listing date.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::outcome::ListingFact;

/// One person's entry in one fiscal year's listing.
#[derive(Debug, Clone)]
pub struct ListingEntry<'a> {
    /// The fiscal year (April to March).
    pub fiscal_year: i32,
    /// The person listed.
    pub person_id: &'a str,
    /// The listing date stays are measured at.
    pub listed_on: NaiveDate,
    /// Admission date of the current stay.
    pub admitted_on: NaiveDate,
    /// Continuous stay at the listing date, in days.
    pub stay_days: i64,
    /// The stay was under 365 days (listed, flagged for review).
    pub short_stay: bool,
    /// Hospital.
    pub hospital: &'a str,
    /// Ward (may be empty).
    pub ward: &'a str,
    /// When the import ran.
    pub imported_at: DateTime<Utc>,
}

/// Writes a listing entry; fails if the person is already listed that year.
pub fn insert(tx: &WriteTx<'_>, entry: &ListingEntry<'_>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO listings (fiscal_year, person_id, listed_on, admitted_on, stay_days,
                               short_stay, hospital, ward, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            entry.fiscal_year,
            entry.person_id,
            entry.listed_on.to_string(),
            entry.admitted_on.to_string(),
            entry.stay_days,
            entry.short_stay,
            entry.hospital,
            entry.ward,
            entry.imported_at.to_rfc3339(),
        ],
    )?;
    Ok(())
}

/// Whether the person is on that fiscal year's listing.
pub fn is_listed(tx: &ReadTx<'_>, fiscal_year: i32, person_id: &str) -> Result<bool, StoreError> {
    tx.value(
        "SELECT EXISTS(SELECT 1 FROM listings WHERE fiscal_year = ?1 AND person_id = ?2)",
        args![fiscal_year, person_id],
    )
}

/// The fiscal years `person_id` was listed, oldest first.
pub fn years_of(tx: &ReadTx<'_>, person_id: &str) -> Result<Vec<i32>, StoreError> {
    tx.rows(
        "SELECT fiscal_year FROM listings WHERE person_id = ?1 ORDER BY fiscal_year",
        args![person_id],
        |r| r.get(0),
    )
}

/// Every listing entry as the outcome report reads it: (person, entry).
pub fn facts(tx: &ReadTx<'_>) -> Result<Vec<(String, ListingFact)>, StoreError> {
    tx.rows(
        "SELECT person_id, fiscal_year, listed_on, admitted_on FROM listings",
        args![],
        |row| {
            let date = |i: usize, column: &'static str| -> Result<NaiveDate, StoreError> {
                let text: String = row.get(i)?;
                text.parse()
                    .map_err(|_| StoreError::bad_value(column, text))
            };
            Ok((
                row.get(0)?,
                ListingFact {
                    fiscal_year: row.get(1)?,
                    listed_on: date(2, "listings.listed_on")?,
                    admitted_on: Some(date(3, "listings.admitted_on")?),
                },
            ))
        },
    )
}

/// Every (person, fiscal year) listed, oldest year first.
pub fn years_by_person(tx: &ReadTx<'_>) -> Result<Vec<(String, i32)>, StoreError> {
    tx.rows(
        "SELECT person_id, fiscal_year FROM listings ORDER BY fiscal_year, person_id",
        args![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
