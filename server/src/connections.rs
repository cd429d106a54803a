//! The open sync connections by device, so that revoking a device (or
//! disabling its user, or reporting the device lost) closes them within a
//! second, whichever process made the change: the command line writes the
//! database, not this server's memory, so [`watch`] looks the connected
//! devices up once a second. It also notices any other commit from outside
//! (an assignment or a listing import on the command line) and has every
//! connection look its caseload up again, within the same second.

use crate::feed_hub::FeedHub;
use crate::store::{Store, devices, devices::Ended};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;

/// How often the connected devices are looked up.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The registry of open connections by device id.
#[derive(Default)]
pub struct Connections {
    next_id: AtomicU64,
    by_device: Mutex<HashMap<String, HashMap<u64, Arc<Ending>>>>,
}

/// Tells one connection to close, and whether its device must wipe itself.
#[derive(Default)]
pub struct Ending {
    notify: Notify,
    wipe: AtomicBool,
}

impl Ending {
    /// Waits until the connection must close.
    pub async fn notified(&self) {
        self.notify.notified().await
    }

    /// The device was reported lost: tell it to wipe itself as it closes.
    pub fn wipe(&self) -> bool {
        self.wipe.load(Ordering::Acquire)
    }
}

/// One connection's registration; unregisters when dropped.
pub struct Registration {
    connections: Arc<Connections>,
    device: String,
    id: u64,
    /// Fires when the device may no longer sync: close the connection.
    pub revoked: Arc<Ending>,
}

impl Connections {
    fn registry(&self) -> MutexGuard<'_, HashMap<String, HashMap<u64, Arc<Ending>>>> {
        self.by_device.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a connection of `device`.
    pub fn register(self: &Arc<Self>, device: &str) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let revoked = Arc::new(Ending::default());
        self.registry()
            .entry(device.to_owned())
            .or_default()
            .insert(id, revoked.clone());
        Registration {
            connections: self.clone(),
            device: device.to_owned(),
            id,
            revoked,
        }
    }

    /// The devices with an open connection.
    pub fn devices(&self) -> Vec<String> {
        self.registry().keys().cloned().collect()
    }

    /// Tells every connection of these devices to close (and to wipe
    /// the devices reported lost).
    pub fn revoke(&self, ended: &[Ended]) {
        let registry = self.registry();
        for device in ended {
            for ending in registry
                .get(&device.device_id)
                .into_iter()
                .flat_map(|c| c.values())
            {
                ending.wipe.store(device.wipe, Ordering::Release);
                ending.notify.notify_one();
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut registry = self.connections.registry();
        if let Some(of_device) = registry.get_mut(&self.device) {
            of_device.remove(&self.id);
            if of_device.is_empty() {
                registry.remove(&self.device);
            }
        }
    }
}

/// Every [`CHECK_EVERY`], closes the connections of devices that may no
/// longer sync, and after a commit from outside this server wakes every
/// connection to look its caseload up. Runs until the server stops; a
/// failed look-up is retried at the next tick (each frame is checked on
/// its own as well).
pub async fn watch(store: Arc<Store>, connections: Arc<Connections>, feed: Arc<FeedHub>) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let changes = store.clone();
        match tokio::task::spawn_blocking(move || changes.changed_elsewhere()).await {
            Ok(Ok(true)) => feed.all_caseloads_changed(),
            Ok(Ok(false)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "could not look for outside changes"),
            Err(error) => tracing::warn!(%error, "the look for outside changes did not finish"),
        }
        let connected = connections.devices();
        if connected.is_empty() {
            continue;
        }
        let store = store.clone();
        let gone = tokio::task::spawn_blocking(move || {
            store.read(|tx| devices::no_longer_active(tx, &connected))
        })
        .await;
        match gone {
            Ok(Ok(gone)) if !gone.is_empty() => {
                tracing::info!(devices = gone.len(), "closing revoked devices' connections");
                connections.revoke(&gone);
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "could not check connected devices"),
            Err(error) => tracing::warn!(%error, "the device check did not finish"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_revoked_device_s_connections_are_told_and_others_are_not() {
        let connections = Arc::new(Connections::default());
        let a1 = connections.register("a");
        let a2 = connections.register("a");
        let b = connections.register("b");
        let mut devices = connections.devices();
        devices.sort();
        assert_eq!(devices, ["a", "b"]);
        connections.revoke(&[Ended {
            device_id: "a".to_owned(),
            wipe: true,
        }]);
        for told in [&a1, &a2] {
            tokio::time::timeout(Duration::from_millis(100), told.revoked.notified())
                .await
                .expect("told to close");
            assert!(told.revoked.wipe(), "and to wipe");
        }
        assert!(
            tokio::time::timeout(Duration::from_millis(50), b.revoked.notified())
                .await
                .is_err(),
            "another device is left alone"
        );
        drop((a1, a2));
        assert_eq!(connections.devices(), ["b"]);
    }
}
