//! `browser-bench`: what a user on a tablet waits for, measured in headless
//! Chromium against the real server with N notes on the device (workload
//! W(N, K)'s notes, N/25 persons, all on the user's caseload).
//!
//! Measures: the first download of the caseload into the browser (sign-in
//! to "in sync, 0 waiting"); the time to save a note (User Timing measure
//! `tsunagu-save`: edit, encrypt, IndexedDB commit) over S saves; and,
//! with the server stopped, a reload from the service worker to the unlock
//! form (`tsunagu-interactive`, from navigation start) and the unlock
//! itself (`tsunagu-unlock`: key derivation, decrypting and loading every
//! record).
//!
//! `cargo build --release -p tsunagu -p tsunagu-tests --bins`,
//! `scripts/build.sh --release`, then
//! `target/release/browser-bench --records N [--saves S] [--settle] [--json]`.
//! Saves follow each other at once unless `--settle`, which waits until
//! the last one is acknowledged and written (as a user typing does).

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tsunagu_sync::record::Edit;
use tsunagu_tests::admin::{TEST_PASSWORD, add_device, add_person, add_user, assign};
use tsunagu_tests::app_page::{
    WAIT, first_sign_in, open_person, save, set_textarea, textarea_value, wait_in_sync,
};
use tsunagu_tests::browser::Browser;
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::rng::Rng;
use tsunagu_tests::server::ServerProcess;
use tsunagu_tests::workload;

const USAGE: &str = "use --records N [--saves S] [--settle] [--json]";

/// The command line: N, S, `--settle`, `--json`.
struct Args {
    records: usize,
    saves: usize,
    settle: bool,
    json: bool,
}

fn parse_args() -> Result<Args> {
    let (mut records, mut saves, mut settle, mut json) = (1000, 20, false, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .with_context(|| format!("{arg} needs a value; {USAGE}"))
        };
        match arg.as_str() {
            "--records" => records = value()?.parse()?,
            "--saves" => saves = value()?.parse()?,
            "--json" => json = true,
            "--settle" => settle = true,
            other => anyhow::bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    anyhow::ensure!(records > 0 && saves > 0, "need N > 0 and S > 0");
    Ok(Args {
        records,
        saves,
        settle,
        json,
    })
}

/// Durations (ms) of every User Timing entry called `name`.
async fn timings(browser: &Browser, name: &str) -> Result<Vec<f64>> {
    let value = browser
        .client
        .execute(
            "return performance.getEntriesByName(arguments[0]).map((e) => e.entryType === 'mark' ? e.startTime : e.duration)",
            vec![json!(name)],
        )
        .await?;
    Ok(value
        .as_array()
        .context("timings")?
        .iter()
        .filter_map(Value::as_f64)
        .collect())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let Args {
        records,
        saves,
        settle,
        json: json_out,
    } = parse_args()?;
    let dir = tempfile::tempdir()?;
    let user_id = add_user(dir.path(), "bench.user", "support_specialist")?;
    let persons: Vec<String> = (0..(records / 25).max(1))
        .map(|i| {
            let id = add_person(dir.path(), &format!("ベンチ {i}"))?;
            assign(dir.path(), "bench.user", &id)?;
            Ok(id)
        })
        .collect::<Result<_>>()?;
    let (device_id, token) = add_device(dir.path(), "bench.user")?;
    let server = ServerProcess::start(dir.path(), &["--second-factor", "optional"])?;

    // Another tablet of the same user wrote the N notes and synced them.
    let seeded = Instant::now();
    let mut seeder = NativeDevice::new(&token, "bench-seeder");
    let mut rng = Rng::new(0x5453_554E_4147_5521);
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap();
    let edit = Edit {
        by: user_id,
        name: None,
        at,
    };
    for n in 0..records {
        let note = workload::note(&mut rng, n, &persons[n % persons.len()], &device_id, at);
        let id = seeder.store.create(note.record, &edit)?;
        seeder
            .store
            .edit(&id, |r| r.replace_text(note.body_field, &note.body, &edit))?;
    }
    seeder.sync(&server.base_url).await?;
    let seed_s = seeded.elapsed().as_secs_f64();
    eprintln!("seeded {records} notes through sync in {seed_s:.1} s");

    // First sign-in: the whole caseload downloads into the browser.
    let browser = Browser::start(768, 1024).await?;
    let started = Instant::now();
    first_sign_in(&browser, &server.url("/"), "bench.user", TEST_PASSWORD).await?;
    wait_in_sync(&browser, Duration::from_secs(1800)).await?;
    let download_s = started.elapsed().as_secs_f64();
    eprintln!("first download in the browser: {download_s:.1} s");
    // Where the first download's time went, from the app's User Timing
    // measures: the server's sign-in, registering the device and making
    // its keyring, then per frame the session's work and writing it out.
    let mut stages = Vec::new();
    for stage in [
        "sign-in", "register", "frame", "persist", "entries", "seal", "idb",
    ] {
        let spans = timings(&browser, &format!("tsunagu-{stage}")).await?;
        stages.push((stage, spans.len(), spans.iter().sum::<f64>()));
    }

    // Saves: a new interview, then S-1 edits of its narrative.
    open_person(&browser, &persons[0]).await?;
    browser.click("[data-testid='new-ward_interview']").await?;
    browser
        .wait_css("[data-testid='record-form']", WAIT)
        .await?;
    browser.select("select[name='place']", "ward").await?;
    browser
        .select("select[name='interview_type']", "continued")
        .await?;
    set_textarea(&browser, "persons_words", "ベンチの面接。").await?;
    save(&browser).await?;
    for n in 1..saves {
        if settle {
            // As a user would: the last save's IndexedDB write and its
            // acknowledgement are done before the next edit.
            wait_in_sync(&browser, WAIT).await?;
        }
        let text = textarea_value(&browser, "persons_words").await?;
        set_textarea(&browser, "persons_words", &format!("{text}{n}。")).await?;
        browser.click("[data-testid='save']").await?;
        browser
            .wait_for("the save measure", WAIT, || async {
                Ok((timings(&browser, "tsunagu-save").await?.len() > n).then_some(()))
            })
            .await?;
    }
    let mut save_ms = timings(&browser, "tsunagu-save").await?;
    save_ms.sort_by(f64::total_cmp);
    wait_in_sync(&browser, WAIT).await?;
    // Where a save's time goes: every persist step since the first
    // download (the saves' own, and those of their acknowledgements).
    let mut save_steps = Vec::new();
    for (stage, done, _) in stages
        .iter()
        .filter(|(s, _, _)| ["entries", "seal", "idb"].contains(s))
    {
        let mut spans = timings(&browser, &format!("tsunagu-{stage}")).await?;
        let mut spans = spans.split_off((*done).min(spans.len()));
        spans.sort_by(f64::total_cmp);
        save_steps.push((*stage, spans));
    }

    // Offline: reload from the service worker, then unlock.
    server.kill_hard()?;
    browser.client.refresh().await?;
    browser.wait_css("[data-testid='unlock']", WAIT).await?;
    let interactive_ms = *timings(&browser, "tsunagu-interactive")
        .await?
        .first()
        .context("no tsunagu-interactive mark")?;
    browser
        .type_into("input[name='password']", TEST_PASSWORD)
        .await?;
    browser.click("button[type='submit']").await?;
    // The reload was at the note's address: unlocked, the note written
    // online is open again, offline.
    browser
        .wait_css("[data-testid='record-form']", Duration::from_secs(600))
        .await?;
    let unlock_ms = *timings(&browser, "tsunagu-unlock")
        .await?
        .first()
        .context("no tsunagu-unlock measure")?;
    let words = textarea_value(&browser, "persons_words").await?;
    anyhow::ensure!(
        words.starts_with("ベンチの面接"),
        "the note reopened: {words:?}"
    );
    browser.close().await?;

    let result = json!({
        "records": records,
        "seed_s": seed_s,
        "first_download_s": download_s,
        "saves": save_ms.len(),
        "settle": settle,
        "save_ms_p50": percentile(&save_ms, 0.5),
        "save_ms_p95": percentile(&save_ms, 0.95),
        "save_ms_max": save_ms.last().copied().unwrap_or_default(),
        "offline_reload_to_unlock_form_ms": interactive_ms,
        "unlock_ms": unlock_ms,
        "first_download_stages_ms": stages
            .iter()
            .map(|(stage, count, ms)| json!({ "stage": stage, "count": count, "ms": ms }))
            .collect::<Vec<_>>(),
    });
    println!("records                        {records}");
    println!("first download (browser)       {download_s:.1} s");
    for (stage, count, ms) in &stages {
        println!("  {stage:<28} {ms:>7.0} ms over {count}");
    }
    println!(
        "save p50 / p95 / max           {:.1} / {:.1} / {:.1} ms over {} saves",
        percentile(&save_ms, 0.5),
        percentile(&save_ms, 0.95),
        save_ms.last().copied().unwrap_or_default(),
        save_ms.len()
    );
    for (stage, spans) in &save_steps {
        println!(
            "  {stage:<28} p50 {:.1} / p95 {:.1} ms over {} persists",
            percentile(spans, 0.5),
            percentile(spans, 0.95),
            spans.len()
        );
    }
    println!("offline reload → unlock form   {interactive_ms:.0} ms");
    println!("unlock (derive + load all)     {unlock_ms:.0} ms");
    if json_out {
        println!("{result}");
    }
    Ok(())
}
