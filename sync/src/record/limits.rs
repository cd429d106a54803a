//! How big a pushed change or document may be, checked on its raw bytes
//! before automerge decodes it.
//!
//! automerge stores operations in run-length encoded, optionally deflated
//! columns: a 10 KB chunk can stand for ten million characters, and
//! decoding it costs seconds and a gigabyte. [`inspect`] walks the chunk's
//! header and counts each column's rows from its run lengths (never
//! expanding a run), inflating a deflated part only up to
//! [`MAX_CHUNK_DECODED_BYTES`]. Its cost is bounded by that cap, whatever
//! the chunk claims; the record schema's own limits are checked after the
//! merge, by [`super::Record`]'s validation.
//!
//! The limits follow from the schema ([`max_change_ops`]): a legitimate
//! change never comes near them.

use super::actions::MAX_ACTION_ITEMS;
use super::schema::{FieldType, RecordKind};
use super::value::MAX_NARRATIVE_CHARS;
use columns::{Reader, rows};
use std::io::Read;
use thiserror::Error;

/// The most bytes one chunk may decode to (its inflated columns, or its
/// inflated body for a deflated change). A record at the schema's limits
/// decodes to well under 1 MiB.
pub const MAX_CHUNK_DECODED_BYTES: usize = 4 * 1024 * 1024;

/// The most operations (or changes) a saved document pushed by a device
/// may hold: its whole history, deleted text included, so more than one
/// change can make.
pub const MAX_DOCUMENT_OPS: u64 = 1_000_000;

/// What one push may decode to in all: several records at a time, each
/// within its own limits.
pub const MAX_PUSH_DECODED_BYTES: usize = 8 * MAX_CHUNK_DECODED_BYTES;

/// The most operations one push may carry in all.
pub const MAX_PUSH_OPS: u64 = 4 * MAX_DOCUMENT_OPS;
const _: () =
    assert!(MAX_PUSH_OPS >= MAX_DOCUMENT_OPS && MAX_PUSH_DECODED_BYTES >= MAX_CHUNK_DECODED_BYTES);

/// Operations a change touching only a record's metadata and one
/// amendment entry may need (status, times, the entry's three parts).
const META_OPS: u64 = 32;

/// The most operations one change may hold: rewriting every field of the
/// largest kind at once (deleting and re-inserting each narrative at its
/// longest, every action item), plus the metadata.
pub fn max_change_ops() -> u64 {
    RecordKind::ALL
        .iter()
        .map(|kind| {
            kind.spec()
                .fields
                .iter()
                .map(|field| match field.ty {
                    FieldType::Narrative => 2 * MAX_NARRATIVE_CHARS as u64,
                    // An item is a map of four parts: made, set, deleted.
                    FieldType::Actions => 2 * MAX_ACTION_ITEMS as u64 * 6,
                    _ => 2,
                })
                .sum::<u64>()
        })
        .max()
        .unwrap_or(0)
        + META_OPS
}

/// Why a chunk is refused before decoding.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitError {
    /// The bytes are not an automerge chunk this server accepts.
    #[error("not a valid automerge change or document: {0}")]
    Malformed(&'static str),
    /// The chunk decodes to more than a limit allows.
    #[error("{what} is over the limit of {limit}")]
    TooLarge {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
}

/// What kind of chunk was inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// One change, with the time its editor's clock gave it (ms since the epoch).
    Change {
        /// The change's time.
        millis: i64,
    },
    /// A whole saved document.
    Document,
}

/// The size of a chunk that passed [`inspect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSize {
    /// Change or document.
    pub kind: ChunkKind,
    /// The most rows any of its columns holds: the operations (or, in a
    /// document, changes) automerge would decode.
    pub ops: u64,
    /// The bytes it decodes to.
    pub decoded_bytes: usize,
}

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const DEFLATED_CHANGE: u8 = 2;
const HASH_BYTES: usize = 32;

/// Checks a pushed item (one change, deflated or not, or a saved
/// document) against the limits without decoding its operations.
pub fn inspect(bytes: &[u8]) -> Result<ChunkSize, LimitError> {
    let mut input = Reader(bytes);
    if input.take(MAGIC.len())? != MAGIC {
        return Err(LimitError::Malformed("bad magic bytes"));
    }
    input.take(4)?; // checksum, verified by automerge
    let chunk_type = input.byte()?;
    let len = input.length()?;
    let body = input.take(len)?;
    if !input.0.is_empty() {
        return Err(LimitError::Malformed("bytes after the chunk"));
    }
    match chunk_type {
        CHANGE => change(body, body.len()),
        DEFLATED_CHANGE => {
            let inflated = inflate(body, MAX_CHUNK_DECODED_BYTES)?;
            change(&inflated, inflated.len())
        }
        DOCUMENT => document(body),
        _ => Err(LimitError::Malformed("not a change or a document")),
    }
}

fn change(body: &[u8], decoded_bytes: usize) -> Result<ChunkSize, LimitError> {
    let mut input = Reader(body);
    input.hashes()?; // dependencies
    input.bytes_field()?; // actor
    input.uleb()?; // sequence number
    input.uleb()?; // first operation number
    let millis = input.sleb()?;
    input.bytes_field()?; // message
    let others = input.count(1)?;
    for _ in 0..others {
        input.bytes_field()?;
    }
    let columns = input.columns()?;
    let limit = max_change_ops();
    let mut ops = 0;
    for (spec, len) in columns {
        if spec.deflated() {
            return Err(LimitError::Malformed(
                "a change's columns are never deflated",
            ));
        }
        ops = ops.max(rows(spec, input.take(len)?, limit)?);
    }
    Ok(ChunkSize {
        kind: ChunkKind::Change { millis },
        ops,
        decoded_bytes,
    })
}

fn document(body: &[u8]) -> Result<ChunkSize, LimitError> {
    let mut input = Reader(body);
    let actors = input.count(1)?;
    for _ in 0..actors {
        input.bytes_field()?;
    }
    input.hashes()?; // heads
    let mut columns = input.columns()?;
    columns.extend(input.columns()?);
    let mut decoded_bytes = body.len();
    let mut ops = 0;
    for (spec, len) in columns {
        let data = input.take(len)?;
        let rows = if spec.deflated() {
            let budget = MAX_CHUNK_DECODED_BYTES.saturating_sub(decoded_bytes);
            let inflated = inflate(data, budget)?;
            decoded_bytes += inflated.len();
            rows(spec, &inflated, MAX_DOCUMENT_OPS)?
        } else {
            rows(spec, data, MAX_DOCUMENT_OPS)?
        };
        ops = ops.max(rows);
    }
    if decoded_bytes > MAX_CHUNK_DECODED_BYTES {
        return Err(too_large(
            "a document's decoded size in bytes",
            MAX_CHUNK_DECODED_BYTES,
        ));
    }
    Ok(ChunkSize {
        kind: ChunkKind::Document,
        ops,
        decoded_bytes,
    })
}

/// Inflates raw deflate data, refusing it as soon as it passes `cap` bytes.
fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, LimitError> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| LimitError::Malformed("bad deflate data"))?;
    if out.len() > cap {
        return Err(too_large(
            "the decoded size in bytes",
            MAX_CHUNK_DECODED_BYTES,
        ));
    }
    Ok(out)
}

fn too_large(what: &'static str, limit: usize) -> LimitError {
    LimitError::TooLarge {
        what,
        limit: limit as u64,
    }
}

mod columns;

#[cfg(test)]
mod tests;
