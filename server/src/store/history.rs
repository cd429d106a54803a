//! The server's history id: a random name for "this database, as it has
//! grown since it was made or last put back from a copy". Devices keep the
//! id their cursor and acknowledgements came with; a different one (or a
//! cursor beyond the feed's end) tells them the server went back in time,
//! and they give back what it lost (`docs/ARCHITECTURE.md`, "The server
//! went back in time").
//!
//! Every backup gets an id of its own the moment it is written, and a
//! restore draws another, so a database put back from a copy never shares
//! an id with the history devices saw, even when the same backup is
//! restored twice.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};
use rusqlite::Connection;
use std::path::Path;

/// This database's history id.
pub fn id(tx: &ReadTx<'_>) -> Result<String, StoreError> {
    // ONLY is reserved in PostgreSQL; both read the quoted name.
    tx.value("SELECT id FROM server_history WHERE \"only\" = 1", args![])
}

/// Gives the database a new history id, in `tx`, and returns it: for a
/// database put back by other means than `tsunagu restore` (PostgreSQL's
/// `pg_restore` or point-in-time recovery). The id is drawn here, not in
/// SQL, so both backends make it alike.
pub fn renew_in(tx: &WriteTx<'_>) -> Result<String, StoreError> {
    let id = crate::secrets::random_hex::<16>();
    tx.execute(
        "UPDATE server_history SET id = ?1 WHERE \"only\" = 1",
        args![id],
    )?;
    Ok(id)
}

/// Gives the database file at `path` (a copy no server uses) a new
/// history id. A copy from before the id existed gets one when it is
/// first opened (migration 9), so it needs nothing here.
pub(super) fn renew(path: &Path) -> Result<(), StoreError> {
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'server_history'",
        [],
        |row| row.get(0),
    )?;
    if has_table {
        conn.execute(
            "UPDATE server_history SET id = lower(hex(randomblob(16))) WHERE only = 1",
            [],
        )?;
    }
    Ok(())
}
