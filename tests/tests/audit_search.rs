//! The auditor's search and CSV export over real HTTP, against the real
//! server binary and its SQLite file: only an auditor's session may; each
//! filter (an id mentioned, who acted, action, Japan dates) returns exactly
//! the entries the database holds for it; every search and export is
//! itself recorded in the trail.

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use tsunagu_tests::admin::{TEST_PASSWORD, add_device, add_user, cli};
use tsunagu_tests::http::{post_json, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

fn call(
    server: &ServerProcess,
    name: &str,
    filter: Value,
    cookie: Option<&str>,
) -> Result<(u16, Value)> {
    let reply = post_json(
        &server.url(&format!("/api/audit/{name}")),
        &json!({ "filter": filter }).to_string(),
        cookie,
    )?;
    let value = serde_json::from_str(&reply.body)
        .with_context(|| format!("{name} answered {}: {}", reply.status, reply.body))?;
    Ok((reply.status, value))
}

/// Entries in the database matching an SQL condition.
fn count(dir: &Path, condition: &str) -> Result<i64> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    Ok(conn.query_row(
        &format!(
            "SELECT count(*) FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id WHERE {condition}"
        ),
        [],
        |r| r.get(0),
    )?)
}

fn actions(page: &Value) -> Vec<&str> {
    page["entries"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn an_auditor_finds_exactly_what_each_filter_names_and_every_read_is_recorded() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    add_user(dir.path(), "audit.one", "auditor")?;
    let (kept, _) = add_device(dir.path(), "demo.specialist")?;
    let (gone, _) = add_device(dir.path(), "demo.nurse")?;
    cli(dir.path(), &["device", "revoke", "--id", &gone], None)?;
    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let revoke = post_json(
        &server.url("/api/admin/device"),
        &json!({"device_id": kept, "action": "Revoke"}).to_string(),
        Some(&coordinator),
    )?;
    assert_eq!(revoke.status, 200, "{}", revoke.body);

    // Nobody but an auditor; a refusal records nothing.
    let before = count(dir.path(), "1")?;
    assert_eq!(
        call(&server, "search", json!({}), None)?,
        (401, json!("NotSignedIn"))
    );
    for name in ["search", "export"] {
        assert_eq!(
            call(&server, name, json!({}), Some(&coordinator))?,
            (403, json!("Forbidden")),
            "{name}"
        );
    }
    assert_eq!(count(dir.path(), "1")?, before);

    let auditor = sign_in(&server.base_url, "audit.one", TEST_PASSWORD)?;
    let search = |filter: Value| -> Result<Value> {
        let (status, page) = call(&server, "search", filter.clone(), Some(&auditor))?;
        anyhow::ensure!(status == 200, "{filter}: {page}");
        Ok(page)
    };
    let all = search(json!({}))?;
    assert_eq!(
        all["total"],
        count(dir.path(), "action <> 'audit_read'")?,
        "everything before this read (the auditor's sign-in included)"
    );
    assert!(all["actors"].as_array().is_some_and(|a| a.len() >= 7));
    assert!(
        all["actions"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("device_revoked")))
    );

    let revoked = search(json!({"action": "device_revoked"}))?;
    assert_eq!(
        revoked["total"],
        count(dir.path(), "action = 'device_revoked'")?
    );
    assert_eq!(actions(&revoked), ["device_revoked", "device_revoked"]);

    let mentions = search(json!({"mentions": gone}))?;
    assert_eq!(
        mentions["total"],
        count(
            dir.path(),
            &format!("instr(detail, '{gone}') > 0 AND action NOT LIKE 'audit_%'")
        )?
    );
    assert_eq!(actions(&mentions), ["device_revoked", "device_registered"]);

    let by_coordinator = search(json!({"actor": "demo.coordinator"}))?;
    assert_eq!(
        actions(&by_coordinator),
        ["device_revoked", "signed_in"],
        "the coordinator's sign-in and one action"
    );

    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).context("offset")?)
        .date_naive();
    let (yesterday, tomorrow) = (
        today.pred_opt().context("day")?,
        today.succ_opt().context("day")?,
    );
    assert_eq!(search(json!({"from": tomorrow}))?["total"], 0);
    assert_eq!(search(json!({"to": yesterday}))?["total"], 0);
    let on_today = search(json!({"from": today, "to": today, "action": "device_revoked"}))?;
    assert_eq!(on_today["total"], 2);

    let (status, answer) = call(
        &server,
        "search",
        json!({"mentions": "x".repeat(201)}),
        Some(&auditor),
    )?;
    assert_eq!(status, 422, "{answer}");

    // Each successful search above is in the trail, with its filter.
    let reads = count(dir.path(), "action = 'audit_read'")?;
    assert_eq!(reads, 7);
    assert_eq!(
        count(
            dir.path(),
            &format!("action = 'audit_read' AND instr(detail, '{gone}') > 0")
        )?,
        1
    );

    // The export holds every match, with a header, and is recorded.
    let (status, file) = call(
        &server,
        "export",
        json!({"action": "device_revoked"}),
        Some(&auditor),
    )?;
    assert_eq!(status, 200, "{file}");
    let csv = file["csv"].as_str().context("csv")?;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers()?.iter().collect::<Vec<_>>(),
        ["id", "at", "actor_username", "actor", "action", "detail"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| &r[4] == "device_revoked"));
    assert_eq!(&rows[0][2], "demo.coordinator");
    assert!(rows[0][1].ends_with("+09:00"), "{}", &rows[0][1]);
    assert!(
        file["file_name"]
            .as_str()
            .is_some_and(|n| n.ends_with(".csv"))
    );
    assert_eq!(count(dir.path(), "action = 'audit_exported'")?, 1);
    Ok(())
}
