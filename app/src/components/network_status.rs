//! Always-visible network state. The server cannot know whether the tablet
//! is online, so the server-rendered page says "checking" and the browser
//! fills in the truth once the app is running, then follows the
//! `online`/`offline` events.

use crate::i18n::use_lang;
use leptos::prelude::*;

/// Whether the browser is online, as far as it knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Not known yet (the server-rendered page).
    Unknown,
    /// The browser has a network.
    Online,
    /// No network.
    Offline,
}

/// Creates the network signal, follows the browser's `online`/`offline`
/// events, and puts it in context; call once at the root.
pub fn provide_network() -> RwSignal<Network> {
    let network = RwSignal::new(Network::Unknown);
    #[cfg(feature = "hydrate")]
    {
        let from_browser = |online: bool| {
            if online {
                Network::Online
            } else {
                Network::Offline
            }
        };
        Effect::new(move |_| network.set(from_browser(crate::browser::is_online())));
        // The root lives as long as the page: the listeners are never removed.
        let _ = window_event_listener(leptos::ev::online, move |_| network.set(Network::Online));
        let _ = window_event_listener(leptos::ev::offline, move |_| network.set(Network::Offline));
    }
    provide_context(network);
    network
}

/// The network signal from context.
pub fn use_network() -> RwSignal<Network> {
    expect_context::<RwSignal<Network>>()
}

/// A badge that says whether the device is online.
#[component]
pub fn NetworkStatus() -> impl IntoView {
    let lang = use_lang();
    let network = use_network();
    let client = crate::local::state::ClientState::get();
    // Online as far as the browser knows, yet the sync could not reach the
    // server: say that, not "online" beside a sync bar that disagrees.
    let unreachable =
        move || network.get() == Network::Online && client.status.with(|s| s.unreachable);
    let state = move || match network.get() {
        _ if unreachable() => "server-unreachable",
        Network::Unknown => "unknown",
        Network::Online => "online",
        Network::Offline => "offline",
    };
    let label = move || {
        let texts = lang.get().texts();
        match network.get() {
            _ if unreachable() => crate::device_texts::server_unreachable(lang.get()),
            Network::Unknown => texts.network_checking,
            Network::Online => texts.network_online,
            Network::Offline => texts.network_offline,
        }
    };
    view! {
        <span class="network-status" data-testid="network-status" data-state=state role="status">
            {label}
        </span>
    }
}
