//! How the vault's entries are laid out in IndexedDB (postcard, behind a
//! format byte for records), and why reading them back can fail.

use super::js::JsError;
use super::working_copy::{StoredEntry, StoredEntryV2};
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

/// The layout of a stored record entry; bumped whenever [`StoredEntry`] or
/// what it holds changes, so an old entry is reported, never misread.
const ENTRY_FORMAT: u8 = 3;
/// The layout before summaries carried planned dates and kana; such an
/// entry is read and summarised afresh once, at unlock.
const ENTRY_FORMAT_2: u8 = 2;

/// A record entry as stored: the format byte, then postcard.
pub(super) fn encode_entry(entry: &StoredEntry) -> Vec<u8> {
    let mut bytes = vec![ENTRY_FORMAT];
    bytes.extend(encode(entry));
    bytes
}

/// A stored entry, and whether its summary is from an older layout.
pub(super) fn decode_entry(bytes: &[u8]) -> Result<(StoredEntry, bool), VaultError> {
    match bytes.split_first() {
        Some((&ENTRY_FORMAT, rest)) => Ok((decode(rest, "record")?, false)),
        Some((&ENTRY_FORMAT_2, rest)) => Ok((
            decode::<StoredEntryV2>(rest, "record")?.into_current(),
            true,
        )),
        _ => Err(VaultError::OtherVersion),
    }
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
