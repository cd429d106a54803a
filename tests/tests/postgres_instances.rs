//! Two `tsunagu serve` processes on one PostgreSQL database, as a
//! prefecture or a hosting vendor would run them behind a load balancer:
//! a note pushed through one reaches a tablet connected to the other at
//! once, and a caseload change made on the command line reaches it too.

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use std::time::{Duration, Instant};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::postgres::{TestDatabase, database_for};
use tsunagu_tests::server::ServerProcess;

/// A new database and two data directories on it, one per server (the
/// first is where the command line runs).
fn two_data_directories() -> Result<(TestDatabase, tempfile::TempDir, tempfile::TempDir)> {
    let (one, two) = (tempfile::tempdir()?, tempfile::tempdir()?);
    let database = database_for(true, &[one.path(), two.path()])?.context("a database")?;
    Ok((database, one, two))
}

/// What the issue asks of a note crossing instances.
const WITHIN: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_through_one_instance_reaches_a_tablet_on_the_other_within_a_second() -> Result<()> {
    let (_database, one, two) = two_data_directories()?;
    let admin = one.path();
    let person = add_person(admin, "試験 五号")?;
    let later = add_person(admin, "試験 六号")?;
    let spec = add_user(admin, "pg.spec", "support_specialist")?;
    add_user(admin, "pg.colleague", "support_specialist")?;
    assign(admin, "pg.spec", &person)?;
    assign(admin, "pg.spec", &later)?;
    assign(admin, "pg.colleague", &person)?;
    let (spec_device, spec_token) = add_device(admin, "pg.spec")?;
    let (_, colleague_token) = add_device(admin, "pg.colleague")?;
    let first = ServerProcess::start(one.path(), &[])?;
    let second = ServerProcess::start(two.path(), &[])?;

    let mut colleague_tab = LiveDevice::open(
        NativeDevice::new(&colleague_token, "colleague-tab"),
        &second.base_url,
    )
    .await?;
    let mut spec_tab = NativeDevice::new(&spec_token, "spec-tab");
    let note = |tab: &mut NativeDevice, of: &str, n: u8| {
        let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, n.into(), 0).unwrap();
        tab.store.create(
            NewRecord {
                id: new_record_id(at, [n; 10]),
                kind: RecordKind::WardInterview,
                person_id: of.to_owned(),
                device: spec_device.clone(),
                fields: vec![
                    ("occurred_on".into(), FieldValue::Date(at.date_naive())),
                    ("place".into(), FieldValue::Str("ward".into())),
                    ("interview_type".into(), FieldValue::Str("continued".into())),
                ],
            },
            &Edit {
                by: spec.clone(),
                name: None,
                at,
            },
        )
    };
    // Three notes, one after the other: each crosses on its own, not
    // on a caseload look-up that happened to fall in between.
    for n in 1..=3 {
        let interview = note(&mut spec_tab, &person, n)?;
        let pushed = Instant::now();
        spec_tab.sync(&first.base_url).await?;
        colleague_tab
            .receive_until(WITHIN, |store| store.record_mut(&interview).is_some())
            .await?;
        println!(
            "note {n} pushed through instance 1 reached a tablet on instance 2 {} ms after \
             the push began",
            pushed.elapsed().as_millis()
        );
    }

    // A caseload change on the command line reaches the tablet on the
    // second instance too, with the notes already written.
    let earlier = note(&mut spec_tab, &later, 4)?;
    spec_tab.sync(&first.base_url).await?;
    assert!(colleague_tab.device.store.record_mut(&earlier).is_none());
    assign(admin, "pg.colleague", &later)?;
    colleague_tab
        .receive_until(Duration::from_secs(5), |store| {
            store.record_mut(&earlier).is_some()
        })
        .await?;
    colleague_tab.close().await;
    Ok(())
}

/// Thirty wrong passwords for one user at once, spread over two servers
/// on one database: the sign-in throttle is the database's, not each
/// server's, so exactly the free allowance (5 per user name) is verified
/// and the rest are told to wait, as on one server. With a throttle per
/// server, each would have let its own five through.
#[test]
fn guesses_spread_over_two_servers_share_one_throttle() -> Result<()> {
    let (_database, one, two) = two_data_directories()?;
    let first = ServerProcess::start(one.path(), &["--demo"])?;
    let second = ServerProcess::start(two.path(), &["--demo"])?;
    let urls = [
        first.url("/api/account/sign_in"),
        second.url("/api/account/sign_in"),
    ];
    let guesses = tsunagu_tests::http::guess_in_parallel(&urls, "demo.specialist", 30)?;
    assert_eq!(
        (guesses.rejected, guesses.waits.len()),
        (5, 25),
        "passwords checked, refused unchecked, across both servers"
    );
    Ok(())
}

/// One worker's two tablets edit the same note at the same moment, each
/// through another server. Each server reads the stored document, merges
/// its tablet's changes and writes the document back: unless the servers
/// take turns on the record, one write overwrites the other's merge and
/// the stored document (what a new tablet downloads) loses a change the
/// server acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_of_one_note_through_two_servers_are_both_kept() -> Result<()> {
    use tsunagu_sync::record::Record;
    let (database, one, two) = two_data_directories()?;
    let admin = one.path();
    let person = add_person(admin, "試験 七号")?;
    let spec = add_user(admin, "pg.both", "support_specialist")?;
    assign(admin, "pg.both", &person)?;
    let (device_a, token_a) = add_device(admin, "pg.both")?;
    let (_, token_b) = add_device(admin, "pg.both")?;
    let first = ServerProcess::start(one.path(), &[])?;
    let second = ServerProcess::start(two.path(), &[])?;
    let (mut tab_a, mut tab_b) = (
        NativeDevice::new(&token_a, "tab-a"),
        NativeDevice::new(&token_b, "tab-b"),
    );
    let at = |minute: u32| Edit {
        by: spec.clone(),
        name: None,
        at: Utc.with_ymd_and_hms(2026, 6, 2, 10, minute, 0).unwrap(),
    };
    let note = tab_a.store.create(
        NewRecord {
            id: new_record_id(at(0).at, [3; 10]),
            kind: RecordKind::WardInterview,
            person_id: person.clone(),
            device: device_a,
            fields: vec![
                (
                    "occurred_on".into(),
                    FieldValue::Date(at(0).at.date_naive()),
                ),
                ("place".into(), FieldValue::Str("ward".into())),
                ("interview_type".into(), FieldValue::Str("continued".into())),
            ],
        },
        &at(0),
    )?;
    tab_a.sync(&first.base_url).await?;
    tab_b.sync(&second.base_url).await?;
    for round in 1..=20u32 {
        tab_a.store.edit(&note, |r| {
            r.replace_text("situation", &format!("面会 {round} 回目"), &at(round))
        })?;
        tab_b.store.edit(&note, |r| {
            r.replace_text("plan_next", &format!("次回 {round}"), &at(round))
        })?;
        let (a, b) = tokio::join!(tab_a.sync(&first.base_url), tab_b.sync(&second.base_url));
        a?;
        b?;
    }
    tab_a.sync(&first.base_url).await?;
    tab_b.sync(&second.base_url).await?;
    let stored =
        tsunagu_tests::postgres::snapshot(&database.url, &note)?.expect("the note is stored");
    let mut on_server = Record::load(&stored, b"check")?;
    let (mut server_heads, mut a_heads, mut b_heads) = (
        on_server.heads(),
        tab_a.store.record_mut(&note).expect("held").heads(),
        tab_b.store.record_mut(&note).expect("held").heads(),
    );
    for heads in [&mut server_heads, &mut a_heads, &mut b_heads] {
        heads.sort_unstable();
    }
    assert_eq!(a_heads, b_heads, "the tablets converged");
    assert_eq!(
        server_heads, a_heads,
        "the stored document holds every acknowledged change"
    );
    Ok(())
}

/// A tablet revoked through one server (or the command line) while it is
/// connected to another is told and cut off by that other server too,
/// within about a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_revoked_elsewhere_is_cut_off_by_the_server_it_is_on() -> Result<()> {
    let (_database, one, two) = two_data_directories()?;
    let admin = one.path();
    let person = add_person(admin, "試験 八号")?;
    add_user(admin, "pg.lost", "support_specialist")?;
    assign(admin, "pg.lost", &person)?;
    let (lost_id, lost_token) = add_device(admin, "pg.lost")?;
    let _first = ServerProcess::start(one.path(), &[])?;
    let second = ServerProcess::start(two.path(), &[])?;
    let mut lost = LiveDevice::open(
        NativeDevice::new(&lost_token, "lost-tablet"),
        &second.base_url,
    )
    .await?;
    let (closed, took) = lost
        .ended_by(|| {
            tsunagu_tests::admin::cli(admin, &["device", "revoke", "--id", &lost_id], None)
                .map(drop)
        })
        .await?;
    assert!(closed.contains("Unauthorized"), "told why: {closed}");
    assert!(took < Duration::from_millis(2500), "closed after {took:?}");
    Ok(())
}
