//! Group commit: sync connections hand their writes to one writer thread,
//! which runs every write waiting at that moment in one transaction and
//! one fsync, then answers each. Under load the fsync, not the writes, is
//! what a commit costs, and one thread draining a FIFO queue never leaves
//! a connection starving on a contended lock.
//!
//! Each write runs inside its own savepoint: a failing write is rolled
//! back and reported to its caller alone; the others still commit. A
//! caller hears "done" only after the shared commit is durable.

use super::{StoreError, WriteTx};
use rusqlite::Connection;
use std::sync::mpsc::{Receiver, Sender, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// One unit of work for the writer: store calls to run inside the transaction.
pub(super) type Write = Box<dyn FnOnce(&WriteTx<'_>) -> Result<(), StoreError> + Send>;

/// A queued write and where to send its outcome.
pub(super) struct Job {
    write: Write,
    done: SyncSender<Result<(), StoreError>>,
}

/// The most writes committed together.
const MAX_GROUP: usize = 64;

/// Starts the writer thread over the shared connection; it ends when the
/// returned sender (and every clone) is dropped.
pub(super) fn start(conn: Arc<Mutex<Connection>>) -> std::io::Result<Sender<Job>> {
    let (sender, receiver) = std::sync::mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("tsunagu-writer".into())
        .spawn(move || run(&conn, &receiver))?;
    Ok(sender)
}

/// Queues `write` and waits until it is durably committed (or failed).
pub(super) fn submit(queue: &Sender<Job>, write: Write) -> Result<(), StoreError> {
    let (done, outcome) = sync_channel(1);
    queue
        .send(Job { write, done })
        .map_err(|_| StoreError::WriterStopped { mid_write: false })?;
    outcome
        .recv()
        .unwrap_or(Err(StoreError::WriterStopped { mid_write: true }))
}

fn run(conn: &Mutex<Connection>, queue: &Receiver<Job>) {
    serve(
        queue,
        |writes| {
            let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            commit_group(&mut conn, writes.into_iter())
        },
        |error| StoreError::Sqlite(failed_commit(error, &error.to_string())),
    );
}

/// Serves `queue` until every sender is gone: each time, every job
/// waiting (up to [`MAX_GROUP`]) goes to `commit` as one group, and each
/// hears its own outcome or, when the group did not commit, `failed`'s
/// error. Both backends' writer threads run this.
pub(super) fn serve<E>(
    queue: &Receiver<Job>,
    mut commit: impl FnMut(Vec<Write>) -> Result<Vec<Result<(), StoreError>>, E>,
    failed: impl Fn(&E) -> StoreError,
) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let writes = group
            .iter_mut()
            .map(|job| std::mem::replace(&mut job.write, Box::new(|_| Ok(()))))
            .collect();
        match commit(writes) {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    let _ = job.done.send(outcome);
                }
            }
            Err(error) => {
                for job in group {
                    let _ = job.done.send(Err(failed(&error)));
                }
            }
        }
    }
}

/// Runs each write in its own savepoint of one transaction and commits:
/// each write's outcome, or the error that kept the whole group from
/// committing (then nothing of it was written).
fn commit_group(
    conn: &mut Connection,
    writes: impl Iterator<Item = Write>,
) -> rusqlite::Result<Vec<Result<(), StoreError>>> {
    let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::new();
    for write in writes {
        let savepoint = tx.savepoint()?;
        let outcome = write(&WriteTx::over(&savepoint));
        if outcome.is_ok() {
            savepoint.commit()?;
        }
        // A failed write's savepoint rolls back when dropped.
        outcomes.push(outcome);
    }
    tx.commit()?;
    Ok(outcomes)
}

/// The shared commit's failure, as each caller's own error.
fn failed_commit(error: &rusqlite::Error, message: &str) -> rusqlite::Error {
    let code = match error {
        rusqlite::Error::SqliteFailure(e, _) => e.extended_code,
        _ => rusqlite::ffi::SQLITE_IOERR,
    };
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(code),
        Some(format!("the group commit failed: {message}")),
    )
}

#[cfg(test)]
mod tests {
    use crate::store::persons::{self, PersonRow};
    use crate::store::{Store, StoreError, WriteTx};

    fn person(id: &str) -> PersonRow<'_> {
        PersonRow {
            id,
            display_name: "試験",
            recipient_number: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn concurrent_writes_all_commit_and_a_failing_one_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open(dir.path()).unwrap());
        let insert = |id: String| move |tx: &WriteTx<'_>| persons::insert(tx, &person(&id));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for n in 0..25 {
                        store.write_grouped(insert(format!("p-{t}-{n}"))).unwrap();
                    }
                })
            })
            .collect();
        // A duplicate key: refused, and only this write is undone.
        store.write_grouped(insert("p-dup".into())).unwrap();
        let twice = store.write_grouped(|tx| {
            persons::insert(tx, &person("p-half"))?;
            persons::insert(tx, &person("p-dup"))
        });
        assert!(
            matches!(twice, Err(StoreError::Sqlite(_))),
            "the duplicate must be refused"
        );
        for thread in threads {
            thread.join().unwrap();
        }
        let count = |store: &Store| store.read(persons::all).unwrap().len();
        assert_eq!(
            count(&store),
            8 * 25 + 1,
            "every write but the failed one, whole"
        );
        drop(store);
        // Durable: a fresh open sees the same rows.
        let reopened = Store::open(dir.path()).unwrap();
        assert_eq!(count(&reopened), 8 * 25 + 1);
    }
}
