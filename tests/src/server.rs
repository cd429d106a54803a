//! Starting and stopping the real server binary.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The demo password the server prints with `--demo`.
pub const DEMO_PASSWORD: &str = "tsunagu-demo-2026";

/// The built `tsunagu` binary: `$TSUNAGU_BIN`, else beside the test
/// executable's profile directory (`target/debug/tsunagu`).
pub fn server_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("TSUNAGU_BIN") {
        return Ok(path.into());
    }
    let exe = std::env::current_exe()?;
    // Test executables live in target/<profile>/deps, tool binaries such as
    // `simulate` in target/<profile> itself.
    let profile_dir = exe
        .parent()
        .and_then(|dir| {
            if dir.file_name().is_some_and(|name| name == "deps") {
                dir.parent()
            } else {
                Some(dir)
            }
        })
        .context("the running executable has no directory")?;
    let binary = profile_dir.join("tsunagu");
    anyhow::ensure!(
        binary.is_file(),
        "{} is missing; build it first with `cargo build -p tsunagu` (scripts/test.sh does)",
        binary.display()
    );
    Ok(binary)
}

/// A `tsunagu` command with `--data-dir` set, and `--database` when the
/// directory was given a PostgreSQL database ([`crate::postgres::use_database`]).
pub fn tsunagu(data_dir: &Path) -> Result<Command> {
    let mut command = Command::new(server_binary()?);
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("TSUNAGU_LISTEN")
        .env_remove("TSUNAGU_DATABASE_URL");
    if let Some(url) = crate::postgres::database_of(data_dir) {
        command.arg("--database").arg(url);
    }
    Ok(command)
}

/// A running `tsunagu serve`, stopped (SIGKILL) when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base_url: String,
    /// Every line the server printed on standard output so far.
    pub stdout_lines: Vec<String>,
}

impl ServerProcess {
    /// Starts `tsunagu serve --listen 127.0.0.1:0 [extra...]` and waits for
    /// the line that says where it listens.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Result<Self> {
        Self::start_listening(data_dir, "127.0.0.1:0", extra)
    }

    /// Like [`ServerProcess::start`] on a given address, e.g. the port of a
    /// server stopped earlier: a browser's offline app belongs to its origin.
    pub fn start_listening(data_dir: &Path, listen: &str, extra: &[&str]) -> Result<Self> {
        Self::spawn(tsunagu(data_dir)?, listen, extra)
    }

    /// Starts `binary` (say, a copy alone in an empty directory, run from
    /// there) as `serve` on `data_dir`, with no `--site-root` in its
    /// environment: it can only serve the bundle it carries.
    pub fn start_binary(binary: &Path, data_dir: &Path, extra: &[&str]) -> Result<Self> {
        let mut command = Command::new(binary);
        command
            .arg("--data-dir")
            .arg(data_dir)
            .current_dir(binary.parent().context("a binary in a directory")?)
            .env_remove("TSUNAGU_LISTEN")
            .env_remove("TSUNAGU_SITE_ROOT");
        Self::spawn(command, "127.0.0.1:0", extra)
    }

    fn spawn(mut command: Command, listen: &str, extra: &[&str]) -> Result<Self> {
        let mut child = command
            .args(["serve", "--listen", listen])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("spawning tsunagu")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        let base_url = loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let url = line
                        .strip_prefix("Tsunagu is listening on ")
                        .map(|url| url.trim_end_matches('/').to_owned());
                    lines.push(line);
                    if let Some(url) = url {
                        break url;
                    }
                }
                Err(_) => {
                    let status = child.try_wait()?;
                    let _ = child.kill();
                    bail!(
                        "server did not start (exit status {status:?}); stdout so far: {lines:?}"
                    );
                }
            }
        };
        // The demo banner follows the address line immediately.
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(line);
        }
        Ok(ServerProcess {
            child,
            base_url,
            stdout_lines: lines,
        })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory of the server so far (VmHWM), in MiB.
    pub fn peak_rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The address it listens on (`127.0.0.1:<port>`), for
    /// [`ServerProcess::start_listening`] after it is stopped: a browser's
    /// offline app belongs to its origin.
    pub fn listen_address(&self) -> Result<String> {
        Ok(self
            .base_url
            .strip_prefix("http://")
            .context("the server's address is http://…")?
            .to_owned())
    }

    /// Kills the server with SIGKILL, as a power cut would, and waits for it.
    pub fn kill_hard(mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// Sends SIGTERM and waits (at most 30 s) for a graceful exit.
    pub fn terminate(mut self) -> Result<ExitStatus> {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()?;
        anyhow::ensure!(status.success(), "kill -TERM failed");
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("server did not stop within 30 s of SIGTERM")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
