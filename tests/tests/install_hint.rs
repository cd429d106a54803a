//! On an iPad's Safari tab (`navigator.standalone === false`, stubbed in
//! headless Chromium, which has no such property), the open device says how
//! to add the app to the home screen, until the user has read it; a browser
//! that is not Safari on iOS never sees it.

use anyhow::{Result, ensure};
use fantoccini::Locator;
use tsunagu_tests::a11y::violations;
use tsunagu_tests::app_page::{WAIT, first_sign_in, open_menu, unlock};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

async fn hint_shown(browser: &Browser) -> Result<bool> {
    Ok(browser
        .client
        .find(Locator::Css("[data-testid='install-hint']"))
        .await
        .is_ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ipad_in_a_safari_tab_is_told_to_add_the_app_to_the_home_screen() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("install-hint");

    // Chromium is not Safari on iOS: no hint.
    let desktop = Browser::start(1180, 820).await?;
    first_sign_in(&desktop, &server.url("/"), "demo.nurse", DEMO_PASSWORD).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    ensure!(!hint_shown(&desktop).await?, "no hint outside iOS Safari");
    desktop.close().await?;

    let ipad = Browser::start(820, 1180).await?;
    ipad.client.goto(&server.url("/")).await?;
    ipad.wait_css("[data-testid='first-sign-in']", WAIT).await?;
    ipad.client
        .execute(
            "Object.defineProperty(Navigator.prototype, 'standalone', { get: () => false, configurable: true });",
            vec![],
        )
        .await?;
    ipad.type_into("input[name='username']", "demo.specialist")
        .await?;
    ipad.type_into("input[name='password']", DEMO_PASSWORD)
        .await?;
    ipad.click("button[type='submit']").await?;
    let text = ipad.wait_css("[data-testid='install-hint']", WAIT).await?;
    ensure!(text.contains("ホーム画面に追加"), "{text}");
    ipad.screenshot(&shots, "01-hint-ja-820x1180").await?;
    ipad.client.set_window_size(1180, 820).await?;
    ipad.screenshot(&shots, "01-hint-ja-1180x820").await?;
    ipad.client.set_window_size(820, 1180).await?;
    let found = violations(&ipad).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");
    ipad.click("[data-testid='language-switch']").await?;
    ipad.wait_text("language-switch", "日本語", WAIT).await?;
    ipad.screenshot(&shots, "02-hint-en-820x1180").await?;
    ipad.client.set_window_size(1180, 820).await?;
    ipad.screenshot(&shots, "03-hint-en-1180x820").await?;

    // Read: gone, and not shown again at the next unlock.
    ipad.click("[data-testid='install-hint-read']").await?;
    ensure!(!hint_shown(&ipad).await?, "dismissed");
    open_menu(&ipad).await?;
    ipad.click("[data-testid='lock']").await?;
    unlock(&ipad, DEMO_PASSWORD).await?;
    ipad.wait_css("[data-testid='caseload']", WAIT).await?;
    ensure!(!hint_shown(&ipad).await?, "read once is enough");
    ipad.close().await
}
