//! Sign-in rate limiting: too many failures for one user name or from one
//! address within a window blocks further attempts until the oldest failure
//! ages out. The clock is passed in, so tests need no sleeping.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Counts recent failures per key.
#[derive(Debug)]
pub struct Throttle {
    window: Duration,
    max_failures: usize,
    failures: HashMap<String, VecDeque<Instant>>,
}

impl Throttle {
    /// At most `max_failures` failures per key within `window`.
    pub fn new(max_failures: usize, window: Duration) -> Self {
        Throttle {
            window,
            max_failures,
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
    fn clearing_forgets_failures() {
        let now = Instant::now();
        let mut throttle = Throttle::new(1, Duration::from_secs(60));
        throttle.fail("u", now);
        assert!(throttle.check("u", now).is_err());
        throttle.clear("u");
        assert!(throttle.check("u", now).is_ok());
    }
}
