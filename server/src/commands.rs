//! The administration subcommands: each reads its arguments, calls the
//! domain function and prints what happened. `serve` is in [`crate::serve`].

use crate::accounts::{self, NewUser};
use crate::caseload;
use crate::devices;
use crate::listing;
use crate::persons;
use crate::store::Store;
use crate::store::audit::Actor;
use anyhow::Context;
use chrono::{NaiveDate, Utc};
use std::io::Write;
use std::path::Path;
use tsunagu_app::listing_refusal::FileProblem;
use tsunagu_sync::policy::japan_date;
use tsunagu_sync::role::Role;

/// Opens the store: the PostgreSQL database at `database` when given,
/// else the SQLite file in `data_dir` (for `serve`, `checked`: an existing
/// file must pass SQLite's `quick_check` first). Says which failed,
/// without the URL, which may hold a password.
pub fn open_store(data_dir: &Path, database: Option<&str>, checked: bool) -> anyhow::Result<Store> {
    match database {
        Some(url) => Store::open_postgres(url).context("opening the PostgreSQL database"),
        None if checked => Store::open_checked(data_dir)
            .with_context(|| format!("opening the data directory {}", data_dir.display())),
        None => Store::open(data_dir)
            .with_context(|| format!("opening the data directory {}", data_dir.display())),
    }
}

/// `tsunagu renew-history`: a database put back by other means than
/// `tsunagu restore` is told it is another history now.
pub fn renew_history(store: &Store) -> anyhow::Result<()> {
    let id = store.write(crate::store::history::renew_in)?;
    writeln!(
        std::io::stdout(),
        "the database's history id is now {id}: tablets will give back what it lost"
    )?;
    Ok(())
}

/// `tsunagu backup --to FILE`.
pub fn backup(store: &Store, to: &Path) -> anyhow::Result<()> {
    if store.dialect() == crate::store::Dialect::Postgres {
        anyhow::bail!(
            "tsunagu backup copies a SQLite database; back PostgreSQL up with pg_dump or \
             continuous archiving (docs/DEPLOY.md)"
        );
    }
    let done = store.backup_to(to)?;
    writeln!(
        std::io::stdout(),
        "backup written to {}: {:.1} MB, schema version {}, checked (integrity ok), in {:.2} s",
        to.display(),
        done.bytes as f64 / 1e6,
        done.schema_version,
        done.took.as_secs_f64()
    )?;
    Ok(())
}

/// `tsunagu audit verify`: fails when the chain is broken.
pub fn verify_audit(store: &Store) -> anyhow::Result<()> {
    use crate::store::audit_chain::{self, BreakReason};
    let verdict = store.read_snapshot(audit_chain::verify)?;
    let head: String = verdict.head.iter().map(|b| format!("{b:02x}")).collect();
    match verdict.broken {
        None => {
            writeln!(
                std::io::stdout(),
                "audit trail intact: {} entries, head {head}",
                verdict.entries
            )?;
            Ok(())
        }
        Some(broken) => {
            let why = match broken.reason {
                BreakReason::ContentChanged => "its content was changed",
                BreakReason::PreviousChanged => "the entry before it was deleted or changed",
                BreakReason::Unsealed => "it was never sealed",
            };
            anyhow::bail!(
                "audit trail broken at entry {} (written {}): {why}",
                broken.id,
                broken.at
            )
        }
    }
}

/// `tsunagu restore --from FILE [--force]`.
pub fn restore(data_dir: &Path, from: &Path, force: bool) -> anyhow::Result<()> {
    let done = crate::store::backup::restore(data_dir, from, force, Utc::now().timestamp())?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "restored {} into {} (schema version {})",
        from.display(),
        data_dir.display(),
        done.schema_version
    )?;
    if let Some(aside) = done.replaced {
        writeln!(
            out,
            "the database it replaced is kept as {}",
            aside.display()
        )?;
    }
    Ok(())
}

/// `tsunagu user add`: the password comes from the first line of standard input.
pub fn add_user(
    store: &Store,
    username: &str,
    display_name: &str,
    role: Role,
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let user = NewUser {
        username,
        display_name,
        role,
        password,
    };
    let id = accounts::add_user(store, &user, Utc::now())?;
    println!("added user {username} (id {id}, role {role})");
    Ok(())
}

/// `tsunagu handover`.
pub fn handover(
    store: &Store,
    from: &str,
    to: &str,
    persons: &[String],
    on: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let on = on.unwrap_or_else(|| japan_date(now));
    let moved = caseload::handover(store, from, to, persons, on, Actor::CommandLine, now)?;
    for person in &moved {
        println!("handed over {person}");
    }
    println!(
        "{} person(s) handed over from {from} to {to} on {on}",
        moved.len()
    );
    Ok(())
}

/// `tsunagu device add`: prints the device id and its token (shown once).
pub fn add_device(store: &Store, username: &str, label: &str) -> anyhow::Result<()> {
    let device = devices::add_device(store, username, label, Actor::CommandLine, Utc::now())?;
    println!("device {}", device.id);
    println!("token {}", device.token);
    Ok(())
}

/// `tsunagu device report-lost`.
pub fn report_lost(store: &Store, id: &str) -> anyhow::Result<()> {
    let ordered = devices::report_lost(store, id, Actor::CommandLine, Utc::now())?;
    anyhow::ensure!(
        ordered,
        "no device {id}, or it was reported lost already (see `tsunagu device list`)"
    );
    println!("device {id} reported lost: it is revoked and wipes itself at its next contact");
    Ok(())
}

/// `tsunagu device revoke`.
pub fn revoke_device(store: &Store, id: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        devices::revoke_device(store, id, Actor::CommandLine, Utc::now())?,
        "no active device {id}"
    );
    println!("revoked device {id}");
    Ok(())
}

/// `tsunagu device list [--username NAME]`: one line per device.
pub fn list_devices(store: &Store, username: Option<&str>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for d in devices::inventory(store, username)? {
        let state = match (&d.wiped_at, &d.wipe_ordered_at, &d.revoked_at) {
            (Some(at), _, _) => format!("wiped {at}"),
            (None, Some(at), _) => format!("reported lost {at}, wipe not confirmed yet"),
            (None, None, Some(at)) => format!("revoked {at}"),
            (None, None, None) => "active".to_owned(),
        };
        let acknowledged = d
            .last_acknowledged
            .map_or("nothing stored".to_owned(), |at| {
                format!("{} change(s), newest stored {at}", d.changes)
            });
        writeln!(
            out,
            "{}\t{}\t{}\t{state}\tregistered {}\tlast contact {}\t{acknowledged}",
            d.id,
            d.username,
            d.label,
            d.registered_at,
            d.last_contact.as_deref().unwrap_or("never"),
        )?;
    }
    Ok(())
}

/// `tsunagu user list`.
pub fn list_users(store: &Store) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for a in crate::staff::list(store)? {
        let state = a
            .disabled_at
            .map_or("active".to_owned(), |at| format!("disabled {at}"));
        writeln!(
            out,
            "{}\t{}\t{}\t{state}\t{} device(s)\tlast contact {}\t{}",
            a.username,
            a.display_name,
            a.role,
            a.active_devices,
            a.last_contact.as_deref().unwrap_or("never"),
            if a.second_factor {
                "second factor"
            } else {
                "no second factor"
            }
        )?;
    }
    Ok(())
}

/// `tsunagu user disable --username NAME`.
pub fn disable_user(store: &Store, username: &str) -> anyhow::Result<()> {
    let done = crate::staff::disable(store, username, Actor::CommandLine, Utc::now())?;
    println!(
        "disabled {username}: {} session(s) ended, {} device(s) revoked; their records stay",
        done.sessions, done.devices
    );
    Ok(())
}

/// `tsunagu user reset-password --username NAME`: prints the temporary
/// password once (it is not stored).
pub fn reset_password(store: &Store, username: &str) -> anyhow::Result<()> {
    let password = crate::passwords::reset(store, username, Actor::CommandLine, Utc::now())?;
    println!("temporary password for {username}: {password}");
    println!("hand it over in person; they choose their own at their next sign-in");
    Ok(())
}

/// `tsunagu user reset-second-factor --username NAME`.
pub fn reset_second_factor(store: &Store, username: &str) -> anyhow::Result<()> {
    let had = crate::second_factor::reset(store, username, Actor::CommandLine, Utc::now())?;
    if had {
        println!(
            "removed {username}'s second factor and recovery codes; they set one up again at their next sign-in"
        );
    } else {
        println!("{username} had no second factor; their next sign-in sets one up");
    }
    Ok(())
}

/// `tsunagu user enable --username NAME`.
pub fn enable_user(store: &Store, username: &str) -> anyhow::Result<()> {
    crate::staff::enable(store, username, Actor::CommandLine, Utc::now())?;
    println!("enabled {username}; their devices stay revoked (they sign in again)");
    Ok(())
}

/// `tsunagu person add`.
pub fn add_person(store: &Store, display_name: &str) -> anyhow::Result<()> {
    let id = persons::add_person(store, display_name, Utc::now())?;
    println!("person {id}");
    Ok(())
}

/// `tsunagu assign`.
pub fn assign(
    store: &Store,
    username: &str,
    person_id: &str,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let from = from.unwrap_or_else(|| japan_date(now));
    caseload::assign(
        store,
        username,
        person_id,
        from,
        until,
        Actor::CommandLine,
        now,
    )?;
    println!("assigned {person_id} to {username} from {from}");
    Ok(())
}

/// `tsunagu unassign`.
pub fn unassign(
    store: &Store,
    username: &str,
    person_id: &str,
    on: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let on = on.unwrap_or_else(|| japan_date(now));
    let ended = caseload::end_assignment(store, username, person_id, on, Actor::CommandLine, now)?;
    anyhow::ensure!(
        ended > 0,
        "{username} has no assignment to {person_id} after {on}"
    );
    println!("ended {ended} assignment(s) of {username} to {person_id} on {on}");
    Ok(())
}

/// `tsunagu import listing`: prints the preview (row by row, then the
/// refused rows) and, with `commit`, writes it.
pub fn import_listing(
    store: &Store,
    file: &Path,
    year: i32,
    listed_on: Option<NaiveDate>,
    commit: bool,
) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let date = listing::ListingDate::new(year, listed_on)
        .with_context(|| format!("{year} is not a usable fiscal year"))?;
    let preview = listing::preview(store, &bytes, date)?;
    let mut out = std::io::stdout().lock();
    for planned in &preview.rows {
        let what = match &planned.plan {
            listing::Plan::NewPerson => "new person",
            listing::Plan::KnownPerson { .. } => "known person",
            listing::Plan::AlreadyListed { .. } => "already listed",
        };
        let flag = if planned.short_stay {
            "  FLAG: stay under 365 days"
        } else {
            ""
        };
        writeln!(
            out,
            "row {}: {what}: {} ({}), stay {} days, caseworker {}{flag}",
            planned.row.line,
            planned.row.name,
            planned.row.recipient_number,
            planned.stay_days,
            planned.caseworker
        )?;
    }
    for error in &preview.errors {
        writeln!(out, "row {}: ERROR: {}", error.line, error.reason())?;
    }
    let flagged = preview.rows.iter().filter(|r| r.short_stay).count();
    writeln!(
        out,
        "listing {year} (listed on {}): {} row(s) accepted, {} refused, {flagged} flagged",
        date.listed_on,
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
    let (_, done) = listing::commit(store, &bytes, date, Actor::CommandLine, Utc::now())?;
    writeln!(
        out,
        "imported: {} new person(s), {} listed, {} already listed, {} flagged",
        done.new_persons, done.listed, done.already_listed, done.flagged
    )?;
    tracing::info!(
        year,
        new_persons = done.new_persons,
        listed = done.listed,
        "listing imported"
    );
    Ok(())
}
