//! Devices: each tablet (or test client) holds a token that lets it sync as
//! its user. Revoking a device makes its next connection fail; reporting
//! it lost also tells it to wipe itself, which it confirms. A token not
//! used for longer than the idle limit expires (the device is revoked),
//! and signing out on the device ends its token.

use crate::secrets::{new_token, token_hash};
use crate::store::audit::{self, Actor};
use crate::store::devices::{self as device_rows, NewDeviceRow};
use crate::store::{Store, StoreError, WriteTx, users};
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
    /// The device was revoked (replaced, signed out, or its user left).
    #[error("this device has been revoked")]
    Revoked,
    /// The device was reported lost: it must wipe itself and confirm.
    #[error("this device was reported lost and must wipe itself")]
    WipeOrdered,
    /// The device had not been in contact for longer than the idle limit;
    /// it is revoked now.
    #[error("this device's token expired after {days} days without contact")]
    Expired {
        /// The idle limit, in days.
        days: i64,
    },
    /// A wipe was confirmed by a device that was never told to wipe.
    #[error("this device was not asked to wipe itself")]
    NoWipeOrdered,
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
    /// The secret it keeps in plain storage to report a wipe after too
    /// many wrong passwords ([`self_wiped`]).
    pub wipe_report: String,
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
        let wipe_report = new_token();
        let id = uuid::Uuid::now_v7().to_string();
        device_rows::insert(
            tx,
            &NewDeviceRow {
                id: &id,
                user_id,
                token_hash: &token_hash(&token),
                wipe_report_hash: &token_hash(&wipe_report),
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
        Ok(NewDevice {
            id,
            token,
            wipe_report,
        })
    })
}

/// Writes the audit entry of `action` on `device_id` (ids only).
fn audit_device(
    tx: &crate::store::WriteTx<'_>,
    actor: Actor,
    action: &str,
    device_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        actor,
        action,
        &serde_json::json!({"device": device_id}),
        now,
    )
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
            audit_device(tx, actor, "device_revoked", device_id, now)?;
        }
        Ok(revoked)
    })
}

/// How long a device token lives without contact (`--device-idle-days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenPolicy {
    /// Days without contact after which a token expires.
    pub idle_days: i64,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        TokenPolicy { idle_days: 90 }
    }
}

/// The caller behind a device token; records the contact time. A token
/// idle for longer than `policy` allows is refused and its device revoked.
/// Using the token a rotation issued ends the one it replaced.
pub fn authenticate(
    store: &Store,
    token: &str,
    policy: TokenPolicy,
    now: DateTime<Utc>,
) -> Result<Caller, DeviceError> {
    // The outer result is the transaction's; the inner one is the answer,
    // so an expiry's revocation commits although the caller is refused.
    store.write(|tx| -> Result<Result<Caller, DeviceError>, StoreError> {
        let Some(holder) = device_rows::by_token(tx, &token_hash(token))? else {
            return Ok(Err(DeviceError::UnknownToken));
        };
        Ok(match admit(tx, holder, policy, now)? {
            Ok((caller, via_previous)) => {
                if !via_previous {
                    device_rows::settle_token(tx, &caller.device_id)?;
                }
                Ok(caller)
            }
            Err(refusal) => Err(refusal),
        })
    })?
}

/// Whether `holder` may sync now (recording its contact), and whether it
/// presented the token a rotation replaced; a refusal otherwise (an idle
/// token's revocation written).
pub(crate) fn admit(
    tx: &WriteTx<'_>,
    holder: device_rows::TokenHolder,
    policy: TokenPolicy,
    now: DateTime<Utc>,
) -> Result<Result<(Caller, bool), DeviceError>, StoreError> {
    if holder.wipe_ordered {
        device_rows::touch(tx, &holder.device_id, now)?;
        return Ok(Err(DeviceError::WipeOrdered));
    }
    if holder.revoked || holder.user_disabled {
        return Ok(Err(DeviceError::Revoked));
    }
    if now - holder.last_contact > chrono::Duration::days(policy.idle_days) {
        device_rows::revoke(tx, &holder.device_id, now)?;
        audit::append(
            tx,
            Actor::Nobody,
            "device_expired",
            &serde_json::json!({"device": holder.device_id, "idle_days": policy.idle_days}),
            now,
        )?;
        return Ok(Err(DeviceError::Expired {
            days: policy.idle_days,
        }));
    }
    device_rows::touch(tx, &holder.device_id, now)?;
    Ok(Ok((
        Caller {
            user_id: holder.user_id.to_string(),
            display_name: holder.display_name,
            role: holder.role,
            device_id: holder.device_id,
        },
        holder.via_previous,
    )))
}

/// Reports a device lost: it is revoked and told to wipe itself at its
/// next contact (at once, if it is connected). Whether the order is new.
pub fn report_lost(
    store: &Store,
    device_id: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<bool, DeviceError> {
    store.write(|tx| {
        let ordered = device_rows::order_wipe(tx, device_id, now)?;
        if ordered {
            audit_device(tx, actor, "device_reported_lost", device_id, now)?;
        }
        Ok(ordered)
    })
}

/// The device holding `token` confirms it wiped itself as ordered.
/// Confirming twice is not an error; the first confirmation is recorded.
pub fn confirm_wipe(store: &Store, token: &str, now: DateTime<Utc>) -> Result<(), DeviceError> {
    store.write(|tx| {
        let holder =
            device_rows::by_token(tx, &token_hash(token))?.ok_or(DeviceError::UnknownToken)?;
        if !holder.wipe_ordered {
            return Err(DeviceError::NoWipeOrdered);
        }
        if device_rows::confirm_wipe(tx, &holder.device_id, now)? {
            audit_device(
                tx,
                Actor::User(holder.user_id),
                "device_wipe_confirmed",
                &holder.device_id,
                now,
            )?;
        }
        Ok(())
    })
}

/// The device holding the wipe-report `secret` wiped itself after too many
/// wrong passwords: it is revoked and the wipe recorded (the trail says
/// so, with no actor: the secret proves the device, not a person).
pub fn self_wiped(store: &Store, secret: &str, now: DateTime<Utc>) -> Result<(), DeviceError> {
    store.write(|tx| {
        let device = device_rows::self_wiped(tx, &token_hash(secret), now)?
            .ok_or(DeviceError::UnknownToken)?;
        audit::append(
            tx,
            Actor::Nobody,
            "device_self_wiped",
            &serde_json::json!({"device": device, "reason": "unlock_limit"}),
            now,
        )?;
        Ok(())
    })
}

/// The device holding `token` signs out: its token ends (the device is
/// revoked). Signing out of an already revoked device changes nothing.
pub fn sign_out(store: &Store, token: &str, now: DateTime<Utc>) -> Result<(), DeviceError> {
    store.write(|tx| {
        let holder =
            device_rows::by_token(tx, &token_hash(token))?.ok_or(DeviceError::UnknownToken)?;
        if device_rows::revoke(tx, &holder.device_id, now)? {
            audit_device(
                tx,
                Actor::User(holder.user_id),
                "device_signed_out",
                &holder.device_id,
                now,
            )?;
        }
        Ok(())
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
