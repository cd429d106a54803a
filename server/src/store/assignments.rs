//! `assignments`: who holds whom on their caseload, from a start day
//! until an end day (exclusive). An assignment is active on day `d` when
//! `starts_on <= d < ends_on` (or it has no end); every query here uses
//! that one rule ([`active_on!`]).

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::role::Role;

/// A worker holding a person on a given day, for the coordinator's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAssignment {
    /// The person.
    pub person_id: String,
    /// The worker's login name.
    pub username: String,
    /// Their display name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// The earliest start of their active assignments to the person.
    pub starts_on: NaiveDate,
}

/// Puts `person_id` on user `user_id`'s caseload from `starts_on` until
/// `ends_on` (exclusive; `None`: open-ended).
pub fn insert(
    tx: &WriteTx<'_>,
    user_id: i64,
    person_id: &str,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    created_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO assignments (user_id, person_id, starts_on, ends_on, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        args![
            user_id,
            person_id,
            starts_on.to_string(),
            ends_on.map(|d| d.to_string()),
            created_at.to_rfc3339()
        ],
    )?;
    Ok(())
}

/// [`insert`]s an open-ended assignment from `on`, unless the user already
/// holds the person on `on`.
pub fn insert_unless_active(
    tx: &WriteTx<'_>,
    user_id: i64,
    person_id: &str,
    on: NaiveDate,
    created_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        concat!(
            "INSERT INTO assignments (user_id, person_id, starts_on, created_at)
             SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (
                SELECT 1 FROM assignments a WHERE a.user_id = ?1 AND a.person_id = ?2
                  AND ",
            active_on!("a", "?3"),
            ")"
        ),
        args![user_id, person_id, on.to_string(), created_at.to_rfc3339()],
    )?;
    Ok(())
}

/// [`insert`]s an open-ended assignment from `starts_on` for the user
/// named `username`, unless they hold an open-ended one to the person
/// already. Nothing when no such user exists.
pub fn insert_unless_open(
    tx: &WriteTx<'_>,
    username: &str,
    person_id: &str,
    starts_on: NaiveDate,
    created_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute("INSERT INTO assignments (user_id, person_id, starts_on, created_at)
             SELECT u.id, ?2, ?3, ?4 FROM users u
              WHERE u.username = ?1
                AND NOT EXISTS (SELECT 1 FROM assignments a
                                 WHERE a.user_id = u.id AND a.person_id = ?2 AND a.ends_on IS NULL)", args![username,
            person_id,
            starts_on.to_string(),
            created_at.to_rfc3339()])?;
    Ok(())
}

/// Ends user `user_id`'s assignments to `person_id` on `on` (the first day
/// without them): one that would only start on or after `on` is dropped
/// entirely, one that started earlier ends on `on`. Returns how many.
pub fn end(
    tx: &WriteTx<'_>,
    user_id: i64,
    person_id: &str,
    on: NaiveDate,
) -> Result<usize, StoreError> {
    let on = on.to_string();
    let dropped = tx.execute(
        "DELETE FROM assignments WHERE user_id = ?1 AND person_id = ?2 AND starts_on >= ?3",
        args![user_id, person_id, on],
    )?;
    let ended = tx.execute(
        "UPDATE assignments SET ends_on = ?3
              WHERE user_id = ?1 AND person_id = ?2 AND (ends_on IS NULL OR ends_on > ?3)",
        args![user_id, person_id, on],
    )?;
    Ok(dropped + ended)
}

/// The persons user `user_id` holds on `day`, sorted, each once.
pub fn active_persons(
    tx: &ReadTx<'_>,
    user_id: &str,
    day: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    tx.rows(
        concat!(
            "SELECT DISTINCT a.person_id FROM assignments a WHERE a.user_id = ?1 AND ",
            active_on!("a", "?2"),
            " ORDER BY a.person_id"
        ),
        args![user_id, day.to_string()],
        |r| r.get(0),
    )
}

/// Whether user `user_id` held `person_id` on `date` by an assignment
/// that is still active or ended after `grace_start` (so offline notes
/// written before an assignment ended still arrive for a while).
pub fn held_on(
    tx: &ReadTx<'_>,
    user_id: &str,
    person_id: &str,
    date: NaiveDate,
    grace_start: NaiveDate,
) -> Result<bool, StoreError> {
    tx.value(
        concat!(
            "SELECT EXISTS(SELECT 1 FROM assignments a
              WHERE a.user_id = ?1 AND a.person_id = ?2 AND ",
            active_on!("a", "?3"),
            " AND (a.ends_on IS NULL OR a.ends_on > ?4))"
        ),
        args![
            user_id,
            person_id,
            date.to_string(),
            grace_start.to_string()
        ],
    )
}

/// Whether the user named `username` holds `person_id` by an assignment
/// that has not ended by `day` (whenever it starts).
pub fn holds_after(
    tx: &ReadTx<'_>,
    username: &str,
    person_id: &str,
    day: NaiveDate,
) -> Result<bool, StoreError> {
    tx.value(
        "SELECT EXISTS(SELECT 1 FROM assignments a JOIN users u ON u.id = a.user_id
              WHERE u.username = ?1 AND a.person_id = ?2
                AND (a.ends_on IS NULL OR a.ends_on > ?3))",
        args![username, person_id, day.to_string()],
    )
}

/// Every worker holding a person on `day`, one row per (person, worker),
/// by role then login name. Rows whose role or date this build cannot
/// read are left out.
pub fn active_on(tx: &ReadTx<'_>, day: NaiveDate) -> Result<Vec<ActiveAssignment>, StoreError> {
    let rows = tx.rows(
        concat!(
            "SELECT a.person_id, u.username, u.display_name, u.role, min(a.starts_on)
           FROM assignments a JOIN users u ON u.id = a.user_id
          WHERE ",
            active_on!("a", "?1"),
            " GROUP BY a.person_id, u.id
          ORDER BY u.role, u.username"
        ),
        args![day.to_string()],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<String>(3)?,
                r.get::<String>(4)?,
            ))
        },
    )?;
    let mut active = Vec::new();
    for (person_id, username, display_name, role, starts_on) in rows {
        let (Ok(role), Ok(starts_on)) = (role.parse(), starts_on.parse::<NaiveDate>()) else {
            continue;
        };
        active.push(ActiveAssignment {
            person_id,
            username,
            display_name,
            role,
            starts_on,
        });
    }
    Ok(active)
}

/// The workers other than user `except_user` holding `person_id` on `day`
/// whose accounts are open, each once: (role, display name), by role (its
/// stored name) then display name.
/// Rows whose role this build cannot read are left out.
pub fn colleagues_on(
    tx: &ReadTx<'_>,
    person_id: &str,
    except_user: &str,
    day: NaiveDate,
) -> Result<Vec<(Role, String)>, StoreError> {
    let rows = tx.rows(
        concat!(
            "SELECT u.role, u.display_name
           FROM assignments a JOIN users u ON u.id = a.user_id
          WHERE a.person_id = ?1 AND a.user_id != ?2
            AND u.disabled_at IS NULL AND ",
            active_on!("a", "?3"),
            " GROUP BY u.id ORDER BY u.role, u.display_name, u.id"
        ),
        args![person_id, except_user, day.to_string()],
        |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
    )?;
    let mut colleagues = Vec::new();
    for (role, name) in rows {
        if let Ok(role) = role.parse() {
            colleagues.push((role, name));
        }
    }
    Ok(colleagues)
}
