//! `tsunagu import events FILE [--commit]`: the programme's past, one row
//! per event (a joint first interview, a discharge, a readmission, a death,
//! leaving), each written as the same typed record the app writes, signed
//! off, so stages, timelines and the outcome report treat past and live
//! data alike.
//!
//! All or nothing: one refused row and nothing is written. Idempotent: an
//! event's record id is derived from the row (person, event, date,
//! detail), so importing the same file again finds every record there and
//! writes nothing.

pub mod rows;

use crate::listing::decode;
use crate::persons::{PersonError, insert_finalised_document};
use crate::store::audit::{self, Actor};
use crate::store::{ReadTx, Store, StoreError, persons, records};
use chrono::{DateTime, NaiveDate, Utc};
use rows::{EventRow, PastEvent, RowError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use tsunagu_app::event_refusal::EventProblem;
use tsunagu_app::listing_refusal::FileProblem;
use tsunagu_sync::record::FieldValue;
use tsunagu_sync::record::new_record_id;
use tsunagu_sync::record::schema::RecordKind;

/// One accepted row and what importing it does.
#[derive(Debug, Clone)]
pub struct PlannedEvent {
    /// The row.
    pub row: EventRow,
    /// The person it is about.
    pub person_id: String,
    /// The record it becomes.
    pub record_id: String,
    /// The record is there already (imported before): nothing to write.
    pub already: bool,
}

/// What importing a file would do.
#[derive(Debug, Clone, Default)]
pub struct EventPreview {
    /// The accepted rows.
    pub rows: Vec<PlannedEvent>,
    /// The refused rows, by row number.
    pub errors: Vec<RowError>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventsImported {
    /// Records written.
    pub written: usize,
    /// Rows whose record was already there.
    pub already: usize,
}

/// Why an import could not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum EventImportError {
    /// The file as a whole is unusable, or some rows are refused.
    #[error(transparent)]
    File(#[from] FileProblem),
    /// A record could not be made.
    #[error(transparent)]
    Person(#[from] PersonError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads and checks `file` against the database; writes nothing.
/// `today` (Japan's date) is the latest date an event may have.
pub fn preview(
    store: &Store,
    file: &[u8],
    today: NaiveDate,
) -> Result<EventPreview, EventImportError> {
    store.read_snapshot(|tx| plan(tx, file, today))
}

/// Imports `file`: every row, or nothing when a row is refused.
pub fn commit(
    store: &Store,
    file: &[u8],
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(EventPreview, EventsImported), EventImportError> {
    let today = tsunagu_sync::japan_time::date(now);
    store.write(|tx| {
        let preview = plan(tx, file, today)?;
        if !preview.errors.is_empty() {
            return Err(FileProblem::RowsRefused(preview.errors.len()).into());
        }
        let mut done = EventsImported::default();
        for planned in &preview.rows {
            if planned.already {
                done.already += 1;
                continue;
            }
            let (kind, fields) = record_of(&planned.row);
            insert_finalised_document(
                tx,
                &planned.record_id,
                &planned.person_id,
                kind,
                fields,
                &[],
                now,
            )?;
            done.written += 1;
        }
        audit::append(
            tx,
            actor,
            "import_events",
            &serde_json::json!({ "written": done.written, "already": done.already }),
            now,
        )?;
        Ok((preview, done))
    })
}

fn plan(tx: &ReadTx<'_>, file: &[u8], today: NaiveDate) -> Result<EventPreview, EventImportError> {
    let text = decode::text(file)?;
    let (rows, mut errors) = rows::parse(&text)?;
    let mut seen: HashMap<(String, PastEvent, NaiveDate), u64> = HashMap::new();
    let mut planned = Vec::new();
    for row in rows {
        let refuse = |problem: EventProblem| RowError {
            line: row.line,
            problems: vec![problem],
        };
        let key = (row.recipient_number.clone(), row.event.clone(), row.on);
        if let Some(first) = seen.insert(key, row.line) {
            errors.push(refuse(EventProblem::Duplicate(first)));
            continue;
        }
        if row.on > today {
            errors.push(refuse(EventProblem::Future(row.on.to_string())));
            continue;
        }
        let Some(person_id) = persons::by_recipient_number(tx, &row.recipient_number)? else {
            errors.push(refuse(EventProblem::UnknownPerson(
                row.recipient_number.clone(),
            )));
            continue;
        };
        let record_id = record_id(&row);
        let already = records::stored(tx, &record_id)?.is_some();
        planned.push(PlannedEvent {
            row,
            person_id,
            record_id,
            already,
        });
    }
    errors.sort_by_key(|e| e.line);
    Ok(EventPreview {
        rows: planned,
        errors,
    })
}

/// The record id an event row always becomes: a UUIDv7 dated at the
/// event (midnight, Japan time) whose random part is a hash of the row.
fn record_id(row: &EventRow) -> String {
    let mut hash = Sha256::new();
    for part in [
        "tsunagu past event",
        &row.recipient_number,
        row.event.name(),
        &row.on.to_string(),
        row.event.detail(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let mut random = [0u8; 10];
    random.copy_from_slice(&digest[..10]);
    let midnight = row.on.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
        - chrono::Duration::seconds(i64::from(tsunagu_sync::japan_time::OFFSET_SECS));
    new_record_id(midnight, random)
}

/// The kind and fields of the record an event row becomes.
fn record_of(row: &EventRow) -> (RecordKind, Vec<(String, FieldValue)>) {
    let on = FieldValue::Date(row.on);
    let text = |s: &str| FieldValue::Str(s.to_owned());
    let (kind, fields): (RecordKind, Vec<(&str, FieldValue)>) = match &row.event {
        PastEvent::FirstInterview => (
            RecordKind::WardInterview,
            vec![
                ("occurred_on", on),
                ("place", text("ward")),
                ("interview_type", text("first_joint")),
                ("caseworker_present", FieldValue::Flag(true)),
            ],
        ),
        PastEvent::Discharged(code) => (
            RecordKind::Discharge,
            vec![("discharged_on", on), ("destination", text(code))],
        ),
        PastEvent::Readmitted(hospital) => (
            RecordKind::Readmission,
            vec![
                ("readmitted_on", on),
                (
                    "hospital",
                    text(if hospital.is_empty() {
                        "不明"
                    } else {
                        hospital
                    }),
                ),
            ],
        ),
        PastEvent::Died => (RecordKind::Death, vec![("died_on", on)]),
        PastEvent::Left(code) => (
            RecordKind::CaseClosure,
            vec![("closed_on", on), ("reason", text(code))],
        ),
    };
    let fields = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    (kind, fields)
}
