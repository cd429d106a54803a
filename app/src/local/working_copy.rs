//! The unlocked device's working copy in memory: the records, their
//! summaries and the sync bookkeeping, as the sync session's
//! [`ClientStore`], remembering what changed so [`super::vault::Vault::persist`]
//! writes exactly that.

use super::read::{Summary, summarise};
pub(super) use super::stored_entry::StoredEntry;
use std::collections::{BTreeMap, BTreeSet};
use tsunagu_sync::protocol::{DocChanges, DocOutcome};
use tsunagu_sync::session::client::ClientStore;
use tsunagu_sync::session::device_store::DeviceStore;
use tsunagu_sync::team::PersonTeam;

/// What persisting does with one record's stored copy.
pub(super) enum Stored {
    /// Write this.
    Entry(StoredEntry),
    /// The device no longer holds the record: delete the copy.
    Gone,
    /// Leave the copy as it is.
    Unchanged,
}

/// The in-memory working copy, a [`ClientStore`] that remembers what it
/// changed so [`Vault::persist`] writes exactly that.
#[derive(Debug)]
pub struct LocalStore {
    /// The records (those not touched since unlocking stay dormant).
    pub records: DeviceStore,
    /// Every record's summary, kept current by [`Vault::persist`].
    pub summaries: BTreeMap<String, Summary>,
    /// The feed cursor the device has applied.
    pub(super) cursor: u64,
    /// Records changed since the last persist.
    pub(super) dirty: BTreeSet<String>,
    /// The sync bookkeeping changed since the last persist.
    pub(super) meta_dirty: bool,
    /// Who works with whom changed since the last persist.
    pub(super) teams_dirty: bool,
    /// When the device last finished a sync (browser clock, ms).
    pub last_sync_ms: Option<f64>,
    /// When the server acknowledged each record's last change from this
    /// device (browser clock, ms).
    pub(super) reached: BTreeMap<String, f64>,
}

impl LocalStore {
    /// A working copy holding nothing yet but `records`, at feed `cursor`.
    pub(super) fn new(records: DeviceStore, cursor: u64, last_sync_ms: Option<f64>) -> Self {
        LocalStore {
            records,
            summaries: BTreeMap::new(),
            cursor,
            dirty: BTreeSet::new(),
            meta_dirty: false,
            teams_dirty: false,
            last_sync_ms,
            reached: BTreeMap::new(),
        }
    }

    /// What to do with record `id`'s stored copy. A dormant record keeps
    /// its summary; a loaded one is summarised afresh.
    pub(super) fn entry(&mut self, id: &str) -> Stored {
        let Some(record) = self.records.export(id) else {
            // Purged or discarded: its receipt goes with it.
            self.reached.remove(id);
            return Stored::Gone;
        };
        let summary = match self.summaries.get(id) {
            Some(summary) if !self.records.is_loaded(id) => summary.clone(),
            _ => match self.records.record_mut(id) {
                Some(loaded) => summarise(loaded),
                // Never replace or delete a stored copy we cannot read.
                None => return Stored::Unchanged,
            },
        };
        let reached_ms = self.reached.get(id).copied();
        Stored::Entry(StoredEntry {
            summary,
            record,
            reached_ms,
        })
    }

    /// Summarises `ids` afresh from their documents and marks them to be
    /// stored again (entries written by an older version of the app).
    pub(super) fn resummarise(&mut self, ids: &[String]) {
        for id in ids {
            if let Some(record) = self.records.record_mut(id) {
                let summary = summarise(record);
                self.summaries.insert(id.clone(), summary);
                self.dirty.insert(id.clone());
            }
        }
    }

    /// Marks a record as changed (saved, merged, acknowledged or purged).
    pub fn touch(&mut self, id: &str) {
        self.dirty.insert(id.to_owned());
    }

    /// A sync finished at `at` (browser clock, ms); written with the next
    /// persist.
    pub fn synced_at(&mut self, at: f64) {
        self.last_sync_ms = Some(at);
        self.meta_dirty = true;
    }
}

impl ClientStore for LocalStore {
    type Error = String;

    fn cursor(&mut self) -> Result<u64, String> {
        Ok(self.cursor)
    }

    fn pending(&mut self, max_bytes: usize) -> Result<Vec<DocChanges>, String> {
        self.records.pending(max_bytes).map_err(|e| e.to_string())
    }

    fn apply_page(&mut self, docs: &[DocChanges], cursor: u64) -> Result<(), String> {
        self.records
            .apply_page(docs, cursor)
            .map_err(|e| e.to_string())?;
        for doc in docs {
            self.dirty.insert(doc.id.clone());
        }
        self.cursor = cursor;
        self.meta_dirty = true;
        Ok(())
    }

    fn acknowledge(&mut self, sent: &[DocChanges], results: &[DocOutcome]) -> Result<(), String> {
        let giving_back = self.records.resending();
        self.records
            .acknowledge(sent, results)
            .map_err(|e| e.to_string())?;
        for doc in sent {
            self.dirty.insert(doc.id.clone());
        }
        let now = super::js::now_millis();
        for result in results {
            if let DocOutcome::Stored { id } = result
                && self.records.waiting_for(id) == 0
            {
                self.reached.insert(id.clone(), now);
            }
        }
        // Records given back to a restored server left the queue (or one
        // joined it): persist the queue with them.
        if self.records.resending() != giving_back {
            self.meta_dirty = true;
        }
        Ok(())
    }

    fn history(&mut self) -> Result<Option<String>, String> {
        self.records.history().map_err(|e| e.to_string())
    }

    fn enter_history(&mut self, id: &str, rewound: bool) -> Result<(), String> {
        let known = self.records.recovery().history.as_deref() == Some(id);
        self.records
            .enter_history(id, rewound)
            .map_err(|e| e.to_string())?;
        if rewound {
            self.cursor = 0;
        }
        // Said at every connection; written only when it changes something.
        if rewound || !known {
            self.meta_dirty = true;
        }
        Ok(())
    }

    fn purge_persons(&mut self, persons: &[String]) -> Result<Vec<String>, String> {
        let before: BTreeSet<String> = self.records.ids().cloned().collect();
        let had_team: BTreeSet<String> =
            self.records.teams().map(|t| t.person_id.clone()).collect();
        let gone = self
            .records
            .purge_persons(persons)
            .map_err(|e| e.to_string())?;
        let after: BTreeSet<String> = self.records.ids().cloned().collect();
        self.dirty.extend(before.difference(&after).cloned());
        if persons.iter().any(|p| had_team.contains(p)) {
            self.teams_dirty = true;
        }
        Ok(gone)
    }

    fn take_summaries(
        &mut self,
        docs: &[DocChanges],
        summaries: Vec<Option<Summary>>,
    ) -> Result<(), String> {
        // A record still dormant is exactly the document the server
        // summarised; one merged into a loaded record is summarised afresh
        // at the next persist.
        for (doc, summary) in docs.iter().zip(summaries) {
            if let Some(summary) = summary
                && !self.records.is_loaded(&doc.id)
            {
                self.summaries.insert(doc.id.clone(), summary);
            }
        }
        Ok(())
    }

    fn team_digest(&mut self) -> Result<u64, String> {
        self.records.team_digest().map_err(|e| e.to_string())
    }

    fn set_teams(&mut self, teams: Vec<PersonTeam>) -> Result<(), String> {
        // Told at every connection; written only when it changes something.
        if !self.records.teams().eq(teams.iter()) {
            self.records.restore_teams(teams);
            self.teams_dirty = true;
        }
        Ok(())
    }
}
