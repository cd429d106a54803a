//! The screens checked with axe-core's WCAG 2.1 A/AA rules in headless
//! Chromium at tablet size: every screen a field worker passes on the way
//! to a note (sign-in, caseload, person, record form) in both languages,
//! a coordinator's (unlock, every programme tab, the outcome report), and
//! an auditor's (the audit trail, both languages).
//! A violation fails the test with the rule and the elements.

use anyhow::{Result, ensure};
use tsunagu_tests::a11y::violations;
use tsunagu_tests::admin::{TEST_PASSWORD, add_user};
use tsunagu_tests::app_page::{
    WAIT, back_to_person, first_person, first_sign_in, open_person, open_record, record_of_kind,
    save, wait_in_sync,
};
use tsunagu_tests::browser::Browser;
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

async fn check(browser: &Browser, screen: &str, found: &mut Vec<String>) -> Result<()> {
    for violation in violations(browser).await? {
        found.push(format!("{screen}: {violation}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screens_to_a_note_meet_wcag_2_1_aa_in_both_languages() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let tablet = Browser::start(820, 1180).await?;
    let mut found = Vec::new();
    tablet.client.goto(&server.url("/")).await?;
    tablet
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    check(&tablet, "sign-in (ja)", &mut found).await?;
    first_sign_in(&tablet, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&tablet, WAIT).await?;
    check(&tablet, "caseload (ja)", &mut found).await?;
    let person = first_person(&tablet).await?;
    open_person(&tablet, &person).await?;
    check(&tablet, "person (ja)", &mut found).await?;
    tablet.click("[data-testid='new-ward_interview']").await?;
    tablet.wait_css("[data-testid='record-form']", WAIT).await?;
    check(&tablet, "record form (ja)", &mut found).await?;
    // Saved and opened again, the form shows its receipt and versions.
    tablet.select("select[name='place']", "ward").await?;
    tablet
        .select("select[name='interview_type']", "continued")
        .await?;
    save(&tablet).await?;
    back_to_person(&tablet).await?;
    let interview = record_of_kind(&tablet, "ward_interview").await?;
    open_record(&tablet, &interview).await?;
    tablet.click("[data-testid='versions'] summary").await?;
    tablet.wait_css("[data-testid='version']", WAIT).await?;
    check(&tablet, "record form with its versions (ja)", &mut found).await?;
    tablet.click("[data-testid='language-switch']").await?;
    tablet.wait_text("language-switch", "日本語", WAIT).await?;
    check(&tablet, "record form (en)", &mut found).await?;
    back_to_person(&tablet).await?;
    check(&tablet, "person (en)", &mut found).await?;
    let other = Browser::start(1180, 820).await?;
    other.client.goto(&server.url("/")).await?;
    other
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    other.click("[data-testid='language-switch']").await?;
    other.wait_text("language-switch", "日本語", WAIT).await?;
    check(&other, "sign-in (en, landscape)", &mut found).await?;
    other.close().await?;
    ensure!(found.is_empty(), "WCAG violations:\n{}", found.join("\n"));
    tablet.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coordinator_s_screens_meet_wcag_2_1_aa() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let office = Browser::start(1180, 820).await?;
    let mut found = Vec::new();
    first_sign_in(&office, &server.url("/"), "demo.coordinator", DEMO_PASSWORD).await?;
    wait_in_sync(&office, WAIT).await?;
    office
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    for tab in [
        "listing",
        "events",
        "assignments",
        "handover",
        "conferences",
        "accounts",
    ] {
        office.click(&format!("[data-testid='tab-{tab}']")).await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        check(&office, &format!("programme: {tab}"), &mut found).await?;
    }
    // Reloaded at the caseload's address (a reload here would reopen
    // the programme tab, which has no way to the report).
    office.client.goto(&server.url("/")).await?;
    office.wait_css("[data-testid='unlock']", WAIT).await?;
    check(&office, "unlock", &mut found).await?;
    office
        .type_into("input[name='password']", DEMO_PASSWORD)
        .await?;
    office.click("button[type='submit']").await?;
    office
        .wait_css("[data-testid='outcome-open']", WAIT)
        .await?;
    office
        .open_office_screen(
            "[data-testid='outcome-open']",
            "[data-testid='outcome-page']",
        )
        .await?;
    office.click("[data-testid='outcome-show']").await?;
    office
        .wait_css("[data-testid='outcome-counted-to']", WAIT)
        .await?;
    check(&office, "outcome report", &mut found).await?;
    ensure!(found.is_empty(), "WCAG violations:\n{}", found.join("\n"));
    office.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auditor_s_trail_meets_wcag_2_1_aa_in_both_languages() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    // After the demo seed, which runs only on a database without users.
    add_user(dir.path(), "audit.one", "auditor")?;
    let desk = Browser::start(1180, 820).await?;
    let mut found = Vec::new();
    first_sign_in(&desk, &server.url("/"), "audit.one", TEST_PASSWORD).await?;
    check(&desk, "auditor's caseload (ja)", &mut found).await?;
    desk.open_office_screen("[data-testid='audit-open']", "[data-testid='audit-trail']")
        .await?;
    desk.wait_css("[data-testid='audit-entry']", WAIT).await?;
    check(&desk, "audit trail (ja)", &mut found).await?;
    desk.click("[data-testid='language-switch']").await?;
    desk.wait_text("language-switch", "日本語", WAIT).await?;
    check(&desk, "audit trail (en)", &mut found).await?;
    ensure!(found.is_empty(), "WCAG violations:\n{}", found.join("\n"));
    desk.close().await
}
