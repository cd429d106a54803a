//! The save journal in headless Chromium, against the real server binary:
//! a note counts as saved once it is flushed to the journal in the
//! origin-private file system, before IndexedDB has it. A browser killed
//! with SIGKILL in between (held there by the test's setting) loses
//! nothing: the next unlock replays the journal, offline, and the note is
//! on the tablet.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use tsunagu_tests::app_page::{
    WAIT, back_to_person, first_person, first_sign_in, open_person, open_record, save,
    set_textarea, textarea_value, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// `app/src/local/vault_journal.rs`: while set, journaled saves are never
/// folded into IndexedDB.
const HOLD_FOLD: &str = "tsunagu-test-hold-fold";
const WORDS: &str = "ジャーナルに残った言葉。電源が落ちても消えない。";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_saved_just_before_the_browser_is_killed_is_there_after_unlock() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let profile = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let app_url = server.url("/");
    let shots = screenshot_dir().join("save-journal");
    let a = Browser::start_with_profile(768, 1024, profile.path()).await?;
    first_sign_in(&a, &app_url, "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&a, WAIT).await?;
    let person = first_person(&a).await?;
    let before = timeline_records(&a, &person).await?;

    // Offline, so the note can only be on the tablet; and every save from
    // now on stops right after the journal's flush.
    server.kill_hard()?;
    a.client
        .execute(
            "localStorage.setItem(arguments[0], '1')",
            vec![HOLD_FOLD.into()],
        )
        .await?;
    a.click("[data-testid='new-ward_interview']").await?;
    a.wait_css("[data-testid='record-form']", WAIT).await?;
    a.select("select[name='place']", "ward").await?;
    a.select("select[name='interview_type']", "first_joint")
        .await?;
    set_textarea(&a, "persons_words", WORDS).await?;
    save(&a).await?;
    a.screenshot(&shots, "01-saved-journal-only").await?;
    a.kill_hard()?;

    // A new browser on the same profile: the service worker serves the
    // app, the unlock replays the journal.
    let b = Browser::start_with_profile(768, 1024, profile.path()).await?;
    b.client.goto(&app_url).await?;
    b.wait_css("[data-testid='unlock']", WAIT).await?;
    b.client
        .execute(
            "localStorage.removeItem(arguments[0])",
            vec![HOLD_FOLD.into()],
        )
        .await?;
    b.type_into("input[name='password']", DEMO_PASSWORD).await?;
    b.click("button[type='submit']").await?;
    b.wait_css(
        "[data-testid='caseload'], [data-testid='person-page']",
        WAIT,
    )
    .await?;
    let after = timeline_records(&b, &person).await?;
    let new: Vec<&String> = after.iter().filter(|id| !before.contains(id)).collect();
    ensure!(
        new.len() == 1,
        "one new record after the replay, found {new:?} (before {before:?}, after {after:?})"
    );
    open_record(&b, new[0]).await?;
    ensure!(textarea_value(&b, "persons_words").await? == WORDS);
    b.screenshot(&shots, "02-replayed-after-kill").await?;
    back_to_person(&b).await?;
    // It waits to be sent, like any note written offline.
    b.wait_text("waiting-count", "1", WAIT).await?;
    b.close().await
}

/// The ids of the records on `person`'s timeline.
async fn timeline_records(browser: &Browser, person: &str) -> Result<Vec<String>> {
    open_person(browser, person).await?;
    let mut ids = Vec::new();
    for item in browser
        .client
        .find_all(Locator::Css("[data-testid='timeline-item']"))
        .await?
    {
        ids.push(item.attr("data-record").await?.context("record id")?);
    }
    Ok(ids)
}
