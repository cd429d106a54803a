//! The device menu, folded behind one button in the header so the header
//! stays small on a tablet: auto-lock, lock, sign-out (which warns when
//! notes have not reached the server, since it wipes the device), and the
//! storage the app uses. A native `<details>`, so keyboards and screen
//! readers open it as they open any disclosure.

use super::app_update::{StorageBadge, StorageUsage};
use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_CHOICES, Phase};
use leptos::prelude::*;

/// The menu button's label.
fn menu_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "メニュー",
        Lang::En => "Menu",
    }
}

/// The menu of an unlocked device.
#[component]
pub fn DeviceMenu() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let confirming = RwSignal::new(false);
    let lock = move |_| {
        #[cfg(feature = "hydrate")]
        crate::local::runtime::lock(state);
    };
    let sign_out = move |force: bool| {
        if !force && state.status.with_untracked(|s| s.waiting) > 0 {
            confirming.set(true);
            return;
        }
        confirming.set(false);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Err(error) = crate::local::runtime::sign_out_and_wipe(state).await {
                state.status.update(|s| s.error = Some(error));
            }
        });
    };
    // The idle-lock choice is a device setting, read once the app runs.
    let idle_minutes = RwSignal::new(DEFAULT_IDLE_LOCK_MINUTES);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| idle_minutes.set(crate::local::runtime::idle_lock_minutes()));
    let choose_idle = move |event: leptos::ev::Event| {
        let minutes: u32 = event_target_value(&event)
            .parse()
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES);
        idle_minutes.set(minutes);
        #[cfg(feature = "hydrate")]
        crate::browser::set_setting(crate::local::state::IDLE_LOCK_SETTING, &minutes.to_string());
    };
    view! {
        <Show when=move || state.phase.get() == Phase::Ready>
            <details class="device-menu" data-testid="device-menu">
            <summary class="button secondary small" data-testid="menu-open">
                {move || menu_label(lang.get())}
            </summary>
            <div class="menu-panel">
                <label class="idle-lock">
                    <span>{move || lang.get().texts().idle_lock}</span>
                    <select data-testid="idle-lock" on:change=choose_idle
                        prop:value=move || idle_minutes.get().to_string()>
                        {IDLE_LOCK_CHOICES.into_iter().map(|m| view! {
                            <option value=m.to_string() selected=move || idle_minutes.get() == m>
                                {m} {move || lang.get().texts().minutes_unit}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <button class="button secondary small" data-testid="lock" on:click=lock>
                    {move || lang.get().texts().lock}
                </button>
                <button class="button secondary small" data-testid="sign-out" on:click=move |_| sign_out(false)>
                    {move || lang.get().texts().sign_out_wipe}
                </button>
                <StorageBadge/>
                <StorageUsage/>
            <Show when=move || confirming.get()>
                <div class="card warning" role="alertdialog" data-testid="sign-out-warning">
                    <p>
                        {move || lang.get().texts().unsent_warning_prefix}
                        <strong>{move || state.status.with(|s| s.waiting)}</strong>
                        {move || lang.get().texts().unsent_warning_suffix}
                    </p>
                    <button class="button danger" on:click=move |_| sign_out(true)>
                        {move || lang.get().texts().sign_out_anyway}
                    </button>
                    <button class="button secondary" on:click=move |_| confirming.set(false)>
                        {move || lang.get().texts().cancel}
                    </button>
                </div>
            </Show>
            </div>
            </details>
        </Show>
    }
}
