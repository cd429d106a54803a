//! The always-visible sync badge: connection, changes waiting, last sync,
//! and progress while a download runs. Plus the lock and sign-out menu.

use crate::i18n::use_lang;
use crate::local::state::{
    ClientState, Connection, DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_CHOICES, Phase, Refusal,
};
use leptos::prelude::*;
use tsunagu_sync::japan_time;

/// "未送信 N件 · 同期済み · 最終同期 12:34".
#[component]
pub fn SyncStatus() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let connection = move || match state.status.with(|s| s.connection) {
        Connection::Disconnected => "disconnected",
        Connection::Connecting => "connecting",
        Connection::Syncing => "syncing",
        Connection::InSync => "in-sync",
    };
    let connection_label = move || {
        let texts = lang.get().texts();
        match state.status.with(|s| s.connection) {
            Connection::Disconnected => texts.sync_disconnected,
            Connection::Connecting => texts.sync_connecting,
            Connection::Syncing => texts.sync_syncing,
            Connection::InSync => texts.sync_in_sync,
        }
    };
    let last_sync = move || {
        let texts = lang.get().texts();
        match state.status.with(|s| s.last_sync_ms) {
            Some(ms) => {
                let time = chrono::DateTime::from_timestamp_millis(ms as i64)
                    .map(|t| japan_time::local(t).format("%m/%d %H:%M").to_string())
                    .unwrap_or_default();
                format!("{} {time}", texts.last_sync)
            }
            None => texts.never_synced.to_owned(),
        }
    };
    view! {
        <Show when=move || state.phase.get() == Phase::Ready>
            <div class="sync-status" data-testid="sync-status" data-connection=connection role="status">
                <span class="sync-connection">{connection_label}</span>
                <span class="sync-waiting">
                    {move || lang.get().texts().waiting_prefix}
                    <strong data-testid="waiting-count">{move || state.status.with(|s| s.waiting)}</strong>
                    {move || lang.get().texts().waiting_suffix}
                </span>
                <span class="sync-last" data-testid="last-sync">{last_sync}</span>
                {move || state.status.with(|s| s.refused).map(|refusal| {
                    let texts = lang.get().texts();
                    let text = match refusal {
                        Refusal::Revoked => texts.device_revoked,
                        Refusal::Unknown => texts.device_unknown,
                        Refusal::Expired => crate::device_texts::expired(lang.get()),
                    };
                    view! { <strong class="refused" role="alert" data-testid="device-refused">{text}</strong> }
                })}
                <Show when=move || state.status.with(|s| s.connection == Connection::Syncing)>
                    <progress class="sync-progress" data-testid="sync-progress"></progress>
                    <Show when=move || state.status.with(|s| s.received > 0)>
                        <span class="sync-received" data-testid="sync-received">
                            {move || lang.get().texts().receiving} " "
                            {move || state.status.with(|s| s.received)}
                            {move || lang.get().texts().records_unit}
                        </span>
                    </Show>
                </Show>
            </div>
        </Show>
    }
}

/// Lock and sign-out, for an unlocked device. Sign-out warns when changes
/// have not reached the server, since it wipes the device.
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
            <div class="device-menu">
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
            </div>
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
        </Show>
    }
}
