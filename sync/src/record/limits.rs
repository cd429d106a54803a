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

/// A column's specification: its id, type and whether it is deflated.
#[derive(Debug, Clone, Copy)]
struct Spec(u32);

/// The column types of automerge's storage format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    /// Run-length encoded unsigned integers that count items in the
    /// columns grouped under them.
    Group,
    /// Run-length encoded unsigned integers (actor indices, integers,
    /// value metadata).
    Unsigned,
    /// Run-length encoded signed deltas.
    Delta,
    /// Alternating run lengths of false and true.
    Boolean,
    /// Run-length encoded strings.
    String,
    /// Raw bytes whose lengths another column gives.
    Raw,
}

impl Spec {
    fn deflated(self) -> bool {
        self.0 & 0b1000 != 0
    }

    fn column_type(self) -> ColumnType {
        match self.0 & 0b111 {
            0 => ColumnType::Group,
            1 | 2 | 6 => ColumnType::Unsigned,
            3 => ColumnType::Delta,
            4 => ColumnType::Boolean,
            5 => ColumnType::String,
            _ => ColumnType::Raw,
        }
    }
}

/// The rows a column decodes to (for a group column, also the items it
/// groups), counted from run lengths; refused once over `limit`.
fn rows(spec: Spec, data: &[u8], limit: u64) -> Result<u64, LimitError> {
    let mut input = Reader(data);
    let mut rows: u64 = 0;
    let mut grouped: u64 = 0;
    let over = |n: u64| n > limit;
    let column_type = spec.column_type();
    // Only a group column's values count items (of the columns under it).
    let value = |input: &mut Reader<'_>| -> Result<u64, LimitError> {
        match column_type {
            ColumnType::Group => input.uleb(),
            ColumnType::Unsigned => input.uleb().map(|_| 0),
            ColumnType::Delta => input.sleb().map(|_| 0),
            ColumnType::String => input.bytes_field().map(|_| 0),
            ColumnType::Boolean | ColumnType::Raw => Ok(0),
        }
    };
    match column_type {
        ColumnType::Raw => return Ok(0),
        ColumnType::Boolean => {
            while !input.0.is_empty() {
                rows = rows.saturating_add(input.uleb()?);
                if over(rows) {
                    break;
                }
            }
        }
        _ => {
            while !input.0.is_empty() && !over(rows) && !over(grouped) {
                let run = input.sleb()?;
                if run > 0 {
                    let run = run.unsigned_abs();
                    let v = value(&mut input)?;
                    rows = rows.saturating_add(run);
                    grouped = grouped.saturating_add(run.saturating_mul(v));
                } else if run < 0 {
                    // Each literal takes at least one byte: the loop ends
                    // with the data, whatever the run claims.
                    for _ in 0..run.unsigned_abs() {
                        grouped = grouped.saturating_add(value(&mut input)?);
                        rows += 1;
                    }
                } else {
                    rows = rows.saturating_add(input.uleb()?);
                }
            }
        }
    }
    let most = rows.max(grouped);
    if over(most) {
        return Err(LimitError::TooLarge {
            what: "the number of operations",
            limit,
        });
    }
    Ok(most)
}

/// A cursor over bytes that never reads past their end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LimitError> {
        if n > self.0.len() {
            return Err(LimitError::Malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, LimitError> {
        Ok(self.take(1)?[0])
    }

    fn uleb(&mut self) -> Result<u64, LimitError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(LimitError::Malformed("integer too long"))
    }

    fn sleb(&mut self) -> Result<i64, LimitError> {
        let mut value: i64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= i64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                if shift < 57 && byte & 0x40 != 0 {
                    value |= -1 << (shift + 7);
                }
                return Ok(value);
            }
        }
        Err(LimitError::Malformed("integer too long"))
    }

    /// A length that must fit in what is left.
    fn length(&mut self) -> Result<usize, LimitError> {
        let len = self.uleb()?;
        usize::try_from(len)
            .ok()
            .filter(|&len| len <= self.0.len())
            .ok_or(LimitError::Malformed("length beyond the data"))
    }

    /// A count of items each at least `min_bytes` long.
    fn count(&mut self, min_bytes: usize) -> Result<usize, LimitError> {
        let n = self.uleb()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n.saturating_mul(min_bytes) <= self.0.len())
            .ok_or(LimitError::Malformed("count beyond the data"))
    }

    fn bytes_field(&mut self) -> Result<&'a [u8], LimitError> {
        let len = self.length()?;
        self.take(len)
    }

    fn hashes(&mut self) -> Result<(), LimitError> {
        let n = self.count(HASH_BYTES)?;
        self.take(n * HASH_BYTES).map(|_| ())
    }

    fn columns(&mut self) -> Result<Vec<(Spec, usize)>, LimitError> {
        let n = self.count(2)?;
        let mut columns = Vec::with_capacity(n);
        for _ in 0..n {
            let spec = u32::try_from(self.uleb()?)
                .map_err(|_| LimitError::Malformed("column specification"))?;
            let len = usize::try_from(self.uleb()?)
                .map_err(|_| LimitError::Malformed("column length"))?;
            columns.push((Spec(spec), len));
        }
        Ok(columns)
    }
}

#[cfg(test)]
mod tests;
