//! [`ClientStore`] for the device store: what the sync session reads
//! (the cursor, the pending push) and writes (pages, acknowledgements,
//! purges).

use super::{DeviceStore, Dormant, load_checked};
use crate::protocol::{DocChanges, DocOutcome, Rejection};
use crate::record::{Record, RecordError};
use crate::session::client::ClientStore;
use crate::team::PersonTeam;
use std::collections::BTreeSet;

impl ClientStore for DeviceStore {
    type Error = RecordError;

    fn cursor(&mut self) -> Result<u64, RecordError> {
        Ok(self.cursor)
    }

    fn pending(&mut self, max_bytes: usize) -> Result<Vec<DocChanges>, RecordError> {
        self.covered.clear();
        let waiting = self
            .pending
            .iter()
            .filter(|(_, changes)| !changes.is_empty())
            .map(|(id, _)| id);
        let ids: BTreeSet<String> = waiting
            .chain(self.recovery.resend.iter())
            .cloned()
            .collect();
        let mut docs = Vec::new();
        let mut bytes = 0;
        for id in ids {
            let resend = self.recovery.resend.contains(&id);
            if self.deferred.contains(&id) || (self.rejected.contains_key(&id) && !resend) {
                continue;
            }
            // A record to give back goes whole: the server may lack any
            // part of it. So does one the server has never had.
            let as_document = if resend || self.unshared.contains(&id) {
                self.document_of(&id)
            } else {
                None
            };
            let sent_whole = as_document.is_some();
            let items = match as_document {
                Some(document) => vec![document],
                None => match self.pending.get(&id) {
                    Some(changes) => changes.clone(),
                    None => continue,
                },
            };
            // The same rule as the session's `first_batch`: nothing built
            // here is cut from the push there.
            let size = items.iter().map(Vec::len).sum::<usize>() + id.len();
            if !docs.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            if sent_whole {
                let count = self.pending.get(&id).map_or(0, Vec::len);
                self.covered.insert(id.clone(), count);
            }
            docs.push(DocChanges { id, changes: items });
        }
        Ok(docs)
    }

    fn apply_page(&mut self, docs: &[DocChanges], cursor: u64) -> Result<(), RecordError> {
        for doc in docs {
            self.unshared.remove(&doc.id);
            self.saved.remove(&doc.id);
            // A colleague may just have given back their part of it: offer
            // it again now rather than at the next connection.
            self.deferred.remove(&doc.id);
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
                    self.rejected.remove(id);
                    self.recovery.resend.remove(id);
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
                // The server took this device's part; the rest is others'
                // to give back, so the record is offered again later.
                DocOutcome::Partly { id } => {
                    self.covered.remove(id);
                    self.recovery.resend.insert(id.clone());
                    self.deferred.insert(id.clone());
                }
                DocOutcome::Rejected { id, reason } => {
                    self.covered.remove(id);
                    if self.recovery.resend.contains(id) && may_come_later(reason) {
                        self.deferred.insert(id.clone());
                    } else {
                        self.recovery.resend.remove(id);
                        self.rejected.insert(id.clone(), reason.clone());
                    }
                }
            }
        }
        Ok(())
    }

    fn history(&mut self) -> Result<Option<String>, RecordError> {
        Ok(self.recovery.history.clone())
    }

    fn enter_history(&mut self, id: &str, rewound: bool) -> Result<(), RecordError> {
        // What the server could not take back at the last connection is
        // offered again now.
        self.deferred.clear();
        if rewound {
            self.cursor = 0;
            let held: Vec<String> = self.ids().cloned().collect();
            self.recovery.resend.extend(held);
        }
        self.recovery.history = Some(id.to_owned());
        Ok(())
    }

    fn purge_persons(&mut self, persons: &[String]) -> Result<Vec<String>, RecordError> {
        if persons.is_empty() {
            return Ok(Vec::new());
        }
        self.read_dormant_persons();
        // No longer on the caseload: whoever works with them is not ours to know.
        self.teams.retain(|person, _| !persons.contains(person));
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
            if self.pending.contains_key(id) || self.recovery.resend.contains(id) {
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
            self.deferred.remove(&id);
        }
        Ok(persons
            .iter()
            .filter(|p| !kept.contains(*p))
            .cloned()
            .collect())
    }

    fn set_teams(&mut self, teams: Vec<PersonTeam>) -> Result<(), RecordError> {
        self.restore_teams(teams);
        Ok(())
    }

    fn team_digest(&mut self) -> Result<u64, RecordError> {
        Ok(crate::team::digest(self.teams()))
    }

    /// The device store keeps no summaries (the app's working copy does).
    fn take_summaries(
        &mut self,
        _: &[DocChanges],
        _: Vec<Option<crate::record::summary::Summary>>,
    ) -> Result<(), RecordError> {
        Ok(())
    }
}

/// A record given back to a restored server can be refused for what the
/// restore took from the server, not for what the record is: a colleague's
/// part of it that only their device can give back (`Authorship`,
/// `MissingHistory`), an assignment made after the backup (`Forbidden`).
/// Those are offered again at the next connection, never dropped.
fn may_come_later(reason: &Rejection) -> bool {
    matches!(
        reason,
        Rejection::Authorship | Rejection::MissingHistory | Rejection::Forbidden
    )
}

impl DeviceStore {
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
