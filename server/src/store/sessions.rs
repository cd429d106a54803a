//! `sessions`: browser sign-in sessions, stored as the SHA-256 of their
//! token with an expiry.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx, users};
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::role::Role;

/// The user behind a live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    /// User id.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Persons on their caseload on the day asked about.
    pub caseload_size: u32,
}

/// Opens a session for `user_id` until `expires_at`.
pub fn insert(
    tx: &WriteTx<'_>,
    token_hash: &[u8],
    user_id: i64,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        args![
            token_hash,
            user_id,
            created_at.to_rfc3339(),
            expires_at.to_rfc3339()
        ],
    )?;
    Ok(())
}

/// The active user whose session has this token hash and has not expired
/// at `now`, with their caseload size on `today`.
pub fn user(
    tx: &ReadTx<'_>,
    token_hash: &[u8],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<SessionUser>, StoreError> {
    let row: Option<(i64, String, String, String, u32)> = tx.optional(
        concat!(
            "SELECT u.id, u.username, u.display_name, u.role,
                    (SELECT count(DISTINCT a.person_id) FROM assignments a
                      WHERE a.user_id = u.id AND ",
            active_on!("a", "?2"),
            ")
               FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.token_hash = ?1 AND s.expires_at > ?3 AND u.disabled_at IS NULL"
        ),
        args![token_hash, today.to_string(), now.to_rfc3339()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    row.map(|(user_id, username, display_name, role, caseload_size)| {
        Ok(SessionUser {
            user_id,
            username,
            display_name,
            role: users::parse_role(&role)?,
            caseload_size,
        })
    })
    .transpose()
}

/// Ends every session of user `user_id`; how many.
pub fn delete_all_of(tx: &WriteTx<'_>, user_id: i64) -> Result<usize, StoreError> {
    let deleted = tx.execute("DELETE FROM sessions WHERE user_id = ?1", args![user_id])?;
    Ok(deleted)
}

/// Ends the session with this token hash; whose it was (`None`: no such
/// session).
pub fn delete(tx: &WriteTx<'_>, token_hash: &[u8]) -> Result<Option<i64>, StoreError> {
    tx.returning(
        "DELETE FROM sessions WHERE token_hash = ?1 RETURNING user_id",
        args![token_hash],
        |r| r.get(0),
    )
}

/// How many sessions of `user_id` are stored (expired ones included).
pub fn count_of(tx: &ReadTx<'_>, user_id: i64) -> Result<u64, StoreError> {
    let count: i64 = tx.value(
        "SELECT count(*) FROM sessions WHERE user_id = ?1",
        args![user_id],
    )?;
    Ok(count.max(0) as u64)
}
