//! How the vault's values are encoded in IndexedDB (postcard; record
//! entries in `stored_entry`), and why reading them back can fail.

use super::crypto;
use super::idb::{RECORDS, Write};
use super::js::JsError;
use super::stored_entry::{EntryError, StoredEntry, encode_entry};
use serde::{Deserialize, Serialize};
use web_sys::CryptoKey;

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

/// The writes that store `records` (`None`: delete the record's copy),
/// each entry encrypted under `key`. WebCrypto works off the main thread,
/// so `chunk` encryptions asked for at once overlap (a first download
/// writes thousands).
pub(super) async fn seal_entries(
    key: &CryptoKey,
    records: &[(String, Option<StoredEntry>)],
    chunk: usize,
) -> Result<Vec<Write>, VaultError> {
    let mut writes = Vec::with_capacity(records.len() + 3);
    for part in records.chunks(chunk.max(1)) {
        let sealed = futures::future::join_all(part.iter().map(|(_, record)| async {
            match record {
                Some(record) => Some(crypto::encrypt(key, &encode_entry(record)).await),
                None => None,
            }
        }))
        .await;
        for ((id, _), sealed) in part.iter().zip(sealed) {
            writes.push(match sealed {
                Some(value) => Write::Put {
                    store: RECORDS,
                    key: id.clone(),
                    value: value?,
                },
                None => Write::Delete {
                    store: RECORDS,
                    key: id.clone(),
                },
            });
        }
    }
    Ok(writes)
}
