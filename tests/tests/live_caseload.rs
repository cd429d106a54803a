//! A caseload change made on the command line (another process: it writes
//! the database, not the server's memory) reaches a tablet that stays
//! connected within seconds, not at the next minute's look-up: a person
//! assigned arrives with their notes, a person unassigned is purged.

use anyhow::Result;
use chrono::{TimeZone, Utc};
use std::time::Duration;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign, unassign};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::server::ServerProcess;

/// Far below the connections' own 60 s look-up: only the notice of the
/// outside change can meet it.
const PROMPT: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_on_the_command_line_reaches_a_connected_tablet_within_seconds() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let path = dir.path();
    let person = add_person(path, "試験 三号")?;
    let elsewhere = add_person(path, "試験 四号")?;
    let spec = add_user(path, "live.spec", "support_specialist")?;
    add_user(path, "live.other", "support_specialist")?;
    assign(path, "live.spec", &person)?;
    assign(path, "live.other", &elsewhere)?;
    let (spec_device, spec_token) = add_device(path, "live.spec")?;
    let (_, other_token) = add_device(path, "live.other")?;
    let server = ServerProcess::start(path, &[])?;
    let url = server.base_url.clone();

    let mut spec_tab = NativeDevice::new(&spec_token, "spec-tab");
    let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let note = spec_tab.store.create(
        NewRecord {
            id: new_record_id(at, [7; 10]),
            kind: RecordKind::WardInterview,
            person_id: person.clone(),
            device: spec_device,
            fields: vec![
                ("occurred_on".into(), FieldValue::Date(at.date_naive())),
                ("place".into(), FieldValue::Str("ward".into())),
                ("interview_type".into(), FieldValue::Str("continued".into())),
            ],
        },
        &Edit {
            by: spec,
            name: None,
            at,
        },
    )?;
    spec_tab.sync(&url).await?;

    let mut other_tab =
        LiveDevice::open(NativeDevice::new(&other_token, "other-tab"), &url).await?;
    assert!(other_tab.device.store.record_mut(&note).is_none());

    assign(path, "live.other", &person)?;
    other_tab
        .receive_until(PROMPT, |store| store.record_mut(&note).is_some())
        .await?;

    unassign(path, "live.other", &person)?;
    other_tab
        .receive_until(PROMPT, |store| store.record_mut(&note).is_none())
        .await?;
    other_tab.close().await;
    Ok(())
}
