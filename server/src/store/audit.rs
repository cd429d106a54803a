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
    /// No one: the server's own rule (an idle device expiring) or someone
    /// unknown (a refused sign-in). Stored, like the command line, as no
    /// user; the action tells them apart.
    Nobody,
    /// A signed-in user (by id), through the app.
    User(i64),
}

impl Actor {
    /// The user's id; `None` for the command line and for no one.
    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::User(id) => Some(id),
            Actor::CommandLine | Actor::Nobody => None,
        }
    }
}

/// An entry as the auditor's screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// The entry's id (its place in the chain).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The actor's display name (`None`: the command line).
    pub actor: Option<String>,
    /// The actor's login name (`None`: the command line).
    pub actor_username: Option<String>,
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
    let user = actor.user_id();
    let (at, detail) = (at.to_rfc3339(), detail.to_string());
    let prev = super::audit_chain::head(tx)?;
    tx.sql()?
        .prepare_cached(
            "INSERT INTO audit_log (at, actor_user_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![at, user, action, detail])?;
    let id = tx.sql()?.last_insert_rowid();
    let hash = super::audit_chain::entry_hash(&prev, id, &at, user, action, &detail);
    super::audit_chain::seal(tx, id, &prev, &hash)
}

/// The newest `limit` entries, newest first.
pub fn newest(tx: &ReadTx<'_>, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
    search(tx, &AuditQuery::default(), limit)
}

/// Which entries an auditor asks for; every field narrows the search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries whose detail names this id (a person, record or device id).
    pub mentions: Option<String>,
    /// Entries made by the user with this login name.
    pub actor_username: Option<String>,
    /// Entries of this action.
    pub action: Option<String>,
    /// Entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub until: Option<DateTime<Utc>>,
}

const MATCHING: &str = "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
    WHERE (?1 IS NULL OR instr(a.detail, ?1) > 0)
      AND (?2 IS NULL OR u.username = ?2)
      AND (?3 IS NULL OR a.action = ?3)
      AND (?4 IS NULL OR julianday(a.at) >= julianday(?4))
      AND (?5 IS NULL OR julianday(a.at) < julianday(?5))";

fn query_params(query: &AuditQuery) -> [Option<String>; 5] {
    [
        query.mentions.clone(),
        query.actor_username.clone(),
        query.action.clone(),
        query.from.map(|t| t.to_rfc3339()),
        query.until.map(|t| t.to_rfc3339()),
    ]
}

/// The newest `limit` entries matching `query`, newest first.
pub fn search(
    tx: &ReadTx<'_>,
    query: &AuditQuery,
    limit: usize,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut statement = tx.sql()?.prepare_cached(&format!(
        "SELECT a.id, a.at, u.display_name, u.username, a.action, a.detail {MATCHING}
          ORDER BY a.id DESC LIMIT ?6"
    ))?;
    let [mentions, actor, action, from, until] = query_params(query);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = statement.query_map(params![mentions, actor, action, from, until, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (id, at, actor, actor_username, action, detail) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|_| StoreError::bad_value("audit_log.at", at.clone()))?
            .with_timezone(&Utc);
        entries.push(AuditRow {
            id,
            at,
            actor,
            actor_username,
            action,
            detail,
        });
    }
    Ok(entries)
}

/// How many entries match `query`.
pub fn count(tx: &ReadTx<'_>, query: &AuditQuery) -> Result<u64, StoreError> {
    let [mentions, actor, action, from, until] = query_params(query);
    let count: i64 = tx
        .sql()?
        .prepare_cached(&format!("SELECT count(*) {MATCHING}"))?
        .query_row(params![mentions, actor, action, from, until], |r| r.get(0))?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Every action the trail holds, alphabetically (for the screen's filter).
pub fn actions(tx: &ReadTx<'_>) -> Result<Vec<String>, StoreError> {
    let mut statement = tx
        .sql()?
        .prepare_cached("SELECT DISTINCT action FROM audit_log ORDER BY action")?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
