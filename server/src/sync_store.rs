//! The sync session's storage on the server: records, the change feed and
//! the caseload, in SQLite. A commit here is the durable point the device's
//! acknowledgement stands on (WAL with `synchronous=FULL`).

use crate::accounts::today;
use crate::record_locks::{RecordGuard, RecordLocks};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;
use tsunagu_sync::policy;
use tsunagu_sync::protocol::DocChanges;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::session::Caller;
use tsunagu_sync::session::server::{FeedPage, FeedQuery, RecordWrite, ServerStore, SnapshotPage};

/// The assignments active today, as a SQL condition on `person_id` for user `?u`.
const ACTIVE_CASELOAD: &str = "SELECT person_id FROM assignments
     WHERE user_id = :user AND starts_on <= :today AND (ends_on IS NULL OR ends_on > :today)";

/// [`ServerStore`] over the server's database. Each call takes the
/// connection for its statements only; merging (pure CPU) runs unlocked.
pub struct SqliteServerStore<'c> {
    store: &'c Store,
    locks: &'c RecordLocks,
    /// The records this session merges into, held until it is dropped.
    held: Option<RecordGuard<'c>>,
    now: DateTime<Utc>,
    /// The persons whose records [`ServerStore::commit`] changed, so the
    /// driver can tell the connections that care.
    pub committed_persons: Vec<String>,
}

impl<'c> SqliteServerStore<'c> {
    /// A store over `store`, merging under `locks`, with `now` for
    /// timestamps and the caseload date.
    pub fn new(store: &'c Store, locks: &'c RecordLocks, now: DateTime<Utc>) -> Self {
        SqliteServerStore {
            store,
            locks,
            held: None,
            now,
            committed_persons: Vec::new(),
        }
    }
}

impl ServerStore for SqliteServerStore<'_> {
    type Error = rusqlite::Error;

    fn lock_records(&mut self, ids: &[String]) -> Result<(), rusqlite::Error> {
        // Release what an earlier push on this session held before waiting.
        self.held = None;
        self.held = Some(self.locks.lock(ids));
        Ok(())
    }

    fn load_record(&mut self, id: &str) -> Result<Option<Vec<u8>>, rusqlite::Error> {
        let conn = self.store.reader()?;
        conn.prepare_cached("SELECT snapshot FROM records WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()
    }

    fn assigned_on(
        &mut self,
        user_id: &str,
        person_id: &str,
        date: NaiveDate,
    ) -> Result<bool, rusqlite::Error> {
        let conn = self.store.reader()?;
        let grace_start = today(self.now) - chrono::Days::new(policy::LATE_SYNC_GRACE_DAYS as u64);
        conn.prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM assignments
              WHERE user_id = :user AND person_id = :person
                AND starts_on <= :date AND (ends_on IS NULL OR (ends_on > :date AND ends_on > :grace)))",
            )?
            .query_row(
            rusqlite::named_params! {
                ":user": user_id,
                ":person": person_id,
                ":date": date.to_string(),
                ":grace": grace_start.to_string(),
            },
            |r| r.get(0),
        )
    }

    fn commit(&mut self, origin: &Caller, writes: Vec<RecordWrite>) -> Result<(), rusqlite::Error> {
        let received = self.now.to_rfc3339();
        let device = origin.device_id.clone();
        let persons: Vec<String> = writes.iter().map(|w| w.person_id.clone()).collect();
        self.store.write_grouped(Box::new(move |conn| {
            for write in &writes {
                conn.prepare_cached(
                    "INSERT INTO records (id, kind, person_id, snapshot) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot",
                )?
                .execute(params![
                    write.id,
                    write.kind.as_str(),
                    write.person_id,
                    write.snapshot
                ])?;
                let mut insert = conn.prepare_cached(
                    "INSERT INTO feed (record_id, person_id, kind, change, origin_device, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for change in &write.new_changes {
                    insert.execute(params![
                        write.id,
                        write.person_id,
                        write.kind.as_str(),
                        change,
                        device,
                        received
                    ])?;
                }
            }
            Ok(())
        }))?;
        self.committed_persons.extend(persons);
        Ok(())
    }

    fn feed_end(&mut self) -> Result<u64, rusqlite::Error> {
        let end: i64 = self
            .store
            .reader()?
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM feed")?
            .query_row([], |r| r.get(0))?;
        Ok(end.max(0) as u64)
    }

    /// Reads each person's entries in order through `feed_by_person` (an
    /// index range per person, no sort in SQL), merges them by sequence
    /// number here, and only then reads the changes that fit the page. The
    /// cost follows what the device may read, not everything written since
    /// its cursor.
    fn feed_page(
        &mut self,
        caller: &Caller,
        query: &FeedQuery<'_>,
        max_bytes: usize,
    ) -> Result<FeedPage, rusqlite::Error> {
        let conn = self.store.reader()?;
        let readable = readable_kinds(caller);
        let mut page = FeedPage {
            docs: Vec::new(),
            last_seq: query.after,
            done: true,
        };
        if readable.is_empty() || query.persons.is_empty() {
            return Ok(page);
        }
        let until = seq_param(query.until);
        // Everything up to `horizon` is in `entries`: a person with more
        // than a page of entries lowers it to the last one read.
        let mut horizon = until;
        let mut entries: Vec<(i64, String, usize)> = Vec::new();
        let mut by_person = conn.prepare_cached(
            "SELECT seq, record_id, kind, length(change) FROM feed INDEXED BY feed_by_person
              WHERE person_id = ?1 AND seq > ?2 AND seq <= ?3 AND origin_device <> ?4
              ORDER BY seq
              LIMIT ?5",
        )?;
        for person in query.persons {
            let mut rows = by_person.query(params![
                person,
                seq_param(query.after),
                until,
                query.skip_device,
                FEED_PAGE_ROWS
            ])?;
            let (mut read, mut last) = (0, 0);
            while let Some(row) = rows.next()? {
                let (seq, kind): (i64, String) = (row.get(0)?, row.get(2)?);
                (read, last) = (read + 1, seq);
                if readable.contains(&kind.as_str()) {
                    entries.push((seq, row.get(1)?, row.get::<_, i64>(3)?.max(0) as usize));
                }
            }
            if read == FEED_PAGE_ROWS {
                horizon = horizon.min(last);
            }
        }
        entries.retain(|(seq, _, _)| *seq <= horizon);
        entries.sort_unstable_by_key(|(seq, _, _)| *seq);
        let mut change_at = conn.prepare_cached("SELECT change FROM feed WHERE seq = ?1")?;
        let mut bytes = 0;
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut full = false;
        for (seq, id, len) in entries {
            if bytes >= max_bytes {
                full = true;
                break;
            }
            let change: Vec<u8> = change_at.query_row([seq], |row| row.get(0))?;
            bytes += len;
            page.last_seq = seq.max(0) as u64;
            match index.get(&id) {
                Some(&at) => page.docs[at].changes.push(change),
                None => {
                    index.insert(id.clone(), page.docs.len());
                    page.docs.push(DocChanges {
                        id,
                        changes: vec![change],
                    });
                }
            }
        }
        if !full && horizon < until {
            // Everything up to the horizon was looked at; the rest next page.
            page.last_seq = horizon.max(0) as u64;
        }
        page.done = !full && horizon == until;
        Ok(page)
    }

    fn snapshot_page(
        &mut self,
        caller: &Caller,
        persons: &[String],
        after_id: &str,
        max_bytes: usize,
    ) -> Result<SnapshotPage, rusqlite::Error> {
        let conn = self.store.reader()?;
        let mut page = SnapshotPage {
            docs: Vec::new(),
            last_id: after_id.to_owned(),
            done: true,
        };
        let kinds = readable_kinds(caller);
        if kinds.is_empty() || persons.is_empty() {
            return Ok(page);
        }
        let mut statement = conn.prepare_cached(
            "SELECT id, snapshot FROM records
              WHERE id > :after
                AND kind IN (SELECT value FROM json_each(:kinds))
                AND person_id IN (SELECT value FROM json_each(:persons))
              ORDER BY id",
        )?;
        let mut rows = statement.query(rusqlite::named_params! {
            ":after": after_id,
            ":kinds": json_list(&kinds),
            ":persons": json_list(persons),
        })?;
        let mut bytes = 0;
        while let Some(row) = rows.next()? {
            if bytes >= max_bytes {
                page.done = false;
                break;
            }
            let id: String = row.get(0)?;
            let snapshot: Vec<u8> = row.get(1)?;
            bytes += snapshot.len();
            page.last_id = id.clone();
            page.docs.push(DocChanges {
                id,
                changes: vec![snapshot],
            });
        }
        Ok(page)
    }

    fn caseload(&mut self, caller: &Caller) -> Result<Vec<String>, rusqlite::Error> {
        let conn = self.store.reader()?;
        let sql = format!("SELECT DISTINCT person_id FROM ({ACTIVE_CASELOAD}) ORDER BY person_id");
        let mut statement = conn.prepare_cached(&sql)?;
        let rows = statement.query_map(
            rusqlite::named_params! { ":user": caller.user_id, ":today": today(self.now).to_string() },
            |r| r.get(0),
        )?;
        rows.collect()
    }

    fn held(&mut self, caller: &Caller) -> Result<Vec<(String, bool)>, rusqlite::Error> {
        let conn = self.store.reader()?;
        let mut statement = conn.prepare_cached(
            "SELECT person_id, confirmed FROM device_persons WHERE device_id = ?1 ORDER BY person_id",
        )?;
        let rows = statement.query_map([&caller.device_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    fn mark_sent(&mut self, caller: &Caller, persons: &[String]) -> Result<(), rusqlite::Error> {
        let conn = self.store.conn();
        let tx =
            rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate)?;
        for person in persons {
            tx.execute(
                "INSERT OR IGNORE INTO device_persons (device_id, person_id, confirmed) VALUES (?1, ?2, 0)",
                params![caller.device_id, person],
            )?;
        }
        tx.commit()
    }

    fn set_delivered(
        &mut self,
        caller: &Caller,
        added: &[String],
        removed: &[String],
    ) -> Result<(), rusqlite::Error> {
        let conn = self.store.conn();
        let tx =
            rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate)?;
        for person in added {
            tx.execute(
                "INSERT INTO device_persons (device_id, person_id, confirmed) VALUES (?1, ?2, 1)
                 ON CONFLICT (device_id, person_id) DO UPDATE SET confirmed = 1",
                params![caller.device_id, person],
            )?;
        }
        for person in removed {
            tx.execute(
                "DELETE FROM device_persons WHERE device_id = ?1 AND person_id = ?2",
                params![caller.device_id, person],
            )?;
        }
        tx.commit()
    }
}

/// Feed positions are SQLite integers; a cursor past `i64::MAX` (only a
/// forged one) reads as the end.
fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The kinds the caller's role may read, by name.
fn readable_kinds(caller: &Caller) -> Vec<&'static str> {
    RecordKind::ALL
        .into_iter()
        .filter(|kind| policy::access(caller.role, *kind).read)
        .map(|kind| kind.as_str())
        .collect()
}

/// The most feed entries one page looks at: a long backlog is read in
/// pages of entries as well as of bytes.
const FEED_PAGE_ROWS: i64 = 2048;

/// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
fn json_list<T: AsRef<str>>(items: &[T]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::to_string(&items).expect("a list of strings serialises")
}
