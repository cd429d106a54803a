//! A record's history as automerge keeps it: heads, forks and merges,
//! the changes since a point, and changes from elsewhere applied all or
//! nothing (checked on a fork first).

use super::*;

impl Record {
    /// The current heads (hashes of the latest changes).
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// This record as it was at `heads`, editing as `actor`: a form opened
    /// at `heads` applies its edits here, and [`Record::merge_from`] brings
    /// them back, so changes merged in meanwhile (from sync) are kept
    /// rather than overwritten.
    pub fn fork_at(&mut self, heads: &[ChangeHash], actor: &[u8]) -> Result<Record, RecordError> {
        let doc = self.doc.fork_at(heads)?.with_actor(ActorId::from(actor));
        let meta = validate(&doc)?;
        Ok(Record { doc, meta })
    }

    /// Merges another copy of this record in (all or nothing: an invalid
    /// result leaves this record unchanged).
    pub fn merge_from(&mut self, other: &mut Record) -> Result<(), RecordError> {
        if other.meta.id != self.meta.id {
            return Err(RecordError::InvalidValue {
                field: "id".into(),
                reason: format!("cannot merge {} into {}", other.meta.id, self.meta.id),
            });
        }
        let mut merged = self.doc.fork();
        merged.merge(&mut other.doc)?;
        let meta = validate(&merged)?;
        self.doc.merge(&mut other.doc)?;
        self.meta = meta;
        Ok(())
    }

    /// The editor's clock time an encoded change was made at (`None` for
    /// bytes that are not a change).
    pub fn change_time(change: &[u8]) -> Option<DateTime<Utc>> {
        let change = Change::try_from(change).ok()?;
        DateTime::from_timestamp_millis(change.timestamp())
    }

    /// Does this copy hold every one of these changes (and so their history)?
    pub fn contains_all(&mut self, hashes: &[ChangeHash]) -> bool {
        hashes
            .iter()
            .all(|hash| self.doc.get_change_by_hash(hash).is_some())
    }

    /// Every change after `heads`, each encoded on its own (empty when
    /// there is none).
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<Vec<u8>> {
        self.doc
            .get_changes(heads)
            .into_iter()
            .map(|mut change| change.bytes().into_owned())
            .collect()
    }

    /// Who made each change after `heads` and when (the editors' clocks),
    /// read from the change metadata without encoding the changes. A time
    /// out of range is an error, never skipped.
    pub fn change_stamps_since(
        &mut self,
        heads: &[ChangeHash],
    ) -> Result<Vec<history::Stamp>, RecordError> {
        self.doc
            .get_changes_meta(heads)
            .iter()
            .map(|meta| {
                Ok(history::Stamp::new(
                    change_time_of(meta.timestamp)?,
                    meta.message.as_deref(),
                ))
            })
            .collect()
    }

    /// [`Record::apply_changes`], returning what this copy did not have:
    /// the new changes as they were sent (no re-encoding) and when each
    /// was made. The server appends exactly these to its change feed.
    pub fn apply_new_changes(&mut self, items: &[Vec<u8>]) -> Result<NewHistory, RecordError> {
        let (documents, parsed) = parse_chunks(items)?;
        let before = self.heads();
        let mut seen = std::collections::HashSet::new();
        let mut new = NewHistory::default();
        for (change, bytes) in parsed
            .iter()
            .zip(items.iter().filter(|b| !Record::is_document(b)))
        {
            let hash = change.hash();
            if seen.insert(hash) && self.doc.get_change_meta_by_hash(&hash).is_none() {
                new.changes.push(bytes.clone());
                new.stamps.push(history::Stamp::new(
                    change_time_of(change.timestamp())?,
                    change.message(),
                ));
            }
        }
        let had_documents = !documents.is_empty();
        self.apply_parsed(documents, parsed)?;
        if had_documents {
            // A document may bring changes beyond the loose ones: ask the
            // merged history (rare: devices push changes, not documents).
            new.changes = self.changes_since(&before);
            new.stamps = self.change_stamps_since(&before)?;
        }
        Ok(new)
    }

    /// Applies changes from another copy of this record. Each must parse
    /// strictly; they are applied to a fork and validated first: on any
    /// error nothing changes. Changes already here are ignored.
    /// Items may also be whole saved documents, as in [`Record::from_changes`].
    pub fn apply_changes(&mut self, changes: &[Vec<u8>]) -> Result<(), RecordError> {
        let (documents, parsed) = parse_chunks(changes)?;
        self.apply_parsed(documents, parsed)
    }

    fn apply_parsed(
        &mut self,
        documents: Vec<&[u8]>,
        parsed: Vec<Change>,
    ) -> Result<(), RecordError> {
        let mut fork = self.doc.fork();
        for other in documents {
            fork.merge(&mut load_document(other)?)?;
        }
        fork.apply_changes(parsed)?;
        if !fork.get_missing_deps(&[]).is_empty() {
            return Err(RecordError::MissingHistory);
        }
        let meta = validate(&fork)?;
        for (what, same) in [
            ("id", meta.id == self.meta.id),
            ("kind", meta.kind == self.meta.kind),
            ("person", meta.person_id == self.meta.person_id),
            ("author", meta.author == self.meta.author),
            ("device", meta.device == self.meta.device),
            ("creation time", meta.created_at == self.meta.created_at),
        ] {
            if !same {
                return Err(RecordError::IdentityChanged(what));
            }
        }
        let actor = self.doc.get_actor().clone();
        self.doc = fork.with_actor(actor);
        self.meta = meta;
        Ok(())
    }
}
