//! `records` and the write side of `feed`: each record's compacted
//! automerge document, and the changes that made it, in the order the
//! server received them. [`commit`] is the only way in, for sync pushes
//! and server-made documents alike.

use super::sql::{Row, args};
use super::{Dialect, ReadTx, StoreError, WriteTx, postgres};
use chrono::{DateTime, Utc};
use tsunagu_sync::outcome::facts::RecordSummary;
use tsunagu_sync::protocol::DocChanges;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::summary::Summary;
use tsunagu_sync::session::server::{RecordWrite, SnapshotPage, StoredDoc};

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Record id.
    pub id: String,
    /// Its kind, by name.
    pub kind: String,
    /// Its person.
    pub person_id: String,
    /// Its compacted document.
    pub snapshot: Vec<u8>,
}

/// Stores each write's document (new or replacing the old) and appends its
/// new changes to the feed, tagged with the device they came from
/// (`origin_device`) and the time the server received them.
pub fn commit(
    tx: &WriteTx<'_>,
    origin_device: &str,
    received_at: DateTime<Utc>,
    writes: &[RecordWrite],
) -> Result<(), StoreError> {
    let received = received_at.to_rfc3339();
    // On PostgreSQL the feed is numbered in commit order under a lock held
    // from here to the commit.
    postgres::hold(tx, postgres::FEED_ORDER_LOCK)?;
    if tx.dialect() == Dialect::Postgres && postgres::rows::distinct_ids(writes) {
        return postgres::rows::commit(tx, origin_device, &received, writes);
    }
    for write in writes {
        let kind = write.kind.as_str();
        tx.execute(
            "INSERT INTO records (id, kind, person_id, snapshot) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot",
            args![write.id, kind, write.person_id, write.snapshot],
        )?;
        set_summary(
            tx,
            &write.id,
            &write.person_id,
            &write.summary,
            &write.list_summary,
        )?;
        for change in &write.new_changes {
            tx.execute(
                "INSERT INTO feed (record_id, person_id, kind, change, origin_device, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![
                    write.id,
                    write.person_id,
                    kind,
                    change,
                    origin_device,
                    received
                ],
            )?;
        }
    }
    Ok(())
}

/// What the report reads of a record, as stored.
pub(in crate::store) fn summary_json(summary: &RecordSummary) -> String {
    serde_json::to_string(summary).unwrap_or_default()
}

/// A stored record without a summary (or without its list summary).
#[derive(Debug, Clone)]
pub struct Unsummarised {
    /// Record id.
    pub id: String,
    /// Its person.
    pub person_id: String,
    /// Its saved document.
    pub snapshot: Vec<u8>,
}

/// Up to `limit` records not yet summarised with ids after `after_id`,
/// in id order.
pub fn unsummarised(
    tx: &ReadTx<'_>,
    after_id: &str,
    limit: usize,
) -> Result<Vec<Unsummarised>, StoreError> {
    tx.rows(
        "SELECT r.id, r.person_id, r.snapshot FROM records r
           LEFT JOIN record_summaries s ON s.record_id = r.id
          WHERE (s.record_id IS NULL OR s.list_summary IS NULL)
            AND r.id > ?1 ORDER BY r.id LIMIT ?2",
        args![after_id, limit as i64],
        |r| {
            Ok(Unsummarised {
                id: r.get(0)?,
                person_id: r.get(1)?,
                snapshot: r.get(2)?,
            })
        },
    )
}

/// The statement that inserts a record's summaries, or updates them where
/// `$condition` (a `WHERE` clause on the existing row, or empty) holds.
macro_rules! upsert_summaries {
    ($condition:literal) => {
        concat!(
            "INSERT INTO record_summaries (record_id, person_id, summary, list_summary)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (record_id) DO UPDATE
               SET summary = excluded.summary, list_summary = excluded.list_summary",
            $condition
        )
    };
}

/// Stores (or replaces) what the report and a device's lists read of
/// record `id` of `person_id`.
pub fn set_summary(
    tx: &WriteTx<'_>,
    id: &str,
    person_id: &str,
    summary: &RecordSummary,
    list_summary: &Summary,
) -> Result<(), StoreError> {
    upsert_summaries(
        tx,
        upsert_summaries!(""),
        (id, person_id, summary, list_summary),
    )
}

/// [`set_summary`] for a record summarised at start: fills in what is
/// missing and never overwrites a row a commit wrote meanwhile (a commit
/// always writes both summaries).
pub fn fill_summary(
    tx: &WriteTx<'_>,
    id: &str,
    person_id: &str,
    summary: &RecordSummary,
    list_summary: &Summary,
) -> Result<(), StoreError> {
    upsert_summaries(
        tx,
        upsert_summaries!(" WHERE record_summaries.list_summary IS NULL"),
        (id, person_id, summary, list_summary),
    )
}

/// Runs `sql` ([`upsert_summaries!`]) with a record's summaries.
fn upsert_summaries(
    tx: &WriteTx<'_>,
    sql: &'static str,
    (id, person_id, summary, list_summary): (&str, &str, &RecordSummary, &Summary),
) -> Result<(), StoreError> {
    tx.execute(
        sql,
        args![
            id,
            person_id,
            summary_json(summary),
            list_summary.to_bytes()
        ],
    )?;
    Ok(())
}

/// Forgets every summary, as a database from before migration 7 holds
/// none (for tests of the summarising at start).
#[cfg(test)]
pub fn forget_summaries(tx: &WriteTx<'_>) -> Result<(), StoreError> {
    tx.execute("DELETE FROM record_summaries", args![])?;
    Ok(())
}

/// Forgets every list summary, as a database from before migration 15
/// holds none (for tests of the summarising at start).
#[cfg(test)]
pub fn forget_list_summaries(tx: &WriteTx<'_>) -> Result<(), StoreError> {
    tx.execute("UPDATE record_summaries SET list_summary = NULL", args![])?;
    Ok(())
}

/// Every summarised record's (person, summary).
pub fn summaries(tx: &ReadTx<'_>) -> Result<Vec<(String, RecordSummary)>, StoreError> {
    tx.rows(
        "SELECT person_id, summary FROM record_summaries",
        args![],
        |row| {
            let json: String = row.get(1)?;
            let summary = serde_json::from_str(&json)
                .map_err(|_| StoreError::bad_value("record_summaries.summary", json))?;
            Ok((row.get(0)?, summary))
        },
    )
}

/// A record as the server holds it (kind, person, saved document), if it does.
pub fn stored(tx: &ReadTx<'_>, id: &str) -> Result<Option<StoredDoc>, StoreError> {
    let row: Option<(String, String, Vec<u8>)> = tx.optional(
        "SELECT kind, person_id, snapshot FROM records WHERE id = ?1",
        args![id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    row.map(|(kind, person_id, snapshot)| {
        Ok(StoredDoc {
            kind: kind
                .parse()
                .map_err(|_| StoreError::bad_value("records.kind", kind))?,
            person_id,
            snapshot,
        })
    })
    .transpose()
}

/// Every record of the given kind, by id.
pub fn of_kind(tx: &ReadTx<'_>, kind: RecordKind) -> Result<Vec<StoredRecord>, StoreError> {
    tx.rows(
        "SELECT id, kind, person_id, snapshot FROM records WHERE kind = ?1 ORDER BY id",
        args![kind.as_str()],
        stored_record,
    )
}

/// The records that can end a case (case closures and deaths) of
/// `persons`.
pub fn closings_of(tx: &ReadTx<'_>, persons: &[String]) -> Result<Vec<StoredRecord>, StoreError> {
    if persons.is_empty() {
        return Ok(Vec::new());
    }
    let sql = match tx.dialect() {
        Dialect::Sqlite => {
            "SELECT id, kind, person_id, snapshot FROM records
              WHERE kind IN (?1, ?2) AND person_id IN (SELECT value FROM json_each(?3))
              ORDER BY id"
        }
        Dialect::Postgres => {
            "SELECT id, kind, person_id, snapshot FROM records
              WHERE kind IN (?1, ?2) AND person_id = ANY(?3)
              ORDER BY id"
        }
    };
    tx.rows(
        sql,
        args![
            RecordKind::CaseClosure.as_str(),
            RecordKind::Death.as_str(),
            persons
        ],
        stored_record,
    )
}

fn stored_record(r: &Row<'_>) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        person_id: r.get(2)?,
        snapshot: r.get(3)?,
    })
}

/// How many feed entries a record has.
pub fn feed_entries_of(tx: &ReadTx<'_>, record_id: &str) -> Result<u64, StoreError> {
    let count: i64 = tx.value(
        "SELECT count(*) FROM feed WHERE record_id = ?1",
        args![record_id],
    )?;
    Ok(count.max(0) as u64)
}

/// The saved documents of records of `persons` whose kind is in `kinds`,
/// with ids after `after_id` in id order, about `max_bytes` at most (at
/// least one record).
pub fn snapshot_page(
    tx: &ReadTx<'_>,
    kinds: &[&str],
    persons: &[String],
    after_id: &str,
    max_bytes: usize,
) -> Result<SnapshotPage, StoreError> {
    let mut page = SnapshotPage {
        docs: Vec::new(),
        summaries: Vec::new(),
        last_id: after_id.to_owned(),
        done: true,
    };
    if kinds.is_empty() || persons.is_empty() {
        return Ok(page);
    }
    let kinds: Vec<String> = kinds.iter().map(|kind| (*kind).to_owned()).collect();
    let sql = match tx.dialect() {
        Dialect::Sqlite => {
            "SELECT r.id, r.snapshot, s.list_summary FROM records r
               LEFT JOIN record_summaries s ON s.record_id = r.id
              WHERE r.id > ?1
                AND r.kind IN (SELECT value FROM json_each(?2))
                AND r.person_id IN (SELECT value FROM json_each(?3))
              ORDER BY r.id"
        }
        Dialect::Postgres => {
            "SELECT r.id, r.snapshot, s.list_summary FROM records r
               LEFT JOIN record_summaries s ON s.record_id = r.id
              WHERE r.id > ?1 AND r.kind = ANY(?2) AND r.person_id = ANY(?3)
              ORDER BY r.id"
        }
    };
    let mut bytes = 0;
    tx.each(sql, args![after_id, kinds.as_slice(), persons], |row| {
        if bytes >= max_bytes {
            page.done = false;
            return Ok(false);
        }
        let id: String = row.get(0)?;
        let snapshot: Vec<u8> = row.get(1)?;
        let list: Option<Vec<u8>> = row.get(2)?;
        // The page's size counts all it carries, so a frame stays well
        // under the limit whatever the summaries hold.
        bytes += snapshot.len() + id.len() + list.as_ref().map_or(0, Vec::len);
        // One this build cannot read is left to the device to make.
        page.summaries
            .push(list.and_then(|bytes| Summary::from_bytes(&bytes)));
        page.last_id = id.clone();
        page.docs.push(DocChanges {
            id,
            changes: vec![snapshot],
        });
        Ok(true)
    })?;
    Ok(page)
}
