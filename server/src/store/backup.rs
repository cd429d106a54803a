//! Copies of the database: an online backup while the server serves, the
//! check every copy must pass before it is trusted, the restore that puts
//! one in place, and the lock that says a server is using a data
//! directory (so a restore cannot pull the file from under it).

use super::{DATABASE_FILE, Store, StoreError, history, migrations};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file a serving server holds in its data directory.
const LOCK_FILE: &str = "tsunagu.lock";

/// What a backup made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupDone {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its schema version.
    pub schema_version: i64,
    /// How long it took, the check included.
    pub took: Duration,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The schema version restored.
    pub schema_version: i64,
    /// Where the database it replaced was put, if there was one.
    pub replaced: Option<PathBuf>,
}

/// Held while a server serves a data directory; released when dropped.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

impl ServerLock {
    /// Takes the data directory's lock, refusing if a server holds it.
    pub fn acquire(data_dir: &Path) -> Result<ServerLock, StoreError> {
        let path = data_dir.join(LOCK_FILE);
        let file = File::create(&path).map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
        match file.try_lock() {
            Ok(()) => Ok(ServerLock { _file: file }),
            Err(_) => Err(StoreError::ServerRunning {
                path: data_dir.to_owned(),
            }),
        }
    }
}

impl Store {
    /// Writes a consistent copy of the database to `to` while the server
    /// keeps serving (`VACUUM INTO` on a read-only connection: readers
    /// and the writer carry on), checks it, and only then names it `to`.
    /// Refuses to overwrite an existing file.
    pub fn backup_to(&self, to: &Path) -> Result<BackupDone, StoreError> {
        let started = Instant::now();
        if to.exists() {
            return Err(StoreError::BackupExists {
                path: to.to_owned(),
            });
        }
        let partial = with_suffix(to, ".partial");
        let _ = std::fs::remove_file(&partial);
        let reader = self.sqlite()?.readers.take()?;
        let target = partial.to_string_lossy().into_owned();
        if let Err(source) = reader.execute("VACUUM INTO ?1", [&target]) {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Sqlite(source));
        }
        drop(reader);
        // The copy is a history of its own from now on.
        let checked = history::renew(&partial).and_then(|()| check_copy(&partial, true));
        let schema_version = match checked {
            Ok(version) => version,
            Err(error) => {
                let _ = std::fs::remove_file(&partial);
                return Err(error);
            }
        };
        sync_file(&partial)?;
        std::fs::rename(&partial, to).map_err(|source| StoreError::Io {
            path: to.to_owned(),
            source,
        })?;
        let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
        Ok(BackupDone {
            bytes,
            schema_version,
            took: started.elapsed(),
        })
    }
}

/// Checks the database file at `path` without changing it: SQLite's
/// `integrity_check` (`quick_check` when `full` is false) must say `ok`,
/// and its schema must be one this build knows. Returns the schema version.
pub fn check_copy(path: &Path, full: bool) -> Result<i64, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    check_connection(&conn, path, full)
}

/// [`check_copy`] over an open connection.
pub(super) fn check_connection(
    conn: &Connection,
    path: &Path,
    full: bool,
) -> Result<i64, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    let pragma = if full {
        "integrity_check"
    } else {
        "quick_check"
    };
    let mut statement = conn
        .prepare(&format!("PRAGMA {pragma}"))
        .map_err(|e| corrupt(e.to_string()))?;
    let verdicts: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| corrupt(e.to_string()))?;
    if verdicts != ["ok"] {
        return Err(corrupt(verdicts.join("; ")));
    }
    migrations::refuse_newer(conn, path)
}

/// Puts the backup at `from` in place as `data_dir`'s database. The
/// backup is checked first; a data directory in use by a server is
/// refused, and one that already has a database is refused unless
/// `force`, in which case that database (with its journal files) is kept
/// aside under a `.replaced-<unix time>` name, never deleted.
pub fn restore(
    data_dir: &Path,
    from: &Path,
    force: bool,
    unix_time: i64,
) -> Result<Restored, StoreError> {
    let schema_version = check_copy(from, true)?;
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    let _lock = ServerLock::acquire(data_dir)?;
    let database = data_dir.join(DATABASE_FILE);
    let exists = std::fs::metadata(&database).is_ok_and(|m| m.len() > 0);
    if exists && !force {
        return Err(StoreError::NotEmpty {
            path: data_dir.to_owned(),
        });
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::Io { path, source }
    };
    let partial = with_suffix(&database, ".restoring");
    std::fs::copy(from, &partial).map_err(io(&partial))?;
    // Devices that saw this backup's history since must still learn that
    // the server went back, so a restored database is a new history.
    history::renew(&partial)?;
    sync_file(&partial)?;
    let replaced = if exists {
        let aside = with_suffix(&database, &format!(".replaced-{unix_time}"));
        for suffix in ["", "-wal", "-shm"] {
            let file = with_suffix(&database, suffix);
            if file.exists() {
                std::fs::rename(&file, with_suffix(&aside, suffix)).map_err(io(&file))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&partial, &database).map_err(io(&database))?;
    if let Ok(dir) = File::open(data_dir) {
        let _ = dir.sync_all();
    }
    Ok(Restored {
        schema_version,
        replaced,
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn sync_file(path: &Path) -> Result<(), StoreError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })
}
