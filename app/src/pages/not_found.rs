//! Shown for any path the router does not know.

use crate::i18n::use_lang;
use leptos::prelude::*;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <section class="card" data-testid="not-found">
            <h2>{move || lang.get().texts().not_found}</h2>
            <a class="button" href="/">{move || lang.get().texts().back_home}</a>
        </section>
    }
}
