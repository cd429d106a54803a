//! The sync session's storage on the server: the [`ServerStore`] the
//! sans-IO session runs on, as calls into the store. A commit here is the
//! durable point the device's acknowledgement stands on (group commit on
//! WAL with `synchronous=FULL`).

use crate::record_locks::{RecordGuard, RecordLocks};
use crate::retention::Retention;
use crate::store::{
    RecordsHeld, Store, StoreError, assignments, deliveries, feed, history, listings, records,
};
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::policy;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::session::Caller;
use tsunagu_sync::session::server::{
    FeedPage, FeedQuery, RecordWrite, ServerStore, SnapshotPage, StoredDoc,
};
use tsunagu_sync::team::{PersonTeam, TeamMember};

/// [`ServerStore`] over the server's store. Each call holds a connection
/// for its statements only; merging (pure CPU) runs outside the database.
pub struct SqliteServerStore<'c> {
    store: &'c Store,
    locks: &'c RecordLocks,
    /// The records this session merges into, held until it is dropped:
    /// against this server's other connections, and (dropped first)
    /// against other servers on the same database.
    held_elsewhere: Option<RecordsHeld<'c>>,
    held: Option<RecordGuard<'c>>,
    now: DateTime<Utc>,
    /// How long devices keep ended cases.
    retention: Retention,
    /// The persons whose records [`ServerStore::commit`] changed, so the
    /// driver can tell the connections that care.
    pub committed_persons: Vec<String>,
}

impl<'c> SqliteServerStore<'c> {
    /// A store over `store`, merging under `locks`, with `now` for
    /// timestamps and the caseload date, and `retention` for how long a
    /// device keeps an ended case.
    pub fn new(
        store: &'c Store,
        locks: &'c RecordLocks,
        now: DateTime<Utc>,
        retention: Retention,
    ) -> Self {
        SqliteServerStore {
            store,
            locks,
            held_elsewhere: None,
            held: None,
            now,
            retention,
            committed_persons: Vec::new(),
        }
    }

    fn today(&self) -> NaiveDate {
        policy::japan_date(self.now)
    }
}

impl ServerStore for SqliteServerStore<'_> {
    type Error = StoreError;

    fn lock_records(&mut self, ids: &[String]) -> Result<(), StoreError> {
        // Release what an earlier push on this session held before waiting.
        self.held_elsewhere = None;
        self.held = None;
        self.held = Some(self.locks.lock(ids));
        self.held_elsewhere = Some(self.store.lock_records(ids)?);
        Ok(())
    }

    fn load_record(&mut self, id: &str) -> Result<Option<StoredDoc>, StoreError> {
        self.store.read(|tx| records::stored(tx, id))
    }

    fn purged_from(&mut self, caller: &Caller, person_id: &str) -> Result<bool, StoreError> {
        self.store
            .read(|tx| deliveries::purged(tx, &caller.device_id, person_id))
    }

    fn assigned_on(
        &mut self,
        user_id: &str,
        person_id: &str,
        date: NaiveDate,
    ) -> Result<bool, StoreError> {
        let grace_start = self.today() - chrono::Days::new(policy::LATE_SYNC_GRACE_DAYS as u64);
        self.store
            .read(|tx| assignments::held_on(tx, user_id, person_id, date, grace_start))
    }

    fn received_at(&self) -> DateTime<Utc> {
        self.now
    }

    fn commit(&mut self, origin: &Caller, writes: Vec<RecordWrite>) -> Result<(), StoreError> {
        let received = self.now;
        let device = origin.device_id.clone();
        let persons: Vec<String> = writes.iter().map(|w| w.person_id.clone()).collect();
        self.store
            .write_grouped(move |tx| records::commit(tx, &device, received, &writes))?;
        self.committed_persons.extend(persons);
        Ok(())
    }

    fn feed_end(&mut self) -> Result<u64, StoreError> {
        self.store.read(feed::end)
    }

    fn history(&mut self) -> Result<String, StoreError> {
        self.store.read(history::id)
    }

    fn feed_page(
        &mut self,
        caller: &Caller,
        query: &FeedQuery<'_>,
        max_bytes: usize,
    ) -> Result<FeedPage, StoreError> {
        let readable = readable_kinds(caller);
        // No read transaction needed: the feed only grows, a page reads
        // only up to `query.until` (an end read before), and an entry
        // never changes once written.
        self.store
            .read(|tx| feed::page(tx, &readable, query, max_bytes))
    }

    fn snapshot_page(
        &mut self,
        caller: &Caller,
        persons: &[String],
        after_id: &str,
        max_bytes: usize,
    ) -> Result<SnapshotPage, StoreError> {
        let readable = readable_kinds(caller);
        self.store
            .read(|tx| records::snapshot_page(tx, &readable, persons, after_id, max_bytes))
    }

    /// The active caseload, less the cases that ended longer ago than
    /// the retention: those leave the device (unsent changes first reach
    /// the server; the session's purge never drops them).
    fn caseload(&mut self, caller: &Caller) -> Result<Vec<String>, StoreError> {
        let (today, retention) = (self.today(), self.retention);
        self.store.read(|tx| {
            let active = assignments::active_persons(tx, &caller.user_id, today)?;
            let ended = retention.long_ended(tx, &active, today)?;
            Ok(active.into_iter().filter(|p| !ended.contains(p)).collect())
        })
    }

    fn teams(
        &mut self,
        caller: &Caller,
        persons: &[String],
    ) -> Result<Vec<PersonTeam>, StoreError> {
        let today = self.today();
        self.store.read(|tx| {
            let mut teams = Vec::with_capacity(persons.len());
            for person in persons {
                let members = assignments::colleagues_on(tx, person, &caller.user_id, today)?
                    .into_iter()
                    .map(|(role, name)| TeamMember { role, name })
                    .collect();
                teams.push(PersonTeam {
                    person_id: person.clone(),
                    listed_years: listings::years_of(tx, person)?,
                    members,
                });
            }
            Ok(teams)
        })
    }

    fn held(&mut self, caller: &Caller) -> Result<Vec<(String, bool)>, StoreError> {
        self.store
            .read(|tx| deliveries::held(tx, &caller.device_id))
    }

    fn mark_sent(&mut self, caller: &Caller, persons: &[String]) -> Result<(), StoreError> {
        self.store
            .write(|tx| deliveries::mark_sent(tx, &caller.device_id, persons))
    }

    fn set_delivered(
        &mut self,
        caller: &Caller,
        added: &[String],
        removed: &[String],
    ) -> Result<(), StoreError> {
        let now = self.now;
        self.store
            .write(|tx| deliveries::set_delivered(tx, &caller.device_id, added, removed, now))
    }
}

/// The kinds the caller's role may read, by name.
fn readable_kinds(caller: &Caller) -> Vec<&'static str> {
    RecordKind::ALL
        .into_iter()
        .filter(|kind| policy::access(caller.role, *kind).read)
        .map(|kind| kind.as_str())
        .collect()
}
