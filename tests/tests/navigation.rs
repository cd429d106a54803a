//! Every screen has its own address, in headless Chromium against the real
//! server binary: the browser's back and forward buttons move between the
//! caseload, a person and a record; a new note, once saved, lives at its
//! record's address; a reload on a record reopens it after unlock, with
//! the server gone too; and an unknown address says so.

use anyhow::{Result, ensure};
use tsunagu_tests::app_page::{
    WAIT, first_person, first_sign_in, open_person, open_record, save, set_textarea,
    textarea_value, unlock, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The address bar's path.
async fn path_of(browser: &Browser) -> Result<String> {
    Ok(browser.client.current_url().await?.path().to_owned())
}

/// Waits until the address bar shows `expected`.
async fn wait_path(browser: &Browser, expected: &str) -> Result<()> {
    browser
        .wait_for(&format!("the address {expected}"), WAIT, || async {
            Ok((path_of(browser).await? == expected).then_some(()))
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_forward_and_reload_follow_the_screens() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("navigation");
    let b = Browser::start(1180, 820).await?;
    first_sign_in(&b, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;
    wait_path(&b, "/").await?;

    // Caseload → person → new note: each has its own address.
    let person = first_person(&b).await?;
    open_person(&b, &person).await?;
    let person_path = format!("/person/{person}");
    wait_path(&b, &person_path).await?;
    b.click("[data-testid='new-home_visit']").await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    wait_path(&b, &format!("{person_path}/new/home_visit")).await?;

    // Saved, the note lives at its record's address (the form stays, with
    // "saved" showing), so a reload would reopen it, not an empty form.
    b.select("select[name='visit_kind']", "settlement").await?;
    set_textarea(&b, "mental_state", "散歩の話をした。").await?;
    save(&b).await?;
    let record_path = b
        .wait_for("the record's address", WAIT, || async {
            let path = path_of(&b).await?;
            Ok(path.starts_with("/record/").then_some(path))
        })
        .await?;
    let record = record_path.trim_start_matches("/record/").to_owned();
    b.wait_css("[data-testid='saved']", WAIT).await?;
    // Its history is there at once, not only when it is opened again.
    b.wait_css("[data-testid='versions']", WAIT).await?;
    b.screenshot(&shots, "01-saved-note-at-its-address").await?;
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "01-saved-note-at-its-address-820x1180")
        .await?;
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "日本語", WAIT).await?;
    b.wait_css("[data-testid='saved']", WAIT).await?;
    b.screenshot(&shots, "01-saved-note-en-820x1180").await?;
    b.client.set_window_size(1180, 820).await?;
    b.screenshot(&shots, "01-saved-note-en-1180x820").await?;
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "English", WAIT).await?;

    // Back: the person (the new-note form was replaced, not stacked).
    b.client.back().await?;
    b.wait_css("[data-testid='person-page']", WAIT).await?;
    wait_path(&b, &person_path).await?;
    // Back again: the caseload. Forward twice: the person, the note.
    b.client.back().await?;
    b.wait_css("[data-testid='caseload']", WAIT).await?;
    wait_path(&b, "/").await?;
    b.client.forward().await?;
    b.wait_css("[data-testid='person-page']", WAIT).await?;
    b.client.forward().await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    wait_path(&b, &record_path).await?;
    ensure!(
        textarea_value(&b, "mental_state").await? == "散歩の話をした。",
        "forward reopened the saved note"
    );

    // A reload on the record reopens it after unlock.
    b.client.refresh().await?;
    unlock(&b, DEMO_PASSWORD).await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    wait_path(&b, &record_path).await?;
    ensure!(textarea_value(&b, "mental_state").await? == "散歩の話をした。");

    // An address the app does not have says so, and leads back to the
    // caseload.
    b.client.goto(&server.url("/nowhere/at/all")).await?;
    b.wait_css("[data-testid='not-found']", WAIT).await?;
    b.click("[data-testid='not-found'] a").await?;
    unlock(&b, DEMO_PASSWORD).await?;
    b.wait_css("[data-testid='caseload']", WAIT).await?;
    wait_path(&b, "/").await?;

    // The same with the server gone: the service worker serves the
    // record's address and the device opens the note by itself.
    wait_in_sync(&b, WAIT).await?;
    server.kill_hard()?;
    open_person(&b, &person).await?;
    open_record(&b, &record).await?;
    b.client.refresh().await?;
    unlock(&b, DEMO_PASSWORD).await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    wait_path(&b, &record_path).await?;
    ensure!(textarea_value(&b, "mental_state").await? == "散歩の話をした。");
    b.screenshot(&shots, "02-offline-reload-reopens-the-note")
        .await?;
    b.close().await
}
