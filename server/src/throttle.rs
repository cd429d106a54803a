//! Sign-in rate limiting. Per address: too many failures within a window
//! block further attempts until the oldest failure ages out (a cap). Per
//! user name: a progressive delay, so whoever guesses gets ever slower,
//! while the real user, whom an attacker cannot lock out for long, waits
//! at most the delay's ceiling. The clock is passed in, so tests need no
//! sleeping.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Counts recent failures per key.
#[derive(Debug)]
pub struct Throttle {
    window: Duration,
    max_failures: usize,
    backoff: Option<Backoff>,
    failures: HashMap<String, VecDeque<Instant>>,
}

/// A delay after each failure beyond the first few, doubling up to a ceiling.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Failures in the window that cost no wait.
    pub free: usize,
    /// The wait after the first failure beyond them.
    pub first: Duration,
    /// The longest wait.
    pub ceiling: Duration,
}

impl Throttle {
    /// At most `max_failures` failures per key within `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Throttle {
            window,
            max_failures,
            backoff: None,
            failures: HashMap::new(),
        }
    }

    /// No cap, but after `backoff.free` failures within `window` each
    /// attempt waits `first`, doubling with each further failure up to
    /// `ceiling`, counted from the latest failure.
    pub fn progressive(backoff: Backoff, window: Duration) -> Self {
        Throttle {
            window,
            max_failures: usize::MAX,
            backoff: Some(backoff),
            failures: HashMap::new(),
        }
    }

    /// `Err(wait)` when the key must wait before trying again.
    pub fn check(&mut self, key: &str, now: Instant) -> Result<(), Duration> {
        let Some(times) = self.failures.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.is_empty() {
            self.failures.remove(key);
            return Ok(());
        }
        if times.len() >= self.max_failures {
            let oldest = times[0];
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        if let (Some(backoff), Some(latest)) = (self.backoff, times.back())
            && times.len() >= backoff.free
        {
            let doublings = u32::try_from(times.len() - backoff.free).unwrap_or(u32::MAX);
            let delay = backoff
                .first
                .checked_mul(2u32.saturating_pow(doublings.min(31)))
                .unwrap_or(backoff.ceiling)
                .min(backoff.ceiling);
            let waited = now.saturating_duration_since(*latest);
            if waited < delay {
                return Err(delay - waited);
            }
        }
        Ok(())
    }

    /// Checks the key and, if it may try, counts this attempt at once as
    /// a failure, before the caller verifies anything: parallel attempts
    /// cannot all pass the check before any failure is recorded. A
    /// success gives it back with [`Throttle::release`] or [`Throttle::clear`].
    pub fn reserve(&mut self, key: &str, now: Instant) -> Result<(), Duration> {
        self.check(key, now)?;
        self.fail(key, now);
        Ok(())
    }

    /// Gives back one attempt reserved at `at` (it did not fail).
    pub fn release(&mut self, key: &str, at: Instant) {
        if let Some(times) = self.failures.get_mut(key) {
            if let Some(index) = times.iter().rposition(|t| *t == at) {
                times.remove(index);
            }
            if times.is_empty() {
                self.failures.remove(key);
            }
        }
    }

    /// Records a failed attempt.
    pub fn fail(&mut self, key: &str, now: Instant) {
        self.failures
            .entry(key.to_owned())
            .or_default()
            .push_back(now);
    }

    /// Forgets a key's failures (after a successful sign-in).
    pub fn clear(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let start = Instant::now();
        let mut throttle = Throttle::new(3, Duration::from_secs(60));
        for i in 0..3 {
            assert!(throttle.check("u", start + Duration::from_secs(i)).is_ok());
            throttle.fail("u", start + Duration::from_secs(i));
        }
        let wait = throttle
            .check("u", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(
            throttle.check("other", start).is_ok(),
            "keys are independent"
        );
        assert!(throttle.check("u", start + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn reserving_counts_the_attempt_before_it_is_verified() {
        let now = Instant::now();
        let mut throttle = Throttle::new(2, Duration::from_secs(60));
        assert!(throttle.reserve("u", now).is_ok());
        assert!(throttle.reserve("u", now).is_ok());
        assert!(
            throttle.reserve("u", now).is_err(),
            "two in flight fill the limit"
        );
        throttle.release("u", now);
        assert!(
            throttle.reserve("u", now).is_ok(),
            "a success gives one back"
        );
        throttle.release("u", now);
        throttle.release("u", now);
        assert!(throttle.check("u", now).is_ok());
    }

    #[test]
    fn a_progressive_delay_doubles_to_its_ceiling_and_never_locks_for_long() {
        let start = Instant::now();
        let backoff = Backoff {
            free: 2,
            first: Duration::from_secs(1),
            ceiling: Duration::from_secs(8),
        };
        let mut throttle = Throttle::progressive(backoff, Duration::from_secs(900));
        let mut at = start;
        let mut waits = Vec::new();
        for _ in 0..8 {
            let wait = throttle.check("u", at).err().unwrap_or_default();
            waits.push(wait.as_secs());
            at += wait;
            assert!(
                throttle.reserve("u", at).is_ok(),
                "after the wait it may try"
            );
        }
        assert_eq!(waits, [0, 0, 1, 2, 4, 8, 8, 8]);
        assert!(throttle.check("other", at).is_ok(), "keys are independent");
    }

    #[test]
    fn clearing_forgets_failures() {
        let now = Instant::now();
        let mut throttle = Throttle::new(1, Duration::from_secs(60));
        throttle.fail("u", now);
        assert!(throttle.check("u", now).is_err());
        throttle.clear("u");
        assert!(throttle.check("u", now).is_ok());
    }
}
