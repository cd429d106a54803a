//! The device's encrypted store: records and sync state in IndexedDB,
//! encrypted under the data key; the working copy in memory is
//! [`LocalStore`] (`working_copy.rs`).
//!
//! Every save goes through [`Vault::persist`], which writes the records
//! touched since the last persist in one IndexedDB transaction; a save
//! counts (and is offered to the server) only once that transaction has
//! completed. Persists are serialised, so an older copy of a record can
//! never overwrite a newer one.

use super::crypto;
use super::idb::{Database, META, RECORDS, Write};
use super::js::{mark, measure};
use super::stored_entry::decode_entry;
use super::unlock_guard::UnlockGuard;
pub use super::vault_format::VaultError;
use super::vault_format::{decode, encode, seal_entries};
pub use super::working_copy::LocalStore;
use super::working_copy::{Stored, StoredEntry};
use crate::account::{SignedInUser, UnlockPolicy};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use tsunagu_sync::session::device_store::{DeviceStore, Recovery};
use tsunagu_sync::team::PersonTeam;
use web_sys::CryptoKey;

const KEYRING_KEY: &str = "keyring";
/// The offline unlock limit's count ([`UnlockGuard`]), unencrypted.
const UNLOCK_GUARD_KEY: &str = "unlock_guard";
const DEVICE_KEY: &str = "device";
const SYNC_KEY: &str = "sync";
/// The server history and the records to give back after a restore
/// (`Recovery`), beside `sync` so builds before it read `sync` unchanged.
const RECOVERY_KEY: &str = "recovery";
/// Who works with each person on the caseload (`DeviceStore::teams`).
const TEAMS_KEY: &str = "teams";
const DATA_KEY_BYTES: usize = 32;
const SALT_BYTES: usize = 16;
/// Records decrypted together while unlocking.
const UNLOCK_CHUNK: usize = 256;

/// What is stored unencrypted: enough to ask for the right password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keyring {
    /// Whose device this is (login name, shown on the unlock screen).
    pub username: String,
    /// PBKDF2 salt.
    pub salt: Vec<u8>,
    /// PBKDF2 iterations.
    pub iterations: u32,
    /// The data key, encrypted under the password-derived key.
    pub wrapped_key: Vec<u8>,
}

/// The device's identity towards the server (stored encrypted).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceIdentity {
    /// The device id.
    pub device_id: String,
    /// The sync token it registered with (the current one, rotated at
    /// each connection, is kept by `device_tokens`).
    pub token: String,
    /// The user.
    pub user: SignedInUser,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SyncMeta {
    cursor: u64,
    last_sync_ms: Option<f64>,
}

/// An unlocked device: the data key, the identity and the records.
pub struct Vault {
    db: Database,
    key: CryptoKey,
    /// Who this device belongs to.
    pub identity: DeviceIdentity,
    /// The working copy.
    pub store: RefCell<LocalStore>,
    write_lock: futures::lock::Mutex<()>,
}

/// Reads the keyring, if this browser holds a device.
pub async fn keyring(db: &Database) -> Result<Option<Keyring>, VaultError> {
    db.get(META, KEYRING_KEY)
        .await?
        .map(|bytes| decode(&bytes, "keyring"))
        .transpose()
}

/// Reads the unlock limit's count; a device registered before the limit
/// existed counts under the default policy.
pub async fn unlock_guard(db: &Database) -> Result<UnlockGuard, VaultError> {
    Ok(db
        .get(META, UNLOCK_GUARD_KEY)
        .await?
        .map(|bytes| decode(&bytes, "unlock guard"))
        .transpose()?
        .unwrap_or_default())
}

/// Stores the unlock limit's count (committed when this returns).
pub async fn save_unlock_guard(db: &Database, guard: &UnlockGuard) -> Result<(), VaultError> {
    db.write(&[Write::Put {
        store: META,
        key: UNLOCK_GUARD_KEY.into(),
        value: encode(guard),
    }])
    .await?;
    Ok(())
}

fn session_actor() -> Result<Vec<u8>, VaultError> {
    // A fresh automerge actor per unlocked session: two tabs of the same
    // device never write changes under the same actor and sequence.
    Ok(crypto::random_bytes(16)?)
}

impl Vault {
    /// First sign-in on this browser: makes a data key, wraps it under the
    /// password and stores the identity and the unlock limit.
    pub async fn create(
        db: Database,
        password: &str,
        identity: DeviceIdentity,
        unlock: UnlockPolicy,
    ) -> Result<Vault, VaultError> {
        let salt = crypto::random_bytes(SALT_BYTES)?;
        let iterations = crypto::PBKDF2_ITERATIONS;
        let wrapping = crypto::derive_wrapping_key(password, &salt, iterations).await?;
        let mut raw = crypto::random_bytes(DATA_KEY_BYTES)?;
        let wrapped_key = crypto::encrypt(&wrapping, &raw).await?;
        let key = crypto::import_data_key(&raw).await?;
        raw.fill(0);
        let keyring = Keyring {
            username: identity.user.username.clone(),
            salt,
            iterations,
            wrapped_key,
        };
        let sealed_identity = crypto::encrypt(&key, &encode(&identity)).await?;
        let sealed_meta = crypto::encrypt(&key, &encode(&SyncMeta::default())).await?;
        db.write(&[
            Write::Put {
                store: META,
                key: KEYRING_KEY.into(),
                value: encode(&keyring),
            },
            Write::Put {
                store: META,
                key: DEVICE_KEY.into(),
                value: sealed_identity,
            },
            Write::Put {
                store: META,
                key: SYNC_KEY.into(),
                value: sealed_meta,
            },
            Write::Put {
                store: META,
                key: UNLOCK_GUARD_KEY.into(),
                value: encode(&UnlockGuard::new(unlock)),
            },
        ])
        .await?;
        Ok(Vault {
            db,
            key,
            identity,
            store: RefCell::new(LocalStore::new(
                DeviceStore::new(&session_actor()?),
                0,
                None,
            )),
            write_lock: futures::lock::Mutex::new(()),
        })
    }

    /// Checks the password: unwraps the data key with it.
    pub async fn unwrap_key(keyring: &Keyring, password: &str) -> Result<CryptoKey, VaultError> {
        let wrapping =
            crypto::derive_wrapping_key(password, &keyring.salt, keyring.iterations).await?;
        let mut raw = crypto::decrypt(&wrapping, &keyring.wrapped_key)
            .await
            .map_err(|_| VaultError::WrongPassword)?;
        let key = crypto::import_data_key(&raw).await?;
        raw.fill(0);
        Ok(key)
    }

    /// Opens the device with its data key ([`Vault::unwrap_key`]): decrypts
    /// and loads every record. `progress(done, total)` is called as records
    /// load.
    pub async fn open(
        db: Database,
        key: CryptoKey,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Vault, VaultError> {
        let open =
            |bytes: Option<Vec<u8>>, what: &'static str| bytes.ok_or(VaultError::Missing(what));
        let identity: DeviceIdentity = decode(
            &crypto::decrypt(&key, &open(db.get(META, DEVICE_KEY).await?, "device")?).await?,
            "device",
        )?;
        let meta: SyncMeta = decode(
            &crypto::decrypt(&key, &open(db.get(META, SYNC_KEY).await?, "sync state")?).await?,
            "sync state",
        )?;
        let mut records = DeviceStore::new(&session_actor()?);
        records.restore_cursor(meta.cursor);
        if let Some(sealed) = db.get(META, RECOVERY_KEY).await? {
            records.restore_recovery(decode(
                &crypto::decrypt(&key, &sealed).await?,
                "recovery state",
            )?);
        }
        let mut summaries = BTreeMap::new();
        let mut outdated = Vec::new();
        let mut reached = BTreeMap::new();
        let stored = db.get_all(RECORDS).await?;
        let total = stored.len();
        let mut done = 0;
        // WebCrypto works off the main thread: asking for a chunk of
        // decryptions at once overlaps them instead of paying one
        // round trip per record. Documents stay dormant (bytes) until a
        // page, a sync or an edit needs them.
        for chunk in stored.chunks(UNLOCK_CHUNK) {
            let plain = futures::future::join_all(
                chunk
                    .iter()
                    .map(|(_, sealed)| crypto::decrypt(&key, sealed)),
            )
            .await;
            for ((id, _), plain) in chunk.iter().zip(plain) {
                let (entry, old) = decode_entry(&plain?)?;
                if old {
                    outdated.push(id.clone());
                }
                if let Some(at) = entry.reached_ms {
                    reached.insert(id.clone(), at);
                }
                records.import_dormant(id, &entry.summary.person_id, entry.record);
                summaries.insert(id.clone(), entry.summary);
            }
            done += chunk.len();
            progress(done, total);
        }
        // Only a copy of what the server says: unreadable, it is asked
        // for again (the digest no longer matches), never a reason not to open.
        if let Some(sealed) = db.get(META, TEAMS_KEY).await?
            && let Ok(teams) = decode(&crypto::decrypt(&key, &sealed).await?, "teams")
        {
            records.restore_teams(teams);
        }
        let mut store = LocalStore::new(records, meta.cursor, meta.last_sync_ms);
        store.summaries = summaries;
        store.reached = reached;
        store.resummarise(&outdated);
        let vault = Vault {
            db,
            key,
            identity,
            store: RefCell::new(store),
            write_lock: futures::lock::Mutex::new(()),
        };
        if !outdated.is_empty() {
            vault.persist().await?;
        }
        Ok(vault)
    }

    /// Writes everything changed since the last persist, in one
    /// transaction. On failure the changes stay marked and the next
    /// persist tries again; the working copy keeps them meanwhile.
    pub async fn persist(&self) -> Result<(), VaultError> {
        let _serial = self.write_lock.lock().await;
        // User Timing per step (`browser-bench` sums them): building the
        // entries (summarising loaded records), sealing, the commit.
        mark("tsunagu-entries-start");
        let (records, meta, teams, ids) = {
            let mut store = self.store.borrow_mut();
            let ids: Vec<String> = std::mem::take(&mut store.dirty).into_iter().collect();
            let mut records = Vec::with_capacity(ids.len());
            for id in &ids {
                match store.entry(id) {
                    Stored::Entry(entry) => {
                        store.summaries.insert(id.clone(), entry.summary.clone());
                        records.push((id.clone(), Some(entry)));
                    }
                    Stored::Gone => {
                        store.summaries.remove(id);
                        records.push((id.clone(), None));
                    }
                    Stored::Unchanged => {}
                }
            }
            let meta = std::mem::take(&mut store.meta_dirty).then(|| {
                let sync = SyncMeta {
                    cursor: store.cursor,
                    last_sync_ms: store.last_sync_ms,
                };
                (sync, store.records.recovery().clone())
            });
            let teams = std::mem::take(&mut store.teams_dirty)
                .then(|| store.records.teams().cloned().collect::<Vec<_>>());
            (records, meta, teams, ids)
        };
        measure("tsunagu-entries", "tsunagu-entries-start");
        let (had_meta, had_teams) = (meta.is_some(), teams.is_some());
        let result = self.write_out(records, meta, teams).await;
        if result.is_err() {
            let mut store = self.store.borrow_mut();
            store.dirty.extend(ids);
            store.meta_dirty |= had_meta;
            store.teams_dirty |= had_teams;
        }
        result
    }

    async fn write_out(
        &self,
        records: Vec<(String, Option<StoredEntry>)>,
        meta: Option<(SyncMeta, Recovery)>,
        teams: Option<Vec<PersonTeam>>,
    ) -> Result<(), VaultError> {
        // Encrypt first: an IndexedDB transaction must not wait on anything
        // else, or the browser commits it early.
        mark("tsunagu-seal-start");
        let mut writes = seal_entries(&self.key, &records, UNLOCK_CHUNK).await?;
        if let Some((sync, recovery)) = meta {
            writes.push(self.sealed_meta(SYNC_KEY, &encode(&sync)).await?);
            writes.push(self.sealed_meta(RECOVERY_KEY, &encode(&recovery)).await?);
        }
        if let Some(teams) = teams {
            writes.push(self.sealed_meta(TEAMS_KEY, &encode(&teams)).await?);
        }
        measure("tsunagu-seal", "tsunagu-seal-start");
        mark("tsunagu-idb-start");
        self.db.write(&writes).await?;
        measure("tsunagu-idb", "tsunagu-idb-start");
        Ok(())
    }

    /// Stores `value` under `key` in the metadata, encrypted under the data
    /// key (for what other modules keep, such as the access log).
    pub async fn put_sealed(&self, key: &str, value: &[u8]) -> Result<(), VaultError> {
        let write = self.sealed_meta(key, value).await?;
        self.db.write(&[write]).await?;
        Ok(())
    }

    /// The write that stores `value` under `key` in the metadata, encrypted.
    async fn sealed_meta(&self, key: &str, value: &[u8]) -> Result<Write, VaultError> {
        Ok(Write::Put {
            store: META,
            key: key.into(),
            value: crypto::encrypt(&self.key, value).await?,
        })
    }

    /// Reads back what [`Vault::put_sealed`] stored under `key`.
    pub async fn get_sealed(&self, key: &str) -> Result<Option<Vec<u8>>, VaultError> {
        match self.db.get(META, key).await? {
            Some(sealed) => Ok(Some(crypto::decrypt(&self.key, &sealed).await?)),
            None => Ok(None),
        }
    }

    /// Empties the device's database: records, keyring, sync state and
    /// unlock count (see `wipe::erase` for the rest of the browser).
    pub async fn wipe(db: &Database) -> Result<(), VaultError> {
        db.clear().await?;
        Ok(())
    }
}
