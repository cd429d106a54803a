//! A case that ended longer ago than the retention (12 months by default)
//! leaves the tablet, in headless Chromium against the real server binary:
//! a note written offline for the person reaches the server first (a purge
//! never drops unsent changes), then the person's records leave the device
//! and stay on the server.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use tsunagu_tests::app_page::{
    WAIT, first_person, first_sign_in, open_person, save, set_input, set_textarea, unlock,
    wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The person ids on the caseload under the "everyone" filter.
async fn everyone(browser: &Browser) -> Result<Vec<String>> {
    browser
        .select("[data-testid='caseload-filter']", "all")
        .await?;
    let mut ids = Vec::new();
    for item in browser
        .client
        .find_all(Locator::Css("[data-testid='person-item']"))
        .await?
    {
        ids.push(item.attr("data-person").await?.context("person id")?);
    }
    Ok(ids)
}

/// The server's records of `person` of `kind`.
fn on_server(dir: &std::path::Path, person: &str, kind: &str) -> Result<i64> {
    tsunagu_tests::postgres::count(
        dir,
        "SELECT count(*) FROM records WHERE person_id = ?1 AND kind = ?2",
        &[person, kind],
    )
}

async fn reload_and_unlock(browser: &Browser) -> Result<()> {
    browser
        .client
        .goto(
            &browser
                .client
                .current_url()
                .await?
                .origin()
                .ascii_serialization(),
        )
        .await?;
    unlock(browser, DEMO_PASSWORD).await?;
    browser.wait_css("[data-testid='caseload']", WAIT).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_case_leaves_the_tablet_after_the_retention_but_never_its_unsent_notes()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let shots = screenshot_dir().join("ended-cases");
    let b = Browser::start(1180, 820).await?;
    first_sign_in(&b, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;
    let person = first_person(&b).await?;

    // The closure is recorded late: support ended 400 days ago.
    open_person(&b, &person).await?;
    b.click("[data-testid='new-case_closure']").await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    let ended_on = tsunagu_sync::policy::japan_date(chrono::Utc::now()) - chrono::Days::new(400);
    set_input(&b, "closed_on", &ended_on.to_string()).await?;
    b.select("select[name='reason']", "support_ended").await?;
    save(&b).await?;
    wait_in_sync(&b, WAIT).await?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;

    // Offline, one more note for the person waits on the tablet.
    server.kill_hard()?;
    b.click(".back").await?;
    b.wait_css("[data-testid='person-page']", WAIT).await?;
    b.click("[data-testid='new-home_visit']").await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    b.select("select[name='visit_kind']", "settlement").await?;
    set_textarea(&b, "mental_state", "終結後の連絡。").await?;
    save(&b).await?;
    b.wait_text("waiting-count", "1", WAIT).await?;

    // Back online: the server no longer gives the person to the tablet,
    // but the waiting note reaches it first.
    let server = ServerProcess::start_listening(dir.path(), &listen, &["--demo"])?;
    wait_in_sync(&b, WAIT).await?;
    ensure!(
        on_server(dir.path(), &person, "home_visit")? >= 1,
        "the unsent note reached the server"
    );

    // At the next connection the person leaves the tablet, and stays gone.
    reload_and_unlock(&b).await?;
    b.wait_for("the ended case to leave the tablet", WAIT, || async {
        Ok((!everyone(&b).await?.contains(&person)).then_some(()))
    })
    .await?;
    wait_in_sync(&b, WAIT).await?;
    b.select("[data-testid='caseload-filter']", "ended").await?;
    let note = b.wait_css("[data-testid='retention-note']", WAIT).await?;
    ensure!(note.contains("12か月"), "{note}");
    b.screenshot(&shots, "01-ended-filter-says-how-long")
        .await?;
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "01-ended-filter-ja-820x1180").await?;
    b.client.set_window_size(1180, 820).await?;
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "日本語", WAIT).await?;
    b.client.set_window_size(820, 1180).await?;
    let note = b.wait_css("[data-testid='retention-note']", WAIT).await?;
    ensure!(note.contains("12 months"), "{note}");
    b.screenshot(&shots, "02-ended-filter-en-820x1180").await?;
    b.client.set_window_size(1180, 820).await?;
    b.screenshot(&shots, "02-ended-filter-en-1180x820").await?;
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "English", WAIT).await?;
    reload_and_unlock(&b).await?;
    ensure!(!everyone(&b).await?.contains(&person), "still gone");
    ensure!(
        on_server(dir.path(), &person, "case_closure")? == 1
            && on_server(dir.path(), &person, "home_visit")? >= 1,
        "the server keeps the records"
    );
    drop(server);
    b.close().await
}
