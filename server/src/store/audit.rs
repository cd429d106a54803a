//! `audit_log`: the trail of programme changes (listing imports,
//! assignments, handovers, device registrations and revocations, report
//! reads), each written in the same transaction as the change it records
//! and sealed into a hash chain ([`super::audit_chain`]). Entries carry
//! ids and counts, never names or other personal data.

use super::sql::args;
use super::{Dialect, ReadTx, StoreError, WriteTx, postgres};
use chrono::{DateTime, Utc};

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
    // On PostgreSQL appends are serialised from reading the head to the
    // commit, so two cannot link to the same entry.
    postgres::hold(tx, postgres::AUDIT_CHAIN_LOCK)?;
    let prev = super::audit_chain::head(tx)?;
    let id: i64 = tx
        .returning(
            "INSERT INTO audit_log (at, actor_user_id, action, detail) VALUES (?1, ?2, ?3, ?4)
             RETURNING id",
            args![at, user, action, detail],
            |r| r.get(0),
        )?
        .ok_or(StoreError::NoRow)?;
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

/// The entries a query matches, after `SELECT …`: `?1` to `?5` are
/// [`query_params`], each `NULL` when not asked for.
macro_rules! matching {
    (sqlite) => {
        "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
    WHERE (?1 IS NULL OR instr(a.detail, ?1) > 0)
      AND (?2 IS NULL OR u.username = ?2)
      AND (?3 IS NULL OR a.action = ?3)
      AND (?4 IS NULL OR julianday(a.at) >= julianday(?4))
      AND (?5 IS NULL OR julianday(a.at) < julianday(?5))"
    };
    // Parameters are typed as text for PostgreSQL to infer them.
    (postgres) => {
        "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
    WHERE (CAST(?1 AS TEXT) IS NULL OR strpos(a.detail, ?1) > 0)
      AND (CAST(?2 AS TEXT) IS NULL OR u.username = ?2)
      AND (CAST(?3 AS TEXT) IS NULL OR a.action = ?3)
      AND (CAST(?4 AS TEXT) IS NULL
           OR CAST(a.at AS TIMESTAMPTZ) >= CAST(CAST(?4 AS TEXT) AS TIMESTAMPTZ))
      AND (CAST(?5 AS TEXT) IS NULL
           OR CAST(a.at AS TIMESTAMPTZ) < CAST(CAST(?5 AS TEXT) AS TIMESTAMPTZ))"
    };
}

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
    let sql = match tx.dialect() {
        Dialect::Sqlite => concat!(
            "SELECT a.id, a.at, u.display_name, u.username, a.action, a.detail ",
            matching!(sqlite),
            " ORDER BY a.id DESC LIMIT ?6"
        ),
        Dialect::Postgres => concat!(
            "SELECT a.id, a.at, u.display_name, u.username, a.action, a.detail ",
            matching!(postgres),
            " ORDER BY a.id DESC LIMIT ?6"
        ),
    };
    let [mentions, actor, action, from, until] = query_params(query);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = tx.rows(
        sql,
        args![mentions, actor, action, from, until, limit],
        |r| {
            Ok((
                r.get::<i64>(0)?,
                r.get::<String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    let mut entries = Vec::new();
    for (id, at, actor, actor_username, action, detail) in rows {
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
    let sql = match tx.dialect() {
        Dialect::Sqlite => concat!("SELECT count(*) ", matching!(sqlite)),
        Dialect::Postgres => concat!("SELECT count(*) ", matching!(postgres)),
    };
    let count: i64 = tx.value(sql, args![mentions, actor, action, from, until])?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// Every action the trail holds, alphabetically (for the screen's filter).
pub fn actions(tx: &ReadTx<'_>) -> Result<Vec<String>, StoreError> {
    tx.rows(
        "SELECT DISTINCT action FROM audit_log ORDER BY action",
        args![],
        |r| r.get(0),
    )
}
