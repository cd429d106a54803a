//! The server's store: the only code that knows the database exists.
//!
//! Every table belongs to one module here, one per aggregate ([`records`]
//! and [`feed`], [`persons`], [`assignments`], [`users`] and [`sessions`],
//! [`devices`] and [`deliveries`], [`audit`], [`listings`], [`costs`]). Each exposes
//! typed functions over a [`ReadTx`] or a [`WriteTx`]; nothing outside
//! this module sees SQL, a connection or `rusqlite`. Domain code opens a
//! transaction with [`Store::write`] (or reads with [`Store::read`] /
//! [`Store::read_snapshot`]) and calls those functions inside it.
//!
//! The SQLite backend: one writing connection behind a mutex (SQLite
//! serialises writers anyway), a pool of read-only connections so a read
//! never waits behind a commit's fsync (WAL lets readers run beside the
//! writer, each seeing only committed transactions), and group commit for
//! the sync path ([`Store::write_grouped`]). `synchronous=FULL` in WAL mode
//! means a committed transaction survives power loss, which is what an
//! acknowledgement to a device promises. `docs/ARCHITECTURE.md` says what
//! a second backend (PostgreSQL) would have to provide.

/// The SQL condition "assignment `$a` is active on day `$day`" (the day
/// it starts counts, the day it ends does not), as a `&'static str`, so
/// the rule is written once and every statement stays a literal.
macro_rules! active_on {
    ($a:literal, $day:literal) => {
        concat!(
            $a,
            ".starts_on <= ",
            $day,
            " AND (",
            $a,
            ".ends_on IS NULL OR ",
            $a,
            ".ends_on > ",
            $day,
            ")"
        )
    };
}

pub mod assignments;
pub mod audit;
pub mod audit_chain;
pub mod backup;
pub mod costs;
pub mod deliveries;
pub mod devices;
mod error;
pub mod feed;
mod group_commit;
pub mod history;
pub mod listings;
mod migrations;
pub mod persons;
mod pool;
pub mod records;
pub mod second_factors;
pub mod sessions;
pub mod users;

pub use error::StoreError;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "tsunagu.sqlite3";

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = migrations::LATEST;

/// A transaction (or, for [`Store::read`], a connection) to read through.
/// Every read function of the store takes one.
pub struct ReadTx<'c> {
    conn: &'c Connection,
}

impl<'c> ReadTx<'c> {
    /// The connection, for the store's own modules only.
    pub(in crate::store) fn sql(&self) -> &'c Connection {
        self.conn
    }
}

/// A write transaction: every write function takes one, and it reads
/// too (it dereferences to [`ReadTx`]). It commits when the closure given
/// to [`Store::write`] returns `Ok`, and rolls back otherwise.
pub struct WriteTx<'c> {
    read: ReadTx<'c>,
}

impl<'c> std::ops::Deref for WriteTx<'c> {
    type Target = ReadTx<'c>;
    fn deref(&self) -> &ReadTx<'c> {
        &self.read
    }
}

impl<'c> WriteTx<'c> {
    /// Wraps a connection that is inside a write transaction.
    fn over(conn: &'c Connection) -> Self {
        WriteTx {
            read: ReadTx { conn },
        }
    }
}

/// The opened store.
pub struct Store {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    /// The writing connection's `data_version` when last looked at
    /// ([`Store::changed_elsewhere`]).
    seen_data_version: AtomicI64,
    readers: pool::Readers,
    writer: std::sync::mpsc::Sender<group_commit::Job>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its
    /// schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        Store::open_with(data_dir, false)
    }

    /// [`Store::open`], but an existing database must first pass SQLite's
    /// `quick_check`, before anything is written to it (the server's start).
    pub fn open_checked(data_dir: &Path) -> Result<Self, StoreError> {
        Store::open_with(data_dir, true)
    }

    fn open_with(data_dir: &Path, check: bool) -> Result<Self, StoreError> {
        prepare_data_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let existed = std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
        let mut conn = Connection::open(&path).map_err(open_err)?;
        // Refuse a damaged or newer database before anything (even the
        // journal mode) is written to it.
        if check && existed {
            backup::check_connection(&conn, &path, false)?;
        }
        let found = migrations::refuse_newer(&conn, &path)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        pool::fixed_plans(&conn).map_err(open_err)?;
        migrations::apply(&mut conn, &path)?;
        // Entries written before the chain existed are sealed once, on the
        // upgrade; every later entry is sealed as it is written.
        if found < migrations::AUDIT_CHAIN {
            let tx = conn.transaction()?;
            audit_chain::seal_unsealed(&WriteTx::over(&tx))?;
            tx.commit()?;
        }
        let conn = Arc::new(Mutex::new(conn));
        let writer = group_commit::start(conn.clone()).map_err(|source| StoreError::Writer {
            path: path.clone(),
            source,
        })?;
        Ok(Store {
            readers: pool::Readers::new(path.clone()),
            path,
            conn,
            seen_data_version: AtomicI64::new(0),
            writer,
        })
    }

    /// Runs `work` in one write transaction (begun IMMEDIATE, so a busy
    /// database is waited for rather than failing mid-way): committed when
    /// it returns `Ok`, rolled back when it returns `Err`.
    pub fn write<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.writer();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = work(&WriteTx::over(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `work` in a transaction shared with whatever other grouped
    /// writes are waiting (group commit: one fsync for all), and returns
    /// once that transaction is durable. A failing write changes nothing
    /// and fails alone.
    pub fn write_grouped(
        &self,
        work: impl FnOnce(&WriteTx<'_>) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        group_commit::submit(&self.writer, Box::new(work))
    }

    /// Runs `work` on a read-only connection from the pool, each statement
    /// seeing every transaction committed before it runs. For the sync
    /// path's single-statement reads, which must never wait behind a commit.
    pub fn read<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&ReadTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let reader = self.readers.take()?;
        work(&ReadTx { conn: &reader })
    }

    /// Runs `work` in one read transaction on a pooled read-only
    /// connection: every statement sees the same committed state, however
    /// many commits happen meanwhile.
    pub fn read_snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&ReadTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let reader = self.readers.take()?;
        let tx =
            rusqlite::Transaction::new_unchecked(&reader, rusqlite::TransactionBehavior::Deferred)
                .map_err(StoreError::from)?;
        let out = work(&ReadTx { conn: &tx })?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .writer()
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    /// Whether another process (the command line: an assignment, a
    /// listing import) committed to the database since the last call.
    /// SQLite's `data_version` on a connection changes only with commits
    /// made through other connections, and every write of this server
    /// goes through the one writing connection. The first call says yes.
    pub fn changed_elsewhere(&self) -> Result<bool, StoreError> {
        let version: i64 = self
            .writer()
            .pragma_query_value(None, "data_version", |row| row.get(0))?;
        let seen = self.seen_data_version.swap(version, Ordering::Relaxed);
        Ok(seen != version)
    }

    /// The writing connection. A poisoned lock (a panic mid-statement) is
    /// recovered: SQLite rolled the transaction back.
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Creates the directory and proves a file can be written there, so a
/// read-only or missing volume fails at start with its path, not later.
fn prepare_data_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDataDir {
        path: dir.to_owned(),
        source,
    })?;
    let probe = dir.join(".tsunagu-write-check");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|source| StoreError::DataDirNotWritable {
            path: dir.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests;
