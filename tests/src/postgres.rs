//! PostgreSQL for the integration tests: a database of its own per test
//! in the throwaway cluster `scripts/test.sh` starts
//! (`TSUNAGU_TEST_POSTGRES`), and data directories whose `tsunagu`
//! commands and servers use it.

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
        let (base, _) = admin
            .rsplit_once('/')
            .context("TSUNAGU_TEST_POSTGRES ends in /dbname")?;
        let url = format!("{base}/{name}");
        Ok(TestDatabase { admin, name, url })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = run(&self.admin, drop);
    }
}

/// Runs `sql` on `url`, on a thread of its own: the blocking client
/// cannot run on an async test's runtime.
fn run(url: &str, sql: String) -> Result<()> {
    let url = url.to_owned();
    std::thread::spawn(move || -> Result<()> {
        postgres::Client::connect(&url, postgres::NoTls)
            .context("connecting to the test cluster")?
            .batch_execute(&sql)?;
        Ok(())
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

/// The database [`use_database`] gave `data_dir`, if any.
pub fn database_of(data_dir: &Path) -> Option<String> {
    std::fs::read_to_string(data_dir.join(DATABASE_FILE)).ok()
}
