//! The offline app end to end in headless Chromium, against the real server
//! binary: a note written with the server down reaches the server and a
//! colleague by itself once it is back, concurrent offline edits of one
//! narrative merge, IndexedDB holds nothing readable, the page's
//! Content-Security-Policy reports no violation, and a user not
//! assigned to the person never receives the person's records.

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use serde_json::Value;
use std::time::Duration;
use tsunagu_tests::admin::cli;
use tsunagu_tests::app_page::{
    WAIT, back_to_person, first_person, first_sign_in, open_person, open_record, save,
    set_textarea, textarea_value, wait_in_sync,
};
use tsunagu_tests::browser::{Browser, screenshot_dir};
use tsunagu_tests::csp_watch;
use tsunagu_tests::device_storage::{device_storage, storage_contains};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

/// Reconnecting after the server comes back: backoff is at most 10 s.
const RECONNECT: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_written_offline_reach_the_server_and_colleagues_by_themselves() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let listen = server.listen_address()?;
    let shots = screenshot_dir().join("offline");
    let a = Browser::start(768, 1024).await?;
    csp_watch::watch(&a).await?;

    // 1. Online: sign in, write a ward interview, see it acknowledged.
    first_sign_in(&a, &server.url("/"), "demo.specialist", DEMO_PASSWORD).await?;
    wait_in_sync(&a, WAIT).await?;
    let person = first_person(&a).await?;
    a.screenshot(&shots, "01-caseload").await?;
    open_person(&a, &person).await?;
    a.click("[data-testid='new-ward_interview']").await?;
    a.wait_css("[data-testid='record-form']", WAIT).await?;
    a.select("select[name='place']", "ward").await?;
    a.select("select[name='interview_type']", "first_joint")
        .await?;
    set_textarea(&a, "persons_words", "退院したらうどん屋に行きたい。").await?;
    save(&a).await?;
    a.screenshot(&shots, "02-interview-saved").await?;
    back_to_person(&a).await?;
    let interview = a
        .client
        .find(Locator::Css(
            "[data-testid='timeline-item'][data-kind='ward_interview']",
        ))
        .await?
        .attr("data-record")
        .await?
        .context("record id")?;
    wait_in_sync(&a, WAIT).await?;

    // 2. The server goes away. The app reloads from the service worker,
    //    unlocks offline, and takes two more notes.
    server.kill_hard()?;
    a.client.refresh().await?;
    a.wait_css("[data-testid='unlock']", WAIT).await?;
    a.screenshot(&shots, "03-offline-unlock").await?;
    a.type_into("input[name='password']", DEMO_PASSWORD).await?;
    a.click("button[type='submit']").await?;
    // The reload reopens the person it was on.
    a.wait_css("[data-testid='person-page']", WAIT).await?;
    a.click("[data-testid='new-home_visit']").await?;
    a.wait_css("[data-testid='record-form']", WAIT).await?;
    a.select("select[name='visit_kind']", "settlement").await?;
    set_textarea(&a, "mental_state", "落ち着いて過ごしている。").await?;
    save(&a).await?;
    back_to_person(&a).await?;
    open_record(&a, &interview).await?;
    let words = textarea_value(&a, "persons_words").await?;
    set_textarea(&a, "persons_words", &format!("{words}猫も連れて行きたい。")).await?;
    save(&a).await?;
    a.wait_text("waiting-count", "2", WAIT).await?;
    a.screenshot(&shots, "04-offline-two-waiting").await?;

    // 5. Nothing typed is readable in the browser's storage.
    let storage = device_storage(&a).await?;
    ensure!(
        storage["keys"].as_array().map_or(0, Vec::len) >= 4,
        "records are stored: {storage}"
    );
    for typed in ["うどん屋", "猫も連れて", "落ち着いて過ごして"] {
        ensure!(
            !storage_contains(&storage, typed),
            "{typed:?} is readable in the device's storage"
        );
    }

    // 3. The server returns on the same address: the app syncs by itself,
    //    and a colleague on the same case sees both changes.
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;
    wait_in_sync(&a, RECONNECT).await?;
    a.screenshot(&shots, "05-back-online-synced").await?;

    // A second tab of the same device may not unlock it at the same time:
    // two working copies would overwrite each other's notes.
    let first_tab = a.client.window().await?;
    let second_tab = a.client.new_window(true).await?.handle;
    a.client.switch_to_window(second_tab).await?;
    a.client.goto(&server.url("/")).await?;
    a.wait_css("[data-testid='unlock']", WAIT).await?;
    a.type_into("input[name='password']", DEMO_PASSWORD).await?;
    a.click("button[type='submit']").await?;
    let refused = a.wait_css("[data-testid='unlock-error']", WAIT).await?;
    ensure!(refused.contains("別のタブ"), "{refused}");
    a.client.close_window().await?;
    a.client.switch_to_window(first_tab).await?;
    let b = Browser::start(1280, 800).await?;
    first_sign_in(&b, &server.url("/"), "demo.caseworker", DEMO_PASSWORD).await?;
    wait_in_sync(&b, WAIT).await?;
    open_person(&b, &person).await?;
    b.wait_css(
        "[data-testid='timeline-item'][data-kind='home_visit']",
        WAIT,
    )
    .await?;
    open_record(&b, &interview).await?;
    assert_eq!(
        textarea_value(&b, "persons_words").await?,
        "退院したらうどん屋に行きたい。猫も連れて行きたい。"
    );
    b.screenshot(&shots, "06-colleague-sees-both").await?;

    // 4. Both offline, both edit the same narrative in different places;
    //    back online, both hold the same text with both edits.
    server.kill_hard()?;
    back_to_person(&a).await?;
    open_record(&a, &interview).await?;
    let start = textarea_value(&a, "persons_words").await?;
    set_textarea(&a, "persons_words", &format!("（笑顔で）{start}")).await?;
    save(&a).await?;
    set_textarea(&b, "persons_words", &format!("{start}妹にも会いたい。")).await?;
    save(&b).await?;
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;
    let expected = format!("（笑顔で）{start}妹にも会いたい。");
    for browser in [&a, &b] {
        wait_in_sync(browser, RECONNECT).await?;
        browser
            .wait_for("the merged narrative", WAIT, || async {
                back_to_person(browser).await?;
                open_record(browser, &interview).await?;
                let text = textarea_value(browser, "persons_words").await?;
                Ok((text == expected).then_some(()))
            })
            .await?;
    }
    b.screenshot(&shots, "07-merged").await?;
    // The record's versions name both editors, offline edits included.
    b.click("[data-testid='versions'] summary").await?;
    let mut authors = Vec::new();
    for author in b
        .client
        .find_all(Locator::Css("[data-testid='version-author']"))
        .await?
    {
        authors.push(author.text().await?);
    }
    ensure!(
        authors.iter().any(|a| a == "相談 花子") && authors.iter().any(|a| a == "福祉 健太"),
        "both editors in the versions: {authors:?}"
    );
    b.screenshot(&shots, "07b-versions").await?;

    // The page's Content-Security-Policy let everything the app does run
    // (hydration, the service worker, an offline start, sync) and reported
    // nothing; a script without the nonce is refused and reported.
    let seen = csp_watch::violations(&a).await?;
    ensure!(seen.is_empty(), "policy violations: {seen:?}");
    a.client
        .execute(
            "const s = document.createElement('script'); \
             s.textContent = 'window.injected = true'; document.head.appendChild(s);",
            vec![],
        )
        .await?;
    let seen = a
        .wait_for("the injected script's violation", WAIT, || async {
            let seen = csp_watch::violations(&a).await?;
            Ok((!seen.is_empty()).then_some(seen))
        })
        .await?;
    ensure!(seen[0].starts_with("script-src-elem inline"), "{seen:?}");
    let ran = a
        .client
        .execute("return window.injected === true", vec![])
        .await?;
    ensure!(ran == Value::Bool(false), "the injected script ran");
    b.close().await?;
    a.close().await?;

    // 6. A specialist not assigned to the person never receives any of
    //    the person's records: not on screen, not in the browser's store.
    let c = Browser::start(768, 1024).await?;
    first_sign_in(&c, &server.url("/"), "demo.specialist2", DEMO_PASSWORD).await?;
    wait_in_sync(&c, WAIT).await?;
    let storage = device_storage(&c).await?;
    let keys: Vec<&str> = storage["keys"]
        .as_array()
        .context("keys")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ensure!(
        keys.iter().filter(|k| k.starts_with("records:")).count() > 0,
        "the other specialist has a caseload of their own: {keys:?}"
    );
    for id in [&person, &interview] {
        ensure!(
            !keys.contains(&format!("records:{id}").as_str()),
            "{id} leaked to an unassigned user"
        );
    }
    ensure!(
        c.client
            .find(Locator::Css(&format!("[data-person='{person}']")))
            .await
            .is_err(),
        "the person is not on the unassigned user's screen"
    );

    // A revoked device is told so, stops retrying, and keeps its data.
    server.kill_hard()?;
    let conn = rusqlite::Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let device: String = conn.query_row(
        "SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = 'demo.specialist2'",
        [],
        |r| r.get(0),
    )?;
    drop(conn);
    cli(dir.path(), &["device", "revoke", "--id", &device], None)?;
    let server =
        ServerProcess::start_listening(dir.path(), &listen, &["--second-factor", "optional"])?;
    let refused = c
        .wait_css("[data-testid='device-refused']", RECONNECT)
        .await?;
    ensure!(refused.contains("利用停止"), "{refused}");
    c.screenshot(&shots, "08-device-revoked").await?;
    let after = device_storage(&c).await?;
    ensure!(
        after["keys"] == storage["keys"],
        "a refused device keeps what it holds"
    );
    c.close().await?;
    drop(server);
    Ok(())
}
