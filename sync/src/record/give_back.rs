//! The part of a saved document one editor may give back to a server that
//! lost it (restored from a backup): the changes the server lacks that are
//! that editor's own, each with its whole history either on the server or
//! among them. Other people's changes in the document wait for their own
//! devices: the server takes a change only from whoever made it.

use super::history::Stamp;
use super::{Record, RecordError, change_time_of, load_document};
use std::collections::HashSet;

/// What [`Record::own_part`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPart {
    /// The changes to apply, each encoded on its own, in causal order.
    pub changes: Vec<Vec<u8>>,
    /// Every change the holder lacks is among them.
    pub whole: bool,
}

impl Record {
    /// The changes of `document` (a saved copy of a record) that `held`
    /// lacks (`None`: the holder has no copy at all) and that `mine`
    /// accepts by their stamp, keeping only those whose dependencies are
    /// all held or taken: what can be applied now.
    pub fn own_part(
        held: Option<&mut Record>,
        document: &[u8],
        mine: impl Fn(&Stamp) -> bool,
    ) -> Result<OwnPart, RecordError> {
        let mut offered = load_document(document)?;
        let mut held = held;
        let mut has = |hash: &automerge::ChangeHash| {
            held.as_mut()
                .is_some_and(|record| record.doc.get_change_meta_by_hash(hash).is_some())
        };
        let mut taken = HashSet::new();
        let mut part = OwnPart {
            changes: Vec::new(),
            whole: true,
        };
        for mut change in offered.get_changes(&[]) {
            let hash = change.hash();
            if has(&hash) {
                continue;
            }
            let stamp = Stamp::new(change_time_of(change.timestamp())?, change.message());
            let ready = change
                .deps()
                .iter()
                .all(|dep| has(dep) || taken.contains(dep));
            if ready && mine(&stamp) {
                taken.insert(hash);
                part.changes.push(change.bytes().into_owned());
            } else {
                part.whole = false;
            }
        }
        Ok(part)
    }
}

/// Whether the saved record `held` already has every change of the saved
/// document `offered`: taking it would change nothing, so a device may
/// give it back even where it may not write (a record it only reads).
pub fn covers(held: &[u8], offered: &[u8]) -> Result<bool, RecordError> {
    let mut offered = load_document(offered)?;
    let mut held = load_document(held)?;
    Ok(offered
        .get_heads()
        .iter()
        .all(|hash| held.get_change_meta_by_hash(hash).is_some()))
}
