//! What a tablet promises, the server enforces against a tablet that does
//! not keep it: changes built with raw automerge, pushed in the protocol's
//! own frames over a real WebSocket to the real server binary. Each is
//! refused with its reason, and nothing of it is stored, added to the feed
//! or sent to a colleague's device. On the main before this change, every
//! one of these pushes was `Stored`.

use anyhow::Result;
use automerge::transaction::Transactable;
use chrono::{Duration, Utc};
use std::path::Path;
use tsunagu_sync::protocol::{DocChanges, DocOutcome, Rejection};
use tsunagu_sync::record::{Edit, FieldValue};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign, unassign};
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::fixtures::{feed_entries, record_stored, stored_snapshot, ward_interview};
use tsunagu_tests::hostile::{RawRecord, push, signed};
use tsunagu_tests::server::ServerProcess;

/// A specialist with a device (ids and token); users are named after
/// their username.
struct Worker {
    name: &'static str,
    user: String,
    device: String,
    token: String,
}

fn worker(dir: &Path, name: &'static str, person: &str) -> Result<Worker> {
    let user = add_user(dir, name, "support_specialist")?;
    assign(dir, name, person)?;
    let (device, token) = add_device(dir, name)?;
    Ok(Worker {
        name,
        user,
        device,
        token,
    })
}

fn edit(worker: &Worker, at: chrono::DateTime<Utc>) -> Edit {
    Edit {
        by: worker.user.clone(),
        name: Some(worker.name.to_owned()),
        at,
    }
}

/// Raw edits a hostile tablet makes to a record.
type Attack<'a> = dyn Fn(&mut RawRecord) -> Result<()> + 'a;

/// The one outcome of a push of one record.
fn outcome(results: Result<Vec<DocOutcome>, String>) -> DocOutcome {
    let mut results = results.expect("the push is answered, not refused whole");
    assert_eq!(results.len(), 1);
    results.remove(0)
}

fn refused(outcome: &DocOutcome) -> Option<&Rejection> {
    match outcome {
        DocOutcome::Rejected { reason, .. } => Some(reason),
        DocOutcome::Stored { .. } | DocOutcome::Partly { .. } => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finalised_record_changes_only_by_the_pusher_s_amendment() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 五号")?;
    let spec = worker(dir.path(), "spec", &person)?;
    let other = worker(dir.path(), "other", &person)?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();

    let mut tablet = NativeDevice::new(&spec.token, "spec-tab");
    let now = Utc::now();
    let (new, first) = ward_interview(&person, &spec.device, &spec.user, now, [5; 10]);
    let id = tablet.store.create(new, &first)?;
    tablet.store.edit(&id, |r| {
        r.replace_text("situation", "病棟で面会した。", &first)?;
        r.finalise(&first)
    })?;
    tablet.sync(&url).await?;
    let mut colleague = NativeDevice::new(&other.token, "other-tab");
    colleague.sync(&url).await?;
    let before = stored_snapshot(dir.path(), &id)?.expect("stored");
    let feed = feed_entries(dir.path())?;

    let attacks: [(&str, Box<Attack>); 3] = [
        (
            "plain rewrite",
            Box::new(|raw| {
                raw.rewrite("situation", "書き換えた。")?;
                let fields = raw.object("fields")?;
                raw.doc().put(&fields, "place", "home")?;
                Ok(())
            }),
        ),
        (
            "back to draft",
            Box::new(|raw| {
                let meta = raw.object("meta")?;
                raw.doc().put(&meta, "status", "draft")?;
                Ok(())
            }),
        ),
        (
            "amendment in a colleague's name",
            Box::new(|raw| {
                let list = raw.object("amendments")?;
                let entry = raw.doc().insert_object(&list, 0, automerge::ObjType::Map)?;
                raw.doc().put(
                    &entry,
                    "at",
                    automerge::ScalarValue::Timestamp(now.timestamp_millis()),
                )?;
                raw.doc().put(&entry, "by", other.user.as_str())?;
                raw.doc().put(&entry, "reason", "誤記")?;
                let meta = raw.object("meta")?;
                raw.doc().put(&meta, "status", "amended")?;
                raw.rewrite("situation", "書き換えた。")?;
                Ok(())
            }),
        ),
    ];
    for (what, attack) in attacks {
        let mut raw = RawRecord::open(Some(&before), "hostile-actor")?;
        attack(&mut raw)?;
        let change = raw.commit(&signed(&spec.user, Some(spec.name)), now)?;
        let docs = vec![DocChanges {
            id: id.clone(),
            changes: vec![change],
        }];
        let result = outcome(push(&url, &spec.token, docs).await?);
        let want = if what.contains("colleague") {
            Rejection::Authorship
        } else {
            Rejection::Finalised
        };
        assert_eq!(refused(&result), Some(&want), "{what}");
        assert_eq!(
            stored_snapshot(dir.path(), &id)?.as_ref(),
            Some(&before),
            "{what}"
        );
        assert_eq!(
            feed_entries(dir.path())?,
            feed,
            "{what}: nothing in the feed"
        );
    }
    let stats = colleague.sync(&url).await?;
    assert!(
        stats.bytes_down < 200,
        "nothing reached the colleague: {stats:?}"
    );

    // The honest way: an amendment with a reason, by the user who pushes it.
    let later = edit(&spec, now + Duration::minutes(1));
    tablet.store.edit(&id, |r| {
        r.amend(
            "記載誤り",
            &later,
            &[tsunagu_sync::record::Amendment::ReplaceText(
                "situation",
                "病棟の面会室で面会した。",
            )],
        )
    })?;
    tablet.sync(&url).await?;
    assert!(
        tablet.store.rejected().is_empty(),
        "{:?}",
        tablet.store.rejected()
    );
    colleague.sync(&url).await?;
    let record = colleague.store.record_mut(&id).expect("held");
    assert_eq!(record.text("situation")?, "病棟の面会室で面会した。");
    assert_eq!(
        record.amendments()?[0].1,
        spec.user,
        "the amendment says who"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_signed_as_someone_else_are_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 六号")?;
    let spec = worker(dir.path(), "spec", &person)?;
    let other = worker(dir.path(), "other", &person)?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let now = Utc::now();

    // A shared draft of the specialist's, which the colleague may edit.
    let mut tablet = NativeDevice::new(&spec.token, "spec-tab");
    let (new, first) = ward_interview(&person, &spec.device, &spec.user, now, [6; 10]);
    let draft = tablet.store.create(new, &first)?;
    tablet.sync(&url).await?;
    let before = stored_snapshot(dir.path(), &draft)?.expect("stored");
    let feed = feed_entries(dir.path())?;

    // 1. A new note "by" the specialist, made on the colleague's device.
    let mut forger = NativeDevice::new(&other.token, "other-tab");
    let (new, _) = ward_interview(&person, &spec.device, &spec.user, now, [7; 10]);
    let forged = forger.store.create(new, &edit(&spec, now))?;
    let saved = forger.store.export(&forged).expect("made").document;
    let result = outcome(
        push(
            &url,
            &other.token,
            vec![DocChanges {
                id: forged.clone(),
                changes: vec![saved],
            }],
        )
        .await?,
    );
    assert_eq!(refused(&result), Some(&Rejection::Authorship));
    assert!(!record_stored(dir.path(), &forged)?);

    // 2. Edits to the shared draft signed with the specialist's id, or
    // with the colleague's id under the specialist's name.
    for message in [
        signed(&spec.user, Some(spec.name)),
        signed(&spec.user, None),
        signed(&other.user, Some(spec.name)),
    ] {
        let mut raw = RawRecord::open(Some(&before), "forger-actor")?;
        raw.rewrite("situation", "偽の記録。")?;
        let change = raw.commit(&message, now)?;
        let result = outcome(
            push(
                &url,
                &other.token,
                vec![DocChanges {
                    id: draft.clone(),
                    changes: vec![change],
                }],
            )
            .await?,
        );
        assert_eq!(
            refused(&result),
            Some(&Rejection::Authorship),
            "{message:?}"
        );
        assert_eq!(stored_snapshot(dir.path(), &draft)?.as_ref(), Some(&before));
    }
    assert_eq!(feed_entries(dir.path())?, feed, "nothing in the feed");
    let stats = tablet.sync(&url).await?;
    assert!(
        stats.bytes_down < 200,
        "nothing reached the specialist: {stats:?}"
    );

    // Signed as who they are, the colleague's edit is stored, and the
    // history names them.
    let mut honest = NativeDevice::new(&other.token, "other-tab-2");
    honest.sync(&url).await?;
    honest.store.edit(&draft, |r| {
        r.replace_text("situation", "同席して記録した。", &edit(&other, now))
    })?;
    honest.sync(&url).await?;
    assert!(
        honest.store.rejected().is_empty(),
        "{:?}",
        honest.store.rejected()
    );
    tablet.sync(&url).await?;
    let versions = tablet.store.record_mut(&draft).expect("held").versions();
    assert_eq!(
        versions.last().map(|v| v.by.as_str()),
        Some(other.user.as_str())
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_or_unknown_content_is_refused_and_never_delivered() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 七号")?;
    let spec = worker(dir.path(), "spec", &person)?;
    let other = worker(dir.path(), "other", &person)?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut colleague = NativeDevice::new(&other.token, "other-tab");
    colleague.sync(&url).await?;
    let now = Utc::now();

    for (n, junk) in [1_000_000usize, 10_000_000].into_iter().enumerate() {
        // A valid note with one extra top-level entry holding `junk`
        // characters: a few kilobytes on the wire.
        let mut tablet = NativeDevice::new(&spec.token, "spec-tab");
        let (new, first) =
            ward_interview(&person, &spec.device, &spec.user, now, [8 + n as u8; 10]);
        let id = tablet.store.create(new, &first)?;
        let saved = tablet.store.export(&id).expect("made").document;
        let mut raw = RawRecord::open(Some(&saved), "hostile-actor")?;
        raw.doc().put(automerge::ROOT, "junk", "a".repeat(junk))?;
        let change = raw.commit(&signed(&spec.user, Some(spec.name)), now)?;
        assert!(change.len() < 50_000, "{} bytes", change.len());
        let result = outcome(
            push(
                &url,
                &spec.token,
                vec![DocChanges {
                    id: id.clone(),
                    changes: vec![saved, change],
                }],
            )
            .await?,
        );
        match refused(&result) {
            Some(Rejection::TooLarge(_)) => assert!(junk > 4_000_000),
            Some(Rejection::Invalid(reason)) => assert!(reason.contains("junk"), "{reason}"),
            other => panic!("{junk} characters: {other:?}"),
        }
        assert!(!record_stored(dir.path(), &id)?);
    }
    colleague.sync(&url).await?;
    assert_eq!(colleague.note_count(), 0, "nothing was delivered");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_purged_a_person_sends_no_late_notes_for_them() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 八号")?;
    let spec = worker(dir.path(), "spec", &person)?;
    // The same user's second tablet, offline since before the handover.
    let (second_device, second_token) = add_device(dir.path(), "spec")?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let yesterday = Utc::now() - Duration::days(1);

    let mut tablet = NativeDevice::new(&spec.token, "spec-tab");
    tablet.sync(&url).await?;
    unassign(dir.path(), "spec", &person)?;
    tablet.sync(&url).await?;
    // The purge's confirmation is handled before the connection's close.
    for _ in 0..50 {
        let purged = tsunagu_tests::postgres::count(
            dir.path(),
            "SELECT NOT EXISTS(SELECT 1 FROM device_persons WHERE device_id = ?1)",
            &[spec.device.as_str()],
        )? == 1;
        if purged {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Dated yesterday, when the user still held the person: the date
    // alone would let it in, but this tablet confirmed it holds nothing
    // of theirs, so it has no note of theirs from before.
    let (new, at) = ward_interview(&person, &spec.device, &spec.user, yesterday, [9; 10]);
    let late = tablet.store.create(new, &at)?;
    tablet.sync(&url).await?;
    assert_eq!(
        tablet.store.rejected().get(&late),
        Some(&Rejection::Forbidden)
    );
    assert!(!record_stored(dir.path(), &late)?);

    // A tablet that was offline all along still brings its note in.
    let mut offline = NativeDevice::new(&second_token, "spec-tab-2");
    let (new, at) = ward_interview(&person, &second_device, &spec.user, yesterday, [10; 10]);
    let written = offline.store.create(new, &at)?;
    offline.store.edit(&written, |r| {
        r.set("place", FieldValue::Str("ward".into()), &at)
    })?;
    offline.sync(&url).await?;
    assert!(
        offline.store.rejected().is_empty(),
        "{:?}",
        offline.store.rejected()
    );
    assert!(record_stored(dir.path(), &written)?);
    Ok(())
}
