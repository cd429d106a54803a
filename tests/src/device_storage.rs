//! What a browser keeps for the app, read through the page: every
//! IndexedDB key and value, the Cache Storage caches' responses and
//! `localStorage`, to show what a device holds (encrypted, or wiped).

use crate::browser::Browser;
use anyhow::{Result, ensure};
use serde_json::Value;

/// Every key and value in the app's IndexedDB, values decoded as UTF-8
/// (lossy), plus the service-worker caches (names and responses), the
/// number of service-worker registrations, and localStorage as text.
pub async fn device_storage(browser: &Browser) -> Result<Value> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        (async () => {
          const db = await new Promise((ok, fail) => {
            const r = indexedDB.open("tsunagu");
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(r.error);
          });
          const out = { keys: [], texts: [], caches: [], cacheNames: [], workers: 0,
                        local: JSON.stringify(localStorage) };
          for (const name of ["meta", "records"]) {
            const tx = db.transaction(name);
            const store = tx.objectStore(name);
            const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()].map(
              (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); })));
            keys.forEach((k) => out.keys.push(name + ":" + k));
            values.forEach((v) => out.texts.push(new TextDecoder("utf-8").decode(v)));
          }
          db.close();
          out.workers = (await navigator.serviceWorker.getRegistrations()).length;
          for (const name of await caches.keys()) {
            out.cacheNames.push(name);
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
              const response = await cache.match(request);
              out.caches.push(request.url + "\n" + await response.text());
            }
          }
          return out;
        })().then(done, (e) => done({ error: String(e) }));
    "#;
    let value = browser.client.execute_async(script, vec![]).await?;
    ensure!(value.get("error").is_none(), "reading storage: {value}");
    Ok(value)
}

/// Whether any stored value, cached response or setting contains `needle`.
pub fn storage_contains(storage: &Value, needle: &str) -> bool {
    let texts = ["texts", "caches"]
        .iter()
        .filter_map(|k| storage[*k].as_array())
        .flatten()
        .filter_map(Value::as_str);
    texts
        .chain(storage["local"].as_str())
        .any(|t| t.contains(needle))
}
