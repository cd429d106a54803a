//! The role table (`docs/ROLES.md`, `tsunagu_sync::policy`) checked through
//! the real sync path: for every role × record kind × assigned/unassigned,
//! what a device receives from the real server, and whether a change it
//! pushes is accepted.

use anyhow::Result;
use chrono::{TimeZone, Utc};
use std::collections::BTreeSet;
use tsunagu_sync::policy::{may_read, may_write};
use tsunagu_sync::protocol::Rejection;
use tsunagu_sync::record::schema::{FieldType, RecordKind};
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};
use tsunagu_sync::role::Role;
use tsunagu_tests::admin::{add_device, add_person, add_user, assign};
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::rng::Rng;
use tsunagu_tests::server::ServerProcess;

/// The kinds a device may create: all but the profile, which the server
/// makes with the person.
fn creatable() -> impl Iterator<Item = RecordKind> {
    RecordKind::ALL
        .into_iter()
        .filter(|k| *k != RecordKind::Person)
}

/// A record of `kind` with every required field filled from its spec.
fn new_record(rng: &mut Rng, kind: RecordKind, person: &str, device: &str) -> NewRecord {
    let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let fields = kind
        .spec()
        .fields
        .iter()
        .filter(|f| f.required && !matches!(f.ty, FieldType::Narrative | FieldType::Actions))
        .map(|f| {
            let value = match f.ty {
                FieldType::Date => FieldValue::Date(at.date_naive()),
                FieldType::Time => FieldValue::Time(at.time()),
                FieldType::Int { min, .. } => FieldValue::Int(min),
                FieldType::Choice(choices) => FieldValue::Str(choices[0].into()),
                FieldType::Flag => FieldValue::Flag(false),
                FieldType::Short | FieldType::Narrative | FieldType::Actions => {
                    FieldValue::Str("試験".into())
                }
            };
            (f.name.to_owned(), value)
        })
        .collect();
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    NewRecord {
        id: new_record_id(at, random),
        kind,
        person_id: person.into(),
        device: device.into(),
        fields,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_receives_and_writes_exactly_what_the_table_allows() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let assigned = add_person(dir.path(), "試験 一号")?;
    let elsewhere = add_person(dir.path(), "試験 二号")?;
    let writer_id = add_user(dir.path(), "writer", "support_specialist")?;
    assign(dir.path(), "writer", &assigned)?;
    assign(dir.path(), "writer", &elsewhere)?;
    let (writer_device, writer_token) = add_device(dir.path(), "writer")?;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let username = format!("user.{role}");
        let user_id = add_user(dir.path(), &username, role.as_str())?;
        assign(dir.path(), &username, &assigned)?;
        let (device_id, token) = add_device(dir.path(), &username)?;
        tokens.push((role, user_id, device_id, token));
    }
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut rng = Rng::new(7);
    let at = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    let edit = Edit {
        by: writer_id,
        name: None,
        at,
    };

    // One record of every kind about each person, by someone who may.
    let mut writer = NativeDevice::new(&writer_token, "writer-tab");
    for person in [&assigned, &elsewhere] {
        for kind in creatable() {
            let record = new_record(&mut rng, kind, person, &writer_device);
            writer.store.create(record, &edit)?;
        }
    }
    writer.sync(&url).await?;
    assert!(writer.store.rejected().is_empty());

    for (role, user_id, device_id, token) in &tokens {
        let role = *role;
        let mut device = NativeDevice::new(token, &format!("{role}-tab"));
        let edit = Edit {
            by: user_id.clone(),
            name: None,
            at,
        };
        device.sync(&url).await?;
        device.store.load_all()?;

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
        for kind in creatable() {
            for (person, is_assigned) in [(&assigned, true), (&elsewhere, false)] {
                let record = new_record(&mut rng, kind, person, device_id);
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
