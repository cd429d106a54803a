//! `persons`: the people the programme supports, by id, with the name
//! staff know them by and their public-assistance recipient number.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, Utc};

/// A person's row.
#[derive(Debug, Clone)]
pub struct PersonRow<'a> {
    /// The person id (UUIDv7).
    pub id: &'a str,
    /// The name staff know them by.
    pub display_name: &'a str,
    /// Their recipient number (unique), when a listing brought them in.
    pub recipient_number: Option<&'a str>,
    /// When the row was made.
    pub created_at: DateTime<Utc>,
}

/// A person and whether their profile and card documents exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentsOf {
    /// The person id.
    pub id: String,
    /// Their display name.
    pub display_name: String,
    /// Their profile record (record id = person id) exists.
    pub has_profile: bool,
    /// A `person_card` record of theirs exists.
    pub has_card: bool,
}

/// Inserts a person; fails on a duplicate id or recipient number.
pub fn insert(tx: &WriteTx<'_>, person: &PersonRow<'_>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO persons (id, display_name, created_at, recipient_number)
         VALUES (?1, ?2, ?3, ?4)",
        args![
            person.id,
            person.display_name,
            person.created_at.to_rfc3339(),
            person.recipient_number
        ],
    )?;
    Ok(())
}

/// Whether a person with this id exists.
pub fn exists(tx: &ReadTx<'_>, id: &str) -> Result<bool, StoreError> {
    tx.value(
        "SELECT EXISTS(SELECT 1 FROM persons WHERE id = ?1)",
        args![id],
    )
}

/// The person with this recipient number, if any.
pub fn by_recipient_number(tx: &ReadTx<'_>, number: &str) -> Result<Option<String>, StoreError> {
    tx.optional(
        "SELECT id FROM persons WHERE recipient_number = ?1",
        args![number],
        |r| r.get(0),
    )
}

/// Every person's id and display name, by id.
pub fn all(tx: &ReadTx<'_>) -> Result<Vec<(String, String)>, StoreError> {
    tx.rows(
        "SELECT id, display_name FROM persons ORDER BY id",
        args![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Makes the servers on one database take turns, from here to the commit,
/// at making missing profile documents (a server starting beside another
/// would otherwise make a second, different document for the same
/// person). Nothing on SQLite, whose one writer already takes turns.
pub fn hold_documents(tx: &WriteTx<'_>) -> Result<(), StoreError> {
    super::postgres::hold(tx, super::postgres::PERSON_DOCUMENTS_LOCK)
}

/// Every person with whether their profile and card documents exist.
pub fn documents(tx: &ReadTx<'_>) -> Result<Vec<DocumentsOf>, StoreError> {
    tx.rows(
        "SELECT p.id, p.display_name,
                EXISTS (SELECT 1 FROM records r WHERE r.id = p.id),
                EXISTS (SELECT 1 FROM records r WHERE r.person_id = p.id AND r.kind = 'person_card')
           FROM persons p ORDER BY p.id",
        args![],
        |r| {
            Ok(DocumentsOf {
                id: r.get(0)?,
                display_name: r.get(1)?,
                has_profile: r.get(2)?,
                has_card: r.get(3)?,
            })
        },
    )
}
