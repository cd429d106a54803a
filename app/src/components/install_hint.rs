//! On an iPad (or iPhone) in a Safari tab, how to add the app to the home
//! screen: Safari may erase what a site stored if it is not used for seven
//! days, unless the site was added to the home screen. Shown once the
//! device is open, until the user says they have read it.

use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, Phase};
use leptos::prelude::*;

/// The `localStorage` key that remembers the hint was read.
#[cfg(feature = "hydrate")]
const READ_SETTING: &str = "tsunagu_install_hint_read";

/// The hint's heading, text and button, in `lang`.
fn texts(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Ja => (
            "ホーム画面に追加してください",
            "Safari の共有ボタン（□↑）から「ホーム画面に追加」を選び、次からはホーム画面のアイコンで開いてください。Safari のタブのままでは、7日間使わないと端末に保存した記録が消されることがあります。",
            "わかりました",
        ),
        Lang::En => (
            "Add the app to the home screen",
            "In Safari, tap Share (□↑) and choose “Add to Home Screen”, then open Tsunagu from its icon. In a Safari tab, notes saved on this tablet may be erased after seven days without use.",
            "Got it",
        ),
    }
}

/// Whether the page is a Safari tab on iOS and the hint was not read.
fn unread_in_tab() -> bool {
    #[cfg(feature = "hydrate")]
    {
        crate::browser::ios_browser_tab() && crate::browser::setting(READ_SETTING).is_none()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// The hint, when it applies.
#[component]
pub fn InstallHint() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let dismissed = RwSignal::new(false);
    // Asked when the device opens (the tab's state is the browser's, not
    // a signal's).
    let applies = move || state.phase.get() == Phase::Ready && !dismissed.get() && unread_in_tab();
    let read = move |_| {
        #[cfg(feature = "hydrate")]
        crate::browser::set_setting(READ_SETTING, "1");
        dismissed.set(true);
    };
    view! {
        <Show when=applies>
            <section class="notice install-hint" role="note" data-testid="install-hint">
                <h2>{move || texts(lang.get()).0}</h2>
                <p>{move || texts(lang.get()).1}</p>
                <button class="button primary" data-testid="install-hint-read" on:click=read>
                    {move || texts(lang.get()).2}
                </button>
            </section>
        </Show>
    }
}
