//! What needs doing, in headless Chromium against the real server binary:
//! a case closed on the tablet leaves the open cases for the ended filter,
//! the caseload searches by name, and a
//! note that plans the next visit raises a hint that puts the person first
//! under "needs attention". Screenshots in both languages at both tablet
//! orientations.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use tsunagu_tests::app_page::{
    WAIT, first_person, first_sign_in, open_person, save, set_input, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The stage badges and person ids of the rows shown.
async fn rows(browser: &Browser) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for item in browser
        .client
        .find_all(Locator::Css("[data-testid='person-item']"))
        .await?
    {
        let id = item.attr("data-person").await?.context("person id")?;
        let stage = item
            .find(Locator::Css("[data-testid='stage']"))
            .await?
            .text()
            .await?;
        out.push((id, stage));
    }
    Ok(out)
}

/// Waits until `person`'s row shows the hint `expected`.
async fn wait_hint(browser: &Browser, person: &str, expected: &str) -> Result<()> {
    let css = format!("[data-person='{person}'] [data-testid='hint']");
    browser
        .wait_for(&format!("the hint {expected:?}"), WAIT, || async {
            let mut shown = Vec::new();
            for hint in browser.client.find_all(Locator::Css(&css)).await? {
                shown.push(hint.text().await?);
            }
            Ok(shown.iter().any(|h| h == expected).then_some(()))
        })
        .await
}

/// Chooses a filter and waits for the count to follow.
async fn show(browser: &Browser, filter: &str) -> Result<Vec<(String, String)>> {
    browser
        .select("[data-testid='caseload-filter']", filter)
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    rows(browser).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_caseload_filters_searches_and_puts_what_is_due_first() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("caseload");
    let b = Browser::start(1180, 820).await?;
    first_sign_in(&b, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;

    // Open cases by default; a case closed here leaves them for the
    // ended filter.
    let before = rows(&b).await?;
    ensure!(before.len() >= 2, "the specialist has open cases");
    ensure!(
        before.iter().all(|(_, stage)| !stage.starts_with("終結")),
        "no ended case among the open ones: {before:?}"
    );
    let (closed, _) = before.first().cloned().context("a person")?;
    open_person(&b, &closed).await?;
    b.click("[data-testid='new-case_closure']").await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    b.select("select[name='reason']", "support_ended").await?;
    save(&b).await?;
    b.client.back().await?;
    b.client.back().await?;
    b.wait_css("[data-testid='caseload']", WAIT).await?;
    let open = b
        .wait_for("the closed case to leave the open ones", WAIT, || async {
            let open = rows(&b).await?;
            Ok((open.len() + 1 == before.len()).then_some(open))
        })
        .await?;
    ensure!(open.iter().all(|(id, _)| *id != closed), "{open:?}");
    let ended = show(&b, "ended").await?;
    ensure!(
        ended.iter().any(|(id, _)| *id == closed)
            && ended.iter().all(|(_, stage)| stage.starts_with("終結")),
        "the ended filter shows the ended cases only: {ended:?}"
    );
    let all = show(&b, "all").await?;
    ensure!(all.len() == open.len() + ended.len(), "{all:?}");
    show(&b, "open").await?;

    // Search by (part of) a name.
    let (person, _) = open.last().cloned().context("a person")?;
    let name = b
        .wait_css(&format!("[data-person='{person}'] .person-name"), WAIT)
        .await?;
    let family = name.split_whitespace().next().unwrap_or(&name).to_owned();
    b.type_into("[data-testid='caseload-search']", &family)
        .await?;
    b.wait_for("the search to narrow the list", WAIT, || async {
        let found = rows(&b).await?;
        Ok((found.len() < open.len() && found.iter().any(|(id, _)| *id == person)).then_some(()))
    })
    .await?;
    set_input(&b, "caseload-search", "").await?;
    b.wait_for("the whole list again", WAIT, || async {
        Ok((rows(&b).await?.len() == open.len()).then_some(()))
    })
    .await?;

    // A home visit that plans the next one for tomorrow: the person
    // needs attention, and comes first under that filter.
    let person = first_person(&b).await?;
    open_person(&b, &person).await?;
    b.click("[data-testid='new-home_visit']").await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    b.select("select[name='visit_kind']", "settlement").await?;
    let tomorrow = tsunagu_sync::policy::japan_date(chrono::Utc::now()) + chrono::Days::new(1);
    set_input(&b, "next_visit_on", &tomorrow.to_string()).await?;
    save(&b).await?;
    b.client.back().await?;
    b.client.back().await?;
    b.wait_css("[data-testid='caseload']", WAIT).await?;
    wait_hint(&b, &person, &format!("次回連絡 {tomorrow}")).await?;
    let attention = show(&b, "attention").await?;
    ensure!(
        attention.iter().any(|(id, _)| *id == person),
        "{person} needs attention: {attention:?}"
    );
    ensure!(attention.len() <= open.len());

    // Looked at in both languages, landscape and portrait.
    show(&b, "open").await?;
    b.screenshot(&shots, "01-open-ja-1180x820").await?;
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "02-open-ja-820x1180").await?;
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "日本語", WAIT).await?;
    show(&b, "attention").await?;
    b.screenshot(&shots, "03-attention-en-820x1180").await?;
    let found = tsunagu_tests::a11y::violations(&b).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");
    b.client.set_window_size(1180, 820).await?;
    b.screenshot(&shots, "04-attention-en-1180x820").await?;
    wait_hint(&b, &person, &format!("Next contact {tomorrow}")).await?;
    b.close().await
}
