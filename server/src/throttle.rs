//! Sign-in rate limiting rules. Per address: too many failures within a
//! window block further attempts until the oldest failure ages out (a
//! cap). Per user name: a progressive delay, so whoever guesses gets ever
//! slower, while the real user, whom an attacker cannot lock out for long,
//! waits at most the delay's ceiling.
//!
//! A [`Rule`] only decides, from a key's recent failures and the time;
//! where the failures are kept (the database, so every server shares
//! them) is [`crate::sign_in_limits`]'s business. Times are milliseconds
//! since the Unix epoch, so tests need no sleeping.

use std::time::Duration;

/// How many failures a key may have, and how long it waits after them.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    window: Duration,
    max_failures: usize,
    backoff: Option<Backoff>,
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

impl Rule {
    /// At most `max_failures` failures per key within `window`.
    pub fn cap(max_failures: usize, window: Duration) -> Self {
        Rule {
            window,
            max_failures,
            backoff: None,
        }
    }

    /// No cap, but after `backoff.free` failures within `window` each
    /// attempt waits `first`, doubling with each further failure up to
    /// `ceiling`, counted from the latest failure.
    pub fn progressive(backoff: Backoff, window: Duration) -> Self {
        Rule {
            window,
            max_failures: usize::MAX,
            backoff: Some(backoff),
        }
    }

    /// How far back failures count, in milliseconds.
    pub fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// `Err(wait)` when a key whose failures happened at `failures` (ms,
    /// oldest first) must wait at `now_ms` before trying again. Failures
    /// older than the window do not count.
    pub fn check(&self, failures: &[i64], now_ms: i64) -> Result<(), Duration> {
        let window_ms = self.window_ms();
        let recent: Vec<i64> = failures
            .iter()
            .copied()
            .filter(|at| now_ms.saturating_sub(*at) < window_ms)
            .collect();
        let (Some(&oldest), Some(&latest)) = (recent.first(), recent.last()) else {
            return Ok(());
        };
        if recent.len() >= self.max_failures {
            return Err(self.window.saturating_sub(since(oldest, now_ms)));
        }
        if let Some(backoff) = self.backoff
            && recent.len() >= backoff.free
        {
            let doublings = u32::try_from(recent.len() - backoff.free).unwrap_or(u32::MAX);
            let delay = backoff
                .first
                .checked_mul(2u32.saturating_pow(doublings.min(31)))
                .unwrap_or(backoff.ceiling)
                .min(backoff.ceiling);
            let waited = since(latest, now_ms);
            if waited < delay {
                return Err(delay - waited);
            }
        }
        Ok(())
    }
}

/// The time from `at_ms` to `now_ms` (none if `at_ms` is later).
fn since(at_ms: i64, now_ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(now_ms.saturating_sub(at_ms)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    #[test]
    fn blocks_after_the_limit_until_the_window_passes() {
        let rule = Rule::cap(3, Duration::from_secs(60));
        let failures = [0, S, 2 * S];
        let wait = rule.check(&failures, 10 * S).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(rule.check(&failures[..2], 10 * S).is_ok(), "two of three");
        assert!(rule.check(&failures, 60 * S).is_ok(), "the oldest aged out");
        assert!(rule.check(&[], 0).is_ok());
    }

    #[test]
    fn a_progressive_delay_doubles_to_its_ceiling_and_never_locks_for_long() {
        let backoff = Backoff {
            free: 2,
            first: Duration::from_secs(1),
            ceiling: Duration::from_secs(8),
        };
        let rule = Rule::progressive(backoff, Duration::from_secs(900));
        let (mut at, mut failures, mut waits) = (0, Vec::new(), Vec::new());
        for _ in 0..8 {
            let wait = rule.check(&failures, at).err().unwrap_or_default();
            waits.push(wait.as_secs());
            at += i64::try_from(wait.as_millis()).unwrap();
            assert!(
                rule.check(&failures, at).is_ok(),
                "after the wait it may try"
            );
            failures.push(at);
        }
        assert_eq!(waits, [0, 0, 1, 2, 4, 8, 8, 8]);
    }
}
