//! Who to wake after a sync commit: each open connection registers the
//! persons on its caseload, and a commit notifies only the connections
//! holding one of the persons it touched (never the committing one).
//! With a thousand tablets connected, waking every connection on every
//! commit cost more than the commits themselves.
//!
//! Caseload changes (a listing import, an assignment, a handover) are rare
//! and may add persons a connection does not hold yet, so they wake every
//! connection to look its caseload up again.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{Notify, watch};

/// The registry of open connections by person.
pub struct FeedHub {
    next_id: AtomicU64,
    inner: Mutex<Registry>,
    caseloads: watch::Sender<u64>,
}

impl Default for FeedHub {
    fn default() -> Self {
        FeedHub {
            next_id: AtomicU64::new(0),
            inner: Mutex::default(),
            caseloads: watch::Sender::new(0),
        }
    }
}

#[derive(Default)]
struct Registry {
    by_person: HashMap<String, HashMap<u64, Arc<Notify>>>,
    persons_of: HashMap<u64, Vec<String>>,
}

/// One connection's registration; unregisters when dropped.
pub struct Subscription {
    hub: Arc<FeedHub>,
    id: u64,
    /// Fires (once, however many commits came) when there is news.
    pub notify: Arc<Notify>,
    /// Changes (once, however many came) when caseloads changed.
    pub caseloads: watch::Receiver<u64>,
}

impl FeedHub {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a connection (with no persons yet).
    pub fn subscribe(self: &Arc<Self>) -> Subscription {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        Subscription {
            hub: self.clone(),
            id,
            notify: Arc::new(Notify::new()),
            caseloads: self.caseloads.subscribe(),
        }
    }

    /// Tells every open connection to look its caseload up again.
    pub fn caseloads_changed(&self) {
        self.caseloads.send_modify(|generation| *generation += 1);
    }

    /// Wakes every connection holding one of `persons`, except `origin`.
    pub fn announce(&self, origin: u64, persons: &[String]) {
        let registry = self.registry();
        let mut woken = HashSet::new();
        for person in persons {
            for (id, notify) in registry.by_person.get(person).into_iter().flatten() {
                if *id != origin && woken.insert(*id) {
                    notify.notify_one();
                }
            }
        }
    }
}

impl Subscription {
    /// This connection's id (pass it to [`FeedHub::announce`]).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Replaces the persons this connection hears about.
    pub fn set_persons(&self, persons: &[String]) {
        let mut registry = self.hub.registry();
        if registry
            .persons_of
            .get(&self.id)
            .is_some_and(|old| old == persons)
        {
            return;
        }
        remove(&mut registry, self.id);
        for person in persons {
            registry
                .by_person
                .entry(person.clone())
                .or_default()
                .insert(self.id, self.notify.clone());
        }
        registry.persons_of.insert(self.id, persons.to_vec());
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        remove(&mut self.hub.registry(), self.id);
    }
}

fn remove(registry: &mut Registry, id: u64) {
    for person in registry.persons_of.remove(&id).unwrap_or_default() {
        if let Some(connections) = registry.by_person.get_mut(&person) {
            connections.remove(&id);
            if connections.is_empty() {
                registry.by_person.remove(&person);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn woken(subscription: &Subscription) -> bool {
        tokio::time::timeout(Duration::from_millis(20), subscription.notify.notified())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn only_connections_holding_a_touched_person_wake() {
        let hub = Arc::new(FeedHub::default());
        let (a, b, c) = (hub.subscribe(), hub.subscribe(), hub.subscribe());
        a.set_persons(&["p1".into(), "p2".into()]);
        b.set_persons(&["p2".into()]);
        c.set_persons(&["p3".into()]);
        hub.announce(a.id(), &["p2".into()]);
        assert!(!woken(&a).await, "the committing connection is not woken");
        assert!(woken(&b).await);
        assert!(!woken(&c).await);
        // Many commits before it looks: one wake-up.
        hub.announce(a.id(), &["p2".into()]);
        hub.announce(a.id(), &["p2".into()]);
        assert!(woken(&b).await);
        assert!(!woken(&b).await);
        // A caseload change and a closed connection take effect.
        c.set_persons(&["p2".into()]);
        drop(b);
        hub.announce(a.id(), &["p2".into()]);
        assert!(woken(&c).await);
        assert!(hub.registry().by_person["p2"].len() == 2);
    }

    #[tokio::test]
    async fn a_caseload_change_reaches_every_connection_once() {
        let hub = Arc::new(FeedHub::default());
        let (mut a, mut b) = (hub.subscribe(), hub.subscribe());
        hub.caseloads_changed();
        hub.caseloads_changed();
        for subscription in [&mut a, &mut b] {
            let changed =
                tokio::time::timeout(Duration::from_millis(20), subscription.caseloads.changed());
            assert!(changed.await.is_ok(), "woken");
            let again =
                tokio::time::timeout(Duration::from_millis(20), subscription.caseloads.changed());
            assert!(
                again.await.is_err(),
                "two changes before it looked: one wake-up"
            );
        }
    }
}
