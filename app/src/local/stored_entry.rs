//! One record as the device stores it (encrypted, in IndexedDB): its
//! summary for lists, the record with its unsent changes and refusal, and
//! its receipt; behind a format byte, so an entry of an older layout is
//! read as what it is (and summarised afresh) and an unknown one reported,
//! never misread. Plain Rust (postcard), so it is tested natively.

use super::read::Summary;
use serde::{Deserialize, Serialize};
use tsunagu_sync::session::device_store::DeviceRecord;

/// The layout of a stored record entry; bumped whenever [`StoredEntry`] or
/// what it holds changes.
pub const ENTRY_FORMAT: u8 = 3;
/// The layout before summaries carried planned dates and kana, and entries
/// their receipt; read, then summarised afresh once, at unlock.
const ENTRY_FORMAT_2: u8 = 2;

/// Why a stored entry could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// Another version of the app wrote it (a layout this one does not know).
    #[error("a record was stored by another version of the app; sign out and in again")]
    OtherVersion,
    /// The bytes do not decode as the layout they claim.
    #[error("corrupt local data: record: {0}")]
    Decode(#[from] postcard::Error),
}

/// One record as IndexedDB holds it (encrypted): its summary for lists,
/// readable without loading the document, and the record itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredEntry {
    /// The summary lists show.
    pub summary: Summary,
    /// The record.
    pub record: DeviceRecord,
    /// When the server last acknowledged all of this device's changes to
    /// it (browser clock, ms): the note's receipt.
    pub reached_ms: Option<f64>,
}

/// A stored entry in the layout before summaries carried kana and planned
/// dates (format 2), read once and summarised afresh.
#[derive(Debug, Deserialize)]
struct StoredEntryV2 {
    summary: SummaryV2,
    record: DeviceRecord,
}

/// [`Summary`] as format 2 stored it.
#[derive(Debug, Deserialize)]
struct SummaryV2 {
    kind: tsunagu_sync::record::schema::RecordKind,
    person_id: String,
    status: tsunagu_sync::record::Status,
    date: chrono::NaiveDate,
    updated_at: chrono::DateTime<chrono::Utc>,
    name: String,
    excerpt: String,
    event: Option<tsunagu_sync::stage::Dated>,
}

impl StoredEntryV2 {
    /// The entry in today's layout, the new parts of its summary empty
    /// until the working copy summarises it afresh.
    fn into_current(self) -> StoredEntry {
        let SummaryV2 {
            kind,
            person_id,
            status,
            date,
            updated_at,
            name,
            excerpt,
            event,
        } = self.summary;
        let summary = Summary {
            kind,
            person_id,
            status,
            date,
            updated_at,
            name,
            excerpt,
            event,
            kana: String::new(),
            next_contact: None,
            review_on: None,
            open_actions: Vec::new(),
        };
        StoredEntry {
            summary,
            record: self.record,
            reached_ms: None,
        }
    }
}

/// An entry as stored: the format byte, then postcard.
pub fn encode_entry(entry: &StoredEntry) -> Vec<u8> {
    let mut bytes = vec![ENTRY_FORMAT];
    bytes.extend(postcard::to_allocvec(entry).unwrap_or_default());
    bytes
}

/// A stored entry, and whether it is of an older layout (its summary
/// lacks what this version adds, so it must be summarised afresh).
pub fn decode_entry(bytes: &[u8]) -> Result<(StoredEntry, bool), EntryError> {
    match bytes.split_first() {
        Some((&ENTRY_FORMAT, rest)) => Ok((postcard::from_bytes(rest)?, false)),
        Some((&ENTRY_FORMAT_2, rest)) => Ok((
            postcard::from_bytes::<StoredEntryV2>(rest)?.into_current(),
            true,
        )),
        _ => Err(EntryError::OtherVersion),
    }
}

#[cfg(test)]
mod tests;
