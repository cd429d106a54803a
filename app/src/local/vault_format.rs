//! How the vault's values are encoded in IndexedDB (postcard; record
//! entries in `stored_entry`), and why reading them back can fail.

use super::js::JsError;
use super::stored_entry::EntryError;
use serde::{Deserialize, Serialize};

/// Why the vault could not do something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// The browser refused (quota, private mode, ...).
    #[error(transparent)]
    Browser(#[from] JsError),
    /// The password does not open this device's keyring.
    #[error("wrong password")]
    WrongPassword,
    /// Another tab of this browser has the device unlocked.
    #[error("the app is open in another tab")]
    InOtherTab,
    /// This browser holds no device to unlock.
    #[error("no device in this browser")]
    NoDevice,
    /// Something the device always stores is not there.
    #[error("corrupt local data: {0} missing")]
    Missing(&'static str),
    /// Stored bytes did not decode as what they should hold.
    #[error("corrupt local data: {what}: {source}")]
    Decode {
        /// What was being read back.
        what: &'static str,
        /// Why postcard could not decode it.
        source: postcard::Error,
    },
    /// A record entry is not in this version's layout (`ENTRY_FORMAT`):
    /// another version of the app wrote it.
    #[error("a record was stored by another version of the app; sign out and in again")]
    OtherVersion,
}

/// Encodes `value` with postcard.
pub(super) fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).unwrap_or_default()
}

/// Decodes what postcard wrote as `what`.
pub(super) fn decode<T: for<'a> Deserialize<'a>>(
    bytes: &[u8],
    what: &'static str,
) -> Result<T, VaultError> {
    postcard::from_bytes(bytes).map_err(|source| VaultError::Decode { what, source })
}

impl From<EntryError> for VaultError {
    fn from(error: EntryError) -> Self {
        match error {
            EntryError::OtherVersion => VaultError::OtherVersion,
            EntryError::Decode(source) => VaultError::Decode {
                what: "record",
                source,
            },
        }
    }
}
