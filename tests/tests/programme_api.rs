//! The coordinator's programme functions over real HTTP, against the real
//! server binary and its SQLite file: only a coordinator's session may use
//! them; a listing with a refused row, or too big a file, writes nothing;
//! imports and assignments land in the audit trail with who made them;
//! and a connected tablet hears of its new person at once, not at its next
//! periodic caseload check. All names are invented.

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tsunagu_tests::admin::{TEST_PASSWORD, add_device, add_person, add_user, cli};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::http::{post_json, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

const LISTING: &str = "\
受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー
Z-9001,霧島 かなで,キリシマ カナデ,1970-01-02,女,架空岬病院,北病棟,2019-04-10,demo.caseworker
Z-9002,浜風 とおる,ハマカゼ トオル,1966-08-20,男,架空岬病院,南病棟,2026-01-05,demo.caseworker
";

/// A listing whose second row names no caseworker the server knows.
const BROKEN: &str = "\
受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー
Z-9101,岬 あおい,ミサキ アオイ,1971-02-03,女,架空岬病院,北病棟,2018-06-01,demo.caseworker
Z-9102,岬 ひろし,ミサキ ヒロシ,1968-09-09,男,架空岬病院,北病棟,2017-03-01,no.such.worker
";

fn bytes(text: &str) -> Value {
    json!(text.as_bytes())
}

fn listing_request(year: i32, file: Value) -> String {
    json!({"request": {"fiscal_year": year, "listed_on": null, "file": file}}).to_string()
}

/// Calls `/api/programme/<name>` with `body`; the status and the JSON answer.
fn call(
    server: &ServerProcess,
    name: &str,
    body: &str,
    cookie: Option<&str>,
) -> Result<(u16, Value)> {
    let reply = post_json(&server.url(&format!("/api/programme/{name}")), body, cookie)?;
    let value = serde_json::from_str(&reply.body)
        .with_context(|| format!("{name} answered {}: {}", reply.status, reply.body))?;
    Ok((reply.status, value))
}

/// The reason of an `Invalid` answer ("" for any other).
fn invalid_reason(answer: &Value) -> &str {
    answer["Invalid"].as_str().unwrap_or_default()
}

/// Sign-ins and previews are audited too; the checks below are about the
/// changes.
const NOT_SIGN_INS: &str =
    "action NOT IN ('signed_in', 'sign_in_failed', 'signed_out', 'listing_previewed')";

/// (persons, listings, assignments, audit entries but sign-ins) in the
/// database.
fn counts(dir: &Path) -> Result<[i64; 4]> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    let count = |table: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok([
        count("persons")?,
        count("listings")?,
        count("assignments")?,
        count(&format!("audit_log WHERE {NOT_SIGN_INS}"))?,
    ])
}

#[test]
fn only_a_coordinators_session_may_use_the_programme_functions() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let person = add_person(dir.path(), "灯台 みなみ")?;
    let before = counts(dir.path())?;
    let assign = json!({"username": "demo.specialist", "person_id": person, "from": "2026-04-01"})
        .to_string();
    let handover = json!({"from": "demo.specialist", "to": "demo.specialist2", "persons": [], "on": "2026-04-01"}).to_string();
    let calls: [(&str, String); 5] = [
        ("overview", "{}".to_owned()),
        ("preview_listing", listing_request(2026, bytes(LISTING))),
        ("import_listing", listing_request(2026, bytes(LISTING))),
        ("assign", assign),
        ("hand_over", handover),
    ];

    for (name, body) in &calls {
        let (status, answer) = call(&server, name, body, None)?;
        assert_ne!(status, 200, "{name} without a session");
        assert_eq!(answer, json!("NotSignedIn"), "{name}");
    }
    for user in [
        "demo.specialist",
        "demo.caseworker",
        "demo.peer",
        "demo.nurse",
    ] {
        let cookie = sign_in(&server.base_url, user, DEMO_PASSWORD)?;
        for (name, body) in &calls {
            let (status, answer) = call(&server, name, body, Some(&cookie))?;
            assert_ne!(status, 200, "{user} may not call {name}");
            assert_eq!(answer, json!("Forbidden"), "{user}: {name}");
        }
    }
    assert_eq!(counts(dir.path())?, before, "nothing changed");

    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let (status, overview) = call(&server, "overview", "{}", Some(&coordinator))?;
    assert_eq!(status, 200, "{overview}");
    let staff: Vec<&str> = overview["staff"]
        .as_array()
        .context("staff")?
        .iter()
        .filter_map(|s| s["username"].as_str())
        .collect();
    assert!(
        staff.contains(&"demo.specialist") && staff.contains(&"demo.nurse"),
        "{staff:?}"
    );
    let persons = overview["persons"].as_array().context("persons")?;
    assert_eq!(persons.len() as i64, before[0], "every person is listed");
    assert!(
        persons
            .iter()
            .any(|p| p["id"] == json!(person) && p["assignees"] == json!([])),
        "the new person is there, held by no one"
    );

    // Requests that cannot be carried out say why and change nothing.
    let before = counts(dir.path())?;
    let bad: [(&str, Value, &str); 5] = [
        (
            "assign",
            json!({"username": "demo.specialist", "person_id": "no-such-person", "from": "2026-04-01"}),
            "no person",
        ),
        (
            "assign",
            json!({"username": "nobody", "person_id": person, "from": "2026-04-01"}),
            "no active user",
        ),
        (
            "end_assignment",
            json!({"username": "demo.specialist", "person_id": person, "on": "2026-04-01"}),
            "holds no assignment",
        ),
        (
            "hand_over",
            json!({"from": "demo.specialist", "to": "demo.specialist", "persons": [], "on": "2026-04-01"}),
            "someone else",
        ),
        (
            "hand_over",
            json!({"from": "demo.specialist", "to": "demo.specialist2", "persons": [person], "on": "2026-04-01"}),
            "not on",
        ),
    ];
    for (name, body, reason) in bad {
        let (status, answer) = call(&server, name, &body.to_string(), Some(&coordinator))?;
        assert_ne!(status, 200, "{name} {body}");
        assert!(invalid_reason(&answer).contains(reason), "{name}: {answer}");
    }
    let (status, answer) = call(&server, "assign", "{\"username\": 7}", Some(&coordinator))?;
    assert_ne!(status, 200, "a malformed request: {answer}");
    assert_eq!(counts(dir.path())?, before, "nothing changed");
    Ok(())
}

#[test]
fn an_import_from_the_app_is_all_or_nothing_once_and_audited() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let cookie = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let before = counts(dir.path())?;

    // A refused row: the preview names it; importing writes nothing.
    let (status, preview) = call(
        &server,
        "preview_listing",
        &listing_request(2026, bytes(BROKEN)),
        Some(&cookie),
    )?;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["rows"].as_array().map(Vec::len), Some(1));
    let refused = &preview["refused"][0];
    assert_eq!(refused["line"], json!(3));
    assert_eq!(
        refused["problems"][0]["NotACaseworker"]["who"],
        json!("no.such.worker"),
        "a typed reason the screen words in its language: {refused}"
    );
    let (status, answer) = call(
        &server,
        "import_listing",
        &listing_request(2026, bytes(BROKEN)),
        Some(&cookie),
    )?;
    assert_eq!(status, 422);
    assert_eq!(
        answer["Listing"]["RowsRefused"],
        json!(1),
        "a typed file-level refusal: {answer}"
    );

    // Too big a file is refused before it is read.
    let huge = json!(vec![b'a'; 300 * 1024]);
    let (status, answer) = call(
        &server,
        "import_listing",
        &listing_request(2026, huge),
        Some(&cookie),
    )?;
    assert_eq!(status, 422);
    assert_eq!(
        answer["Listing"]["TooLarge"]["max"],
        json!(256 * 1024),
        "{answer}"
    );
    assert_eq!(counts(dir.path())?, before, "nothing written");

    // A good file: both rows, the short stay flagged; then again: no change.
    let (status, done) = call(
        &server,
        "import_listing",
        &listing_request(2026, bytes(LISTING)),
        Some(&cookie),
    )?;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        done,
        json!({"new_persons": 2, "listed": 2, "already_listed": 0, "flagged": 1})
    );
    let after = counts(dir.path())?;
    assert_eq!(after[0], before[0] + 2, "two persons");
    assert_eq!(after[1], before[1] + 2, "two listing entries");
    assert_eq!(after[2], before[2] + 2, "the caseworker holds both");
    let (_, again) = call(
        &server,
        "import_listing",
        &listing_request(2026, bytes(LISTING)),
        Some(&cookie),
    )?;
    assert_eq!(
        again,
        json!({"new_persons": 0, "listed": 0, "already_listed": 2, "flagged": 0})
    );
    assert_eq!(
        counts(dir.path())?[..3],
        after[..3],
        "re-import changes nothing"
    );

    // The trail: who, what, and no names.
    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let coordinator: i64 = conn.query_row(
        "SELECT id FROM users WHERE username = 'demo.coordinator'",
        [],
        |r| r.get(0),
    )?;
    let trail: Vec<(Option<i64>, String, String)> = conn
        .prepare(&format!(
            "SELECT actor_user_id, action, detail FROM audit_log WHERE {NOT_SIGN_INS} ORDER BY id"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    assert_eq!(trail.len(), 2, "{trail:?}");
    for (actor, action, detail) in &trail {
        assert_eq!(*actor, Some(coordinator));
        assert_eq!(action, "listing_import");
        assert!(
            !detail.contains("霧島") && !detail.contains("Z-9001"),
            "no personal data: {detail}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_reaches_a_connected_tablet_at_once_and_is_audited() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let person = add_person(dir.path(), "灯台 みなみ")?;
    let (_, token) = add_device(dir.path(), "demo.specialist2")?;
    let mut tablet =
        LiveDevice::open(NativeDevice::new(&token, "tablet"), &server.base_url).await?;
    let holds = |person: &str| {
        let person = person.to_owned();
        move |store: &mut tsunagu_sync::session::device_store::DeviceStore| {
            store.load_all().expect("received records load");
            store
                .ids()
                .filter_map(|id| store.record(id))
                .any(|r| r.meta().person_id == person)
        }
    };
    assert!(
        !holds(&person)(&mut tablet.device.store),
        "not on the caseload yet"
    );

    let base = server.base_url.clone();
    let body = json!({"username": "demo.specialist2", "person_id": person, "from": "2026-01-01"})
        .to_string();
    let assigned = tokio::task::spawn_blocking(move || -> Result<(u16, String)> {
        let cookie = sign_in(&base, "demo.coordinator", DEMO_PASSWORD)?;
        let reply = post_json(
            &format!("{base}/api/programme/assign"),
            &body,
            Some(&cookie),
        )?;
        Ok((reply.status, reply.body))
    })
    .await??;
    assert_eq!(assigned.0, 200, "{}", assigned.1);

    // Well inside the 60 s periodic check: the server nudged the connection.
    tablet
        .receive_until(Duration::from_secs(15), holds(&person))
        .await?;
    tablet.close().await;

    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let (action, detail): (String, String) = conn.query_row(
        &format!("SELECT action, detail FROM audit_log WHERE actor_user_id = (SELECT id FROM users WHERE username = 'demo.coordinator') AND {NOT_SIGN_INS}"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    assert_eq!(action, "assign");
    assert!(detail.contains(&person), "{detail}");
    Ok(())
}

#[test]
fn only_an_auditor_reads_the_audit_trail_and_it_names_who_did_what() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    // After the demo seed, which runs only on a database without users.
    add_user(dir.path(), "audit.one", "auditor")?;
    let (device, _) = add_device(dir.path(), "demo.nurse")?;
    cli(dir.path(), &["device", "revoke", "--id", &device], None)?;
    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let (status, _) = call(
        &server,
        "import_listing",
        &listing_request(2026, bytes(LISTING)),
        Some(&coordinator),
    )?;
    assert_eq!(status, 200);

    let (_, answer) = call(&server, "audit_trail", "{}", None)?;
    assert_eq!(answer, json!("NotSignedIn"));
    for user in ["demo.coordinator", "demo.specialist", "demo.caseworker"] {
        let cookie = sign_in(&server.base_url, user, DEMO_PASSWORD)?;
        let (status, answer) = call(&server, "audit_trail", "{}", Some(&cookie))?;
        assert_ne!(status, 200);
        assert_eq!(answer, json!("Forbidden"), "{user}");
    }

    let auditor = sign_in(&server.base_url, "audit.one", TEST_PASSWORD)?;
    let (status, trail) = call(&server, "audit_trail", "{}", Some(&auditor))?;
    assert_eq!(status, 200, "{trail}");
    let entries: Vec<(String, Value)> = trail
        .as_array()
        .context("a list")?
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["actor"].clone(),
            )
        })
        .filter(|(action, _)| !action.starts_with("sign"))
        .collect();
    assert_eq!(
        entries,
        vec![
            ("listing_import".to_owned(), json!("調整 一郎")),
            ("device_revoked".to_owned(), Value::Null),
            ("device_registered".to_owned(), Value::Null),
        ],
        "newest first; the command line has no name"
    );
    assert!(
        trail.to_string().find("霧島").is_none(),
        "no person's name in the trail"
    );
    Ok(())
}
