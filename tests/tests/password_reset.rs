//! A password reset, end to end against the real server binary: the
//! temporary password (from the command line or a coordinator's screen)
//! opens no session until its owner has chosen a new one; weak or wrong
//! changes are refused and change nothing; the old sessions end; the
//! trail records both steps. In Chromium, the first sign-in with a
//! temporary password asks for a new one and then opens the caseload.

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use tsunagu_tests::admin::cli;
use tsunagu_tests::app_page::{WAIT, first_sign_in};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::http::{Reply, post_form, post_json, session_cookie, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

const NEW_PASSWORD: &str = "a new password of my own";

fn account(server: &ServerProcess, name: &str, fields: &[(&str, &str)]) -> Result<Reply> {
    post_form(&server.url(&format!("/api/account/{name}")), fields, None)
}

fn answer(reply: &Reply) -> Result<(u16, Value)> {
    let value = serde_json::from_str(&reply.body)
        .with_context(|| format!("{}: {}", reply.status, reply.body))?;
    Ok((reply.status, value))
}

/// The temporary password `tsunagu user reset-password` printed.
fn reset_on_the_command_line(dir: &Path, username: &str) -> Result<String> {
    let out = cli(
        dir,
        &["user", "reset-password", "--username", username],
        None,
    )?;
    let prefix = format!("temporary password for {username}: ");
    out.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(str::to_owned)
        .with_context(|| format!("no temporary password in {out}"))
}

fn trail(dir: &Path) -> Result<Vec<(Option<i64>, String)>> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    let rows = conn
        .prepare("SELECT actor_user_id, action FROM audit_log WHERE action LIKE 'password_%' ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[test]
fn a_temporary_password_opens_nothing_until_its_owner_chose_a_new_one() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let old_session = sign_in(&server.base_url, "demo.specialist", DEMO_PASSWORD)?;
    let temporary = reset_on_the_command_line(dir.path(), "demo.specialist")?;
    assert!(temporary.chars().count() >= 13, "{temporary}");

    let current = post_form(
        &server.url("/api/account/current_user"),
        &[],
        Some(&old_session),
    )?;
    assert_eq!(
        answer(&current)?,
        (200, Value::Null),
        "the old session ended"
    );
    let sign = |password: &str| {
        account(
            &server,
            "sign_in",
            &[("username", "demo.specialist"), ("password", password)],
        )
    };
    assert_eq!(answer(&sign(DEMO_PASSWORD)?)?, (401, json!("Rejected")));
    let with_temporary = sign(&temporary)?;
    assert_eq!(
        answer(&with_temporary)?,
        (403, json!("PasswordChangeRequired"))
    );
    assert!(
        session_cookie(&with_temporary).is_none(),
        "no session opens"
    );

    // Refused changes change nothing: the temporary password still stands.
    let change = |current: &str, new: &str| {
        account(
            &server,
            "change_password",
            &[
                ("username", "demo.specialist"),
                ("current", current),
                ("new", new),
            ],
        )
    };
    assert_eq!(
        answer(&change("not the temporary one", NEW_PASSWORD)?)?,
        (401, json!("Rejected"))
    );
    for weak in ["short", temporary.as_str()] {
        assert_eq!(
            answer(&change(&temporary, weak)?)?,
            (422, json!({"WeakPassword": {"min_chars": 13}})),
            "{weak}"
        );
    }
    assert_eq!(
        answer(&sign(&temporary)?)?.1,
        json!("PasswordChangeRequired")
    );

    assert_eq!(
        answer(&change(&temporary, NEW_PASSWORD)?)?,
        (200, Value::Null)
    );
    assert_eq!(answer(&sign(&temporary)?)?, (401, json!("Rejected")));
    sign_in(&server.base_url, "demo.specialist", NEW_PASSWORD)?;
    let specialist: i64 = Connection::open(dir.path().join("tsunagu.sqlite3"))?.query_row(
        "SELECT id FROM users WHERE username = 'demo.specialist'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(
        trail(dir.path())?,
        [
            (None, "password_reset".to_owned()),
            (Some(specialist), "password_changed".to_owned())
        ]
    );

    // From the coordinator's screen: theirs to do, not their own password.
    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let reset = |username: &str, cookie: &str| -> Result<(u16, Value)> {
        answer(&post_json(
            &server.url("/api/admin/reset_password"),
            &json!({ "username": username }).to_string(),
            Some(cookie),
        )?)
    };
    let nurse = sign_in(&server.base_url, "demo.nurse", DEMO_PASSWORD)?;
    assert_eq!(reset("demo.peer", &nurse)?, (403, json!("Forbidden")));
    assert_eq!(
        reset("demo.coordinator", &coordinator)?,
        (422, json!({"Administration": "OwnPassword"}))
    );
    assert_eq!(
        reset("no.such.user", &coordinator)?,
        (422, json!({"Administration": "NoSuchAccount"}))
    );
    let before = trail(dir.path())?.len();
    let (status, issued) = reset("demo.peer", &coordinator)?;
    assert_eq!(status, 200, "{issued}");
    let issued = issued.as_str().context("the temporary password")?;
    let peer = account(
        &server,
        "sign_in",
        &[("username", "demo.peer"), ("password", issued)],
    )?;
    assert_eq!(answer(&peer)?.1, json!("PasswordChangeRequired"));
    assert_eq!(trail(dir.path())?.len(), before + 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_sign_in_with_a_temporary_password_asks_for_a_new_one() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("password-reset");

    // The coordinator issues it from the accounts screen.
    let office = Browser::start(1024, 768).await?;
    first_sign_in(&office, &server.url("/"), "demo.coordinator", DEMO_PASSWORD).await?;
    office
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    office.click("[data-testid='tab-accounts']").await?;
    let account = "[data-testid='admin-account'][data-username='demo.specialist']";
    office
        .wait_css(
            &format!("{account} [data-testid='admin-reset-password']"),
            WAIT,
        )
        .await?;
    office
        .click(&format!("{account} [data-testid='admin-reset-password']"))
        .await?;
    office
        .click(&format!("{account} [data-testid='admin-confirm-yes']"))
        .await?;
    let temporary = office
        .wait_css("[data-testid='temporary-password']", WAIT)
        .await?
        .trim()
        .to_owned();
    office
        .screenshot(&shots, "00-temporary-password-issued")
        .await?;
    office.close().await?;

    let tablet = Browser::start(768, 1024).await?;
    tablet.client.goto(&server.url("/")).await?;
    tablet
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    tablet
        .type_into("input[name='username']", "demo.specialist")
        .await?;
    tablet
        .type_into("input[name='password']", &temporary)
        .await?;
    tablet.click("button[type='submit']").await?;
    tablet
        .wait_css("[data-testid='new-password']", WAIT)
        .await?;

    // A typo in the repeat is caught before anything is sent.
    tablet
        .type_into("input[name='new-password']", NEW_PASSWORD)
        .await?;
    tablet
        .type_into(
            "input[name='new-password-again']",
            "a new password of my owm",
        )
        .await?;
    tablet
        .click("[data-testid='new-password'] button[type='submit']")
        .await?;
    let error = tablet
        .wait_css("[data-testid='new-password-error']", WAIT)
        .await?;
    anyhow::ensure!(error.contains("一致しません"), "{error}");
    tablet.screenshot(&shots, "01-choose-new-password").await?;
    tablet
        .client
        .execute(
            "const again = document.querySelector(\"input[name='new-password-again']\");
             again.value = ''; again.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await?;
    tablet
        .type_into("input[name='new-password-again']", NEW_PASSWORD)
        .await?;
    tablet
        .click("[data-testid='new-password'] button[type='submit']")
        .await?;
    tablet.wait_css("[data-testid='caseload']", WAIT).await?;
    tablet.screenshot(&shots, "02-signed-in").await?;

    // The new password is the one: the tablet unlocks with it.
    tablet.client.refresh().await?;
    tablet.wait_css("[data-testid='unlock']", WAIT).await?;
    tablet
        .type_into("input[name='password']", NEW_PASSWORD)
        .await?;
    tablet
        .click("[data-testid='unlock'] button[type='submit']")
        .await?;
    tablet.wait_css("[data-testid='caseload']", WAIT).await?;
    tablet.close().await?;
    drop(server);
    Ok(())
}
