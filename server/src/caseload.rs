//! Caseload assignments (who may see whom, and from when): assigning,
//! ending and handing over, each in one transaction with its audit entry.

use crate::persons::{PersonError, insert_document};
use crate::store::audit::{self, Actor};
use crate::store::{Store, StoreError, assignments, persons, users};
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::record::FieldValue;
use tsunagu_sync::record::schema::RecordKind;

/// Why a caseload change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseloadError {
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
    /// A handover record could not be written.
    #[error(transparent)]
    Person(#[from] PersonError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which of `from`'s persons a handover moves: all of `active` when none
/// are named, else the named ones, each of which must be in `active`.
pub fn handover_choice(
    active: Vec<String>,
    named: &[String],
    from: &str,
    on: NaiveDate,
) -> Result<Vec<String>, CaseloadError> {
    if named.is_empty() {
        return Ok(active);
    }
    match named.iter().find(|person| !active.contains(person)) {
        Some(person) => Err(CaseloadError::UnknownPerson(format!(
            "{person} (not on {from}'s caseload on {on})"
        ))),
        None => Ok(named.to_vec()),
    }
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
    store.write(|tx| {
        let user = |name: &str| {
            users::active_with_name(tx, name)?
                .ok_or_else(|| CaseloadError::UnknownUser(name.to_owned()))
        };
        let (from_id, from_name) = user(from)?;
        let (to_id, to_name) = user(to)?;
        let active = assignments::active_persons(tx, &from_id.to_string(), on)?;
        let chosen = handover_choice(active, persons, from, on)?;
        for person in &chosen {
            assignments::end(tx, from_id, person, on)?;
            assignments::insert_unless_active(tx, to_id, person, on, now)?;
            let record_id = uuid::Uuid::now_v7().to_string();
            let fields = vec![
                ("handed_over_on".into(), FieldValue::Date(on)),
                ("from_worker".into(), FieldValue::Str(from_name.clone())),
                ("to_worker".into(), FieldValue::Str(to_name.clone())),
            ];
            insert_document(
                tx,
                &record_id,
                person,
                RecordKind::Handover,
                fields,
                &[],
                now,
            )?;
        }
        audit::append(
            tx,
            actor,
            "handover",
            &serde_json::json!({"from_user": from_id, "to_user": to_id, "on": on, "persons": chosen}),
            now,
        )?;
        Ok(chosen)
    })
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
    store.write(|tx| {
        let user = users::active_id(tx, username)?
            .ok_or_else(|| CaseloadError::UnknownUser(username.to_owned()))?;
        if !persons::exists(tx, person_id)? {
            return Err(CaseloadError::UnknownPerson(person_id.to_owned()));
        }
        assignments::insert(tx, user, person_id, from, until, now)?;
        audit::append(
            tx,
            actor,
            "assign",
            &serde_json::json!({"user": user, "person": person_id, "from": from, "until": until}),
            now,
        )?;
        Ok(())
    })
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
    store.write(|tx| {
        let user = users::any_id(tx, username)?
            .ok_or_else(|| CaseloadError::UnknownUser(username.to_owned()))?;
        let ended = assignments::end(tx, user, person_id, on)?;
        if ended > 0 {
            audit::append(
                tx,
                actor,
                "end_assignment",
                &serde_json::json!({"user": user, "person": person_id, "on": on, "ended": ended}),
                now,
            )?;
        }
        Ok(ended)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handover_moves_everyone_or_only_named_persons_it_holds() {
        let on = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let active = vec!["p-1".to_owned(), "p-2".to_owned()];
        assert_eq!(
            handover_choice(active.clone(), &[], "a", on).unwrap(),
            active
        );
        assert_eq!(
            handover_choice(active.clone(), &["p-2".into()], "a", on).unwrap(),
            vec!["p-2".to_owned()]
        );
        let refused = handover_choice(active, &["p-1".into(), "p-9".into()], "a", on);
        assert!(
            matches!(&refused, Err(CaseloadError::UnknownPerson(p)) if p.starts_with("p-9")),
            "{refused:?}"
        );
    }
}
