//! The benchmark's load mode: many devices stay connected, each making
//! edits at a steady rate for a bounded time; every edit is pushed and its
//! acknowledgement timed.

use crate::admin::{add_device, add_person, add_user, assign};
use crate::device::{LiveDevice, NativeDevice};
use crate::rng::{Rng, japanese_text};
use crate::server::ServerProcess;
use anyhow::{Context, Result};
use chrono::{TimeZone, Utc};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{Edit, FieldValue, NewRecord, new_record_id};

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Connected devices.
    pub devices: usize,
    /// Edits per second, all devices together.
    pub rate: f64,
    /// How long edits are made.
    pub seconds: f64,
    /// On a new PostgreSQL database in `TSUNAGU_TEST_POSTGRES`'s cluster
    /// instead of a SQLite file.
    pub postgres: bool,
}

/// What was measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Devices that connected.
    pub connected: usize,
    /// Edits acknowledged.
    pub accepted: usize,
    /// Edits that failed.
    pub failed: usize,
    /// Accepted edits per second of the run.
    pub edits_per_s: f64,
    /// Median acknowledgement latency, ms.
    pub p50_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Server peak RSS, MiB.
    pub server_rss_mb: f64,
    /// Time to connect every device, s.
    pub connect_s: f64,
}

/// Devices per user: a worker's tablet and a spare, so every commit is
/// also sent to one other connected device. (Each user has a person of
/// their own: the load generator runs on the same two cores as the server,
/// and applying a team-wide fan-out in 1,000 simulated tablets would
/// measure the generator, not the server.)
const DEVICES_PER_USER: usize = 2;

/// Sets up users, persons and devices, connects every device, runs the
/// edit loop for the configured time and reports.
pub async fn run(config: LoadConfig) -> Result<LoadReport> {
    anyhow::ensure!(
        config.devices > 0 && config.rate > 0.0 && config.seconds > 0.0,
        "need devices, rate and seconds > 0"
    );
    let dir = tempfile::tempdir()?;
    let _database = crate::postgres::database_for(config.postgres, &[dir.path()])?;
    let users = config.devices.div_ceil(DEVICES_PER_USER);
    let mut persons = Vec::with_capacity(users);
    let mut user_ids = Vec::with_capacity(users);
    for u in 0..users {
        let user = format!("load{u}");
        user_ids.push(add_user(dir.path(), &user, "support_specialist")?);
        let person = add_person(dir.path(), &format!("負荷 {u}"))?;
        assign(dir.path(), &user, &person)?;
        persons.push(person);
    }
    let mut tokens = Vec::with_capacity(config.devices);
    let mut device_ids = Vec::with_capacity(config.devices);
    for d in 0..config.devices {
        let (device_id, token) = add_device(dir.path(), &format!("load{}", d % users))?;
        tokens.push(token);
        device_ids.push(device_id);
    }
    let server = ServerProcess::start(dir.path(), &[])?;
    let url = server.base_url.clone();

    let connecting = Instant::now();
    let mut live = Vec::with_capacity(config.devices);
    for (d, token) in tokens.iter().enumerate() {
        let device = NativeDevice::new(token, &format!("load-device-{d}"));
        live.push(
            LiveDevice::open(device, &url)
                .await
                .with_context(|| format!("connecting device {d}"))?,
        );
    }
    let connect_s = connecting.elapsed().as_secs_f64();

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(Mutex::new(0usize));
    let period = Duration::from_secs_f64(config.devices as f64 / config.rate);
    let run_for = Duration::from_secs_f64(config.seconds);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(config.devices);
    for (d, mut device) in live.into_iter().enumerate() {
        let person = persons[d % users].clone();
        let user_id = user_ids[d % users].clone();
        let device_id = device_ids[d].clone();
        let (latencies, failures) = (latencies.clone(), failures.clone());
        let offset = period.mul_f64(d as f64 / config.devices as f64);
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(d as u64 + 1);
            let at = Utc
                .with_ymd_and_hms(2026, 8, 1, 9, 0, 0)
                .single()
                .expect("valid date");
            let edit = Edit {
                by: user_id,
                name: None,
                at,
            };
            let mut random = [0u8; 10];
            random[..8].copy_from_slice(&(d as u64).to_be_bytes());
            let new = NewRecord {
                id: new_record_id(at, random),
                kind: RecordKind::HomeVisit,
                person_id: person,
                device: device_id,
                fields: vec![
                    ("visit_kind".into(), FieldValue::Str("nursing".into())),
                    ("occurred_on".into(), FieldValue::Date(at.date_naive())),
                ],
            };
            let mut new = Some(new);
            let mut note: Option<String> = None;
            let mut next = tokio::time::Instant::now() + offset;
            while started.elapsed() < run_for {
                tokio::time::sleep_until(next).await;
                next += period;
                // Each device makes its note at its first turn, so notes
                // are created at the set rate too, not all at the start.
                if let Some(new) = new.take() {
                    match device.device.store.create(new, &edit) {
                        Ok(id) => note = Some(id),
                        Err(_) => {
                            *failures.lock().expect("lock") += 1;
                            break;
                        }
                    }
                }
                let Some(id) = note.as_deref() else { break };
                let text = japanese_text(&mut rng, 20);
                let edited = device.device.store.edit(id, |r| {
                    let end = r.text("notes")?.chars().count();
                    r.splice_text("notes", end, 0, &text, &edit)
                });
                if edited.is_err() {
                    *failures.lock().expect("lock") += 1;
                    continue;
                }
                let sent = Instant::now();
                match device.push().await {
                    Ok(()) => latencies
                        .lock()
                        .expect("lock")
                        .push(sent.elapsed().as_secs_f64() * 1000.0),
                    Err(_) => *failures.lock().expect("lock") += 1,
                }
            }
            device
        }));
    }
    let mut finished = Vec::with_capacity(tasks.len());
    for task in tasks {
        finished.push(task.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let server_rss_mb = server.peak_rss_mb().unwrap_or(0.0);
    for device in finished {
        device.close().await;
    }
    let mut latencies = std::mem::take(&mut *latencies.lock().expect("lock"));
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        if latencies.is_empty() {
            f64::NAN
        } else {
            latencies[((latencies.len() - 1) as f64 * p).round() as usize]
        }
    };
    let failed = *failures.lock().expect("lock");
    Ok(LoadReport {
        connected: config.devices,
        accepted: latencies.len(),
        failed,
        edits_per_s: latencies.len() as f64 / elapsed,
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        server_rss_mb,
        connect_s,
    })
}
