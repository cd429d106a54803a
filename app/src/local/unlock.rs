//! Unlocking the device with the password, offline too, under the unlock
//! limit ([`super::unlock_guard`]): a wait after repeated wrong passwords,
//! and a wipe once the limit is reached.

use super::js::{mark, measure, now_millis};
use super::state::{ClientState, Phase, WipeReason};
use super::unlock_guard::{Admission, AfterWrongPassword};
use super::vault::{self, Vault, VaultError};
use leptos::prelude::*;

/// Why the device did not unlock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnlockError {
    /// The password is wrong; `left` more wrong ones wipe the device.
    #[error("wrong password ({left} more wipe the device)")]
    WrongPassword {
        /// Wrong passwords still allowed.
        left: u32,
    },
    /// Too soon after the last wrong password.
    #[error("wait {ms} ms before trying again")]
    Wait {
        /// Milliseconds left.
        ms: u32,
    },
    /// That was the last wrong password allowed: the device wiped itself.
    #[error("too many wrong passwords: the device was wiped")]
    Wiped,
    /// The device could not be read (or is open in another tab).
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl From<super::js::JsError> for UnlockError {
    fn from(error: super::js::JsError) -> Self {
        UnlockError::Vault(error.into())
    }
}

/// Unlocks the device with the password and starts the session.
pub async fn unlock(state: ClientState, password: String) -> Result<(), UnlockError> {
    let db = super::runtime::database().await?;
    let keyring = vault::keyring(&db).await?.ok_or(VaultError::NoDevice)?;
    let before = vault::unlock_guard(&db).await?;
    match before.admit(now_millis()) {
        Admission::Try => {}
        Admission::Wait { ms } => return Err(UnlockError::Wait { ms }),
        Admission::Wipe => {
            super::wipe::wipe_device(state, WipeReason::UnlockLimit, None).await;
            return Err(UnlockError::Wiped);
        }
    }
    let claim = super::device_lock::claim()
        .await?
        .ok_or(VaultError::InOtherTab)?;
    // Counted before the check: closing the tab now does not undo it.
    let mut guard = before;
    guard.begin_attempt(now_millis());
    vault::save_unlock_guard(&db, &guard).await?;
    match Vault::unwrap_key(&keyring, &password).await {
        Ok(key) => {
            guard.succeeded();
            // Should this write fail, the count stands until the next
            // right password; the device opens either way.
            let _ = vault::save_unlock_guard(&db, &guard).await;
            state.phase.set(Phase::Unlocking);
            mark("tsunagu-unlock-start");
            let opened = Vault::open(db, key, |done, total| state.loading.set((done, total))).await;
            match opened {
                Ok(vault) => {
                    measure("tsunagu-unlock", "tsunagu-unlock-start");
                    // A queue that cannot be read must not stop the work:
                    // a new one numbers on past it.
                    let access = match super::access_queue::AccessQueue::load(&vault).await {
                        Ok(queue) => queue,
                        Err(_) => super::access_queue::AccessQueue::after_unreadable(now_millis()),
                    };
                    // The wrong passwords since the last unlock, now that
                    // the log can be written (wrong ones counted `before`;
                    // this attempt was the right one).
                    if before.failures > 0 {
                        access.note(
                            crate::access_log::AccessKind::UnlockFailed,
                            &before.failures.to_string(),
                            before.last_failure_ms,
                        );
                        let _ = access.save(&vault).await;
                    }
                    let tokens = super::device_tokens::DeviceTokens::load(&vault).await;
                    super::runtime::start(state, vault, tokens, access, claim);
                    Ok(())
                }
                Err(error) => {
                    state.phase.set(Phase::Locked);
                    Err(error.into())
                }
            }
        }
        Err(VaultError::WrongPassword) => {
            drop(claim);
            match guard.wrong_password(now_millis()) {
                AfterWrongPassword::Retry { left } => {
                    vault::save_unlock_guard(&db, &guard).await?;
                    Err(UnlockError::WrongPassword { left })
                }
                AfterWrongPassword::Wipe => {
                    super::wipe::wipe_device(state, WipeReason::UnlockLimit, None).await;
                    Err(UnlockError::Wiped)
                }
            }
        }
        Err(other) => {
            // Not a guess: the password was not what failed.
            let _ = vault::save_unlock_guard(&db, &before).await;
            Err(other.into())
        }
    }
}
