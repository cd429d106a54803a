//! Setting up users, persons, assignments and devices through the real
//! `tsunagu` admin commands.

use crate::server::tsunagu;
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// Runs `tsunagu --data-dir DIR ARGS...` (with `stdin` as its input), returning stdout.
pub fn cli(dir: &Path, args: &[&str], stdin: Option<&str>) -> Result<String> {
    let mut child = tsunagu(dir)?
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(input) = stdin {
        writeln!(child.stdin.take().expect("stdin is piped"), "{input}")?;
    }
    let output = child.wait_with_output()?;
    anyhow::ensure!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?)
}

/// The value printed after `key` on a line of `output` (e.g. `token abc`).
pub fn value_after<'a>(output: &'a str, key: &str) -> Result<&'a str> {
    output
        .lines()
        .find_map(|line| line.strip_prefix(key).map(str::trim))
        .ok_or_else(|| anyhow::anyhow!("no {key:?} in {output:?}"))
}

/// The password [`add_user`] gives every user.
pub const TEST_PASSWORD: &str = "a long test password";

/// Adds a user with the password [`TEST_PASSWORD`], named after their
/// username; returns their id (what their changes must be signed with).
pub fn add_user(dir: &Path, username: &str, role: &str) -> Result<String> {
    let out = cli(
        dir,
        &[
            "user",
            "add",
            "--username",
            username,
            "--display-name",
            username,
            "--role",
            role,
        ],
        Some(TEST_PASSWORD),
    )?;
    let id = value_after(&out, &format!("added user {username} (id "))?;
    Ok(id.split(',').next().unwrap_or_default().to_owned())
}

/// Adds a person; returns their id.
pub fn add_person(dir: &Path, display_name: &str) -> Result<String> {
    Ok(value_after(
        &cli(
            dir,
            &["person", "add", "--display-name", display_name],
            None,
        )?,
        "person",
    )?
    .to_owned())
}

/// Assigns a user to a person from 2020-01-01, open-ended.
pub fn assign(dir: &Path, username: &str, person_id: &str) -> Result<()> {
    cli(
        dir,
        &[
            "assign",
            "--username",
            username,
            "--person-id",
            person_id,
            "--from",
            "2020-01-01",
        ],
        None,
    )?;
    Ok(())
}

/// Registers a device; returns (device id, token).
pub fn add_device(dir: &Path, username: &str) -> Result<(String, String)> {
    let out = cli(
        dir,
        &[
            "device",
            "add",
            "--username",
            username,
            "--label",
            "test tablet",
        ],
        None,
    )?;
    Ok((
        value_after(&out, "device")?.to_owned(),
        value_after(&out, "token")?.to_owned(),
    ))
}

/// Ends a user's assignment to a person today.
pub fn unassign(dir: &Path, username: &str, person_id: &str) -> Result<()> {
    cli(
        dir,
        &["unassign", "--username", username, "--person-id", person_id],
        None,
    )?;
    Ok(())
}
