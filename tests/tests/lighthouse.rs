//! Lighthouse's accessibility score (snapshot mode, from npm; see
//! `tests/lighthouse/screens.mjs`) of every screen a field worker passes on
//! the way to a note, of the coordinator's screens and of the auditor's
//! trail: 100 on each.

use anyhow::{Context, Result, bail, ensure};
use std::path::PathBuf;
use std::process::Command;
use tsunagu_tests::a11y::npm_tools_dir;
use tsunagu_tests::admin::{TEST_PASSWORD, add_user};
use tsunagu_tests::browser::CHROMIUM;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// `target/lighthouse`, where `scripts/test.sh` installs Lighthouse.
fn lighthouse_dir() -> Result<PathBuf> {
    let dir = npm_tools_dir("lighthouse")?;
    ensure!(
        dir.join("node_modules/lighthouse").is_dir(),
        "{} lacks lighthouse; scripts/test.sh installs it there",
        dir.display()
    );
    Ok(dir)
}

/// Runs the screens of `who` (signed in as `login`, with `password`) and
/// returns each screen's line.
fn scores(url: &str, who: &str, login: &str, password: &str) -> Result<Vec<String>> {
    let dir = lighthouse_dir()?;
    // Beside its node_modules, so the script's imports resolve.
    let script = dir.join("screens.mjs");
    std::fs::write(&script, include_str!("../lighthouse/screens.mjs"))?;
    let out = Command::new("node")
        .arg(&script)
        .args([url, who, CHROMIUM, password, login])
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
    let lines = scores(&server.url("/"), "field", "demo.specialist", DEMO_PASSWORD)?;
    println!("{}", lines.join("\n"));
    all_full_marks(&lines, 6)
}

#[test]
fn the_coordinator_s_screens_score_100_for_accessibility() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let lines = scores(
        &server.url("/"),
        "coordinator",
        "demo.coordinator",
        DEMO_PASSWORD,
    )?;
    println!("{}", lines.join("\n"));
    all_full_marks(&lines, 8)
}

#[test]
fn the_auditor_s_trail_scores_100_for_accessibility_in_both_languages() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    // After the demo seed, which runs only on a database without users.
    add_user(dir.path(), "audit.one", "auditor")?;
    let lines = scores(&server.url("/"), "auditor", "audit.one", TEST_PASSWORD)?;
    println!("{}", lines.join("\n"));
    all_full_marks(&lines, 3)
}
