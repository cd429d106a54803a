//! Restore events for the simulator: a backup taken mid-run with the
//! real `tsunagu backup` while the server serves, syncing carried on, then
//! the server stopped, `tsunagu restore --force` from that backup, and the
//! server started again. The operator then repeats the handovers made
//! since the backup (as `docs/DEPLOY.md` asks), and the devices find out
//! by themselves that the server went back and give back what it lost.
//! Every edit acknowledged before the restore still counts for `lost`.

use super::World;
use crate::admin::{assign, cli, unassign};
use anyhow::Result;
use std::path::PathBuf;

/// A handover as it was made: who lost the person, and whether the other
/// worker had to be assigned (they may have held the person already).
#[derive(Debug, Clone)]
pub(super) struct HandoverDone {
    pub(super) from: String,
    pub(super) to: Option<String>,
    pub(super) person: String,
}

/// A backup waiting to be restored, and the handovers made since.
#[derive(Debug)]
pub(super) struct PendingRestore {
    file: PathBuf,
    since: Vec<HandoverDone>,
}

impl World {
    /// Takes a backup with the command line while the server serves.
    pub(super) fn take_backup(&mut self) -> Result<()> {
        let file = self
            .data_dir()
            .join(format!("backup-{}.sqlite3", self.report.restores));
        let said = cli(
            self.data_dir(),
            &["backup", "--to", &file.to_string_lossy()],
            None,
        )?;
        anyhow::ensure!(said.contains("integrity ok"), "backup: {said}");
        self.restore = Some(PendingRestore {
            file,
            since: Vec::new(),
        });
        Ok(())
    }

    /// Notes a handover, so it can be made again after a restore.
    pub(super) fn handover_made(&mut self, done: HandoverDone) {
        if let Some(pending) = &mut self.restore {
            pending.since.push(done);
        }
    }

    /// Stops the server, restores the backup, starts it again and repeats
    /// the handovers made since the backup.
    pub(super) fn restore_backup(&mut self) -> Result<()> {
        let Some(pending) = self.restore.take() else {
            return Ok(());
        };
        self.servers.take(0)?.kill_hard()?;
        let said = cli(
            self.data_dir(),
            &[
                "restore",
                "--from",
                &pending.file.to_string_lossy(),
                "--force",
            ],
            None,
        )?;
        anyhow::ensure!(said.contains("restored"), "restore: {said}");
        self.check_integrity()?;
        self.servers.restart(0)?;
        for done in &pending.since {
            unassign(self.data_dir(), &done.from, &done.person)?;
            if let Some(to) = &done.to {
                assign(self.data_dir(), to, &done.person)?;
            }
        }
        self.report.restores += 1;
        Ok(())
    }
}
