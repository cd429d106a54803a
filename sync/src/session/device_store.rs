//! The device's working store: every record the device holds, its unsent
//! changes and the server's refusals. It is the store the browser app uses
//! in production: kept in memory while the device is unlocked, and
//! persisted, encrypted, by the app's vault (`export` out, `import_dormant`
//! back at unlock). The native test devices use it too.
//!
//! What the app calls is here; what the sync session calls, the
//! [`ClientStore`](super::client::ClientStore) implementation, is in
//! `client_store.rs`.

mod client_store;

use crate::protocol::Rejection;
use crate::record::{ChangeHash, Edit, NewRecord, Record, RecordError};
use crate::team::PersonTeam;
use std::collections::{BTreeMap, BTreeSet};

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

/// The device's working store, in memory: what the app reads and edits,
/// and what its sync session pushes from and applies to. The app's vault
/// persists it ([`DeviceStore::export`]) and reads it back at unlock
/// ([`DeviceStore::import_dormant`]).
#[derive(Debug)]
pub struct DeviceStore {
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
    /// What the device knows of the server's history (see [`Recovery`]).
    recovery: Recovery,
    /// Records of `recovery.resend` the server could not take back yet
    /// (it lacks a colleague's part of them, or the caseload that covers
    /// them): tried again at the next connection.
    deferred: BTreeSet<String>,
    /// Who works with each person on the caseload, as the server last said.
    teams: BTreeMap<String, PersonTeam>,
}

/// The server history the device's cursor and acknowledgements belong to,
/// and, after the server went back in time (a restore), the records still
/// to give back to it. Persisted with the cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recovery {
    /// The server's history id, as it last said (`None`: not known yet).
    pub history: Option<String>,
    /// Records to send again whole, because the server that acknowledged
    /// them was restored to a time before it had them all. A record leaves
    /// this set only when the server has stored it again.
    pub resend: BTreeSet<String>,
}

impl DeviceStore {
    /// An empty device whose edits use automerge actor `actor`.
    pub fn new(actor: &[u8]) -> Self {
        DeviceStore {
            actor: actor.to_vec(),
            records: BTreeMap::new(),
            dormant: BTreeMap::new(),
            pending: BTreeMap::new(),
            rejected: BTreeMap::new(),
            cursor: 0,
            unshared: BTreeSet::new(),
            covered: BTreeMap::new(),
            saved: BTreeMap::new(),
            recovery: Recovery::default(),
            deferred: BTreeSet::new(),
            teams: BTreeMap::new(),
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
            // A refused record the user has changed (fixed, say) is
            // offered to the server again.
            self.rejected.remove(id);
        }
        Ok(())
    }

    /// Offers a refused record to the server again at the next push (the
    /// reason may have gone away: the person is back on the caseload, a
    /// colleague's part arrived); returns whether it was refused.
    pub fn retry(&mut self, id: &str) -> bool {
        self.rejected.remove(id).is_some()
    }

    /// Whether the server has stored nothing of the record: every change
    /// in it is one of this device's, still waiting (a new note not yet
    /// accepted). Loads the record.
    pub fn never_stored(&mut self, id: &str) -> bool {
        let waiting = self.pending.get(id).map_or(0, Vec::len);
        if waiting == 0 {
            return false;
        }
        self.record_mut(id)
            .is_some_and(|record| record.changes_since(&[]).len() == waiting)
    }

    /// Drops a refused record the server has stored nothing of, with its
    /// unsent changes: the one way a note leaves a device unsent, and only
    /// at the user's word. Returns whether it was dropped (a record the
    /// server holds, or one not refused, is kept).
    pub fn discard_refused(&mut self, id: &str) -> bool {
        if !self.rejected.contains_key(id) || !self.never_stored(id) {
            return false;
        }
        self.rejected.remove(id);
        self.pending.remove(id);
        self.unshared.remove(id);
        self.saved.remove(id);
        self.covered.remove(id);
        self.deferred.remove(id);
        self.recovery.resend.remove(id);
        self.records.remove(id);
        self.dormant.remove(id);
        true
    }

    /// A record held on this device, if it is loaded (a dormant record
    /// is `None` here; [`DeviceStore::record_mut`] loads it).
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
        let document = self.document_of(id)?;
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

    /// The record's saved document: its stored bytes if it is dormant.
    fn document_of(&mut self, id: &str) -> Option<Vec<u8>> {
        match self.dormant.get(id) {
            Some(dormant) => Some(dormant.document.clone()),
            None => saved_document(&mut self.records, &mut self.saved, &self.unshared, id),
        }
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

    /// The server history and the records still to give back, as they
    /// should be persisted with the cursor.
    pub fn recovery(&self) -> &Recovery {
        &self.recovery
    }

    /// Sets what [`DeviceStore::recovery`] gave, read back from
    /// persistent storage.
    pub fn restore_recovery(&mut self, recovery: Recovery) {
        self.recovery = recovery;
    }

    /// Who works with `person`, as the server last said (`None`: not told,
    /// e.g. by a server older than this app).
    pub fn team(&self, person: &str) -> Option<&PersonTeam> {
        self.teams.get(person)
    }

    /// Every person's team, as it should be persisted.
    pub fn teams(&self) -> impl Iterator<Item = &PersonTeam> {
        self.teams.values()
    }

    /// Sets the teams, from the server or read back from persistent storage.
    pub fn restore_teams(&mut self, teams: Vec<PersonTeam>) {
        self.teams = teams
            .into_iter()
            .map(|team| (team.person_id.clone(), team))
            .collect();
    }

    /// How many records wait to be given back to a restored server.
    pub fn resending(&self) -> usize {
        self.recovery.resend.len()
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
