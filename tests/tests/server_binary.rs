//! The real `tsunagu` binary on a loopback port with a temporary data
//! directory: health, the server-rendered page, sign-in, restart, and the
//! clear failures for a bad data directory or a newer database.

use std::io::Write;
use std::process::Stdio;
use tsunagu_tests::http::{get, get_bytes, post_form, session_cookie};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess, tsunagu};

#[test]
fn serves_health_and_a_japanese_first_page_with_security_headers() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    assert!(
        server
            .stdout_lines
            .iter()
            .any(|l| l.contains("Demo login: user demo.specialist")),
        "demo login is printed: {:?}",
        server.stdout_lines
    );
    assert!(
        server
            .stdout_lines
            .iter()
            .any(|l| l.contains("the demo accounts have no second factor")),
        "the demo says its accounts have no second factor: {:?}",
        server.stdout_lines
    );

    let health = get(&server.url("/healthz"), None)?;
    assert_eq!(health.status, 200);
    let health: serde_json::Value = serde_json::from_str(&health.body)?;
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["schema_version"], 16,
        "migration 16 keeps sign-in attempts in the database"
    );

    let page = get(&server.url("/"), None)?;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"lang="ja""#),
        "html lang is ja by default"
    );
    assert!(page.body.contains("つなぐ"));
    // The bundle is named by its content: tsunagu.<16 hex>.js / .css.
    let bundle = page
        .body
        .split("/pkg/")
        .skip(1)
        .find_map(|rest| rest.split_once(".css").map(|(name, _)| name.to_owned()))
        .expect("the stylesheet is linked");
    let hash = bundle.strip_prefix("tsunagu.").expect("tsunagu.<hash>");
    assert!(
        hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{bundle}"
    );
    assert!(
        page.body.contains(&format!("/pkg/{bundle}.js")),
        "hydration script of the same build is linked"
    );
    assert!(
        page.body.contains(r#"data-testid="starting""#),
        "the server renders the same app shell for everyone; the device decides the screen"
    );
    assert!(page.body.contains("/manifest.webmanifest"), "installable");
    assert!(
        page.body
            .contains(r#"<link href="/apple-touch-icon.png" rel="apple-touch-icon">"#)
            && page
                .body
                .contains(r#"name="apple-mobile-web-app-capable" content="yes""#),
        "installable on an iPad too"
    );
    // Every PNG icon the manifest names (and the touch icon) is served,
    // at the size it claims.
    let manifest: serde_json::Value =
        serde_json::from_str(&get(&server.url("/manifest.webmanifest"), None)?.body)?;
    let mut icons: Vec<(String, u32)> = manifest["icons"]
        .as_array()
        .expect("icons")
        .iter()
        .filter(|icon| icon["type"] == "image/png")
        .map(|icon| {
            let src = icon["src"].as_str().expect("src").to_owned();
            let size = icon["sizes"].as_str().expect("sizes");
            (src, size.split('x').next().unwrap().parse().unwrap())
        })
        .collect();
    assert!(icons.len() >= 3, "192, 512 and a maskable 512: {icons:?}");
    assert!(
        manifest["icons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["purpose"] == "maskable" && i["type"] == "image/png")
    );
    icons.push(("/apple-touch-icon.png".into(), 180));
    for (src, size) in icons {
        let (status, kind, file) = get_bytes(&server.url(&src))?;
        assert_eq!(status, 200, "{src}");
        assert_eq!(kind.as_deref(), Some("image/png"), "{src}");
        // The PNG header: width and height, big-endian, at bytes 16..24.
        let dims = |at: usize| u32::from_be_bytes(file[at..at + 4].try_into().unwrap());
        assert_eq!((dims(16), dims(20)), (size, size), "{src}");
    }
    assert!(
        page.body.contains("/pwa.js"),
        "registers the service worker"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));

    let english = get(&server.url("/"), Some("tsunagu_lang=en"))?;
    assert!(english.body.contains(r#"lang="en""#));
    assert!(english.body.contains("Loading…"));
    assert!(!english.body.contains("読み込み中"));

    let css = get(&server.url(&format!("/pkg/{bundle}.css")), None)?;
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable"),
        "content-named files may be cached for good"
    );
    let missing = get(&server.url("/pkg/tsunagu.0000000000000000.css"), None)?;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("cache-control"),
        None,
        "a miss is not cached"
    );
    assert!(
        css.header("content-type")
            .unwrap_or_default()
            .starts_with("text/css")
    );

    let missing = get(&server.url("/no/such/page"), None)?;
    assert_eq!(missing.status, 404);
    Ok(())
}

#[test]
fn demo_login_signs_in_and_survives_a_restart() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let sign_in = server.url("/api/account/sign_in");

    let wrong = post_form(
        &sign_in,
        &[
            ("username", "demo.specialist"),
            ("password", "not the password"),
        ],
        None,
    )?;
    assert_ne!(wrong.status, 200);
    assert!(
        wrong.body.contains("Rejected"),
        "typed error: {}",
        wrong.body
    );
    assert_eq!(
        session_cookie(&wrong),
        None,
        "no session for a wrong password"
    );

    let ok = post_form(
        &sign_in,
        &[("username", "demo.specialist"), ("password", DEMO_PASSWORD)],
        None,
    )?;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let set_cookie = ok.headers_named("set-cookie").join("\n");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let cookie = session_cookie(&ok).expect("session cookie");

    let me = current_user(&server, &cookie)?;
    assert_eq!(me["display_name"], "相談 花子");
    assert_eq!(me["role"], "support_specialist");

    // A graceful stop, then a restart on the same data: the session and the
    // users are still there and the database is intact.
    let status = server.terminate()?;
    assert!(status.success(), "SIGTERM exits cleanly: {status:?}");
    let server = ServerProcess::start(dir.path(), &[])?;
    assert_eq!(
        current_user(&server, &cookie)?["display_name"],
        "相談 花子",
        "session survives a restart"
    );

    let sign_out = post_form(&server.url("/api/account/sign_out"), &[], Some(&cookie))?;
    assert_eq!(sign_out.status, 200);
    assert!(current_user(&server, &cookie)?.is_null(), "signed out");
    drop(server);

    let conn = rusqlite::Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(check, "ok");
    Ok(())
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_weak_ones() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let add = |password: &str| -> anyhow::Result<std::process::Output> {
        let mut child = tsunagu(dir.path())?
            .args([
                "user",
                "add",
                "--username",
                "nurse.test",
                "--display-name",
                "試験 看護",
                "--role",
                "visiting_nurse",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        writeln!(child.stdin.take().expect("stdin"), "{password}")?;
        Ok(child.wait_with_output()?)
    };
    let weak = add("short")?;
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 13 characters"));

    let added = add("a long enough passphrase")?;
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let server = ServerProcess::start(dir.path(), &["--second-factor", "optional"])?;
    let ok = post_form(
        &server.url("/api/account/sign_in"),
        &[
            ("username", "nurse.test"),
            ("password", "a long enough passphrase"),
        ],
        None,
    )?;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let cookie = session_cookie(&ok).expect("session cookie");
    assert_eq!(current_user(&server, &cookie)?["role"], "visiting_nurse");
    Ok(())
}

#[test]
fn refuses_a_database_from_a_newer_version_without_touching_it() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("tsunagu.sqlite3");
    rusqlite::Connection::open(&db)?.pragma_update(None, "user_version", 999)?;
    let before = std::fs::read(&db)?;
    let output = tsunagu(dir.path())?
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("schema version 999") && stderr.contains("newer"),
        "{stderr}"
    );
    assert!(std::fs::read(&db)? == before, "the file must be unchanged");
    Ok(())
}

#[test]
fn an_unusable_data_directory_is_a_clear_error() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a directory")?;
    let output = tsunagu(&file.join("data"))?
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot create the data directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

/// The signed-in user as the app's server function reports it (JSON null
/// when the cookie opens no session).
fn current_user(server: &ServerProcess, cookie: &str) -> anyhow::Result<serde_json::Value> {
    let reply = post_form(&server.url("/api/account/current_user"), &[], Some(cookie))?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    Ok(serde_json::from_str(&reply.body)?)
}
