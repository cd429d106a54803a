//! The pool of read-only connections the store reads through.

use super::StoreError;
use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// Read-only connections kept open for reuse; more may be open at once
/// under load, and those beyond this are closed when returned.
const POOLED_READERS: usize = 8;

/// Read-only connections to one database file.
pub(super) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// A read-only connection from the pool, returned to it when dropped.
pub(super) struct Reader<'a> {
    readers: &'a Readers,
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
            let mut idle = self.readers.idle();
            if idle.len() < POOLED_READERS {
                idle.push(conn);
            }
        }
    }
}

impl Readers {
    /// An empty pool over the database at `path`.
    pub(super) fn new(path: PathBuf) -> Self {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// An idle connection, or a new one: it sees every transaction
    /// committed before it is used.
    pub(super) fn take(&self) -> Result<Reader<'_>, StoreError> {
        let pooled = self.idle().pop();
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
            readers: self,
            conn: Some(conn),
        })
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Plans each statement once, whatever values are bound (SQLite's query
/// planner stability guarantee). Without it, a parameter the planner
/// looked at (a bound LIMIT, an equality the index does not cover) marks
/// the statement, and rusqlite's statement cache clears the bindings of
/// every statement it takes back, which expires a marked statement: each
/// use re-parsed and re-planned it. That was 9 % of the server's CPU under
/// load, all in the feed query. Our statements are written for one plan.
pub(super) fn fixed_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}
