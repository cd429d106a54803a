//! The role table (`docs/ROLES.md`, `tsunagu_sync::policy`) checked through
//! the real sync path: for every role × record kind × assigned/unassigned,
//! what a device receives from the real server, and whether a change it
//! pushes is accepted.

use anyhow::Result;
use chrono::{TimeZone, Utc};
use std::collections::BTreeSet;
use tsunagu_sync::policy::{may_read, may_write};
use tsunagu_sync::protocol::Rejection;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};
use tsunagu_sync::role::Role;
use tsunagu_tests::admin::{add_device, add_person, add_user, assign};
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::rng::Rng;
use tsunagu_tests::server::ServerProcess;
use tsunagu_tests::workload;

/// The kinds a device may create (profiles are made with the person).
const CREATABLE: [RecordKind; 4] = [
    RecordKind::PersonCard,
    RecordKind::WardInterview,
    RecordKind::Outing,
    RecordKind::HomeVisit,
];

fn new_record(rng: &mut Rng, kind: RecordKind, person: &str, device: &str, n: usize) -> NewRecord {
    let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    if kind == RecordKind::PersonCard {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
        return NewRecord {
            id: new_record_id(at, random),
            kind,
            person_id: person.into(),
            device: device.into(),
            fields: vec![("display_name".into(), FieldValue::Str("試験さん".into()))],
        };
    }
    // workload::note cycles ward interview, outing, home visit.
    let offset = match kind {
        RecordKind::WardInterview => 0,
        RecordKind::Outing => 1,
        _ => 2,
    };
    let mut note = workload::note(rng, offset + 3 * n, person, device, at);
    assert_eq!(note.record.kind, kind);
    note.record.person_id = person.into();
    note.record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_receives_and_writes_exactly_what_the_table_allows() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let assigned = add_person(dir.path(), "試験 一号")?;
    let elsewhere = add_person(dir.path(), "試験 二号")?;
    add_user(dir.path(), "writer", "support_specialist")?;
    assign(dir.path(), "writer", &assigned)?;
    assign(dir.path(), "writer", &elsewhere)?;
    let (_, writer_token) = add_device(dir.path(), "writer")?;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let username = format!("user.{role}");
        add_user(dir.path(), &username, role.as_str())?;
        assign(dir.path(), &username, &assigned)?;
        tokens.push((role, add_device(dir.path(), &username)?.1));
    }
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut rng = Rng::new(7);
    let edit = Edit {
        by: "writer".into(),
        at: Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(),
    };

    // One record of every kind about each person, by someone who may.
    let mut writer = NativeDevice::new(&writer_token, "writer-tab");
    for person in [&assigned, &elsewhere] {
        for (n, kind) in CREATABLE.into_iter().enumerate() {
            let record = new_record(&mut rng, kind, person, "writer-tab", n);
            writer.store.create(record, &edit)?;
        }
    }
    writer.sync(&url).await?;
    assert!(writer.store.rejected().is_empty());

    for (role, token) in &tokens {
        let role = *role;
        let device_name = format!("{role}-tab");
        let mut device = NativeDevice::new(token, &device_name);
        device.sync(&url).await?;

        // Reading: exactly the kinds the table gives, only for the assigned person.
        let held: BTreeSet<(RecordKind, String)> = device
            .store
            .ids()
            .filter_map(|id| device.store.record(id))
            .map(|r| (r.meta().kind, r.meta().person_id.clone()))
            .collect();
        for kind in RecordKind::ALL {
            for (person, is_assigned) in [(&assigned, true), (&elsewhere, false)] {
                assert_eq!(
                    held.contains(&(kind, person.clone())),
                    may_read(role, kind, is_assigned),
                    "{role} reading {kind} of an {} person",
                    if is_assigned {
                        "assigned"
                    } else {
                        "unassigned"
                    }
                );
            }
        }

        // Writing: each change is stored or refused as the table says.
        let mut attempts = Vec::new();
        for (n, kind) in CREATABLE.into_iter().enumerate() {
            for (person, is_assigned) in [(&assigned, true), (&elsewhere, false)] {
                let record = new_record(&mut rng, kind, person, &device_name, 10 + n);
                let id = device.store.create(record, &edit)?;
                attempts.push((id, kind, is_assigned));
            }
        }
        device.sync(&url).await?;
        for (id, kind, is_assigned) in attempts {
            let refused = device.store.rejected().get(&id);
            if may_write(role, kind, is_assigned) {
                assert_eq!(
                    refused, None,
                    "{role} writing {kind} (assigned: {is_assigned})"
                );
            } else {
                assert!(
                    matches!(refused, Some(Rejection::Forbidden)),
                    "{role} writing {kind} (assigned: {is_assigned}) was {refused:?}"
                );
            }
        }
    }
    Ok(())
}
