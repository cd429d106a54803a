//! The button that switches between Japanese and English and remembers the
//! choice in a cookie, so the server renders the next page in it too.

use crate::i18n::use_lang;
use leptos::prelude::*;

/// A large button labelled with the language it switches to.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let switch = move |_| {
        let next = lang.get_untracked().other();
        lang.set(next);
        #[cfg(feature = "hydrate")]
        crate::i18n::remember_lang(next);
    };
    view! {
        <button
            type="button"
            class="language-switch"
            data-testid="language-switch"
            aria-label=move || lang.get().texts().switch_language_label
            on:click=switch
        >
            {move || lang.get().texts().switch_language}
        </button>
    }
}
