//! One tab at a time per device. Two tabs unlocked on the same device
//! would each keep a working copy and write it back to IndexedDB, so one
//! could overwrite the other's newer notes. An exclusive Web Lock held
//! while unlocked prevents that; the browser releases it when the tab
//! closes or crashes.

use super::js::{JsError, js_error};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const LOCK_NAME: &str = "tsunagu-device";

/// A held lock; dropping it (or [`DeviceLock::release`]) lets another tab in.
#[derive(Debug)]
pub struct DeviceLock {
    release: Option<Function>,
}

impl DeviceLock {
    /// Lets another tab unlock the device.
    pub fn release(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

impl Drop for DeviceLock {
    fn drop(&mut self) {
        self.release();
    }
}

/// Takes the device lock if no other tab holds it: `Ok(None)` when one
/// does. Browsers without the Web Locks API get a lock that guards nothing.
pub async fn claim() -> Result<Option<DeviceLock>, JsError> {
    let context = "claim the device for this tab";
    let navigator = web_sys::window()
        .ok_or(JsError {
            context,
            message: "no window".into(),
        })?
        .navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).map_err(js_error(context))?;
    if locks.is_undefined() {
        return Ok(Some(DeviceLock { release: None }));
    }
    let request: Function = Reflect::get(&locks, &"request".into())
        .map_err(js_error(context))?
        .dyn_into()
        .map_err(js_error(context))?;

    // `held` stays pending while we hold the lock; `release` settles it.
    let mut release = None;
    let held = Promise::new(&mut |resolve, _| release = Some(resolve));
    // `claimed` settles with whether the lock was granted.
    let mut answer = None;
    let claimed = Promise::new(&mut |resolve, _| answer = Some(resolve));
    let answer = answer.expect("Promise::new runs its executor at once");
    let granted = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let _ = answer.call1(&JsValue::NULL, &JsValue::from_bool(!lock.is_null()));
        if lock.is_null() {
            JsValue::UNDEFINED
        } else {
            held.into()
        }
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let _ = Reflect::set(&options, &"mode".into(), &"exclusive".into());
    request
        .call3(&locks, &LOCK_NAME.into(), &options, &granted)
        .map_err(js_error(context))?;
    let granted = JsFuture::from(claimed)
        .await
        .map_err(js_error(context))?
        .as_bool()
        .unwrap_or(false);
    Ok(granted.then(|| DeviceLock { release }))
}
