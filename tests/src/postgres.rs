//! PostgreSQL for the integration tests: a database of its own per test
//! in the throwaway cluster `scripts/test.sh` starts
//! (`TSUNAGU_TEST_POSTGRES`), and data directories whose `tsunagu`
//! commands and servers use it.
//!
//! With `TSUNAGU_TESTS_ON_POSTGRES=1`, every data directory a test uses
//! gets a database of its own the first time a `tsunagu` command or server
//! runs on it: `scripts/test.sh` runs the sync tests a second time that
//! way, so they hold on both backends. [`count`] reads the server's
//! tables on whichever the directory uses.

use anyhow::{Context, Result};
use std::path::Path;

/// The file in a data directory that names the database its commands use
/// (a test's convention, not the server's).
const DATABASE_FILE: &str = ".test-database-url";

/// An empty database, dropped with this value.
pub struct TestDatabase {
    admin: String,
    name: String,
    /// Its URL, for `--database`.
    pub url: String,
}

impl TestDatabase {
    /// Creates it in the test cluster.
    pub fn new() -> Result<Self> {
        let admin = std::env::var("TSUNAGU_TEST_POSTGRES").context(
            "TSUNAGU_TEST_POSTGRES is not set: run scripts/test.sh, which starts a \
             throwaway PostgreSQL cluster on 127.0.0.1 for the tests",
        )?;
        let name = format!("tsunagu_it_{}_{}", std::process::id(), unique());
        run(&admin, format!("CREATE DATABASE {name}"))?;
        let (path, query) = admin.split_once('?').unwrap_or((&admin, ""));
        let (base, _) = path
            .rsplit_once('/')
            .context("TSUNAGU_TEST_POSTGRES ends in /dbname")?;
        let url = format!("{base}/{name}?{query}");
        Ok(TestDatabase { admin, name, url })
    }
}

/// With `postgres`, a new database that every `tsunagu` command and
/// server on each of `data_dirs` uses (kept as long as the value);
/// without, none: they use SQLite files.
pub fn database_for(postgres: bool, data_dirs: &[&Path]) -> Result<Option<TestDatabase>> {
    if !postgres {
        return Ok(None);
    }
    let database = TestDatabase::new()?;
    for dir in data_dirs {
        use_database(dir, &database)?;
    }
    Ok(Some(database))
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = run(&self.admin, drop);
    }
}

/// Runs `sql` on `url`.
fn run(url: &str, sql: String) -> Result<()> {
    with_client(url, move |client| Ok(client.batch_execute(&sql)?))
}

/// Runs `work` with a client of the database at `url`, on a thread of its
/// own: the blocking client cannot run on an async test's runtime.
fn with_client<T: Send + 'static>(
    url: &str,
    work: impl FnOnce(&mut postgres::Client) -> Result<T> + Send + 'static,
) -> Result<T> {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .context("connecting to the test cluster")?;
        work(&mut client)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the PostgreSQL client panicked"))?
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Makes every `tsunagu` command and server run on `data_dir` use
/// `database` ([`crate::server::tsunagu`]).
pub fn use_database(data_dir: &Path, database: &TestDatabase) -> Result<()> {
    std::fs::write(data_dir.join(DATABASE_FILE), &database.url)?;
    Ok(())
}

/// The database [`use_database`] gave `data_dir`, if any; under
/// `TSUNAGU_TESTS_ON_POSTGRES`, a new one for a directory that has none.
pub fn database_of(data_dir: &Path) -> Option<String> {
    if let Ok(url) = std::fs::read_to_string(data_dir.join(DATABASE_FILE)) {
        return Some(url);
    }
    std::env::var_os("TSUNAGU_TESTS_ON_POSTGRES")?;
    let database = TestDatabase::new().expect("a database for the test");
    use_database(data_dir, &database).expect("the data directory is writable");
    let url = database.url.clone();
    // It lives as long as the throwaway cluster: the directory names it.
    std::mem::forget(database);
    Some(url)
}

/// The one integer `sql` (SQLite's `?1, ?2` placeholders, text
/// parameters) returns from the database `data_dir`'s server uses.
pub fn count(data_dir: &Path, sql: &str, params: &[&str]) -> Result<i64> {
    let Some(url) = database_of(data_dir) else {
        let conn = rusqlite::Connection::open(data_dir.join("tsunagu.sqlite3"))?;
        return Ok(conn.query_row(sql, rusqlite::params_from_iter(params), |r| r.get(0))?);
    };
    let sql = sql.replace('?', "$");
    let params: Vec<String> = params.iter().map(|p| (*p).to_owned()).collect();
    with_client(&url, move |client| {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let row = client.query_one(&sql, &params)?;
        // count(*) is BIGINT; EXISTS and comparisons are BOOLEAN.
        Ok(row
            .try_get::<_, i64>(0)
            .or_else(|_| row.try_get::<_, bool>(0).map(i64::from))?)
    })
}

/// The saved document of record `id` in the database at `url`.
pub fn snapshot(url: &str, id: &str) -> Result<Option<Vec<u8>>> {
    let id = id.to_owned();
    with_client(url, move |client| {
        let row = client.query_opt("SELECT snapshot FROM records WHERE id = $1", &[&id])?;
        Ok(row.map(|row| row.get(0)))
    })
}

/// A stored record: id, kind, person, document.
pub type StoredRecord = (String, String, String, Vec<u8>);

/// Every record the database `data_dir`'s server uses holds.
pub fn stored_records(data_dir: &Path) -> Result<Vec<StoredRecord>> {
    const SQL: &str = "SELECT id, kind, person_id, snapshot FROM records";
    let Some(url) = database_of(data_dir) else {
        let conn = rusqlite::Connection::open(data_dir.join("tsunagu.sqlite3"))?;
        let mut statement = conn.prepare(SQL)?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        return Ok(rows.collect::<Result<_, _>>()?);
    };
    with_client(&url, |client| {
        Ok(client
            .query(SQL, &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    })
}

/// What SQLite's `integrity_check` says of `data_dir`'s database, or
/// `None` on PostgreSQL, which has no whole-database check (its crash
/// recovery is what a killed server tests there).
pub fn integrity_check(data_dir: &Path) -> Result<Option<String>> {
    if on_postgres(data_dir) {
        return Ok(None);
    }
    let conn = rusqlite::Connection::open(data_dir.join("tsunagu.sqlite3"))?;
    Ok(Some(
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?,
    ))
}

/// Whether `data_dir`'s server runs on PostgreSQL.
pub fn on_postgres(data_dir: &Path) -> bool {
    database_of(data_dir).is_some()
}
