//! The merge step of a push: each record's items merged into the copy the
//! server holds (or loaded as a new record) on a worker thread, touching
//! no storage, with the rules that need none judged on the spot.

use super::*;

/// A record the server holds that does not load.
pub(super) struct Unreadable {
    pub(super) id: String,
    pub(super) source: RecordError,
}

/// A merged record ready to authorise.
pub(super) struct Merged {
    pub(super) write: RecordWrite,
    /// Who made each new change and when.
    pub(super) stamps: Vec<Stamp>,
    /// The verdict of the rules that need no storage ([`admission`]),
    /// judged where the record was merged; reported after the caseload's.
    pub(super) rules: Result<(), Rejection>,
    /// Only the caller's own part of a given-back document was taken.
    pub(super) partly: bool,
}

/// Merges a push for one record ([`merge_items`]). A saved document that
/// carries changes by others the server lacks (a device giving back what
/// a restored server lost, colleagues' edits included) is refused whole
/// by the authorship rule; then the caller's own part of it is taken, so
/// two devices that each hold the other's lost edits both get theirs in.
#[allow(clippy::type_complexity)]
pub(super) fn merge(
    caller: &Caller,
    doc: DocChanges,
    stored: Option<Vec<u8>>,
) -> Result<Result<Option<Merged>, Rejection>, Unreadable> {
    let document = match doc.changes.as_slice() {
        [one] if Record::is_document(one) => Some(one.clone()),
        _ => None,
    };
    let Some(document) = document else {
        return merge_items(caller, doc, stored);
    };
    let id = doc.id.clone();
    let first = merge_items(caller, doc, stored.clone())?;
    let refused = match &first {
        Ok(Some(merged)) => merged.rules == Err(Rejection::Authorship),
        Ok(None) => false,
        Err(rejection) => *rejection == Rejection::Authorship,
    };
    if !refused {
        return Ok(first);
    }
    let unreadable = |source| Unreadable {
        id: id.clone(),
        source,
    };
    let mut held = match &stored {
        Some(bytes) => Some(Record::load(bytes, SERVER_ACTOR).map_err(unreadable)?),
        None => None,
    };
    let part = match Record::own_part(held.as_mut(), &document, |stamp| stamp.by == caller.user_id)
    {
        Ok(part) => part,
        Err(error) => return Ok(Err(rejection(error))),
    };
    if part.changes.is_empty() {
        return Ok(Err(Rejection::Authorship));
    }
    let own = DocChanges {
        id,
        changes: part.changes,
    };
    Ok(merge_items(caller, own, stored)?.map(|merged| {
        merged.map(|mut merged| {
            merged.partly = !part.whole;
            merged
        })
    }))
}

/// Merges a push for one record into its stored document (if any) and
/// judges the rules that need no storage: the write with what is new,
/// `None` when nothing is, or why not. Pure CPU: no storage, so it can run
/// on any thread.
#[allow(clippy::type_complexity)]
fn merge_items(
    caller: &Caller,
    doc: DocChanges,
    stored: Option<Vec<u8>>,
) -> Result<Result<Option<Merged>, Rejection>, Unreadable> {
    let unreadable = |source| Unreadable {
        id: doc.id.clone(),
        source,
    };
    let (mut record, before, new) = match stored {
        Some(bytes) => {
            let mut record = Record::load(&bytes, SERVER_ACTOR).map_err(unreadable)?;
            let before = Before::of(&record).map_err(unreadable)?;
            match record.apply_new_changes(&doc.changes) {
                Ok(new) => (record, Some(before), Some(new)),
                Err(error) => return Ok(Err(rejection(error))),
            }
        }
        None => match Record::from_changes(&doc.changes, SERVER_ACTOR) {
            Ok(record) => (record, None, None),
            Err(error) => return Ok(Err(rejection(error))),
        },
    };
    let meta = record.meta().clone();
    if meta.id != doc.id {
        return Ok(Err(Rejection::Invalid("record id does not match".into())));
    }
    let (new_changes, stamps, snapshot) = match new {
        // Nothing new: the device re-sent what the server holds.
        Some(new) if new.changes.is_empty() => return Ok(Ok(None)),
        Some(new) => (new.changes, new.stamps, record.save()),
        // A record new to the server enters the feed as its saved
        // document: one item that loads faster than replaying changes.
        None => {
            let stamps = match record.change_stamps_since(&[]) {
                Ok(stamps) => stamps,
                Err(error) => return Ok(Err(rejection(error))),
            };
            // Pushed as one saved document (a note written offline): the
            // bytes just loaded and validated are stored as they came.
            let snapshot = match doc.changes.as_slice() {
                [one] if Record::is_document(one) => {
                    doc.changes.into_iter().next().unwrap_or_default()
                }
                _ => record.save(),
            };
            (vec![snapshot.clone()], stamps, snapshot)
        }
    };
    let rules = admission::check_authorship(caller, &stamps)
        .and_then(|()| match &before {
            None => admission::check_creator(caller, &record),
            Some(_) => Ok(()),
        })
        .and_then(|()| admission::check_life_cycle(caller, before.as_ref(), &record));
    Ok(Ok(Some(Merged {
        write: RecordWrite {
            id: meta.id,
            kind: meta.kind,
            person_id: meta.person_id,
            snapshot,
            new_changes,
            summary: RecordSummary::of(&record),
            list_summary: crate::record::summary::summarise(&record),
        },
        stamps,
        rules,
        partly: false,
    })))
}

fn rejection(error: RecordError) -> Rejection {
    match error {
        RecordError::MissingHistory => Rejection::MissingHistory,
        other => Rejection::Invalid(other.to_string()),
    }
}
