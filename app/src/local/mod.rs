//! The device side of the app: the encrypted local store, the sync
//! connection, and what the pages read from them.
//!
//! Pages never wait on the network: they read the in-memory working copy
//! and save to IndexedDB; the sync connection runs beside them. On the
//! server (SSR) there is no device, so the readers return nothing and the
//! pages render their "starting" frame.

pub mod attention;
pub mod edits;
pub mod read;
pub mod receipts;
pub mod screen;
pub mod state;
pub mod stored_entry;
pub mod unlock_guard;

#[cfg(feature = "hydrate")]
mod access_queue;
#[cfg(feature = "hydrate")]
mod connection;
#[cfg(feature = "hydrate")]
mod crypto;
#[cfg(feature = "hydrate")]
mod device_api;
#[cfg(feature = "hydrate")]
mod device_lock;
#[cfg(feature = "hydrate")]
mod device_tokens;
#[cfg(feature = "hydrate")]
mod idb;
#[cfg(feature = "hydrate")]
mod js;
#[cfg(feature = "hydrate")]
pub mod runtime;
#[cfg(feature = "hydrate")]
pub mod saving;
#[cfg(feature = "hydrate")]
pub mod unlock;
#[cfg(feature = "hydrate")]
pub mod vault;
#[cfg(feature = "hydrate")]
mod vault_format;
#[cfg(feature = "hydrate")]
mod wipe;
#[cfg(feature = "hydrate")]
mod wipe_report;
#[cfg(feature = "hydrate")]
mod working_copy;

use read::Summary;
use std::collections::BTreeMap;
use tsunagu_sync::session::device_store::DeviceStore;

/// Runs `read` over the unlocked device's records and their summaries;
/// `None` when locked (or on the server). Lists should use the summaries:
/// a record itself may be dormant and is loaded by `record_mut`.
pub fn with_device<R>(
    read: impl FnOnce(&mut DeviceStore, &BTreeMap<String, Summary>) -> R,
) -> Option<R> {
    #[cfg(feature = "hydrate")]
    {
        runtime::with_device(read)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = read;
        None
    }
}

/// The unlocked user's id, role and name, if unlocked.
pub fn current_user() -> Option<crate::account::SignedInUser> {
    #[cfg(feature = "hydrate")]
    {
        runtime::identity().map(|identity| identity.user)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Notes in the device's access log that the user opened or saved
/// something (ids only); sent to the server's audit trail with the next
/// connection. Nothing on the server (which renders no records).
pub fn record_access(kind: crate::access_log::AccessKind, id: &str) {
    #[cfg(feature = "hydrate")]
    {
        runtime::record_access(kind, id);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (kind, id);
    }
}
