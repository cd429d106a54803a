//! The sign-in limits Tsunagu applies: per user name, a progressive
//! delay (5 failures in 15 minutes free, then 1 s after the latest
//! failure, doubling to at most a minute), so an attacker makes an
//! account slow to guess but cannot lock a worker out for long; per
//! address, at most 20 failures in 15 minutes. Each attempt is reserved
//! before its password is verified.
//!
//! The attempts are kept in the database (`store::sign_in_attempts`), one
//! transaction per reservation: several servers on one database share one
//! throttle, so spreading guesses over them buys nothing.

use crate::store::{Store, StoreError, WriteTx, sign_in_attempts};
use crate::throttle::{Backoff, Rule};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// The two rules, and the store that keeps the attempts.
pub struct SignInLimits {
    store: Arc<Store>,
    by_name: Rule,
    by_address: Rule,
}

impl SignInLimits {
    /// Tsunagu's limits, counted in `store`.
    pub fn new(store: Arc<Store>) -> Self {
        let window = Duration::from_secs(15 * 60);
        let backoff = Backoff {
            free: 5,
            first: Duration::from_secs(1),
            ceiling: Duration::from_secs(60),
        };
        SignInLimits {
            store,
            by_name: Rule::progressive(backoff, window),
            by_address: Rule::cap(20, window),
        }
    }

    /// Counts this attempt against the user name and the address before
    /// the password is verified (both or neither), or says how long to
    /// wait. `at` identifies the attempt to [`SignInLimits::release`].
    pub fn reserve(
        &self,
        username: &str,
        client: &str,
        at: DateTime<Utc>,
    ) -> Result<Result<(), Duration>, StoreError> {
        let (name, address, now) = (
            name_key(username),
            address_key(client),
            at.timestamp_millis(),
        );
        self.store.write(|tx| {
            sign_in_attempts::hold(tx)?;
            let window_ms = self.by_name.window_ms().max(self.by_address.window_ms());
            sign_in_attempts::prune(tx, now.saturating_sub(window_ms))?;
            let by_name = self.count(tx, &self.by_name, &name, now)?;
            let by_address = self.count(tx, &self.by_address, &address, now)?;
            if let (Ok(()), Ok(())) = (by_name, by_address) {
                sign_in_attempts::record(tx, &name, now)?;
                sign_in_attempts::record(tx, &address, now)?;
                return Ok(Ok(()));
            }
            Ok(Err(by_name.err().max(by_address.err()).unwrap_or_default()))
        })
    }

    /// Gives back an attempt reserved at `at` that did not fail; after a
    /// success the name's earlier failures are forgotten too. A store
    /// that cannot be written leaves the attempt counted (logged).
    pub fn release(&self, username: &str, client: &str, at: DateTime<Utc>, succeeded: bool) {
        let (name, address, at) = (
            name_key(username),
            address_key(client),
            at.timestamp_millis(),
        );
        let given_back = self.store.write(|tx| {
            if succeeded {
                sign_in_attempts::forget(tx, &name)?;
            } else {
                sign_in_attempts::give_back(tx, &name, at)?;
            }
            sign_in_attempts::give_back(tx, &address, at)
        });
        if let Err(error) = given_back {
            tracing::error!(%error, "could not give back a sign-in attempt");
        }
    }

    fn count(
        &self,
        tx: &WriteTx<'_>,
        rule: &Rule,
        key: &[u8],
        now: i64,
    ) -> Result<Result<(), Duration>, StoreError> {
        let failures = sign_in_attempts::recent(tx, key, now.saturating_sub(rule.window_ms()))?;
        Ok(rule.check(&failures, now))
    }
}

/// The key a user name's attempts are counted under.
fn name_key(username: &str) -> Vec<u8> {
    key(b"name", username)
}

/// The key an address's attempts are counted under.
fn address_key(client: &str) -> Vec<u8> {
    key(b"address", client)
}

/// A hash, so the database never holds what was typed as a name.
fn key(kind: &[u8], value: &str) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(b"tsunagu sign-in attempt\0");
    hash.update(kind);
    hash.update(b"\0");
    hash.update(value.as_bytes());
    hash.finalize().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_reservation_leaves_nothing_counted() {
        let dir = tempfile::tempdir().unwrap();
        let limits = SignInLimits::new(Arc::new(Store::open(dir.path()).unwrap()));
        let now = Utc::now();
        let reserve = |name: &str, address: &str| limits.reserve(name, address, now).unwrap();
        for n in 0..20 {
            // A different name each time: only the address fills up.
            assert!(reserve(&format!("user{n}"), "10.0.0.9").is_ok());
        }
        assert!(reserve("fresh", "10.0.0.9").is_err(), "address cap");
        // The refused attempt did not count against the name.
        assert!(reserve("fresh", "10.0.0.10").is_ok());
        limits.release("fresh", "10.0.0.10", now, true);
        limits.release("user0", "10.0.0.9", now, false);
        assert!(reserve("fresh", "10.0.0.9").is_ok(), "one given back");
    }

    #[test]
    fn a_name_waits_after_its_free_failures_and_a_success_forgets_them() {
        let dir = tempfile::tempdir().unwrap();
        let limits = SignInLimits::new(Arc::new(Store::open(dir.path()).unwrap()));
        let now = Utc::now();
        for n in 0..5 {
            let address = format!("10.0.1.{n}");
            assert!(limits.reserve("worker", &address, now).unwrap().is_ok());
        }
        let wait = limits.reserve("worker", "10.0.2.1", now).unwrap();
        assert_eq!(wait, Err(Duration::from_secs(1)));
        let later = now + chrono::Duration::seconds(1);
        assert!(limits.reserve("worker", "10.0.2.1", later).unwrap().is_ok());
        limits.release("worker", "10.0.2.1", later, true);
        assert!(limits.reserve("worker", "10.0.2.2", later).unwrap().is_ok());
    }
}
