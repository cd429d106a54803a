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
pub mod give_back;
pub mod history;
pub mod limits;
pub mod schema;
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
use schema::{FieldType, KindSpec, RecordKind};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;
use validate::validate;
pub use value::FieldValue;

/// The document layout version written into `meta.schema`.
pub const SCHEMA_VERSION: i64 = 1;

/// A record's life cycle: drafts are editable; finalised records change
/// only through an amendment with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 下書き: still being written.
    Draft,
    /// 確定: signed off; read-only.
    Finalised,
    /// 修正済: finalised, then changed with a recorded reason; read-only.
    Amended,
}

impl Status {
    /// The stable name stored in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Finalised => "finalised",
            Status::Amended => "amended",
        }
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Status::Draft, Status::Finalised, Status::Amended]
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| s.to_owned())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a record could not be made, read, changed or merged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecordError {
    /// The bytes are not an automerge document or change set.
    #[error("not a valid automerge document: {0}")]
    Malformed(String),
    /// A `meta` entry is missing or has the wrong type.
    #[error("record metadata {field:?} is missing or not {expected}")]
    BadMeta {
        /// The entry.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// `meta.kind` names no known kind.
    #[error("unknown record kind {0:?}")]
    UnknownKind(String),
    /// A required field is absent.
    #[error("{kind} record lacks required field {field:?}")]
    MissingField {
        /// The record kind.
        kind: RecordKind,
        /// The field.
        field: &'static str,
    },
    /// A field the kind does not have.
    #[error("{kind} records have no field {field:?}")]
    UnknownField {
        /// The record kind.
        kind: RecordKind,
        /// The field name given.
        field: String,
    },
    /// A field holds a value of the wrong type or out of range.
    #[error("field {field:?} is invalid: {reason}")]
    InvalidValue {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A text edit outside the field's current text.
    #[error(
        "text edit at {pos} (deleting {delete}) is outside field {field:?} of {len} characters"
    )]
    OutOfRange {
        /// The field.
        field: String,
        /// Edit position, in characters.
        pos: usize,
        /// Characters to delete.
        delete: usize,
        /// Current length, in characters.
        len: usize,
    },
    /// The record is finalised; change it through [`Record::amend`].
    #[error("the record is {0}; change it through an amendment with a reason")]
    Locked(Status),
    /// Changes that would make it a different record (id, kind or person).
    #[error("the changes would alter the record's {0}, which never changes")]
    IdentityChanged(&'static str),
    /// An amendment without a reason.
    #[error("an amendment needs a reason")]
    NoReason,
    /// A change from another record's history.
    #[error("the changes depend on history this record does not have")]
    MissingHistory,
    /// An entry the document layout does not have (at the top level, in
    /// `meta` or in an amendment).
    #[error("records have no entry {0:?}")]
    UnknownKey(String),
}

impl From<automerge::AutomergeError> for RecordError {
    fn from(e: automerge::AutomergeError) -> Self {
        RecordError::Malformed(e.to_string())
    }
}

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

    /// Sets a scalar field (draft only).
    pub fn set(&mut self, name: &str, value: FieldValue, edit: &Edit) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| record.put_field(name, &value, edit))
    }

    /// Clears a scalar field (draft only); required fields cannot be cleared.
    pub fn clear(&mut self, name: &str, edit: &Edit) -> Result<(), RecordError> {
        self.ensure_editable()?;
        let field = field_spec(self.meta.kind.spec(), name)?;
        if field.required {
            return Err(RecordError::MissingField {
                kind: self.meta.kind,
                field: field.name,
            });
        }
        self.change(edit, |record| {
            let fields = record.fields_obj()?;
            record.doc.delete(&fields, field.name)?;
            record.touch(edit)
        })
    }

    /// Deletes `delete` characters at `pos` of a narrative field and inserts
    /// `insert` there (draft only). Positions count Unicode characters.
    pub fn splice_text(
        &mut self,
        name: &str,
        pos: usize,
        delete: usize,
        insert: &str,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| {
            record.splice(name, pos, delete, insert, edit)
        })
    }

    /// Replaces a narrative field's text with `new_text` as a minimal diff,
    /// for forms that only know the final text (draft only).
    pub fn replace_text(
        &mut self,
        name: &str,
        new_text: &str,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        self.ensure_editable()?;
        check_narrative_len(name, new_text.chars().count())?;
        self.change(edit, |record| {
            let obj = record.text_obj(name)?;
            record.doc.update_text(&obj, new_text)?;
            record.touch(edit)
        })
    }

    /// Signs the draft off: from now on it changes only by amendment.
    pub fn finalise(&mut self, edit: &Edit) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| record.set_status(Status::Finalised, edit))
    }

    /// Changes a finalised record: `changes` are applied together with an
    /// amendment entry (time, user, reason) in one change, or not at all.
    pub fn amend(
        &mut self,
        reason: &str,
        edit: &Edit,
        changes: &[Amendment<'_>],
    ) -> Result<(), RecordError> {
        if self.meta.status == Status::Draft {
            return Err(RecordError::InvalidValue {
                field: "status".into(),
                reason: "drafts are edited directly".into(),
            });
        }
        if reason.trim().is_empty() {
            return Err(RecordError::NoReason);
        }
        self.change(edit, |record| record.apply_amendment(reason, edit, changes))?;
        self.meta = validate(&self.doc)?;
        Ok(())
    }

    fn apply_amendment(
        &mut self,
        reason: &str,
        edit: &Edit,
        changes: &[Amendment<'_>],
    ) -> Result<(), RecordError> {
        for change in changes {
            match change {
                Amendment::Set(name, value) => self.put_field(name, value, edit)?,
                Amendment::ReplaceText(name, text) => {
                    check_narrative_len(name, text.chars().count())?;
                    let obj = self.text_obj(name)?;
                    self.doc.update_text(&obj, text)?;
                }
                Amendment::Actions(name, items) => self.put_actions(name, items, edit)?,
            }
        }
        let list = match self.doc.get(ROOT, "amendments")? {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => {
                return Err(RecordError::BadMeta {
                    field: "amendments",
                    expected: "a list",
                });
            }
        };
        let entry = self
            .doc
            .insert_object(&list, self.doc.length(&list), ObjType::Map)?;
        self.doc.put(&entry, "at", ts(edit.at))?;
        self.doc.put(&entry, "by", edit.by.as_str())?;
        self.doc.put(&entry, "reason", reason.trim())?;
        self.set_status(Status::Amended, edit)
    }

    /// The amendments so far: (time, user, reason), oldest first.
    pub fn amendments(&self) -> Result<Vec<(DateTime<Utc>, String, String)>, RecordError> {
        let Some((Value::Object(ObjType::List), list)) = self.doc.get(ROOT, "amendments")? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for i in 0..self.doc.length(&list) {
            if let Some((Value::Object(ObjType::Map), entry)) = self.doc.get(&list, i)? {
                let at = get_ts(&self.doc, &entry, "at").unwrap_or_default();
                let by = get_str(&self.doc, &entry, "by").unwrap_or_default();
                let reason = get_str(&self.doc, &entry, "reason").unwrap_or_default();
                out.push((at, by, reason));
            }
        }
        Ok(out)
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

    /// The current heads (hashes of the latest changes).
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// This record as it was at `heads`, editing as `actor`: a form opened
    /// at `heads` applies its edits here, and [`Record::merge_from`] brings
    /// them back, so changes merged in meanwhile (from sync) are kept
    /// rather than overwritten.
    pub fn fork_at(&mut self, heads: &[ChangeHash], actor: &[u8]) -> Result<Record, RecordError> {
        let doc = self.doc.fork_at(heads)?.with_actor(ActorId::from(actor));
        let meta = validate(&doc)?;
        Ok(Record { doc, meta })
    }

    /// Merges another copy of this record in (all or nothing: an invalid
    /// result leaves this record unchanged).
    pub fn merge_from(&mut self, other: &mut Record) -> Result<(), RecordError> {
        if other.meta.id != self.meta.id {
            return Err(RecordError::InvalidValue {
                field: "id".into(),
                reason: format!("cannot merge {} into {}", other.meta.id, self.meta.id),
            });
        }
        let mut merged = self.doc.fork();
        merged.merge(&mut other.doc)?;
        let meta = validate(&merged)?;
        self.doc.merge(&mut other.doc)?;
        self.meta = meta;
        Ok(())
    }

    /// The editor's clock time an encoded change was made at (`None` for
    /// bytes that are not a change).
    pub fn change_time(change: &[u8]) -> Option<DateTime<Utc>> {
        let change = Change::try_from(change).ok()?;
        DateTime::from_timestamp_millis(change.timestamp())
    }

    /// Does this copy hold every one of these changes (and so their history)?
    pub fn contains_all(&mut self, hashes: &[ChangeHash]) -> bool {
        hashes
            .iter()
            .all(|hash| self.doc.get_change_by_hash(hash).is_some())
    }

    /// Every change after `heads`, each encoded on its own (empty when
    /// there is none).
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<Vec<u8>> {
        self.doc
            .get_changes(heads)
            .into_iter()
            .map(|mut change| change.bytes().into_owned())
            .collect()
    }

    /// Who made each change after `heads` and when (the editors' clocks),
    /// read from the change metadata without encoding the changes. A time
    /// out of range is an error, never skipped.
    pub fn change_stamps_since(
        &mut self,
        heads: &[ChangeHash],
    ) -> Result<Vec<history::Stamp>, RecordError> {
        self.doc
            .get_changes_meta(heads)
            .iter()
            .map(|meta| {
                Ok(history::Stamp::new(
                    change_time_of(meta.timestamp)?,
                    meta.message.as_deref(),
                ))
            })
            .collect()
    }

    /// [`Record::apply_changes`], returning what this copy did not have:
    /// the new changes as they were sent (no re-encoding) and when each
    /// was made. The server appends exactly these to its change feed.
    pub fn apply_new_changes(&mut self, items: &[Vec<u8>]) -> Result<NewHistory, RecordError> {
        let (documents, parsed) = parse_chunks(items)?;
        let before = self.heads();
        let mut seen = std::collections::HashSet::new();
        let mut new = NewHistory::default();
        for (change, bytes) in parsed
            .iter()
            .zip(items.iter().filter(|b| !Record::is_document(b)))
        {
            let hash = change.hash();
            if seen.insert(hash) && self.doc.get_change_meta_by_hash(&hash).is_none() {
                new.changes.push(bytes.clone());
                new.stamps.push(history::Stamp::new(
                    change_time_of(change.timestamp())?,
                    change.message(),
                ));
            }
        }
        let had_documents = !documents.is_empty();
        self.apply_parsed(documents, parsed)?;
        if had_documents {
            // A document may bring changes beyond the loose ones: ask the
            // merged history (rare: devices push changes, not documents).
            new.changes = self.changes_since(&before);
            new.stamps = self.change_stamps_since(&before)?;
        }
        Ok(new)
    }

    /// Applies changes from another copy of this record. Each must parse
    /// strictly; they are applied to a fork and validated first: on any
    /// error nothing changes. Changes already here are ignored.
    /// Items may also be whole saved documents, as in [`Record::from_changes`].
    pub fn apply_changes(&mut self, changes: &[Vec<u8>]) -> Result<(), RecordError> {
        let (documents, parsed) = parse_chunks(changes)?;
        self.apply_parsed(documents, parsed)
    }

    fn apply_parsed(
        &mut self,
        documents: Vec<&[u8]>,
        parsed: Vec<Change>,
    ) -> Result<(), RecordError> {
        let mut fork = self.doc.fork();
        for other in documents {
            fork.merge(&mut load_document(other)?)?;
        }
        fork.apply_changes(parsed)?;
        if !fork.get_missing_deps(&[]).is_empty() {
            return Err(RecordError::MissingHistory);
        }
        let meta = validate(&fork)?;
        for (what, same) in [
            ("id", meta.id == self.meta.id),
            ("kind", meta.kind == self.meta.kind),
            ("person", meta.person_id == self.meta.person_id),
            ("author", meta.author == self.meta.author),
            ("device", meta.device == self.meta.device),
            ("creation time", meta.created_at == self.meta.created_at),
        ] {
            if !same {
                return Err(RecordError::IdentityChanged(what));
            }
        }
        let actor = self.doc.get_actor().clone();
        self.doc = fork.with_actor(actor);
        self.meta = meta;
        Ok(())
    }

    /// Runs `work` as one change: committed with `edit`'s time and user if
    /// it succeeds, rolled back entirely (document and metadata) if not.
    fn change(
        &mut self,
        edit: &Edit,
        work: impl FnOnce(&mut Self) -> Result<(), RecordError>,
    ) -> Result<(), RecordError> {
        match work(self) {
            Ok(()) => {
                commit(&mut self.doc, edit);
                Ok(())
            }
            Err(error) => {
                self.doc.rollback();
                self.meta = validate(&self.doc)?;
                Err(error)
            }
        }
    }

    fn ensure_editable(&self) -> Result<(), RecordError> {
        match self.meta.status {
            Status::Draft => Ok(()),
            locked => Err(RecordError::Locked(locked)),
        }
    }

    fn fields_obj(&self) -> Result<ObjId, RecordError> {
        match self.doc.get(ROOT, "fields")? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(RecordError::BadMeta {
                field: "fields",
                expected: "a map",
            }),
        }
    }

    fn text_obj(&self, name: &str) -> Result<ObjId, RecordError> {
        let field = field_spec(self.meta.kind.spec(), name)?;
        if field.ty != FieldType::Narrative {
            return Err(invalid(
                name,
                format!("is a {}, not narrative text", field.ty.describe()),
            ));
        }
        match self.doc.get(self.fields_obj()?, field.name)? {
            Some((Value::Object(ObjType::Text), id)) => Ok(id),
            _ => Err(invalid(name, "is not a text object".into())),
        }
    }

    fn put_field(
        &mut self,
        name: &str,
        value: &FieldValue,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        let field = field_spec(self.meta.kind.spec(), name)?;
        value
            .check(&field.ty)
            .map_err(|reason| invalid(name, reason))?;
        let fields = self.fields_obj()?;
        self.doc.put(&fields, field.name, value.to_scalar())?;
        self.touch(edit)
    }

    fn splice(
        &mut self,
        name: &str,
        pos: usize,
        delete: usize,
        insert: &str,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        let obj = self.text_obj(name)?;
        let len = self.doc.length(&obj);
        if pos > len || delete > len - pos {
            return Err(RecordError::OutOfRange {
                field: name.into(),
                pos,
                delete,
                len,
            });
        }
        check_narrative_len(name, len - delete + insert.chars().count())?;
        self.doc.splice_text(&obj, pos, delete as isize, insert)?;
        self.touch(edit)
    }

    fn touch(&mut self, edit: &Edit) -> Result<(), RecordError> {
        let meta = self.meta_obj()?;
        self.doc.put(&meta, "updated_at", ts(edit.at))?;
        self.meta.updated_at = edit.at;
        Ok(())
    }

    fn set_status(&mut self, status: Status, edit: &Edit) -> Result<(), RecordError> {
        let meta = self.meta_obj()?;
        self.doc.put(&meta, "status", status.as_str())?;
        self.meta.status = status;
        self.touch(edit)
    }

    fn meta_obj(&self) -> Result<ObjId, RecordError> {
        match self.doc.get(ROOT, "meta")? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(RecordError::BadMeta {
                field: "meta",
                expected: "a map",
            }),
        }
    }
}

/// One change inside an [`Record::amend`].
#[derive(Debug, Clone)]
pub enum Amendment<'a> {
    /// Set a scalar field.
    Set(&'a str, FieldValue),
    /// Replace a narrative field's text.
    ReplaceText(&'a str, &'a str),
    /// Make an action-item field hold these items.
    Actions(&'a str, &'a [actions::ActionItem]),
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
