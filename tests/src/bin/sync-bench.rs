//! `sync-bench`: the workload W(N, K) of issue 3 against the real server
//! over real WebSockets, printing a table and (with `--json`) one JSON line.
//!
//! Phase 1: device A creates N notes offline, connects and syncs them up.
//! Phase 2: an empty device B downloads all N.
//! Phase 3: A appends 100 characters to K notes offline and syncs; B syncs.
//!
//! `cargo run -p tsunagu-tests --release --bin sync-bench -- --records N --edits K [--json]`
//! Load mode: `... --bin sync-bench -- --load --devices D --rate EDITS_PER_S --seconds S [--json]`:
//! D devices stay connected and edit at the given total rate; prints
//! edits/s accepted, p50/p99 acknowledgement latency and server RSS.
//! Either mode takes `--postgres`: the server runs on a new database in the
//! cluster `TSUNAGU_TEST_POSTGRES` names instead of a SQLite file.
//! (build the server first: `cargo build --release -p tsunagu`).

use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use std::time::Instant;
use tsunagu_sync::record::Edit;
use tsunagu_tests::admin::{add_device, add_person, add_user, assign};
use tsunagu_tests::device::{NativeDevice, SyncStats};
use tsunagu_tests::load::LoadConfig;
use tsunagu_tests::rng::{Rng, japanese_text};
use tsunagu_tests::server::ServerProcess;
use tsunagu_tests::workload;

struct Row {
    phase: &'static str,
    device: &'static str,
    wall_s: f64,
    stats: SyncStats,
    server_rss_mb: f64,
}

/// What the command line asked for.
enum Mode {
    /// The W(N, K) phases.
    Workload {
        records: usize,
        edits: usize,
        json: bool,
        postgres: bool,
    },
    /// Connected devices editing at a steady rate.
    Load { config: LoadConfig, json: bool },
}

const USAGE: &str = "use --records N --edits K [--json] [--postgres], or --load [--devices D] [--rate EDITS_PER_S] [--seconds S] [--json] [--postgres]";

fn parse_args() -> Result<Mode> {
    let (mut records, mut edits, mut json, mut load) = (1000, 10, false, false);
    let mut config = LoadConfig {
        devices: 1000,
        rate: 500.0,
        seconds: 20.0,
        postgres: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .with_context(|| format!("{arg} needs a value; {USAGE}"))
        };
        match arg.as_str() {
            "--records" => records = value()?.parse()?,
            "--edits" => edits = value()?.parse()?,
            "--load" => load = true,
            "--devices" => config.devices = value()?.parse()?,
            "--rate" => config.rate = value()?.parse()?,
            "--seconds" => config.seconds = value()?.parse()?,
            "--json" => json = true,
            "--postgres" => config.postgres = true,
            other => anyhow::bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    if load {
        return Ok(Mode::Load { config, json });
    }
    anyhow::ensure!(records > 0 && edits <= records, "need 0 < K <= N");
    Ok(Mode::Workload {
        records,
        edits,
        json,
        postgres: config.postgres,
    })
}

async fn load(config: LoadConfig, json: bool) -> Result<()> {
    let (devices, rate, seconds) = (config.devices, config.rate, config.seconds);
    let r = tsunagu_tests::load::run(config).await?;
    println!(
        "load: {devices} devices, {rate} edits/s offered for {seconds} s (connecting took {:.1} s)",
        r.connect_s
    );
    println!(
        "{:>9} {:>7} {:>10} {:>8} {:>8} {:>13}",
        "accepted", "failed", "edits_per_s", "p50_ms", "p99_ms", "server_rss_mb"
    );
    println!(
        "{:>9} {:>7} {:>10.1} {:>8.1} {:>8.1} {:>13.1}",
        r.accepted, r.failed, r.edits_per_s, r.p50_ms, r.p99_ms, r.server_rss_mb
    );
    if json {
        println!(
            "{}",
            serde_json::json!({
                "load": { "devices": devices, "offered_rate": rate, "seconds": seconds,
                          "accepted": r.accepted, "failed": r.failed, "edits_per_s": r.edits_per_s,
                          "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, "server_rss_mb": r.server_rss_mb }
            })
        );
    }
    anyhow::ensure!(r.failed == 0, "{} edits failed", r.failed);
    Ok(())
}

/// One timed sync of `device`, with the server's peak memory after it.
async fn run(
    server: &ServerProcess,
    url: &str,
    phase: &'static str,
    device: &'static str,
    which: &mut NativeDevice,
) -> Result<Row> {
    let start = Instant::now();
    let stats = which.sync(url).await?;
    let wall_s = start.elapsed().as_secs_f64();
    Ok(Row {
        phase,
        device,
        wall_s,
        stats,
        server_rss_mb: server.peak_rss_mb().unwrap_or(0.0),
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let (records, edits, json, postgres) = match parse_args()? {
        Mode::Workload {
            records,
            edits,
            json,
            postgres,
        } => (records, edits, json, postgres),
        Mode::Load { config, json } => return load(config, json).await,
    };
    let dir = tempfile::tempdir()?;
    let _database = tsunagu_tests::postgres::database_for(postgres, &[dir.path()])?;
    let persons = (records / 25).max(1);
    let user_a = add_user(dir.path(), "bench.a", "support_specialist")?;
    add_user(dir.path(), "bench.b", "support_specialist")?;
    let mut person_ids = Vec::with_capacity(persons);
    for i in 0..persons {
        let id = add_person(dir.path(), &format!("ベンチ {i}"))?;
        assign(dir.path(), "bench.a", &id)?;
        assign(dir.path(), "bench.b", &id)?;
        person_ids.push(id);
    }
    let (device_a, token_a) = add_device(dir.path(), "bench.a")?;
    let (_, token_b) = add_device(dir.path(), "bench.b")?;
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();
    let mut a = NativeDevice::new(&token_a, "bench-device-a");
    let mut b = NativeDevice::new(&token_b, "bench-device-b");
    let mut rng = Rng::new(0x5453_554E_4147_5521);
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap();
    let edit = Edit {
        by: user_a.clone(),
        name: None,
        at,
    };

    let mut ids = Vec::with_capacity(records);
    let created = Instant::now();
    for n in 0..records {
        let note = workload::note(&mut rng, n, &person_ids[n % persons], &device_a, at);
        let id = a.store.create(note.record, &edit)?;
        a.store
            .edit(&id, |r| r.replace_text(note.body_field, &note.body, &edit))?;
        // A tablet persists each note as it is saved (the app's vault
        // stores this export), before any sync.
        a.store.export(&id).context("the note just made")?;
        let body = note.body_field;
        ids.push((id, body));
    }
    let create_s = created.elapsed().as_secs_f64();

    let mut rows = Vec::new();
    let row = run(&server, &url, "1 A push", "A", &mut a).await?;
    anyhow::ensure!(
        a.store.waiting() == 0,
        "phase 1 left {} changes unacknowledged",
        a.store.waiting()
    );
    rows.push(row);

    let row = run(&server, &url, "2 B download", "B", &mut b).await?;
    anyhow::ensure!(
        b.note_count() == records,
        "B holds {} of {records} notes",
        b.note_count()
    );
    rows.push(row);

    let edit = Edit {
        by: user_a.clone(),
        name: None,
        at: at + chrono::Duration::hours(1),
    };
    for (id, body) in ids.iter().take(edits) {
        let addition = japanese_text(&mut rng, 100);
        a.store.edit(id, |r| {
            let end = r.text(body)?.chars().count();
            r.splice_text(body, end, 0, &addition, &edit)
        })?;
    }
    let row = run(&server, &url, "3 A push", "A", &mut a).await?;
    rows.push(row);
    let row = run(&server, &url, "3 B pull", "B", &mut b).await?;
    rows.push(row);
    for (id, body) in &ids {
        let left = a
            .store
            .record_mut(id)
            .context("A lost a note")?
            .text(body)?;
        let right = b
            .store
            .record_mut(id)
            .context("B lacks a note")?
            .text(body)?;
        anyhow::ensure!(left == right, "note {id} differs between A and B");
    }

    println!("W(N={records}, K={edits}); notes created offline on A in {create_s:.2} s");
    println!(
        "{:<14} {:>6} {:>9} {:>12} {:>12} {:>9} {:>11} {:>11} {:>13}",
        "phase",
        "device",
        "wall_s",
        "bytes_up",
        "bytes_down",
        "frames_up",
        "frames_down",
        "round_trips",
        "server_rss_mb"
    );
    for r in &rows {
        println!(
            "{:<14} {:>6} {:>9.3} {:>12} {:>12} {:>9} {:>11} {:>11} {:>13.1}",
            r.phase,
            r.device,
            r.wall_s,
            r.stats.bytes_up,
            r.stats.bytes_down,
            r.stats.frames_up,
            r.stats.frames_down,
            r.stats.round_trips,
            r.server_rss_mb
        );
    }
    if json {
        let phases: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "phase": r.phase, "device": r.device, "wall_s": r.wall_s,
                    "bytes_up": r.stats.bytes_up, "bytes_down": r.stats.bytes_down,
                    "frames_up": r.stats.frames_up, "frames_down": r.stats.frames_down,
                    "round_trips": r.stats.round_trips, "server_rss_mb": r.server_rss_mb,
                })
            })
            .collect();
        println!("{}", serde_json::json!({ "phases": phases }));
    }
    Ok(())
}
