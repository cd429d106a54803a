//! Shown for any path the router does not know.

use crate::i18n::use_lang;
use leptos::prelude::*;

/// Whether the 404 page is showing. The app's page (see `home`) sits
/// beside the router rather than inside it, so it reads this to stay
/// hidden while the router shows the 404 page.
#[derive(Clone, Copy)]
pub struct NotFoundShown(pub RwSignal<bool>);

impl NotFoundShown {
    /// Puts a flag, not yet raised, into the app's context.
    pub fn provide() {
        provide_context(NotFoundShown(RwSignal::new(false)));
    }
}

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    if let Some(NotFoundShown(shown)) = use_context::<NotFoundShown>() {
        shown.set(true);
        on_cleanup(move || shown.set(false));
    }
    let lang = use_lang();
    view! {
        <section class="card" data-testid="not-found">
            <h2>{move || lang.get().texts().not_found}</h2>
            <a class="button" href="/">{move || lang.get().texts().back_home}</a>
        </section>
    }
}
