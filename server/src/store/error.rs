//! What can go wrong in the store.

use std::path::PathBuf;
use thiserror::Error;

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
    /// The writer thread is gone (the server is shutting down or it panicked).
    #[error("the database writer has stopped{}", if *.mid_write { " mid-write" } else { "" })]
    WriterStopped {
        /// It stopped after taking this write.
        mid_write: bool,
    },
    /// A stored value is not one this build can read (a role it does not
    /// know, a malformed date).
    #[error("unreadable {column} in the database: {value:?}")]
    BadValue {
        /// Table and column.
        column: &'static str,
        /// What was stored.
        value: String,
    },
    /// The database file fails SQLite's integrity check.
    #[error("the database {path} is damaged ({detail}); nothing was changed: restore a backup")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What the check said.
        detail: String,
    },
    /// A backup would overwrite an existing file.
    #[error("{path} already exists; choose a new name for the backup")]
    BackupExists {
        /// The file.
        path: PathBuf,
    },
    /// A server is using the data directory.
    #[error("a tsunagu server is using {path}; stop it first")]
    ServerRunning {
        /// The data directory.
        path: PathBuf,
    },
    /// The data directory already has a database.
    #[error("{path} already has a database; add --force to replace it (it is kept aside)")]
    NotEmpty {
        /// The data directory.
        path: PathBuf,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A statement failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL statement or connection failed.
    #[error("database error: {}", postgres_said(.0))]
    Postgres(#[from] postgres::Error),
    /// TLS to PostgreSQL could not be set up (an unreadable or malformed
    /// `sslrootcert` file).
    #[error("TLS to the database: {detail}")]
    DatabaseTls {
        /// What went wrong.
        detail: String,
    },
    /// The transaction a group of sync writes shared did not commit;
    /// none of them was written.
    #[error("the group commit failed: {detail}")]
    GroupCommitFailed {
        /// Why.
        detail: String,
    },
    /// What was asked is done only on SQLite (a backup into a file).
    #[error("this is done only on a SQLite store, not on PostgreSQL")]
    NotOnPostgres,
    /// A statement that always returns a row returned none.
    #[error("the database returned no row where one was expected")]
    NoRow,
    /// A column held a value of another kind than the code reads.
    #[error("column {index} holds {found}, not a {wanted}")]
    ColumnType {
        /// The column, from 0.
        index: usize,
        /// The type the code reads.
        wanted: &'static str,
        /// What kind of value it held (never the value: it may be
        /// personal data, and errors reach the logs).
        found: &'static str,
    },
}

/// What PostgreSQL said: its error code and message, never the detail
/// (which can quote the values of a row, and errors reach the logs).
fn postgres_said(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => error.to_string(),
    }
}

impl StoreError {
    /// A stored value this build cannot read.
    pub(in crate::store) fn bad_value(column: &'static str, value: impl Into<String>) -> Self {
        StoreError::BadValue {
            column,
            value: value.into(),
        }
    }
}
