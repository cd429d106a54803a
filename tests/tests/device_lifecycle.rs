//! A device's life after registration, through the real server and
//! command line: reported lost (the open connection is told to wipe at
//! once, every later contact too, and the wipe's confirmation is
//! recorded), a token idle past the limit (refused and revoked), and
//! signing out (the token ends). Each refusal changes nothing else.

use anyhow::Result;
use std::time::{Duration, Instant};
use tsunagu_tests::admin::{add_device, add_user, cli};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::http::with_device_token;
use tsunagu_tests::server::ServerProcess;

fn audit_actions(dir: &std::path::Path) -> Result<Vec<String>> {
    let db = rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?;
    let mut statement = db.prepare("SELECT action FROM audit_log ORDER BY id")?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn device_line(dir: &std::path::Path, device: &str) -> Result<String> {
    let list = cli(dir, &["device", "list"], None)?;
    Ok(list
        .lines()
        .find(|l| l.starts_with(device))
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_tablet_is_told_to_wipe_at_once_and_its_confirmation_is_recorded() -> Result<()> {
    let dir = tempfile::tempdir()?;
    add_user(dir.path(), "spec", "support_specialist")?;
    let (lost_id, lost_token) = add_device(dir.path(), "spec")?;
    let (kept_id, kept_token) = add_device(dir.path(), "spec")?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let status = server.url("/sync/device");
    let wiped = server.url("/sync/device/wiped");

    // Confirming a wipe nobody ordered is refused and records nothing.
    let refused = with_device_token(&wiped, &kept_token, true)?;
    assert_eq!(refused.status, 409, "{}", refused.body);

    let mut lost = LiveDevice::open(NativeDevice::new(&lost_token, "lost-tablet"), &url).await?;
    let ordered_at = Instant::now();
    let out = cli(
        dir.path(),
        &["device", "report-lost", "--id", &lost_id],
        None,
    )?;
    assert!(out.contains("reported lost"), "{out}");
    let closed = lost
        .receive_until(Duration::from_secs(4), |_| false)
        .await
        .expect_err("the connection must end");
    assert!(
        format!("{closed:?}").contains("WipeOrdered"),
        "told to wipe: {closed:?}"
    );
    assert!(ordered_at.elapsed() < Duration::from_millis(2500));

    // Every later contact hears the same, and cannot sync.
    let asked = with_device_token(&status, &lost_token, false)?;
    assert_eq!((asked.status, asked.body.as_str()), (410, "wipe"));
    assert_eq!(
        NativeDevice::connect(&url, &lost_token).await?.err(),
        Some(410)
    );
    assert!(device_line(dir.path(), &lost_id)?.contains("reported lost"));

    // Reporting it twice is refused; the first order stands.
    assert!(
        cli(
            dir.path(),
            &["device", "report-lost", "--id", &lost_id],
            None
        )
        .is_err()
    );

    let confirmed = with_device_token(&wiped, &lost_token, true)?;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(device_line(dir.path(), &lost_id)?.contains("\twiped "));
    with_device_token(&wiped, &lost_token, true)?;
    let actions = audit_actions(dir.path())?;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(count("device_reported_lost"), 1, "{actions:?}");
    assert_eq!(count("device_wipe_confirmed"), 1, "once: {actions:?}");

    // The user's other tablet is untouched.
    assert_eq!(with_device_token(&status, &kept_token, false)?.status, 200);
    assert!(device_line(dir.path(), &kept_id)?.contains("\tactive\t"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_token_expires_and_signing_out_ends_a_token() -> Result<()> {
    let dir = tempfile::tempdir()?;
    add_user(dir.path(), "nurse", "visiting_nurse")?;
    let (idle_id, idle_token) = add_device(dir.path(), "nurse")?;
    let (_, used_token) = add_device(dir.path(), "nurse")?;
    let (_, leaving_token) = add_device(dir.path(), "nurse")?;
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(31)).to_rfc3339();
    rusqlite::Connection::open(dir.path().join("tsunagu.sqlite3"))?.execute(
        "UPDATE devices SET last_seen_at = ?1, created_at = ?1 WHERE id = ?2",
        [&long_ago, &idle_id],
    )?;
    let server = ServerProcess::start(dir.path(), &["--device-idle-days", "30"])?;
    let status = server.url("/sync/device");

    let expired = with_device_token(&status, &idle_token, false)?;
    assert_eq!((expired.status, expired.body.as_str()), (401, "expired"));
    // Expiry revoked it: it stays refused, and says so.
    let after = with_device_token(&status, &idle_token, false)?;
    assert_eq!((after.status, after.body.as_str()), (403, "revoked"));
    assert!(device_line(dir.path(), &idle_id)?.contains("revoked"));
    assert_eq!(with_device_token(&status, &used_token, false)?.status, 200);

    let out = with_device_token(&server.url("/sync/device/sign-out"), &leaving_token, true)?;
    assert_eq!(out.status, 200, "{}", out.body);
    assert_eq!(
        NativeDevice::connect(&server.base_url, &leaving_token)
            .await?
            .err(),
        Some(403)
    );
    let unknown = with_device_token(&status, "not-a-token", false)?;
    assert_eq!((unknown.status, unknown.body.as_str()), (401, "unknown"));
    let actions = audit_actions(dir.path())?;
    assert!(
        actions.contains(&"device_expired".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"device_signed_out".to_owned()),
        "{actions:?}"
    );
    Ok(())
}
