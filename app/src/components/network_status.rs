//! Always-visible network state. The server cannot know whether the tablet
//! is online, so the server-rendered page says "checking" and the browser
//! fills in the truth once the app is running, then follows the
//! `online`/`offline` events.

use crate::i18n::use_lang;
use leptos::prelude::*;

/// What the badge shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // only the browser learns the state
enum Network {
    Unknown,
    Online,
    Offline,
}

/// A badge that says whether the device is online.
#[component]
pub fn NetworkStatus() -> impl IntoView {
    let lang = use_lang();
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
        let online =
            window_event_listener(leptos::ev::online, move |_| network.set(Network::Online));
        let offline =
            window_event_listener(leptos::ev::offline, move |_| network.set(Network::Offline));
        on_cleanup(move || {
            online.remove();
            offline.remove();
        });
    }

    let state = move || match network.get() {
        Network::Unknown => "unknown",
        Network::Online => "online",
        Network::Offline => "offline",
    };
    let label = move || {
        let texts = lang.get().texts();
        match network.get() {
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
