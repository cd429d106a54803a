//! The office's screens come in a wasm file of their own, split from the
//! bundle a tablet downloads first (`app/src/pages/office.rs`,
//! `tools/bindgen`), in headless Chromium against the real server: a field
//! tablet signs in, works and reloads without ever fetching that file, and
//! its offline cache does not hold it; a coordinator's tablet fetches it
//! when a screen first needs it, says so when it cannot and loads it on a
//! retry, and keeps it for later: after a reload with no server, the screen
//! draws from the offline cache. No content policy
//! violation along the way.

use anyhow::Result;
use serde_json::Value;
use tsunagu_tests::app_page::{WAIT, first_person, first_sign_in, open_person, unlock};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::csp_watch;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The office's split module, as the build names it
/// (`tsunagu.<hash>.split_office.wasm`).
const OFFICE_MODULE: &str = ".split_office.wasm";

/// Every address this page has fetched (the browser's resource timing),
/// whether the network or the service worker answered.
async fn fetched(browser: &Browser) -> Result<Vec<String>> {
    let names = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map((e) => e.name)",
            vec![],
        )
        .await?;
    Ok(strings(names))
}

/// Every address the service worker's caches hold.
async fn cached(browser: &Browser) -> Result<Vec<String>> {
    let names = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             (async () => {
               const urls = [];
               for (const key of await caches.keys()) {
                 const cache = await caches.open(key);
                 for (const request of await cache.keys()) urls.push(request.url);
               }
               return urls;
             })().then(done, (e) => done(['error: ' + e]));",
            vec![],
        )
        .await?;
    Ok(strings(names))
}

fn strings(value: Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn mentions_office(urls: &[String]) -> bool {
    urls.iter().any(|url| url.ends_with(OFFICE_MODULE))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_tablet_never_fetches_the_office_screens() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let tablet = Browser::start(768, 1024).await?;
    csp_watch::watch(&tablet).await?;

    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    let person = first_person(&tablet).await?;
    open_person(&tablet, &person).await?;
    let seen = fetched(&tablet).await?;
    assert!(
        seen.iter().any(|url| url.ends_with("_bg.wasm")),
        "the page reports what it fetched: {seen:?}"
    );
    assert!(!mentions_office(&seen), "fetched {seen:?}");

    // A reload comes from the offline cache, which holds the shell only.
    tablet.client.refresh().await?;
    unlock(&tablet, DEMO_PASSWORD).await?;
    tablet.wait_css("[data-testid='person-page']", WAIT).await?;
    let seen = fetched(&tablet).await?;
    assert!(!mentions_office(&seen), "fetched after a reload {seen:?}");
    let kept = cached(&tablet).await?;
    assert!(
        kept.iter().any(|url| url.ends_with(".split.js")),
        "the split modules' loader is part of the offline shell: {kept:?}"
    );
    assert!(!mentions_office(&kept), "the offline cache holds {kept:?}");

    let violations = csp_watch::violations(&tablet).await?;
    assert!(violations.is_empty(), "policy violations: {violations:?}");
    tablet.close().await?;
    drop(server);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_screens_load_when_opened_say_so_when_they_cannot_and_stay_for_offline() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.listen_address()?;
    let shots = screenshot_dir().join("office-split");
    let office = Browser::start(1024, 768).await?;
    csp_watch::watch(&office).await?;
    first_sign_in(&office, &server.url("/"), "demo.coordinator", DEMO_PASSWORD).await?;
    assert!(!mentions_office(&fetched(&office).await?));

    // 1. The server is gone before the screen was ever opened: the tablet
    //    cannot fetch its code, says so, and keeps working.
    server.kill_hard()?;
    office.click("[data-testid='programme-open']").await?;
    office
        .wait_css("[data-testid='office-not-loaded']", WAIT)
        .await?;
    office.screenshot(&shots, "01-not-loaded").await?;
    assert!(!mentions_office(&cached(&office).await?));

    // 2. Back online, a retry loads it.
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;
    office.click("[data-testid='office-retry']").await?;
    office
        .wait_css("[data-testid='programme-page']", WAIT)
        .await?;
    office.screenshot(&shots, "02-loaded").await?;
    assert!(mentions_office(&fetched(&office).await?));
    assert!(
        mentions_office(&cached(&office).await?),
        "kept by the service worker once fetched"
    );

    // 3. Offline again, after a reload, which reopens the screen it was
    //    on: its code comes from the cache.
    server.kill_hard()?;
    office.client.refresh().await?;
    unlock(&office, DEMO_PASSWORD).await?;
    office
        .wait_css("[data-testid='programme-page']", WAIT)
        .await?;
    office.screenshot(&shots, "03-offline-from-cache").await?;

    let violations = csp_watch::violations(&office).await?;
    assert!(violations.is_empty(), "policy violations: {violations:?}");
    office.close().await?;
    Ok(())
}
