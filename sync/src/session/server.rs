//! The server's side of a sync connection.

use super::push::{self, PushError};
use super::{Caller, Output};
use crate::protocol::{ClientMessage, DocChanges, ErrorCode, ProtocolError, ServerMessage};
use crate::record::RecordError;
use crate::record::schema::RecordKind;

/// The most feed bytes one `Changes` frame carries (well under the frame limit).
pub const PAGE_BYTES: usize = 1024 * 1024;

/// One record to store durably with the changes that are new to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordWrite {
    /// The record id.
    pub id: String,
    /// Its kind.
    pub kind: RecordKind,
    /// Its person.
    pub person_id: String,
    /// The whole document after the merge, compacted.
    pub snapshot: Vec<u8>,
    /// The changes the server did not have, in causal order.
    pub new_changes: Vec<Vec<u8>>,
    /// What the outcome report reads of the record after the merge.
    pub summary: crate::outcome::facts::RecordSummary,
}

/// A record as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    /// Its kind.
    pub kind: RecordKind,
    /// Its person.
    pub person_id: String,
    /// Its saved document.
    pub snapshot: Vec<u8>,
}

/// Which part of the change feed to read.
#[derive(Debug, Clone, Copy)]
pub struct FeedQuery<'a> {
    /// Entries with a sequence number above this...
    pub after: u64,
    /// ...and at most this.
    pub until: u64,
    /// Only records of these persons.
    pub persons: &'a [String],
    /// Leave out entries that came from this device (it has them).
    pub skip_device: &'a str,
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedPage {
    /// Records and their changes, in feed order.
    pub docs: Vec<DocChanges>,
    /// The sequence number of the last entry looked at.
    pub last_seq: u64,
    /// Nothing more in the queried range.
    pub done: bool,
}

/// A page of saved records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnapshotPage {
    /// Each record's id with its saved document as the only item.
    pub docs: Vec<DocChanges>,
    /// The id of the last record looked at.
    pub last_id: String,
    /// No more records after it.
    pub done: bool,
}

/// Why the server session could not handle a frame: the connection gets
/// an `Internal` error frame and is closed, and nothing was acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum SessionError<E: std::error::Error + 'static> {
    /// The store failed.
    #[error("storage failed: {0}")]
    Store(#[source] E),
    /// A record the server holds does not load.
    #[error("stored record {id} is unreadable: {source}")]
    StoredRecord {
        /// The record.
        id: String,
        /// Why it does not load.
        source: RecordError,
    },
    /// A reply could not be encoded.
    #[error("cannot encode a reply: {0}")]
    Encode(#[from] ProtocolError),
}

/// What the server session needs from storage.
pub trait ServerStore {
    /// A storage failure.
    type Error: std::error::Error + 'static;
    /// Holds these records for this session until the store is dropped,
    /// so no other connection merges into them meanwhile (a store used by
    /// one session at a time may do nothing).
    fn lock_records(&mut self, ids: &[String]) -> Result<(), Self::Error>;
    /// A record as the server holds it, if it does.
    fn load_record(&mut self, id: &str) -> Result<Option<StoredDoc>, Self::Error>;
    /// Has the caller's device confirmed it purged this person's records
    /// (and not been sent them again since)? Then it holds nothing of
    /// theirs, and a late change for them cannot be a note written before.
    fn purged_from(&mut self, caller: &Caller, person_id: &str) -> Result<bool, Self::Error>;
    /// Was the user assigned to the person on `date` (Japan time), by an
    /// assignment that is still active or ended less than
    /// [`crate::policy::LATE_SYNC_GRACE_DAYS`] ago?
    fn assigned_on(
        &mut self,
        user_id: &str,
        person_id: &str,
        date: chrono::NaiveDate,
    ) -> Result<bool, Self::Error>;
    /// The server's clock when the frame being handled arrived; changes
    /// dated well after it are refused ([`crate::policy::dated_in_the_future`]).
    fn received_at(&self) -> chrono::DateTime<chrono::Utc>;
    /// Stores all writes and appends their new changes to the feed, tagged
    /// with the origin device, in one durable transaction.
    fn commit(&mut self, origin: &Caller, writes: Vec<RecordWrite>) -> Result<(), Self::Error>;
    /// The sequence number of the newest feed entry (0 when empty).
    fn feed_end(&mut self) -> Result<u64, Self::Error>;
    /// This server's history id: it changes when the database is restored
    /// from a backup, so a device can tell its cursor and acknowledgements
    /// came from a history this server no longer has.
    fn history(&mut self) -> Result<String, Self::Error>;
    /// Feed entries in `query`'s range for records of its persons whose
    /// kind `caller`'s role may read ([`crate::policy::access`]), about `max_bytes`
    /// of changes at most (at least one entry).
    fn feed_page(
        &mut self,
        caller: &Caller,
        query: &FeedQuery<'_>,
        max_bytes: usize,
    ) -> Result<FeedPage, Self::Error>;
    /// The saved documents of records of `persons` whose kind the caller's
    /// role may read, with ids after `after_id` in id order, about
    /// `max_bytes` at most (at least one record).
    fn snapshot_page(
        &mut self,
        caller: &Caller,
        persons: &[String],
        after_id: &str,
        max_bytes: usize,
    ) -> Result<SnapshotPage, Self::Error>;
    /// The persons the caller is assigned to today, sorted.
    fn caseload(&mut self, caller: &Caller) -> Result<Vec<String>, Self::Error>;
    /// The persons whose records were ever sent to the caller's device
    /// and not confirmed purged, sorted, each with whether the device
    /// confirmed it holds their whole history.
    fn held(&mut self, caller: &Caller) -> Result<Vec<(String, bool)>, Self::Error>;
    /// Notes, before sending it, that these persons' history goes to the
    /// device (unconfirmed until `CaseloadApplied`), so a purge reaches
    /// them even if the confirmation never comes.
    fn mark_sent(&mut self, caller: &Caller, persons: &[String]) -> Result<(), Self::Error>;
    /// Records what the device confirmed with `CaseloadApplied`: `added`
    /// are held whole, `removed` are gone.
    fn set_delivered(
        &mut self,
        caller: &Caller,
        added: &[String],
        removed: &[String],
    ) -> Result<(), Self::Error>;
}

/// One device's connection, as the server sees it.
#[derive(Debug)]
pub struct ServerSession {
    caller: Caller,
    /// Threads a big push is merged on.
    workers: usize,
    cursor: Option<u64>,
    /// The caseload as last looked up (sorted); feed news about other
    /// persons does not concern this device.
    caseload: Vec<String>,
}

impl ServerSession {
    /// A connection from an authenticated caller.
    pub fn new(caller: Caller) -> Self {
        ServerSession {
            caller,
            workers: 1,
            cursor: None,
            caseload: Vec::new(),
        }
    }

    /// Merges big pushes on up to `workers` threads (native servers only:
    /// one thread, the default, never starts another).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// The authenticated caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The caseload as last looked up (sorted; empty before `Hello`).
    pub fn caseload(&self) -> &[String] {
        &self.caseload
    }

    /// Handles one frame from the device.
    pub fn on_frame<S: ServerStore>(&mut self, frame: &[u8], store: &mut S) -> Output {
        let message = match ClientMessage::decode(frame) {
            Ok(message) => message,
            Err(error) => return fail(error.code(), error.to_string()),
        };
        match (message, self.cursor) {
            (ClientMessage::Hello { cursor }, _) => {
                self.cursor = Some(cursor);
                self.send_feed(store, true)
            }
            (ClientMessage::Resume { cursor, history }, _) => {
                let (id, rewound) = match rewound(store, cursor, history.as_deref()) {
                    Ok(answer) => answer,
                    Err(error) => return fail(ErrorCode::Internal, error.to_string()),
                };
                // A rewound device starts again from nothing: the whole
                // caseload comes as documents, and nothing is purged that
                // it has not given back first (the device keeps it).
                self.cursor = Some(if rewound { 0 } else { cursor });
                let out = send(&ServerMessage::History { id, rewound });
                self.then_feed(out, store, true)
            }
            (ClientMessage::Push { .. } | ClientMessage::CaseloadApplied { .. }, None) => {
                fail(ErrorCode::UnexpectedMessage, "Hello must come first".into())
            }
            (ClientMessage::Push { batch, docs }, Some(_)) => {
                match push::accept(&self.caller, self.workers, docs, store) {
                    Ok(results) => {
                        let out = send(&ServerMessage::Accepted { batch, results });
                        // Then the feed up to now, which moves the device's
                        // cursor past its own changes: without it a device that
                        // only ever pushes would stay at cursor 0 and be sent
                        // everything again as if it were new.
                        self.then_feed(out, store, false)
                    }
                    Err(PushError::TooLarge(error)) => fail(ErrorCode::TooLarge, error.to_string()),
                    Err(PushError::Session(error)) => fail(ErrorCode::Internal, error.to_string()),
                }
            }
            (ClientMessage::CaseloadApplied { added, removed }, Some(_)) => {
                // Only persons still on the caseload count as delivered.
                let added: Vec<String> = added
                    .into_iter()
                    .filter(|p| self.caseload.binary_search(p).is_ok())
                    .collect();
                match store.set_delivered(&self.caller, &added, &removed) {
                    Ok(()) => Output::default(),
                    Err(error) => fail(ErrorCode::Internal, error.to_string()),
                }
            }
        }
    }

    /// Called when other connections committed changes this device may care
    /// about: sends it whatever of them it may read.
    pub fn on_feed_grew<S: ServerStore>(&mut self, store: &mut S) -> Output {
        if self.cursor.is_some() {
            self.send_feed(store, false)
        } else {
            Output::default()
        }
    }

    /// Called now and then on a long-lived connection: looks the caseload up
    /// again, so a handover or an ended assignment reaches an open device.
    pub fn on_tick<S: ServerStore>(&mut self, store: &mut S) -> Output {
        if self.cursor.is_some() {
            self.send_feed(store, true)
        } else {
            Output::default()
        }
    }

    /// `out`, followed by the feed (unless `out` closes the connection).
    fn then_feed<S: ServerStore>(
        &mut self,
        mut out: Output,
        store: &mut S,
        check_caseload: bool,
    ) -> Output {
        if !out.close {
            let feed = self.send_feed(store, check_caseload);
            out.close = feed.close;
            out.frames.extend(feed.frames);
        }
        out
    }

    /// Sends the feed after the cursor; with `check_caseload`, first the
    /// whole history of persons new on the caseload and a `Caseload`
    /// message naming them and the persons to purge.
    fn send_feed<S: ServerStore>(&mut self, store: &mut S, check_caseload: bool) -> Output {
        match self.feed_frames(store, check_caseload) {
            Ok(frames) => Output {
                frames,
                close: false,
            },
            Err(error) => fail(ErrorCode::Internal, error.to_string()),
        }
    }

    fn feed_frames<S: ServerStore>(
        &mut self,
        store: &mut S,
        check_caseload: bool,
    ) -> Result<Vec<Vec<u8>>, SessionError<S::Error>> {
        let cursor = self.cursor.unwrap_or(0);
        let end = store.feed_end().map_err(SessionError::Store)?;
        let mut frames = Vec::new();
        let mut added = Vec::new();
        let mut removed = Vec::new();
        if check_caseload {
            let caseload = store.caseload(&self.caller).map_err(SessionError::Store)?;
            let held = store.held(&self.caller).map_err(SessionError::Store)?;
            let confirmed = |p: &String| {
                held.binary_search_by(|(q, _)| q.cmp(p))
                    .is_ok_and(|at| held[at].1)
            };
            // A device that starts from cursor 0 holds nothing, whatever it confirmed before.
            added = caseload
                .iter()
                .filter(|p| cursor == 0 || !confirmed(p))
                .cloned()
                .collect();
            // Anything ever sent may be on the device, confirmed or not.
            removed = held
                .iter()
                .map(|(p, _)| p)
                .filter(|p| caseload.binary_search(p).is_err())
                .cloned()
                .collect();
            if !added.is_empty() {
                store
                    .mark_sent(&self.caller, &added)
                    .map_err(SessionError::Store)?;
            }
            self.caseload = caseload;
        }
        // The whole history of new persons (at least up to `end`), as
        // their records' saved documents.
        self.snapshot_pages(store, &added, cursor, &mut frames)?;
        if !added.is_empty() || !removed.is_empty() {
            frames.push(encode(&ServerMessage::Caseload {
                added: added.clone(),
                removed,
            })?);
        }
        // Everything else the device has not seen yet.
        let rest: Vec<String> = self
            .caseload
            .iter()
            .filter(|p| added.binary_search(p).is_err())
            .cloned()
            .collect();
        let regular = FeedQuery {
            after: cursor,
            until: end,
            persons: &rest,
            // A device has its own changes; a fresh one gets them in the
            // backfill above (every person is new to it).
            skip_device: &self.caller.device_id,
        };
        self.pages(store, &regular, end.max(cursor), true, &mut frames)?;
        self.cursor = Some(end.max(cursor));
        Ok(frames)
    }

    /// `Changes` frames carrying the saved documents of the readable
    /// records of `persons`, each with `cursor` and not caught up.
    fn snapshot_pages<S: ServerStore>(
        &self,
        store: &mut S,
        persons: &[String],
        cursor: u64,
        frames: &mut Vec<Vec<u8>>,
    ) -> Result<(), SessionError<S::Error>> {
        let mut after = String::new();
        while !persons.is_empty() {
            let page = store
                .snapshot_page(&self.caller, persons, &after, PAGE_BYTES)
                .map_err(SessionError::Store)?;
            if !page.docs.is_empty() {
                frames.push(encode(&ServerMessage::Changes {
                    cursor,
                    docs: page.docs,
                    caught_up: false,
                })?);
            }
            if page.done || page.last_id <= after {
                return Ok(());
            }
            after = page.last_id;
        }
        Ok(())
    }

    /// `Changes` frames for `query`; each carries `cursor`, and with
    /// `finish` the last one says `caught_up` (sent even when empty).
    fn pages<S: ServerStore>(
        &self,
        store: &mut S,
        query: &FeedQuery<'_>,
        cursor: u64,
        finish: bool,
        frames: &mut Vec<Vec<u8>>,
    ) -> Result<(), SessionError<S::Error>> {
        let mut query = *query;
        loop {
            let page = if query.persons.is_empty() || query.after >= query.until {
                FeedPage {
                    done: true,
                    ..FeedPage::default()
                }
            } else {
                store
                    .feed_page(&self.caller, &query, PAGE_BYTES)
                    .map_err(SessionError::Store)?
            };
            let done = page.done || page.last_seq <= query.after;
            if !page.docs.is_empty() || (done && finish) {
                frames.push(encode(&ServerMessage::Changes {
                    cursor,
                    docs: page.docs,
                    caught_up: done && finish,
                })?);
            }
            if done {
                return Ok(());
            }
            query.after = page.last_seq;
        }
    }
}

/// This server's history id, and whether a device resuming at `cursor`
/// from `history` holds a state this server no longer has: another history
/// (the database was restored from a backup since), or a cursor beyond the
/// newest entry (a copy put back by hand).
fn rewound<S: ServerStore>(
    store: &mut S,
    cursor: u64,
    history: Option<&str>,
) -> Result<(String, bool), S::Error> {
    let own = store.history()?;
    let other = history.is_some_and(|theirs| theirs != own);
    let ahead = cursor > store.feed_end()?;
    Ok((own, other || ahead))
}

fn encode(message: &ServerMessage) -> Result<Vec<u8>, ProtocolError> {
    message.encode()
}

fn send(message: &ServerMessage) -> Output {
    match message.encode() {
        Ok(frame) => Output {
            frames: vec![frame],
            close: false,
        },
        Err(error) => fail(ErrorCode::Internal, error.to_string()),
    }
}

fn fail(code: ErrorCode, message: String) -> Output {
    let frames = ServerMessage::Error { code, message }
        .encode()
        .into_iter()
        .collect();
    Output {
        frames,
        close: true,
    }
}
