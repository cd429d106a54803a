//! Device tokens rotate on use: each time a tablet connects it trades its
//! token for a fresh one (`POST /sync/device/rotate`), so a token copied
//! from a log or a proxy stops working at the device's next connection.
//!
//! Nothing strands a tablet on the way:
//! - The replaced token stays good until the new one is first used, so a
//!   rotation whose answer never arrived (or a tablet killed before it
//!   saved the new token) is simply done again.
//! - A server put back from a backup knows only the token that was
//!   current when the copy was made. The tablet keeps the tokens it
//!   retired and offers them (`earlier`) when its current one is unknown;
//!   the one the restored database knows is accepted, and the tablet goes
//!   on to give back what the restore lost. On a server that was not put
//!   back, retired tokens match nothing.

use crate::devices::{DeviceError, TokenPolicy, admit};
use crate::secrets::{new_token, token_hash};
use crate::store::audit::{self, Actor};
use crate::store::devices as device_rows;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// The most retired tokens a device may offer at once.
pub const MAX_EARLIER: usize = 1_000;

/// Trades `current` (or, when the server does not know it, the first of
/// `earlier`, newest first, that it does know) for a fresh token, which is
/// returned. Refused like any use of the token (revoked, reported lost,
/// idle too long); `UnknownToken` when none of them is known.
pub fn rotate(
    store: &Store,
    current: &str,
    earlier: &[String],
    policy: TokenPolicy,
    now: DateTime<Utc>,
) -> Result<String, DeviceError> {
    let fresh = new_token();
    let candidates = std::iter::once(current).chain(earlier.iter().map(String::as_str));
    store.write(|tx| -> Result<Result<String, DeviceError>, StoreError> {
        for (index, token) in candidates.take(MAX_EARLIER + 1).enumerate() {
            let Some(holder) = device_rows::by_token(tx, &token_hash(token))? else {
                continue;
            };
            let (caller, via_previous) = match admit(tx, holder, policy, now)? {
                Ok(admitted) => admitted,
                Err(refusal) => return Ok(Err(refusal)),
            };
            device_rows::replace_token(tx, &caller.device_id, &token_hash(&fresh), via_previous)?;
            if index > 0 {
                // Only after a restore: worth a line in the trail.
                audit::append(
                    tx,
                    Actor::Nobody,
                    "device_token_recovered",
                    &serde_json::json!({ "device": caller.device_id, "retired_tokens_back": index }),
                    now,
                )?;
            }
            return Ok(Ok(fresh.clone()));
        }
        Ok(Err(DeviceError::UnknownToken))
    })?
}
