//! `users`: staff accounts (login name, display name, role, password hash)
//! and whether they are disabled.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, Utc};
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
    // No row comes back when the name is taken.
    tx.returning(
        "INSERT INTO users (username, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username) DO NOTHING
         RETURNING id",
        args![
            user.username,
            user.display_name,
            user.role.as_str(),
            user.password_hash,
            user.created_at.to_rfc3339()
        ],
        |row| row.get(0),
    )
}

/// The id of the active (not disabled) user named `username`.
pub fn active_id(tx: &ReadTx<'_>, username: &str) -> Result<Option<i64>, StoreError> {
    Ok(active_with_name(tx, username)?.map(|(id, _)| id))
}

/// The id of the user named `username`, disabled or not.
pub fn any_id(tx: &ReadTx<'_>, username: &str) -> Result<Option<i64>, StoreError> {
    tx.optional(
        "SELECT id FROM users WHERE username = ?1",
        args![username],
        |r| r.get(0),
    )
}

/// The id and display name of the active user named `username`.
pub fn active_with_name(
    tx: &ReadTx<'_>,
    username: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    tx.optional(
        "SELECT id, display_name FROM users WHERE username = ?1 AND disabled_at IS NULL",
        args![username],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// What checking an active user's password needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user's id.
    pub id: i64,
    /// The argon2id hash (PHC string).
    pub password_hash: String,
    /// The password is temporary: it opens no session until changed.
    pub change_required: bool,
}

/// The credentials of the active user named `username`.
pub fn credentials(tx: &ReadTx<'_>, username: &str) -> Result<Option<Credentials>, StoreError> {
    tx.optional(
        "SELECT id, password_hash, password_change_required FROM users
              WHERE username = ?1 AND disabled_at IS NULL",
        args![username],
        |r| {
            Ok(Credentials {
                id: r.get(0)?,
                password_hash: r.get(1)?,
                change_required: r.get(2)?,
            })
        },
    )
}

/// Sets user `id`'s password hash; `temporary` when an administrator set
/// it and the user must choose a new one. Whether the user exists.
pub fn set_password(
    tx: &WriteTx<'_>,
    id: i64,
    password_hash: &str,
    temporary: bool,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "UPDATE users SET password_hash = ?2, password_change_required = ?3 WHERE id = ?1",
        args![id, password_hash, temporary],
    )? > 0)
}

/// How many accounts exist, disabled ones included.
pub fn count(tx: &ReadTx<'_>) -> Result<u64, StoreError> {
    let count: i64 = tx.value("SELECT count(*) FROM users", args![])?;
    Ok(count.max(0) as u64)
}

/// Active staff who may hold a caseload (every role but auditor), by
/// role then login name. An account whose role this build does not know
/// cannot hold one here and is left out.
pub fn staff(tx: &ReadTx<'_>) -> Result<Vec<StaffRow>, StoreError> {
    let rows = tx.rows(
        "SELECT username, display_name, role FROM users
          WHERE disabled_at IS NULL AND role != 'auditor'
          ORDER BY role, username",
        args![],
        |r| Ok((r.get::<String>(0)?, r.get(1)?, r.get::<String>(2)?)),
    )?;
    let mut staff = Vec::new();
    for (username, display_name, role) in rows {
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
    tx.rows(
        "SELECT username FROM users
          WHERE (username = ?1 OR display_name = ?1) AND role = 'caseworker'
            AND disabled_at IS NULL
          ORDER BY username",
        args![who],
        |r| r.get(0),
    )
}

/// Reads a stored role.
pub(in crate::store) fn parse_role(stored: &str) -> Result<Role, StoreError> {
    stored
        .parse()
        .map_err(|_| StoreError::bad_value("users.role", stored))
}

/// An account as `user list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role, as stored.
    pub role: String,
    /// When it was disabled, if it is.
    pub disabled_at: Option<String>,
    /// Devices not revoked.
    pub active_devices: u64,
    /// The latest contact of any of its devices.
    pub last_contact: Option<String>,
    /// Whether it has a confirmed second factor.
    pub second_factor: bool,
}

/// Every account with its devices' standing, by login name.
pub fn accounts(tx: &ReadTx<'_>) -> Result<Vec<AccountRow>, StoreError> {
    tx.rows(
        "SELECT u.username, u.display_name, u.role, u.disabled_at,
                count(d.id) FILTER (WHERE d.revoked_at IS NULL), max(d.last_seen_at),
                EXISTS (SELECT 1 FROM second_factors f
                         WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL)
           FROM users u LEFT JOIN devices d ON d.user_id = u.id
          GROUP BY u.id ORDER BY u.username",
        args![],
        |r| {
            Ok(AccountRow {
                username: r.get(0)?,
                display_name: r.get(1)?,
                role: r.get(2)?,
                disabled_at: r.get(3)?,
                active_devices: r.get::<i64>(4)?.max(0) as u64,
                last_contact: r.get(5)?,
                second_factor: r.get(6)?,
            })
        },
    )
}

/// Disables (`Some(at)`) or enables (`None`) account `id`; whether it changed.
pub fn set_disabled(
    tx: &WriteTx<'_>,
    id: i64,
    at: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let changed = match at {
        Some(at) => tx.execute(
            "UPDATE users SET disabled_at = ?2 WHERE id = ?1 AND disabled_at IS NULL",
            args![id, at.to_rfc3339()],
        )?,
        None => tx.execute(
            "UPDATE users SET disabled_at = NULL WHERE id = ?1 AND disabled_at IS NOT NULL",
            args![id],
        )?,
    };
    Ok(changed > 0)
}
