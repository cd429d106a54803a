//! The server's store kept in memory: the reference implementation of
//! [`ServerStore`], for unit tests and the fuzz targets only. A real
//! server stores records in SQLite; nothing in production uses this.

use super::Caller;
use super::server::{FeedPage, FeedQuery, RecordWrite, ServerStore, SnapshotPage, StoredDoc};
use crate::policy;
use crate::protocol::DocChanges;
use crate::record::schema::RecordKind;
use crate::team::PersonTeam;
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::ops::Bound;

#[derive(Debug, Clone)]
struct StoredRecord {
    kind: RecordKind,
    person_id: String,
    snapshot: Vec<u8>,
}

#[derive(Debug, Clone)]
struct FeedEntry {
    seq: u64,
    record_id: String,
    change: Vec<u8>,
    origin_device: String,
}

/// The server's store, in memory (tests and fuzzing only).
#[derive(Debug, Default, Clone)]
pub struct MemoryServerStore {
    records: BTreeMap<String, StoredRecord>,
    feed: Vec<FeedEntry>,
    assignments: BTreeSet<(String, String)>,
    /// (device, person) pairs sent to the device → confirmed by it.
    delivered: BTreeMap<(String, String), bool>,
    /// (device, person) pairs the device confirmed it purged.
    purged: BTreeSet<(String, String)>,
    /// The server's clock for [`ServerStore::received_at`]; `None` (the
    /// default): no change is too far ahead.
    pub clock: Option<chrono::DateTime<chrono::Utc>>,
    /// How many times this store was put back from a copy: its history id.
    restores: u32,
    /// What [`ServerStore::teams`] says of each person (set by tests).
    teams: BTreeMap<String, PersonTeam>,
}

impl MemoryServerStore {
    /// Assigns a user to a person.
    pub fn assign(&mut self, user_id: &str, person_id: &str) {
        self.assignments.insert((user_id.into(), person_id.into()));
    }

    /// Ends a user's assignment to a person.
    pub fn unassign(&mut self, user_id: &str, person_id: &str) {
        self.assignments
            .remove(&(user_id.to_owned(), person_id.to_owned()));
    }

    /// Sets what the server tells devices about who works with a person.
    pub fn set_team(&mut self, team: PersonTeam) {
        self.teams.insert(team.person_id.clone(), team);
    }

    /// The stored document of a record.
    pub fn snapshot(&self, id: &str) -> Option<&[u8]> {
        self.records.get(id).map(|r| r.snapshot.as_slice())
    }

    /// Puts this store back to `backup` (a clone taken earlier), as a
    /// server restored from last night's backup: a new history id, and
    /// everything after the copy gone.
    pub fn restore_from(&mut self, backup: &MemoryServerStore) {
        let restores = self.restores + 1;
        *self = backup.clone();
        self.restores = restores;
    }

    /// How many changes the feed holds.
    pub fn feed_len(&self) -> usize {
        self.feed.len()
    }
}

impl ServerStore for MemoryServerStore {
    type Error = Infallible;

    /// One session at a time uses a memory store: nothing to hold.
    fn lock_records(&mut self, _ids: &[String]) -> Result<(), Infallible> {
        Ok(())
    }

    fn load_record(&mut self, id: &str) -> Result<Option<StoredDoc>, Infallible> {
        Ok(self.records.get(id).map(|r| StoredDoc {
            kind: r.kind,
            person_id: r.person_id.clone(),
            snapshot: r.snapshot.clone(),
        }))
    }

    fn purged_from(&mut self, caller: &Caller, person_id: &str) -> Result<bool, Infallible> {
        Ok(self
            .purged
            .contains(&(caller.device_id.clone(), person_id.to_owned())))
    }

    /// In memory, assignments have no dates: assigned now means assigned then.
    fn assigned_on(
        &mut self,
        user_id: &str,
        person_id: &str,
        _date: chrono::NaiveDate,
    ) -> Result<bool, Infallible> {
        Ok(self
            .assignments
            .contains(&(user_id.to_owned(), person_id.to_owned())))
    }

    fn received_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
    }

    fn commit(&mut self, origin: &Caller, writes: Vec<RecordWrite>) -> Result<(), Infallible> {
        for write in writes {
            for change in write.new_changes {
                let seq = self.feed.len() as u64 + 1;
                self.feed.push(FeedEntry {
                    seq,
                    record_id: write.id.clone(),
                    change,
                    origin_device: origin.device_id.clone(),
                });
            }
            self.records.insert(
                write.id,
                StoredRecord {
                    kind: write.kind,
                    person_id: write.person_id,
                    snapshot: write.snapshot,
                },
            );
        }
        Ok(())
    }

    fn feed_end(&mut self) -> Result<u64, Infallible> {
        Ok(self.feed.len() as u64)
    }

    fn history(&mut self) -> Result<String, Infallible> {
        Ok(format!("memory-{}", self.restores))
    }

    fn feed_page(
        &mut self,
        caller: &Caller,
        query: &FeedQuery<'_>,
        max_bytes: usize,
    ) -> Result<FeedPage, Infallible> {
        let mut page = FeedPage {
            docs: Vec::new(),
            last_seq: query.after,
            done: true,
        };
        let mut bytes = 0;
        let range = self
            .feed
            .iter()
            .filter(|e| e.seq > query.after && e.seq <= query.until);
        for entry in range {
            let record = &self.records[&entry.record_id];
            if entry.origin_device == query.skip_device
                || !query.persons.contains(&record.person_id)
                || !policy::access(caller.role, record.kind).read
            {
                continue;
            }
            if bytes >= max_bytes {
                page.done = false;
                break;
            }
            page.last_seq = entry.seq;
            bytes += entry.change.len();
            match page.docs.iter_mut().find(|d| d.id == entry.record_id) {
                Some(doc) => doc.changes.push(entry.change.clone()),
                None => page.docs.push(DocChanges {
                    id: entry.record_id.clone(),
                    changes: vec![entry.change.clone()],
                }),
            }
        }
        Ok(page)
    }

    fn snapshot_page(
        &mut self,
        caller: &Caller,
        persons: &[String],
        after_id: &str,
        max_bytes: usize,
    ) -> Result<SnapshotPage, Infallible> {
        let mut page = SnapshotPage {
            done: true,
            last_id: after_id.to_owned(),
            ..SnapshotPage::default()
        };
        let mut bytes = 0;
        let after = (Bound::Excluded(after_id), Bound::Unbounded);
        for (id, record) in self.records.range::<str, _>(after) {
            if !persons.contains(&record.person_id)
                || !policy::access(caller.role, record.kind).read
            {
                continue;
            }
            if bytes >= max_bytes {
                page.done = false;
                break;
            }
            bytes += record.snapshot.len();
            page.last_id = id.clone();
            page.docs.push(DocChanges {
                id: id.clone(),
                changes: vec![record.snapshot.clone()],
            });
            page.summaries.push(
                crate::record::Record::load(&record.snapshot, b"memory-server")
                    .ok()
                    .map(|loaded| crate::record::summary::summarise(&loaded)),
            );
        }
        Ok(page)
    }

    fn caseload(&mut self, caller: &Caller) -> Result<Vec<String>, Infallible> {
        Ok(self
            .assignments
            .iter()
            .filter(|(user, _)| *user == caller.user_id)
            .map(|(_, person)| person.clone())
            .collect())
    }

    fn teams(&mut self, _: &Caller, persons: &[String]) -> Result<Vec<PersonTeam>, Infallible> {
        Ok(persons
            .iter()
            .map(|person| {
                self.teams.get(person).cloned().unwrap_or(PersonTeam {
                    person_id: person.clone(),
                    listed_years: Vec::new(),
                    members: Vec::new(),
                })
            })
            .collect())
    }

    fn held(&mut self, caller: &Caller) -> Result<Vec<(String, bool)>, Infallible> {
        Ok(self
            .delivered
            .iter()
            .filter(|((device, _), _)| *device == caller.device_id)
            .map(|((_, person), confirmed)| (person.clone(), *confirmed))
            .collect())
    }

    fn mark_sent(&mut self, caller: &Caller, persons: &[String]) -> Result<(), Infallible> {
        for person in persons {
            let key = (caller.device_id.clone(), person.clone());
            self.purged.remove(&key);
            self.delivered.entry(key).or_insert(false);
        }
        Ok(())
    }

    fn set_delivered(
        &mut self,
        caller: &Caller,
        added: &[String],
        removed: &[String],
    ) -> Result<(), Infallible> {
        for person in added {
            self.delivered
                .insert((caller.device_id.clone(), person.clone()), true);
        }
        for person in removed {
            let key = (caller.device_id.clone(), person.clone());
            self.delivered.remove(&key);
            self.purged.insert(key);
        }
        Ok(())
    }
}
