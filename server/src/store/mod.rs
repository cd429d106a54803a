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
//! Two backends: SQLite ([`sqlite`], the default: one file in the data
//! directory) and PostgreSQL ([`postgres`], being brought up module by
//! module). Statements written through [`sql`] run on both;
//! `docs/ARCHITECTURE.md` says what each backend provides and how the
//! feed keeps its order on PostgreSQL.

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
pub mod postgres;
pub mod records;
pub mod second_factors;
pub mod sessions;
pub mod sign_in_attempts;
pub mod sql;
mod sqlite;
pub mod users;

pub use error::StoreError;
pub use sql::Dialect;

use rusqlite::Connection;
use sqlite::SqliteDb;
use std::cell::RefCell;
use std::path::Path;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "tsunagu.sqlite3";

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = migrations::LATEST;

/// The connection a transaction runs on.
enum Conn<'c> {
    Sqlite(&'c Connection),
    Postgres(&'c RefCell<postgres::PgConn>),
}

/// A transaction (or, for [`Store::read`], a connection) to read through.
/// Every read function of the store takes one.
pub struct ReadTx<'c> {
    conn: Conn<'c>,
}

impl<'c> ReadTx<'c> {
    /// The SQLite connection, for the store's own tests of SQLite.
    #[cfg(test)]
    pub(in crate::store) fn sql(&self) -> Result<&'c Connection, StoreError> {
        match self.conn {
            Conn::Sqlite(conn) => Ok(conn),
            Conn::Postgres(_) => Err(StoreError::NotOnPostgres),
        }
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
    /// Wraps a SQLite connection that is inside a write transaction.
    fn over(conn: &'c Connection) -> Self {
        WriteTx {
            read: ReadTx {
                conn: Conn::Sqlite(conn),
            },
        }
    }

    /// Wraps a PostgreSQL connection that is inside a write transaction.
    fn over_postgres(conn: &'c RefCell<postgres::PgConn>) -> Self {
        WriteTx {
            read: ReadTx {
                conn: Conn::Postgres(conn),
            },
        }
    }
}

/// The opened store.
pub struct Store {
    backend: Backend,
}

/// Records held against other servers' merges ([`Store::lock_records`]).
pub struct RecordsHeld<'a> {
    _held: Option<postgres::HeldRecords<'a>>,
}

/// The database a store is on.
enum Backend {
    Sqlite(SqliteDb),
    Postgres(Box<postgres::PgDb>),
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
        Ok(Store {
            backend: Backend::Sqlite(SqliteDb::open(&data_dir.join(DATABASE_FILE), check)?),
        })
    }

    /// Opens the PostgreSQL database at `url` (`postgres://…`) and brings
    /// its schema up to date, refusing one newer than this build. What
    /// only SQLite does (backups into a file, the outside-commit watch)
    /// answers [`StoreError::NotOnPostgres`].
    pub fn open_postgres(url: &str) -> Result<Self, StoreError> {
        Ok(Store {
            backend: Backend::Postgres(Box::new(postgres::PgDb::open(url)?)),
        })
    }

    /// Which database the store is on.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `work` in one write transaction (on SQLite begun IMMEDIATE, so
    /// a busy database is waited for rather than failing mid-way):
    /// committed when it returns `Ok`, rolled back when it returns `Err`.
    pub fn write<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.backend {
            Backend::Sqlite(db) => db.write(work),
            Backend::Postgres(db) => db.write(work),
        }
    }

    /// Runs `work` in a transaction shared with whatever other grouped
    /// writes are waiting (group commit: one fsync for all), and returns
    /// once that transaction is durable. A failing write changes nothing
    /// and fails alone.
    pub fn write_grouped(
        &self,
        work: impl FnOnce(&WriteTx<'_>) -> Result<(), StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(db) => group_commit::submit(&db.writer, Box::new(work)),
            Backend::Postgres(db) => db.write_grouped(Box::new(work)),
        }
    }

    /// Runs `work` on a read-only connection from the pool, each statement
    /// seeing every transaction committed before it runs. For the sync
    /// path's single-statement reads, which must never wait behind a commit.
    pub fn read<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&ReadTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.backend {
            Backend::Sqlite(db) => {
                let reader = db.readers.take()?;
                work(&ReadTx {
                    conn: Conn::Sqlite(&reader),
                })
            }
            Backend::Postgres(db) => db.read(false, work),
        }
    }

    /// Runs `work` in one read transaction on a pooled read-only
    /// connection: every statement sees the same committed state, however
    /// many commits happen meanwhile.
    pub fn read_snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&ReadTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match &self.backend {
            Backend::Sqlite(db) => db.read_snapshot(work),
            Backend::Postgres(db) => db.read(true, work),
        }
    }

    /// Holds `ids` against merges by any other server on the same database
    /// until the guard is dropped. One server per SQLite file needs no
    /// such lock (its connections take turns in `record_locks`); on
    /// PostgreSQL several servers must.
    pub fn lock_records(&self, ids: &[String]) -> Result<RecordsHeld<'_>, StoreError> {
        Ok(RecordsHeld {
            _held: match &self.backend {
                Backend::Sqlite(_) => None,
                Backend::Postgres(db) => Some(db.lock_records(ids)?),
            },
        })
    }

    /// The database file (a PostgreSQL store has none).
    pub fn path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite(db) => Some(&db.path),
            Backend::Postgres(_) => None,
        }
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        match &self.backend {
            Backend::Sqlite(db) => {
                Ok(db
                    .writer()
                    .pragma_query_value(None, "user_version", |row| row.get(0))?)
            }
            Backend::Postgres(db) => db.schema_version(),
        }
    }

    /// Whether another process (the command line: an assignment, a
    /// listing import; on PostgreSQL another server too) committed a
    /// change since the last call that may move a caseload. The first call
    /// says yes.
    pub fn changed_elsewhere(&self) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(db) => db.changed_elsewhere(),
            Backend::Postgres(db) => Ok(db.heard()?.changed()),
        }
    }

    /// Calls `wake` with the persons of every feed entry another server
    /// commits to the same database from now on (PostgreSQL; a SQLite
    /// file has one server, and the command line's commits are caught by
    /// [`Store::changed_elsewhere`]). It may hear this server's own too.
    pub fn on_feed_elsewhere(
        &self,
        wake: impl Fn(&[String]) + Send + Sync + 'static,
    ) -> Result<(), StoreError> {
        if let Backend::Postgres(db) = &self.backend {
            db.heard()?.on_feed(Box::new(wake));
        }
        Ok(())
    }

    /// The SQLite database, for what only it does (backups, checks).
    fn sqlite(&self) -> Result<&SqliteDb, StoreError> {
        match &self.backend {
            Backend::Sqlite(db) => Ok(db),
            Backend::Postgres(_) => Err(StoreError::NotOnPostgres),
        }
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
