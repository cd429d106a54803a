//! `report-bench`: how long `tsunagu report outcome` takes over a large
//! programme, through the real binary and a real SQLite file.
//!
//! Builds P invented persons (listings over ten fiscal years) and about
//! R records each, brought in by `tsunagu import events` (a first
//! interview, then discharge/readmission cycles; some die), sets costs,
//! then times `report outcome --format json` three times, and a `backup`
//! of the database and its `restore`, and prints the figures.
//!
//! `cargo run -p tsunagu-tests --release --bin report-bench -- --persons 10000 --records 20`
//! (build the server first: `cargo build --release -p tsunagu`).

use anyhow::{Context, Result, ensure};
use chrono::{Days, NaiveDate};
use std::fmt::Write as _;
use std::time::Instant;
use tsunagu_tests::admin::{add_user, cli};
use tsunagu_tests::rng::Rng;
use tsunagu_tests::server::tsunagu;

const USAGE: &str = "use --persons P --records R";
const FIRST_YEAR: i32 = 2014;
const YEARS: i32 = 10;

fn parse_args() -> Result<(usize, usize)> {
    let (mut persons, mut records) = (10_000, 20);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args
            .next()
            .with_context(|| format!("{arg} needs a value; {USAGE}"))?;
        match arg.as_str() {
            "--persons" => persons = value.parse()?,
            "--records" => records = value.parse()?,
            _ => anyhow::bail!("unknown argument {arg}; {USAGE}"),
        }
    }
    Ok((persons, records.max(2)))
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or_default()
}

/// The listing files (one per fiscal year) and the events file.
fn files(persons: usize, records: usize) -> (Vec<(i32, String)>, String, usize) {
    let head = "受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー\n";
    let mut listings: Vec<(i32, String)> = (0..YEARS)
        .map(|y| (FIRST_YEAR + y, head.to_owned()))
        .collect();
    let mut events = String::from("recipient_number,event,date,detail\n");
    let mut rng = Rng::new(7);
    const DESTINATIONS: [&str; 5] = [
        "living_alone",
        "with_family",
        "group_home",
        "elderly_facility",
        "relief_facility",
    ];
    for p in 0..persons {
        let year = FIRST_YEAR + (p as i32 % YEARS);
        let number = format!("B-{p:06}");
        let admitted = day(year - 1 - (p as i32 % 15), 1 + (p % 12) as u32, 1);
        let _ = writeln!(
            listings[(year - FIRST_YEAR) as usize].1,
            "{number},架空 太郎{p},カクウ タロウ,1960-01-01,男,架空山病院,第1病棟,{admitted},bench.cw"
        );
        // Each person has a profile and a card; the rest are events: a
        // first interview, then discharges and readmissions in turn, and
        // for one in seventeen a death.
        let mut on = day(year, 5, 1) + Days::new(rng.below(60) as u64);
        let _ = writeln!(events, "{number},first_interview,{on},");
        for step in 0..records.saturating_sub(3) {
            on = on + Days::new(10 + rng.below(40) as u64);
            if on > day(2025, 3, 1) {
                break;
            }
            if step % 2 == 1 {
                let _ = writeln!(events, "{number},readmitted,{on},");
            } else {
                let destination = DESTINATIONS[rng.below(DESTINATIONS.len())];
                let _ = writeln!(events, "{number},discharged,{on},{destination}");
            }
        }
        if p % 17 == 0 && on < day(2025, 3, 1) {
            on = on + Days::new(10);
            let _ = writeln!(events, "{number},died,{on},");
        }
    }
    let count = events.lines().count() - 1;
    (listings, events, count)
}

fn main() -> Result<()> {
    let (persons, records) = parse_args()?;
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    add_user(data, "bench.cw", "caseworker")?;
    let (listings, events, event_rows) = files(persons, records);
    let started = Instant::now();
    for (year, body) in &listings {
        let file = data.join(format!("listing-{year}.csv"));
        std::fs::write(&file, body)?;
        let year = year.to_string();
        cli(
            data,
            &[
                "import",
                "listing",
                &file.to_string_lossy(),
                "--year",
                &year,
                "--commit",
            ],
            None,
        )?;
    }
    let file = data.join("events.csv");
    std::fs::write(&file, &events)?;
    cli(
        data,
        &["import", "events", &file.to_string_lossy(), "--commit"],
        None,
    )?;
    for year in FIRST_YEAR..FIRST_YEAR + YEARS {
        let year = year.to_string();
        cli(
            data,
            &[
                "costs",
                "set",
                "--year",
                &year,
                "--inpatient-monthly",
                "372250",
                "--programme",
                "8000000",
            ],
            None,
        )?;
    }
    let setup_s = started.elapsed().as_secs_f64();
    let db_mb = std::fs::metadata(data.join("tsunagu.sqlite3"))?.len() as f64 / 1e6;
    println!(
        "programme: {persons} persons, {event_rows} imported events (+ profile and card per person), database {db_mb:.1} MB, set up in {setup_s:.1} s"
    );
    let to = (FIRST_YEAR + YEARS - 1).to_string();
    let from = FIRST_YEAR.to_string();
    for run in 1..=3 {
        let started = Instant::now();
        let output = tsunagu(data)?
            .args([
                "report",
                "outcome",
                "--from",
                &from,
                "--to",
                &to,
                "--cut-off",
                "2025-03-31",
                "--format",
                "json",
            ])
            .output()?;
        let took = started.elapsed().as_secs_f64();
        ensure!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let c = &report["cumulative"];
        println!(
            "report outcome run {run}: {took:.3} s (listed {}, discharged {}, community days {}, effect {} yen)",
            c["listed"], c["discharged"], c["community_days"], c["effect_yen"]
        );
    }
    // The same database backed up while nothing else runs, and restored.
    let backup = dir.path().join("backup.sqlite3");
    let started = Instant::now();
    cli(data, &["backup", "--to", &backup.to_string_lossy()], None)?;
    let backup_s = started.elapsed().as_secs_f64();
    let restored = dir.path().join("restored");
    let started = Instant::now();
    cli(
        &restored,
        &["restore", "--from", &backup.to_string_lossy()],
        None,
    )?;
    let restore_s = started.elapsed().as_secs_f64();
    let backup_mb = std::fs::metadata(&backup)?.len() as f64 / 1e6;
    println!(
        "backup: {backup_mb:.1} MB written and integrity-checked in {backup_s:.3} s; restore (checked, copied, fsynced) in {restore_s:.3} s"
    );
    Ok(())
}
