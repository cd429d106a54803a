//! Passwords set by an administrator and changed by their owner.
//!
//! `tsunagu user reset-password` (or the administration screen) gives a
//! user a temporary password to hand over in person: it ends their
//! sessions and opens none itself until the user has chosen a new one at
//! their next sign-in. Devices are left as they are: a tablet unlocks
//! offline with the password it was registered under, so a reset neither
//! locks out a tablet with unsent notes nor opens one.

use crate::accounts::{MIN_PASSWORD_CHARS, NewUserError, hash_password};
use crate::staff::StaffError;
use crate::store::audit::{self, Actor};
use crate::store::{Store, StoreError, sessions, users};
use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::json;

/// Letters and digits that cannot be misread for one another (no 0/o,
/// 1/l/i), for a password read off a screen and typed on a tablet.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A temporary password: 16 characters in four groups of four (about 79
/// bits), over the minimum length.
pub fn temporary_password() -> String {
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Why a password could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short, or the same as the current one.
    #[error("the new password needs at least {MIN_PASSWORD_CHARS} characters and must differ")]
    Weak,
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hashed(password: &str) -> Result<String, String> {
    hash_password(password).map_err(|e| match e {
        NewUserError::Hash(why) => why,
        other => other.to_string(),
    })
}

/// Gives `username` a fresh temporary password and ends their sessions;
/// returns the password (shown once, never stored).
pub fn reset(
    store: &Store,
    username: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<String, StaffError> {
    let password = temporary_password();
    let hash = hashed(&password).map_err(StaffError::Hash)?;
    store.write(|tx| {
        let id =
            users::any_id(tx, username)?.ok_or_else(|| StaffError::UnknownUser(username.into()))?;
        users::set_password(tx, id, &hash, true)?;
        let ended = sessions::delete_all_of(tx, id)?;
        audit::append(
            tx,
            actor,
            "password_reset",
            &json!({ "user_id": id, "sessions": ended }),
            now,
        )?;
        Ok::<(), StaffError>(())
    })?;
    Ok(password)
}

/// Sets user `id`'s own new password (its current one was checked) and
/// ends their sessions. `current` is refused as the new one.
pub fn change(
    store: &Store,
    id: i64,
    current: &str,
    new: &str,
    now: DateTime<Utc>,
) -> Result<(), PasswordError> {
    if new.chars().count() < MIN_PASSWORD_CHARS || new == current {
        return Err(PasswordError::Weak);
    }
    let hash = hashed(new).map_err(PasswordError::Hash)?;
    store.write(|tx| {
        users::set_password(tx, id, &hash, false)?;
        sessions::delete_all_of(tx, id)?;
        audit::append(
            tx,
            Actor::User(id),
            "password_changed",
            &json!({ "user_id": id }),
            now,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_long_enough_fresh_and_unambiguous() {
        let a = temporary_password();
        assert_eq!(a.len(), 19);
        assert!(a.chars().count() >= MIN_PASSWORD_CHARS);
        assert_ne!(a, temporary_password());
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
    }
}
