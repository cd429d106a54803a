//! The servers a simulation runs against: one `tsunagu serve` on a SQLite
//! data directory, or several on one PostgreSQL database (each with a
//! data directory of its own), each behind a flaky link of its own.
//! Device `d` syncs with instance `d % instances`.

use super::socket_addr;
use crate::flaky_link::{Cut, FlakyLink};
use crate::postgres::{TestDatabase, database_for, integrity_check, stored_records};
use crate::server::ServerProcess;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use tsunagu_sync::record::schema::RecordKind;

/// Every record a server stored: id → (kind, person, document).
pub(super) type Documents = BTreeMap<String, (RecordKind, String, Vec<u8>)>;

/// The running instances and what they store into.
pub(super) struct Servers {
    /// Instance 0's data directory, where the command line runs too.
    dirs: Vec<tempfile::TempDir>,
    running: Vec<Option<ServerProcess>>,
    links: Vec<FlakyLink>,
    /// The database the servers share, dropped with them.
    _database: Option<TestDatabase>,
}

impl Servers {
    /// Data directories for `instances` servers, on a new PostgreSQL
    /// database when `postgres` (one SQLite file allows one server).
    pub(super) fn prepare(instances: usize, postgres: bool) -> Result<Servers> {
        anyhow::ensure!(
            instances == 1 || postgres,
            "several instances need PostgreSQL: a SQLite file has one server"
        );
        let dirs = (0..instances.max(1))
            .map(|_| tempfile::tempdir())
            .collect::<Result<Vec<_>, _>>()?;
        let paths: Vec<&Path> = dirs.iter().map(|dir| dir.path()).collect();
        let database = database_for(postgres, &paths)?;
        Ok(Servers {
            dirs,
            running: Vec::new(),
            links: Vec::new(),
            _database: database,
        })
    }

    /// Where the command line (users, persons, assignments) runs.
    pub(super) fn admin_dir(&self) -> &Path {
        self.dirs[0].path()
    }

    /// Starts every instance and its link.
    pub(super) async fn start(&mut self) -> Result<()> {
        for dir in &self.dirs {
            let server = ServerProcess::start(dir.path(), &[])?;
            self.links
                .push(FlakyLink::start(socket_addr(&server.base_url)?).await?);
            self.running.push(Some(server));
        }
        Ok(())
    }

    /// How many servers run.
    pub(super) fn instances(&self) -> usize {
        self.dirs.len()
    }

    /// The instance device `d` syncs with.
    pub(super) fn instance_of(&self, d: usize) -> usize {
        d % self.dirs.len()
    }

    /// The address device `d` syncs through.
    pub(super) fn url_for(&self, d: usize) -> String {
        self.links[self.instance_of(d)].base_url()
    }

    /// Cuts device `d`'s next connection as `cut` says.
    pub(super) fn cut_next(&self, d: usize, cut: Cut) {
        self.links[self.instance_of(d)].cut_next(cut);
    }

    /// Takes instance `k`'s process, to kill it.
    pub(super) fn take(&mut self, k: usize) -> Result<ServerProcess> {
        self.running[k].take().context("server running")
    }

    /// Starts instance `k` again on its data directory.
    pub(super) fn restart(&mut self, k: usize) -> Result<()> {
        let server = ServerProcess::start(self.dirs[k].path(), &[])?;
        self.links[k].retarget(socket_addr(&server.base_url)?);
        self.running[k] = Some(server);
        Ok(())
    }

    /// What SQLite's `integrity_check` says of the database (`None` on
    /// PostgreSQL, which has no such whole-database check; its own
    /// crash recovery is what a kill tests there).
    pub(super) fn integrity(&self) -> Result<Option<String>> {
        integrity_check(self.admin_dir())
    }

    /// Every record the servers stored.
    pub(super) fn documents(&self) -> Result<Documents> {
        let mut docs = BTreeMap::new();
        for (id, kind, person, snapshot) in stored_records(self.admin_dir())? {
            let kind: RecordKind = kind
                .parse()
                .map_err(|k| anyhow::anyhow!("unknown kind {k}"))?;
            docs.insert(id, (kind, person, snapshot));
        }
        Ok(docs)
    }
}
