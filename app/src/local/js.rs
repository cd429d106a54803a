//! Small bridges from browser callbacks to Rust futures.

use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A browser API failure, with what was being done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{context}: {message}")]
pub struct JsError {
    /// What the app was doing.
    pub context: &'static str,
    /// What the browser said.
    pub message: String,
}

/// Wraps a `JsValue` error with context.
pub fn js_error(context: &'static str) -> impl Fn(JsValue) -> JsError {
    move |value| JsError {
        context,
        message: describe(&value),
    }
}

/// The readable message of a thrown JS value.
pub fn describe(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    if let Some(exception) = value.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", exception.name(), exception.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Awaits a promise, attaching `context` to a rejection.
pub async fn await_promise(promise: Promise, context: &'static str) -> Result<JsValue, JsError> {
    JsFuture::from(promise).await.map_err(js_error(context))
}

/// Resolves after `millis` milliseconds.
pub async fn sleep(millis: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis.max(0));
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

/// A uniformly random number in `0..1` (for backoff jitter; not for secrets).
pub fn random_unit() -> f64 {
    js_sys::Math::random()
}

/// Sets a User Timing mark (`performance.mark`).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Records a User Timing measure from mark `start` to now, so DevTools
/// and `browser-bench` can read how long saving and unlocking took.
pub fn measure(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}
