//! The coordinator's screens in headless Chromium against the real server:
//! a listing with a refused row is shown and writes nothing; a Shift_JIS
//! listing is previewed and imported; a new person is assigned to a
//! specialist, whose open tablet receives them; a handover moves them on
//! and the tablet purges them; with the server gone the screen says the
//! work needs it, while case conferences are still listed and written on
//! the device. All names are invented.

use anyhow::{Context, Result};
use fantoccini::Locator;
use rusqlite::Connection;
use std::path::Path;
use tsunagu_tests::admin::{TEST_PASSWORD, add_user, cli};
use tsunagu_tests::app_page::{WAIT, first_sign_in, save};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

const NEW_PERSON: &str = "霧島 かなで";

const LISTING: &str = "\
受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー
Z-9001,霧島 かなで,キリシマ カナデ,昭和45年1月2日,女,架空岬病院,北病棟,平成31年4月10日,demo.caseworker
Z-9002,浜風 とおる,ハマカゼ トオル,1966/8/20,男,架空岬病院,南病棟,2026/1/5,demo.caseworker
";

const BROKEN: &str = "\
受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー
Z-9101,岬 あおい,ミサキ アオイ,1971-02-03,女,架空岬病院,北病棟,2018-06-01,demo.caseworker
Z-9102,岬 ひろし,ミサキ ヒロシ,1968-09-09,男,架空岬病院,北病棟,2017-03-01,no.such.worker
";

fn count(dir: &Path, sql: &str) -> Result<i64> {
    let conn = Connection::open(dir.join("tsunagu.sqlite3"))?;
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Chooses `file` in the listing form's file input.
async fn choose_file(browser: &Browser, file: &Path) -> Result<()> {
    let input = browser
        .client
        .find(Locator::Css("[data-testid='listing-file']"))
        .await?;
    input.send_keys(&file.to_string_lossy()).await?;
    Ok(())
}

/// Replaces the text of the input matching `css`.
async fn replace_text(browser: &Browser, css: &str, text: &str) -> Result<()> {
    let input = browser.client.find(Locator::Css(css)).await?;
    input.clear().await?;
    input.send_keys(text).await?;
    Ok(())
}

/// The value of the option labelled `label` in the select matching `css`.
async fn option_value(browser: &Browser, css: &str, label: &str) -> Result<String> {
    for option in browser
        .client
        .find_all(Locator::Css(&format!("{css} option")))
        .await?
    {
        if option.text().await?.trim() == label {
            return option.attr("value").await?.context("option value");
        }
    }
    anyhow::bail!("no option {label:?} in {css}")
}

/// The names on the caseload screen.
async fn caseload_names(browser: &Browser) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for item in browser
        .client
        .find_all(Locator::Css("[data-testid='person-item'] .person-name"))
        .await?
    {
        names.push(item.text().await?);
    }
    Ok(names)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_imports_a_listing_assigns_and_hands_over_in_the_app() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("programme");
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, BROKEN)?;
    let good = dir.path().join("listing-sjis.csv");
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(LISTING);
    assert!(!unmappable);
    std::fs::write(&good, &sjis)?;
    let persons_before = count(dir.path(), "SELECT count(*) FROM persons")?;

    let coordinator = Browser::start(1280, 800).await?;
    first_sign_in(
        &coordinator,
        &server.url("/"),
        "demo.coordinator",
        DEMO_PASSWORD,
    )
    .await?;
    coordinator
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    coordinator
        .wait_css("[data-testid='programme-page']", WAIT)
        .await?;

    // 1. A refused row is named; the import cannot go ahead; cancelling
    //    leaves the database as it was.
    replace_text(&coordinator, "[data-testid='listing-year']", "2026").await?;
    choose_file(&coordinator, &broken).await?;
    coordinator.click("[data-testid='listing-preview']").await?;
    let refused = coordinator
        .wait_css("[data-testid='refused-row']", WAIT)
        .await?;
    assert!(refused.contains("no.such.worker"), "{refused}");
    assert!(
        refused.contains("有効なケースワーカーではありません"),
        "the Japanese screen says why in Japanese: {refused}"
    );
    let import = coordinator
        .client
        .find(Locator::Css("[data-testid='listing-import']"))
        .await?;
    assert!(!import.is_enabled().await?, "refused rows block the import");
    coordinator.screenshot(&shots, "01-refused-row").await?;
    coordinator.click("[data-testid='listing-cancel']").await?;
    coordinator
        .wait_css("[data-testid='listing-cancelled']", WAIT)
        .await?;
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM persons")?,
        persons_before
    );

    // A file without a needed column is refused whole, in Japanese.
    let headless = dir.path().join("no-admission-column.csv");
    std::fs::write(&headless, "受給者番号,氏名\nZ-9,東雲 ひかり\n")?;
    choose_file(&coordinator, &headless).await?;
    coordinator.click("[data-testid='listing-preview']").await?;
    let problem = coordinator
        .wait_css("[data-testid='programme-problem']", WAIT)
        .await?;
    assert!(
        problem.contains("見出し行に「氏名カナ」の列がありません"),
        "a file-level refusal in Japanese: {problem}"
    );

    // 2. The Shift_JIS listing: previewed, the short stay flagged, imported.
    choose_file(&coordinator, &good).await?;
    coordinator.click("[data-testid='listing-preview']").await?;
    coordinator
        .wait_css("[data-testid='listing-preview-result']", WAIT)
        .await?;
    let rows = coordinator
        .client
        .find_all(Locator::Css("[data-testid='preview-row']"))
        .await?;
    assert_eq!(rows.len(), 2);
    assert!(rows[0].text().await?.contains(NEW_PERSON), "decoded names");
    assert_eq!(coordinator.text_of("count-new").await?, "2");
    assert_eq!(coordinator.text_of("count-flagged").await?, "1");
    coordinator.screenshot(&shots, "02-preview").await?;
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM persons")?,
        persons_before,
        "a preview writes nothing"
    );
    coordinator.click("[data-testid='listing-import']").await?;
    coordinator
        .wait_css("[data-testid='listing-imported']", WAIT)
        .await?;
    assert_eq!(coordinator.text_of("count-new").await?, "2");
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM persons")?,
        persons_before + 2
    );

    // 3. Assign the new person to a specialist.
    coordinator.click("[data-testid='tab-assignments']").await?;
    let person_row = format!("[data-testid='programme-person'][data-name='{NEW_PERSON}']");
    coordinator
        .wait_css(
            &format!("{person_row} [data-testid='assignee'][data-username='demo.caseworker']"),
            WAIT,
        )
        .await?;
    let person_id = option_value(&coordinator, "[data-testid='assign-person']", NEW_PERSON).await?;
    coordinator
        .select("[data-testid='assign-person']", &person_id)
        .await?;
    coordinator
        .select("[data-testid='assign-worker']", "demo.specialist2")
        .await?;
    coordinator.click("[data-testid='assign-submit']").await?;
    coordinator
        .wait_css(
            &format!("{person_row} [data-testid='assignee'][data-username='demo.specialist2']"),
            WAIT,
        )
        .await?;
    coordinator.screenshot(&shots, "03-assigned").await?;

    // 4. The specialist's tablet has the person, and no programme screens.
    let specialist = Browser::start(768, 1024).await?;
    first_sign_in(
        &specialist,
        &server.url("/"),
        "demo.specialist2",
        DEMO_PASSWORD,
    )
    .await?;
    specialist
        .wait_for("the new person on the caseload", WAIT, || async {
            Ok(caseload_names(&specialist)
                .await?
                .iter()
                .any(|n| n == NEW_PERSON)
                .then_some(()))
        })
        .await?;
    assert!(
        specialist
            .client
            .find(Locator::Css("[data-testid='programme-open']"))
            .await
            .is_err(),
        "only coordinators see the programme screens"
    );

    // 5. Hand the person over to another specialist: the open tablet
    //    purges them without being touched.
    coordinator.click("[data-testid='tab-handover']").await?;
    coordinator
        .select("[data-testid='handover-from']", "demo.specialist2")
        .await?;
    coordinator
        .click(&format!(
            "[data-testid='handover-person'][data-name='{NEW_PERSON}']"
        ))
        .await?;
    coordinator
        .wait_text("handover-count", "引き継ぐ人数: 1人", WAIT)
        .await?;
    coordinator
        .select("[data-testid='handover-to']", "demo.specialist")
        .await?;
    coordinator.click("[data-testid='handover-submit']").await?;
    let done = coordinator
        .wait_css("[data-testid='handover-done']", WAIT)
        .await?;
    assert!(done.ends_with('1'), "{done}");
    coordinator.screenshot(&shots, "04-handed-over").await?;
    specialist
        .wait_for("the person purged from the old tablet", WAIT, || async {
            Ok((!caseload_names(&specialist)
                .await?
                .iter()
                .any(|n| n == NEW_PERSON))
            .then_some(()))
        })
        .await?;
    let sql = format!(
        "SELECT count(*) FROM records WHERE kind = 'handover' AND person_id = '{person_id}'"
    );
    assert_eq!(count(dir.path(), &sql)?, 1, "the timeline records it");
    let audited = count(
        dir.path(),
        "SELECT count(DISTINCT action) FROM audit_log
          WHERE actor_user_id = (SELECT id FROM users WHERE username = 'demo.coordinator')
            AND action IN ('listing_import', 'assign', 'handover')",
    )?;
    assert_eq!(audited, 3, "each change is in the audit trail");

    // 6. The server session ends (12 h, or the server forgot it): the
    //    screen asks for the password and carries on.
    Connection::open(dir.path().join("tsunagu.sqlite3"))?.execute("DELETE FROM sessions", [])?;
    coordinator
        .click("[data-testid='programme-refresh']")
        .await?;
    coordinator
        .wait_css("[data-testid='programme-renew']", WAIT)
        .await?;
    coordinator
        .type_into("[data-testid='renew-password']", DEMO_PASSWORD)
        .await?;
    coordinator.click("[data-testid='renew-submit']").await?;
    coordinator
        .wait_css("[data-testid='programme-page'][aria-busy='false']", WAIT)
        .await?;
    coordinator
        .wait_for("the renewal form gone", WAIT, || async {
            Ok(coordinator
                .client
                .find(Locator::Css("[data-testid='programme-renew']"))
                .await
                .is_err()
                .then_some(()))
        })
        .await?;
    assert!(
        coordinator
            .client
            .find(Locator::Css("[data-testid='programme-problem']"))
            .await
            .is_err(),
        "no problem left after signing in again"
    );

    // 7. The server is gone: the screen says this work needs it.
    server.kill_hard()?;
    coordinator
        .click("[data-testid='programme-refresh']")
        .await?;
    let problem = coordinator
        .wait_css("[data-testid='programme-problem']", WAIT)
        .await?;
    assert!(problem.contains("サーバーへの接続が必要"), "{problem}");
    coordinator.screenshot(&shots, "05-server-gone").await?;

    // 8. Case conferences are device records: listed and written offline.
    coordinator.click("[data-testid='tab-conferences']").await?;
    coordinator
        .wait_css("[data-testid='conference']", WAIT)
        .await?;
    let held = coordinator
        .client
        .find_all(Locator::Css("[data-testid='conference']"))
        .await?
        .len();
    let first_person = coordinator
        .client
        .find(Locator::Css(
            "[data-testid='conference-person'] option:nth-child(2)",
        ))
        .await?
        .attr("value")
        .await?
        .context("a person on the coordinator's caseload")?;
    coordinator
        .select("[data-testid='conference-person']", &first_person)
        .await?;
    coordinator.click("[data-testid='new-conference']").await?;
    coordinator
        .wait_css("[data-testid='record-form']", WAIT)
        .await?;
    coordinator
        .select("select[name='conference_type']", "comprehensive")
        .await?;
    coordinator.click("[data-testid='add-action']").await?;
    coordinator
        .type_into("input[name='action_items.0.what']", "住居の見学を調整")
        .await?;
    coordinator
        .type_into("input[name='action_items.0.owner']", "相談支援専門員")
        .await?;
    save(&coordinator).await?;
    coordinator.wait_text("waiting-count", "1", WAIT).await?;
    coordinator
        .screenshot(&shots, "06-conference-offline")
        .await?;
    coordinator.click("button.back").await?;
    coordinator
        .wait_css("[data-testid='person-page']", WAIT)
        .await?;
    coordinator.click("button.back").await?;
    coordinator
        .wait_css("[data-testid='caseload']", WAIT)
        .await?;
    coordinator
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    coordinator.click("[data-testid='tab-conferences']").await?;
    coordinator
        .wait_for("the new conference in the list", WAIT, || async {
            let now = coordinator
                .client
                .find_all(Locator::Css("[data-testid='conference']"))
                .await?
                .len();
            Ok((now == held + 1).then_some(()))
        })
        .await?;
    // Today's conference is the newest: it opens with its action item.
    coordinator.click("[data-testid='conference']").await?;
    let what = coordinator
        .wait_for("the saved action item", WAIT, || async {
            let input = coordinator
                .client
                .find(Locator::Css("input[name='action_items.0.what']"))
                .await?;
            Ok(input.prop("value").await?.filter(|v| !v.is_empty()))
        })
        .await?;
    assert_eq!(what, "住居の見学を調整");

    specialist.close().await?;
    coordinator.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_reads_the_audit_trail_and_receives_no_records() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    // After the demo seed, which runs only on a database without users.
    add_user(dir.path(), "audit.one", "auditor")?;
    let listing = dir.path().join("listing.csv");
    std::fs::write(&listing, LISTING)?;
    let listing = listing.to_string_lossy().into_owned();
    cli(
        dir.path(),
        &["import", "listing", &listing, "--year", "2026", "--commit"],
        None,
    )?;

    let auditor = Browser::start(1280, 800).await?;
    first_sign_in(&auditor, &server.url("/"), "audit.one", TEST_PASSWORD).await?;
    auditor
        .wait_css("[data-testid='caseload-empty']", WAIT)
        .await?;
    assert!(
        auditor
            .client
            .find(Locator::Css("[data-testid='programme-open']"))
            .await
            .is_err(),
        "not a coordinator"
    );
    auditor
        .open_office_screen("[data-testid='audit-open']", "[data-testid='audit-trail']")
        .await?;
    let imported = auditor
        .wait_css(
            "[data-testid='audit-entry'][data-action='listing_import']",
            WAIT,
        )
        .await?;
    assert!(imported.contains("管理者（コマンドライン）"), "{imported}");
    // The auditor's own sign-in registered this browser as a device.
    let registered = auditor
        .wait_css(
            "[data-testid='audit-entry'][data-action='device_registered']",
            WAIT,
        )
        .await?;
    assert!(registered.contains("端末の登録"), "{registered}");
    auditor
        .screenshot(&screenshot_dir().join("programme"), "07-audit-trail")
        .await?;

    // Filtered by action: only those entries; the read itself is recorded.
    auditor
        .select("select[name='action']", "device_registered")
        .await?;
    auditor.click("[data-testid='audit-search']").await?;
    auditor
        .wait_for("only device registrations", WAIT, || async {
            let rows = auditor
                .client
                .find_all(Locator::Css("[data-testid='audit-entry']"))
                .await?;
            let mut kinds = Vec::new();
            for row in rows {
                kinds.push(row.attr("data-action").await?.unwrap_or_default());
            }
            Ok((!kinds.is_empty() && kinds.iter().all(|k| k == "device_registered")).then_some(()))
        })
        .await?;
    auditor
        .screenshot(&screenshot_dir().join("programme"), "08-audit-filtered")
        .await?;
    auditor.click("[data-testid='audit-clear']").await?;
    let read = auditor
        .wait_css(
            "[data-testid='audit-entry'][data-action='audit_read']",
            WAIT,
        )
        .await?;
    assert!(read.contains("監査記録の閲覧"), "{read}");
    auditor.close().await?;
    Ok(())
}
