//! The outcome report in headless Chromium against the real server and
//! the demo programme: the coordinator opens the report and sees Izumo's
//! figures, the table and both charts; downloads the CSV (a byte-order
//! mark, Japanese headings, the figures the command line's JSON has);
//! prints it to PDF (one A4 page for the summary and one per section,
//! nothing spilling onto extra pages); enters a cost. Over HTTP: only
//! coordinators and auditors read it, only coordinators set costs, and
//! every read is audited. All names are invented.

use anyhow::{Context, Result};
use fantoccini::wd::{PrintConfiguration, PrintOrientation};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use tsunagu_tests::admin::{TEST_PASSWORD, add_user, cli};
use tsunagu_tests::app_page::{WAIT, first_sign_in};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::devtools;
use tsunagu_tests::http::{post_json, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// The demo's first fiscal year and today's, and today (Japan).
fn demo_range() -> (i32, i32, String) {
    let today = (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive();
    let fiscal = if chrono::Datelike::month(&today) >= 4 {
        chrono::Datelike::year(&today)
    } else {
        chrono::Datelike::year(&today) - 1
    };
    (2015, fiscal, today.to_string())
}

fn count(dir: &Path, sql: &str) -> Result<i64> {
    let conn = rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?;
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// The number of pages in a PDF (its page objects).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coordinator_reads_downloads_and_prints_the_outcome_report() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("outcome");
    let downloads = tempfile::tempdir()?;
    let (from, to, today) = demo_range();

    let browser = Browser::start(1280, 800).await?;
    first_sign_in(
        &browser,
        &server.url("/"),
        "demo.coordinator",
        DEMO_PASSWORD,
    )
    .await?;
    browser
        .open_office_screen(
            "[data-testid='outcome-open']",
            "[data-testid='outcome-page']",
        )
        .await?;
    browser
        .wait_css(
            "[data-testid='outcome-page'][aria-busy='false'] [data-testid='outcome-summary']",
            WAIT,
        )
        .await?;
    assert_eq!(browser.text_of("summary-listed").await?, "60");
    assert_eq!(browser.text_of("summary-discharged").await?, "52");
    let total = |key: &str| {
        let browser = &browser;
        let css =
            format!("[data-testid='outcome-line'][data-key='{key}'] [data-testid='outcome-total']");
        async move { browser.wait_css(&css, WAIT).await }
    };
    for (key, expected) in [
        ("status_at_cut_off.community.living_alone", "29"),
        ("status_at_cut_off.community.with_family", "2"),
        ("status_at_cut_off.community.group_home", "3"),
        ("status_at_cut_off.community.elderly_facility", "7"),
        ("status_at_cut_off.community.relief_facility", "1"),
        ("status_at_cut_off.died", "6"),
        ("status_at_cut_off.readmitted", "4"),
    ] {
        assert_eq!(total(key).await?, expected, "{key}");
    }
    let bars = browser
        .client
        .find_all(fantoccini::Locator::Css(
            "[data-testid='chart-status'] [data-testid='bar']",
        ))
        .await?;
    assert!(bars.len() >= 10, "a stacked bar per year: {}", bars.len());
    let effect_points = browser
        .client
        .find(fantoccini::Locator::Css("[data-testid='line-effect']"))
        .await?
        .attr("points")
        .await?
        .unwrap_or_default();
    assert_eq!(
        effect_points.split(' ').count() as i32,
        to - from + 1,
        "a point per priced year: {effect_points}"
    );
    let scroll_to = |css: &'static str| {
        let browser = &browser;
        async move {
            browser
                .client
                .execute(
                    "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })",
                    vec![json!(css)],
                )
                .await
        }
    };
    scroll_to("[data-testid='outcome-summary']").await?;
    browser.screenshot(&shots, "01-report-landscape").await?;
    scroll_to("[data-testid='outcome-section']").await?;
    browser.screenshot(&shots, "01b-report-table").await?;

    // The CSV, as downloaded, is the command line's, figure for figure.
    devtools::download_to(&browser, downloads.path()).await?;
    browser.click("[data-testid='outcome-csv']").await?;
    let file = downloads.path().join(format!("outcome-{from}-{to}.csv"));
    let csv = browser
        .wait_for("the CSV download", WAIT, || async {
            Ok(std::fs::read_to_string(&file)
                .ok()
                .filter(|s| s.ends_with("\r\n")))
        })
        .await?;
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let heading = format!(
        "区分,項目,{}",
        (from..=to)
            .map(|y| format!("{y}年度"))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert!(
        csv.trim_start_matches('\u{feff}').starts_with(&heading),
        "{csv}"
    );
    let range = [
        "report",
        "outcome",
        "--from",
        &from.to_string(),
        "--to",
        &to.to_string(),
        "--cut-off",
        &today,
    ];
    let json_out = cli(
        dir.path(),
        &[&range[..], &["--format", "json"]].concat(),
        None,
    )?;
    let report: Value = serde_json::from_str(&json_out)?;
    let effect = report["cumulative"]["effect_yen"]
        .as_u64()
        .context("an effect")?;
    let effect_row = csv
        .split("\r\n")
        .find(|l| l.contains("効果額（円）"))
        .context("the effect row")?;
    assert!(
        effect_row.ends_with(&format!(",{effect}")),
        "{effect_row} vs {effect}"
    );
    let cli_csv = cli(
        dir.path(),
        &[&range[..], &["--format", "csv"]].concat(),
        None,
    )?;
    assert_eq!(csv, cli_csv, "the download is the command line's CSV");

    // Printed: the summary and charts on one A4 page, then one page per
    // section (five), the data quality with the last; nothing overflows.
    let pdf = browser
        .client
        .print(
            PrintConfiguration::builder()
                .orientation(PrintOrientation::Landscape)
                .background(true)
                .shrink_to_fit(false)
                .build()
                .map_err(|e| anyhow::anyhow!("print settings: {e:?}"))?,
        )
        .await?;
    std::fs::create_dir_all(&shots)?;
    std::fs::write(shots.join("report.pdf"), &pdf)?;
    assert_eq!(pdf_pages(&pdf), 6, "one page per section, nothing cut off");

    // A cost entered on the screen is priced in at once and audited.
    let row = format!("[data-testid='cost-row'][data-year='{to}']");
    let input = browser
        .client
        .find(fantoccini::Locator::Css(&format!(
            "{row} [data-testid='cost-programme']"
        )))
        .await?;
    input.clear().await?;
    input.send_keys("9000000").await?;
    browser
        .click(&format!("{row} [data-testid='cost-save']"))
        .await?;
    browser
        .wait_css(&format!("{row} [data-testid='cost-saved']"), WAIT)
        .await?;
    browser
        .wait_css("[data-testid='outcome-page'][aria-busy='false']", WAIT)
        .await?;
    assert_eq!(
        count(
            dir.path(),
            &format!("SELECT programme_yen FROM programme_costs WHERE fiscal_year = {to}")
        )?,
        9_000_000
    );

    // Portrait tablet.
    browser.client.set_window_size(768, 1024).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    scroll_to("[data-testid='outcome-summary']").await?;
    browser.screenshot(&shots, "02-report-portrait").await?;
    browser.close().await?;
    Ok(())
}

#[test]
fn only_coordinators_and_auditors_read_it_and_only_coordinators_set_costs() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    add_user(dir.path(), "audit.one", "auditor")?;
    let call = |name: &str, body: &Value, cookie: &str| -> Result<(u16, Value)> {
        let reply = post_json(
            &server.url(&format!("/api/outcome/{name}")),
            &body.to_string(),
            Some(cookie),
        )?;
        Ok((
            reply.status,
            serde_json::from_str(&reply.body).unwrap_or(Value::Null),
        ))
    };
    let range =
        json!({ "request": { "from_year": 2015, "to_year": 2026, "cut_off": "2026-03-31" } });
    let costs = json!({ "request": { "year": 2020, "costs": { "inpatient_monthly_yen": 1, "programme_yen": 1 } } });
    let reads = |dir: &Path| {
        count(
            dir,
            "SELECT count(*) FROM audit_log WHERE action = 'report_outcome'",
        )
    };

    let specialist = sign_in(&server.base_url, "demo.specialist", DEMO_PASSWORD)?;
    assert_eq!(call("report", &range, &specialist)?.0, 403);
    assert_eq!(call("csv", &range, &specialist)?.0, 403);
    assert_eq!(reads(dir.path())?, 0, "a refused read is not a read");

    let auditor = sign_in(&server.base_url, "audit.one", TEST_PASSWORD)?;
    let (status, answer) = call("report", &range, &auditor)?;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["report"]["cumulative"]["discharged"], 52);
    let before = count(
        dir.path(),
        "SELECT programme_yen FROM programme_costs WHERE fiscal_year = 2020",
    )?;
    assert_eq!(
        call("set_costs", &costs, &auditor)?.0,
        403,
        "auditors only read"
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT programme_yen FROM programme_costs WHERE fiscal_year = 2020"
        )?,
        before,
        "nothing changed"
    );

    let coordinator = sign_in(&server.base_url, "demo.coordinator", DEMO_PASSWORD)?;
    let (status, csv) = call("csv", &range, &coordinator)?;
    assert_eq!(status, 200);
    assert!(
        csv.as_str().is_some_and(|c| c.starts_with('\u{feff}')),
        "{csv}"
    );
    assert_eq!(call("set_costs", &costs, &coordinator)?.0, 200);
    let bad = json!({ "request": { "year": 1800, "costs": { "inpatient_monthly_yen": 1, "programme_yen": null } } });
    assert_eq!(call("set_costs", &bad, &coordinator)?.0, 422);
    assert_eq!(
        reads(dir.path())?,
        2,
        "the auditor's read and the coordinator's export"
    );
    Ok(())
}

/// Chooses `file` in the file input matching `css`.
async fn choose_file(browser: &Browser, css: &str, file: &Path) -> Result<()> {
    let input = browser.client.find(fantoccini::Locator::Css(css)).await?;
    input.send_keys(&file.to_string_lossy()).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coordinator_imports_the_programme_s_past_on_the_screen() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let shots = screenshot_dir().join("outcome");
    let (from, to, today) = demo_range();
    let today: chrono::NaiveDate = today.parse()?;
    let (interviewed, discharged) = (today - chrono::Days::new(2), today - chrono::Days::new(1));
    // The first current demo person, on this year's listing.
    let person = format!("DEMO-{to}-C00");
    let bad = dir.path().join("bad-events.csv");
    std::fs::write(
        &bad,
        format!(
            "recipient_number,event,date,detail\n{person},discharged,{discharged},on the moon\nNO-SUCH,died,{discharged},\n"
        ),
    )?;
    let good = dir.path().join("events.csv");
    std::fs::write(
        &good,
        format!(
            "受給者番号,事象,日付,詳細\n{person},初回合同面接,{interviewed},\n{person},退院,{discharged},グループホーム\n"
        ),
    )?;
    let records = |dir: &Path| count(dir, "SELECT count(*) FROM records");
    let before = records(dir.path())?;

    let browser = Browser::start(1280, 800).await?;
    first_sign_in(
        &browser,
        &server.url("/"),
        "demo.coordinator",
        DEMO_PASSWORD,
    )
    .await?;
    browser
        .open_office_screen(
            "[data-testid='programme-open']",
            "[data-testid='programme-page']",
        )
        .await?;
    browser.click("[data-testid='tab-events']").await?;

    // Refused rows say why in Japanese and block the import.
    choose_file(&browser, "[data-testid='events-file']", &bad).await?;
    browser.click("[data-testid='events-preview']").await?;
    let refused = browser
        .wait_css("[data-testid='refused-event']", WAIT)
        .await?;
    assert!(refused.contains("退院先として読めません"), "{refused}");
    let all = browser
        .client
        .find_all(fantoccini::Locator::Css("[data-testid='refused-event']"))
        .await?;
    assert_eq!(all.len(), 2);
    assert!(all[1].text().await?.contains("名簿にいません"));
    let import = browser
        .client
        .find(fantoccini::Locator::Css("[data-testid='events-import']"))
        .await?;
    assert!(!import.is_enabled().await?, "refused rows block the import");
    browser.screenshot(&shots, "03-events-refused").await?;
    browser.click("[data-testid='events-cancel']").await?;
    assert_eq!(records(dir.path())?, before, "nothing written");

    // The good file: previewed, imported, and a second time nothing new.
    choose_file(&browser, "[data-testid='events-file']", &good).await?;
    browser.click("[data-testid='events-preview']").await?;
    browser
        .wait_css("[data-testid='events-preview-result'][data-new='2']", WAIT)
        .await?;
    assert_eq!(records(dir.path())?, before, "a preview writes nothing");
    browser.click("[data-testid='events-import']").await?;
    browser
        .wait_css("[data-testid='events-imported']", WAIT)
        .await?;
    assert_eq!(browser.text_of("events-written").await?, "2");
    assert_eq!(records(dir.path())?, before + 2);
    choose_file(&browser, "[data-testid='events-file']", &good).await?;
    browser.click("[data-testid='events-preview']").await?;
    browser
        .wait_css("[data-testid='events-preview-result'][data-new='0'] [data-testid='events-nothing-new']", WAIT)
        .await?;
    browser.screenshot(&shots, "04-events-already").await?;
    assert_eq!(
        records(dir.path())?,
        before + 2,
        "importing twice changes nothing"
    );
    browser.close().await?;

    // The report counts the new discharge, to a group home.
    let range = [
        "report",
        "outcome",
        "--from",
        &from.to_string(),
        "--to",
        &to.to_string(),
        "--format",
        "json",
    ];
    let report: Value = serde_json::from_str(&cli(dir.path(), &range, None)?)?;
    assert_eq!(report["cumulative"]["discharged"], 53);
    assert_eq!(
        report["cumulative"]["status_at_cut_off"]["community"]["group_home"],
        4
    );
    Ok(())
}
