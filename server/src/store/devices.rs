//! `devices`: each tablet (or test client) registered to a user, with the
//! SHA-256 of its sync token, when it was last in contact, whether it was
//! revoked, and whether it was told to wipe itself and confirmed it.

use super::sql::args;
use super::{Dialect, ReadTx, StoreError, WriteTx, users};
use chrono::{DateTime, Utc};
use tsunagu_sync::role::Role;

/// A device's row as it is registered.
#[derive(Debug, Clone)]
pub struct NewDeviceRow<'a> {
    /// The device id (UUIDv7).
    pub id: &'a str,
    /// Its user.
    pub user_id: i64,
    /// SHA-256 of its token.
    pub token_hash: &'a [u8],
    /// SHA-256 of its wipe-report secret.
    pub wipe_report_hash: &'a [u8],
    /// A label to recognise it by.
    pub label: &'a str,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

/// The device a token belongs to, with its active user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    /// The device id.
    pub device_id: String,
    /// Its user's id.
    pub user_id: i64,
    /// Its user's name.
    pub display_name: String,
    /// Its user's role.
    pub role: Role,
    /// The device was revoked.
    pub revoked: bool,
    /// The device was reported lost: it must wipe itself.
    pub wipe_ordered: bool,
    /// Its user's account is disabled.
    pub user_disabled: bool,
    /// Its last contact with the server, or its registration if none.
    pub last_contact: DateTime<Utc>,
    /// The token presented is the one a rotation replaced, not yet
    /// superseded by a first use of its successor.
    pub via_previous: bool,
}

/// Registers a device.
pub fn insert(tx: &WriteTx<'_>, device: &NewDeviceRow<'_>) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO devices (id, user_id, token_hash, label, created_at, wipe_report_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![
            device.id,
            device.user_id,
            device.token_hash,
            device.label,
            device.created_at.to_rfc3339(),
            device.wipe_report_hash
        ],
    )?;
    Ok(())
}

/// Revokes a device that is not revoked yet; whether one was.
pub fn revoke(tx: &WriteTx<'_>, device_id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        args![device_id, at.to_rfc3339()],
    )?;
    Ok(changed > 0)
}

/// Revokes every device of user `user_id` not revoked yet; how many.
pub fn revoke_all_of(
    tx: &WriteTx<'_>,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    tx.execute(
        "UPDATE devices SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        args![user_id, at.to_rfc3339()],
    )
}

/// The device holding the token with this hash, with its user's standing.
pub fn by_token(tx: &ReadTx<'_>, token_hash: &[u8]) -> Result<Option<TokenHolder>, StoreError> {
    type Row = (
        String,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        bool,
        String,
        bool,
    );
    let row: Option<Row> = tx.optional(
        "SELECT d.id, u.id, u.display_name, u.role, d.revoked_at, d.wipe_ordered_at,
                    u.disabled_at IS NOT NULL, coalesce(d.last_seen_at, d.created_at),
                    d.token_hash IS DISTINCT FROM ?1
               FROM devices d JOIN users u ON u.id = d.user_id
              WHERE d.token_hash = ?1 OR d.previous_token_hash = ?1",
        args![token_hash],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )?;
    row.map(
        |(device_id, user_id, display_name, role, revoked, wipe, disabled, contact, previous)| {
            Ok(TokenHolder {
                device_id,
                user_id,
                display_name,
                role: users::parse_role(&role)?,
                revoked: revoked.is_some(),
                wipe_ordered: wipe.is_some(),
                user_disabled: disabled,
                last_contact: parse_time(&contact)?,
                via_previous: previous,
            })
        },
    )
    .transpose()
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::bad_value("devices.last_seen_at", text))
}

/// Orders device `device_id` to wipe itself (reported lost), revoking it
/// if it was not; whether the order is new.
pub fn order_wipe(
    tx: &WriteTx<'_>,
    device_id: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE devices SET wipe_ordered_at = ?2, revoked_at = coalesce(revoked_at, ?2)
              WHERE id = ?1 AND wipe_ordered_at IS NULL",
        args![device_id, at.to_rfc3339()],
    )?;
    Ok(changed > 0)
}

/// Records that device `device_id`, ordered to wipe itself, confirmed it
/// did; whether this is the first confirmation.
pub fn confirm_wipe(
    tx: &WriteTx<'_>,
    device_id: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE devices SET wiped_at = ?2
              WHERE id = ?1 AND wipe_ordered_at IS NOT NULL AND wiped_at IS NULL",
        args![device_id, at.to_rfc3339()],
    )?;
    Ok(changed > 0)
}

/// Records that the device was in contact at `at`.
pub fn touch(tx: &WriteTx<'_>, device_id: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
        args![device_id, at.to_rfc3339()],
    )?;
    Ok(())
}

/// The highest access-log entry number recorded from `device_id`.
pub fn access_log_seq(tx: &ReadTx<'_>, device_id: &str) -> Result<u64, StoreError> {
    let seq: i64 = tx
        .optional(
            "SELECT access_log_seq FROM devices WHERE id = ?1",
            args![device_id],
            |r| r.get(0),
        )?
        .unwrap_or(0);
    Ok(u64::try_from(seq).unwrap_or(0))
}

/// Records that `device_id`'s access-log entries up to `seq` are in.
pub fn set_access_log_seq(tx: &WriteTx<'_>, device_id: &str, seq: u64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE devices SET access_log_seq = ?2 WHERE id = ?1",
        args![device_id, i64::try_from(seq).unwrap_or(i64::MAX)],
    )?;
    Ok(())
}

/// A device that may no longer sync, and whether it must wipe itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// The device id.
    pub device_id: String,
    /// It was reported lost: tell it to wipe itself.
    pub wipe: bool,
}

/// Of `device_ids`, those that may no longer sync: unknown, revoked,
/// reported lost, or whose user is disabled. One primary-key look-up each.
pub fn no_longer_active(tx: &ReadTx<'_>, device_ids: &[String]) -> Result<Vec<Ended>, StoreError> {
    if device_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = match tx.dialect() {
        Dialect::Sqlite => {
            "SELECT j.value, d.wipe_ordered_at IS NOT NULL FROM json_each(?1) j
               LEFT JOIN devices d ON d.id = j.value
               LEFT JOIN users u ON u.id = d.user_id
              WHERE d.id IS NULL OR d.revoked_at IS NOT NULL OR u.disabled_at IS NOT NULL"
        }
        Dialect::Postgres => {
            "SELECT j.value, d.wipe_ordered_at IS NOT NULL FROM unnest(?1::text[]) AS j(value)
               LEFT JOIN devices d ON d.id = j.value
               LEFT JOIN users u ON u.id = d.user_id
              WHERE d.id IS NULL OR d.revoked_at IS NOT NULL OR u.disabled_at IS NOT NULL"
        }
    };
    tx.rows(sql, args![device_ids], |r| {
        Ok(Ended {
            device_id: r.get(0)?,
            wipe: r.get::<Option<bool>>(1)?.unwrap_or(false),
        })
    })
}

/// A device as the inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// The device id.
    pub id: String,
    /// Its user's login name.
    pub username: String,
    /// Its label.
    pub label: String,
    /// When it was registered (RFC 3339).
    pub registered_at: String,
    /// Its last contact with the server, if any.
    pub last_contact: Option<String>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
    /// When it was reported lost and told to wipe itself, if it was.
    pub wipe_ordered_at: Option<String>,
    /// When it confirmed the wipe, if it did.
    pub wiped_at: Option<String>,
    /// When the server last stored a change from it, if ever.
    pub last_acknowledged: Option<String>,
    /// How many changes the server holds from it.
    pub changes: u64,
}

/// Every device (of `username` only, if given), by user and registration,
/// with what the server last acknowledged from each: one pass over the
/// feed, grouped by origin device.
pub fn inventory(tx: &ReadTx<'_>, username: Option<&str>) -> Result<Vec<DeviceRow>, StoreError> {
    tx.rows(
        "SELECT d.id, u.username, d.label, d.created_at, d.last_seen_at, d.revoked_at,
                d.wipe_ordered_at, d.wiped_at, f.newest, coalesce(f.changes, 0)
           FROM devices d
           JOIN users u ON u.id = d.user_id
           LEFT JOIN (SELECT origin_device, max(received_at) AS newest, count(*) AS changes
                        FROM feed GROUP BY origin_device) f ON f.origin_device = d.id
          WHERE ?1 IS NULL OR u.username = ?1
          ORDER BY u.username, d.created_at, d.id",
        args![username],
        |r| {
            Ok(DeviceRow {
                id: r.get(0)?,
                username: r.get(1)?,
                label: r.get(2)?,
                registered_at: r.get(3)?,
                last_contact: r.get(4)?,
                revoked_at: r.get(5)?,
                wipe_ordered_at: r.get(6)?,
                wiped_at: r.get(7)?,
                last_acknowledged: r.get(8)?,
                changes: r.get::<i64>(9)?.max(0) as u64,
            })
        },
    )
}

/// Gives device `device_id` the token hashed `new_hash`. Presented with
/// its current token, that one becomes the previous (still good until the
/// new one is used); presented with the previous one (the last answer was
/// lost), only the current one is replaced.
pub fn replace_token(
    tx: &WriteTx<'_>,
    device_id: &str,
    new_hash: &[u8],
    via_previous: bool,
) -> Result<(), StoreError> {
    let sql = if via_previous {
        "UPDATE devices SET token_hash = ?2 WHERE id = ?1"
    } else {
        "UPDATE devices SET previous_token_hash = token_hash, token_hash = ?2 WHERE id = ?1"
    };
    tx.execute(sql, args![device_id, new_hash])?;
    Ok(())
}

/// The device used its current token: the previous one ends.
pub fn settle_token(tx: &WriteTx<'_>, device_id: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE devices SET previous_token_hash = NULL
              WHERE id = ?1 AND previous_token_hash IS NOT NULL",
        args![device_id],
    )?;
    Ok(())
}

/// The device holding the wipe-report secret hashed `hash` wiped itself:
/// it is revoked and its wipe recorded, and the secret is spent. The
/// device's id, or `None` for an unknown (or spent) secret.
pub fn self_wiped(
    tx: &WriteTx<'_>,
    hash: &[u8],
    at: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    tx.returning(
        "UPDATE devices SET revoked_at = coalesce(revoked_at, ?2),
                    wiped_at = coalesce(wiped_at, ?2), wipe_report_hash = NULL
              WHERE wipe_report_hash = ?1
          RETURNING id",
        args![hash, at.to_rfc3339()],
        |r| r.get(0),
    )
}
