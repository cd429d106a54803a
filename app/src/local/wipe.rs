//! Wiping the device: when the server says the tablet was reported lost,
//! or after too many wrong passwords in a row. Everything the app keeps in
//! this browser goes: the database (records, keyring, sync state, unlock
//! count), the service worker's caches and registration, and the app's
//! settings. Only a one-word note of why stays, for the sign-in form.
//!
//! A wipe cut off halfway (tab closed, browser error) is finished the next
//! time: the server still orders it at the next contact, and the unlock
//! count still stands at its limit.

use super::device_api;
use super::idb::Database;
use super::js::{JsError, await_promise, js_error};
use super::state::{ClientState, Phase, WIPE_NOTICE_SETTING, WipeReason};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Wipes the device and shows the sign-in form with the reason. With
/// `confirm_with`, the device's token, the server is told once it is done.
pub async fn wipe_device(state: ClientState, reason: WipeReason, confirm_with: Option<String>) {
    super::runtime::lock(state);
    let mut report = None;
    let erased = match super::runtime::database().await {
        Ok(db) => {
            if reason == WipeReason::UnlockLimit {
                report = super::wipe_report::secret(&db).await;
            }
            erase(&db).await
        }
        Err(error) => Err(error),
    };
    let done = erased.is_ok();
    if let Err(error) = erased {
        // Told, and finished at the next start (see the module comment).
        state.status.update(|s| s.error = Some(error.to_string()));
    }
    crate::browser::set_setting(WIPE_NOTICE_SETTING, reason.code());
    if let Some(secret) = report {
        super::wipe_report::remember_pending(&secret);
        leptos::task::spawn_local(super::wipe_report::send_pending());
    }
    state.wiped.set(Some(reason));
    state.owner.set(None);
    state.phase.set(Phase::NoDevice);
    if let Some(token) = confirm_with
        && done
    {
        device_api::confirm_wiped(token).await;
    }
}

/// Erases the database, then the caches, the service worker and the app's
/// settings; the database first, as it is what matters.
async fn erase(db: &Database) -> Result<(), JsError> {
    db.clear().await?;
    clear_caches().await?;
    unregister_service_workers().await?;
    clear_settings();
    Ok(())
}

/// Deletes every Cache Storage cache of this origin (the app shell).
async fn clear_caches() -> Result<(), JsError> {
    let context = "delete the app's caches";
    let Some(window) = web_sys::window() else {
        return Ok(());
    };
    let caches = window.caches().map_err(js_error(context))?;
    let names: js_sys::Array = await_promise(caches.keys(), context)
        .await?
        .dyn_into()
        .map_err(js_error(context))?;
    for name in names.iter().filter_map(|name| name.as_string()) {
        await_promise(caches.delete(&name), context).await?;
    }
    Ok(())
}

/// Unregisters the service worker, so nothing fills a cache again until
/// the next sign-in registers it anew ([`register_service_worker`]).
async fn unregister_service_workers() -> Result<(), JsError> {
    let context = "remove the service worker";
    let Some(window) = web_sys::window() else {
        return Ok(());
    };
    let container = window.navigator().service_worker();
    let registrations: js_sys::Array = await_promise(container.get_registrations(), context)
        .await?
        .dyn_into()
        .map_err(js_error(context))?;
    for registration in registrations.iter() {
        let registration: web_sys::ServiceWorkerRegistration =
            registration.dyn_into().map_err(js_error(context))?;
        await_promise(
            registration.unregister().map_err(js_error(context))?,
            context,
        )
        .await?;
    }
    Ok(())
}

/// Removes every `tsunagu_` setting from `localStorage`.
fn clear_settings() {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with("tsunagu_"))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

/// The reason of an earlier wipe, for the sign-in form (after a reload).
pub fn remembered_reason() -> Option<WipeReason> {
    crate::browser::setting(WIPE_NOTICE_SETTING).and_then(|code| WipeReason::from_code(&code))
}

/// A new device signed in here: forget the earlier wipe's note, and bring
/// the service worker back if a wipe removed it (the app must open
/// offline from now on).
pub fn after_sign_in(state: ClientState) {
    crate::browser::remove_setting(WIPE_NOTICE_SETTING);
    state.wiped.set(None);
    register_service_worker();
    leptos::task::spawn_local(super::wipe_report::send_pending());
}

/// Registers the service worker, as `pwa.js` does at every page load
/// (registering again is harmless); a failure only means the app will not
/// open offline until the next load.
fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let promise = window.navigator().service_worker().register("/sw.js");
        leptos::task::spawn_local(async move {
            let _ = await_promise(promise, "register the service worker").await;
        });
    }
}
