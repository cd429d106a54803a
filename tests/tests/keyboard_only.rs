//! A note taken with the keyboard alone, in headless Chromium against the
//! real server binary (WCAG 2.1.1 and 2.4.7): Enter opens a person and a
//! new note, Tab walks the form's fields in their visual order, the focused
//! control shows a visible outline, and Enter on "save" saves.

use anyhow::{Result, bail, ensure};
use fantoccini::key::Key;
use tsunagu_tests::app_page::{WAIT, first_sign_in, textarea_value, wait_in_sync};
use tsunagu_tests::browser::Browser;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// Presses `key` on whatever has the focus.
async fn press(browser: &Browser, key: &str) -> Result<()> {
    browser
        .client
        .active_element()
        .await?
        .send_keys(key)
        .await?;
    Ok(())
}

/// What has the focus: its `name`, else its `data-testid`.
async fn focused(browser: &Browser) -> Result<String> {
    let value = browser
        .client
        .execute(
            "const e = document.activeElement;
             return e.getAttribute('name') || e.getAttribute('data-testid') || e.tagName;",
            vec![],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

/// Tabs forward until `wanted` has the focus (at most `limit` presses);
/// returns the controls passed on the way, each once (a date or time
/// input takes a Tab per part).
async fn tab_to(browser: &Browser, wanted: &str, limit: usize) -> Result<Vec<String>> {
    let mut passed = Vec::new();
    for _ in 0..limit {
        press(browser, &Key::Tab.to_string()).await?;
        let now = focused(browser).await?;
        if now == wanted {
            return Ok(passed);
        }
        if passed.last() != Some(&now) {
            passed.push(now);
        }
    }
    bail!("{wanted} not reached by Tab; passed {passed:?}")
}

/// Whether the focused element draws an outline (a visible focus).
async fn focus_visible(browser: &Browser) -> Result<bool> {
    let style = browser
        .client
        .execute(
            "const s = getComputedStyle(document.activeElement);
             return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;",
            vec![],
        )
        .await?;
    Ok(style.as_bool() == Some(true))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_can_be_taken_with_the_keyboard_alone() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let b = Browser::start(1180, 820).await?;
    first_sign_in(&b, &server.url("/"), "demo.nurse", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;

    // From the search field, Tab reaches the first person; Enter opens them.
    b.click("[data-testid='caseload-search']").await?;
    tab_to(&b, "person-item", 10).await?;
    ensure!(focus_visible(&b).await?, "the focused person is outlined");
    press(&b, &Key::Enter.to_string()).await?;
    b.wait_css("[data-testid='person-page']", WAIT).await?;

    // A nurse's usual note comes first: Tab to it, Enter.
    tab_to(&b, "new-home_visit", 15).await?;
    press(&b, &Key::Enter.to_string()).await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;

    // The fields come in the form's order; choose with the arrow keys,
    // type, and save with Enter.
    tab_to(&b, "visit_kind", 15).await?;
    press(&b, &Key::Down.to_string()).await?;
    let passed = tab_to(&b, "mental_state", 30).await?;
    ensure!(
        passed.first().map(String::as_str) == Some("occurred_on"),
        "after the visit kind, its date: {passed:?}"
    );
    press(&b, "キーボードだけで書いた。").await?;
    tab_to(&b, "save", 40).await?;
    ensure!(
        focus_visible(&b).await?,
        "the focused save button is outlined"
    );
    press(&b, &Key::Enter.to_string()).await?;
    b.wait_css("[data-testid='saved']", WAIT).await?;
    ensure!(textarea_value(&b, "mental_state").await? == "キーボードだけで書いた。");
    b.close().await
}
