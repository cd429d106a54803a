//! `audit_log`: the trail of programme changes (listing imports,
//! assignments, handovers, device registrations and revocations, report
//! reads), each written in the same transaction as the change it records
//! and sealed into a hash chain ([`super::audit_chain`]). Entries carry
//! ids and counts, never names or other personal data.

use super::{ReadTx, StoreError, WriteTx};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// An administrator at the server's command line.
    CommandLine,
    /// A signed-in user (by id), through the app.
    User(i64),
}

/// An entry as the auditor's screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// When.
    pub at: DateTime<Utc>,
    /// The actor's display name (`None`: the command line).
    pub actor: Option<String>,
    /// What was done.
    pub action: String,
    /// Ids and counts, as JSON.
    pub detail: String,
}

/// Appends an entry to the trail, inside the change's transaction.
pub fn append(
    tx: &WriteTx<'_>,
    actor: Actor,
    action: &str,
    detail: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let user = match actor {
        Actor::CommandLine => None,
        Actor::User(id) => Some(id),
    };
    let (at, detail) = (at.to_rfc3339(), detail.to_string());
    let prev = super::audit_chain::head(tx)?;
    tx.sql()
        .prepare_cached(
            "INSERT INTO audit_log (at, actor_user_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![at, user, action, detail])?;
    let id = tx.sql().last_insert_rowid();
    let hash = super::audit_chain::entry_hash(&prev, id, &at, user, action, &detail);
    super::audit_chain::seal(tx, id, &prev, &hash)
}

/// The newest `limit` entries, newest first.
pub fn newest(tx: &ReadTx<'_>, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
    let mut statement = tx.sql().prepare_cached(
        "SELECT a.at, u.display_name, a.action, a.detail
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
          ORDER BY a.id DESC LIMIT ?1",
    )?;
    let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
        Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (at, actor, action, detail) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|_| StoreError::bad_value("audit_log.at", at.clone()))?
            .with_timezone(&Utc);
        entries.push(AuditRow {
            at,
            actor,
            action,
            detail,
        });
    }
    Ok(entries)
}
