//! Record locks: while one sync connection merges a push into some records
//! (read, merge, write back), no other connection may merge into the same
//! records, or one of the two merged documents would overwrite the other.
//! The database itself is locked per statement only, so merges of
//! different records run side by side on every core.

use std::collections::HashSet;
use std::sync::{Condvar, Mutex, MutexGuard};

/// The records some connection is merging into right now.
#[derive(Debug, Default)]
pub struct RecordLocks {
    held: Mutex<HashSet<String>>,
    freed: Condvar,
}

impl RecordLocks {
    /// Waits until none of `ids` is held, then holds them all at once
    /// (never some while waiting for others, so two pushes cannot
    /// deadlock), until the guard is dropped.
    pub fn lock(&self, ids: &[String]) -> RecordGuard<'_> {
        let mut held = self.held();
        while ids.iter().any(|id| held.contains(id)) {
            held = self
                .freed
                .wait(held)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        held.extend(ids.iter().cloned());
        RecordGuard {
            locks: self,
            ids: ids.to_vec(),
        }
    }

    fn held(&self) -> MutexGuard<'_, HashSet<String>> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Records held by one connection; released when dropped.
#[derive(Debug)]
pub struct RecordGuard<'a> {
    locks: &'a RecordLocks,
    ids: Vec<String>,
}

impl Drop for RecordGuard<'_> {
    fn drop(&mut self) {
        let mut held = self.locks.held();
        for id in &self.ids {
            held.remove(id);
        }
        drop(held);
        self.locks.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn a_held_record_waits_and_others_do_not() {
        let locks = Arc::new(RecordLocks::default());
        let first = locks.lock(&["a".into(), "b".into()]);
        // A disjoint set is free at once.
        drop(locks.lock(&["c".into()]));
        let entered = Arc::new(AtomicBool::new(false));
        let waiter = {
            let (locks, entered) = (locks.clone(), entered.clone());
            std::thread::spawn(move || {
                let _guard = locks.lock(&["c".into(), "b".into()]);
                entered.store(true, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(!entered.load(Ordering::SeqCst), "b is held: must wait");
        drop(first);
        waiter.join().unwrap();
        assert!(entered.load(Ordering::SeqCst));
        assert!(locks.held().is_empty(), "every lock released");
    }
}
