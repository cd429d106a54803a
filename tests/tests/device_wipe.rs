//! Wiping a tablet, in headless Chromium against the real server binary:
//! a tablet reported lost erases itself at its next contact and the server
//! records the confirmation; ten wrong passwords in a row erase a tablet
//! offline, with waits between the later tries. Afterwards the browser
//! holds nothing of the device (IndexedDB empty, no service-worker cache
//! or registration) and shows the sign-in form with the reason.

use anyhow::{Context, Result, bail, ensure};
use fantoccini::Locator;
use serde_json::Value;
use std::time::Duration;
use tsunagu_tests::admin::cli;
use tsunagu_tests::app_page::{WAIT, first_sign_in, wait_in_sync};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::device_storage::device_storage;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// Reconnecting after the server comes back: backoff is at most 10 s.
const RECONNECT: Duration = Duration::from_secs(40);

/// Waits until the service worker has cached the app shell, so a wipe has
/// something to remove and the app reloads with the server down.
async fn wait_for_shell_cache(browser: &Browser) -> Result<Value> {
    browser
        .wait_for("the service worker's cache", WAIT, || async {
            let storage = device_storage(browser).await?;
            let cached = storage["caches"].as_array().map_or(0, Vec::len);
            Ok((cached >= 7).then_some(storage))
        })
        .await
}

/// Asserts the browser holds nothing of the device but the wipe's note
/// (and, with `report`, the self-wipe report still waiting for a network).
async fn assert_wiped(browser: &Browser, report: bool) -> Result<()> {
    let storage = device_storage(browser).await?;
    ensure!(
        storage["keys"].as_array().is_some_and(Vec::is_empty),
        "IndexedDB is empty: {}",
        storage["keys"]
    );
    ensure!(
        storage["cacheNames"].as_array().is_some_and(Vec::is_empty),
        "no service-worker cache is left: {}",
        storage["cacheNames"]
    );
    ensure!(
        storage["workers"] == 0,
        "the service worker is unregistered"
    );
    let local: Value = serde_json::from_str(storage["local"].as_str().context("local")?)?;
    let keys: Vec<&String> = local.as_object().context("localStorage")?.keys().collect();
    let expected: &[&str] = if report {
        &["tsunagu_wipe_notice", "tsunagu_wipe_report"]
    } else {
        &["tsunagu_wipe_notice"]
    };
    ensure!(
        keys == expected,
        "only the wipe's one-word note (and a waiting report) stays: {keys:?}"
    );
    Ok(())
}

/// The id of `username`'s active device, from `tsunagu device list`
/// (tab-separated: id, user, label, standing, ...).
fn device_of(dir: &std::path::Path, username: &str) -> Result<String> {
    let listing = cli(dir, &["device", "list", "--username", username], None)?;
    listing
        .lines()
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .find(|fields| fields.get(3) == Some(&"active"))
        .map(|fields| fields[0].to_owned())
        .with_context(|| format!("an active device in {listing}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_reported_lost_wipes_itself_at_its_next_contact() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let shots = screenshot_dir().join("device-wipe");
    let tablet = Browser::start(768, 1024).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    let before = wait_for_shell_cache(&tablet).await?;
    ensure!(
        before["keys"].as_array().map_or(0, Vec::len) > 3,
        "the tablet holds its caseload: {}",
        before["keys"]
    );

    // The tablet is out of reach when it is reported lost. The browser is
    // still online: the header says the server cannot be reached.
    server.kill_hard()?;
    let header = tablet
        .wait_css(
            "[data-testid='network-status'][data-state='server-unreachable']",
            WAIT,
        )
        .await?;
    ensure!(header.contains("サーバーに接続できません"), "{header}");
    tablet.screenshot(&shots, "00-server-unreachable").await?;
    let device = device_of(dir.path(), "demo.specialist")?;
    let reported = cli(
        dir.path(),
        &["device", "report-lost", "--id", &device],
        None,
    )?;
    ensure!(reported.contains("reported lost"), "{reported}");
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;

    // Its next contact: it wipes itself and says why.
    let notice = tablet
        .wait_css(
            "[data-testid='wipe-notice'][data-reason='reported-lost']",
            RECONNECT,
        )
        .await?;
    ensure!(notice.contains("紛失"), "{notice}");
    tablet
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    tablet.screenshot(&shots, "01-wiped-reported-lost").await?;
    assert_wiped(&tablet, false).await?;
    let confirmed = tablet
        .wait_for("the server to record the wipe", WAIT, || async {
            let listing = cli(
                dir.path(),
                &["device", "list", "--username", "demo.specialist"],
                None,
            )?;
            Ok(listing.contains("wiped").then_some(listing))
        })
        .await?;
    ensure!(!confirmed.contains("not confirmed"), "{confirmed}");

    // The same browser can become a (new) device again; the note goes.
    tablet
        .type_into("input[name='username']", "demo.specialist")
        .await?;
    tablet
        .type_into("input[name='password']", DEMO_PASSWORD)
        .await?;
    tablet.click("button[type='submit']").await?;
    tablet.wait_css("[data-testid='caseload']", WAIT).await?;
    ensure!(
        tablet
            .client
            .find(Locator::Css("[data-testid='wipe-notice']"))
            .await
            .is_err(),
        "the wipe's note is gone after signing in"
    );
    tablet.close().await?;
    drop(server);
    Ok(())
}

/// Submits `password` on the unlock form; returns the form's answer: the
/// error text, or `None` once the app unlocked or wiped itself.
async fn try_unlock(browser: &Browser, password: &str) -> Result<Option<String>> {
    // Mark the current answer, so only a new one counts.
    browser
        .client
        .execute(
            "document.querySelectorAll('[data-testid=unlock-error]')
               .forEach((e) => e.setAttribute('data-seen', ''));
             if (!window.__errors) {
               window.__errors = [];
               const original = console.error;
               console.error = (...args) => { window.__errors.push(args.join(' ')); original(...args); };
               window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
             }",
            vec![],
        )
        .await?;
    browser
        .type_into("input[name='password']", password)
        .await?;
    browser
        .click("[data-testid='unlock'] button[type='submit']")
        .await?;
    let answer = browser
        .wait_for("the unlock form's answer", WAIT, || async {
            for (css, answer) in [
                ("[data-testid='unlock-error']:not([data-seen])", true),
                ("[data-testid='caseload']", false),
                ("[data-testid='wipe-notice']", false),
            ] {
                if let Ok(element) = browser.client.find(Locator::Css(css)).await {
                    return Ok(Some(if answer {
                        Some(element.text().await?)
                    } else {
                        None
                    }));
                }
            }
            Ok(None)
        })
        .await;
    if answer.is_err() {
        let page = browser
            .client
            .execute(
                "return location.href + '\\n' + document.body.innerText + '\\nconsole: ' + window.__errors.join('\\n')",
                vec![],
            )
            .await?;
        return answer.with_context(|| format!("the page shows: {page}"));
    }
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_wrong_passwords_in_a_row_wipe_a_tablet_offline() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo", "--unlock-delay-ms", "20"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let shots = screenshot_dir().join("device-wipe");
    let tablet = Browser::start(768, 1024).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    wait_for_shell_cache(&tablet).await?;
    let device = device_of(dir.path(), "demo.specialist")?;

    // Offline from here on: the app reloads from the service worker, locked.
    server.kill_hard()?;
    tablet.client.refresh().await?;
    tablet.wait_css("[data-testid='unlock']", WAIT).await?;

    // Two wrong passwords, then the right one: the count starts again.
    for left in [9, 8] {
        let answer = try_unlock(&tablet, "not the password").await?;
        ensure!(
            answer
                .as_deref()
                .is_some_and(|a| a.contains(&format!("あと {left} 回"))),
            "{answer:?}"
        );
    }
    ensure!(try_unlock(&tablet, DEMO_PASSWORD).await?.is_none());
    tablet.wait_css("[data-testid='caseload']", WAIT).await?;
    tablet.client.refresh().await?;
    tablet.wait_css("[data-testid='unlock']", WAIT).await?;

    // Ten in a row: waits grow between the later ones, the tenth wipes.
    let mut waits = 0;
    let mut wrong = 0;
    while wrong < 10 {
        match try_unlock(&tablet, "still not the password").await? {
            Some(answer) if answer.contains("秒待って") => {
                waits += 1;
                ensure!(waits < 40, "waiting never ends: {answer}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Some(answer) => {
                wrong += 1;
                let left = 10 - wrong;
                ensure!(answer.contains(&format!("あと {left} 回")), "{answer}");
                if wrong == 9 {
                    tablet.screenshot(&shots, "02-one-try-left").await?;
                }
            }
            None if wrong == 9 => wrong += 1,
            None => bail!("unlocked or wiped after only {wrong} wrong passwords"),
        }
    }
    ensure!(waits > 0, "the later tries had to wait");
    let notice = tablet
        .wait_css(
            "[data-testid='wipe-notice'][data-reason='unlock-limit']",
            WAIT,
        )
        .await?;
    ensure!(notice.contains("消去"), "{notice}");
    tablet.screenshot(&shots, "03-wiped-unlock-limit").await?;
    assert_wiped(&tablet, true).await?;

    // Back in reach, the wiped tablet reports it (with the one secret it
    // kept outside the encrypted store): revoked, and in the trail.
    let _server = ServerProcess::start_listening(dir.path(), &listen, &["--demo"])?;
    tablet.client.refresh().await?;
    tablet
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    let conn = rusqlite::Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let reported = tablet
        .wait_for("the self-wipe in the trail", WAIT, || async {
            let detail: Option<String> = conn
                .query_row(
                    "SELECT detail FROM audit_log WHERE action = 'device_self_wiped'",
                    [],
                    |r| r.get(0),
                )
                .ok();
            Ok(detail)
        })
        .await?;
    let reported: serde_json::Value = serde_json::from_str(&reported)?;
    ensure!(
        reported == serde_json::json!({"device": device, "reason": "unlock_limit"}),
        "{reported}"
    );
    let (revoked, wiped): (Option<String>, Option<String>) = conn.query_row(
        "SELECT revoked_at, wiped_at FROM devices WHERE id = ?1",
        [&device],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    ensure!(revoked.is_some() && wiped.is_some(), "revoked and wiped");
    // Sent once: the pending report is gone from the browser.
    let pending = tablet
        .client
        .execute("return localStorage.getItem('tsunagu_wipe_report')", vec![])
        .await?;
    ensure!(pending.is_null(), "{pending}");

    tablet.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reports_an_open_tablet_lost_from_the_screen_and_it_wipes_at_once()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("device-wipe");
    let tablet = Browser::start(768, 1024).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    let device = device_of(dir.path(), "demo.specialist")?;

    let office = Browser::start(1024, 768).await?;
    first_sign_in(&office, &server.url("/"), "demo.coordinator", DEMO_PASSWORD).await?;
    office
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    office.click("[data-testid='tab-accounts']").await?;
    let row = format!("[data-testid='admin-device'][data-device='{device}']");
    office
        .wait_css(&format!("{row}[data-standing='active']"), WAIT)
        .await?;
    ensure!(
        office
            .client
            .find(Locator::Css(
                "[data-testid='admin-account'][data-username='demo.coordinator'] [data-testid='admin-disable']"
            ))
            .await
            .is_err(),
        "the coordinator is not offered to disable their own account"
    );
    office
        .click(&format!("{row} [data-testid='admin-report-lost']"))
        .await?;
    let warning = office
        .wait_css(&format!("{row} [data-testid='admin-confirm']"), WAIT)
        .await?;
    ensure!(warning.contains("未送信の記録は失われます"), "{warning}");
    office.screenshot(&shots, "04-report-lost-confirm").await?;
    office
        .click(&format!("{row} [data-testid='admin-confirm-yes']"))
        .await?;
    office.wait_css("[data-testid='admin-done']", WAIT).await?;

    // The tablet is connected: it is told at once and wipes itself.
    tablet
        .wait_css(
            "[data-testid='wipe-notice'][data-reason='reported-lost']",
            Duration::from_secs(10),
        )
        .await?;
    assert_wiped(&tablet, false).await?;

    // The screen shows the confirmation once it is recorded.
    office
        .wait_for("the wipe's confirmation on the screen", WAIT, || async {
            office.click("[data-testid='programme-refresh']").await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            Ok(office
                .client
                .find(Locator::Css(&format!("{row}[data-standing='wiped']")))
                .await
                .ok())
        })
        .await?;
    office.screenshot(&shots, "05-accounts-after-wipe").await?;
    // The same screen in English: the standing and the actions translated.
    office.click("[data-testid='language-switch']").await?;
    let wiped = office
        .wait_css(&format!("{row}[data-standing='wiped']"), WAIT)
        .await?;
    office
        .wait_for("the English accounts tab", WAIT, || async {
            let text = office
                .client
                .find(Locator::Css(&format!("{row}[data-standing='wiped']")))
                .await?
                .text()
                .await?;
            Ok(text.contains("Wiped").then_some(()))
        })
        .await
        .with_context(|| format!("still {wiped}"))?;
    office.screenshot(&shots, "06-accounts-english").await?;
    tablet.close().await?;
    office.close().await?;
    drop(server);
    Ok(())
}
