//! The always-visible sync badge: connection, changes waiting, last sync,
//! and progress while a download runs.

use crate::i18n::use_lang;
use crate::local::state::{ClientState, Connection, Phase, Refusal};
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
                {move || {
                    let count = state.status.with(|s| s.refused_notes);
                    (count > 0).then(|| view! {
                        <strong class="refused-notes" role="alert" data-testid="refused-count" data-count=count>
                            {move || crate::device_texts::refused_notes(lang.get(), count)}
                        </strong>
                    })
                }}
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
