//! Small record fixtures for the integration tests: a ward interview as
//! a device would write it, and what the server's database holds.

use anyhow::Result;
use chrono::{DateTime, Utc};
use std::path::Path;
use tsunagu_sync::policy::japan_date;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};

/// A continued ward interview of `person`, made on `device` by `by`, dated
/// `at` (its id from `at` and `random`), held today (Japan time).
pub fn ward_interview(
    person: &str,
    device: &str,
    by: &str,
    at: DateTime<Utc>,
    random: [u8; 10],
) -> (NewRecord, Edit) {
    let new = NewRecord {
        id: new_record_id(at, random),
        kind: RecordKind::WardInterview,
        person_id: person.into(),
        device: device.into(),
        fields: vec![
            (
                "occurred_on".into(),
                FieldValue::Date(japan_date(Utc::now())),
            ),
            ("place".into(), FieldValue::Str("ward".into())),
            ("interview_type".into(), FieldValue::Str("continued".into())),
        ],
    };
    let edit = Edit {
        by: by.into(),
        name: None,
        at,
    };
    (new, edit)
}

/// Whether the server's database in `dir` holds the record `id`.
pub fn record_stored(dir: &Path, id: &str) -> Result<bool> {
    Ok(stored_snapshot(dir, id)?.is_some())
}

/// The saved document the server's database in `dir` holds for `id`.
pub fn stored_snapshot(dir: &Path, id: &str) -> Result<Option<Vec<u8>>> {
    if let Some(url) = crate::postgres::database_of(dir) {
        return crate::postgres::snapshot(&url, id);
    }
    let conn = rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?;
    let mut statement = conn.prepare("SELECT snapshot FROM records WHERE id = ?1")?;
    let mut rows = statement.query([id])?;
    Ok(match rows.next()? {
        Some(row) => Some(row.get(0)?),
        None => None,
    })
}

/// How many changes the server's change feed in `dir` holds.
pub fn feed_entries(dir: &Path) -> Result<i64> {
    crate::postgres::count(dir, "SELECT count(*) FROM feed", &[])
}
