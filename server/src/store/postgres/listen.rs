//! What other servers (and the command line) commit to the same
//! PostgreSQL database, heard through `LISTEN`/`NOTIFY`: the schema's
//! triggers notify `tsunagu_feed` with the person of each new feed entry
//! and `tsunagu_change` when assignments, accounts or devices change (the
//! changes that end or move a caseload). SQLite's equivalent is the
//! `data_version` check; this is what lets several instances share one
//! database.
//!
//! One thread per store holds a connection that only listens. While it is
//! not connected nothing is heard, so every (re)connection counts as a
//! change: each open device looks its caseload up again, as after any
//! change it did not hear about.

use super::conn::Connector;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The channel feed entries are announced on (payload: the person id).
pub const FEED_CHANNEL: &str = "tsunagu_feed";

/// The channel caseload changes are announced on.
pub const CHANGE_CHANNEL: &str = "tsunagu_change";

/// What to call with the persons whose feed grew elsewhere.
pub type FeedWaker = Box<dyn Fn(&[String]) + Send + Sync>;

/// What the listening thread heard, for the store to hand out.
pub struct Heard {
    changed: AtomicBool,
    wake: Mutex<Option<FeedWaker>>,
}

impl Heard {
    /// Whether a caseload change was heard since the last call (or the
    /// listener was not connected meanwhile).
    pub fn changed(&self) -> bool {
        self.changed.swap(false, Ordering::AcqRel)
    }

    /// Calls `wake` with the persons of each feed entry committed from now
    /// on, by any server.
    pub fn on_feed(&self, wake: FeedWaker) {
        *self.wake.lock().unwrap_or_else(|p| p.into_inner()) = Some(wake);
    }

    fn feed_grew(&self, persons: &[String]) {
        if let Some(wake) = &*self.wake.lock().unwrap_or_else(|p| p.into_inner()) {
            wake(persons);
        }
    }
}

/// Starts the listening thread on a connection of its own to `config`;
/// it runs as long as the process, reconnecting after a second when the
/// connection fails.
pub(super) fn start(connector: Connector) -> std::io::Result<Arc<Heard>> {
    let heard = Arc::new(Heard {
        changed: AtomicBool::new(true),
        wake: Mutex::new(None),
    });
    let listening = heard.clone();
    std::thread::Builder::new()
        .name("tsunagu-listen".into())
        .spawn(move || {
            loop {
                if let Err(error) = listen(&connector, &listening) {
                    tracing::warn!(%error, "not hearing other servers' commits; retrying");
                }
                listening.changed.store(true, Ordering::Release);
                std::thread::sleep(Duration::from_secs(1));
            }
        })?;
    Ok(heard)
}

/// Listens until the connection fails.
fn listen(connector: &Connector, heard: &Heard) -> Result<(), postgres::Error> {
    let mut client = connector.config.connect(connector.tls.clone())?;
    client.batch_execute(&format!("LISTEN {FEED_CHANNEL}; LISTEN {CHANGE_CHANNEL}"))?;
    // Anything may have been committed while nobody listened.
    heard.changed.store(true, Ordering::Release);
    let mut notifications = client.notifications();
    let mut arrived = notifications.blocking_iter();
    use postgres::fallible_iterator::FallibleIterator;
    tracing::debug!("listening for other servers' commits");
    while let Some(notification) = arrived.next()? {
        tracing::debug!(channel = notification.channel(), "heard a commit");
        // The payload starts with the committing store's instance.
        let payload = notification.payload();
        let (from, person) = payload.split_once(' ').unwrap_or((payload, ""));
        if from == connector.instance {
            continue;
        }
        match notification.channel() {
            FEED_CHANNEL => heard.feed_grew(&[person.to_owned()]),
            _ => heard.changed.store(true, Ordering::Release),
        }
    }
    Ok(())
}
