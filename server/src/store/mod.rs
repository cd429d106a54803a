//! The server's SQLite store: opening it safely and applying migrations.
//!
//! One writing connection behind a mutex (SQLite serialises writers
//! anyway), and a small pool of read-only connections for the sync path's
//! reads, so a read never waits behind a commit's fsync (WAL lets readers
//! run beside the writer, each seeing only committed transactions). `synchronous=FULL` in WAL mode means a
//! committed transaction survives power loss, which is what an
//! acknowledgement to a device will promise.

mod group_commit;
mod migrations;

pub use group_commit::Write;

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use thiserror::Error;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "tsunagu.sqlite3";

/// Why the store could not be opened or used.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The data directory does not exist and cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    CreateDataDir {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The data directory exists but files cannot be written in it.
    #[error("the data directory {path} is not writable: {source}")]
    DataDirNotWritable {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// SQLite could not open or read the database file.
    #[error("cannot open the database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer Tsunagu; touching it could corrupt it.
    #[error(
        "the database {path} has schema version {found}, newer than this build's {supported}; \
         run a newer tsunagu (nothing was changed)"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The writer thread could not be started.
    #[error("cannot start the database writer for {path}: {source}")]
    Writer {
        /// The database file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A statement failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The opened store.
pub struct Store {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    readers: Mutex<Vec<Connection>>,
    writer: std::sync::mpsc::Sender<group_commit::Job>,
}

/// Read-only connections kept open for reuse; more may be open at once
/// under load, and those beyond this are closed when returned.
const POOLED_READERS: usize = 8;

/// A read-only connection from the pool, returned to it when dropped.
pub struct Reader<'a> {
    store: &'a Store,
    conn: Option<Connection>,
}

impl std::ops::Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut pool = self.store.pool();
            if pool.len() < POOLED_READERS {
                pool.push(conn);
            }
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its
    /// schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        prepare_data_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        // Refuse a newer database before anything (even the journal mode) is written to it.
        migrations::refuse_newer(&conn, &path)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        fixed_plans(&conn).map_err(open_err)?;
        migrations::apply(&mut conn, &path)?;
        let conn = Arc::new(Mutex::new(conn));
        let writer = group_commit::start(conn.clone()).map_err(|source| StoreError::Writer {
            path: path.clone(),
            source,
        })?;
        Ok(Store {
            path,
            conn,
            readers: Mutex::new(Vec::new()),
            writer,
        })
    }

    /// Runs `write` in a transaction shared with whatever other writes are
    /// waiting (group commit: one fsync for all), and returns once that
    /// transaction is durable. A failing write changes nothing and fails
    /// alone.
    pub fn write_grouped(&self, write: Write) -> rusqlite::Result<()> {
        group_commit::submit(&self.writer, write)
    }

    /// A read-only connection, for reads that need no transaction with
    /// a write: it sees every transaction committed before it is used.
    pub fn reader(&self) -> Result<Reader<'_>, rusqlite::Error> {
        let pooled = self.pool().pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                fixed_plans(&conn)?;
                conn
            }
        };
        Ok(Reader {
            store: self,
            conn: Some(conn),
        })
    }

    fn pool(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for one short unit of work. A poisoned lock (a panic
    /// mid-statement) is recovered: SQLite rolled the transaction back.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }
}

/// Plans each statement once, whatever values are bound (SQLite's query
/// planner stability guarantee). Without it, a parameter the planner
/// looked at (a bound LIMIT, an equality the index does not cover) marks
/// the statement, and rusqlite's statement cache clears the bindings of
/// every statement it takes back, which expires a marked statement: each
/// use re-parsed and re-planned it. That was 9 % of the server's CPU under
/// load, all in the feed query. Our statements are written for one plan.
fn fixed_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
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
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_mode_at_the_newest_schema_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), migrations::LATEST);
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        assert_eq!(
            Store::open(dir.path()).unwrap().schema_version().unwrap(),
            migrations::LATEST
        );
    }

    #[test]
    fn readers_see_what_was_committed_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let count = |reader: &Reader<'_>| -> i64 {
            reader
                .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
                .unwrap()
        };
        let first = store.reader().unwrap();
        assert_eq!(count(&first), 0);
        drop(first);
        store
            .conn()
            .execute(
                "INSERT INTO persons (id, display_name, created_at) VALUES ('p-r', '試験', '2026-01-01')",
                [],
            )
            .unwrap();
        // The pooled connection is reused and sees the commit.
        let reader = store.reader().unwrap();
        assert_eq!(count(&reader), 1);
        let refused = reader.execute("DELETE FROM persons", []);
        assert!(refused.is_err(), "a reader must not write");
        assert_eq!(count(&reader), 1);
    }

    /// A cached statement whose plan could depend on a bound value (here
    /// a bound LIMIT) is reused as it was planned, not re-parsed each time
    /// the cache hands it out, on the writing and the reading connections.
    #[test]
    fn cached_statements_keep_their_plan_across_uses() {
        use rusqlite::StatementStatus;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let sql = "SELECT id FROM persons WHERE id > ?1 ORDER BY id LIMIT ?2";
        let use_twice = |conn: &Connection| {
            for limit in [5, 7] {
                let mut statement = conn.prepare_cached(sql).unwrap();
                let rows: Vec<String> = statement
                    .query_map(rusqlite::params!["", limit], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                assert!(rows.is_empty());
            }
            conn.prepare_cached(sql)
                .unwrap()
                .get_status(StatementStatus::RePrepare)
        };
        assert_eq!(use_twice(&store.conn()), 0, "writing connection");
        assert_eq!(use_twice(&store.reader().unwrap()), 0, "reader");
    }

    #[test]
    fn refuses_a_database_from_a_newer_build_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", migrations::LATEST + 1)
                .unwrap();
        }
        let err = Store::open(dir.path()).err().expect("must refuse");
        assert!(
            matches!(err, StoreError::NewerSchema { found, .. } if found == migrations::LATEST + 1)
        );
        let conn = Connection::open(&path).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "no migration may run on a newer database");
    }

    #[test]
    fn a_data_dir_that_cannot_be_created_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = Store::open(&file.join("data")).err().expect("must fail");
        assert!(matches!(err, StoreError::CreateDataDir { .. }), "{err}");
        assert!(err.to_string().contains("not-a-dir"), "{err}");
    }
}
