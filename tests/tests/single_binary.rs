//! The server binary carries the browser bundle: copied alone into an
//! empty directory and started there with a fresh data directory, it
//! writes its bundle out under the data directory and serves the app, which
//! hydrates in headless Chromium, installs its service worker and signs in.

use anyhow::{Context, Result};
use serde_json::Value;
use std::time::Duration;
use tsunagu_tests::app_page::first_sign_in;
use tsunagu_tests::browser::Browser;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess, server_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_alone_in_an_empty_directory_serves_the_whole_app() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let alone = tmp.path().join("opt");
    std::fs::create_dir(&alone)?;
    let binary = alone.join("tsunagu");
    std::fs::copy(server_binary()?, &binary)?;
    let data = tmp.path().join("data");
    let server = ServerProcess::start_binary(&binary, &data, &["--demo"])?;

    // The bundle it carries, written out once under the data directory.
    let sites: Vec<_> = std::fs::read_dir(data.join("site"))?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    assert_eq!(sites.len(), 1, "{sites:?}");
    let name = &sites[0];
    assert!(name.starts_with("tsunagu."), "{name}");
    let wasm = data
        .join("site")
        .join(name)
        .join("pkg")
        .join(format!("{name}_bg.wasm"));
    assert!(wasm.is_file(), "{}", wasm.display());

    let browser = Browser::start(1024, 768).await?;
    first_sign_in(&browser, &server.base_url, "demo.specialist", DEMO_PASSWORD).await?;
    let worker: Value = browser
        .wait_for(
            "the service worker to be active",
            Duration::from_secs(30),
            || async {
                let state = browser
                    .client
                    .execute_async(
                        "const done = arguments[arguments.length - 1];
                     navigator.serviceWorker.getRegistration().then(async (r) => done({
                       state: r && r.active ? r.active.state : null,
                       caches: await caches.keys(),
                     }), (e) => done({ error: String(e) }));",
                        vec![],
                    )
                    .await?;
                Ok((state["state"] == "activated").then_some(state))
            },
        )
        .await?;
    let caches = worker["caches"].as_array().context("cache names")?;
    assert!(
        caches
            .iter()
            .any(|c| c.as_str().is_some_and(|c| c.starts_with("tsunagu-shell-"))),
        "the shell is cached: {worker}"
    );
    browser.close().await?;

    // A second start finds the bundle already written and serves it again.
    drop(server);
    let again = ServerProcess::start_binary(&binary, &data, &["--second-factor", "optional"])?;
    let page = tsunagu_tests::http::get(&again.base_url, None)?;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(name.as_str()),
        "the page links the bundle"
    );
    Ok(())
}
