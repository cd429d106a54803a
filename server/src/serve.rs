//! `tsunagu serve`: prepares the store, seeds the demo if asked, and
//! serves HTTP and the sync WebSocket until SIGINT or SIGTERM.

use crate::cli::ServeArgs;
use crate::second_factor::SecondFactorPolicy;
use crate::state::AppState;
use crate::store::Store;
use crate::{connections, demo, feed_hub, persons, record_locks, site, web};
use anyhow::Context;
use axum::serve::ListenerExt;
use std::io::Write;
use std::sync::Arc;

/// Runs the server on `store` until a shutdown signal, with `data_dir`
/// for what it unpacks (the store's own directory on SQLite); `carried`
/// writes out the browser bundle the binary carries (see
/// [`site::locate`]).
pub fn run(
    store: Store,
    data_dir: &std::path::Path,
    args: ServeArgs,
    carried: site::UnpackCarried,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    // One server per data directory; a restore waits for it to stop.
    let _lock = crate::store::backup::ServerLock::acquire(data_dir)
        .context("locking the data directory")?;
    let site_root = site::locate(args.site_root.as_deref(), data_dir, carried)?;
    let bundle = site::bundle_name(&site_root)?;
    let store = Arc::new(store);
    let profiles = persons::ensure_person_documents(&store, chrono::Utc::now())
        .context("creating missing person profile documents")?;
    if profiles > 0 {
        tracing::info!(profiles, "created profile documents for existing persons");
    }
    let summarised = crate::outcome::summarise_records(&store)
        .context("summarising stored records for the outcome report")?;
    if summarised > 0 {
        tracing::info!(
            summarised,
            "summarised stored records for the outcome report"
        );
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
    // The demo's accounts have no second factor: it would need a phone
    // to try the demo.
    let second_factor = args.second_factor.unwrap_or(if args.demo {
        SecondFactorPolicy::Optional
    } else {
        SecondFactorPolicy::Required
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr()?;
        let state = AppState {
            leptos: site::leptos_options(&site_root, &bundle),
            store,
            feed: Arc::new(feed_hub::FeedHub::default()),
            record_locks: Arc::new(record_locks::RecordLocks::default()),
            connections: Arc::new(connections::Connections::default()),
            token_policy: crate::devices::TokenPolicy {
                idle_days: args.device_idle_days,
            },
            unlock_policy: tsunagu_app::account::UnlockPolicy {
                attempts: args.unlock_attempts,
                delay_ms: args.unlock_delay_ms,
            },
            second_factor,
            retention: crate::retention::Retention {
                ended_months: args.retain_ended_months,
            },
            secure_transport: args
                .public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
        };
        // Another server on the same PostgreSQL database commits a note:
        // wake this server's connections holding that person.
        let feed = state.feed.clone();
        state
            .store
            .on_feed_elsewhere(move |persons| feed.announce(u64::MAX, persons))
            .context("listening for other servers' commits")?;
        tokio::spawn(connections::watch(
            state.store.clone(),
            state.connections.clone(),
            state.feed.clone(),
        ));
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
            writeln!(
                out,
                "Two-factor sign-in: {}",
                match second_factor {
                    SecondFactorPolicy::Optional => {
                        "optional; the demo accounts have no second factor (real deployments require one)"
                    }
                    SecondFactorPolicy::Required => {
                        "required; each demo account sets up its authenticator app at its first sign-in"
                    }
                }
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
