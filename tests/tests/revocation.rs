//! Revoking a device reaches its open connection, whichever process
//! revokes it (here the command line, which only writes the database):
//! the connection is told `Unauthorized` and closed within about a
//! second, a push sent after the revocation is refused and nothing of it
//! is stored, and the user's other device keeps syncing. Before, the
//! token was checked only at the upgrade, so an open socket went on
//! syncing after `device revoke`.

use anyhow::{Context, Result};
use chrono::Utc;
use std::time::Duration;
use tsunagu_sync::record::{Edit, NewRecord};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign, cli};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::fixtures::{record_stored as stored, ward_interview};
use tsunagu_tests::server::ServerProcess;

fn note(person: &str, user: &str, device: &str, n: u8) -> (NewRecord, Edit) {
    let mut random = [n; 10];
    random[..6].copy_from_slice(&device.as_bytes()[..6]);
    ward_interview(person, device, user, Utc::now(), random)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_s_open_connection_is_closed_and_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 三号")?;
    let user = add_user(dir.path(), "spec", "support_specialist")?;
    assign(dir.path(), "spec", &person)?;
    let (lost_id, lost_token) = add_device(dir.path(), "spec")?;
    let (pushing_id, pushing_token) = add_device(dir.path(), "spec")?;
    let (kept_id, kept_token) = add_device(dir.path(), "spec")?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut lost = LiveDevice::open(NativeDevice::new(&lost_token, "lost-tablet"), &url).await?;
    let mut pushing =
        LiveDevice::open(NativeDevice::new(&pushing_token, "push-tablet"), &url).await?;
    let mut kept = LiveDevice::open(NativeDevice::new(&kept_token, "kept-tablet"), &url).await?;

    // An idle connection hears of its revocation within about a second.
    let (closed, took) = lost
        .ended_by(|| cli(dir.path(), &["device", "revoke", "--id", &lost_id], None).map(drop))
        .await?;
    assert!(closed.contains("Unauthorized"), "told why: {closed}");
    assert!(took < Duration::from_millis(2500), "closed after {took:?}");

    // A push right after the revocation is refused, never stored.
    let (new, edit) = note(&person, &user, &pushing_id, 1);
    let id = pushing.device.store.create(new, &edit)?;
    cli(dir.path(), &["device", "revoke", "--id", &pushing_id], None)?;
    let refused = pushing.push().await;
    assert!(refused.is_err(), "a push after revocation must fail");
    assert!(!stored(dir.path(), &id)?, "nothing of it was stored");
    assert!(
        pushing.device.store.waiting_for(&id) > 0,
        "the tablet keeps its unsent note"
    );

    // The user's other tablet syncs on.
    let (new, edit) = note(&person, &user, &kept_id, 2);
    let id = kept.device.store.create(new, &edit)?;
    kept.push().await.context("the other device still syncs")?;
    assert!(stored(dir.path(), &id)?);
    kept.close().await;
    Ok(())
}
