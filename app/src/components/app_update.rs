//! What the service-worker script (`public/pwa.js`) reports: a new version
//! waiting (offered as a banner, never applied behind the user's back),
//! whether the browser granted persistent storage, and how much of its
//! quota the app uses (a warning from 80 %).

use crate::i18n::use_lang;
use leptos::prelude::*;

/// Reads a value `pwa.js` announced, and follows later announcements.
fn announced(name: &'static str) -> ReadSignal<Option<String>> {
    let (value, set_value) = signal(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        let read = move || {
            web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w, &format!("tsunagu_{name}").into()).ok())
                .and_then(|v| v.as_string())
        };
        Effect::new(move |_| set_value.set(read()));
        let handle = window_event_listener_untyped(&format!("tsunagu-{name}"), move |_| {
            set_value.set(read())
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, set_value);
    value
}

/// "A new version is available — reload".
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let lang = use_lang();
    let update = announced("update");
    let apply = move |_| {
        #[cfg(feature = "hydrate")]
        crate::browser::dispatch("tsunagu-apply-update");
    };
    view! {
        <Show when=move || update.get().is_some()>
            <div class="update-banner" role="status" data-testid="update-banner">
                <span>{move || lang.get().texts().update_available}</span>
                <button class="button primary small" on:click=apply>{move || lang.get().texts().reload}</button>
            </div>
        </Show>
    }
}

/// Whether the device's data is safe from the browser's storage eviction.
#[component]
pub fn StorageBadge() -> impl IntoView {
    let lang = use_lang();
    let storage = announced("storage");
    view! {
        <Show when=move || storage.get().is_some()>
            <span class="storage-badge" data-testid="storage" data-state=move || storage.get().unwrap_or_default()>
                {move || {
                    let texts = lang.get().texts();
                    if storage.get().as_deref() == Some("persistent") {
                        texts.storage_persistent
                    } else {
                        texts.storage_best_effort
                    }
                }}
            </span>
        </Show>
    }
}

/// The event that asks `pwa.js` to estimate the storage used again (the
/// app fires it after each save and each completed sync).
pub const CHECK_STORAGE_EVENT: &str = "tsunagu-check-storage";

/// The share of the browser's storage quota from which the app warns.
pub const STORAGE_WARNING_SHARE: f64 = 0.8;

/// Usage and quota in bytes, from `pwa.js`'s `navigator.storage.estimate()`
/// ("usage quota").
fn usage(announced: Option<String>) -> Option<(f64, f64)> {
    let announced = announced?;
    let mut figures = announced.split_whitespace().map(str::parse::<f64>);
    let used = figures.next()?.ok()?;
    let quota = figures.next()?.ok().filter(|q| *q > 0.0)?;
    Some((used, quota))
}

/// How much storage the app uses (in the device menu).
#[component]
pub fn StorageUsage() -> impl IntoView {
    let lang = use_lang();
    let announced_usage = announced("usage");
    let figures = move || usage(announced_usage.get());
    let megabytes = |bytes: f64| format!("{:.0}", bytes / 1_000_000.0);
    move || {
        figures().map(|(used, quota)| {
            let percent = (used / quota * 100.0).round() as u32;
            view! {
                <span class="storage-usage" data-testid="storage-usage" data-percent=percent>
                    {move || crate::device_texts::storage_usage(lang.get(), &megabytes(used), &megabytes(quota), percent)}
                </span>
            }
        })
    }
}

/// A warning near the quota, in the header where it cannot be missed: a
/// tablet that fills up cannot save the next note.
#[component]
pub fn StorageWarning() -> impl IntoView {
    let lang = use_lang();
    let announced_usage = announced("usage");
    move || {
        let (used, quota) = usage(announced_usage.get())?;
        let share = used / quota;
        let percent = (share * 100.0).round() as u32;
        (share >= STORAGE_WARNING_SHARE).then(|| {
            view! {
                <p class="notice storage-warning" role="alert" data-testid="storage-warning">
                    {move || crate::device_texts::storage_nearly_full(lang.get(), percent)}
                </p>
            }
        })
    }
}
