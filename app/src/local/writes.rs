//! What the device writes to its stores: the two IndexedDB object stores
//! and one write to them. Shared by the IndexedDB layer (`idb`) and the
//! save journal (`journal_format`), which records writes before they reach
//! IndexedDB.

/// Key-value pairs about the device and the user (keyring, device, cursor).
pub const META: &str = "meta";
/// One entry per record.
pub const RECORDS: &str = "records";

/// One write of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Store `value` under `key` in `store`.
    Put {
        /// `META` or `RECORDS`.
        store: &'static str,
        /// The key.
        key: String,
        /// The (encrypted) bytes.
        value: Vec<u8>,
    },
    /// Remove `key` from `store`.
    Delete {
        /// `META` or `RECORDS`.
        store: &'static str,
        /// The key.
        key: String,
    },
}
