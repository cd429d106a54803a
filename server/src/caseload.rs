//! Persons and caseload assignments (who may see whom, and from when).

use crate::store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

/// Why a caseload change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseloadError {
    /// The display name is empty.
    #[error("the display name must not be empty")]
    EmptyName,
    /// No such user.
    #[error("no active user named {0:?}")]
    UnknownUser(String),
    /// No such person.
    #[error("no person with id {0:?}")]
    UnknownPerson(String),
    /// The end is not after the start.
    #[error("the assignment must end after it starts ({from} .. {until})")]
    BadPeriod {
        /// Start.
        from: NaiveDate,
        /// End.
        until: NaiveDate,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CaseloadError {
    fn from(e: rusqlite::Error) -> Self {
        CaseloadError::Store(StoreError::Sqlite(e))
    }
}

/// Registers a person; returns the new id (UUIDv7).
pub fn add_person(
    store: &Store,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<String, CaseloadError> {
    let name = display_name.trim();
    if name.is_empty() {
        return Err(CaseloadError::EmptyName);
    }
    let id = uuid::Uuid::now_v7().to_string();
    store.conn().execute(
        "INSERT INTO persons (id, display_name, created_at) VALUES (?1, ?2, ?3)",
        params![id, name, now.to_rfc3339()],
    )?;
    Ok(id)
}

/// Puts `person_id` on `username`'s caseload from `from` until `until` (exclusive).
pub fn assign(
    store: &Store,
    username: &str,
    person_id: &str,
    from: NaiveDate,
    until: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(), CaseloadError> {
    if let Some(until) = until.filter(|until| *until <= from) {
        return Err(CaseloadError::BadPeriod { from, until });
    }
    let conn = store.conn();
    let user: i64 = crate::accounts::user_id(&conn, username, true)?
        .ok_or_else(|| CaseloadError::UnknownUser(username.to_owned()))?;
    let known: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM persons WHERE id = ?1)",
        [person_id],
        |r| r.get(0),
    )?;
    if !known {
        return Err(CaseloadError::UnknownPerson(person_id.to_owned()));
    }
    conn.execute(
        "INSERT INTO assignments (user_id, person_id, starts_on, ends_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user, person_id, from.to_string(), until.map(|d| d.to_string()), now.to_rfc3339()],
    )?;
    Ok(())
}

/// Ends `username`'s active assignments to `person_id` on `on` (the first
/// day they no longer hold the person); returns how many ended. Their
/// devices purge the person's records at their next sync.
pub fn end_assignment(
    store: &Store,
    username: &str,
    person_id: &str,
    on: NaiveDate,
) -> Result<usize, CaseloadError> {
    let conn = store.conn();
    let user: i64 = crate::accounts::user_id(&conn, username, false)?
        .ok_or_else(|| CaseloadError::UnknownUser(username.to_owned()))?;
    let on = on.to_string();
    // An assignment that would only start on or after `on` is dropped
    // entirely; one that started earlier ends on `on`.
    let dropped = conn.execute(
        "DELETE FROM assignments WHERE user_id = ?1 AND person_id = ?2 AND starts_on >= ?3",
        params![user, person_id, on],
    )?;
    let ended = conn.execute(
        "UPDATE assignments SET ends_on = ?3
          WHERE user_id = ?1 AND person_id = ?2 AND (ends_on IS NULL OR ends_on > ?3)",
        params![user, person_id, on],
    )?;
    Ok(dropped + ended)
}
