//! `second_factors` and `recovery_codes`: each user's TOTP secret (pending
//! until a first code confirms it) with the last time step accepted, and
//! the hashes of their one-time recovery codes.
//!
//! Accepting a code is a conditional update, so two requests racing with
//! the same code cannot both be let in.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, Utc};

/// A user's TOTP secret as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorRow {
    /// The shared secret (20 random bytes).
    pub secret: Vec<u8>,
    /// Whether a first code confirmed it.
    pub confirmed: bool,
    /// The last time step a code was accepted for (0: none yet).
    pub last_step: u64,
}

/// User `user_id`'s secret, if they have one (pending or confirmed).
pub fn get(tx: &ReadTx<'_>, user_id: i64) -> Result<Option<FactorRow>, StoreError> {
    tx.optional(
        "SELECT secret, confirmed_at IS NOT NULL, last_step FROM second_factors
          WHERE user_id = ?1",
        args![user_id],
        |r| {
            Ok(FactorRow {
                secret: r.get(0)?,
                confirmed: r.get(1)?,
                last_step: r.get::<i64>(2)?.max(0) as u64,
            })
        },
    )
}

/// Stores a new pending secret for `user_id`, replacing a pending one;
/// false (and nothing changes) when a confirmed one exists.
pub fn begin(
    tx: &WriteTx<'_>,
    user_id: i64,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "INSERT INTO second_factors (user_id, secret, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
                created_at = excluded.created_at
          WHERE second_factors.confirmed_at IS NULL",
        args![user_id, secret, now.to_rfc3339()],
    )?;
    Ok(changed > 0)
}

/// Confirms `user_id`'s pending secret with the step of its first code and
/// replaces their recovery codes with `recovery_hashes`; false when there
/// is no pending secret.
pub fn confirm(
    tx: &WriteTx<'_>,
    user_id: i64,
    step: u64,
    recovery_hashes: &[Vec<u8>],
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE second_factors SET confirmed_at = ?2, last_step = ?3
          WHERE user_id = ?1 AND confirmed_at IS NULL",
        args![user_id, now.to_rfc3339(), step_param(step)],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    tx.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        args![user_id],
    )?;
    for hash in recovery_hashes {
        tx.execute(
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
            args![user_id, hash],
        )?;
    }
    Ok(true)
}

/// Records that a code for `step` was accepted; false when a code for this
/// step or a later one was accepted already (a replay).
pub fn accept_step(tx: &WriteTx<'_>, user_id: i64, step: u64) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE second_factors SET last_step = ?2
          WHERE user_id = ?1 AND confirmed_at IS NOT NULL AND last_step < ?2",
        args![user_id, step_param(step)],
    )?;
    Ok(changed > 0)
}

/// Uses up the recovery code hashed `hash`; false when it is not one of
/// `user_id`'s unused codes.
pub fn use_recovery_code(
    tx: &WriteTx<'_>,
    user_id: i64,
    hash: &[u8],
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE recovery_codes SET used_at = ?3
          WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        args![user_id, hash, now.to_rfc3339()],
    )?;
    Ok(changed > 0)
}

/// How many of `user_id`'s recovery codes are unused.
pub fn recovery_codes_left(tx: &ReadTx<'_>, user_id: i64) -> Result<u64, StoreError> {
    let left: i64 = tx.value(
        "SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
        args![user_id],
    )?;
    Ok(left.max(0) as u64)
}

/// Removes `user_id`'s secret and recovery codes (an administrator's
/// reset: they enrol again at their next sign-in); whether they had one.
pub fn remove(tx: &WriteTx<'_>, user_id: i64) -> Result<bool, StoreError> {
    tx.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        args![user_id],
    )?;
    let removed = tx.execute(
        "DELETE FROM second_factors WHERE user_id = ?1",
        args![user_id],
    )?;
    Ok(removed > 0)
}

/// A time step as the database's signed integer (a step past `i64::MAX`
/// is billions of years away; it reads as the largest).
fn step_param(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}
