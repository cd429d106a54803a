//! Driving Tsunagu's own screens in Chromium: sign in, wait for sync,
//! open persons and records, edit narratives, save. Shared by the
//! end-to-end tests and `browser-bench`.

use crate::browser::Browser;
use anyhow::Result;
use fantoccini::Locator;
use std::time::Duration;

/// How long a screen may take to appear.
pub const WAIT: Duration = Duration::from_secs(30);

/// Opens the app at `url` in a fresh profile and signs in for the first
/// time; returns once the caseload screen shows, or fails with the app's
/// error text or console errors.
pub async fn first_sign_in(
    browser: &Browser,
    url: &str,
    username: &str,
    password: &str,
) -> Result<()> {
    browser.client.goto(url).await?;
    browser
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    // Keep the page's console errors, to explain a failure below.
    browser
        .client
        .execute(
            "window.__errors = []; const original = console.error;
             console.error = (...args) => { window.__errors.push(args.join(' ')); original(...args); };
             window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
             window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));",
            vec![],
        )
        .await?;
    browser
        .type_into("input[name='username']", username)
        .await?;
    browser
        .type_into("input[name='password']", password)
        .await?;
    browser.click("button[type='submit']").await?;
    let outcome = browser
        .wait_for("the caseload or an error", WAIT, || async {
            let errors = browser
                .client
                .execute("return window.__errors", vec![])
                .await?;
            if errors.as_array().is_some_and(|e| !e.is_empty()) {
                return Ok(Some(Err(format!("console: {errors}"))));
            }
            if browser
                .client
                .find(Locator::Css("[data-testid='caseload']"))
                .await
                .is_ok()
            {
                return Ok(Some(Ok(())));
            }
            Ok(browser.text_of("sign-in-error").await.ok().map(Err))
        })
        .await?;
    outcome.map_err(|error| anyhow::anyhow!("first sign-in failed: {error}"))
}

/// The id of the first person on the caseload screen.
pub async fn first_person(browser: &Browser) -> Result<String> {
    browser
        .client
        .find(Locator::Css("[data-testid='person-item']"))
        .await?
        .attr("data-person")
        .await?
        .ok_or_else(|| anyhow::anyhow!("a person item without its id"))
}

/// Waits until the app is connected, caught up and has nothing waiting.
pub async fn wait_in_sync(browser: &Browser, timeout: Duration) -> Result<()> {
    browser
        .wait_for("waiting 0 and in sync", timeout, || async {
            let status = browser
                .client
                .find(Locator::Css("[data-testid='sync-status']"))
                .await?;
            let connection = status.attr("data-connection").await?;
            let waiting = browser.text_of("waiting-count").await?;
            Ok((connection.as_deref() == Some("in-sync") && waiting == "0").then_some(()))
        })
        .await
}

/// Opens a person from the caseload.
pub async fn open_person(browser: &Browser, person: &str) -> Result<()> {
    let css = format!("[data-testid='person-item'][data-person='{person}']");
    browser.wait_css(&css, WAIT).await?;
    browser.click(&css).await?;
    browser
        .wait_css("[data-testid='person-page']", WAIT)
        .await?;
    Ok(())
}

/// The id of the first record of `kind` on the open person's timeline.
pub async fn record_of_kind(browser: &Browser, kind: &str) -> Result<String> {
    browser
        .client
        .find(Locator::Css(&format!(
            "[data-testid='timeline-item'][data-kind='{kind}']"
        )))
        .await?
        .attr("data-record")
        .await?
        .ok_or_else(|| anyhow::anyhow!("a {kind} on the timeline without its id"))
}

/// Opens a record from the person's timeline.
pub async fn open_record(browser: &Browser, record: &str) -> Result<()> {
    let css = format!("[data-testid='timeline-item'][data-record='{record}']");
    browser.wait_css(&css, WAIT).await?;
    browser.click(&css).await?;
    browser
        .wait_css("[data-testid='record-form']", WAIT)
        .await?;
    Ok(())
}

/// Goes back from a record to its person.
pub async fn back_to_person(browser: &Browser) -> Result<()> {
    browser.click(".back").await?;
    browser
        .wait_css("[data-testid='person-page']", WAIT)
        .await?;
    Ok(())
}

/// The current text of a narrative field.
pub async fn textarea_value(browser: &Browser, name: &str) -> Result<String> {
    let value = browser
        .client
        .find(Locator::Css(&format!("textarea[name='{name}']")))
        .await?
        .prop("value")
        .await?;
    Ok(value.unwrap_or_default())
}

/// Replaces a textarea's text the way typing does (the app sees `input`).
pub async fn set_textarea(browser: &Browser, name: &str, text: &str) -> Result<()> {
    let area = browser
        .client
        .find(Locator::Css(&format!("textarea[name='{name}']")))
        .await?;
    area.clear().await?;
    area.send_keys(text).await?;
    Ok(())
}

/// Taps save and waits for "saved".
pub async fn save(browser: &Browser) -> Result<()> {
    browser.click("[data-testid='save']").await?;
    browser.wait_css("[data-testid='saved']", WAIT).await?;
    Ok(())
}

/// Opens the header's device menu (auto-lock, lock, sign-out, storage), if
/// it is not open already.
pub async fn open_menu(browser: &Browser) -> Result<()> {
    let menu = browser
        .client
        .find(Locator::Css("[data-testid='device-menu']"))
        .await?;
    if menu.attr("open").await?.is_none() {
        browser.click("[data-testid='menu-open']").await?;
    }
    Ok(())
}

/// Sets the input named `name` the way typing or picking does (the app
/// sees `input`): for date pickers, whose typing depends on the locale.
pub async fn set_input(browser: &Browser, name: &str, value: &str) -> Result<()> {
    browser
        .client
        .execute(
            "const e = document.querySelector(`input[name='${arguments[0]}']`);
             e.value = arguments[1];
             e.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![name.into(), value.into()],
        )
        .await?;
    Ok(())
}

/// Unlocks the device from its unlock form with `password` (after a
/// reload, a lock or an idle lock).
pub async fn unlock(browser: &Browser, password: &str) -> Result<()> {
    browser.wait_css("[data-testid='unlock']", WAIT).await?;
    browser
        .type_into("input[name='password']", password)
        .await?;
    browser
        .click("[data-testid='unlock'] button[type='submit']")
        .await
}
