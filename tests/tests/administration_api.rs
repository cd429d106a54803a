//! The administration functions (accounts and devices) over real HTTP,
//! against the real server binary and its SQLite file: only a
//! coordinator's session may use them (`docs/ROLES.md`), whatever a tablet
//! sends; every refusal is typed and changes nothing; the coordinator's
//! actions land in the audit trail under their id, and a coordinator may
//! not disable their own account or reset their own second factor.

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use tsunagu_tests::admin::{TEST_PASSWORD, add_device, add_user};
use tsunagu_tests::http::{post_json, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// Calls `/api/admin/<name>` with `body`; the status and the JSON answer.
fn call(
    server: &ServerProcess,
    name: &str,
    body: &Value,
    cookie: Option<&str>,
) -> Result<(u16, Value)> {
    let reply = post_json(
        &server.url(&format!("/api/admin/{name}")),
        &body.to_string(),
        cookie,
    )?;
    let value = serde_json::from_str(&reply.body)
        .with_context(|| format!("{name} answered {}: {}", reply.status, reply.body))?;
    Ok((reply.status, value))
}

/// What the administration functions can change: (revoked devices, wipe
/// orders, disabled users, sessions, audit entries).
fn standing(dir: &Path) -> Result<[i64; 5]> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok([
        count("SELECT count(*) FROM devices WHERE revoked_at IS NOT NULL")?,
        count("SELECT count(*) FROM devices WHERE wipe_ordered_at IS NOT NULL")?,
        count("SELECT count(*) FROM users WHERE disabled_at IS NOT NULL")?,
        count("SELECT count(*) FROM sessions")?,
        count("SELECT count(*) FROM audit_log")?,
    ])
}

#[test]
fn only_a_coordinator_administers_accounts_and_devices() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let (tablet, _) = add_device(dir.path(), "demo.specialist")?;
    let (spare, _) = add_device(dir.path(), "demo.specialist")?;
    add_user(dir.path(), "test.auditor", "auditor")?;
    let attacks = [
        ("overview", json!({})),
        (
            "device",
            json!({"device_id": tablet, "action": "ReportLost"}),
        ),
        ("device", json!({"device_id": tablet, "action": "Revoke"})),
        (
            "account",
            json!({"username": "demo.coordinator", "enabled": false}),
        ),
        (
            "account",
            json!({"username": "demo.specialist", "enabled": false}),
        ),
        (
            "reset_second_factor",
            json!({"username": "demo.specialist"}),
        ),
    ];
    for (name, body) in &attacks {
        let (status, answer) = call(&server, name, body, None)?;
        assert_eq!((status, answer), (401, json!("NotSignedIn")), "{name}");
    }
    let mut sessions = Vec::new();
    for user in [
        "demo.specialist",
        "demo.caseworker",
        "demo.peer",
        "demo.nurse",
    ] {
        sessions.push((user, sign_in(&server.base_url, user, DEMO_PASSWORD)?));
    }
    let auditor = sign_in(&server.base_url, "test.auditor", TEST_PASSWORD)?;
    sessions.push(("test.auditor", auditor));
    let before = standing(dir.path())?;
    for (user, cookie) in &sessions {
        for (name, body) in &attacks {
            let (status, answer) = call(&server, name, body, Some(cookie))?;
            assert_eq!(
                (status, answer),
                (403, json!("Forbidden")),
                "{user}: {name}"
            );
        }
    }
    assert_eq!(standing(dir.path())?, before, "no refusal changed anything");

    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let (status, list) = call(&server, "overview", &json!({}), Some(&coordinator))?;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["me"], "demo.coordinator");
    let specialist = list["accounts"]
        .as_array()
        .context("accounts")?
        .iter()
        .find(|a| a["username"] == "demo.specialist")
        .context("the specialist's account")?;
    assert_eq!(specialist["role"], "support_specialist");
    let listed: Vec<&str> = specialist["devices"]
        .as_array()
        .context("devices")?
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert!(listed.contains(&tablet.as_str()) && listed.contains(&spare.as_str()));

    // Refusals a coordinator can meet: typed, and nothing changes.
    let before = standing(dir.path())?;
    let refusals = [
        (
            "account",
            json!({"username": "demo.coordinator", "enabled": false}),
            "OwnAccount",
        ),
        (
            "account",
            json!({"username": "no.such.user", "enabled": false}),
            "NoSuchAccount",
        ),
        (
            "account",
            json!({"username": "demo.specialist", "enabled": true}),
            "AlreadyEnabled",
        ),
        (
            "device",
            json!({"device_id": "no-such-device", "action": "Revoke"}),
            "NoActiveDevice",
        ),
        (
            "device",
            json!({"device_id": "no-such-device", "action": "ReportLost"}),
            "AlreadyReportedLost",
        ),
        (
            "reset_second_factor",
            json!({"username": "demo.coordinator"}),
            "OwnSecondFactor",
        ),
        (
            "reset_second_factor",
            json!({"username": "no.such.user"}),
            "NoSuchAccount",
        ),
    ];
    for (name, body, refusal) in &refusals {
        let (status, answer) = call(&server, name, body, Some(&coordinator))?;
        assert_eq!(status, 422, "{name} {body}: {answer}");
        assert_eq!(
            answer,
            json!({ "Administration": refusal }),
            "{name} {body}"
        );
    }
    assert_eq!(standing(dir.path())?, before, "no refusal changed anything");

    // What a coordinator may do, each audited under their id.
    let actions = [
        ("device", json!({"device_id": spare, "action": "Revoke"})),
        (
            "device",
            json!({"device_id": tablet, "action": "ReportLost"}),
        ),
        (
            "account",
            json!({"username": "demo.peer", "enabled": false}),
        ),
        ("account", json!({"username": "demo.peer", "enabled": true})),
        ("reset_second_factor", json!({"username": "demo.nurse"})),
    ];
    for (name, body) in &actions {
        let (status, answer) = call(&server, name, body, Some(&coordinator))?;
        assert_eq!(status, 200, "{name} {body}: {answer}");
    }
    let (status, answer) = call(&server, "device", &actions[1].1, Some(&coordinator))?;
    assert_eq!(
        (status, answer),
        (422, json!({ "Administration": "AlreadyReportedLost" })),
        "a second report"
    );
    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let trail: Vec<String> = conn
        .prepare(
            "SELECT action FROM audit_log WHERE actor_user_id =
               (SELECT id FROM users WHERE username = 'demo.coordinator')
               AND action <> 'signed_in' ORDER BY id",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    assert_eq!(
        trail,
        [
            "device_revoked",
            "device_reported_lost",
            "user_disabled",
            "user_enabled",
            "second_factor_reset"
        ]
    );
    let (status, list) = call(&server, "overview", &json!({}), Some(&coordinator))?;
    assert_eq!(status, 200);
    let devices = list["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["username"] == "demo.specialist"))
        .map(|a| a["devices"].clone())
        .context("the specialist's devices")?;
    let standing_of = |id: &str| {
        devices
            .as_array()
            .and_then(|d| d.iter().find(|d| d["id"] == id))
            .map(|d| d["standing"].clone())
    };
    assert!(standing_of(&spare).is_some_and(|s| s.get("Revoked").is_some()));
    assert!(standing_of(&tablet).is_some_and(|s| s.get("ReportedLost").is_some()));
    Ok(())
}
