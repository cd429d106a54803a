//! Registering persons: the row the caseload refers to, and the two
//! documents every device learns a person through (their profile and
//! their card), written as server-made records in the same transaction.

use crate::store::persons::{self as person_rows, PersonRow};
use crate::store::records;
use crate::store::{Store, StoreError, WriteTx};
use chrono::{DateTime, Utc};
use tsunagu_sync::outcome::facts::RecordSummary;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, Record, RecordError};
use tsunagu_sync::session::server::RecordWrite;

/// The device id the server's own changes carry in the feed.
pub const SERVER_ORIGIN: &str = "server";

/// Why a person or a server-made record could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    /// The display name is empty.
    #[error("the display name must not be empty")]
    EmptyName,
    /// The document could not be made.
    #[error("invalid person document: {0}")]
    Document(#[source] RecordError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Registers a person; returns the new id (UUIDv7).
pub fn add_person(
    store: &Store,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<String, PersonError> {
    store.write(|tx| insert_person(tx, display_name, None, Vec::new(), now))
}

/// Inserts a person inside the caller's transaction: the row the caseload
/// refers to, the person's profile document (kind `person`, the record id
/// is the person id) with `fields` (kana, date of birth, hospital...) and
/// their card (kind `person_card`), in the feed, so devices assigned to
/// the person receive the name like any other record. `recipient_number`
/// is their public-assistance number (unique).
///
/// `display_name` is "family given" (split at the first space, either
/// width); a name without a space is all family name.
pub fn insert_person(
    tx: &WriteTx<'_>,
    display_name: &str,
    recipient_number: Option<&str>,
    fields: Vec<(String, FieldValue)>,
    now: DateTime<Utc>,
) -> Result<String, PersonError> {
    let name = display_name.trim();
    if name.is_empty() {
        return Err(PersonError::EmptyName);
    }
    let (family, given) = split_name(name);
    let id = uuid::Uuid::now_v7().to_string();
    person_rows::insert(
        tx,
        &PersonRow {
            id: &id,
            display_name: name,
            recipient_number,
            created_at: now,
        },
    )?;
    insert_profile(tx, &id, family, given, fields, now)?;
    insert_card(tx, &id, name, now)?;
    Ok(id)
}

/// "family given", split at the first space of either width; a name
/// without a space is all family name.
pub fn split_name(name: &str) -> (&str, &str) {
    name.split_once([' ', '\u{3000}'])
        .map(|(f, g)| (f.trim(), g.trim()))
        .unwrap_or((name, ""))
}

/// Writes person `id`'s profile document (record id = person id).
fn insert_profile(
    tx: &WriteTx<'_>,
    id: &str,
    family: &str,
    given: &str,
    more: Vec<(String, FieldValue)>,
    now: DateTime<Utc>,
) -> Result<(), PersonError> {
    let mut fields = vec![
        ("family_name".into(), FieldValue::Str(family.into())),
        ("given_name".into(), FieldValue::Str(given.into())),
    ];
    fields.extend(more);
    insert_document(tx, id, id, RecordKind::Person, fields, &[], now)
}

/// Writes person `id`'s card: the name their whole team, peers included,
/// may see.
fn insert_card(
    tx: &WriteTx<'_>,
    id: &str,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<(), PersonError> {
    let card_id = uuid::Uuid::now_v7().to_string();
    let fields = vec![("display_name".into(), FieldValue::Str(display_name.into()))];
    insert_document(tx, &card_id, id, RecordKind::PersonCard, fields, &[], now)
}

/// Writes a server-made record (the demo's history, profiles, cards,
/// handovers) through the same path as a sync push, so devices entitled
/// to it receive it like any other record.
pub fn insert_document(
    tx: &WriteTx<'_>,
    record_id: &str,
    person_id: &str,
    kind: RecordKind,
    fields: Vec<(String, FieldValue)>,
    texts: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<(), PersonError> {
    let mut record = make_document(record_id, person_id, kind, fields, texts, now)?;
    commit_document(tx, &mut record, now)
}

/// Writes a server-made record signed off at once (the programme's past,
/// brought in by an import or the demo): it changes only by amendment
/// from then on.
pub fn insert_finalised_document(
    tx: &WriteTx<'_>,
    record_id: &str,
    person_id: &str,
    kind: RecordKind,
    fields: Vec<(String, FieldValue)>,
    texts: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<(), PersonError> {
    let mut record = make_document(record_id, person_id, kind, fields, texts, now)?;
    record
        .finalise(&server_edit(now))
        .map_err(PersonError::Document)?;
    commit_document(tx, &mut record, now)
}

fn server_edit(now: DateTime<Utc>) -> Edit {
    Edit {
        by: SERVER_ORIGIN.into(),
        name: None,
        at: now,
    }
}

fn make_document(
    record_id: &str,
    person_id: &str,
    kind: RecordKind,
    fields: Vec<(String, FieldValue)>,
    texts: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<Record, PersonError> {
    let new = NewRecord {
        id: record_id.to_owned(),
        kind,
        person_id: person_id.to_owned(),
        device: SERVER_ORIGIN.into(),
        fields,
    };
    let edit = server_edit(now);
    let mut record =
        Record::create(new, &edit, SERVER_ORIGIN.as_bytes()).map_err(PersonError::Document)?;
    for (field, text) in texts {
        record
            .replace_text(field, text, &edit)
            .map_err(PersonError::Document)?;
    }
    Ok(record)
}

fn commit_document(
    tx: &WriteTx<'_>,
    record: &mut Record,
    now: DateTime<Utc>,
) -> Result<(), PersonError> {
    let meta = record.meta().clone();
    let write = RecordWrite {
        id: meta.id,
        kind: meta.kind,
        person_id: meta.person_id,
        snapshot: record.save(),
        new_changes: record.changes_since(&[]),
        summary: RecordSummary::of(record),
        list_summary: tsunagu_sync::record::summary::summarise(record),
    };
    records::commit(tx, SERVER_ORIGIN, now, &[write])?;
    Ok(())
}

/// Gives every person without a profile or a card one (from their
/// display name), in one transaction; returns how many documents were
/// made. Persons added before these were documents otherwise never reach
/// any device's caseload list. Safe to run at every start.
pub fn ensure_person_documents(store: &Store, now: DateTime<Utc>) -> Result<usize, PersonError> {
    store.write(|tx| {
        person_rows::hold_documents(tx)?;
        let mut made = 0;
        for person in person_rows::documents(tx)? {
            if !person.has_profile {
                let (family, given) = split_name(&person.display_name);
                insert_profile(tx, &person.id, family, given, Vec::new(), now)?;
                made += 1;
            }
            if !person.has_card {
                insert_card(tx, &person.id, &person.display_name, now)?;
                made += 1;
            }
        }
        Ok(made)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persons_from_before_profile_documents_get_one_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        // As an older version wrote a person: the row only.
        store
            .write(|tx| {
                person_rows::insert(
                    tx,
                    &PersonRow {
                        id: "p-old",
                        display_name: "東雲　ひかり",
                        recipient_number: None,
                        created_at: now,
                    },
                )
            })
            .unwrap();
        let new = add_person(&store, "朝霧 翔", now).unwrap();

        assert_eq!(
            ensure_person_documents(&store, now).unwrap(),
            2,
            "profile and card"
        );
        assert_eq!(
            ensure_person_documents(&store, now).unwrap(),
            0,
            "idempotent"
        );

        let profiles = store
            .read(|tx| records::of_kind(tx, RecordKind::Person))
            .unwrap();
        let old = profiles
            .iter()
            .find(|r| r.id == "p-old")
            .expect("the old person has a profile");
        assert_eq!(old.person_id, "p-old");
        let record = Record::load(&old.snapshot, b"test").unwrap();
        assert_eq!(
            record.get("family_name").unwrap(),
            Some(FieldValue::Str("東雲".into()))
        );
        assert_eq!(
            record.get("given_name").unwrap(),
            Some(FieldValue::Str("ひかり".into()))
        );
        let feed = store
            .read(|tx| records::feed_entries_of(tx, "p-old"))
            .unwrap();
        assert!(feed > 0, "devices receive it through the feed");
        assert_eq!(
            profiles.iter().filter(|r| r.id == new).count(),
            1,
            "a person added now already had one"
        );
    }
}
