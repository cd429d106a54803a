//! `sign_in_attempts`: recent sign-in attempts counted against a user
//! name or an address (`crate::sign_in_limits`), in the database so that
//! every server on it shares one throttle. A key is the SHA-256 of the
//! name or the address, never the text: a password typed into the name
//! field must not be kept. Times are milliseconds since the Unix epoch.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx, postgres};

/// Serialises reservations from here to the commit on PostgreSQL, so
/// that attempts arriving together at several servers are counted one
/// after the other (SQLite's one writer already does).
pub fn hold(tx: &WriteTx<'_>) -> Result<(), StoreError> {
    postgres::hold(tx, postgres::SIGN_IN_LOCK)
}

/// When `key`'s attempts since `since_ms` were made, oldest first.
pub fn recent(tx: &ReadTx<'_>, key: &[u8], since_ms: i64) -> Result<Vec<i64>, StoreError> {
    tx.rows(
        "SELECT at_ms FROM sign_in_attempts WHERE key = ?1 AND at_ms >= ?2 ORDER BY at_ms",
        args![key, since_ms],
        |row| row.get(0),
    )
}

/// Counts an attempt against `key` at `at_ms`.
pub fn record(tx: &WriteTx<'_>, key: &[u8], at_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO sign_in_attempts (key, at_ms) VALUES (?1, ?2)",
        args![key, at_ms],
    )?;
    Ok(())
}

/// Takes back one attempt counted against `key` at `at_ms` (it did not
/// fail).
pub fn give_back(tx: &WriteTx<'_>, key: &[u8], at_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sign_in_attempts WHERE id = (
             SELECT id FROM sign_in_attempts WHERE key = ?1 AND at_ms = ?2
              ORDER BY id DESC LIMIT 1)",
        args![key, at_ms],
    )?;
    Ok(())
}

/// Forgets every attempt against `key` (after a successful sign-in).
pub fn forget(tx: &WriteTx<'_>, key: &[u8]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM sign_in_attempts WHERE key = ?1", args![key])?;
    Ok(())
}

/// Drops the attempts made before `before_ms`, which no rule counts.
pub fn prune(tx: &WriteTx<'_>, before_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sign_in_attempts WHERE at_ms < ?1",
        args![before_ms],
    )?;
    Ok(())
}
