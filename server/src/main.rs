//! `tsunagu`: Tsunagu's server and administration command line.
// Leptos view types of the coordinator screens nest deeper than the default limit.
#![recursion_limit = "256"]

mod accounts;
mod audit;
mod caseload;
mod cli;
mod demo;
mod demo_history;
mod devices;
mod feed_hub;
mod listing;
mod programme;
mod record_locks;
mod site;
mod store;
mod sync_store;
mod sync_ws;
mod throttle;
mod web;

use anyhow::Context;
use audit::Actor;
use axum::serve::ListenerExt;
use clap::Parser;
use cli::{Cli, Command, DeviceCommand, ImportCommand, PersonCommand, ServeArgs, UserCommand};
use std::io::Write;
use std::sync::Arc;
use store::Store;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TSUNAGU_LOG")
                // automerge marks its load functions `#[instrument]`, at
                // info: recording those spans (formatting their arguments)
                // on every document load cost several percent of the
                // server's CPU under load and told an operator nothing.
                .unwrap_or_else(|_| "info,automerge=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let store = Store::open(&cli.data_dir)
        .with_context(|| format!("opening the data directory {}", cli.data_dir.display()))?;
    match cli.command {
        Command::Serve(args) => serve(store, args),
        Command::User(UserCommand::Add {
            username,
            display_name,
            role,
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let user = accounts::NewUser {
                username: &username,
                display_name: &display_name,
                role,
                password,
            };
            let id = accounts::add_user(&store, &user, chrono::Utc::now())?;
            println!("added user {username} (id {id}, role {role})");
            Ok(())
        }
        Command::Handover {
            from,
            to,
            persons,
            on,
        } => {
            let now = chrono::Utc::now();
            let on = on.unwrap_or_else(|| accounts::today(now));
            let moved =
                caseload::handover(&store, &from, &to, &persons, on, Actor::CommandLine, now)?;
            for person in &moved {
                println!("handed over {person}");
            }
            println!(
                "{} person(s) handed over from {from} to {to} on {on}",
                moved.len()
            );
            Ok(())
        }
        Command::Import(ImportCommand::Listing {
            file,
            year,
            listed_on,
            commit,
        }) => import_listing(&store, &file, year, listed_on, commit),
        Command::Device(DeviceCommand::Add { username, label }) => {
            let device = devices::add_device(
                &store,
                &username,
                &label,
                Actor::CommandLine,
                chrono::Utc::now(),
            )?;
            println!("device {}", device.id);
            println!("token {}", device.token);
            Ok(())
        }
        Command::Device(DeviceCommand::Revoke { id }) => {
            anyhow::ensure!(
                devices::revoke_device(&store, &id, Actor::CommandLine, chrono::Utc::now())?,
                "no active device {id}"
            );
            println!("revoked device {id}");
            Ok(())
        }
        Command::Person(PersonCommand::Add { display_name }) => {
            let id = caseload::add_person(&store, &display_name, chrono::Utc::now())?;
            println!("person {id}");
            Ok(())
        }
        Command::Assign {
            username,
            person_id,
            from,
            until,
        } => {
            let now = chrono::Utc::now();
            let from = from.unwrap_or_else(|| accounts::today(now));
            caseload::assign(
                &store,
                &username,
                &person_id,
                from,
                until,
                Actor::CommandLine,
                now,
            )?;
            println!("assigned {person_id} to {username} from {from}");
            Ok(())
        }
        Command::Unassign {
            username,
            person_id,
            on,
        } => {
            let now = chrono::Utc::now();
            let on = on.unwrap_or_else(|| accounts::today(now));
            let ended = caseload::end_assignment(
                &store,
                &username,
                &person_id,
                on,
                Actor::CommandLine,
                now,
            )?;
            anyhow::ensure!(
                ended > 0,
                "{username} has no assignment to {person_id} after {on}"
            );
            println!("ended {ended} assignment(s) of {username} to {person_id} on {on}");
            Ok(())
        }
    }
}

/// `tsunagu import listing`: prints the preview (row by row, then the
/// refused rows) and, with `commit`, writes it.
fn import_listing(
    store: &Store,
    file: &std::path::Path,
    year: i32,
    listed_on: Option<chrono::NaiveDate>,
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
        writeln!(out, "row {}: ERROR: {}", error.line, error.reason)?;
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
        anyhow::bail!(
            "{} row(s) have errors; nothing was written",
            preview.errors.len()
        );
    }
    if !commit {
        writeln!(
            out,
            "preview only: nothing was written (add --commit to import)"
        )?;
        return Ok(());
    }
    let (_, done) = listing::commit(store, &bytes, date, Actor::CommandLine, chrono::Utc::now())?;
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

fn serve(store: Store, args: ServeArgs) -> anyhow::Result<()> {
    let site_root = site::locate(args.site_root.as_deref());
    let bundle = site::bundle_name(&site_root)?;
    let store = Arc::new(store);
    let profiles = caseload::ensure_person_documents(&store, chrono::Utc::now())
        .context("creating missing person profile documents")?;
    if profiles > 0 {
        tracing::info!(profiles, "created profile documents for existing persons");
    }
    if args.demo {
        match demo::seed(&store, chrono::Utc::now()).context("seeding the demo programme")? {
            demo::Seeded::Created {
                users,
                persons,
                records,
            } => tracing::info!(users, persons, records, "seeded the demo programme"),
            demo::Seeded::AlreadyPopulated => {
                tracing::info!("database already has users; demo seed skipped")
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let state = web::AppState {
            leptos: site::leptos_options(&site_root, &bundle),
            store,
            feed: Arc::new(feed_hub::FeedHub::default()),
            record_locks: Arc::new(record_locks::RecordLocks::default()),
        };
        let app = web::router(state);
        // The first stdout line is the contract tests and scripts read.
        let mut out = std::io::stdout().lock();
        writeln!(out, "Tsunagu is listening on http://{addr}/")?;
        if args.demo {
            writeln!(
                out,
                "Demo login: user {} / password {}",
                demo::DEMO_LOGIN,
                demo::DEMO_PASSWORD
            )?;
            writeln!(
                out,
                "(synthetic demo data only; every demo.* account uses the same password)"
            )?;
        }
        out.flush()?;
        drop(out);
        // Sync frames are small request/answer pairs: without TCP_NODELAY,
        // Nagle and delayed ACKs add ~40 ms to every acknowledgement.
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing open requests");
}
