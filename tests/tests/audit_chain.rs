//! The audit trail proves itself: `tsunagu audit verify` passes on an
//! untouched trail, and names the right entry when a row is changed or
//! deleted in the SQLite file directly. Real binary, real file.

use anyhow::Result;
use std::path::Path;
use tsunagu_tests::admin::{add_user, cli};
use tsunagu_tests::server::tsunagu;

fn verify(dir: &Path) -> Result<(bool, String)> {
    let out = tsunagu(dir)?.args(["audit", "verify"]).output()?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    ))
}

fn sql(dir: &Path, statement: &str) -> Result<()> {
    rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?.execute(statement, [])?;
    Ok(())
}

#[test]
fn a_changed_or_deleted_audit_entry_is_found_by_verify() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let dir = dir.path();
    add_user(dir, "cw.one", "caseworker")?;
    for year in 2020..2026 {
        let year = year.to_string();
        cli(
            dir,
            &["costs", "set", "--year", &year, "--programme", "1000"],
            None,
        )?;
    }
    let (ok, out) = verify(dir)?;
    assert!(
        ok && out.contains("audit trail intact: 6 entries, head "),
        "{out}"
    );

    // Someone edits an entry's detail: verify names that entry.
    sql(
        dir,
        "UPDATE audit_log SET detail = replace(detail, '1000', '9000') WHERE id = 3",
    )?;
    let (ok, out) = verify(dir)?;
    assert!(!ok, "{out}");
    assert!(
        out.contains("broken at entry 3") && out.contains("content was changed"),
        "{out}"
    );
    sql(
        dir,
        "UPDATE audit_log SET detail = replace(detail, '9000', '1000') WHERE id = 3",
    )?;
    assert!(verify(dir)?.0, "put back, it verifies again");

    // Someone changes who did it: the same.
    sql(dir, "UPDATE audit_log SET actor_user_id = 1 WHERE id = 2")?;
    let (ok, out) = verify(dir)?;
    assert!(!ok && out.contains("broken at entry 2"), "{out}");
    sql(
        dir,
        "UPDATE audit_log SET actor_user_id = NULL WHERE id = 2",
    )?;

    // Someone deletes an entry: the one after it no longer links.
    sql(dir, "DELETE FROM audit_log WHERE id = 4")?;
    let (ok, out) = verify(dir)?;
    assert!(!ok, "{out}");
    assert!(
        out.contains("broken at entry 5") && out.contains("deleted or changed"),
        "{out}"
    );
    Ok(())
}
