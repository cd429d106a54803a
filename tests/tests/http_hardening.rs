//! The HTTP side refuses what a hostile page could make a signed-in
//! browser send: a cross-site call of a server function (here a
//! coordinator's cookie ending an assignment through a `text/plain` form
//! post, and a login CSRF) is refused with 403 and changes nothing, and
//! no server function's answer may be cached. Real server binary, real
//! HTTP. Both attacks went through before the guard.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tsunagu_tests::http::{Reply, post_json, post_with, session_cookie, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The coordinator's overview: (person id, their assignees' login names).
fn assignees(server: &ServerProcess, cookie: &str) -> Result<Vec<(String, Vec<String>)>> {
    let reply = post_json(&server.url("/api/programme/overview"), "{}", Some(cookie))?;
    anyhow::ensure!(reply.status == 200, "overview: {}", reply.body);
    let overview: Value = serde_json::from_str(&reply.body)?;
    let persons = overview["persons"].as_array().context("persons")?;
    Ok(persons
        .iter()
        .map(|p| {
            let names = p["assignees"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["username"].as_str().map(str::to_owned))
                .collect();
            (p["id"].as_str().unwrap_or_default().to_owned(), names)
        })
        .collect())
}

fn refused(reply: &Reply, what: &str) {
    assert_eq!(reply.status, 403, "{what}: {} {}", reply.status, reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
}

#[test]
fn cross_site_server_function_calls_are_refused_and_change_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let before = assignees(&server, &coordinator)?;
    let (person, _) = before
        .iter()
        .find(|(_, names)| names.iter().any(|n| n == "demo.specialist"))
        .context("a person the demo specialist holds")?;
    let end =
        json!({"username": "demo.specialist", "person_id": person, "on": "2026-04-01"}).to_string();
    let url = server.url("/api/programme/end_assignment");

    // What a form on another site sends: text/plain, its own Origin.
    let from_elsewhere = post_with(
        &url,
        &end,
        &[
            ("Content-Type", "text/plain"),
            ("Origin", "http://evil.example"),
        ],
        Some(&coordinator),
    )?;
    refused(&from_elsewhere, "a foreign Origin");
    // A browser that says so itself.
    let cross_site = post_with(
        &url,
        &end,
        &[
            ("Content-Type", "application/json"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        Some(&coordinator),
    )?;
    refused(&cross_site, "Sec-Fetch-Site: cross-site");
    let null_origin = post_with(
        &url,
        &end,
        &[("Content-Type", "text/plain"), ("Origin", "null")],
        Some(&coordinator),
    )?;
    refused(&null_origin, "Origin: null (a sandboxed frame)");
    assert_eq!(
        assignees(&server, &coordinator)?,
        before,
        "no assignment ended"
    );

    // Login CSRF: signing the victim's browser in as someone else.
    let login = post_with(
        &server.url("/api/account/sign_in"),
        &format!("username=demo.specialist&password={DEMO_PASSWORD}"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://evil.example"),
        ],
        None,
    )?;
    refused(&login, "a cross-site sign-in");
    assert_eq!(session_cookie(&login), None, "no session handed out");

    // The app itself (same origin) still works, and its answers are not cached.
    let host = server.base_url.clone();
    let same = post_with(
        &server.url("/api/programme/overview"),
        "{}",
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("Origin", &host),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        Some(&coordinator),
    )?;
    assert_eq!(same.status, 200, "{}", same.body);
    assert_eq!(same.header("cache-control"), Some("no-store"));
    let device = tsunagu_tests::http::get(&server.url("/sync/device"), None)?;
    assert_eq!(device.header("cache-control"), Some("no-store"));
    Ok(())
}

/// Thirty wrong passwords for one user at once: every attempt is counted
/// before its password is checked, so exactly the free allowance (5 per
/// user name) is verified and the rest are told to wait. Before, all
/// thirty were verified and answered `Rejected`, so parallel guessing
/// outran the throttle. The wait is a progressive delay, not a lockout:
/// the real user, after the short wait the answer names, gets in.
#[test]
fn parallel_guesses_cannot_outrun_the_sign_in_throttle() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let url = server.url("/api/account/sign_in");
    let guesses =
        tsunagu_tests::http::guess_in_parallel(std::slice::from_ref(&url), "demo.specialist", 30)?;
    let (rejected, waits) = (guesses.rejected, guesses.waits);
    assert_eq!(
        (rejected, waits.len()),
        (5, 25),
        "passwords checked, refused unchecked"
    );
    let longest = waits.iter().copied().max().unwrap_or_default();
    assert!(longest <= 60, "never locked out for long: {waits:?}");
    std::thread::sleep(std::time::Duration::from_secs(longest));
    let right = tsunagu_tests::http::post_form(
        &url,
        &[("username", "demo.specialist"), ("password", DEMO_PASSWORD)],
        None,
    )?;
    assert_eq!(
        right.status, 200,
        "the real user gets in after the wait: {}",
        right.body
    );
    assert!(session_cookie(&right).is_some());
    Ok(())
}

/// A refusal answers with a status that says what it is (401 not signed
/// in or wrong password, 403 not allowed, 422 not possible as asked), not
/// the 500 every server function error used to be, and a database
/// failure's text never reaches the browser.
#[test]
fn refusals_answer_with_their_own_status() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let wrong = tsunagu_tests::http::post_form(
        &server.url("/api/account/sign_in"),
        &[
            ("username", "demo.specialist"),
            ("password", "not the password"),
        ],
        None,
    )?;
    assert_eq!(
        (wrong.status, wrong.body.contains("Rejected")),
        (401, true),
        "{}",
        wrong.body
    );
    let overview = server.url("/api/programme/overview");
    let anonymous = post_json(&overview, "{}", None)?;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    let specialist = sign_in(&server.base_url, "demo.specialist", DEMO_PASSWORD)?;
    let forbidden = post_json(&overview, "{}", Some(&specialist))?;
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let impossible = post_json(
        &server.url("/api/programme/end_assignment"),
        &json!({"username": "nobody.here", "person_id": "no-such-person", "on": "2026-04-01"})
            .to_string(),
        Some(&coordinator),
    )?;
    assert_eq!(impossible.status, 422, "{}", impossible.body);
    assert!(impossible.body.contains("Invalid"), "{}", impossible.body);
    Ok(())
}

/// Behind a TLS proxy (`--public-url https://...`) every answer carries
/// HSTS and the session cookie is `Secure` with the `__Host-` prefix (and
/// still opens the session); on plain http neither is claimed.
#[test]
fn an_https_public_url_turns_on_hsts_and_secure_cookies() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let plain = ServerProcess::start(dir.path(), &["--demo"])?;
    let page = tsunagu_tests::http::get(&plain.url("/"), None)?;
    assert_eq!(page.header("strict-transport-security"), None);
    drop(plain);

    let server = ServerProcess::start(
        dir.path(),
        &[
            "--second-factor",
            "optional",
            "--public-url",
            "https://tsunagu.example",
        ],
    )?;
    let page = tsunagu_tests::http::get(&server.url("/"), None)?;
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    let signed_in = tsunagu_tests::http::post_form(
        &server.url("/api/account/sign_in"),
        &[("username", "demo.specialist"), ("password", DEMO_PASSWORD)],
        None,
    )?;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    let set_cookie = signed_in.headers_named("set-cookie").join("\n");
    assert!(
        set_cookie.starts_with("__Host-tsunagu_session=")
            && set_cookie.contains("; Secure")
            && set_cookie.contains("Path=/")
            && !set_cookie.contains("Domain"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap_or_default();
    let me = tsunagu_tests::http::post_form(
        &server.url("/api/account/current_user"),
        &[],
        Some(cookie),
    )?;
    let me: Value = serde_json::from_str(&me.body)?;
    assert_eq!(
        me["username"], "demo.specialist",
        "the __Host- cookie opens the session"
    );
    Ok(())
}

/// Every rendered page carries a Content-Security-Policy whose nonce is
/// fresh per response and is the one on each of the page's scripts, so
/// only the app's own scripts run (the browser side is checked in
/// `offline_pwa`).
#[test]
fn pages_carry_a_content_security_policy_with_a_fresh_nonce() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let mut nonces = Vec::new();
    for path in ["/", "/", "/no-such-page"] {
        let page = tsunagu_tests::http::get(&server.url(path), None)?;
        let policy = page
            .header("content-security-policy")
            .with_context(|| format!("{path} has no policy"))?
            .to_owned();
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .with_context(|| format!("no nonce in {policy}"))?
            .to_owned();
        let scripts: Vec<&str> = page.body.split("<script").skip(1).collect();
        assert!(scripts.len() >= 2, "{path}: the loader and pwa.js");
        for script in scripts {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the nonce: <script{tag}>"
            );
        }
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce per response");
    Ok(())
}
