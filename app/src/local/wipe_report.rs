//! Telling the server about a wipe the device did by itself, after too
//! many wrong passwords. The device's token is sealed under the data key,
//! which a wrong password never opens, so registration also hands out a
//! second secret kept in plain storage, good for this report only (the
//! server's `devices::self_wiped`: the device is revoked and the trail
//! says so). The wipe takes the secret out of the database and keeps it as
//! a pending report until the server has answered, across reloads: a
//! tablet wiped offline reports at its next start with a network.

use super::device_api;
use super::idb::{Database, META, Write};
use super::js::JsError;

/// The database entry holding the secret while the device is registered.
const REPORT_KEY: &str = "wipe_report";
/// The setting holding it once the device wiped itself (survives the wipe).
const PENDING_SETTING: &str = "tsunagu_wipe_report";

/// Keeps the registration's secret in plain storage.
pub async fn keep(db: &Database, secret: &str) -> Result<(), JsError> {
    if secret.is_empty() {
        return Ok(());
    }
    db.write(&[Write::Put {
        store: META,
        key: REPORT_KEY.into(),
        value: secret.as_bytes().to_vec(),
    }])
    .await
}

/// The secret, read before the database is wiped.
pub async fn secret(db: &Database) -> Option<String> {
    let bytes = db.get(META, REPORT_KEY).await.ok()??;
    String::from_utf8(bytes).ok().filter(|s| !s.is_empty())
}

/// Keeps `secret` as a report to send (after the wipe cleared settings).
pub fn remember_pending(secret: &str) {
    crate::browser::set_setting(PENDING_SETTING, secret);
}

/// Sends the pending report, if any; forgets it once the server answered
/// (whatever it said), keeps it while the server cannot be reached.
pub async fn send_pending() {
    let Some(secret) = crate::browser::setting(PENDING_SETTING) else {
        return;
    };
    if device_api::report_self_wipe(&secret).await {
        crate::browser::remove_setting(PENDING_SETTING);
    }
}
