//! The sign-in limits Tsunagu applies: per user name, a progressive
//! delay (5 failures in 15 minutes free, then 1 s after the latest
//! failure, doubling to at most a minute), so an attacker makes an
//! account slow to guess but cannot lock a worker out for long; per
//! address, at most 20 failures in 15 minutes. Each attempt is reserved
//! before its password is verified.

use crate::throttle::{Backoff, Throttle};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The two throttles, taken together (the name's lock always first).
pub struct SignInLimits {
    by_name: Mutex<Throttle>,
    by_address: Mutex<Throttle>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        let window = Duration::from_secs(15 * 60);
        let backoff = Backoff {
            free: 5,
            first: Duration::from_secs(1),
            ceiling: Duration::from_secs(60),
        };
        SignInLimits {
            by_name: Mutex::new(Throttle::progressive(backoff, window)),
            by_address: Mutex::new(Throttle::new(20, window)),
        }
    }
}

impl SignInLimits {
    /// Counts this attempt against the user name and the address before
    /// the password is verified (both or neither), or says how long to wait.
    pub fn reserve(&self, username: &str, client: &str, now: Instant) -> Result<(), Duration> {
        let mut by_name = lock(&self.by_name);
        let mut by_address = lock(&self.by_address);
        let name = by_name.reserve(username, now);
        let address = by_address.reserve(client, now);
        if name.is_ok() && address.is_ok() {
            return Ok(());
        }
        if name.is_ok() {
            by_name.release(username, now);
        }
        if address.is_ok() {
            by_address.release(client, now);
        }
        Err(name.err().max(address.err()).unwrap_or_default())
    }

    /// Gives back an attempt reserved at `at` that did not fail; after a
    /// success the name's earlier failures are forgotten too.
    pub fn release(&self, username: &str, client: &str, at: Instant, succeeded: bool) {
        let mut by_name = lock(&self.by_name);
        if succeeded {
            by_name.clear(username);
        } else {
            by_name.release(username, at);
        }
        drop(by_name);
        lock(&self.by_address).release(client, at);
    }
}

fn lock(throttle: &Mutex<Throttle>) -> MutexGuard<'_, Throttle> {
    throttle
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_reservation_leaves_nothing_counted() {
        let limits = SignInLimits::default();
        let now = Instant::now();
        for n in 0..20 {
            // A different name each time: only the address fills up.
            assert!(limits.reserve(&format!("user{n}"), "10.0.0.9", now).is_ok());
        }
        assert!(
            limits.reserve("fresh", "10.0.0.9", now).is_err(),
            "address cap"
        );
        // The refused attempt did not count against the name.
        assert!(limits.reserve("fresh", "10.0.0.10", now).is_ok());
        limits.release("fresh", "10.0.0.10", now, true);
        limits.release("user0", "10.0.0.9", now, false);
        assert!(
            limits.reserve("fresh", "10.0.0.9", now).is_ok(),
            "one given back"
        );
    }
}
