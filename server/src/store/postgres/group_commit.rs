//! Group commit on PostgreSQL, as on SQLite (`store/group_commit.rs`):
//! one thread takes every sync write waiting at that moment, runs each in
//! its own savepoint of one transaction and commits once. Feed appends
//! hold the feed's order lock from numbering to the commit, so without
//! grouping each acknowledgement waited for every earlier one's WAL flush
//! in turn; grouped, a flush serves them all. A failing write is rolled
//! back to its savepoint and fails alone.

use super::blocking;
use super::conn::Connector;
use super::pool::Pool;
use crate::store::group_commit::{Job, Write, serve};
use crate::store::{StoreError, WriteTx};
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

/// Starts the writer thread over `pool`'s connections; it ends when every
/// sender is dropped.
pub(super) fn start(connector: Connector, pool: Arc<Pool>) -> std::io::Result<Sender<Job>> {
    let (sender, receiver) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("tsunagu-pg-writer".into())
        .spawn(move || run(&connector, &pool, &receiver))?;
    Ok(sender)
}

fn run(connector: &Connector, pool: &Arc<Pool>, queue: &Receiver<Job>) {
    serve(
        queue,
        |writes| blocking(|| commit_group(connector, pool, writes)),
        |error| StoreError::GroupCommitFailed {
            detail: error.to_string(),
        },
    );
}

/// Each write's outcome, or the error that kept the whole group from
/// committing (then nothing of it was written).
fn commit_group(
    connector: &Connector,
    pool: &Arc<Pool>,
    writes: Vec<Write>,
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let mut conn = pool.take(|slot| connector.connect(slot))?;
    conn.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
    let conn = RefCell::new(conn);
    let mut outcomes = Vec::with_capacity(writes.len());
    for write in writes {
        conn.borrow_mut().batch("SAVEPOINT write")?;
        let outcome = write(&WriteTx::over_postgres(&conn));
        let end = if outcome.is_ok() {
            "RELEASE SAVEPOINT write"
        } else {
            "ROLLBACK TO SAVEPOINT write"
        };
        conn.borrow_mut().batch(end)?;
        outcomes.push(outcome);
    }
    let mut conn = conn.into_inner();
    conn.batch("COMMIT")?;
    pool.give_back(conn);
    Ok(outcomes)
}
