//! In-memory stores for both sides: the reference implementations of the
//! storage traits, used by unit tests and the simulator.

use super::Caller;
use super::client::ClientStore;
use super::server::{FeedPage, FeedQuery, RecordWrite, ServerStore, SnapshotPage};
use crate::policy;
use crate::protocol::{DocChanges, DocOutcome, Rejection};
use crate::record::schema::RecordKind;
use crate::record::{ChangeHash, Edit, NewRecord, Record, RecordError};
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

/// The server's store, in memory.
#[derive(Debug, Default)]
pub struct MemoryServerStore {
    records: BTreeMap<String, StoredRecord>,
    feed: Vec<FeedEntry>,
    assignments: BTreeSet<(String, String)>,
    /// (device, person) pairs sent to the device → confirmed by it.
    delivered: BTreeMap<(String, String), bool>,
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

    /// The stored document of a record.
    pub fn snapshot(&self, id: &str) -> Option<&[u8]> {
        self.records.get(id).map(|r| r.snapshot.as_slice())
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

    fn load_record(&mut self, id: &str) -> Result<Option<Vec<u8>>, Infallible> {
        Ok(self.records.get(id).map(|r| r.snapshot.clone()))
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
            self.delivered
                .entry((caller.device_id.clone(), person.clone()))
                .or_insert(false);
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
            self.delivered
                .remove(&(caller.device_id.clone(), person.clone()));
        }
        Ok(())
    }
}

/// One record as a device keeps it between sessions: the saved document,
/// the local changes the server has not acknowledged, and the server's
/// refusal if it refused them. What a persistent device store writes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeviceRecord {
    /// The whole automerge document ([`Record::save`]).
    pub document: Vec<u8>,
    /// Changes waiting for the server's acknowledgement, oldest first.
    pub pending: Vec<Vec<u8>>,
    /// Why the server refused this record's changes, if it did.
    pub rejected: Option<Rejection>,
}

/// A record held as its saved document until something needs it whole:
/// loading an automerge document costs about a millisecond, so a device
/// with thousands of records unlocks, and takes in its first download, by
/// storing bytes, not documents.
#[derive(Debug, Clone)]
struct Dormant {
    /// Known when read back from the device's own storage; a document
    /// just received from the server has not been read yet.
    person_id: Option<String>,
    document: Vec<u8>,
}

/// A device's store, in memory.
#[derive(Debug)]
pub struct MemoryClientStore {
    actor: Vec<u8>,
    records: BTreeMap<String, Record>,
    dormant: BTreeMap<String, Dormant>,
    pending: BTreeMap<String, Vec<Vec<u8>>>,
    rejected: BTreeMap<String, Rejection>,
    cursor: u64,
    /// Records created on this device that the server has not confirmed
    /// yet: their whole history is pending, so they go up as one saved
    /// document (cheaper for the server to load than replaying changes).
    unshared: BTreeSet<String>,
    /// For the push being built: records sent as a document, and how many
    /// of their pending changes (the oldest) that document covers.
    covered: BTreeMap<String, usize>,
    /// The last saved document of each unshared record, with the heads it
    /// was saved at: a note is saved when it is persisted, and its first
    /// push sends those same bytes instead of saving it again. Used only
    /// while the record's heads still match, whatever changed it.
    saved: BTreeMap<String, (Vec<ChangeHash>, Vec<u8>)>,
}

impl MemoryClientStore {
    /// An empty device whose edits use automerge actor `actor`.
    pub fn new(actor: &[u8]) -> Self {
        MemoryClientStore {
            actor: actor.to_vec(),
            records: BTreeMap::new(),
            dormant: BTreeMap::new(),
            pending: BTreeMap::new(),
            rejected: BTreeMap::new(),
            cursor: 0,
            unshared: BTreeSet::new(),
            covered: BTreeMap::new(),
            saved: BTreeMap::new(),
        }
    }

    /// Creates a record locally; its changes wait to be pushed.
    pub fn create(&mut self, new: NewRecord, edit: &Edit) -> Result<String, RecordError> {
        let mut record = Record::create(new, edit, &self.actor)?;
        let id = record.meta().id.clone();
        self.pending
            .entry(id.clone())
            .or_default()
            .extend(record.changes_since(&[]));
        self.records.insert(id.clone(), record);
        self.unshared.insert(id.clone());
        Ok(id)
    }

    /// Edits a record locally; the new changes wait to be pushed.
    pub fn edit(
        &mut self,
        id: &str,
        work: impl FnOnce(&mut Record) -> Result<(), RecordError>,
    ) -> Result<(), RecordError> {
        let record = self.wake(id)?.ok_or_else(|| RecordError::InvalidValue {
            field: "id".into(),
            reason: format!("no record {id}"),
        })?;
        let before = record.heads();
        work(record)?;
        let changes = record.changes_since(&before);
        if !changes.is_empty() {
            self.pending
                .entry(id.to_owned())
                .or_default()
                .extend(changes);
        }
        Ok(())
    }

    /// A record held on this device, if it is loaded (a dormant record
    /// is `None` here; [`MemoryClientStore::record_mut`] loads it).
    pub fn record(&self, id: &str) -> Option<&Record> {
        self.records.get(id)
    }

    /// Mutable access for reads that need it (heads, saving), loading a
    /// dormant record first. `None` if the device does not hold the record
    /// or its stored document no longer loads.
    pub fn record_mut(&mut self, id: &str) -> Option<&mut Record> {
        self.wake(id).ok().flatten()
    }

    /// Loads a dormant record into memory; the record, if the device holds it.
    pub fn wake(&mut self, id: &str) -> Result<Option<&mut Record>, RecordError> {
        if let Some(dormant) = self.dormant.remove(id) {
            match load_checked(id, &dormant.document, &self.actor) {
                Ok(record) => {
                    self.records.insert(id.to_owned(), record);
                }
                Err(error) => {
                    self.dormant.insert(id.to_owned(), dormant);
                    return Err(error);
                }
            }
        }
        Ok(self.records.get_mut(id))
    }

    /// Loads every dormant record (for callers about to read them all,
    /// such as checks); the first that does not load is the error.
    pub fn load_all(&mut self) -> Result<(), RecordError> {
        let dormant: Vec<String> = self.dormant.keys().cloned().collect();
        for id in dormant {
            self.wake(&id)?;
        }
        Ok(())
    }

    /// Whether the record is loaded (not dormant).
    pub fn is_loaded(&self, id: &str) -> bool {
        self.records.contains_key(id)
    }

    /// Ids of every record on the device, loaded or dormant.
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.records.keys().chain(self.dormant.keys())
    }

    /// How many local changes wait for the server's acknowledgement
    /// (rejected ones included: they are kept, never dropped).
    pub fn waiting(&self) -> usize {
        self.pending.values().map(Vec::len).sum()
    }

    /// Records the server refused, and why.
    pub fn rejected(&self) -> &BTreeMap<String, Rejection> {
        &self.rejected
    }

    /// How many records have local changes waiting for acknowledgement
    /// (what the UI counts: "2 waiting" means two notes not yet safe).
    pub fn waiting_records(&self) -> usize {
        self.pending.len()
    }

    /// Local changes of one record waiting for acknowledgement.
    pub fn waiting_for(&self, id: &str) -> usize {
        self.pending.get(id).map_or(0, Vec::len)
    }

    /// A record as it should be persisted, or `None` if the device no
    /// longer holds it (purged): then the persisted copy goes too.
    pub fn export(&mut self, id: &str) -> Option<DeviceRecord> {
        let document = match self.dormant.get(id) {
            Some(dormant) => dormant.document.clone(),
            None => saved_document(&mut self.records, &mut self.saved, &self.unshared, id)?,
        };
        Some(DeviceRecord {
            document,
            pending: self.pending.get(id).cloned().unwrap_or_default(),
            rejected: self.rejected.get(id).cloned(),
        })
    }

    /// Puts back a record read from persistent storage, loaded and checked.
    pub fn import(&mut self, id: &str, stored: DeviceRecord) -> Result<(), RecordError> {
        let record = load_checked(id, &stored.document, &self.actor)?;
        self.records.insert(id.to_owned(), record);
        self.restore_queues(id, stored);
        Ok(())
    }

    /// Puts back a record read from persistent storage without loading it:
    /// it stays bytes until read whole, edited, merged into or re-saved.
    /// For storage the device wrote itself (its integrity is the storage's
    /// business, e.g. authenticated encryption); the document is checked
    /// when it is loaded.
    pub fn import_dormant(&mut self, id: &str, person_id: &str, stored: DeviceRecord) {
        self.dormant.insert(
            id.to_owned(),
            Dormant {
                person_id: Some(person_id.to_owned()),
                document: stored.document.clone(),
            },
        );
        self.restore_queues(id, stored);
    }

    fn restore_queues(&mut self, id: &str, stored: DeviceRecord) {
        if !stored.pending.is_empty() {
            self.pending.insert(id.to_owned(), stored.pending);
        }
        if let Some(rejection) = stored.rejected {
            self.rejected.insert(id.to_owned(), rejection);
        }
    }

    /// Sets the feed cursor read back from persistent storage.
    pub fn restore_cursor(&mut self, cursor: u64) {
        self.cursor = cursor;
    }
}

impl ClientStore for MemoryClientStore {
    type Error = RecordError;

    fn cursor(&mut self) -> Result<u64, RecordError> {
        Ok(self.cursor)
    }

    fn pending(&mut self, max_bytes: usize) -> Result<Vec<DocChanges>, RecordError> {
        self.covered.clear();
        let mut docs = Vec::new();
        let mut bytes = 0;
        for (id, changes) in &self.pending {
            if changes.is_empty() || self.rejected.contains_key(id) {
                continue;
            }
            let as_document = if self.unshared.contains(id) {
                saved_document(&mut self.records, &mut self.saved, &self.unshared, id)
            } else {
                None
            };
            let sent_whole = as_document.is_some();
            let items = match as_document {
                Some(document) => vec![document],
                None => changes.clone(),
            };
            // The same rule as the session's `first_batch`: nothing built
            // here is cut from the push there.
            let size = items.iter().map(Vec::len).sum::<usize>() + id.len();
            if !docs.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            if sent_whole {
                self.covered.insert(id.clone(), changes.len());
            }
            docs.push(DocChanges {
                id: id.clone(),
                changes: items,
            });
        }
        Ok(docs)
    }

    fn apply_page(&mut self, docs: &[DocChanges], cursor: u64) -> Result<(), RecordError> {
        for doc in docs {
            self.unshared.remove(&doc.id);
            self.saved.remove(&doc.id);
            match self.wake(&doc.id)? {
                Some(record) => record.apply_changes(&doc.changes)?,
                // A record new to this device, sent whole by the server
                // (which validated it when it was pushed): kept as bytes
                // and loaded, and checked, when first read.
                None if matches!(doc.changes.as_slice(), [one] if Record::is_document(one)) => {
                    self.dormant.insert(
                        doc.id.clone(),
                        Dormant {
                            person_id: None,
                            document: doc.changes[0].clone(),
                        },
                    );
                }
                None => {
                    let record = Record::from_changes(&doc.changes, &self.actor)?;
                    self.records.insert(doc.id.clone(), record);
                }
            }
        }
        self.cursor = cursor;
        Ok(())
    }

    fn acknowledge(
        &mut self,
        sent: &[DocChanges],
        results: &[DocOutcome],
    ) -> Result<(), RecordError> {
        let sent: std::collections::HashMap<&String, &DocChanges> =
            sent.iter().map(|doc| (&doc.id, doc)).collect();
        for result in results {
            match result {
                DocOutcome::Stored { id } => {
                    let Some(doc) = sent.get(id) else {
                        continue;
                    };
                    self.unshared.remove(id);
                    self.saved.remove(id);
                    let covered = self.covered.remove(id);
                    if let Some(pending) = self.pending.get_mut(id) {
                        match covered {
                            // Sent as a document: it held the oldest
                            // `count`; later edits stay pending.
                            Some(count) => drop(pending.drain(..count.min(pending.len()))),
                            None => pending.retain(|change| !doc.changes.contains(change)),
                        }
                        if pending.is_empty() {
                            self.pending.remove(id);
                        }
                    }
                }
                DocOutcome::Rejected { id, reason } => {
                    self.rejected.insert(id.clone(), reason.clone());
                }
            }
        }
        Ok(())
    }

    fn purge_persons(&mut self, persons: &[String]) -> Result<Vec<String>, RecordError> {
        if persons.is_empty() {
            return Ok(Vec::new());
        }
        self.read_dormant_persons();
        let mut kept = BTreeSet::new();
        let mut doomed = Vec::new();
        let loaded = self
            .records
            .iter()
            .map(|(id, record)| (id, &record.meta().person_id));
        let dormant = self
            .dormant
            .iter()
            .map(|(id, d)| (id, d.person_id.as_ref()));
        for (id, person) in loaded.map(|(id, p)| (id, Some(p))).chain(dormant) {
            // A stored document that does not load (its person unknown)
            // cannot be shown; it has no unsent changes, so it goes too.
            if person.is_some_and(|p| !persons.contains(p)) {
                continue;
            }
            let Some(person) = person else {
                doomed.push(id.clone());
                continue;
            };
            if self.pending.contains_key(id) {
                kept.insert(person.clone());
            } else {
                doomed.push(id.clone());
            }
        }
        for id in doomed {
            self.unshared.remove(&id);
            self.saved.remove(&id);
            self.records.remove(&id);
            self.dormant.remove(&id);
            self.rejected.remove(&id);
        }
        Ok(persons
            .iter()
            .filter(|p| !kept.contains(*p))
            .cloned()
            .collect())
    }
}

impl MemoryClientStore {
    /// Reads the person of every received document not read yet (a purge
    /// needs them; loading is what it costs, once).
    fn read_dormant_persons(&mut self) {
        for (id, dormant) in self.dormant.iter_mut() {
            if dormant.person_id.is_none() {
                dormant.person_id = load_checked(id, &dormant.document, &self.actor)
                    .ok()
                    .map(|record| record.meta().person_id.clone());
            }
        }
    }
}

/// The saved document of a loaded record: the cached bytes if its heads
/// have not moved since, else a fresh save (cached for unshared records).
fn saved_document(
    records: &mut BTreeMap<String, Record>,
    saved: &mut BTreeMap<String, (Vec<ChangeHash>, Vec<u8>)>,
    unshared: &BTreeSet<String>,
    id: &str,
) -> Option<Vec<u8>> {
    let record = records.get_mut(id)?;
    let heads = record.heads();
    if let Some((_, bytes)) = saved.get(id).filter(|(at, _)| *at == heads) {
        return Some(bytes.clone());
    }
    let bytes = record.save();
    if unshared.contains(id) {
        saved.insert(id.to_owned(), (heads, bytes.clone()));
    }
    Some(bytes)
}

/// Loads a stored document and checks it is the record stored under `id`.
fn load_checked(id: &str, document: &[u8], actor: &[u8]) -> Result<Record, RecordError> {
    let record = Record::load(document, actor)?;
    if record.meta().id != id {
        return Err(RecordError::InvalidValue {
            field: "id".into(),
            reason: format!(
                "stored under {id} but the document says {}",
                record.meta().id
            ),
        });
    }
    Ok(record)
}
