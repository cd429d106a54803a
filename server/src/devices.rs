//! Devices: each tablet (or test client) holds a token that lets it sync as
//! its user. Tokens are 256 random bits; only their SHA-256 is stored.
//! Revoking a device makes its next connection fail.

use crate::audit::{self, Actor};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use rand::RngCore;
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};
use thiserror::Error;
use tsunagu_sync::role::Role;
use tsunagu_sync::session::Caller;

/// Why a device could not be registered or authenticated.
#[derive(Debug, Error)]
pub enum DeviceError {
    /// No such user (or the user is disabled).
    #[error("no active user named {0:?}")]
    UnknownUser(String),
    /// The token matches no device.
    #[error("unknown device token")]
    UnknownToken,
    /// The device was revoked (reported lost, or its user left).
    #[error("this device has been revoked")]
    Revoked,
    /// The stored role is not one this build knows.
    #[error("corrupt role in the database: {0}")]
    BadRole(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for DeviceError {
    fn from(e: rusqlite::Error) -> Self {
        DeviceError::Store(StoreError::Sqlite(e))
    }
}

/// A registered device and its secret token (shown once).
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// The device id (UUIDv7).
    pub id: String,
    /// The token the device presents when it syncs.
    pub token: String,
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Registers a device for `username`; `actor` made the request (the user
/// signing in, or an administrator at the command line).
pub fn add_device(
    store: &Store,
    username: &str,
    label: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<NewDevice, DeviceError> {
    let mut conn = store.conn();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let user_id: i64 = crate::accounts::user_id(&tx, username, true)?
        .ok_or_else(|| DeviceError::UnknownUser(username.to_owned()))?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let id = uuid::Uuid::now_v7().to_string();
    tx.execute(
        "INSERT INTO devices (id, user_id, token_hash, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, user_id, token_hash(&token), label, now.to_rfc3339()],
    )?;
    audit::record(
        &tx,
        actor,
        "device_registered",
        &serde_json::json!({"device": id, "user": user_id}),
        now,
    )?;
    tx.commit()?;
    Ok(NewDevice { id, token })
}

/// Revokes a device; returns whether one was found.
pub fn revoke_device(
    store: &Store,
    device_id: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<bool, DeviceError> {
    let mut conn = store.conn();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![device_id, now.to_rfc3339()],
    )?;
    if changed > 0 {
        audit::record(
            &tx,
            actor,
            "device_revoked",
            &serde_json::json!({"device": device_id}),
            now,
        )?;
    }
    tx.commit()?;
    Ok(changed > 0)
}

/// The caller behind a device token; records the contact time.
pub fn authenticate(store: &Store, token: &str, now: DateTime<Utc>) -> Result<Caller, DeviceError> {
    let conn = store.conn();
    let row: Option<(String, i64, String, Option<String>)> = conn
        .query_row(
            "SELECT d.id, u.id, u.role, d.revoked_at FROM devices d JOIN users u ON u.id = d.user_id
              WHERE d.token_hash = ?1 AND u.disabled_at IS NULL",
            [token_hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (device_id, user_id, role, revoked) = row.ok_or(DeviceError::UnknownToken)?;
    if revoked.is_some() {
        return Err(DeviceError::Revoked);
    }
    let role = role
        .parse::<Role>()
        .map_err(|e| DeviceError::BadRole(e.0))?;
    conn.execute(
        "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
        params![device_id, now.to_rfc3339()],
    )?;
    Ok(Caller {
        user_id: user_id.to_string(),
        role,
        device_id,
    })
}
