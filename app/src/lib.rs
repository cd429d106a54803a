//! Tsunagu's user interface.
//!
//! Built twice: with `ssr` the server renders it, with `hydrate` it runs in
//! the browser as wasm and takes over the server-rendered page.

// The coordinator screens' view types nest deeper than the default limit.
#![recursion_limit = "256"]

pub mod access_log;
pub mod account;
pub mod administration;
pub mod audit_search;
#[cfg(feature = "hydrate")]
mod browser;
pub mod components;
#[cfg(feature = "ssr")]
pub mod content_policy;
pub mod device_texts;
pub mod device_token;
pub mod event_refusal;
pub mod i18n;
pub mod labels;
pub mod listing_refusal;
pub mod local;
pub mod outcome_report;
pub mod pages;
pub mod past_events;
pub mod programme;
pub mod second_factor;

use components::app_update::{StorageWarning, UpdateBanner};
use components::device_menu::DeviceMenu;
use components::install_hint::InstallHint;
use components::sync_status::SyncStatus;
use components::{language_switch::LanguageSwitch, network_status::NetworkStatus};
use leptos::prelude::*;
use leptos_meta::{Html, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{Route, Router, Routes},
};
use pages::{home::HomePage, not_found::NotFound};

/// The stem of the bundle's file names under `/pkg`; the build appends a
/// content hash (`tsunagu.<hash>.js`), and the server's `LeptosOptions`
/// carries the full name.
pub const BUNDLE_NAME: &str = "tsunagu";

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_policy::send();
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href=stylesheet/>
                <HydrationScripts options/>
                <script src="/pwa.js" defer nonce=leptos::nonce::use_nonce()></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: header with language and network state, then the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = i18n::provide_lang();
    let state = local::state::ClientState::provide();
    components::network_status::provide_network();
    pages::not_found::NotFoundShown::provide();
    #[cfg(feature = "hydrate")]
    {
        // After hydration: follow the language cookie (a page served from
        // the offline cache was rendered in whatever language it was
        // cached in), then look for this browser's device.
        Effect::new(move |_| {
            let wanted = i18n::cookie_lang();
            if wanted != lang.get_untracked() {
                lang.set(wanted);
            }
            local::runtime::boot(state);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = state;

    view! {
        <Html {..} lang=move || lang.get().code()/>
        <Title text=move || lang.get().texts().app_name/>
        <Meta name="theme-color" content="#2f6f5e"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Link rel="manifest" href="/manifest.webmanifest"/>
        // iPadOS reads neither the manifest's icons nor SVG: a PNG touch
        // icon, and the meta tags that make "Add to Home Screen" open the
        // app standalone (where Safari does not evict its storage).
        <Link rel="apple-touch-icon" href="/apple-touch-icon.png"/>
        <Meta name="apple-mobile-web-app-capable" content="yes"/>
        <Meta name="mobile-web-app-capable" content="yes"/>
        <Meta name="apple-mobile-web-app-title" content="つなぐ"/>
        <Meta name="apple-mobile-web-app-status-bar-style" content="default"/>
        <Router>
            // Once the device is open the header folds to one row on a
            // landscape tablet (two in portrait): the page gets the room.
            <header class="app-header"
                class:ready=move || state.phase.get() == local::state::Phase::Ready>
                <div class="brand">
                    <h1 data-testid="app-name">{move || lang.get().texts().app_name}</h1>
                    <p class="tagline">{move || lang.get().texts().tagline}</p>
                </div>
                <div class="header-tools">
                    <NetworkStatus/>
                    <LanguageSwitch/>
                    <DeviceMenu/>
                </div>
                <SyncStatus/>
                <StorageWarning/>
            </header>
            <UpdateBanner/>
            <InstallHint/>
            <main>
                // The router knows the screens' addresses (see
                // `local::screen`) and shows the 404 page at any other.
                // The app's one page sits beside it, not in a route: it
                // stays mounted while the address changes, and no route
                // view erases its type (an erased view would pin a second,
                // async hydration path for the whole app into the bundle).
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=|| ()/>
                    <Route path=(StaticSegment("person"), ParamSegment("person")) view=|| ()/>
                    <Route
                        path=(StaticSegment("person"), ParamSegment("person"),
                            StaticSegment("new"), ParamSegment("kind"))
                        view=|| ()/>
                    <Route path=(StaticSegment("record"), ParamSegment("record")) view=|| ()/>
                    <Route path=StaticSegment("programme") view=|| ()/>
                    <Route path=(StaticSegment("programme"), ParamSegment("tab")) view=|| ()/>
                    <Route path=StaticSegment("audit") view=|| ()/>
                    <Route path=StaticSegment("report") view=|| ()/>
                </Routes>
                <HomePage/>
            </main>
        </Router>
    }
}

/// The wasm entry point: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
