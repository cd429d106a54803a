//! Sync protocol v1: the messages, and their encoding inside a [`Frame`].
//!
//! Client → server: `Open` (my feed cursor, the server history it belongs
//! to, and the [`REVISION`] of server messages I read; `Resume` without the
//! revision and `Hello`, the cursor alone, from older builds), `Push` (a
//! batch of new changes), `CaseloadApplied` (I stored / deleted what
//! `Caseload` said).
//! Server → client: `History` (the answer to `Resume`: this server's
//! history, and whether the device's cursor belongs to it), `Accepted`
//! (after the batch is durably committed), `Changes` (a page of the change
//! feed the user may read), `Caseload` (persons whose whole history was
//! just sent, persons to delete), `Error` (then the server closes the
//! connection), `Team` (who else works with each person, revision 2),
//! `Documents` (a new person's saved documents with their list summaries,
//! revision 3).
//!
//! New messages are added at the end of each enum, so a build that knows
//! them still reads every message of the builds before it. A server
//! message an older build cannot read is sent only to devices that
//! announced a revision that has it (`Open`): older apps keep syncing.
//! The server is upgraded before the app it serves, so a device never
//! speaks a revision its server lacks (after a server downgrade its
//! service worker takes the older app at the next load).
//!
//! The body is postcard (compact, serde-based, no_std-friendly); the frame
//! kind says which direction the message travels, so a message can never
//! be mistaken for one of the other side's.

use crate::frame::{Frame, FrameError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Frame kind of messages from a device.
pub const FROM_CLIENT: u8 = 1;
/// Frame kind of messages from the server.
pub const FROM_SERVER: u8 = 2;

/// The revision of server messages this build reads, announced in `Open`:
/// 1 is every message up to `History`; 2 adds `Team`; 3 `Documents`.
///
/// A change to what an existing message carries is a new revision too:
/// `Team` carries [`crate::role::Role`] and `Documents` the postcard layout of
/// [`crate::record::summary::Summary`], so a new role or a changed summary
/// layout must go in a new message (or a new variant) for the new revision,
/// or an older app fails to read the whole frame.
pub const REVISION: u32 = 3;

/// The first revision whose devices read [`ServerMessage::Documents`].
pub const DOCUMENTS_REVISION: u32 = 3;

/// The first revision whose devices read [`ServerMessage::Team`].
pub const TEAM_REVISION: u32 = 2;

/// One record's changes, each encoded on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocChanges {
    /// The record id.
    pub id: String,
    /// automerge changes in any order; duplicates are harmless.
    pub changes: Vec<Vec<u8>>,
}

/// What a device says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMessage {
    /// Start or resume: send me the feed after `cursor`.
    Hello {
        /// The last feed position this device has stored (0 = nothing).
        cursor: u64,
    },
    /// New local changes. The server answers with one `Accepted` per batch.
    Push {
        /// Chosen by the device; echoed in `Accepted`.
        batch: u64,
        /// The records and their changes.
        docs: Vec<DocChanges>,
    },
    /// The device durably holds the history of `added` (sent before the
    /// `Caseload` message) and has deleted every record of `removed`.
    CaseloadApplied {
        /// Persons whose records the device now holds.
        added: Vec<String>,
        /// Persons whose records the device deleted.
        removed: Vec<String>,
    },
    /// `Hello`, and the server history the cursor and every
    /// acknowledgement the device holds belong to. The server answers with
    /// `History` before anything else.
    Resume {
        /// The last feed position this device has stored (0 = nothing).
        cursor: u64,
        /// The history id of the server that gave it (`None` before the
        /// first answer).
        history: Option<String>,
    },
    /// `Resume`, and the revision of server messages the device reads
    /// ([`REVISION`]): the server sends nothing newer.
    Open {
        /// The last feed position this device has stored (0 = nothing).
        cursor: u64,
        /// The history id of the server that gave it (`None` before the
        /// first answer).
        history: Option<String>,
        /// The device's [`REVISION`].
        revision: u32,
        /// [`crate::team::digest`] of the teams the device holds: the
        /// server sends `Team` only if its picture differs.
        team: u64,
    },
}

/// Why one record of a push was not stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rejection {
    /// The user may not write this record (role or caseload).
    Forbidden,
    /// The changes do not make a valid record.
    Invalid(String),
    /// The changes depend on history the server does not have.
    MissingHistory,
    /// A change names someone other than the signed-in user as its editor
    /// (or a new record another creator or device).
    Authorship,
    /// The record is finalised: it changes only through an amendment with
    /// a reason, by the user making the change, and never back to draft.
    Finalised,
    /// The changes are larger than a record can legitimately be.
    TooLarge(String),
}

/// The fate of one record in a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocOutcome {
    /// Durably stored (or already there).
    Stored {
        /// The record id.
        id: String,
    },
    /// Not stored; the device keeps the changes and shows why.
    Rejected {
        /// The record id.
        id: String,
        /// Why.
        reason: Rejection,
    },
    /// A saved document given back to a restored server: the server
    /// durably stored the pusher's own part of what it lacked; other
    /// people's changes in it must come from their own devices. The
    /// device keeps the record and offers it again at its next connection.
    Partly {
        /// The record id.
        id: String,
    },
}

impl DocOutcome {
    /// The record this outcome is about.
    pub fn id(&self) -> &str {
        match self {
            DocOutcome::Stored { id }
            | DocOutcome::Rejected { id, .. }
            | DocOutcome::Partly { id } => id,
        }
    }
}

/// Why the server ends a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// A frame or message could not be read.
    Malformed,
    /// The frame's protocol version is not spoken here.
    UnsupportedVersion,
    /// A frame over the size limit.
    TooLarge,
    /// A message that makes no sense now (e.g. `Push` before `Hello`).
    UnexpectedMessage,
    /// The device token is unknown, expired or revoked.
    Unauthorized,
    /// The server failed; retry later.
    Internal,
    /// The device was reported lost: wipe every local trace of it, then
    /// confirm (`POST /sync/device/wiped`).
    WipeOrdered,
}

/// What the server says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMessage {
    /// A push's results, sent only after they were committed.
    Accepted {
        /// The batch number from `Push`.
        batch: u64,
        /// One outcome per record of the batch.
        results: Vec<DocOutcome>,
    },
    /// A page of the feed: the records changed after the device's cursor.
    Changes {
        /// Store this cursor once the page is applied.
        cursor: u64,
        /// The records and their changes.
        docs: Vec<DocChanges>,
        /// No more pages wait right now.
        caught_up: bool,
    },
    /// The user's caseload changed. The whole readable history of the
    /// `added` persons came in the `Changes` pages before this message;
    /// every record of the `removed` persons (assignment ended, handed
    /// over) must be deleted from the device. Answered by `CaseloadApplied`.
    Caseload {
        /// Persons newly on the caseload.
        added: Vec<String>,
        /// Persons no longer on it.
        removed: Vec<String>,
    },
    /// The connection is closed after this.
    Error {
        /// What kind of failure.
        code: ErrorCode,
        /// For people, not for code.
        message: String,
    },
    /// The answer to `Resume`, before any other message. `id` names this
    /// server's history: a restore from a backup gives the server a new
    /// one. With `rewound`, the device's cursor and acknowledgements came
    /// from a history this server no longer has (it was restored, or the
    /// cursor is beyond its newest entry): the device forgets its cursor
    /// and sends every record it holds again, whole, so whatever the
    /// restore lost comes back; the server sends it its caseload from the
    /// start.
    History {
        /// This server's history id.
        id: String,
        /// The device's state is ahead of this server's.
        rewound: bool,
    },
    /// Who works with each person on the caseload: the whole picture,
    /// replacing the last one, sent when the caseload is looked up and it
    /// changed (revision 2; never to older devices).
    Team {
        /// One entry per person on the caseload.
        persons: Vec<crate::team::PersonTeam>,
    },
    /// `Changes` carrying saved documents (a new person's whole history),
    /// each with what the device's lists read of it, so a first download
    /// stores thousands of records without loading one (revision 3).
    Documents {
        /// Store this cursor once the page is applied.
        cursor: u64,
        /// Each record's id with its saved document as the only item.
        docs: Vec<DocChanges>,
        /// Each document's list summary, in the order of `docs`.
        summaries: Vec<Option<crate::record::summary::Summary>>,
    },
}

/// Why a message could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    /// The envelope was bad.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The frame came from the wrong side.
    #[error("frame kind {found} where {expected} was expected")]
    WrongDirection {
        /// Kind expected.
        expected: u8,
        /// Kind found.
        found: u8,
    },
    /// The body is not a message.
    #[error("malformed message body: {0}")]
    Body(String),
}

impl ProtocolError {
    /// The error code to send back for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            ProtocolError::Frame(FrameError::UnsupportedVersion { .. }) => {
                ErrorCode::UnsupportedVersion
            }
            ProtocolError::Frame(FrameError::TooLarge { .. }) => ErrorCode::TooLarge,
            _ => ErrorCode::Malformed,
        }
    }
}

fn encode<T: Serialize>(kind: u8, message: &T) -> Result<Vec<u8>, ProtocolError> {
    let body = postcard::to_allocvec(message).map_err(|e| ProtocolError::Body(e.to_string()))?;
    Ok(Frame { kind, body: &body }.encode()?)
}

fn decode<'a, T: Deserialize<'a>>(kind: u8, bytes: &'a [u8]) -> Result<T, ProtocolError> {
    let frame = Frame::decode(bytes)?;
    if frame.kind != kind {
        return Err(ProtocolError::WrongDirection {
            expected: kind,
            found: frame.kind,
        });
    }
    match postcard::take_from_bytes(frame.body) {
        Ok((message, [])) => Ok(message),
        Ok((_, rest)) => Err(ProtocolError::Body(format!(
            "{} trailing bytes",
            rest.len()
        ))),
        Err(e) => Err(ProtocolError::Body(e.to_string())),
    }
}

impl ClientMessage {
    /// Does the server answer this message? `Hello` and `Push` are
    /// requests; `CaseloadApplied` is a notice that gets no reply, so
    /// sending it costs no round trip.
    pub fn expects_reply(&self) -> bool {
        !matches!(self, ClientMessage::CaseloadApplied { .. })
    }

    /// [`Self::expects_reply`] of an encoded frame, read from its message
    /// tag alone (no copy of a big `Push`); unreadable frames count as requests.
    pub fn frame_expects_reply(frame: &[u8]) -> bool {
        match Frame::decode(frame) {
            // postcard writes the variant index first; 2 is `CaseloadApplied`.
            Ok(frame) => frame.body.first() != Some(&2),
            Err(_) => true,
        }
    }

    /// The message as one frame.
    pub fn encode(&self) -> Result<Vec<u8>, ProtocolError> {
        encode(FROM_CLIENT, self)
    }

    /// Reads a frame from a device.
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        decode(FROM_CLIENT, bytes)
    }
}

impl ServerMessage {
    /// The message as one frame.
    pub fn encode(&self) -> Result<Vec<u8>, ProtocolError> {
        encode(FROM_SERVER, self)
    }

    /// Reads a frame from the server.
    pub fn decode(bytes: &[u8]) -> Result<Self, ProtocolError> {
        decode(FROM_SERVER, bytes)
    }
}

#[cfg(test)]
mod tests;
