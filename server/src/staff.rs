//! Staff accounts over their life: listing them, and disabling a leaver
//! (every session ended and every device revoked at once, in one
//! transaction with its audit entry; their records and history stay) or
//! enabling them again (devices stay revoked: they sign in afresh).

use crate::store::audit::{self, Actor};
use crate::store::users::AccountRow;
use crate::store::{Store, StoreError, devices, sessions, users};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Why an account change could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// No account has that login name.
    #[error("no user {0}")]
    UnknownUser(String),
    /// The account is already in the state asked for.
    #[error("user {username} is already {state}")]
    Already {
        /// The login name.
        username: String,
        /// "disabled" or "enabled".
        state: &'static str,
    },
    /// Hashing a new password failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What disabling an account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disabled {
    /// Sessions ended.
    pub sessions: usize,
    /// Devices revoked.
    pub devices: usize,
}

/// Every account, by login name.
pub fn list(store: &Store) -> Result<Vec<AccountRow>, StoreError> {
    store.read(users::accounts)
}

/// Disables `username`: ends their sessions and revokes their devices
/// (open connections close at the next check, within about a second).
pub fn disable(
    store: &Store,
    username: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Disabled, StaffError> {
    store.write(|tx| {
        let id =
            users::any_id(tx, username)?.ok_or_else(|| StaffError::UnknownUser(username.into()))?;
        if !users::set_disabled(tx, id, Some(now))? {
            return Err(StaffError::Already {
                username: username.into(),
                state: "disabled",
            });
        }
        let done = Disabled {
            sessions: sessions::delete_all_of(tx, id)?,
            devices: devices::revoke_all_of(tx, id, now)?,
        };
        audit::append(
            tx,
            actor,
            "user_disabled",
            &json!({ "user_id": id, "sessions": done.sessions, "devices": done.devices }),
            now,
        )?;
        Ok(done)
    })
}

/// Enables `username` again; their devices stay revoked.
pub fn enable(
    store: &Store,
    username: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(), StaffError> {
    store.write(|tx| {
        let id =
            users::any_id(tx, username)?.ok_or_else(|| StaffError::UnknownUser(username.into()))?;
        if !users::set_disabled(tx, id, None)? {
            return Err(StaffError::Already {
                username: username.into(),
                state: "enabled",
            });
        }
        audit::append(tx, actor, "user_enabled", &json!({ "user_id": id }), now)?;
        Ok(())
    })
}
