//! The devices' access logs into the audit trail: each entry a tablet
//! noted (a record or timeline opened, a record saved, offline included)
//! becomes an audit entry under the device's user, at the server's receive
//! time, with the device's own time, the device and the entry's number in
//! its detail. Entries the device sent before are skipped by number, all
//! in one transaction with the device's new high-water mark.

use crate::store::audit::{self, Actor};
use crate::store::{Store, StoreError, devices};
use chrono::{DateTime, Utc};
use serde_json::json;
use tsunagu_app::access_log::{AccessAck, AccessUpload, UploadProblem};
use tsunagu_sync::session::Caller;

/// Why an upload was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AccessLogError {
    /// The upload is malformed (nothing recorded).
    #[error(transparent)]
    Refused(#[from] UploadProblem),
    /// The caller's user id is not a number (cannot happen for a real device).
    #[error("malformed user id")]
    BadUser,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records `upload` from `caller`'s device, received at `now`.
pub fn record(
    store: &Store,
    caller: &Caller,
    upload: &AccessUpload,
    now: DateTime<Utc>,
) -> Result<AccessAck, AccessLogError> {
    upload.check()?;
    let user: i64 = caller
        .user_id
        .parse()
        .map_err(|_| AccessLogError::BadUser)?;
    store.write(|tx| {
        let held = devices::access_log_seq(tx, &caller.device_id)?;
        let mut through = held;
        let mut recorded = 0;
        for entry in upload.entries.iter().filter(|e| e.seq > held) {
            let device_at = DateTime::from_timestamp_millis(entry.at_ms)
                .ok_or(UploadProblem::BadTime { seq: entry.seq })?;
            let mut detail = json!({
                "device_id": caller.device_id,
                "device_at": device_at.to_rfc3339(),
                "seq": entry.seq,
            });
            detail[entry.kind.id_key()] = json!(entry.id);
            audit::append(tx, Actor::User(user), entry.kind.action(), &detail, now)?;
            through = entry.seq;
            recorded += 1;
        }
        if through > held {
            devices::set_access_log_seq(tx, &caller.device_id, through)?;
        }
        Ok(AccessAck { through, recorded })
    })
}
