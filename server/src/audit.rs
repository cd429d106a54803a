//! The audit trail of programme changes: every listing import, assignment
//! and handover, from the app or the command line, is written in the same
//! transaction as the change it records. Entries carry ids and counts, not
//! names or other personal data.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// An administrator at the server's command line.
    CommandLine,
    /// A signed-in user (by id), through the app.
    User(i64),
}

/// Appends an entry to the trail, inside the caller's transaction.
pub fn record(
    conn: &Connection,
    actor: Actor,
    action: &str,
    detail: &serde_json::Value,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let user = match actor {
        Actor::CommandLine => None,
        Actor::User(id) => Some(id),
    };
    conn.execute(
        "INSERT INTO audit_log (at, actor_user_id, action, detail) VALUES (?1, ?2, ?3, ?4)",
        params![now.to_rfc3339(), user, action, detail.to_string()],
    )?;
    Ok(())
}
