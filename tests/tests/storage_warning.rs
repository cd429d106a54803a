//! The header says how much of the browser's storage quota the app uses,
//! and warns from 80 %: a tablet that fills up cannot save the next note.
//! Headless Chromium's real quota is far from full, so the warning is
//! checked with `navigator.storage.estimate()` stubbed near the quota; the
//! next save asks again and the warning appears, in both languages, and
//! passes axe-core's WCAG rules.

use anyhow::{Result, ensure};
use tsunagu_tests::a11y::violations;
use tsunagu_tests::app_page::{
    WAIT, first_person, first_sign_in, open_menu, open_person, save, set_textarea, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_the_quota_the_header_warns_after_the_next_save() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("storage");
    let tablet = Browser::start(820, 1180).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    // The figures are in the device menu.
    open_menu(&tablet).await?;
    let usage = tablet
        .wait_css("[data-testid='storage-usage']", WAIT)
        .await?;
    ensure!(usage.contains("MB"), "{usage}");
    ensure!(
        tablet
            .client
            .find(fantoccini::Locator::Css("[data-testid='storage-warning']"))
            .await
            .is_err(),
        "no warning with room to spare"
    );

    tablet
        .client
        .execute(
            "navigator.storage.estimate = () => Promise.resolve({ usage: 850000000, quota: 1000000000 });",
            vec![],
        )
        .await?;
    let person = first_person(&tablet).await?;
    open_person(&tablet, &person).await?;
    tablet.click("[data-testid='new-ward_interview']").await?;
    tablet.wait_css("[data-testid='record-form']", WAIT).await?;
    tablet.select("select[name='place']", "ward").await?;
    tablet
        .select("select[name='interview_type']", "continued")
        .await?;
    set_textarea(&tablet, "persons_words", "散歩が好き。").await?;
    save(&tablet).await?;
    let warning = tablet
        .wait_css("[data-testid='storage-warning']", WAIT)
        .await?;
    ensure!(warning.contains("85%"), "{warning}");
    open_menu(&tablet).await?;
    ensure!(
        tablet
            .text_of("storage-usage")
            .await?
            .contains("850 MB / 1000 MB"),
        "the figures are shown"
    );
    tablet.screenshot(&shots, "warning-ja-820x1180").await?;
    let found = violations(&tablet).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");
    tablet.click("[data-testid='language-switch']").await?;
    tablet.wait_text("language-switch", "日本語", WAIT).await?;
    let warning = tablet.text_of("storage-warning").await?;
    ensure!(
        warning.contains("85%") && warning.contains("storage"),
        "{warning}"
    );
    tablet.screenshot(&shots, "warning-en-820x1180").await?;
    tablet.close().await
}
