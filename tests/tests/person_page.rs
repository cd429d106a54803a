//! The person page at a glance, in headless Chromium against the real
//! server binary: the profile (kana, age, hospital and ward, days in
//! hospital), the listing year and the other workers (from the server's
//! listings and assignments, kept on the tablet for offline use), the
//! stage, the next planned contact, and the specialist's usual record
//! kinds first. Screenshots in both languages at both tablet orientations,
//! and axe-core's WCAG 2.1 AA check.

use anyhow::{Result, ensure};
use fantoccini::Locator;
use tsunagu_tests::a11y::violations;
use tsunagu_tests::app_page::{
    WAIT, first_person, first_sign_in, open_person, save, set_input, unlock, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The texts of every element matching `css`.
async fn texts(browser: &Browser, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for element in browser.client.find_all(Locator::Css(css)).await? {
        out.push(element.text().await?);
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_person_page_says_who_they_are_and_offers_the_usual_notes_first() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("person");
    let b = Browser::start(1180, 820).await?;
    first_sign_in(&b, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;
    let person = first_person(&b).await?;
    open_person(&b, &person).await?;

    b.wait_css("[data-testid='person-kana']", WAIT).await?;
    let facts = texts(&b, "[data-testid='person-fact']").await?;
    ensure!(facts.iter().any(|f| f.ends_with('歳')), "an age: {facts:?}");
    ensure!(
        facts.iter().any(|f| f.starts_with("入院")),
        "the admission: {facts:?}"
    );
    let stage = b.text_of("person-stage").await?;
    ensure!(!stage.is_empty());

    // The demo lists its current persons this fiscal year, and gives each
    // of demo.specialist's a caseworker, a peer supporter and a nurse.
    let today = tsunagu_sync::policy::japan_date(chrono::Utc::now());
    let year = tsunagu_sync::outcome::fiscal::fiscal_year(today);
    let listed = b.wait_css("[data-testid='person-listed']", WAIT).await?;
    ensure!(listed == format!("名簿登載 {year}年度"), "{listed}");
    let team = vec![
        "生活保護担当者 福祉 健太".to_owned(),
        "ピアサポーター 仲間 さくら".to_owned(),
        "訪問看護師 看護 みどり".to_owned(),
    ];
    let members = texts(&b, "[data-testid='team-member']").await?;
    ensure!(members == team, "the others working with them: {members:?}");

    // A specialist's usual kinds come first, as primary buttons.
    let buttons = b
        .client
        .find_all(Locator::Css(".new-record-buttons button"))
        .await?;
    let mut order = Vec::new();
    for button in &buttons {
        let id = button.attr("data-testid").await?.unwrap_or_default();
        let class = button.attr("class").await?.unwrap_or_default();
        order.push((id, class.contains("primary")));
    }
    ensure!(
        order.first().map(|(id, primary)| (id.as_str(), *primary))
            == Some(("new-ward_interview", true)),
        "{order:?}"
    );
    ensure!(
        order.iter().any(|(_, primary)| !primary),
        "the other kinds are there too, quieter: {order:?}"
    );

    // A visit that plans the next one in ten days: the header says when.
    b.click("[data-testid='new-home_visit']").await?;
    b.wait_css("[data-testid='record-form']", WAIT).await?;
    b.select("select[name='visit_kind']", "settlement").await?;
    let next = tsunagu_sync::policy::japan_date(chrono::Utc::now()) + chrono::Days::new(10);
    set_input(&b, "next_visit_on", &next.to_string()).await?;
    save(&b).await?;
    b.client.back().await?;
    let plan = b.wait_css("[data-testid='plan']", WAIT).await?;
    ensure!(plan == format!("次回連絡予定 {next}"), "{plan}");

    b.screenshot(&shots, "01-person-ja-1180x820").await?;
    // The header leaves the page most of the screen.
    let header = b
        .client
        .execute(
            "return document.querySelector('.app-header').offsetHeight",
            vec![],
        )
        .await?
        .as_f64()
        .unwrap_or(f64::MAX);
    ensure!(header <= 140.0, "the header is {header} px of 820");
    b.client.set_window_size(820, 1180).await?;
    b.screenshot(&shots, "02-person-ja-820x1180").await?;
    let found = violations(&b).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "日本語", WAIT).await?;
    b.wait_for("the English facts", WAIT, || async {
        let facts = texts(&b, "[data-testid='person-fact']").await?;
        Ok(facts.iter().any(|f| f.ends_with("years old")).then_some(()))
    })
    .await?;
    b.screenshot(&shots, "03-person-en-820x1180").await?;
    b.client.set_window_size(1180, 820).await?;
    b.screenshot(&shots, "04-person-en-1180x820").await?;
    tsunagu_tests::app_page::open_menu(&b).await?;
    b.wait_css("[data-testid='lock']", WAIT).await?;
    b.screenshot(&shots, "05-menu-en-1180x820").await?;
    let found = violations(&b).await?;
    ensure!(
        found.is_empty(),
        "WCAG violations with the menu open: {found:?}"
    );
    let found = violations(&b).await?;
    ensure!(found.is_empty(), "WCAG violations: {found:?}");

    // The team is kept on the tablet: with the server gone, a reload
    // still shows it.
    b.click("[data-testid='language-switch']").await?;
    b.wait_text("language-switch", "English", WAIT).await?;
    server.kill_hard()?;
    b.client.refresh().await?;
    unlock(&b, DEMO_PASSWORD).await?;
    b.wait_css("[data-testid='person-listed']", WAIT).await?;
    let members = texts(&b, "[data-testid='team-member']").await?;
    ensure!(members == team, "offline after a reload: {members:?}");
    b.close().await
}
