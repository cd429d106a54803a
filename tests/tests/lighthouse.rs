//! Lighthouse's accessibility score (snapshot mode, from npm; see
//! `tests/lighthouse/screens.mjs`) of every screen a field worker passes on
//! the way to a note and of the coordinator's screens: 100 on each.

use anyhow::{Context, Result, bail, ensure};
use std::path::PathBuf;
use std::process::Command;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// `target/lighthouse`, where `scripts/test.sh` installs Lighthouse.
fn lighthouse_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "target"))
        .context("the test runs from inside a target directory")?;
    let dir = target.join("lighthouse");
    ensure!(
        dir.join("node_modules/lighthouse").is_dir(),
        "{} lacks lighthouse; scripts/test.sh installs it there",
        dir.display()
    );
    Ok(dir)
}

/// Runs the screens of `who` and returns each screen's line.
fn scores(url: &str, who: &str) -> Result<Vec<String>> {
    let dir = lighthouse_dir()?;
    // Beside its node_modules, so the script's imports resolve.
    let script = dir.join("screens.mjs");
    std::fs::write(&script, include_str!("../lighthouse/screens.mjs"))?;
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
        .context("Debian's chromium")?;
    let out = Command::new("node")
        .arg(&script)
        .args([url, who, chromium, DEMO_PASSWORD])
        .current_dir(&dir)
        .output()
        .context("running node")?;
    if !out.status.success() {
        bail!(
            "lighthouse ({who}) failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| line.contains(": "))
        .map(str::to_owned)
        .collect())
}

fn all_full_marks(lines: &[String], expected: usize) -> Result<()> {
    ensure!(lines.len() == expected, "{expected} screens: {lines:?}");
    let short: Vec<&String> = lines
        .iter()
        .filter(|line| {
            // "screen name: score failed-audit-ids"
            let score = line
                .rsplit_once(": ")
                .and_then(|(_, rest)| rest.split_whitespace().next());
            score != Some("100")
        })
        .collect();
    ensure!(short.is_empty(), "below 100: {short:?}");
    Ok(())
}

#[test]
fn the_field_screens_score_100_for_accessibility() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let lines = scores(&server.url("/"), "field")?;
    println!("{}", lines.join("\n"));
    all_full_marks(&lines, 6)
}

#[test]
fn the_coordinator_s_screens_score_100_for_accessibility() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let lines = scores(&server.url("/"), "coordinator")?;
    println!("{}", lines.join("\n"));
    all_full_marks(&lines, 8)
}
