//! A device's push, as the server takes it, in the order that keeps a
//! hostile tablet from costing much:
//!
//! 1. every item's size is checked on its raw bytes ([`limits::inspect`]);
//! 2. a record the server holds is authorised by what the server knows of
//!    it (its kind, and its person against the device's purges), before
//!    any merge;
//! 3. the rest are merged (the CPU-heavy part, on worker threads, touching
//!    no storage);
//! 4. each merged record is checked: schema, caseload on the date of every
//!    new change, authorship and life cycle ([`admission`]), clock;
//! 5. what passed is committed in one transaction.
//!
//! One outcome per record; nothing of a refused record is stored.

use super::Caller;
use super::admission::{self, Before};
use super::parallel::run_parallel;
use super::server::{RecordWrite, ServerStore, SessionError, StoredDoc};
use crate::outcome::facts::RecordSummary;
use crate::policy;
use crate::protocol::{DocChanges, DocOutcome, Rejection};
use crate::record::history::Stamp;
use crate::record::limits::{self, LimitError};
use crate::record::{Record, RecordError};
use chrono::NaiveDate;
use std::collections::HashMap;

/// The actor id the server uses when it loads records (it never edits them).
const SERVER_ACTOR: &[u8] = b"tsunagu-server";

/// Why a whole push was refused before anything was looked up.
#[derive(Debug)]
pub(super) enum PushError<E: std::error::Error + 'static> {
    /// The push as a whole decodes to more than [`limits::MAX_PUSH_OPS`]
    /// or [`limits::MAX_PUSH_DECODED_BYTES`].
    TooLarge(LimitError),
    /// Storage or a stored record failed.
    Session(SessionError<E>),
}

impl<E: std::error::Error + 'static> From<SessionError<E>> for PushError<E> {
    fn from(error: SessionError<E>) -> Self {
        PushError::Session(error)
    }
}

/// Takes one push from `caller`, merging on up to `workers` threads.
pub(super) fn accept<S: ServerStore>(
    caller: &Caller,
    workers: usize,
    docs: Vec<DocChanges>,
    store: &mut S,
) -> Result<Vec<DocOutcome>, PushError<S::Error>> {
    let docs = unique(docs);
    let ids: Vec<String> = docs.iter().map(|doc| doc.id.clone()).collect();
    let sized = sizes(docs)?;
    store.lock_records(&ids).map_err(SessionError::Store)?;
    let mut check = Checks {
        caller,
        assigned: HashMap::new(),
        purged: HashMap::new(),
    };
    let mut jobs = Vec::new();
    let mut outcomes: Vec<Option<Result<Option<RecordWrite>, Rejection>>> = Vec::new();
    for (doc, verdict) in sized {
        let outcome = match verdict {
            Err(rejection) => Some(Err(rejection)),
            Ok(()) => match store.load_record(&doc.id).map_err(SessionError::Store)? {
                Some(stored) => match check.held(store, &stored)? {
                    Ok(()) => {
                        jobs.push((doc, Some(stored.snapshot)));
                        None
                    }
                    // A record the caller may only read, given back after a
                    // restore with nothing the server lacks: nothing to refuse.
                    Err(_) if gives_nothing_new(&doc, &stored.snapshot) => Some(Ok(None)),
                    Err(rejection) => Some(Err(rejection)),
                },
                None => {
                    jobs.push((doc, None));
                    None
                }
            },
        };
        outcomes.push(outcome);
    }
    let mut merged =
        run_parallel(jobs, workers, |(doc, stored)| merge(caller, doc, stored)).into_iter();
    let mut writes = Vec::new();
    let mut results = Vec::with_capacity(ids.len());
    for (id, outcome) in ids.into_iter().zip(outcomes) {
        let mut partly = false;
        let outcome =
            match outcome {
                Some(done) => done,
                None => match merged.next().expect("one merge per job").map_err(
                    |Unreadable { id, source }| SessionError::StoredRecord { id, source },
                )? {
                    Ok(Some(merged)) => {
                        partly = merged.partly;
                        check.merged(store, merged)?
                    }
                    Ok(None) => Ok(None),
                    Err(rejection) => Err(rejection),
                },
            };
        match outcome {
            Ok(write) if partly => {
                writes.extend(write);
                results.push(DocOutcome::Partly { id });
            }
            Ok(write) => {
                writes.extend(write);
                results.push(DocOutcome::Stored { id });
            }
            Err(reason) => results.push(DocOutcome::Rejected { id, reason }),
        }
    }
    if !writes.is_empty() {
        store.commit(caller, writes).map_err(SessionError::Store)?;
    }
    Ok(results)
}

/// Whether `doc` is one saved document whose every change `stored` has.
fn gives_nothing_new(doc: &DocChanges, stored: &[u8]) -> bool {
    match doc.changes.as_slice() {
        [one] if Record::is_document(one) => {
            crate::record::give_back::covers(stored, one).unwrap_or(false)
        }
        _ => false,
    }
}

/// A record named twice in one push is merged once.
fn unique(docs: Vec<DocChanges>) -> Vec<DocChanges> {
    let mut unique: Vec<DocChanges> = Vec::with_capacity(docs.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(docs.len());
    for doc in docs {
        match index.get(&doc.id) {
            Some(&at) => unique[at].changes.extend(doc.changes),
            None => {
                index.insert(doc.id.clone(), unique.len());
                unique.push(doc);
            }
        }
    }
    unique
}

/// Each record with why it is too large to look at, if it is; the whole
/// push refused if it is over the push's limits.
#[allow(clippy::type_complexity)]
fn sizes<E: std::error::Error + 'static>(
    docs: Vec<DocChanges>,
) -> Result<Vec<(DocChanges, Result<(), Rejection>)>, PushError<E>> {
    let (mut ops, mut bytes) = (0u64, 0usize);
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        let mut verdict = Ok(());
        for item in &doc.changes {
            match limits::inspect(item) {
                Ok(size) => {
                    ops = ops.saturating_add(size.ops);
                    bytes = bytes.saturating_add(size.decoded_bytes);
                }
                Err(error @ LimitError::Malformed(_)) => {
                    verdict = Err(Rejection::Invalid(error.to_string()));
                    break;
                }
                Err(error @ LimitError::TooLarge { .. }) => {
                    verdict = Err(Rejection::TooLarge(error.to_string()));
                    break;
                }
            }
        }
        if ops > limits::MAX_PUSH_OPS {
            return Err(PushError::TooLarge(LimitError::TooLarge {
                what: "a push's number of operations",
                limit: limits::MAX_PUSH_OPS,
            }));
        }
        if bytes > limits::MAX_PUSH_DECODED_BYTES {
            return Err(PushError::TooLarge(LimitError::TooLarge {
                what: "a push's decoded size in bytes",
                limit: limits::MAX_PUSH_DECODED_BYTES as u64,
            }));
        }
        out.push((doc, verdict));
    }
    Ok(out)
}

/// The authorisation checks, with the caseload look-ups they made.
struct Checks<'a> {
    caller: &'a Caller,
    /// (person, date) → the caller held the person that day.
    assigned: HashMap<(String, NaiveDate), bool>,
    /// person → the caller's device confirmed it purged them.
    purged: HashMap<String, bool>,
}

impl Checks<'_> {
    /// May the caller change this record the server holds at all? Judged
    /// on what the server knows of it (its kind and person), before any
    /// merge; the dates of the new changes are checked after it.
    fn held<S: ServerStore>(
        &mut self,
        store: &mut S,
        stored: &StoredDoc,
    ) -> Result<Result<(), Rejection>, SessionError<S::Error>> {
        if !policy::access(self.caller.role, stored.kind).write
            || self.purged(store, &stored.person_id)?
        {
            return Ok(Err(Rejection::Forbidden));
        }
        Ok(Ok(()))
    }

    /// Has the caller's device confirmed it purged the person's records
    /// (looked up once per person and push)? A device that no longer
    /// holds a person has no late note of theirs to send.
    fn purged<S: ServerStore>(
        &mut self,
        store: &mut S,
        person: &str,
    ) -> Result<bool, SessionError<S::Error>> {
        if let Some(&purged) = self.purged.get(person) {
            return Ok(purged);
        }
        let purged = store
            .purged_from(self.caller, person)
            .map_err(SessionError::Store)?;
        self.purged.insert(person.to_owned(), purged);
        Ok(purged)
    }

    /// Whether the caller held the person on each date, and their device
    /// has not confirmed it purged the person's records since.
    fn caseload<S: ServerStore>(
        &mut self,
        store: &mut S,
        person: &str,
        dates: &[NaiveDate],
    ) -> Result<Result<(), Rejection>, SessionError<S::Error>> {
        if self.purged(store, person)? {
            return Ok(Err(Rejection::Forbidden));
        }
        for date in dates {
            let key = (person.to_owned(), *date);
            let held = match self.assigned.get(&key) {
                Some(&held) => held,
                None => {
                    let held = store
                        .assigned_on(&self.caller.user_id, person, *date)
                        .map_err(SessionError::Store)?;
                    self.assigned.insert(key, held);
                    held
                }
            };
            if !held {
                return Ok(Err(Rejection::Forbidden));
            }
        }
        Ok(Ok(()))
    }

    /// The write for a merged record if the caller may make every one of
    /// its new changes: each made while the caller held the person (by the
    /// date on the change, so offline work written before a handover still
    /// arrives), by the caller, keeping the life cycle, not dated ahead of
    /// the server's clock.
    #[allow(clippy::type_complexity)]
    fn merged<S: ServerStore>(
        &mut self,
        store: &mut S,
        merged: Merged,
    ) -> Result<Result<Option<RecordWrite>, Rejection>, SessionError<S::Error>> {
        let write = &merged.write;
        if !policy::access(self.caller.role, write.kind).write {
            return Ok(Err(Rejection::Forbidden));
        }
        let mut dates: Vec<NaiveDate> = merged
            .stamps
            .iter()
            .map(|stamp| policy::japan_date(stamp.at))
            .collect();
        dates.sort_unstable();
        dates.dedup();
        if let Err(rejection) = self.caseload(store, &write.person_id, &dates)? {
            return Ok(Err(rejection));
        }
        if let Err(rejection) = merged.rules {
            return Ok(Err(rejection));
        }
        // After the caseload check: a note the user may not write at all
        // is refused as Forbidden, whatever its date.
        let received = store.received_at();
        if merged
            .stamps
            .iter()
            .any(|stamp| policy::dated_in_the_future(stamp.at, received))
        {
            return Ok(Err(Rejection::Invalid(format!(
                "a change is dated after the server's time by more than {} minutes; \
                 check the tablet's clock",
                policy::MAX_CLOCK_AHEAD_MINUTES
            ))));
        }
        Ok(Ok(Some(merged.write)))
    }
}

mod merge;
use merge::{Merged, Unreadable, merge};
