//! Who to wake after a sync commit: each open connection registers the
//! persons on its caseload, and a commit notifies only the connections
//! holding one of the persons it touched (never the committing one).
//! With a thousand tablets connected, waking every connection on every
//! commit cost more than the commits themselves.
//!
//! Caseload changes (a listing import, an assignment, a handover) may add
//! persons a connection does not hold yet, so they are addressed by user:
//! each connection also registers its user, and the change wakes only the
//! connections of the users it concerns to look their caseload up again.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

/// The registry of open connections by person and by user.
#[derive(Default)]
pub struct FeedHub {
    next_id: AtomicU64,
    inner: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    by_person: HashMap<String, HashMap<u64, Arc<Notify>>>,
    persons_of: HashMap<u64, Vec<String>>,
    by_user: HashMap<String, HashMap<u64, Arc<Notify>>>,
}

/// One connection's registration; unregisters when dropped.
pub struct Subscription {
    hub: Arc<FeedHub>,
    id: u64,
    /// Fires (once, however many commits came) when there is news.
    pub notify: Arc<Notify>,
    /// Fires (once, however many came) when the user's caseload changed.
    pub caseload_changed: Arc<Notify>,
    user: String,
}

impl FeedHub {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a connection of `user` (with no persons yet).
    pub fn subscribe(self: &Arc<Self>, user: &str) -> Subscription {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let caseload_changed = Arc::new(Notify::new());
        self.registry()
            .by_user
            .entry(user.to_owned())
            .or_default()
            .insert(id, caseload_changed.clone());
        Subscription {
            hub: self.clone(),
            id,
            notify: Arc::new(Notify::new()),
            caseload_changed,
            user: user.to_owned(),
        }
    }

    /// Tells every open connection to look its caseload up again (after a
    /// change this server did not make, whose users it does not know).
    pub fn all_caseloads_changed(&self) {
        let registry = self.registry();
        for notify in registry.by_user.values().flat_map(|c| c.values()) {
            notify.notify_one();
        }
    }

    /// Tells the open connections of `users` to look their caseload up again.
    pub fn caseloads_changed(&self, users: &[String]) {
        let registry = self.registry();
        for user in users {
            for notify in registry
                .by_user
                .get(user)
                .into_iter()
                .flat_map(|c| c.values())
            {
                notify.notify_one();
            }
        }
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
        let mut registry = self.hub.registry();
        remove(&mut registry, self.id);
        if let Some(connections) = registry.by_user.get_mut(&self.user) {
            connections.remove(&self.id);
            if connections.is_empty() {
                registry.by_user.remove(&self.user);
            }
        }
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
        let (a, b, c) = (
            hub.subscribe("u1"),
            hub.subscribe("u2"),
            hub.subscribe("u3"),
        );
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
    async fn a_caseload_change_wakes_only_its_users_connections_once() {
        let hub = Arc::new(FeedHub::default());
        let (a1, a2, b) = (hub.subscribe("a"), hub.subscribe("a"), hub.subscribe("b"));
        let changed = |s: &Subscription| {
            let notify = s.caseload_changed.clone();
            async move {
                tokio::time::timeout(Duration::from_millis(20), notify.notified())
                    .await
                    .is_ok()
            }
        };
        hub.caseloads_changed(&["a".into()]);
        hub.caseloads_changed(&["a".into()]);
        assert!(
            changed(&a1).await && changed(&a2).await,
            "both of a's tablets"
        );
        assert!(
            !changed(&a1).await,
            "two changes before it looked: one wake-up"
        );
        assert!(!changed(&b).await, "not b's");
        drop(a1);
        drop(a2);
        assert!(
            !hub.registry().by_user.contains_key("a"),
            "closed connections leave"
        );
    }
}
