//! The device's sync token, traded for a fresh one each time the device
//! connects (the server's `device_tokens`), and the tokens it retired.
//!
//! A fresh token is used only once it is stored (sealed under the data
//! key, in the `tokens` metadata entry): until the device first uses it,
//! the server still takes the one it replaced, so a tab closed between the
//! answer and the write loses nothing. Retired tokens are kept (the newest
//! [`KEEP_RETIRED`]) and offered when the server does not know the current
//! one: a server put back from a backup knows one of them.

use super::device_api::{self, Rotated};
use super::vault::Vault;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// The metadata entry the tokens are sealed under.
const TOKENS_KEY: &str = "tokens";
/// How many retired tokens are kept: weeks of connections, enough to
/// reach back past the oldest backup a server would be restored from.
pub const KEEP_RETIRED: usize = 500;

/// What is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    current: String,
    /// Newest first.
    retired: Vec<String>,
}

/// The device's tokens while it is unlocked.
#[derive(Debug)]
pub struct DeviceTokens {
    stored: RefCell<Stored>,
}

impl DeviceTokens {
    /// The tokens stored in `vault` (the registration's token on a device
    /// that never rotated).
    pub async fn load(vault: &Vault) -> DeviceTokens {
        let stored = match vault.get_sealed(TOKENS_KEY).await {
            Ok(Some(bytes)) => postcard::from_bytes(&bytes).ok(),
            _ => None,
        };
        let stored = stored.unwrap_or_else(|| Stored {
            current: vault.identity.token.clone(),
            retired: Vec::new(),
        });
        DeviceTokens {
            stored: RefCell::new(stored),
        }
    }

    /// The token to present now.
    pub fn current(&self) -> String {
        self.stored.borrow().current.clone()
    }

    /// Trades the current token for a fresh one (offering the retired ones
    /// when the server does not know it) and stores it. Any failure leaves
    /// the current token in use: the server still takes it.
    pub async fn rotate(&self, vault: &Vault) {
        let current = self.current();
        let mut rotated = device_api::rotate_token(&current, &[]).await;
        let retired = self.stored.borrow().retired.clone();
        if rotated == Rotated::Unknown && !retired.is_empty() {
            rotated = device_api::rotate_token(&current, &retired).await;
        }
        let Rotated::Token(fresh) = rotated else {
            return;
        };
        let mut next = Stored {
            current: fresh,
            retired: std::iter::once(current).chain(retired).collect(),
        };
        next.retired.truncate(KEEP_RETIRED);
        let Ok(bytes) = postcard::to_allocvec(&next) else {
            return;
        };
        if vault.put_sealed(TOKENS_KEY, &bytes).await.is_ok() {
            *self.stored.borrow_mut() = next;
        }
    }
}
