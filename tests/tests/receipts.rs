//! A note's receipt, in headless Chromium against the real server binary:
//! "saved on this tablet" while the server is away, "refused" with its
//! reason when the person was handed over meanwhile, "send again" once
//! they are back on the caseload and then "reached the server at HH:MM";
//! a refused note the server never had is discarded only after a
//! confirmation, and stays gone after a reload.

use anyhow::{Result, ensure};
use fantoccini::Locator;
use tsunagu_tests::a11y::violations;
use tsunagu_tests::admin::cli;
use tsunagu_tests::app_page::{
    WAIT, first_person, first_sign_in, open_person, save, set_textarea, unlock, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The receipt line's state (`waiting`, `reached`, `refused`).
async fn receipt_state(browser: &Browser) -> Result<Option<String>> {
    match browser
        .client
        .find(Locator::Css("[data-testid='receipt']"))
        .await
    {
        Ok(line) => Ok(line.attr("data-state").await?),
        Err(_) => Ok(None),
    }
}

/// Waits until the receipt line is in `state`; returns its text.
async fn wait_receipt(browser: &Browser, state: &str) -> Result<String> {
    browser
        .wait_for(&format!("the receipt {state}"), WAIT, || async {
            if receipt_state(browser).await?.as_deref() == Some(state) {
                return Ok(Some(browser.text_of("receipt").await?));
            }
            Ok(None)
        })
        .await
}

/// Writes a home visit for the open person and saves it.
async fn home_visit(browser: &Browser, text: &str) -> Result<String> {
    browser.click("[data-testid='new-home_visit']").await?;
    browser
        .wait_css("[data-testid='record-form']", WAIT)
        .await?;
    browser
        .select("select[name='visit_kind']", "settlement")
        .await?;
    set_textarea(browser, "mental_state", text).await?;
    save(browser).await?;
    browser
        .wait_for("the note's address", WAIT, || async {
            let path = browser.client.current_url().await?.path().to_owned();
            Ok(path.strip_prefix("/record/").map(|id| id.to_owned()))
        })
        .await
}

fn handover(dir: &std::path::Path, from: &str, to: &str, person: &str) -> Result<String> {
    cli(
        dir,
        &[
            "handover",
            "--from",
            from,
            "--to",
            to,
            "--person-id",
            person,
        ],
        None,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_note_shows_why_and_is_sent_again_or_discarded() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let shots = screenshot_dir().join("receipts");
    let b = Browser::start(1180, 820).await?;
    first_sign_in(&b, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;
    let person = first_person(&b).await?;
    open_person(&b, &person).await?;
    // Let the service worker cache the app for the offline part.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    // Offline, the note is saved on the tablet and waits.
    server.kill_hard()?;
    let first = home_visit(&b, "玄関先で話した。").await?;
    let waiting = wait_receipt(&b, "waiting").await?;
    ensure!(waiting.contains("この端末に保存済み"), "{waiting}");
    b.screenshot(&shots, "01-saved-on-this-tablet").await?;

    // Meanwhile the person was handed over: back online, the server
    // refuses the note, and the tablet says why and what to do.
    handover(dir.path(), "demo.specialist", "demo.specialist2", &person)?;
    let server = ServerProcess::start_listening(dir.path(), &listen, &["--demo"])?;
    let refused = wait_receipt(&b, "refused").await?;
    ensure!(refused.contains("担当"), "{refused}");
    // The header says so on every screen.
    let count = b.wait_css("[data-testid='refused-count']", WAIT).await?;
    ensure!(count.contains("送信できない記録 1件"), "{count}");
    b.screenshot(&shots, "02-refused-with-its-reason").await?;
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "02-refused-ja-820x1180").await?;
    b.client.set_window_size(1180, 820).await?;
    let found = violations(&b).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "日本語", WAIT).await?;
    let refused_en = wait_receipt(&b, "refused").await?;
    ensure!(refused_en.contains("not assigned"), "{refused_en}");
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "02-refused-en-820x1180").await?;
    b.client.set_window_size(1180, 820).await?;
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "English", WAIT).await?;

    // A second note for the same person is refused too; discarding it
    // asks first, and then it is gone.
    b.click(".back").await?;
    b.wait_css("[data-testid='person-page']", WAIT).await?;
    let second = home_visit(&b, "電話で様子を聞いた。").await?;
    wait_receipt(&b, "refused").await?;
    b.click("[data-testid='discard']").await?;
    b.wait_css("[data-testid='discard-confirm']", WAIT).await?;
    b.screenshot(&shots, "03-discard-asks-first").await?;
    let found = violations(&b).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");
    b.click("[data-testid='discard-yes']").await?;
    b.wait_css("[data-testid='person-page']", WAIT).await?;
    let item = |id: &str| format!("[data-testid='timeline-item'][data-record='{id}']");
    b.wait_css(
        &format!("{} [data-testid='refused-badge']", item(&first)),
        WAIT,
    )
    .await?;
    ensure!(
        b.client.find(Locator::Css(&item(&second))).await.is_err(),
        "the discarded note left the timeline"
    );

    // Handed back (from the command line, which the running server would
    // only notice at its next caseload check: so while it is down),
    // "send again" gets the first note through.
    server.kill_hard()?;
    handover(dir.path(), "demo.specialist2", "demo.specialist", &person)?;
    let server = ServerProcess::start_listening(dir.path(), &listen, &["--demo"])?;
    b.click(&item(&first)).await?;
    b.wait_css("[data-testid='send-again']", WAIT).await?;
    ensure!(
        b.client
            .find(Locator::Css("[data-testid='discard']"))
            .await
            .is_ok(),
        "never stored, so it could be discarded too"
    );
    b.click("[data-testid='send-again']").await?;
    let reached = wait_receipt(&b, "reached").await?;
    ensure!(reached.contains("サーバーに届きました"), "{reached}");
    b.wait_for("the header's refused count to go", WAIT, || async {
        let gone = b
            .client
            .find(Locator::Css("[data-testid='refused-count']"))
            .await
            .is_err();
        Ok(gone.then_some(()))
    })
    .await?;
    b.client.execute("window.scrollTo(0, 0)", vec![]).await?;
    b.screenshot(&shots, "04-reached-the-server").await?;

    // In English too; and after a reload the discarded note is still gone
    // and the receipt is remembered.
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "日本語", WAIT).await?;
    let reached = wait_receipt(&b, "reached").await?;
    ensure!(reached.starts_with("Reached the server at "), "{reached}");
    b.client.execute("window.scrollTo(0, 0)", vec![]).await?;
    b.screenshot(&shots, "05-reached-en-1180x820").await?;
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "06-reached-en-820x1180").await?;
    b.client.refresh().await?;
    unlock(&b, DEMO_PASSWORD).await?;
    wait_receipt(&b, "reached").await?;
    b.click(".back").await?;
    b.wait_css(&item(&first), WAIT).await?;
    ensure!(b.client.find(Locator::Css(&item(&second))).await.is_err());
    wait_in_sync(&b, WAIT).await?;
    drop(server);
    b.close().await
}
