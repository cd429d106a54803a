//! The annual listing import: the welfare office's export of public-
//! assistance recipients in psychiatric wards for a year or more, read
//! (UTF-8 with or without BOM, or Shift_JIS), checked row by row, shown as
//! a preview, and written in one transaction only when asked and only when
//! every row is good. A person already known (same recipient number) is
//! matched, not duplicated; a person already listed for the year is left
//! as is, so importing the same file again changes nothing. A stay under
//! 365 days at the listing date is flagged, not dropped.

pub mod decode;
pub mod rows;
pub mod table;

use crate::persons::{PersonError, insert_person, split_name};
use crate::store::audit::{self, Actor};
use crate::store::listings::{self, ListingEntry};
use crate::store::{ReadTx, Store, StoreError, assignments, persons, users};
use chrono::{DateTime, NaiveDate, Utc};
use rows::{FileProblem, ListingRow, RowError, RowProblem};
use std::collections::HashMap;
use tsunagu_sync::record::FieldValue;

/// Which listing this is.
#[derive(Debug, Clone, Copy)]
pub struct ListingDate {
    /// The fiscal year (April to March) the listing is for.
    pub fiscal_year: i32,
    /// The listing date continuous stays are measured at.
    pub listed_on: NaiveDate,
}

impl ListingDate {
    /// The listing of `fiscal_year`, dated the year's first day (1 April)
    /// unless `listed_on` says otherwise.
    pub fn new(fiscal_year: i32, listed_on: Option<NaiveDate>) -> Option<ListingDate> {
        let listed_on = listed_on.or_else(|| NaiveDate::from_ymd_opt(fiscal_year, 4, 1))?;
        Some(ListingDate {
            fiscal_year,
            listed_on,
        })
    }
}

/// What committing would do with an accepted row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// A new person, listed for the year.
    NewPerson,
    /// A known person (same recipient number), listed for the year.
    KnownPerson {
        /// Their id.
        person_id: String,
    },
    /// Already listed for this year: nothing to do.
    AlreadyListed {
        /// Their id.
        person_id: String,
    },
}

/// An accepted row and what committing does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    /// The row.
    pub row: ListingRow,
    /// What happens to it.
    pub plan: Plan,
    /// Continuous stay at the listing date, in days.
    pub stay_days: i64,
    /// The stay is under 365 days: listed, but flagged for review.
    pub short_stay: bool,
    /// The caseworker's login name.
    pub caseworker: String,
}

/// The preview: every row planned or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// Accepted rows, in file order.
    pub rows: Vec<PlannedRow>,
    /// Refused rows, in file order.
    pub errors: Vec<RowError>,
}

/// What a commit wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Committed {
    /// Persons created.
    pub new_persons: usize,
    /// Listing entries written (new and known persons).
    pub listed: usize,
    /// Rows already listed for the year (nothing written).
    pub already_listed: usize,
    /// Listed with a stay under 365 days.
    pub flagged: usize,
}

/// Why an import could not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    /// The file as a whole is unusable (encoding, missing columns), or
    /// some of its rows are refused: nothing was written.
    #[error(transparent)]
    File(#[from] FileProblem),
    /// Creating a person failed.
    #[error(transparent)]
    Person(#[from] PersonError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads and checks `file` against the database; writes nothing.
pub fn preview(store: &Store, file: &[u8], date: ListingDate) -> Result<Preview, ListingError> {
    store.read_snapshot(|tx| plan(tx, file, date))
}

/// Imports `file`: the preview's plan, in one transaction, only if no row
/// was refused.
pub fn commit(
    store: &Store,
    file: &[u8],
    date: ListingDate,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(Preview, Committed), ListingError> {
    store.write(|tx| {
        let preview = plan(tx, file, date)?;
        if !preview.errors.is_empty() {
            return Err(FileProblem::RowsRefused(preview.errors.len()).into());
        }
        let mut done = Committed::default();
        for planned in &preview.rows {
            let row = &planned.row;
            let person_id = match &planned.plan {
                Plan::AlreadyListed { .. } => {
                    done.already_listed += 1;
                    continue;
                }
                Plan::KnownPerson { person_id } => person_id.clone(),
                Plan::NewPerson => {
                    done.new_persons += 1;
                    insert_person(
                        tx,
                        &row.name,
                        Some(&row.recipient_number),
                        profile_fields(row),
                        now,
                    )?
                }
            };
            listings::insert(
                tx,
                &ListingEntry {
                    fiscal_year: date.fiscal_year,
                    person_id: &person_id,
                    listed_on: date.listed_on,
                    admitted_on: row.admitted_on,
                    stay_days: planned.stay_days,
                    short_stay: planned.short_stay,
                    hospital: &row.hospital,
                    ward: &row.ward,
                    imported_at: now,
                },
            )?;
            // The caseworker named in the listing gets the person on their
            // caseload, unless they already have them.
            assignments::insert_unless_open(
                tx,
                &planned.caseworker,
                &person_id,
                date.listed_on,
                now,
            )?;
            done.listed += 1;
            done.flagged += usize::from(planned.short_stay);
        }
        audit::append(
            tx,
            actor,
            "listing_import",
            &serde_json::json!({
                "fiscal_year": date.fiscal_year,
                "listed_on": date.listed_on,
                "new_persons": done.new_persons,
                "listed": done.listed,
                "already_listed": done.already_listed,
                "flagged": done.flagged,
            }),
            now,
        )?;
        Ok((preview, done))
    })
}

fn profile_fields(row: &ListingRow) -> Vec<(String, FieldValue)> {
    let mut fields = vec![
        ("sex".to_owned(), FieldValue::Str(row.sex.to_owned())),
        ("hospital".to_owned(), FieldValue::Str(row.hospital.clone())),
        ("admitted_on".to_owned(), FieldValue::Date(row.admitted_on)),
    ];
    if !row.ward.is_empty() {
        fields.push(("ward".to_owned(), FieldValue::Str(row.ward.clone())));
    }
    if let Some(born) = row.date_of_birth {
        fields.push(("date_of_birth".to_owned(), FieldValue::Date(born)));
    }
    if !row.name_kana.is_empty() {
        let (family, given) = split_name(&row.name_kana);
        fields.push((
            "family_name_kana".to_owned(),
            FieldValue::Str(family.to_owned()),
        ));
        if !given.is_empty() {
            fields.push((
                "given_name_kana".to_owned(),
                FieldValue::Str(given.to_owned()),
            ));
        }
    }
    fields
}

/// The caseworker named `who` (login or display name), if exactly one
/// active caseworker answers to it.
fn caseworker(tx: &ReadTx<'_>, who: &str) -> Result<Result<String, RowProblem>, StoreError> {
    let found = users::caseworkers_named(tx, who)?;
    Ok(match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(RowProblem::NotACaseworker {
            who: who.to_owned(),
        }),
        _ => Err(RowProblem::SeveralCaseworkers {
            who: who.to_owned(),
        }),
    })
}

/// The listing plan: every row of `file` checked and matched against the
/// persons and listings the database holds.
fn plan(tx: &ReadTx<'_>, file: &[u8], date: ListingDate) -> Result<Preview, ListingError> {
    let text = decode::text(file).map_err(ListingError::File)?;
    let (rows, mut errors) = rows::parse(&text).map_err(ListingError::File)?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut planned = Vec::new();
    for row in rows {
        let refuse = |problem: RowProblem| RowError {
            line: row.line,
            problems: vec![problem],
        };
        if let Some(first) = seen.insert(row.recipient_number.clone(), row.line) {
            errors.push(refuse(RowProblem::Duplicate {
                recipient_number: row.recipient_number.clone(),
                first_row: first,
            }));
            continue;
        }
        if row.admitted_on > date.listed_on {
            errors.push(refuse(RowProblem::AdmittedAfterListing {
                admitted_on: row.admitted_on,
                listed_on: date.listed_on,
            }));
            continue;
        }
        let caseworker = match caseworker(tx, &row.caseworker)? {
            Ok(username) => username,
            Err(problem) => {
                errors.push(refuse(problem));
                continue;
            }
        };
        let plan = match persons::by_recipient_number(tx, &row.recipient_number)? {
            None => Plan::NewPerson,
            Some(person_id) => {
                if listings::is_listed(tx, date.fiscal_year, &person_id)? {
                    Plan::AlreadyListed { person_id }
                } else {
                    Plan::KnownPerson { person_id }
                }
            }
        };
        let stay_days = (date.listed_on - row.admitted_on).num_days();
        planned.push(PlannedRow {
            row,
            plan,
            stay_days,
            short_stay: stay_days < 365,
            caseworker,
        });
    }
    errors.sort_by_key(|e| e.line);
    Ok(Preview {
        rows: planned,
        errors,
    })
}
