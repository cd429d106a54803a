//! Why a record could not be made, read, changed or merged.

use super::Status;
use super::schema::RecordKind;
use thiserror::Error;

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
