//! Device tokens rotate on use, against the real server binary: a token
//! traded for a fresh one stays good until the fresh one is first used and
//! then ends; a rotation whose answer was lost is done again; bad requests
//! change nothing. A server put back from yesterday's backup knows only an
//! older token: offered among the tablet's retired ones, it is accepted
//! once, audited, and rotated. In Chromium, a tablet trades its token each
//! time it connects, keeps it across a reload, and after a restore finds
//! its way back with a retired one and gives back what the restore lost.
//! The second secret a tablet gets, to report a wipe after too many wrong
//! passwords, does that one thing, once.

use anyhow::{Context, Result, ensure};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use tsunagu_tests::admin::{add_device, cli};
use tsunagu_tests::app_page::{WAIT, first_sign_in, wait_in_sync};
use tsunagu_tests::browser::Browser;
use tsunagu_tests::http::{Reply, post_form, post_with, sign_in, with_device_token};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

fn rotate(server: &ServerProcess, token: &str, earlier: &[&str]) -> Result<Reply> {
    let bearer = format!("Bearer {token}");
    post_with(
        &server.url("/sync/device/rotate"),
        &json!({ "earlier": earlier }).to_string(),
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        None,
    )
}

/// The fresh token a rotation answered with.
fn rotated(server: &ServerProcess, token: &str, earlier: &[&str]) -> Result<String> {
    let reply = rotate(server, token, earlier)?;
    ensure!(reply.status == 200, "{} {}", reply.status, reply.body);
    let answer: Value = serde_json::from_str(&reply.body)?;
    let fresh = answer["token"].as_str().context("a token")?.to_owned();
    ensure!(fresh.len() == 64 && fresh != token, "{fresh}");
    Ok(fresh)
}

/// `GET /sync/device` with `token`: the status.
fn standing(server: &ServerProcess, token: &str) -> Result<u16> {
    Ok(with_device_token(&server.url("/sync/device"), token, false)?.status)
}

fn token_hashes(dir: &Path, device: &str) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    Ok(conn.query_row(
        "SELECT token_hash, previous_token_hash FROM devices WHERE id = ?1",
        [device],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

#[test]
fn a_token_replaced_on_use_ends_when_its_successor_is_first_used() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let (device, t0) = add_device(dir.path(), "demo.specialist")?;

    let t1 = rotated(&server, &t0, &[])?;
    // Until the fresh token is used, the old one still works.
    ensure!(standing(&server, &t0)? == 200, "t0 before t1 is used");
    ensure!(standing(&server, &t1)? == 200, "t1");
    ensure!(standing(&server, &t0)? == 401, "t0 ends once t1 is used");
    ensure!(rotate(&server, &t0, &[])?.status == 401, "t0 cannot rotate");

    // An answer lost on the way: the tablet still holds t1 and asks again.
    let lost = rotated(&server, &t1, &[])?;
    let t3 = rotated(&server, &t1, &[])?;
    ensure!(standing(&server, &t3)? == 200, "t3");
    for (name, token) in [("t1", &t1), ("the lost one", &lost)] {
        ensure!(standing(&server, token)? == 401, "{name} ended");
    }

    // Bad requests change nothing.
    let before = token_hashes(dir.path(), &device)?;
    let bearer = format!("Bearer {t3}");
    let garbage = post_with(
        &server.url("/sync/device/rotate"),
        "{not json",
        &[("Authorization", &bearer)],
        None,
    )?;
    ensure!(garbage.status == 422, "{}", garbage.status);
    let many: Vec<String> = (0..1_001).map(|i| format!("{i:064}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    ensure!(
        rotate(&server, &t3, &many)?.status == 422,
        "too many earlier"
    );
    ensure!(rotate(&server, "no-such-token", &[])?.status == 401);
    // Retired tokens offered to a server that was not restored match nothing.
    ensure!(rotate(&server, "no-such-token", &[&t1, &t0])?.status == 401);
    ensure!(
        token_hashes(dir.path(), &device)? == before,
        "nothing changed"
    );

    // A revoked device cannot rotate its way back.
    cli(dir.path(), &["device", "revoke", "--id", &device], None)?;
    ensure!(rotate(&server, &t3, &[])?.status == 403, "revoked");
    ensure!(
        token_hashes(dir.path(), &device)? == before,
        "nothing changed"
    );
    Ok(())
}

#[test]
fn after_a_restore_a_retired_token_the_backup_knows_brings_the_tablet_back() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let backup = dir.path().join("yesterday.sqlite3");
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let (device, t0) = add_device(dir.path(), "demo.specialist")?;
    let t1 = rotated(&server, &t0, &[])?;
    ensure!(standing(&server, &t1)? == 200);
    cli(
        dir.path(),
        &["backup", "--to", &backup.to_string_lossy()],
        None,
    )?;
    let t2 = rotated(&server, &t1, &[])?;
    ensure!(standing(&server, &t2)? == 200);
    server.kill_hard()?;

    cli(
        dir.path(),
        &["restore", "--from", &backup.to_string_lossy(), "--force"],
        None,
    )?;
    let server = ServerProcess::start(dir.path(), &[])?;
    ensure!(standing(&server, &t2)? == 401, "the restore forgot t2");
    ensure!(rotate(&server, &t2, &[])?.status == 401);
    let t3 = rotated(&server, &t2, &[&t1, &t0])?;
    ensure!(standing(&server, &t3)? == 200, "t3");
    ensure!(
        standing(&server, &t1)? == 401,
        "t1 ended with t3's first use"
    );

    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let recovered: String = conn.query_row(
        "SELECT detail FROM audit_log WHERE action = 'device_token_recovered'",
        [],
        |r| r.get(0),
    )?;
    let recovered: Value = serde_json::from_str(&recovered)?;
    ensure!(
        recovered == json!({ "device": device, "retired_tokens_back": 1 }),
        "{recovered}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_trades_its_token_at_each_connection_and_survives_a_restore() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let backup = dir.path().join("yesterday.sqlite3");
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let tablet = Browser::start(768, 1024).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    let device = {
        let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
        conn.query_row(
            "SELECT id FROM devices WHERE label NOT LIKE 'test%' ORDER BY created_at DESC",
            [],
            |r| r.get::<_, String>(0),
        )?
    };
    let (first, previous) = token_hashes(dir.path(), &device)?;
    ensure!(previous.is_none(), "the tablet used its fresh token");
    cli(
        dir.path(),
        &["backup", "--to", &backup.to_string_lossy()],
        None,
    )?;

    // A reload: the tablet unlocks with the token it stored and trades it.
    tablet.client.refresh().await?;
    tablet.wait_css("[data-testid='unlock']", WAIT).await?;
    tablet
        .type_into("input[name='password']", DEMO_PASSWORD)
        .await?;
    tablet.click("button[type='submit']").await?;
    wait_in_sync(&tablet, WAIT).await?;
    let (second, _) = token_hashes(dir.path(), &device)?;
    ensure!(second != first, "the token rotated at the new connection");

    // Yesterday's backup is put back: the server knows only `first`.
    server.kill_hard()?;
    cli(
        dir.path(),
        &["restore", "--from", &backup.to_string_lossy(), "--force"],
        None,
    )?;
    let server = ServerProcess::start_listening(dir.path(), &listen, &[])?;
    ensure!(token_hashes(dir.path(), &device)?.0 == first);
    wait_in_sync(&tablet, WAIT).await?;
    let (third, _) = token_hashes(dir.path(), &device)?;
    ensure!(
        third != first && third != second,
        "rotated after the restore"
    );
    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let recovered: i64 = conn.query_row(
        "SELECT count(*) FROM audit_log WHERE action = 'device_token_recovered'",
        [],
        |r| r.get(0),
    )?;
    ensure!(recovered == 1, "{recovered}");
    drop(server);
    tablet.close().await
}

#[test]
fn the_wipe_report_secret_reports_a_self_wipe_once_and_opens_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let session = sign_in(&server.base_url, "demo.specialist", DEMO_PASSWORD)?;
    let grant = post_form(
        &server.url("/api/account/register_device"),
        &[("label", "tablet")],
        Some(&session),
    )?;
    ensure!(grant.status == 200, "{}", grant.body);
    let grant: Value = serde_json::from_str(&grant.body)?;
    let (device, token, secret) = (
        grant["device_id"].as_str().context("id")?,
        grant["token"].as_str().context("token")?,
        grant["wipe_report"].as_str().context("wipe_report")?,
    );
    ensure!(secret.len() == 64 && secret != token);
    let report = |bearer: &str| -> Result<u16> {
        Ok(with_device_token(&server.url("/sync/device/self-wiped"), bearer, true)?.status)
    };
    // Neither the sync token nor a guess reports a wipe; the secret syncs nothing.
    ensure!(report(token)? == 401 && report(&"0".repeat(64))? == 401);
    ensure!(standing(&server, secret)? == 401, "the secret is no token");
    ensure!(standing(&server, token)? == 200);
    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let trail = |conn: &Connection| -> Result<i64> {
        Ok(conn.query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'device_self_wiped'",
            [],
            |r| r.get(0),
        )?)
    };
    ensure!(trail(&conn)? == 0);

    ensure!(report(secret)? == 200);
    ensure!(
        standing(&server, token)? == 403,
        "the wiped tablet is revoked"
    );
    ensure!(report(secret)? == 401, "spent");
    ensure!(trail(&conn)? == 1);
    let wiped: Option<String> = conn.query_row(
        "SELECT wiped_at FROM devices WHERE id = ?1",
        [device],
        |r| r.get(0),
    )?;
    ensure!(wiped.is_some());
    Ok(())
}
