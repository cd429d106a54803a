//! The offline unlock limit: how many wrong passwords in a row this device
//! has seen, how long it must wait before the next try, and when it must
//! wipe itself instead.
//!
//! An attempt is counted *before* the password is checked and forgiven
//! only once it succeeds, so closing the tab in the middle of a check does
//! not buy a free guess. The guard is stored unencrypted beside the
//! keyring (it must be read before the password is known); someone who
//! edits IndexedDB by hand can reset it, so the real defence against
//! guessing stays the slow key derivation (PBKDF2) of every try.

use crate::account::UnlockPolicy;
use serde::{Deserialize, Serialize};

/// The device's count of wrong passwords and the policy it counts against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct UnlockGuard {
    /// The server's policy, kept from the device's registration.
    pub policy: UnlockPolicy,
    /// Attempts in a row that have not (yet) succeeded.
    pub failures: u32,
    /// When the last of them started, or was found wrong if it ended
    /// (browser clock, ms since the epoch): the wait counts from here.
    pub last_failure_ms: f64,
}

/// Whether an attempt may start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Check the password.
    Try,
    /// Too soon after the last wrong password: wait this long.
    Wait {
        /// Milliseconds left.
        ms: u32,
    },
    /// The limit is reached: wipe the device (an earlier wipe was cut off).
    Wipe,
}

/// What a wrong password leaves the device with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWrongPassword {
    /// More tries are allowed; this many before the device wipes itself.
    Retry {
        /// Wrong passwords still allowed.
        left: u32,
    },
    /// That was the last allowed: wipe the device.
    Wipe,
}

impl UnlockGuard {
    /// A fresh guard under `policy` (at least one attempt, whatever the
    /// server sent).
    pub fn new(policy: UnlockPolicy) -> UnlockGuard {
        UnlockGuard {
            policy: UnlockPolicy {
                attempts: policy.attempts.max(1),
                ..policy
            },
            failures: 0,
            last_failure_ms: 0.0,
        }
    }

    /// Whether an attempt may start at `now_ms`. A clock set back does not
    /// lengthen the wait beyond the policy's delay.
    pub fn admit(&self, now_ms: f64) -> Admission {
        if self.failures >= self.policy.attempts {
            return Admission::Wipe;
        }
        let delay = f64::from(self.policy.delay_after(self.failures));
        let elapsed = (now_ms - self.last_failure_ms).max(0.0);
        if elapsed >= delay {
            Admission::Try
        } else {
            Admission::Wait {
                ms: (delay - elapsed).ceil().min(delay) as u32,
            }
        }
    }

    /// Counts an attempt starting at `now_ms`; store the guard before
    /// checking the password.
    pub fn begin_attempt(&mut self, now_ms: f64) {
        self.failures = self.failures.saturating_add(1);
        self.last_failure_ms = now_ms;
    }

    /// The attempt counted by [`UnlockGuard::begin_attempt`] had the wrong
    /// password, found at `now_ms` (store the guard again): what is left.
    pub fn wrong_password(&mut self, now_ms: f64) -> AfterWrongPassword {
        self.last_failure_ms = now_ms;
        if self.failures >= self.policy.attempts {
            AfterWrongPassword::Wipe
        } else {
            AfterWrongPassword::Retry {
                left: self.policy.attempts - self.failures,
            }
        }
    }

    /// The password was right: every counted attempt is forgiven.
    pub fn succeeded(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(attempts: u32, delay_ms: u32) -> UnlockPolicy {
        UnlockPolicy { attempts, delay_ms }
    }

    #[test]
    fn ten_wrong_passwords_wipe_with_growing_waits_between_them() {
        let mut guard = UnlockGuard::new(policy(10, 1_000));
        let mut now = 1_000_000.0;
        let mut waits = Vec::new();
        for attempt in 1..=10 {
            match guard.admit(now) {
                Admission::Try => waits.push(0),
                Admission::Wait { ms } => {
                    waits.push(ms);
                    now += f64::from(ms);
                    assert_eq!(guard.admit(now), Admission::Try);
                }
                Admission::Wipe => panic!("wiped before attempt {attempt}"),
            }
            guard.begin_attempt(now);
            let after = guard.wrong_password(now);
            if attempt < 10 {
                assert_eq!(after, AfterWrongPassword::Retry { left: 10 - attempt });
            } else {
                assert_eq!(after, AfterWrongPassword::Wipe);
            }
        }
        assert_eq!(
            waits,
            [0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        );
        assert_eq!(guard.admit(now + 1e9), Admission::Wipe);
    }

    #[test]
    fn a_wait_cut_short_is_still_a_wait_and_a_clock_set_back_does_not_lengthen_it() {
        let mut guard = UnlockGuard::new(policy(10, 1_000));
        for _ in 0..4 {
            guard.begin_attempt(50_000.0);
        }
        assert_eq!(guard.admit(50_500.0), Admission::Wait { ms: 1_500 });
        assert_eq!(guard.admit(10.0), Admission::Wait { ms: 2_000 });
        assert_eq!(guard.admit(52_000.0), Admission::Try);
    }

    #[test]
    fn the_right_password_forgives_earlier_attempts_and_a_zero_limit_still_allows_one() {
        let mut guard = UnlockGuard::new(policy(3, 10));
        guard.begin_attempt(0.0);
        guard.begin_attempt(0.0);
        guard.succeeded();
        assert_eq!(guard.admit(0.0), Admission::Try);
        guard.begin_attempt(0.0);
        assert_eq!(
            guard.wrong_password(0.0),
            AfterWrongPassword::Retry { left: 2 }
        );

        let mut strict = UnlockGuard::new(policy(0, 10));
        assert_eq!(strict.admit(0.0), Admission::Try);
        strict.begin_attempt(0.0);
        assert_eq!(strict.wrong_password(0.0), AfterWrongPassword::Wipe);
    }
}
