//! The little of IndexedDB the app uses: one database with a `meta` and a
//! `records` store, keyed by strings, values always encrypted bytes; reads,
//! and writes that go in one transaction and count only once it completed.

use super::js::{JsError, js_error};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction};

/// The database name.
pub const DB_NAME: &str = "tsunagu";
/// Its schema version.
const DB_VERSION: u32 = 1;
/// Key-value pairs about the device and the user (keyring, device, cursor).
pub const META: &str = "meta";
/// One entry per record.
pub const RECORDS: &str = "records";

/// One write of a transaction.
#[derive(Debug, Clone)]
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

/// An open database.
#[derive(Debug, Clone)]
pub struct Database {
    db: IdbDatabase,
}

fn request_promise(request: &IdbRequest) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let ok = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("request failed"));
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    })
}

fn transaction_promise(tx: &IdbTransaction) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = tx.clone();
        let reject_abort = reject.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed
                .error()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("transaction failed"));
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        let on_abort = Closure::once_into_js(move || {
            let _ = reject_abort.call1(&JsValue::NULL, &JsValue::from_str("transaction aborted"));
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    })
}

fn bytes_of(value: JsValue) -> Option<Vec<u8>> {
    value
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|array| array.to_vec())
}

impl Database {
    /// Opens (creating or upgrading) the app's database.
    pub async fn open() -> Result<Database, JsError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or(JsError {
                context: "open the local database",
                message: "IndexedDB is not available in this browser".into(),
            })?;
        let request = factory
            .open_with_u32(DB_NAME, DB_VERSION)
            .map_err(js_error("open the local database"))?;
        let upgrading = request.clone();
        let on_upgrade = Closure::<dyn FnMut()>::new(move || {
            if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                for name in [META, RECORDS] {
                    if !db.object_store_names().contains(name) {
                        let _ = db.create_object_store(name);
                    }
                }
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        let db = JsFuture::from(request_promise(&request))
            .await
            .map_err(js_error("open the local database"))?;
        drop(on_upgrade);
        Ok(Database {
            db: db.unchecked_into(),
        })
    }

    /// The bytes under `key` in `store`.
    pub async fn get(&self, store: &str, key: &str) -> Result<Option<Vec<u8>>, JsError> {
        let tx = self
            .db
            .transaction_with_str(store)
            .map_err(js_error("read the local database"))?;
        let request = tx
            .object_store(store)
            .and_then(|s| s.get(&JsValue::from_str(key)))
            .map_err(js_error("read the local database"))?;
        let value = JsFuture::from(request_promise(&request))
            .await
            .map_err(js_error("read the local database"))?;
        Ok(bytes_of(value))
    }

    /// Every key and value of `store`, in key order.
    pub async fn get_all(&self, store: &str) -> Result<Vec<(String, Vec<u8>)>, JsError> {
        let context = "read the local database";
        let tx = self
            .db
            .transaction_with_str(store)
            .map_err(js_error(context))?;
        let object_store = tx.object_store(store).map_err(js_error(context))?;
        let keys = object_store.get_all_keys().map_err(js_error(context))?;
        let values = object_store.get_all().map_err(js_error(context))?;
        let keys: Array = JsFuture::from(request_promise(&keys))
            .await
            .map_err(js_error(context))?
            .unchecked_into();
        let values: Array = JsFuture::from(request_promise(&values))
            .await
            .map_err(js_error(context))?
            .unchecked_into();
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| Some((key.as_string()?, bytes_of(value)?)))
            .collect())
    }

    /// A read-write transaction over both stores, and a promise that
    /// settles when it commits or fails.
    ///
    /// The transaction is `durability: "strict"`: Chromium's default
    /// (`relaxed`) reports a commit before the data reaches the disk, and
    /// "saved on this tablet" must survive a power cut. web-sys keeps the
    /// options argument behind its unstable-API flag, so it is passed by
    /// calling `IDBDatabase.transaction` with three arguments; a browser
    /// that ignores the option flushes as it always did.
    fn readwrite(&self, context: &'static str) -> Result<(IdbTransaction, Promise), JsError> {
        let stores = Array::of2(&JsValue::from_str(META), &JsValue::from_str(RECORDS));
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"durability".into(), &"strict".into())
            .map_err(js_error(context))?;
        let transaction: js_sys::Function = js_sys::Reflect::get(&self.db, &"transaction".into())
            .map_err(js_error(context))?
            .dyn_into()
            .map_err(js_error(context))?;
        let tx: IdbTransaction = transaction
            .call3(&self.db, &stores, &"readwrite".into(), &options)
            .map_err(js_error(context))?
            .dyn_into()
            .map_err(js_error(context))?;
        let done = transaction_promise(&tx);
        Ok((tx, done))
    }

    /// Applies `writes` in one transaction; returns once it has committed.
    /// Either all of them are stored or none (a tab killed mid-write
    /// leaves the previous state).
    pub async fn write(&self, writes: &[Write]) -> Result<(), JsError> {
        if writes.is_empty() {
            return Ok(());
        }
        let context = "save to the local database";
        let (tx, done) = self.readwrite(context)?;
        for write in writes {
            let result = match write {
                Write::Put { store, key, value } => tx.object_store(store).and_then(|s| {
                    s.put_with_key(&Uint8Array::from(value.as_slice()), &JsValue::from_str(key))
                }),
                Write::Delete { store, key } => tx
                    .object_store(store)
                    .and_then(|s| s.delete(&JsValue::from_str(key))),
            };
            if let Err(error) = result {
                let _ = tx.abort();
                return Err(js_error(context)(error));
            }
        }
        JsFuture::from(done).await.map_err(js_error(context))?;
        Ok(())
    }

    /// Empties both stores in one transaction (sign-out wipes the device).
    pub async fn clear(&self) -> Result<(), JsError> {
        let context = "wipe the local database";
        let (tx, done) = self.readwrite(context)?;
        for name in [META, RECORDS] {
            tx.object_store(name)
                .and_then(|s| s.clear())
                .map_err(js_error(context))?;
        }
        JsFuture::from(done).await.map_err(js_error(context))?;
        Ok(())
    }
}
