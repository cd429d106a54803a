//! Devices: each tablet (or test client) holds a token that lets it sync as
//! its user. Revoking a device makes its next connection fail.

use crate::secrets::{new_token, token_hash};
use crate::store::audit::{self, Actor};
use crate::store::devices::{self as device_rows, NewDeviceRow};
use crate::store::{Store, StoreError, users};
use chrono::{DateTime, Utc};
use thiserror::Error;
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
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A registered device and its secret token (shown once).
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// The device id (UUIDv7).
    pub id: String,
    /// The token the device presents when it syncs.
    pub token: String,
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
    store.write(|tx| {
        let user_id = users::active_id(tx, username)?
            .ok_or_else(|| DeviceError::UnknownUser(username.to_owned()))?;
        let token = new_token();
        let id = uuid::Uuid::now_v7().to_string();
        device_rows::insert(
            tx,
            &NewDeviceRow {
                id: &id,
                user_id,
                token_hash: &token_hash(&token),
                label,
                created_at: now,
            },
        )?;
        audit::append(
            tx,
            actor,
            "device_registered",
            &serde_json::json!({"device": id, "user": user_id}),
            now,
        )?;
        Ok(NewDevice { id, token })
    })
}

/// Revokes a device; returns whether one was found.
pub fn revoke_device(
    store: &Store,
    device_id: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<bool, DeviceError> {
    store.write(|tx| {
        let revoked = device_rows::revoke(tx, device_id, now)?;
        if revoked {
            audit::append(
                tx,
                actor,
                "device_revoked",
                &serde_json::json!({"device": device_id}),
                now,
            )?;
        }
        Ok(revoked)
    })
}

/// The caller behind a device token; records the contact time.
pub fn authenticate(store: &Store, token: &str, now: DateTime<Utc>) -> Result<Caller, DeviceError> {
    store.write(|tx| {
        let holder =
            device_rows::by_token(tx, &token_hash(token))?.ok_or(DeviceError::UnknownToken)?;
        if holder.revoked {
            return Err(DeviceError::Revoked);
        }
        device_rows::touch(tx, &holder.device_id, now)?;
        Ok(Caller {
            user_id: holder.user_id.to_string(),
            display_name: holder.display_name,
            role: holder.role,
            device_id: holder.device_id,
        })
    })
}

/// Every device (of `username` only, if given) with its standing and what
/// the server last acknowledged from it (`tsunagu device list`).
pub fn inventory(
    store: &Store,
    username: Option<&str>,
) -> Result<Vec<device_rows::DeviceRow>, StoreError> {
    store.read(|tx| device_rows::inventory(tx, username))
}
