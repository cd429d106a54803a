//! The device side of the access log (see [`crate::access_log`]): entries
//! are numbered, kept encrypted in IndexedDB beside the records (so a view
//! noted offline survives a closed tab), and sent in order, in chunks,
//! whenever the device is connected; the server's acknowledgement lets the
//! device forget them.

use super::vault::{Vault, VaultError};
use crate::access_log::{AccessEntry, AccessKind, AccessUpload, MAX_UPLOAD_ENTRIES};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};

/// Where the queue is kept (sealed under the data key).
const ACCESS_LOG_KEY: &str = "access_log";

/// The queue as stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Stored {
    /// The number the next entry gets.
    next_seq: u64,
    /// Entries not yet acknowledged, oldest first.
    entries: Vec<AccessEntry>,
}

/// The unlocked device's access-log queue.
#[derive(Debug, Default)]
pub struct AccessQueue {
    stored: RefCell<Stored>,
    /// Saves are serialised so an older copy never overwrites a newer one.
    write: futures::lock::Mutex<()>,
    /// One upload at a time.
    uploading: Cell<bool>,
}

impl AccessQueue {
    /// An empty queue for a newly registered device.
    pub fn new() -> AccessQueue {
        AccessQueue {
            stored: RefCell::new(Stored {
                next_seq: 1,
                entries: Vec::new(),
            }),
            ..AccessQueue::default()
        }
    }

    /// Reads the queue back (empty on a new device).
    pub async fn load(vault: &Vault) -> Result<AccessQueue, VaultError> {
        let stored = match vault.get_sealed(ACCESS_LOG_KEY).await? {
            Some(bytes) => postcard::from_bytes(&bytes).map_err(|source| VaultError::Decode {
                what: "access log",
                source,
            })?,
            None => return Ok(AccessQueue::new()),
        };
        Ok(AccessQueue {
            stored: RefCell::new(stored),
            ..AccessQueue::default()
        })
    }

    /// A new queue for a device whose stored queue could not be read: it
    /// numbers on from the clock (ms × 1000), past anything the old queue
    /// can have sent, so the server does not skip the new entries.
    pub fn after_unreadable(now_ms: f64) -> AccessQueue {
        AccessQueue {
            stored: RefCell::new(Stored {
                next_seq: (now_ms.max(0.0) as u64).saturating_mul(1000),
                entries: Vec::new(),
            }),
            ..AccessQueue::default()
        }
    }

    /// Notes an access at `at_ms` (device clock); call [`Self::save`].
    pub fn note(&self, kind: AccessKind, id: &str, at_ms: f64) {
        let mut stored = self.stored.borrow_mut();
        let seq = stored.next_seq.max(1);
        stored.next_seq = seq + 1;
        stored.entries.push(AccessEntry {
            seq,
            at_ms: at_ms as i64,
            kind,
            id: id.to_owned(),
        });
    }

    /// Entries waiting for the server.
    pub fn waiting(&self) -> usize {
        self.stored.borrow().entries.len()
    }

    /// Writes the queue as it is now.
    pub async fn save(&self, vault: &Vault) -> Result<(), VaultError> {
        let _turn = self.write.lock().await;
        let bytes = postcard::to_allocvec(&*self.stored.borrow()).unwrap_or_default();
        vault.put_sealed(ACCESS_LOG_KEY, &bytes).await
    }

    /// Sends every waiting entry, oldest first, and forgets what the
    /// server acknowledged. A failure leaves the rest for the next time.
    pub async fn upload(&self, vault: &Vault, token: &str) -> Result<(), String> {
        if self.uploading.replace(true) {
            return Ok(());
        }
        let result = async {
            loop {
                let entries: Vec<AccessEntry> = {
                    let stored = self.stored.borrow();
                    stored
                        .entries
                        .iter()
                        .take(MAX_UPLOAD_ENTRIES)
                        .cloned()
                        .collect()
                };
                if entries.is_empty() {
                    return Ok(());
                }
                let ack =
                    super::device_api::upload_access_log(token, &AccessUpload { entries }).await?;
                self.stored
                    .borrow_mut()
                    .entries
                    .retain(|entry| entry.seq > ack.through);
                self.save(vault).await.map_err(|e| e.to_string())?;
            }
        }
        .await;
        self.uploading.set(false);
        result
    }
}
