//! End to end in headless Chromium: the page hydrates, the language switch
//! works and is remembered, and the demo login signs in and receives its
//! caseload.

use fantoccini::Locator;
use std::time::Duration;
use tsunagu_tests::app_page::{first_sign_in, open_menu};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_hydrates_switches_language_and_signs_in() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let browser = Browser::start(768, 1024).await?;
    let shots = screenshot_dir();

    browser.client.goto(&server.url("/")).await?;
    assert_eq!(browser.text_of("app-name").await?, "つなぐ");

    // The server cannot know the network state; only the hydrated app can.
    let state = browser
        .wait_for("the network badge to leave 'unknown'", WAIT, || async {
            let badge = browser
                .client
                .find(Locator::Css("[data-testid='network-status']"))
                .await?;
            Ok(badge.attr("data-state").await?.filter(|s| s != "unknown"))
        })
        .await?;
    assert_eq!(state, "online");
    assert_eq!(browser.text_of("network-status").await?, "オンライン");
    browser.screenshot(&shots, "01-start-ja").await?;

    // Switching the language is a client-side interaction on the hydrated page.
    browser
        .client
        .find(Locator::Css("[data-testid='language-switch']"))
        .await?
        .click()
        .await?;
    browser
        .wait_for("the English header", WAIT, || async {
            Ok((browser.text_of("app-name").await? == "Tsunagu").then_some(()))
        })
        .await?;
    let lang = browser
        .client
        .execute("return document.documentElement.lang", vec![])
        .await?;
    assert_eq!(lang, "en");
    assert_eq!(browser.text_of("network-status").await?, "Online");

    // The choice is remembered: the next load is in English. (Once the
    // service worker controls the page, the reload is its cached shell,
    // rendered in the language of its install, and the app switches to
    // the cookie's choice as it hydrates: so wait for it, not for paint.)
    browser.client.refresh().await?;
    browser
        .wait_for("the English header after the reload", WAIT, || async {
            Ok((browser.text_of("app-name").await? == "Tsunagu").then_some(()))
        })
        .await?;
    browser.screenshot(&shots, "02-start-en").await?;
    browser
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;

    // Sign in with the demo login through the form.
    browser
        .client
        .find(Locator::Css("input[name='username']"))
        .await?
        .send_keys("demo.specialist")
        .await?;
    browser
        .client
        .find(Locator::Css("input[name='password']"))
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    browser
        .client
        .find(Locator::Css("button[type='submit']"))
        .await?
        .click()
        .await?;
    // The first sign-in registers this browser as a device; the caseload
    // arrives by sync and is listed from the device's own store.
    browser
        .wait_for("the four persons of the caseload", WAIT, || async {
            let items = browser
                .client
                .find_all(Locator::Css("[data-testid='person-item']"))
                .await?;
            Ok((items.len() == 4).then_some(()))
        })
        .await?;
    assert_eq!(browser.text_of("waiting-count").await?, "0");
    browser.screenshot(&shots, "03-signed-in-en").await?;

    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_shows_an_error_in_the_chosen_language() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let browser = Browser::start(1280, 800).await?;
    browser.client.goto(&server.url("/")).await?;
    browser
        .wait_for("hydration", WAIT, || async {
            let badge = browser
                .client
                .find(Locator::Css("[data-testid='network-status']"))
                .await?;
            Ok(badge.attr("data-state").await?.filter(|s| s != "unknown"))
        })
        .await?;
    // The form appears once the app has looked for a device in this browser.
    browser
        .wait_css("[data-testid='first-sign-in']", WAIT)
        .await?;
    browser
        .client
        .find(Locator::Css("input[name='username']"))
        .await?
        .send_keys("demo.specialist")
        .await?;
    browser
        .client
        .find(Locator::Css("input[name='password']"))
        .await?
        .send_keys("wrong password")
        .await?;
    browser
        .client
        .find(Locator::Css("button[type='submit']"))
        .await?
        .click()
        .await?;
    let error = browser
        .wait_for("the sign-in error", WAIT, || async {
            match browser
                .client
                .find(Locator::Css("[data-testid='sign-in-error']"))
                .await
            {
                Ok(element) => Ok(Some(element.text().await?)),
                Err(_) => Ok(None),
            }
        })
        .await?;
    assert_eq!(error, "ユーザー名またはパスワードが違います。");
    browser
        .screenshot(&screenshot_dir(), "04-sign-in-rejected-landscape")
        .await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_locks_on_request_and_by_itself_after_the_chosen_idle_time() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let browser = Browser::start(1280, 800).await?;
    first_sign_in(&browser, &server.url("/"), "demo.nurse", DEMO_PASSWORD).await?;

    // "Lock" forgets the key at once; the password opens it again.
    open_menu(&browser).await?;
    browser.click("[data-testid='lock']").await?;
    browser.wait_css("[data-testid='unlock']", WAIT).await?;
    browser
        .type_into("input[name='password']", DEMO_PASSWORD)
        .await?;
    browser.click("button[type='submit']").await?;
    browser.wait_css("[data-testid='caseload']", WAIT).await?;

    // With the shortest idle time chosen and nobody touching the tablet,
    // it locks itself within about a minute.
    open_menu(&browser).await?;
    browser.select("[data-testid='idle-lock']", "1").await?;
    let started = std::time::Instant::now();
    browser
        .wait_css("[data-testid='unlock']", Duration::from_secs(120))
        .await?;
    assert!(
        started.elapsed() >= Duration::from_secs(55),
        "locked after {:?}, before the idle time",
        started.elapsed()
    );
    browser
        .screenshot(&screenshot_dir(), "05-locked-after-idle")
        .await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_joint_interview_recorded_offline_moves_the_case_stage_for_the_team()
-> anyhow::Result<()> {
    use tsunagu_tests::app_page::{back_to_person, first_person, open_person, save, wait_in_sync};
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.base_url.trim_start_matches("http://").to_owned();
    let shots = screenshot_dir().join("stages");
    let a = Browser::start(768, 1024).await?;
    first_sign_in(&a, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&a, WAIT).await?;
    let person = first_person(&a).await?;
    open_person(&a, &person).await?;
    assert_eq!(a.text_of("person-stage").await?, "名簿登載");

    // On the ward, no signal: the first interview, held with the caseworker.
    server.kill_hard()?;
    a.click("[data-testid='new-ward_interview']").await?;
    a.wait_css("[data-testid='record-form']", WAIT).await?;
    a.select("select[name='place']", "ward").await?;
    a.select("select[name='interview_type']", "first_joint")
        .await?;
    a.select("select[name='caseworker_present']", "true")
        .await?;
    save(&a).await?;
    back_to_person(&a).await?;
    a.wait_text("person-stage", "初回合同面接", WAIT).await?;
    assert_eq!(a.text_of("stage-change").await?, "→ 初回合同面接");
    a.screenshot(&shots, "01-stage-offline").await?;

    // Back in range: the caseworker's device shows the new stage too.
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;
    wait_in_sync(&a, Duration::from_secs(40)).await?;
    let b = Browser::start(1280, 800).await?;
    first_sign_in(&b, &server.url("/"), "demo.caseworker", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;
    let stage = b
        .wait_css(
            &format!("[data-testid='person-item'][data-person='{person}'] [data-testid='stage']"),
            WAIT,
        )
        .await?;
    assert_eq!(stage, "初回合同面接");
    b.screenshot(&shots, "02-stage-colleague").await?;
    b.close().await?;
    a.close().await?;
    Ok(())
}
