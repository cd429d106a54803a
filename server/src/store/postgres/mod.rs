//! The PostgreSQL backend: a pool of connections, transactions with the
//! SQLite backend's meaning, versioned schema migrations, and the feed
//! numbered in commit order ([`FEED_ORDER_LOCK`]).
//!
//! It runs the statements written through [`sql`](super::sql); the store's
//! other modules refuse to run on it ([`StoreError::NotOnPostgres`]) until
//! they are written that way too, so the server does not offer it yet.
//!
//! The `postgres` client blocks: on a multi-threaded tokio runtime a
//! transaction runs inside `block_in_place`, so a caller on an async task
//! blocks only its own worker, as a SQLite statement does.

mod conn;
mod group_commit;
pub mod listen;
mod pool;
pub(in crate::store) mod rows;
mod schema;
pub mod tls;

pub use conn::PgConn;
pub(in crate::store) use conn::value;

use super::{Conn, ReadTx, StoreError, WriteTx};
use std::cell::RefCell;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

/// The most connections one server opens for statements. Two cores keep
/// no more busy; a thousand tablets syncing at once wait their turn.
const STATEMENT_CONNECTIONS: usize = 16;

/// The most connections one server holds record locks on, apart from the
/// statements' (a push holding a lock then waits for a statement
/// connection, never the other way round, so the two cannot deadlock).
const LOCK_CONNECTIONS: usize = 16;

/// The advisory lock every transaction that appends to the feed takes
/// before its first entry and holds until it commits. PostgreSQL hands out
/// identity values as transactions ask, not as they commit: without the
/// lock a writer could take seq 11, another seq 12 and commit first, and a
/// device that read 12 would move its cursor past 11 for good. Under the
/// lock entries are numbered in commit order, so everything a reader sees
/// below the newest number it sees is already committed.
/// (`docs/ARCHITECTURE.md`, "The feed's order on PostgreSQL".)
pub const FEED_ORDER_LOCK: i64 = 0x7473_756e_6167_7501;

/// The advisory lock every append to the audit trail takes before it
/// reads the chain's head, held until it commits, so two appends cannot
/// both link to the same entry (SQLite's one writer already keeps them
/// apart).
pub const AUDIT_CHAIN_LOCK: i64 = 0x7473_756e_6167_7503;

/// The advisory lock sign-in reservations take, so attempts arriving
/// together at several servers are counted one after the other.
pub const SIGN_IN_LOCK: i64 = 0x7473_756e_6167_7504;

/// The class of the advisory locks that keep two servers from merging
/// into the same record at once (the key within it is the hash of the
/// record id; a collision only makes two merges take turns).
const RECORD_LOCK_CLASS: i64 = 0x7473_7572;

/// The advisory lock the start-up's making of missing profile documents
/// takes, so servers starting together make each one once.
pub const PERSON_DOCUMENTS_LOCK: i64 = 0x7473_756e_6167_7505;

/// The advisory lock migrations run under, so instances starting together
/// upgrade the schema once.
const MIGRATION_LOCK: i64 = 0x7473_756e_6167_7502;

/// An opened PostgreSQL database.
pub struct PgDb {
    connector: conn::Connector,
    statements: Arc<pool::Pool>,
    locks: Arc<pool::Pool>,
    /// What other servers commit, once something asked.
    heard: OnceLock<Arc<listen::Heard>>,
    /// The group-commit thread's queue (it stops when this is dropped).
    writer: std::sync::mpsc::Sender<crate::store::group_commit::Job>,
}

impl PgDb {
    /// Connects to `url`, refuses a schema newer than this build's and
    /// brings an older one up to date.
    pub(super) fn open(url: &str) -> Result<Self, StoreError> {
        let (url, root_cert) = tls::split_root_cert(url);
        let connector = conn::Connector {
            config: postgres::Config::from_str(&url)?,
            tls: tls::connector(root_cert.as_deref())?,
            instance: crate::secrets::random_hex::<16>(),
        };
        let statements = pool::Pool::new(STATEMENT_CONNECTIONS);
        let writer =
            group_commit::start(connector.clone(), statements.clone()).map_err(|source| {
                StoreError::Writer {
                    path: "PostgreSQL".into(),
                    source,
                }
            })?;
        let db = PgDb {
            connector,
            statements,
            locks: pool::Pool::new(LOCK_CONNECTIONS),
            heard: OnceLock::new(),
            writer,
        };
        db.write(|tx| schema::apply(tx, MIGRATION_LOCK))?;
        Ok(db)
    }

    /// The schema version the database is at.
    pub(super) fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(false, schema::version)
    }

    /// What other servers and the command line commit, heard from the
    /// first call on (a thread starts listening then).
    pub(super) fn heard(&self) -> Result<&listen::Heard, StoreError> {
        if let Some(heard) = self.heard.get() {
            return Ok(heard);
        }
        let started =
            listen::start(self.connector.clone()).map_err(|source| StoreError::Writer {
                path: "PostgreSQL listener".into(),
                source,
            })?;
        Ok(self.heard.get_or_init(|| started))
    }

    /// [`Store::write`](super::Store::write) on PostgreSQL: one
    /// transaction at `READ COMMITTED`, committed with
    /// `synchronous_commit = on` (the default, set again per connection so
    /// a server configured otherwise cannot weaken an acknowledgement).
    pub(super) fn write<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.transaction("BEGIN ISOLATION LEVEL READ COMMITTED", |conn| {
            work(&WriteTx::over_postgres(conn))
        })
    }

    /// [`Store::read`](super::Store::read) (each statement sees what was
    /// committed before it: autocommit, as SQLite's pooled readers run,
    /// without the two round trips a transaction would add to the sync
    /// path's one-statement reads) or, with `snapshot`,
    /// [`Store::read_snapshot`](super::Store::read_snapshot) (every
    /// statement sees the same committed state). A [`ReadTx`] has no way
    /// to write.
    pub(super) fn read<T, E: From<StoreError>>(
        &self,
        snapshot: bool,
        work: impl FnOnce(&ReadTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let read = |conn: &RefCell<PgConn>| {
            work(&ReadTx {
                conn: Conn::Postgres(conn),
            })
        };
        if snapshot {
            return self.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", read);
        }
        blocking(|| {
            let conn = RefCell::new(self.take()?);
            let out = read(&conn);
            self.statements.give_back(conn.into_inner());
            out
        })
    }

    /// Runs `work` between `begin` and a commit (or a rollback when it
    /// fails). A connection whose transaction did not end cleanly is
    /// closed, not pooled: the server rolls back what it left open.
    fn transaction<T, E: From<StoreError>>(
        &self,
        begin: &str,
        work: impl FnOnce(&RefCell<PgConn>) -> Result<T, E>,
    ) -> Result<T, E> {
        blocking(|| {
            let mut conn = self.take()?;
            conn.batch(begin)?;
            let conn = RefCell::new(conn);
            let out = work(&conn);
            let mut conn = conn.into_inner();
            let end = if out.is_ok() { "COMMIT" } else { "ROLLBACK" };
            conn.batch(end)?;
            self.statements.give_back(conn);
            out
        })
    }

    /// Holds `ids` against merges by any other server on this database
    /// until the guard is dropped (session-level advisory locks on a
    /// connection of the guard's own, taken in key order so two servers
    /// locking overlapping records cannot deadlock).
    pub(super) fn lock_records(&self, ids: &[String]) -> Result<HeldRecords<'_>, StoreError> {
        blocking(|| {
            let mut conn = self.locks.take(|slot| self.connector.connect(slot))?;
            // One statement for all: the keys sorted, each taken in turn
            // (a volatile function in the outer list runs after the
            // subquery's sort).
            conn.execute(
                "SELECT pg_advisory_lock(?1, key) FROM (
                     SELECT DISTINCT hashtext(id) AS key FROM unnest(?2::text[]) AS ids(id)
                      ORDER BY key) AS keys",
                &[
                    super::sql::Param::Int(RECORD_LOCK_CLASS),
                    super::sql::Param::Texts(ids),
                ],
            )?;
            Ok(HeldRecords {
                db: self,
                conn: Some(conn),
            })
        })
    }

    /// [`Store::write_grouped`](super::Store::write_grouped) on
    /// PostgreSQL: through the group-commit thread.
    pub(super) fn write_grouped(
        &self,
        work: crate::store::group_commit::Write,
    ) -> Result<(), StoreError> {
        crate::store::group_commit::submit(&self.writer, work)
    }

    fn take(&self) -> Result<PgConn, StoreError> {
        self.statements.take(|slot| self.connector.connect(slot))
    }
}

/// Records held by [`PgDb::lock_records`]; released when dropped.
pub struct HeldRecords<'a> {
    db: &'a PgDb,
    conn: Option<PgConn>,
}

impl Drop for HeldRecords<'_> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // A connection that cannot say so is closed instead, which
            // releases its locks just the same.
            blocking(|| {
                if conn.batch("SELECT pg_advisory_unlock_all()").is_ok() {
                    self.db.locks.give_back(conn);
                }
            });
        }
    }
}

/// Takes advisory lock `lock` ([`FEED_ORDER_LOCK`], [`AUDIT_CHAIN_LOCK`])
/// for the rest of the transaction; on SQLite, whose one writer already
/// runs write transactions one after the other, it does nothing.
pub(in crate::store) fn hold(tx: &WriteTx<'_>, lock: i64) -> Result<(), StoreError> {
    if let Conn::Postgres(conn) = tx.conn {
        conn.borrow_mut().execute(
            "SELECT pg_advisory_xact_lock(?1)",
            &[super::sql::Param::Int(lock)],
        )?;
    }
    Ok(())
}

/// Runs `work`, which blocks on the `postgres` client, where blocking is
/// allowed: inside `block_in_place` on a multi-threaded tokio runtime's
/// worker, as it is elsewhere (a plain thread, `spawn_blocking`).
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

#[cfg(test)]
mod parity;
#[cfg(test)]
mod servers_tests;
#[cfg(test)]
mod tests;
