//! A member of staff who leaves: `tsunagu user disable` ends their
//! sessions, revokes every device at once (an open connection is closed
//! within about a second), refuses their sign-in, audits it, and keeps
//! every record they wrote; `user enable` lets them sign in again while
//! their old devices stay revoked. Real binary, real WebSocket.

use anyhow::Result;
use std::path::Path;
use std::time::{Duration, Instant};
use tsunagu_tests::admin::{TEST_PASSWORD, add_device, add_person, add_user, assign, cli};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::http::{post_form, sign_in};
use tsunagu_tests::server::ServerProcess;

fn count(dir: &Path, sql: &str) -> Result<i64> {
    let conn = rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?;
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_user_is_signed_out_everywhere_and_their_records_stay() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 四号")?;
    add_user(dir.path(), "leaver", "support_specialist")?;
    add_user(dir.path(), "stayer", "support_specialist")?;
    assign(dir.path(), "leaver", &person)?;
    let (_, token) = add_device(dir.path(), "leaver")?;
    add_device(dir.path(), "leaver")?;
    let server = ServerProcess::start(dir.path(), &["--second-factor", "optional"])?;
    let cookie = sign_in(&server.base_url, "leaver", TEST_PASSWORD)?;
    let other = sign_in(&server.base_url, "stayer", TEST_PASSWORD)?;
    let mut tablet =
        LiveDevice::open(NativeDevice::new(&token, "leaver-tablet"), &server.base_url).await?;
    let records = count(dir.path(), "SELECT count(*) FROM records")?;

    let started = Instant::now();
    let out = cli(
        dir.path(),
        &["user", "disable", "--username", "leaver"],
        None,
    )?;
    assert!(
        out.contains("1 session(s) ended, 2 device(s) revoked"),
        "{out}"
    );
    let closed = tablet
        .receive_until(Duration::from_secs(4), |_| false)
        .await
        .expect_err("the open connection must end");
    assert!(format!("{closed:?}").contains("Unauthorized"), "{closed:?}");
    assert!(started.elapsed() < Duration::from_millis(2500));

    let me = |cookie: &str| post_form(&server.url("/api/account/current_user"), &[], Some(cookie));
    assert_eq!(me(&cookie)?.body, "null", "the session is gone");
    assert!(
        me(&other)?.body.contains("stayer"),
        "nobody else is signed out"
    );
    assert!(
        sign_in(&server.base_url, "leaver", TEST_PASSWORD).is_err(),
        "no new sign-in"
    );
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM records")?,
        records,
        "their records stay"
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM audit_log WHERE action = 'user_disabled'"
        )?,
        1
    );
    let list = cli(dir.path(), &["user", "list"], None)?;
    let line = list
        .lines()
        .find(|l| l.starts_with("leaver\t"))
        .unwrap_or_default();
    assert!(
        line.contains("disabled") && line.contains("0 device(s)"),
        "{list}"
    );

    // Enabled again: they may sign in; the old devices stay revoked.
    cli(
        dir.path(),
        &["user", "enable", "--username", "leaver"],
        None,
    )?;
    sign_in(&server.base_url, "leaver", TEST_PASSWORD)?;
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'leaver')"
        )?,
        0
    );
    let again = tsunagu_tests::server::tsunagu(dir.path())?
        .args(["user", "enable", "--username", "leaver"])
        .output()?;
    assert!(String::from_utf8_lossy(&again.stderr).contains("already enabled"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_list_shows_each_tablet_s_standing_and_what_the_server_stored_from_it() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 六号")?;
    let user = add_user(dir.path(), "spec", "support_specialist")?;
    add_user(dir.path(), "other", "caseworker")?;
    assign(dir.path(), "spec", &person)?;
    let (used, token) = add_device(dir.path(), "spec")?;
    let (spare, _) = add_device(dir.path(), "spec")?;
    let (colleague, _) = add_device(dir.path(), "other")?;
    let server = ServerProcess::start(dir.path(), &["--second-factor", "optional"])?;
    let mut tablet = NativeDevice::new(&token, "spec-tablet");
    let now = chrono::Utc::now();
    let (new, edit) = tsunagu_tests::fixtures::ward_interview(&person, &used, &user, now, [6; 10]);
    tablet.store.create(new, &edit)?;
    tablet.sync(&server.base_url).await?;
    cli(dir.path(), &["device", "revoke", "--id", &spare], None)?;

    let all = cli(dir.path(), &["device", "list"], None)?;
    let line = |id: &str| {
        all.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} listed in {all}"))
            .to_owned()
    };
    let used_line = line(&used);
    assert!(
        used_line.contains("\tspec\t") && used_line.contains("active"),
        "{used_line}"
    );
    assert!(!used_line.contains("last contact never"), "{used_line}");
    assert!(
        used_line.contains("1 change(s), newest stored"),
        "{used_line}"
    );
    let spare_line = line(&spare);
    assert!(spare_line.contains("revoked 20"), "{spare_line}");
    assert!(
        spare_line.contains("last contact never\tnothing stored"),
        "{spare_line}"
    );
    assert!(line(&colleague).contains("\tother\t"));

    let mine = cli(dir.path(), &["device", "list", "--username", "spec"], None)?;
    assert_eq!(mine.lines().count(), 2, "{mine}");
    assert!(!mine.contains(&colleague), "{mine}");
    drop(server);
    Ok(())
}
