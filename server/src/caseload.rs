//! Persons and caseload assignments (who may see whom, and from when).

use crate::audit::{self, Actor};
use crate::store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, Record};

/// Why a caseload change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseloadError {
    /// The display name is empty.
    #[error("the display name must not be empty")]
    EmptyName,
    /// No such user.
    #[error("no active user named {0:?}")]
    UnknownUser(String),
    /// No such person.
    #[error("no person with id {0:?}")]
    UnknownPerson(String),
    /// The end is not after the start.
    #[error("the assignment must end after it starts ({from} .. {until})")]
    BadPeriod {
        /// Start.
        from: NaiveDate,
        /// End.
        until: NaiveDate,
    },
    /// The person's profile document could not be made.
    #[error("invalid person document: {0}")]
    Document(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for CaseloadError {
    fn from(e: rusqlite::Error) -> Self {
        CaseloadError::Store(StoreError::Sqlite(e))
    }
}

/// Registers a person; returns the new id (UUIDv7).
pub fn add_person(
    store: &Store,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<String, CaseloadError> {
    let mut conn = store.conn();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::Sqlite)?;
    let id = insert_person(&tx, display_name, now)?;
    tx.commit().map_err(StoreError::Sqlite)?;
    Ok(id)
}

/// The device id the server's own changes carry in the feed.
pub const SERVER_ORIGIN: &str = "server";

/// Inserts a person inside the caller's transaction: the row the caseload
/// refers to, the person's profile document (kind `person`, the record id
/// is the person id) and their card (kind `person_card`), in the feed, so
/// devices assigned to the person receive the name like any other record.
///
/// `display_name` is "family given" (split at the first space, either
/// width); a name without a space is all family name.
pub fn insert_person(
    conn: &Connection,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<String, CaseloadError> {
    insert_person_with(conn, display_name, None, Vec::new(), now)
}

/// [`insert_person`] with the person's public-assistance recipient number
/// (unique) and further profile fields (kana, date of birth, hospital...).
pub fn insert_person_with(
    conn: &Connection,
    display_name: &str,
    recipient_number: Option<&str>,
    fields: Vec<(String, FieldValue)>,
    now: DateTime<Utc>,
) -> Result<String, CaseloadError> {
    let name = display_name.trim();
    if name.is_empty() {
        return Err(CaseloadError::EmptyName);
    }
    let (family, given) = split_name(name);
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO persons (id, display_name, created_at, recipient_number) VALUES (?1, ?2, ?3, ?4)",
        params![id, name, now.to_rfc3339(), recipient_number],
    )?;
    insert_profile(conn, &id, family, given, fields, now)?;
    insert_card(conn, &id, name, now)?;
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
    conn: &Connection,
    id: &str,
    family: &str,
    given: &str,
    more: Vec<(String, FieldValue)>,
    now: DateTime<Utc>,
) -> Result<(), CaseloadError> {
    let mut fields = vec![
        ("family_name".into(), FieldValue::Str(family.into())),
        ("given_name".into(), FieldValue::Str(given.into())),
    ];
    fields.extend(more);
    insert_document(conn, id, id, RecordKind::Person, fields, &[], now)
}

/// Writes person `id`'s card: the name their whole team, peers included,
/// may see.
fn insert_card(
    conn: &Connection,
    id: &str,
    display_name: &str,
    now: DateTime<Utc>,
) -> Result<(), CaseloadError> {
    let card_id = uuid::Uuid::now_v7().to_string();
    let fields = vec![("display_name".into(), FieldValue::Str(display_name.into()))];
    insert_document(conn, &card_id, id, RecordKind::PersonCard, fields, &[], now)
}

/// Writes a server-made record (the demo's history, profiles, cards) and
/// its changes to the feed, so devices entitled to it receive it like any
/// other record.
pub fn insert_document(
    conn: &Connection,
    record_id: &str,
    person_id: &str,
    kind: RecordKind,
    fields: Vec<(String, FieldValue)>,
    texts: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<(), CaseloadError> {
    let new = NewRecord {
        id: record_id.to_owned(),
        kind,
        person_id: person_id.to_owned(),
        device: SERVER_ORIGIN.into(),
        fields,
    };
    let edit = Edit {
        by: SERVER_ORIGIN.into(),
        name: None,
        at: now,
    };
    let mut record = Record::create(new, &edit, SERVER_ORIGIN.as_bytes())
        .map_err(|e| CaseloadError::Document(e.to_string()))?;
    for (field, text) in texts {
        record
            .replace_text(field, text, &edit)
            .map_err(|e| CaseloadError::Document(e.to_string()))?;
    }
    conn.execute(
        "INSERT INTO records (id, kind, person_id, snapshot) VALUES (?1, ?2, ?3, ?4)",
        params![record_id, kind.as_str(), person_id, record.save()],
    )?;
    for change in record.changes_since(&[]) {
        conn.execute(
            "INSERT INTO feed (record_id, person_id, kind, change, origin_device, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                record_id,
                person_id,
                kind.as_str(),
                change,
                SERVER_ORIGIN,
                now.to_rfc3339()
            ],
        )?;
    }
    Ok(())
}

/// Gives every person without a profile or a card one (from their
/// display name), in one transaction; returns how many documents were
/// made. Persons added before these were documents otherwise never reach
/// any device's caseload list. Safe to run at every start.
pub fn ensure_person_documents(store: &Store, now: DateTime<Utc>) -> Result<usize, CaseloadError> {
    let mut conn = store.conn();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::Sqlite)?;
    let persons: Vec<(String, String, bool, bool)> = tx
        .prepare(
            "SELECT p.id, p.display_name,
                    EXISTS (SELECT 1 FROM records r WHERE r.id = p.id),
                    EXISTS (SELECT 1 FROM records r WHERE r.person_id = p.id AND r.kind = 'person_card')
               FROM persons p",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut made = 0;
    for (id, name, has_profile, has_card) in &persons {
        if !has_profile {
            let (family, given) = split_name(name);
            insert_profile(&tx, id, family, given, Vec::new(), now)?;
            made += 1;
        }
        if !has_card {
            insert_card(&tx, id, name, now)?;
            made += 1;
        }
    }
    tx.commit().map_err(StoreError::Sqlite)?;
    Ok(made)
}

/// Hands `from`'s caseload (or the given persons of it) to `to` from `on`,
/// in one transaction: `from`'s assignments end on `on`, `to`'s start on
/// `on`, and each person's timeline gets a `handover` record. At their next
/// sync `to`'s devices receive the whole history and `from`'s devices
/// purge it (notes not yet sent are kept until they are). Returns the
/// persons handed over.
pub fn handover(
    store: &Store,
    from: &str,
    to: &str,
    persons: &[String],
    on: NaiveDate,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Vec<String>, CaseloadError> {
    let mut conn = store.conn();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::Sqlite)?;
    let user = |name: &str| -> Result<(i64, String), CaseloadError> {
        tx.query_row(
            "SELECT id, display_name FROM users WHERE username = ?1 AND disabled_at IS NULL",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| CaseloadError::UnknownUser(name.to_owned()))
    };
    let (from_id, from_name) = user(from)?;
    let (to_id, to_name) = user(to)?;
    let active: Vec<String> = tx
        .prepare(
            "SELECT DISTINCT person_id FROM assignments
              WHERE user_id = ?1 AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on > ?2)
              ORDER BY person_id",
        )?
        .query_map(params![from_id, on.to_string()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let chosen: Vec<String> = if persons.is_empty() {
        active
    } else {
        for person in persons {
            if !active.contains(person) {
                return Err(CaseloadError::UnknownPerson(format!(
                    "{person} (not on {from}'s caseload on {on})"
                )));
            }
        }
        persons.to_vec()
    };
    for person in &chosen {
        end_assignment_in(&tx, from_id, person, on)?;
        tx.execute(
            "INSERT INTO assignments (user_id, person_id, starts_on, created_at)
             SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (
                SELECT 1 FROM assignments WHERE user_id = ?1 AND person_id = ?2
                  AND starts_on <= ?3 AND (ends_on IS NULL OR ends_on > ?3))",
            params![to_id, person, on.to_string(), now.to_rfc3339()],
        )?;
        let record_id = uuid::Uuid::now_v7().to_string();
        let fields = vec![
            ("handed_over_on".into(), FieldValue::Date(on)),
            ("from_worker".into(), FieldValue::Str(from_name.clone())),
            ("to_worker".into(), FieldValue::Str(to_name.clone())),
        ];
        insert_document(
            &tx,
            &record_id,
            person,
            RecordKind::Handover,
            fields,
            &[],
            now,
        )?;
    }
    audit::record(
        &tx,
        actor,
        "handover",
        &serde_json::json!({"from_user": from_id, "to_user": to_id, "on": on, "persons": chosen}),
        now,
    )?;
    tx.commit().map_err(StoreError::Sqlite)?;
    Ok(chosen)
}

/// Puts `person_id` on `username`'s caseload from `from` until `until` (exclusive).
pub fn assign(
    store: &Store,
    username: &str,
    person_id: &str,
    from: NaiveDate,
    until: Option<NaiveDate>,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(), CaseloadError> {
    if let Some(until) = until.filter(|until| *until <= from) {
        return Err(CaseloadError::BadPeriod { from, until });
    }
    let mut conn = store.conn();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::Sqlite)?;
    let user: i64 = crate::accounts::user_id(&tx, username, true)?
        .ok_or_else(|| CaseloadError::UnknownUser(username.to_owned()))?;
    let known: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM persons WHERE id = ?1)",
        [person_id],
        |r| r.get(0),
    )?;
    if !known {
        return Err(CaseloadError::UnknownPerson(person_id.to_owned()));
    }
    tx.execute(
        "INSERT INTO assignments (user_id, person_id, starts_on, ends_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user, person_id, from.to_string(), until.map(|d| d.to_string()), now.to_rfc3339()],
    )?;
    audit::record(
        &tx,
        actor,
        "assign",
        &serde_json::json!({"user": user, "person": person_id, "from": from, "until": until}),
        now,
    )?;
    tx.commit().map_err(StoreError::Sqlite)?;
    Ok(())
}

/// Ends `username`'s active assignments to `person_id` on `on` (the first
/// day they no longer hold the person); returns how many ended. Their
/// devices purge the person's records at their next sync.
pub fn end_assignment(
    store: &Store,
    username: &str,
    person_id: &str,
    on: NaiveDate,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<usize, CaseloadError> {
    let mut conn = store.conn();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(StoreError::Sqlite)?;
    let user: i64 = crate::accounts::user_id(&tx, username, false)?
        .ok_or_else(|| CaseloadError::UnknownUser(username.to_owned()))?;
    let ended = end_assignment_in(&tx, user, person_id, on)?;
    if ended > 0 {
        audit::record(
            &tx,
            actor,
            "end_assignment",
            &serde_json::json!({"user": user, "person": person_id, "on": on, "ended": ended}),
            now,
        )?;
    }
    tx.commit().map_err(StoreError::Sqlite)?;
    Ok(ended)
}

/// Ends user `user`'s assignment to `person_id` on `on`, inside the
/// caller's transaction. An assignment that would only start on or after
/// `on` is dropped entirely; one that started earlier ends on `on`.
fn end_assignment_in(
    conn: &Connection,
    user: i64,
    person_id: &str,
    on: NaiveDate,
) -> Result<usize, CaseloadError> {
    let on = on.to_string();
    let dropped = conn.execute(
        "DELETE FROM assignments WHERE user_id = ?1 AND person_id = ?2 AND starts_on >= ?3",
        params![user, person_id, on],
    )?;
    let ended = conn.execute(
        "UPDATE assignments SET ends_on = ?3
          WHERE user_id = ?1 AND person_id = ?2 AND (ends_on IS NULL OR ends_on > ?3)",
        params![user, person_id, on],
    )?;
    Ok(dropped + ended)
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
            .conn()
            .execute(
                "INSERT INTO persons (id, display_name, created_at) VALUES ('p-old', '東雲　ひかり', ?1)",
                [now.to_rfc3339()],
            )
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

        let conn = store.conn();
        let snapshot: Vec<u8> = conn
            .query_row(
                "SELECT snapshot FROM records WHERE id = 'p-old' AND kind = 'person' AND person_id = 'p-old'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let record = Record::load(&snapshot, b"test").unwrap();
        assert_eq!(
            record.get("family_name").unwrap(),
            Some(FieldValue::Str("東雲".into()))
        );
        assert_eq!(
            record.get("given_name").unwrap(),
            Some(FieldValue::Str("ひかり".into()))
        );
        let feed: i64 = conn
            .query_row(
                "SELECT count(*) FROM feed WHERE record_id = 'p-old'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(feed > 0, "devices receive it through the feed");
        let profiles: i64 = conn
            .query_row("SELECT count(*) FROM records WHERE id = ?1", [&new], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(profiles, 1, "a person added now already had one");
    }
}
