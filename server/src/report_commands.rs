//! `tsunagu import events`, `tsunagu costs set` and `tsunagu report
//! outcome`: thin over [`crate::event_import`] and [`crate::outcome`].

use crate::cli::ReportFormat;
use crate::store::Store;
use crate::store::audit::Actor;
use crate::{event_import, outcome};
use anyhow::Context;
use chrono::{NaiveDate, Utc};
use std::io::Write;
use std::path::Path;
use tsunagu_app::listing_refusal::FileProblem;
use tsunagu_sync::outcome::{Range, YearCosts, render};

/// `tsunagu import events FILE [--commit]`.
pub fn import_events(store: &Store, file: &Path, commit: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let now = Utc::now();
    let preview = event_import::preview(store, &bytes, tsunagu_sync::japan_time::date(now))?;
    let mut out = std::io::stdout().lock();
    for planned in &preview.rows {
        let row = &planned.row;
        let state = if planned.already {
            "already imported"
        } else {
            "new"
        };
        writeln!(
            out,
            "row {}: {} {} {} on {}: {state}",
            row.line,
            row.recipient_number,
            row.event.name(),
            row.event.detail(),
            row.on
        )?;
    }
    for error in &preview.errors {
        writeln!(out, "row {}: ERROR: {}", error.line, error.reason())?;
    }
    let fresh = preview.rows.iter().filter(|p| !p.already).count();
    writeln!(
        out,
        "events: {} row(s) accepted ({fresh} new), {} refused",
        preview.rows.len(),
        preview.errors.len()
    )?;
    if !preview.errors.is_empty() {
        anyhow::bail!(FileProblem::RowsRefused(preview.errors.len()));
    }
    if !commit {
        writeln!(
            out,
            "preview only: nothing was written (add --commit to import)"
        )?;
        return Ok(());
    }
    let (_, done) = event_import::commit(store, &bytes, Actor::CommandLine, now)?;
    writeln!(
        out,
        "imported: {} record(s) written, {} already there",
        done.written, done.already
    )?;
    Ok(())
}

/// `tsunagu costs set --year YYYY [--inpatient-monthly YEN] [--programme YEN]`.
pub fn set_costs(
    store: &Store,
    year: i32,
    inpatient_monthly: Option<u64>,
    programme: Option<u64>,
) -> anyhow::Result<()> {
    let given = YearCosts {
        inpatient_monthly_yen: inpatient_monthly,
        programme_yen: programme,
    };
    let now = outcome::set_costs(store, year, given, Actor::CommandLine, Utc::now())?;
    let yen = |v: Option<u64>| v.map_or("not set".to_owned(), |v| format!("{v} yen"));
    writeln!(
        std::io::stdout(),
        "fiscal {year}: inpatient monthly {}, programme {}",
        yen(now.inpatient_monthly_yen),
        yen(now.programme_yen)
    )?;
    Ok(())
}

/// `tsunagu report outcome --from YYYY --to YYYY [--cut-off DAY] [--format ...]`.
pub fn outcome(
    store: &Store,
    from_year: i32,
    to_year: i32,
    cut_off: Option<NaiveDate>,
    format: ReportFormat,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        from_year <= to_year,
        "--from {from_year} is after --to {to_year}"
    );
    let now = Utc::now();
    let cut_off = cut_off.unwrap_or_else(|| tsunagu_sync::japan_time::date(now));
    outcome::summarise_records(store).context("summarising stored records")?;
    let range = Range {
        from_year,
        to_year,
        cut_off,
    };
    let name = match format {
        ReportFormat::Text => "text",
        ReportFormat::Csv => "csv",
        ReportFormat::Json => "json",
    };
    let report = outcome::read_report(store, range, Actor::CommandLine, name, now)?;
    let printed = match format {
        ReportFormat::Text => render::text(&report),
        ReportFormat::Csv => render::csv(&report, true),
        ReportFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    std::io::stdout().lock().write_all(printed.as_bytes())?;
    Ok(())
}
