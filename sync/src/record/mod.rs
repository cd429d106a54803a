//! Records: one automerge document per record, with a typed layer on top.
//!
//! Document layout:
//! ```text
//! { meta:   { id, kind, person_id, author, device, created_at, updated_at, status, schema },
//!   fields: { <name>: scalar | Text },
//!   amendments: [ { at, by, reason } ] }
//! ```
//! Narrative fields are automerge `Text` (concurrent edits merge character
//! by character); every other field is a scalar (last writer wins).
//! Every change is committed with the editor's time and user id, so the
//! history says who changed what, when — also for edits made offline.
//!
//! Changes from elsewhere are applied to a fork and validated first; an
//! invalid result is rejected whole and the record stays as it was.

pub mod actions;
pub mod content;
mod editing;
mod error;
pub mod give_back;
pub mod history;
pub mod limits;
mod merging;
pub mod schema;
mod status;
pub mod summary;
mod validate;
pub mod value;

/// A change's hash: the identity of one edit in a record's history.
pub use automerge::ChangeHash;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, Change, LoadOptions, ObjId, ObjType, OnPartialLoad, ROOT, ReadDoc,
    ScalarValue, TextEncoding, Value,
};
use chrono::{DateTime, Utc};
pub use editing::Amendment;
pub use error::RecordError;
use schema::{FieldType, KindSpec, RecordKind};
pub use status::Status;
use validate::validate;
pub use value::FieldValue;

/// The document layout version written into `meta.schema`.
pub const SCHEMA_VERSION: i64 = 1;

/// Who makes a change and when (passed in: the core reads no clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The user's stable id.
    pub by: String,
    /// The user's name as shown at the time, kept in the change so every
    /// device can say who made it, offline too.
    pub name: Option<String>,
    /// When, by the editing device's clock.
    pub at: DateTime<Utc>,
}

/// What a merge brought that the record did not have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewHistory {
    /// The new changes, encoded (as they arrived when they came loose).
    pub changes: Vec<Vec<u8>>,
    /// Who made each new change and when, as the change itself says.
    pub stamps: Vec<history::Stamp>,
}

/// The identity and bookkeeping every record carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// UUIDv7, made on the device that created the record.
    pub id: String,
    /// What kind of record.
    pub kind: RecordKind,
    /// The person (case) it belongs to; a person profile names itself.
    pub person_id: String,
    /// The user who created it.
    pub author: String,
    /// The device it was created on.
    pub device: String,
    /// Creation time (device clock).
    pub created_at: DateTime<Utc>,
    /// Time of the latest edit (device clock).
    pub updated_at: DateTime<Utc>,
    /// Life-cycle state.
    pub status: Status,
}

/// What a new record starts with.
#[derive(Debug, Clone)]
pub struct NewRecord {
    /// UUIDv7 (see [`new_record_id`]).
    pub id: String,
    /// Its kind.
    pub kind: RecordKind,
    /// The person it belongs to.
    pub person_id: String,
    /// The device creating it.
    pub device: String,
    /// Initial scalar values; every required scalar field must be here.
    pub fields: Vec<(String, FieldValue)>,
}

/// A UUIDv7 from a time and 10 random bytes supplied by the caller.
pub fn new_record_id(at: DateTime<Utc>, random: [u8; 10]) -> String {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &random)
        .into_uuid()
        .to_string()
}

/// One record document.
#[derive(Debug)]
pub struct Record {
    doc: AutoCommit,
    meta: Meta,
}

fn commit(doc: &mut AutoCommit, edit: &Edit) {
    doc.commit_with(
        CommitOptions::default()
            .with_time(edit.at.timestamp_millis())
            .with_message(history::change_message(edit)),
    );
}

fn ts(at: DateTime<Utc>) -> ScalarValue {
    ScalarValue::Timestamp(at.timestamp_millis())
}

impl Record {
    /// Creates a record authored by `edit.by` on `new.device`. `actor` is
    /// this editing session's automerge actor id (unique per session).
    pub fn create(new: NewRecord, edit: &Edit, actor: &[u8]) -> Result<Record, RecordError> {
        let spec = new.kind.spec();
        let mut doc = AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint)
            .with_actor(ActorId::from(actor));
        let meta = doc.put_object(ROOT, "meta", ObjType::Map)?;
        doc.put(&meta, "id", new.id.as_str())?;
        doc.put(&meta, "kind", new.kind.as_str())?;
        doc.put(&meta, "person_id", new.person_id.as_str())?;
        doc.put(&meta, "author", edit.by.as_str())?;
        doc.put(&meta, "device", new.device.as_str())?;
        doc.put(&meta, "created_at", ts(edit.at))?;
        doc.put(&meta, "updated_at", ts(edit.at))?;
        doc.put(&meta, "status", Status::Draft.as_str())?;
        doc.put(&meta, "schema", SCHEMA_VERSION)?;
        let fields = doc.put_object(ROOT, "fields", ObjType::Map)?;
        doc.put_object(ROOT, "amendments", ObjType::List)?;
        for field in spec.fields.iter() {
            // Made now, not at the first edit: two tablets making the same
            // field's object concurrently would see only one of them survive.
            match field.ty {
                FieldType::Narrative => doc.put_object(&fields, field.name, ObjType::Text)?,
                FieldType::Actions => doc.put_object(&fields, field.name, ObjType::List)?,
                _ => continue,
            };
        }
        for (name, value) in &new.fields {
            let field = field_spec(spec, name)?;
            value
                .check(&field.ty)
                .map_err(|reason| invalid(name, reason))?;
            doc.put(&fields, field.name, value.to_scalar())?;
        }
        commit(&mut doc, edit);
        let meta = validate(&doc)?;
        Ok(Record { doc, meta })
    }

    /// Loads and validates a saved document.
    pub fn load(bytes: &[u8], actor: &[u8]) -> Result<Record, RecordError> {
        let doc = load_document(bytes)?.with_actor(ActorId::from(actor));
        let meta = validate(&doc)?;
        Ok(Record { doc, meta })
    }

    /// Builds a record from its complete change history (as a peer sent it),
    /// validated like [`Record::load`].
    ///
    /// Each item is an encoded change or a whole saved document (the server
    /// sends a record's compacted document when a device first receives
    /// it: fewer bytes, and loading it is cheaper than replaying changes).
    pub fn from_changes(changes: &[Vec<u8>], actor: &[u8]) -> Result<Record, RecordError> {
        let (documents, parsed) = parse_chunks(changes)?;
        let mut documents = documents.into_iter();
        let mut doc = match documents.next() {
            Some(first) => load_document(first)?,
            None => AutoCommit::new_with_encoding(TextEncoding::UnicodeCodePoint),
        }
        .with_actor(ActorId::from(actor));
        for other in documents {
            doc.merge(&mut load_document(other)?)?;
        }
        doc.apply_changes(parsed)?;
        if !doc.get_missing_deps(&[]).is_empty() {
            return Err(RecordError::MissingHistory);
        }
        let meta = validate(&doc)?;
        Ok(Record { doc, meta })
    }

    /// Is this item (of a push or a feed page) a whole saved document
    /// rather than one change? Reads the chunk header only.
    pub fn is_document(item: &[u8]) -> bool {
        item.get(CHUNK_TYPE_AT) == Some(&DOCUMENT_CHUNK)
    }

    /// The record's metadata.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// A scalar field's value, if set.
    pub fn get(&self, name: &str) -> Result<Option<FieldValue>, RecordError> {
        let field = field_spec(self.meta.kind.spec(), name)?;
        let fields = self.fields_obj()?;
        Ok(match self.doc.get(&fields, field.name)? {
            Some((Value::Scalar(s), _)) => FieldValue::from_scalar(&field.ty, &s),
            _ => None,
        })
    }

    /// A narrative field's text.
    pub fn text(&self, name: &str) -> Result<String, RecordError> {
        let obj = self.text_obj(name)?;
        Ok(self.doc.text(&obj)?)
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The whole document, compacted but not deflated: a few times cheaper
    /// to produce than [`Record::save`] (setting up deflate dominated the
    /// server's save under load) for somewhat more bytes. Loads the same.
    pub fn save_uncompressed(&mut self) -> Vec<u8> {
        self.doc.save_nocompress()
    }

    /// Changes made since the last [`Record::save`] or `save_incremental`.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }
}

/// automerge's chunk header: 4 magic bytes, 4 checksum bytes, then the
/// chunk type (0 = a whole document, 1 = a change, 2 = a deflated change).
const CHUNK_TYPE_AT: usize = 8;
const DOCUMENT_CHUNK: u8 = 0;

/// A change's timestamp (ms since the epoch) as a time.
fn change_time_of(millis: i64) -> Result<DateTime<Utc>, RecordError> {
    DateTime::from_timestamp_millis(millis)
        .ok_or_else(|| RecordError::Malformed(format!("change time {millis} out of range")))
}

/// Splits items into whole documents and strictly parsed changes (the
/// changes in the order the items came).
fn parse_chunks(chunks: &[Vec<u8>]) -> Result<(Vec<&[u8]>, Vec<Change>), RecordError> {
    let mut documents = Vec::new();
    let mut changes = Vec::with_capacity(chunks.len());
    for bytes in chunks {
        if Record::is_document(bytes) {
            documents.push(bytes.as_slice());
        } else {
            changes.push(
                Change::from_bytes(bytes.clone())
                    .map_err(|e| RecordError::Malformed(e.to_string()))?,
            );
        }
    }
    Ok((documents, changes))
}

/// Loads a saved document strictly: a partial or corrupt one is an error.
fn load_document(bytes: &[u8]) -> Result<AutoCommit, RecordError> {
    let options = LoadOptions::new()
        .text_encoding(TextEncoding::UnicodeCodePoint)
        .on_partial_load(OnPartialLoad::Error);
    Ok(AutoCommit::load_with_options(bytes, options)?)
}

fn invalid(field: &str, reason: String) -> RecordError {
    RecordError::InvalidValue {
        field: field.to_owned(),
        reason,
    }
}

fn check_narrative_len(field: &str, chars: usize) -> Result<(), RecordError> {
    if chars > value::MAX_NARRATIVE_CHARS {
        return Err(invalid(
            field,
            format!("longer than {} characters", value::MAX_NARRATIVE_CHARS),
        ));
    }
    Ok(())
}

fn field_spec(
    spec: &'static KindSpec,
    name: &str,
) -> Result<&'static schema::FieldSpec, RecordError> {
    spec.field(name).ok_or_else(|| RecordError::UnknownField {
        kind: spec.kind,
        field: name.to_owned(),
    })
}

fn get_str(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok()?? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn get_ts(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<DateTime<Utc>> {
    match doc.get(obj, key).ok()?? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Timestamp(ms) => DateTime::from_timestamp_millis(*ms),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests;
