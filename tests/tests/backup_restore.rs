//! Backup and restore through the real binary and real SQLite files: a
//! backup taken while the server serves is a checked, complete copy; a
//! restore is refused while a server uses the data directory, refused over
//! an existing database without --force, and keeps the one it replaces;
//! a damaged backup is refused, and the server refuses to start on a
//! damaged database, changing nothing. Devices giving a restored server
//! back what it lost: `restore_recovery.rs`.

use anyhow::Result;
use std::path::Path;
use std::process::Output;
use tsunagu_tests::admin::cli;
use tsunagu_tests::http::get;
use tsunagu_tests::server::{ServerProcess, tsunagu};

fn run(dir: &Path, args: &[&str]) -> Result<Output> {
    Ok(tsunagu(dir)?.args(args).output()?)
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn records(db: &Path) -> Result<i64> {
    let conn = rusqlite::Connection::open(db)?;
    Ok(conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?)
}

/// A copy of `from` with one page in the middle overwritten.
fn damaged_copy(from: &Path, to: &Path) -> Result<()> {
    let mut bytes = std::fs::read(from)?;
    let page = 4096;
    anyhow::ensure!(bytes.len() > 8 * page, "a database of several pages");
    let middle = bytes.len() / page / 2 * page;
    bytes[middle..middle + page].fill(0xA5);
    std::fs::write(to, bytes)?;
    Ok(())
}

#[test]
fn backups_are_checked_copies_and_restores_never_lose_the_database_they_replace() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let live = tmp.path().join("live");
    let backup = tmp.path().join("tsunagu-backup.sqlite3");
    let server = ServerProcess::start(&live, &["--demo"])?;

    // Online: the server keeps answering while the copy is made.
    let out = cli(&live, &["backup", "--to", &backup.to_string_lossy()], None)?;
    assert!(out.contains("checked (integrity ok)"), "{out}");
    assert_eq!(get(&server.url("/healthz"), None)?.status, 200);
    let backed_up = records(&backup)?;
    assert!(
        backed_up > 100,
        "the demo's records are in the copy: {backed_up}"
    );
    let again = run(&live, &["backup", "--to", &backup.to_string_lossy()])?;
    assert!(
        !again.status.success() && said(&again).contains("already exists"),
        "{}",
        said(&again)
    );

    // Not while a server uses the directory.
    let busy = run(
        &live,
        &["restore", "--from", &backup.to_string_lossy(), "--force"],
    )?;
    assert!(!busy.status.success(), "{}", said(&busy));
    assert!(
        said(&busy).contains("a tsunagu server is using"),
        "{}",
        said(&busy)
    );
    server.kill_hard()?;

    // Not over a database without --force; with it, the old one is kept.
    let refused = run(&live, &["restore", "--from", &backup.to_string_lossy()])?;
    assert!(said(&refused).contains("add --force"), "{}", said(&refused));
    let out = cli(
        &live,
        &["restore", "--from", &backup.to_string_lossy(), "--force"],
        None,
    )?;
    assert!(out.contains("the database it replaced is kept as"), "{out}");
    let kept: Vec<_> = std::fs::read_dir(&live)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
        .collect();
    assert!(!kept.is_empty(), "the replaced database is kept aside");
    assert_eq!(records(&live.join("tsunagu.sqlite3"))?, backed_up);
    let restored = ServerProcess::start(&live, &[])?;
    assert_eq!(get(&restored.url("/healthz"), None)?.status, 200);
    drop(restored);

    // Into an empty directory, no --force needed.
    let fresh = tmp.path().join("fresh");
    cli(
        &fresh,
        &["restore", "--from", &backup.to_string_lossy()],
        None,
    )?;
    assert_eq!(records(&fresh.join("tsunagu.sqlite3"))?, backed_up);

    // A damaged backup is refused before anything is replaced.
    let damaged = tmp.path().join("damaged.sqlite3");
    damaged_copy(&backup, &damaged)?;
    let before = std::fs::read(fresh.join("tsunagu.sqlite3"))?;
    let out = run(
        &fresh,
        &["restore", "--from", &damaged.to_string_lossy(), "--force"],
    )?;
    assert!(
        !out.status.success() && said(&out).contains("is damaged"),
        "{}",
        said(&out)
    );
    assert_eq!(
        std::fs::read(fresh.join("tsunagu.sqlite3"))?,
        before,
        "nothing replaced"
    );
    Ok(())
}

#[test]
fn the_server_refuses_a_damaged_database_and_leaves_it_as_it_was() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let source = tmp.path().join("source");
    let backup = tmp.path().join("copy.sqlite3");
    drop(ServerProcess::start(&source, &["--demo"])?);
    cli(
        &source,
        &["backup", "--to", &backup.to_string_lossy()],
        None,
    )?;
    let broken = tmp.path().join("broken");
    std::fs::create_dir_all(&broken)?;
    let db = broken.join("tsunagu.sqlite3");
    damaged_copy(&backup, &db)?;
    let before = std::fs::read(&db)?;
    let out = run(&broken, &["serve", "--listen", "127.0.0.1:0"])?;
    assert!(!out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("is damaged"), "{}", said(&out));
    assert!(said(&out).contains("restore a backup"), "{}", said(&out));
    assert_eq!(std::fs::read(&db)?, before, "the file is untouched");
    assert!(
        !broken.join("tsunagu.sqlite3-wal").exists(),
        "not even a journal"
    );
    Ok(())
}
