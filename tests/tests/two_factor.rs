//! Two-factor sign-in end to end, against the real server binary (which
//! requires a second factor unless told otherwise) and headless Chromium.
//! A nurse's first sign-in enrols an authenticator app (QR code and text
//! key, confirmed by a code) and shows ten recovery codes; a second tablet
//! signs in with a code, a third with a recovery code. The password alone,
//! a spent code, a spent recovery code and a second enrolment are refused
//! over HTTP and open no session. The codes are computed from the key the
//! screen showed, as the nurse's phone would. The three screens pass
//! axe-core's WCAG 2.1 A/AA rules.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use rusqlite::Connection;
use serde_json::Value;
use std::path::Path;
use tsunagu_tests::admin::{TEST_PASSWORD, add_user, cli};
use tsunagu_tests::app_page::{WAIT, wait_in_sync};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::http::{Reply, post_form, session_cookie};
use tsunagu_tests::server::ServerProcess;

const NURSE: &str = "tfa.nurse";

/// The code an authenticator app holding `key` shows `steps` steps (of
/// 30 s) from now.
fn app_code(key: &str, steps: i64) -> Result<String> {
    let typed: String = key.split_whitespace().collect();
    let secret = totp_rs::Secret::try_from_base32(&typed)
        .map_err(|e| anyhow::anyhow!("the key on screen is not base32: {e:?}"))?;
    let app = totp_rs::Builder::new()
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let at = chrono::Utc::now().timestamp() + steps * 30;
    Ok(app.generate(at as u64).to_string())
}

fn sign_in_over_http(server: &ServerProcess, code: Option<&str>) -> Result<Reply> {
    let mut fields = vec![("username", NURSE), ("password", TEST_PASSWORD)];
    if let Some(code) = code {
        fields.push(("code", code));
    }
    post_form(&server.url("/api/account/sign_in"), &fields, None)
}

/// Asserts a refusal naming `error` that set no session cookie.
fn refused(reply: &Reply, status: u16, error: &str) -> Result<()> {
    ensure!(
        reply.status == status && reply.body.contains(error),
        "expected {status} {error}, got {} {}",
        reply.status,
        reply.body
    );
    ensure!(
        session_cookie(reply).is_none_or(|c| c.is_empty()),
        "a refusal set a session"
    );
    Ok(())
}

/// Types the user name and password into a fresh browser's sign-in form.
async fn enter_credentials(browser: &Browser, url: &str) -> Result<()> {
    browser.client.goto(url).await?;
    browser
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    browser.type_into("input[name='username']", NURSE).await?;
    browser
        .type_into("input[name='password']", TEST_PASSWORD)
        .await?;
    browser.click("button[type='submit']").await
}

async fn submit_code(browser: &Browser, input: &str, code: &str) -> Result<()> {
    browser.wait_css(input, WAIT).await?;
    let field = browser.client.find(Locator::Css(input)).await?;
    field.clear().await?;
    field.send_keys(code).await?;
    browser.click("form button[type='submit']").await
}

fn trail(dir: &Path) -> Result<Vec<(String, Value)>> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    let rows = conn
        .prepare("SELECT action, detail FROM audit_log ORDER BY id")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(action, detail)| Ok((action, serde_json::from_str(&detail)?)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nurse_enrols_then_signs_in_with_a_code_and_with_a_recovery_code() -> Result<()> {
    let dir = tempfile::tempdir()?;
    add_user(dir.path(), NURSE, "visiting_nurse")?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let shots = screenshot_dir().join("two-factor");

    // The password alone opens nothing: the account must enrol first.
    refused(&sign_in_over_http(&server, None)?, 403, "EnrolmentNeeded")?;

    let first = Browser::start(768, 1024).await?;
    enter_credentials(&first, &server.url("/")).await?;
    let key = first.wait_css("[data-testid='enrol-secret']", WAIT).await?;
    first
        .wait_css("[data-testid='enrol-qr'] svg", WAIT)
        .await
        .context("the enrolment shows a QR code")?;
    first.screenshot(&shots, "enrol-768x1024").await?;
    let mut violations = tsunagu_tests::a11y::violations(&first).await?;
    // A wrong first code is refused, and the screen stays.
    submit_code(&first, "[data-testid='enrol-code']", &app_code(&key, 20)?).await?;
    let said = first.wait_css("[data-testid='enrol-error']", WAIT).await?;
    ensure!(said.contains("確認コードが違う"), "{said}");
    submit_code(&first, "[data-testid='enrol-code']", &app_code(&key, 0)?).await?;
    first
        .wait_css("[data-testid='recovery-codes']", WAIT)
        .await?;
    let mut recovery = Vec::new();
    for item in first
        .client
        .find_all(Locator::Css("[data-testid='recovery-code']"))
        .await?
    {
        recovery.push(item.text().await?);
    }
    ensure!(recovery.len() == 10, "ten recovery codes: {recovery:?}");
    first.screenshot(&shots, "recovery-codes-768x1024").await?;
    violations.extend(tsunagu_tests::a11y::violations(&first).await?);
    first.click("[data-testid='codes-kept']").await?;
    first.wait_css("[data-testid='caseload']", WAIT).await?;
    wait_in_sync(&first, WAIT).await?;
    first.close().await?;

    // Enrolled: the password alone asks for the code, and a second
    // enrolment cannot replace the nurse's phone.
    refused(
        &sign_in_over_http(&server, None)?,
        403,
        "SecondFactorNeeded",
    )?;
    let again = post_form(
        &server.url("/api/account/begin_enrolment"),
        &[("username", NURSE), ("password", TEST_PASSWORD)],
        None,
    )?;
    refused(&again, 403, "SecondFactorNeeded")?;

    // A second tablet: a wrong code, then the app's next code.
    let second = Browser::start(1024, 768).await?;
    enter_credentials(&second, &server.url("/")).await?;
    second
        .wait_css("[data-testid='second-factor-code']", WAIT)
        .await?;
    second.screenshot(&shots, "code-1024x768").await?;
    violations.extend(tsunagu_tests::a11y::violations(&second).await?);
    ensure!(violations.is_empty(), "WCAG violations: {violations:?}");
    submit_code(&second, "[data-testid='code-input']", &app_code(&key, 20)?).await?;
    let said = second.wait_css("[data-testid='code-error']", WAIT).await?;
    ensure!(said.contains("確認コードが違う"), "{said}");
    let next = app_code(&key, 1)?;
    submit_code(&second, "[data-testid='code-input']", &next).await?;
    second.wait_css("[data-testid='caseload']", WAIT).await?;
    second.close().await?;

    // A third, with the phone lost: a recovery code, typed in capitals.
    let third = Browser::start(768, 1024).await?;
    enter_credentials(&third, &server.url("/")).await?;
    submit_code(
        &third,
        "[data-testid='code-input']",
        &recovery[0].to_uppercase(),
    )
    .await?;
    third.wait_css("[data-testid='caseload']", WAIT).await?;
    third.close().await?;

    // Spent codes open nothing.
    refused(
        &sign_in_over_http(&server, Some(&recovery[0]))?,
        401,
        "WrongCode",
    )?;
    refused(&sign_in_over_http(&server, Some(&next))?, 401, "WrongCode")?;

    let entries = trail(dir.path())?;
    let count = |action: &str, key: &str, value: &str| {
        entries
            .iter()
            .filter(|(a, d)| a == action && d[key] == value)
            .count()
    };
    ensure!(
        entries.iter().any(|(a, _)| a == "second_factor_enrolled"),
        "{entries:?}"
    );
    ensure!(
        count("signed_in", "second_factor", "totp") == 2,
        "{entries:?}"
    );
    ensure!(
        count("signed_in", "second_factor", "recovery_code") == 1,
        "{entries:?}"
    );
    ensure!(
        count("sign_in_failed", "reason", "wrong_code") >= 4,
        "{entries:?}"
    );
    let used = entries
        .iter()
        .find(|(a, _)| a == "recovery_code_used")
        .context("recovery_code_used in the trail")?;
    ensure!(used.1["left"] == 9, "{used:?}");
    ensure!(
        !entries.iter().any(|(_, d)| d.to_string().contains(NURSE)),
        "the trail names no one"
    );

    // A lost phone: the administrator's reset sends the nurse back to
    // enrolment, and the listing says so.
    let out = cli(
        dir.path(),
        &["user", "reset-second-factor", "--username", NURSE],
        None,
    )?;
    ensure!(out.contains("removed"), "{out}");
    let listing = cli(dir.path(), &["user", "list"], None)?;
    ensure!(listing.contains("no second factor"), "{listing}");
    refused(&sign_in_over_http(&server, None)?, 403, "EnrolmentNeeded")?;
    Ok(())
}
