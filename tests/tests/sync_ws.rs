//! Sync over the real `/sync` WebSocket of the real server binary, with
//! native devices running the same client session as the browser.

use chrono::{TimeZone, Utc};
use std::path::Path;
use tsunagu_sync::protocol::{ErrorCode, Rejection, ServerMessage};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign, cli, unassign};
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::server::ServerProcess;

struct Team {
    person: String,
    spec: Member,
    cw: Member,
    peer: Member,
    other: Member,
}

/// A user with one device: the ids their changes are signed with, and
/// the device's token.
struct Member {
    user: String,
    device: String,
    token: String,
}

/// Users of each role, one person on the team's caseload, and a specialist
/// assigned to a different person; one device each (id, token).
fn team(dir: &Path) -> anyhow::Result<Team> {
    let person = add_person(dir, "試験 一号")?;
    let elsewhere = add_person(dir, "試験 二号")?;
    let device = |user: &str, role: &str, assigned_to: &str| -> anyhow::Result<Member> {
        let user_id = add_user(dir, user, role)?;
        assign(dir, user, assigned_to)?;
        let (device, token) = add_device(dir, user)?;
        Ok(Member {
            user: user_id,
            device,
            token,
        })
    };
    Ok(Team {
        spec: device("spec", "support_specialist", &person)?,
        cw: device("cw", "caseworker", &person)?,
        peer: device("peer", "peer_supporter", &person)?,
        other: device("other", "support_specialist", &elsewhere)?,
        person,
    })
}

fn edit(by: &str, minute: u32) -> Edit {
    Edit {
        by: by.into(),
        name: None,
        at: Utc.with_ymd_and_hms(2026, 6, 1, 9, minute, 0).unwrap(),
    }
}

fn new_note(kind: RecordKind, person: &str, device: &str, n: u32) -> NewRecord {
    let at = edit("x", n % 60).at;
    let fields = match kind {
        RecordKind::WardInterview => vec![
            ("occurred_on".into(), FieldValue::Date(at.date_naive())),
            ("place".into(), FieldValue::Str("ward".into())),
            ("interview_type".into(), FieldValue::Str("continued".into())),
        ],
        RecordKind::Outing => vec![
            ("occurred_on".into(), FieldValue::Date(at.date_naive())),
            (
                "activity_type".into(),
                FieldValue::Str("accompanied_outing".into()),
            ),
        ],
        other => panic!("no fixture for {other}"),
    };
    let mut random = [0u8; 10];
    random[..4].copy_from_slice(&n.to_be_bytes());
    random[4..].copy_from_slice(&device.as_bytes()[..6]);
    NewRecord {
        id: new_record_id(at, random),
        kind,
        person_id: person.into(),
        device: device.into(),
        fields,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_reach_exactly_the_devices_entitled_to_them() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut spec = NativeDevice::new(&t.spec.token, "spec-tab");
    let mut cw = NativeDevice::new(&t.cw.token, "cw-tab");
    let mut peer = NativeDevice::new(&t.peer.token, "peer-tab");
    let mut other = NativeDevice::new(&t.other.token, "other-tab");

    // Written offline on the ward, synced later.
    let interview = spec.store.create(
        new_note(RecordKind::WardInterview, &t.person, &t.spec.device, 1),
        &edit(&t.spec.user, 1),
    )?;
    spec.store.edit(&interview, |r| {
        r.replace_text(
            "situation",
            "病棟の面会室で話した。",
            &edit(&t.spec.user, 2),
        )
    })?;
    assert_eq!(spec.store.waiting(), 2);
    let stats = spec.sync(&url).await?;
    assert_eq!(spec.store.waiting(), 0, "acknowledged once committed");
    assert_eq!(
        stats.round_trips, 1,
        "hello and push travel together: {stats:?}"
    );
    // Its cursor moved past its own push: nothing comes back next time.
    let again = spec.sync(&url).await?;
    assert!(again.bytes_down < 60, "{again:?}");

    cw.sync(&url).await?;
    assert_eq!(
        cw.store
            .record_mut(&interview)
            .expect("caseworker receives it")
            .text("situation")?,
        "病棟の面会室で話した。"
    );
    peer.sync(&url).await?;
    other.sync(&url).await?;
    assert_eq!(peer.note_count(), 0, "peers never receive interviews");
    other.store.load_all()?;
    let about_person = other
        .store
        .ids()
        .filter(|id| other.store.record(id).unwrap().meta().person_id == t.person)
        .count();
    assert_eq!(
        about_person, 0,
        "nobody receives a person not on their caseload, not even the profile"
    );
    assert_eq!(
        other.store.ids().count(),
        2,
        "only their own person's profile and card"
    );

    // A peer's outing reaches the specialist but not the caseworker.
    let outing = peer.store.create(
        new_note(RecordKind::Outing, &t.person, &t.peer.device, 3),
        &edit(&t.peer.user, 3),
    )?;
    peer.sync(&url).await?;
    assert_eq!(peer.store.waiting(), 0);
    spec.sync(&url).await?;
    cw.sync(&url).await?;
    assert!(spec.store.record_mut(&outing).is_some());
    assert!(cw.store.record_mut(&outing).is_none());

    // Concurrent offline edits of the same narrative merge everywhere.
    spec.store.edit(&interview, |r| {
        r.splice_text("situation", 0, 0, "午後、", &edit(&t.spec.user, 4))
    })?;
    let end = cw
        .store
        .record_mut(&interview)
        .unwrap()
        .text("situation")?
        .chars()
        .count();
    cw.store.edit(&interview, |r| {
        r.splice_text(
            "situation",
            end,
            0,
            "住まいの希望を聞いた。",
            &edit(&t.cw.user, 5),
        )
    })?;
    spec.sync(&url).await?;
    cw.sync(&url).await?;
    spec.sync(&url).await?;
    let merged = "午後、病棟の面会室で話した。住まいの希望を聞いた。";
    assert_eq!(
        spec.store
            .record_mut(&interview)
            .unwrap()
            .text("situation")?,
        merged
    );
    assert_eq!(
        cw.store.record_mut(&interview).unwrap().text("situation")?,
        merged
    );

    // Nothing new: one round trip, a few bytes.
    let idle = spec.sync(&url).await?;
    assert_eq!(idle.round_trips, 1);
    assert!(idle.bytes_up + idle.bytes_down < 100, "{idle:?}");
    drop(server);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_notes_survive_a_killed_server() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let mut spec = NativeDevice::new(&t.spec.token, "spec-tab");
    let mut ids = Vec::new();
    for n in 0..20 {
        let id = spec.store.create(
            new_note(RecordKind::WardInterview, &t.person, &t.spec.device, n),
            &edit(&t.spec.user, n),
        )?;
        spec.store.edit(&id, |r| {
            r.replace_text(
                "plan_next",
                &format!("次回は{n}日後に面会。"),
                &edit(&t.spec.user, n),
            )
        })?;
        ids.push(id);
    }
    spec.sync(&server.base_url).await?;
    assert_eq!(spec.store.waiting(), 0);
    server.kill_hard()?;

    // SQLite's whole-file check; PostgreSQL's crash recovery has none.
    if let Some(check) = tsunagu_tests::postgres::integrity_check(dir.path())? {
        assert_eq!(check, "ok");
    }

    let server = ServerProcess::start(dir.path(), &[])?;
    let mut cw = NativeDevice::new(&t.cw.token, "cw-tab");
    cw.sync(&server.base_url).await?;
    for (n, id) in ids.iter().enumerate() {
        let record = cw
            .store
            .record_mut(id)
            .expect("every acknowledged note is there");
        assert_eq!(record.text("plan_next")?, format!("次回は{n}日後に面会。"));
    }
    Ok(())
}

/// A device that was caught up and then missed a long stretch of work
/// (more entries than one feed page looks at) gets all of it, in pages,
/// in one sync; the next sync brings nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_longer_than_a_page_arrives_whole() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut spec = NativeDevice::new(&t.spec.token, "spec-tab");
    let mut cw = NativeDevice::new(&t.cw.token, "cw-tab");
    cw.sync(&url).await?;
    assert_eq!(cw.note_count(), 0);

    let notes = 2_100;
    for n in 0..notes {
        spec.store.create(
            new_note(RecordKind::WardInterview, &t.person, &t.spec.device, n),
            &edit(&t.spec.user, n % 60),
        )?;
    }
    spec.sync(&url).await?;
    assert_eq!(spec.store.waiting(), 0);

    let stats = cw.sync(&url).await?;
    assert_eq!(cw.note_count(), notes as usize, "{stats:?}");
    assert!(
        stats.frames_down >= 2,
        "a backlog this long takes more than one page: {stats:?}"
    );
    let again = cw.sync(&url).await?;
    assert!(again.bytes_down < 60, "nothing is sent twice: {again:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_revoked_devices_and_bad_frames_are_refused() -> anyhow::Result<()> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    assert_eq!(
        NativeDevice::connect(&server.base_url, "not-a-token")
            .await?
            .err(),
        Some(401)
    );

    let mut ws = NativeDevice::connect(&server.base_url, &t.cw.token)
        .await?
        .expect("valid token");
    ws.send(Message::Binary(vec![1, 1, 0xff, 0xff, 0xff].into()))
        .await?;
    let reply = ws.next().await.expect("a reply")?;
    let Message::Binary(bytes) = reply else {
        panic!("expected a binary error frame, got {reply:?}")
    };
    assert!(matches!(
        ServerMessage::decode(&bytes)?,
        ServerMessage::Error {
            code: ErrorCode::Malformed,
            ..
        }
    ));
    assert!(
        matches!(ws.next().await, Some(Ok(Message::Close(_))) | None),
        "then the server closes"
    );

    cli(
        dir.path(),
        &["device", "revoke", "--id", &t.cw.device],
        None,
    )?;
    assert_eq!(
        NativeDevice::connect(&server.base_url, &t.cw.token)
            .await?
            .err(),
        Some(403)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handover_moves_the_whole_history_and_purges_the_old_device() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut spec = NativeDevice::new(&t.spec.token, "spec-tab");
    let mut cw = NativeDevice::new(&t.cw.token, "cw-tab");
    let mut other = NativeDevice::new(&t.other.token, "other-tab");
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(spec.store.create(
            new_note(RecordKind::WardInterview, &t.person, &t.spec.device, n),
            &edit(&t.spec.user, n),
        )?);
        spec.sync(&url).await?;
        // `other` keeps syncing, so its cursor moves past the person's history.
        other.sync(&url).await?;
    }
    cw.sync(&url).await?;
    assert_eq!(cw.note_count(), 5);
    assert_eq!(other.note_count(), 0);

    // Written offline before the transfer, synced after it: still accepted.
    let late = cw.store.create(
        new_note(RecordKind::WardInterview, &t.person, &t.cw.device, 7),
        &edit(&t.cw.user, 7),
    )?;
    // The caseworker is transferred; `other` takes the person over.
    unassign(dir.path(), "cw", &t.person)?;
    assign(dir.path(), "other", &t.person)?;
    other.sync(&url).await?;
    for id in &ids {
        assert!(
            other.store.record_mut(id).is_some(),
            "the new worker receives the whole history"
        );
    }
    cw.sync(&url).await?;
    assert_eq!(
        cw.store.ids().count(),
        0,
        "the old worker's device purged the person, profile included"
    );
    assert!(cw.store.rejected().is_empty(), "{:?}", cw.store.rejected());
    other.sync(&url).await?;
    assert!(
        other.store.record_mut(&late).is_some(),
        "the note written before the handover arrived"
    );

    // Once confirmed, nothing is sent again: an idle sync stays tiny.
    let idle = other.sync(&url).await?;
    assert!(idle.bytes_down < 60, "{idle:?}");
    let idle = cw.sync(&url).await?;
    assert!(idle.bytes_down < 60, "{idle:?}");

    // New notes keep flowing to the new worker and not to the old one.
    let later = spec.store.create(
        new_note(RecordKind::WardInterview, &t.person, &t.spec.device, 9),
        &edit(&t.spec.user, 9),
    )?;
    spec.sync(&url).await?;
    other.sync(&url).await?;
    cw.sync(&url).await?;
    assert!(other.store.record_mut(&later).is_some());
    assert!(cw.store.record_mut(&later).is_none());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_dated_after_an_assignment_ended_are_refused_and_kept() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut cw = NativeDevice::new(&t.cw.token, "cw-tab");
    unassign(dir.path(), "cw", &t.person)?;
    // A device whose user no longer holds the person writes "tomorrow".
    let tomorrow = Utc::now() + chrono::Duration::days(2);
    let mut note = new_note(RecordKind::WardInterview, &t.person, &t.cw.device, 1);
    note.id = new_record_id(tomorrow, [7; 10]);
    let id = cw.store.create(
        note,
        &Edit {
            by: t.cw.user.clone(),
            name: None,
            at: tomorrow,
        },
    )?;
    cw.sync(&url).await?;
    assert!(
        matches!(cw.store.rejected().get(&id), Some(Rejection::Forbidden)),
        "{:?}",
        cw.store.rejected()
    );
    let stored = tsunagu_tests::postgres::count(
        dir.path(),
        "SELECT count(*) FROM records WHERE kind NOT IN ('person', 'person_card')",
        &[],
    )?;
    assert_eq!(stored, 0, "nothing was written");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handover_moves_the_caseload_in_one_step_and_enters_the_timeline() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let t = team(dir.path())?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut spec = NativeDevice::new(&t.spec.token, "spec-tab");
    let mut other = NativeDevice::new(&t.other.token, "other-tab");
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(spec.store.create(
            new_note(RecordKind::WardInterview, &t.person, &t.spec.device, n),
            &edit(&t.spec.user, n),
        )?);
    }
    spec.sync(&url).await?;
    other.sync(&url).await?;
    assert_eq!(other.note_count(), 0);

    // The coordinator hands the specialist's whole caseload over.
    let out = cli(
        dir.path(),
        &["handover", "--from", "spec", "--to", "other"],
        None,
    )?;
    assert!(out.contains(&format!("handed over {}", t.person)), "{out}");
    assert!(
        out.contains("1 person(s) handed over from spec to other"),
        "{out}"
    );

    other.sync(&url).await?;
    for id in &ids {
        assert!(
            other.store.record_mut(id).is_some(),
            "the new worker has the history"
        );
    }
    other.store.load_all()?;
    let handover = other
        .store
        .ids()
        .filter_map(|id| other.store.record(id))
        .find(|r| r.meta().kind == RecordKind::Handover)
        .expect("the timeline records the handover");
    assert_eq!(handover.meta().person_id, t.person);
    assert_eq!(
        handover.get("from_worker")?,
        Some(FieldValue::Str("spec".into()))
    );
    assert_eq!(
        handover.get("to_worker")?,
        Some(FieldValue::Str("other".into()))
    );

    spec.sync(&url).await?;
    assert_eq!(
        spec.store.ids().count(),
        0,
        "the old worker's device purged the person"
    );

    // A person not on the caseload cannot be handed over; nothing changes.
    let refused = cli(
        dir.path(),
        &[
            "handover",
            "--from",
            "spec",
            "--to",
            "other",
            "--person-id",
            &t.person,
        ],
        None,
    );
    assert!(refused.is_err(), "spec no longer has the person");
    Ok(())
}
