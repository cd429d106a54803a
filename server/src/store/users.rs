//! `users`: staff accounts (login name, display name, role, password hash)
//! and whether they are disabled.

use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use tsunagu_sync::role::Role;

/// A new account's row.
#[derive(Debug, Clone)]
pub struct NewUserRow<'a> {
    /// Login name.
    pub username: &'a str,
    /// The name shown in the UI.
    pub display_name: &'a str,
    /// Programme role.
    pub role: Role,
    /// The argon2id PHC string.
    pub password_hash: &'a str,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// An active staff member, as the coordinator's screens list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
}

/// Inserts an account; its id, or `None` if the login name is taken.
pub fn insert(tx: &WriteTx<'_>, user: &NewUserRow<'_>) -> Result<Option<i64>, StoreError> {
    let inserted = tx
        .sql()
        .prepare_cached(
            "INSERT INTO users (username, display_name, role, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username) DO NOTHING",
        )?
        .execute(params![
            user.username,
            user.display_name,
            user.role.as_str(),
            user.password_hash,
            user.created_at.to_rfc3339()
        ])?;
    Ok((inserted > 0).then(|| tx.sql().last_insert_rowid()))
}

/// The id of the active (not disabled) user named `username`.
pub fn active_id(tx: &ReadTx<'_>, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(active_with_name(tx, username)?.map(|(id, _)| id))
}

/// The id of the user named `username`, disabled or not.
pub fn any_id(tx: &ReadTx<'_>, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .sql()
        .prepare_cached("SELECT id FROM users WHERE username = ?1")?
        .query_row([username], |r| r.get(0))
        .optional()?)
}

/// The id and display name of the active user named `username`.
pub fn active_with_name(
    tx: &ReadTx<'_>,
    username: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT id, display_name FROM users WHERE username = ?1 AND disabled_at IS NULL",
        )?
        .query_row([username], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The id and password hash of the active user named `username`.
pub fn credentials(tx: &ReadTx<'_>, username: &str) -> Result<Option<(i64, String)>, StoreError> {
    Ok(tx
        .sql()
        .prepare_cached(
            "SELECT id, password_hash FROM users WHERE username = ?1 AND disabled_at IS NULL",
        )?
        .query_row([username], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// How many accounts exist, disabled ones included.
pub fn count(tx: &ReadTx<'_>) -> Result<u64, StoreError> {
    let count: i64 = tx
        .sql()
        .prepare_cached("SELECT count(*) FROM users")?
        .query_row([], |r| r.get(0))?;
    Ok(count.max(0) as u64)
}

/// Active staff who may hold a caseload (every role but auditor), by
/// role then login name. An account whose role this build does not know
/// cannot hold one here and is left out.
pub fn staff(tx: &ReadTx<'_>) -> Result<Vec<StaffRow>, StoreError> {
    let mut statement = tx.sql().prepare_cached(
        "SELECT username, display_name, role FROM users
          WHERE disabled_at IS NULL AND role != 'auditor'
          ORDER BY role, username",
    )?;
    let rows = statement.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?))
    })?;
    let mut staff = Vec::new();
    for row in rows {
        let (username, display_name, role) = row?;
        if let Ok(role) = role.parse() {
            staff.push(StaffRow {
                username,
                display_name,
                role,
            });
        }
    }
    Ok(staff)
}

/// The login names of the active caseworkers whose login or display
/// name is `who`.
pub fn caseworkers_named(tx: &ReadTx<'_>, who: &str) -> Result<Vec<String>, StoreError> {
    let mut statement = tx.sql().prepare_cached(
        "SELECT username FROM users
          WHERE (username = ?1 OR display_name = ?1) AND role = 'caseworker'
            AND disabled_at IS NULL
          ORDER BY username",
    )?;
    let rows = statement.query_map([who], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Reads a stored role.
pub(in crate::store) fn parse_role(stored: &str) -> Result<Role, StoreError> {
    stored
        .parse()
        .map_err(|_| StoreError::bad_value("users.role", stored))
}
