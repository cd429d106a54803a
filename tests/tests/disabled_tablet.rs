//! A leaver's open tablet, in headless Chromium against the real server
//! binary: when a coordinator disables the account from the accounts tab,
//! the tablet that is open and in sync is refused at once (the server
//! closes its connection and the app says the device is revoked), and it
//! keeps what it holds.

use anyhow::Result;
use std::time::{Duration, Instant};
use tsunagu_tests::app_page::{WAIT, first_sign_in, wait_in_sync};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::device_storage::device_storage;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_user_s_open_tablet_is_refused_at_once_and_keeps_its_notes() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("accounts");
    let tablet = Browser::start(768, 1024).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.nurse", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    let held = device_storage(&tablet).await?["keys"].clone();

    let office = Browser::start(1024, 768).await?;
    first_sign_in(&office, &server.url("/"), "demo.coordinator", DEMO_PASSWORD).await?;
    office
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    office.click("[data-testid='tab-accounts']").await?;
    let account = "[data-testid='admin-account'][data-username='demo.nurse']";
    office
        .wait_css(&format!("{account} [data-testid='admin-disable']"), WAIT)
        .await?;
    office
        .click(&format!("{account} [data-testid='admin-disable']"))
        .await?;
    let warning = office
        .wait_css(&format!("{account} [data-testid='admin-confirm']"), WAIT)
        .await?;
    anyhow::ensure!(warning.contains("記録と履歴は残ります"), "{warning}");
    office
        .click(&format!("{account} [data-testid='admin-confirm-yes']"))
        .await?;
    let disabled_at = Instant::now();
    office
        .wait_css(&format!("{account}[data-enabled='false']"), WAIT)
        .await?;

    let refused = tablet
        .wait_css("[data-testid='device-refused']", Duration::from_secs(15))
        .await?;
    let took = disabled_at.elapsed();
    println!("disabled → tablet refused: {} ms", took.as_millis());
    anyhow::ensure!(refused.contains("利用停止"), "{refused}");
    anyhow::ensure!(
        took < Duration::from_secs(3),
        "refused within seconds, not at the next reconnect: {took:?}"
    );
    tablet.screenshot(&shots, "01-disabled-user-tablet").await?;
    anyhow::ensure!(
        device_storage(&tablet).await?["keys"] == held,
        "a refused tablet keeps what it holds"
    );
    tablet.close().await?;
    office.close().await?;
    drop(server);
    Ok(())
}
