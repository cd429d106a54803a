//! A device's side of a sync connection.

use super::Output;
use crate::protocol::{
    ClientMessage, DocChanges, DocOutcome, ErrorCode, ProtocolError, REVISION, ServerMessage,
};
use crate::record::summary::Summary;
use crate::team::PersonTeam;
use thiserror::Error;

/// What the client session needs from the device's storage.
pub trait ClientStore {
    /// A storage failure.
    type Error: std::fmt::Display;
    /// The feed position of the last page fully stored (0 = none yet).
    fn cursor(&mut self) -> Result<u64, Self::Error>;
    /// Local changes the server has not acknowledged, by record: the
    /// leading records up to about `max_bytes` (at least one). What is
    /// returned is what the next push sends; `acknowledge` gets it back.
    fn pending(&mut self, max_bytes: usize) -> Result<Vec<DocChanges>, Self::Error>;
    /// Merges a page of remote changes and stores `cursor`, atomically.
    fn apply_page(&mut self, docs: &[DocChanges], cursor: u64) -> Result<(), Self::Error>;
    /// The server durably holds these outcomes of the batch `sent`: drop
    /// stored changes from the pending queue, remember rejections.
    fn acknowledge(
        &mut self,
        sent: &[DocChanges],
        results: &[DocOutcome],
    ) -> Result<(), Self::Error>;
    /// The history id of the server the cursor and acknowledgements came
    /// from (`None`: not known yet).
    fn history(&mut self) -> Result<Option<String>, Self::Error>;
    /// The server named its history at this connection: remember it. With
    /// `rewound` (the server went back in time), forget the cursor and
    /// queue every record held to be sent again whole until the server has
    /// stored it; nothing is deleted. Records the server could not take
    /// back at an earlier connection are offered again from now.
    fn enter_history(&mut self, id: &str, rewound: bool) -> Result<(), Self::Error>;
    /// Deletes every record of these persons (the user's assignment to them
    /// ended) that has no unacknowledged changes, and returns the persons
    /// now wholly gone. A record with changes the server has not
    /// acknowledged stays until it has: a note is never lost to a purge.
    fn purge_persons(&mut self, persons: &[String]) -> Result<Vec<String>, Self::Error>;
    /// Who works with each person on the caseload, replacing what was
    /// known: persons not named have no team to show.
    fn set_teams(&mut self, teams: Vec<PersonTeam>) -> Result<(), Self::Error>;
    /// [`crate::team::digest`] of the teams held.
    fn team_digest(&mut self) -> Result<u64, Self::Error>;
    /// The list summaries the server sent with a page of documents just
    /// applied (`summaries` in the order of `docs`): a store that keeps
    /// summaries may use them for records it has not loaded, instead of
    /// loading each to summarise it.
    fn take_summaries(
        &mut self,
        docs: &[DocChanges],
        summaries: Vec<Option<Summary>>,
    ) -> Result<(), Self::Error>;
}

/// Why the client session stopped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClientError {
    /// The server sent something unreadable.
    #[error("unreadable server message: {0}")]
    Protocol(#[from] ProtocolError),
    /// The server ended the connection with an error.
    #[error("server error {code:?}: {message}")]
    Server {
        /// The error code.
        code: ErrorCode,
        /// The server's explanation.
        message: String,
    },
    /// Local storage failed; nothing was acknowledged.
    #[error("local storage failed: {0}")]
    Store(String),
    /// An `Accepted` for a batch that is not in flight.
    #[error("acknowledgement for unknown batch {0}")]
    UnknownBatch(u64),
}

/// One connection's state on the device.
#[derive(Debug, Default)]
pub struct ClientSession {
    next_batch: u64,
    in_flight: Option<(u64, Vec<DocChanges>)>,
    caught_up: bool,
    connected: bool,
    /// Persons to purge whose records still had unsent changes: purged as
    /// soon as the server acknowledges them.
    purge_after_ack: Vec<String>,
}

fn store_err(error: impl std::fmt::Display) -> ClientError {
    ClientError::Store(error.to_string())
}

impl ClientSession {
    /// A fresh session.
    pub fn new() -> Self {
        Self::default()
    }

    /// The connection opened: says hello and pushes what is pending, in the
    /// same flight so a reconnect costs one round trip.
    pub fn on_connect<S: ClientStore>(&mut self, store: &mut S) -> Result<Output, ClientError> {
        self.connected = true;
        self.caught_up = false;
        self.in_flight = None;
        let cursor = store.cursor().map_err(store_err)?;
        let history = store.history().map_err(store_err)?;
        let team = store.team_digest().map_err(store_err)?;
        let mut out = Output {
            frames: vec![
                ClientMessage::Open {
                    cursor,
                    history,
                    revision: REVISION,
                    team,
                }
                .encode()?,
            ],
            close: false,
        };
        out.frames.extend(self.push_pending(store)?);
        Ok(out)
    }

    /// The connection is gone; whatever was in flight will be sent again.
    pub fn on_disconnect(&mut self) {
        self.connected = false;
        self.purge_after_ack.clear();
        self.in_flight = None;
        self.caught_up = false;
    }

    /// Something was saved locally: push it now if the line is free.
    pub fn on_local_change<S: ClientStore>(
        &mut self,
        store: &mut S,
    ) -> Result<Output, ClientError> {
        Ok(Output {
            frames: self.push_pending(store)?,
            close: false,
        })
    }

    /// Handles one frame from the server.
    pub fn on_frame<S: ClientStore>(
        &mut self,
        frame: &[u8],
        store: &mut S,
    ) -> Result<Output, ClientError> {
        match ServerMessage::decode(frame)? {
            ServerMessage::Changes {
                cursor,
                docs,
                caught_up,
            } => {
                store.apply_page(&docs, cursor).map_err(store_err)?;
                self.caught_up = caught_up;
                Ok(Output::default())
            }
            ServerMessage::Accepted { batch, results } => {
                let Some((in_flight, sent)) = self.in_flight.take() else {
                    return Err(ClientError::UnknownBatch(batch));
                };
                if in_flight != batch {
                    return Err(ClientError::UnknownBatch(batch));
                }
                store.acknowledge(&sent, &results).map_err(store_err)?;
                // The server follows every Accepted with the feed up to
                // then; the device is idle only once that page is stored.
                self.caught_up = false;
                let mut out = Output::default();
                if !self.purge_after_ack.is_empty() {
                    let gone = store
                        .purge_persons(&self.purge_after_ack)
                        .map_err(store_err)?;
                    self.purge_after_ack.retain(|p| !gone.contains(p));
                    if !gone.is_empty() {
                        out.frames.push(
                            ClientMessage::CaseloadApplied {
                                added: Vec::new(),
                                removed: gone,
                            }
                            .encode()?,
                        );
                    }
                }
                // Changes saved while that batch was in flight go out now.
                out.frames.extend(self.on_local_change(store)?.frames);
                Ok(out)
            }
            ServerMessage::Caseload { added, removed } => {
                // The added persons' pages came before this and are stored.
                // A person still holding unsent notes is not confirmed, so
                // the server asks again next time.
                let gone = store.purge_persons(&removed).map_err(store_err)?;
                self.purge_after_ack = removed.into_iter().filter(|p| !gone.contains(p)).collect();
                let removed = gone;
                Ok(Output {
                    frames: vec![ClientMessage::CaseloadApplied { added, removed }.encode()?],
                    close: false,
                })
            }
            ServerMessage::Documents {
                cursor,
                docs,
                summaries,
            } => {
                store.apply_page(&docs, cursor).map_err(store_err)?;
                store.take_summaries(&docs, summaries).map_err(store_err)?;
                // More follows: a backfill is never the last page.
                self.caught_up = false;
                Ok(Output::default())
            }
            ServerMessage::Team { persons } => {
                store.set_teams(persons).map_err(store_err)?;
                Ok(Output::default())
            }
            ServerMessage::Error { code, message } => Err(ClientError::Server { code, message }),
            ServerMessage::History { id, rewound } => {
                store.enter_history(&id, rewound).map_err(store_err)?;
                // The pages from the start follow; what there is to give
                // back goes up as soon as the line is free.
                self.caught_up = false;
                Ok(Output {
                    frames: self.push_pending(store)?,
                    close: false,
                })
            }
        }
    }

    /// Caught up with the feed and nothing waiting for acknowledgement.
    pub fn is_idle(&self) -> bool {
        self.connected && self.caught_up && self.in_flight.is_none()
    }

    /// Caught up with the server's feed.
    pub fn is_caught_up(&self) -> bool {
        self.caught_up
    }

    fn push_pending<S: ClientStore>(&mut self, store: &mut S) -> Result<Vec<Vec<u8>>, ClientError> {
        if !self.connected || self.in_flight.is_some() {
            return Ok(Vec::new());
        }
        let docs = store.pending(PUSH_BYTES).map_err(store_err)?;
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        self.next_batch += 1;
        let batch = self.next_batch;
        let docs = first_batch(docs);
        let frame = ClientMessage::Push {
            batch,
            docs: docs.clone(),
        }
        .encode()?;
        self.in_flight = Some((batch, docs));
        Ok(vec![frame])
    }
}

/// The most change bytes one push carries; the rest follows after its
/// `Accepted`, so a first upload of thousands of notes never builds a frame
/// over the limit.
pub const PUSH_BYTES: usize = 1024 * 1024;

/// The leading records of `docs` that fit in [`PUSH_BYTES`] (always at least one).
fn first_batch(docs: Vec<DocChanges>) -> Vec<DocChanges> {
    let mut bytes = 0;
    let mut batch = Vec::new();
    for doc in docs {
        let size: usize = doc.changes.iter().map(Vec::len).sum::<usize>() + doc.id.len();
        if !batch.is_empty() && bytes + size > PUSH_BYTES {
            break;
        }
        bytes += size;
        batch.push(doc);
    }
    batch
}
