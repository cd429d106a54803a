//! The server's side of a sync connection.

use super::{Caller, Output};
use crate::policy;
use crate::protocol::{ClientMessage, DocChanges, DocOutcome, ErrorCode, Rejection, ServerMessage};
use crate::record::schema::RecordKind;
use crate::record::{Record, RecordError};

/// The actor id the server uses when it loads records (it never edits them).
const SERVER_ACTOR: &[u8] = b"tsunagu-server";

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
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedPage {
    /// Records and their changes, in feed order.
    pub docs: Vec<DocChanges>,
    /// The position after the last entry looked at.
    pub cursor: u64,
    /// Nothing after `cursor` for this caller.
    pub caught_up: bool,
}

/// What the server session needs from storage.
pub trait ServerStore {
    /// A storage failure.
    type Error: std::fmt::Display;
    /// The saved document of a record, if the server has it.
    fn load_record(&mut self, id: &str) -> Result<Option<Vec<u8>>, Self::Error>;
    /// Is the user currently assigned to the person?
    fn is_assigned(&mut self, user_id: &str, person_id: &str) -> Result<bool, Self::Error>;
    /// Stores all writes and appends their new changes to the feed, tagged
    /// with the origin device, in one durable transaction.
    fn commit(&mut self, origin: &Caller, writes: &[RecordWrite]) -> Result<(), Self::Error>;
    /// Feed entries after `after` that `caller` may read (per
    /// [`policy::may_read`]), about `max_bytes` of changes at most (at least
    /// one entry), skipping entries that came from the caller's own device
    /// unless `after` is 0.
    fn feed_after(
        &mut self,
        caller: &Caller,
        after: u64,
        max_bytes: usize,
    ) -> Result<FeedPage, Self::Error>;
}

/// One device's connection, as the server sees it.
#[derive(Debug)]
pub struct ServerSession {
    caller: Caller,
    cursor: Option<u64>,
}

impl ServerSession {
    /// A connection from an authenticated caller.
    pub fn new(caller: Caller) -> Self {
        ServerSession {
            caller,
            cursor: None,
        }
    }

    /// The authenticated caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
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
                self.send_feed(store)
            }
            (ClientMessage::Push { .. }, None) => {
                fail(ErrorCode::UnexpectedMessage, "Push before Hello".into())
            }
            (ClientMessage::Push { batch, docs }, Some(_)) => match self.accept(&docs, store) {
                Ok(results) => send(&ServerMessage::Accepted { batch, results }),
                Err(message) => fail(ErrorCode::Internal, message),
            },
        }
    }

    /// Called when other connections committed changes: sends this device
    /// whatever of them it may read.
    pub fn on_feed_grew<S: ServerStore>(&mut self, store: &mut S) -> Output {
        if self.cursor.is_some() {
            self.send_feed(store)
        } else {
            Output::default()
        }
    }

    fn send_feed<S: ServerStore>(&mut self, store: &mut S) -> Output {
        let mut out = Output::default();
        loop {
            let after = self.cursor.unwrap_or(0);
            let page = match store.feed_after(&self.caller, after, PAGE_BYTES) {
                Ok(page) => page,
                Err(error) => return fail(ErrorCode::Internal, error.to_string()),
            };
            let caught_up = page.caught_up;
            let moved = page.cursor != after;
            if !page.docs.is_empty() || caught_up {
                let message = ServerMessage::Changes {
                    cursor: page.cursor,
                    docs: page.docs,
                    caught_up,
                };
                match message.encode() {
                    Ok(frame) => out.frames.push(frame),
                    Err(error) => return fail(ErrorCode::Internal, error.to_string()),
                }
            }
            self.cursor = Some(page.cursor);
            if caught_up || !moved {
                return out;
            }
        }
    }

    /// Validates, authorises and stores a push; one outcome per record.
    fn accept<S: ServerStore>(
        &self,
        docs: &[DocChanges],
        store: &mut S,
    ) -> Result<Vec<DocOutcome>, String> {
        let mut writes = Vec::new();
        let mut results = Vec::new();
        for doc in docs {
            match self.merge(doc, store)? {
                Ok(Some(write)) => {
                    writes.push(write);
                    results.push(DocOutcome::Stored { id: doc.id.clone() });
                }
                Ok(None) => results.push(DocOutcome::Stored { id: doc.id.clone() }),
                Err(reason) => results.push(DocOutcome::Rejected {
                    id: doc.id.clone(),
                    reason,
                }),
            }
        }
        if !writes.is_empty() {
            store
                .commit(&self.caller, &writes)
                .map_err(|e| e.to_string())?;
        }
        Ok(results)
    }

    /// The write for one record, `None` when nothing is new, or why not.
    #[allow(clippy::type_complexity)]
    fn merge<S: ServerStore>(
        &self,
        doc: &DocChanges,
        store: &mut S,
    ) -> Result<Result<Option<RecordWrite>, Rejection>, String> {
        let existing = store.load_record(&doc.id).map_err(|e| e.to_string())?;
        let (mut record, before) = match existing {
            Some(bytes) => {
                let mut record = Record::load(&bytes, SERVER_ACTOR)
                    .map_err(|e| format!("stored record unreadable: {e}"))?;
                let before = record.heads();
                if let Err(error) = record.apply_changes(&doc.changes) {
                    return Ok(Err(rejection(error)));
                }
                (record, before)
            }
            None => match Record::from_changes(&doc.changes, SERVER_ACTOR) {
                Ok(record) => (record, Vec::new()),
                Err(error) => return Ok(Err(rejection(error))),
            },
        };
        let meta = record.meta().clone();
        if meta.id != doc.id {
            return Ok(Err(Rejection::Invalid("record id does not match".into())));
        }
        let assigned = store
            .is_assigned(&self.caller.user_id, &meta.person_id)
            .map_err(|e| e.to_string())?;
        if !policy::may_write(self.caller.role, meta.kind, assigned) {
            return Ok(Err(Rejection::Forbidden));
        }
        let new_changes = record.changes_since(&before);
        if new_changes.is_empty() {
            return Ok(Ok(None));
        }
        Ok(Ok(Some(RecordWrite {
            id: meta.id,
            kind: meta.kind,
            person_id: meta.person_id,
            snapshot: record.save(),
            new_changes,
        })))
    }
}

fn rejection(error: RecordError) -> Rejection {
    match error {
        RecordError::MissingHistory => Rejection::MissingHistory,
        other => Rejection::Invalid(other.to_string()),
    }
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
