//! The SQLite backend: opening the file, its transactions, and
//! [`sql`](super::sql)'s statements (rusqlite's statement cache,
//! parameters bound by position, values read by their storage class).

use super::sql::{Param, Row, Value};
use super::{
    Conn, ReadTx, StoreError, WriteTx, audit_chain, backup, group_commit, migrations, pool,
};
use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(n)),
            Param::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Param::Bytes(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
            // Read back with `json_each`.
            Param::Texts(texts) => ToSqlOutput::Owned(rusqlite::types::Value::Text(
                serde_json::to_string(texts).expect("a list of strings serialises"),
            )),
            Param::ByteStrings(_) => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    "lists of byte strings are bound on PostgreSQL only".into(),
                ));
            }
        })
    }
}

/// Column `index` of `row`.
pub(super) fn value(row: &rusqlite::Row<'_>, index: usize) -> Result<Value, StoreError> {
    Ok(match row.get_ref(index)? {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(x) => Value::Text(x.to_string()),
        ValueRef::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec()),
    })
}

/// Hands each row of `sql` to `visit` until it answers `false`, through
/// the connection's statement cache.
pub(super) fn each(
    conn: &Connection,
    sql: &str,
    args: &[Param<'_>],
    visit: &mut dyn FnMut(&Row<'_>) -> Result<bool, StoreError>,
) -> Result<(), StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(args))?;
    while let Some(row) = rows.next()? {
        if !visit(&Row::Sqlite(row))? {
            break;
        }
    }
    Ok(())
}

/// Runs `sql`; the rows it changed.
pub(super) fn execute(
    conn: &Connection,
    sql: &str,
    args: &[Param<'_>],
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .execute(rusqlite::params_from_iter(args))?)
}

/// The SQLite backend: one writing connection behind a mutex (SQLite
/// serialises writers anyway), a pool of read-only connections so a read
/// never waits behind a commit's fsync (WAL lets readers run beside the
/// writer, each seeing only committed transactions), and group commit for
/// the sync path. `synchronous=FULL` in WAL mode means a committed
/// transaction survives power loss, which is what an acknowledgement to a
/// device promises.
pub(super) struct SqliteDb {
    /// The database file.
    pub(super) path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    /// The writing connection's `data_version` when last looked at
    /// ([`SqliteDb::changed_elsewhere`]).
    seen_data_version: AtomicI64,
    pub(super) readers: pool::Readers,
    pub(super) writer: std::sync::mpsc::Sender<group_commit::Job>,
}

impl SqliteDb {
    /// Opens (creating if needed) the database file at `path` and brings
    /// its schema up to date; with `check`, an existing file must first
    /// pass `quick_check`, before anything is written to it.
    pub(super) fn open(path: &Path, check: bool) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let existed = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        let mut conn = Connection::open(path).map_err(open_err)?;
        // Refuse a damaged or newer database before anything (even the
        // journal mode) is written to it.
        if check && existed {
            backup::check_connection(&conn, path, false)?;
        }
        let found = migrations::refuse_newer(&conn, path)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        pool::fixed_plans(&conn).map_err(open_err)?;
        migrations::apply(&mut conn, path)?;
        // Entries written before the chain existed are sealed once, on the
        // upgrade; every later entry is sealed as it is written.
        if found < migrations::AUDIT_CHAIN {
            let tx = conn.transaction()?;
            audit_chain::seal_unsealed(&WriteTx::over(&tx))?;
            tx.commit()?;
        }
        let conn = Arc::new(Mutex::new(conn));
        let writer = group_commit::start(conn.clone()).map_err(|source| StoreError::Writer {
            path: path.to_owned(),
            source,
        })?;
        Ok(SqliteDb {
            readers: pool::Readers::new(path.to_owned()),
            path: path.to_owned(),
            conn,
            seen_data_version: AtomicI64::new(0),
            writer,
        })
    }

    /// [`Store::write`](super::Store::write) on SQLite.
    pub(super) fn write<T, E: From<StoreError>>(
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

    /// [`Store::read_snapshot`](super::Store::read_snapshot) on SQLite.
    pub(super) fn read_snapshot<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&ReadTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let reader = self.readers.take()?;
        let tx =
            rusqlite::Transaction::new_unchecked(&reader, rusqlite::TransactionBehavior::Deferred)
                .map_err(StoreError::from)?;
        let out = work(&ReadTx {
            conn: Conn::Sqlite(&tx),
        })?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// SQLite's `data_version` on a connection changes only with commits
    /// made through other connections, and every write of this server
    /// goes through the one writing connection.
    pub(super) fn changed_elsewhere(&self) -> Result<bool, StoreError> {
        let version: i64 = self
            .writer()
            .pragma_query_value(None, "data_version", |row| row.get(0))?;
        let seen = self.seen_data_version.swap(version, Ordering::Relaxed);
        Ok(seen != version)
    }

    /// The writing connection. A poisoned lock (a panic mid-statement) is
    /// recovered: SQLite rolled the transaction back.
    pub(super) fn writer(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
