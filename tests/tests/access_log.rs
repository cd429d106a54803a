//! The access log, through the real server binary and its SQLite file: a
//! device's uploads join the audit trail under its user with both times;
//! a repeated upload is recorded once; malformed or unauthorised uploads
//! are refused and record nothing. In Chromium, a record opened offline
//! reaches the trail with the next sync, the device's time before the
//! server's.

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tsunagu_tests::admin::{add_device, cli};
use tsunagu_tests::app_page::{
    WAIT, back_to_person, first_sign_in, open_person, open_record, save, set_textarea, wait_in_sync,
};
use tsunagu_tests::browser::Browser;
use tsunagu_tests::http::{Reply, post_with};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

fn upload(server: &ServerProcess, token: &str, body: &str) -> Result<Reply> {
    let bearer = format!("Bearer {token}");
    post_with(
        &server.url("/sync/device/access-log"),
        body,
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        None,
    )
}

fn entries(range: std::ops::RangeInclusive<u64>) -> String {
    let entries: Vec<Value> = range
        .map(|seq| {
            json!({"seq": seq, "at_ms": 1_780_000_000_000_i64 + seq as i64, "kind": "RecordViewed", "id": format!("rec-{seq}")})
        })
        .collect();
    json!({ "entries": entries }).to_string()
}

/// One access entry of the trail: actor user id, action, detail, time.
type Logged = (Option<i64>, String, Value, String);

/// The trail's access entries, oldest first.
fn logged(dir: &Path) -> Result<Vec<Logged>> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    let rows = conn
        .prepare(
            "SELECT actor_user_id, action, detail, at FROM audit_log
              WHERE action IN ('record_viewed', 'timeline_viewed', 'record_created',
                               'record_edited', 'unlock_failed')
              ORDER BY id",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?))
        })?
        .map(|row| {
            let (actor, action, detail, at) = row?;
            Ok((actor, action, serde_json::from_str(&detail)?, at))
        })
        .collect::<Result<_>>()?;
    Ok(rows)
}

#[test]
fn uploads_join_the_trail_once_and_bad_ones_record_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let (device, token) = add_device(dir.path(), "demo.specialist")?;

    let refusals = [
        ("no such token", "0".repeat(64), entries(1..=2), 401),
        ("not JSON", token.clone(), "{".to_owned(), 422),
        ("a name for an id", token.clone(), json!({"entries": [{"seq": 1, "at_ms": 0, "kind": "RecordViewed", "id": "相談 花子"}]}).to_string(), 422),
        ("an unknown kind", token.clone(), json!({"entries": [{"seq": 1, "at_ms": 0, "kind": "Deleted", "id": "x"}]}).to_string(), 422),
        ("out of order", token.clone(), json!({"entries": [{"seq": 2, "at_ms": 0, "kind": "RecordViewed", "id": "x"}, {"seq": 1, "at_ms": 0, "kind": "RecordViewed", "id": "y"}]}).to_string(), 422),
        ("too many", token.clone(), entries(1..=501), 422),
    ];
    for (what, token, body, status) in &refusals {
        let reply = upload(&server, token, body)?;
        assert_eq!(reply.status, *status, "{what}: {}", reply.body);
    }
    assert!(
        logged(dir.path())?.is_empty(),
        "no refusal recorded anything"
    );

    let first = upload(&server, &token, &entries(1..=3))?;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        serde_json::from_str::<Value>(&first.body)?,
        json!({"through": 3, "recorded": 3})
    );
    // The answer was lost: the device sends 1..=3 again, with 4 and 5.
    let again = upload(&server, &token, &entries(1..=5))?;
    assert_eq!(
        serde_json::from_str::<Value>(&again.body)?,
        json!({"through": 5, "recorded": 2})
    );

    let rows = logged(dir.path())?;
    assert_eq!(rows.len(), 5);
    let specialist: i64 = Connection::open(dir.path().join("tsunagu.sqlite3"))?.query_row(
        "SELECT id FROM users WHERE username = 'demo.specialist'",
        [],
        |r| r.get(0),
    )?;
    for (n, (actor, action, detail, at)) in rows.iter().enumerate() {
        let seq = n as u64 + 1;
        assert_eq!(*actor, Some(specialist));
        assert_eq!(action, "record_viewed");
        assert_eq!(detail["record_id"], format!("rec-{seq}"));
        assert_eq!(detail["device_id"], device);
        assert_eq!(detail["seq"], seq);
        let device_at = chrono::DateTime::parse_from_rfc3339(
            detail["device_at"].as_str().context("device_at")?,
        )?;
        assert_eq!(device_at.timestamp_millis(), 1_780_000_000_000 + seq as i64);
        assert_ne!(
            at,
            detail["device_at"].as_str().unwrap_or_default(),
            "the server's own time"
        );
    }
    let verify = cli(dir.path(), &["audit", "verify"], None)?;
    assert!(
        verify.contains("ok") || verify.contains("intact"),
        "{verify}"
    );

    // A revoked device's log is refused.
    cli(dir.path(), &["device", "revoke", "--id", &device], None)?;
    assert_eq!(upload(&server, &token, &entries(6..=6))?.status, 403);
    assert_eq!(logged(dir.path())?.len(), 5);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_opened_offline_reaches_the_trail_with_the_next_sync_and_both_times() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let tablet = Browser::start(768, 1024).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    let person = tsunagu_tests::app_page::first_person(&tablet).await?;
    // Every write that stands for "saved" asks the browser to reach the
    // disk before it answers (Chromium's default is `relaxed`).
    tablet
        .client
        .execute(
            "window.__durabilities = [];
             const original = IDBDatabase.prototype.transaction;
             IDBDatabase.prototype.transaction = function (stores, mode, options) {
               if (mode === 'readwrite') window.__durabilities.push(options ? options.durability : 'default');
               return original.apply(this, arguments);
             };",
            vec![],
        )
        .await?;
    // A note written online, to open later offline.
    open_person(&tablet, &person).await?;
    tablet.click("[data-testid='new-ward_interview']").await?;
    tablet.wait_css("[data-testid='record-form']", WAIT).await?;
    tablet.select("select[name='place']", "ward").await?;
    tablet
        .select("select[name='interview_type']", "first_joint")
        .await?;
    set_textarea(&tablet, "persons_words", "散歩が好き。").await?;
    save(&tablet).await?;
    let durabilities = tablet
        .client
        .execute("return window.__durabilities", vec![])
        .await?;
    anyhow::ensure!(
        durabilities
            .as_array()
            .is_some_and(|d| !d.is_empty() && d.iter().all(|d| d == "strict")),
        "every save is strict: {durabilities}"
    );
    back_to_person(&tablet).await?;
    let record = tsunagu_tests::app_page::record_of_kind(&tablet, "ward_interview").await?;
    wait_in_sync(&tablet, WAIT).await?;
    let online = logged(dir.path())?;
    anyhow::ensure!(
        online
            .iter()
            .any(|(_, action, d, _)| action == "record_created" && d["record_id"] == record),
        "the save reached the trail while online: {online:?}"
    );
    // Let the service worker cache the app for the offline reload.
    tokio::time::sleep(Duration::from_secs(2)).await;

    server.kill_hard()?;
    tablet.client.refresh().await?;
    tablet.wait_css("[data-testid='unlock']", WAIT).await?;
    // One wrong password first: it is in the log once the device opens.
    tablet
        .type_into("input[name='password']", "not my password")
        .await?;
    tablet
        .click("[data-testid='unlock'] button[type='submit']")
        .await?;
    tablet
        .wait_css("[data-testid='unlock-error']", WAIT)
        .await?;
    tablet
        .type_into("input[name='password']", DEMO_PASSWORD)
        .await?;
    tablet
        .click("[data-testid='unlock'] button[type='submit']")
        .await?;
    // The reload reopens the person it was on.
    tablet.wait_css("[data-testid='person-page']", WAIT).await?;
    let before_offline = logged(dir.path())?.len();
    open_record(&tablet, &record).await?;
    let opened_offline = chrono::Utc::now();
    assert_eq!(
        logged(dir.path())?.len(),
        before_offline,
        "nothing reached the server yet"
    );

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;
    let rows = tablet
        .wait_for(
            "the offline views in the trail",
            Duration::from_secs(40),
            || async {
                // Only what arrived after the server came back.
                let rows = logged(dir.path())?.split_off(before_offline);
                Ok(rows
                    .iter()
                    .any(|(_, action, detail, _)| {
                        action == "record_viewed" && detail["record_id"] == record
                    })
                    .then_some(rows))
            },
        )
        .await?;
    let (_, _, detail, at) = rows
        .iter()
        .find(|(_, action, detail, _)| action == "record_viewed" && detail["record_id"] == record)
        .context("the record's view")?;
    let device_at =
        chrono::DateTime::parse_from_rfc3339(detail["device_at"].as_str().context("device_at")?)?;
    let received = chrono::DateTime::parse_from_rfc3339(at)?;
    assert!(
        device_at <= opened_offline,
        "noted when it was opened: {device_at}"
    );
    assert!(
        received > device_at,
        "received later, at the sync: {received} vs {device_at}"
    );
    assert!(
        rows.iter()
            .any(|(_, action, detail, _)| action == "timeline_viewed"
                && detail["person_id"] == person),
        "the timeline view too"
    );
    assert!(
        rows.iter()
            .any(|(_, action, detail, _)| action == "unlock_failed" && detail["failures"] == "1"),
        "the wrong password before the offline unlock: {rows:?}"
    );
    tablet.close().await?;
    drop(server);
    Ok(())
}
