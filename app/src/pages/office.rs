//! The office's screens (the programme's lists and imports, the audit
//! trail, the outcome report), loaded only when first opened. Field staff
//! never open them, so their code is not in the bundle a tablet downloads
//! first: the build splits everything only [`office_view`] reaches into a
//! wasm file of its own (`tools/bindgen`), fetched the first time one of
//! these screens is drawn and kept by the service worker after that. They
//! need the server anyway, so a tablet that cannot fetch the file says so
//! and offers to try again.

use super::audit_trail::AuditTrailPage;
use super::programme::ProgrammePage;
use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, Screen};
use leptos::either::Either;
use leptos::prelude::*;

/// One of the office's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeScreen {
    /// The programme's lists, imports and handovers.
    Programme,
    /// The server's audit trail.
    AuditTrail,
    /// The outcome report.
    Outcome,
}

/// The office's code could not be fetched (no network, say).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the office screens' code could not be loaded")]
pub struct OfficeNotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for OfficeNotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        OfficeNotLoaded
    }
}

/// `screen`, once the office's code is loaded: a loading line meanwhile,
/// and a notice with a retry button if it cannot be fetched.
#[component]
pub fn OfficePage(
    /// Which of the office's screens.
    screen: OfficeScreen,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let attempt = RwSignal::new(0u32);
    let loading = move || {
        view! { <p class="loading" data-testid="office-loading">{move || texts(lang.get()).loading}</p> }
    };
    let page = move || {
        attempt.track();
        Suspend::new(async move {
            match office_view(screen).await {
                Ok(page) => Either::Left(page),
                Err(OfficeNotLoaded) => Either::Right(view! {
                    <button class="button secondary back" on:click=move |_| state.open(Screen::Caseload)>
                        {move || lang.get().texts().back}
                    </button>
                    <section class="card notice" role="alert" data-testid="office-not-loaded">
                        <p>{move || texts(lang.get()).not_loaded}</p>
                        <button type="button" class="button primary" data-testid="office-retry"
                            on:click=move |_| attempt.update(|n| *n += 1)>
                            {move || texts(lang.get()).retry}
                        </button>
                    </section>
                }),
            }
        })
    };
    view! { <Suspense fallback=loading>{page}</Suspense> }
}

/// Draws `screen`. The split point: this function and all it alone
/// reaches go into the office's wasm file.
#[leptos::wasm_split::wasm_split(office, wasm_split_path = ::leptos::wasm_split, fallible)]
fn office_view(screen: OfficeScreen) -> Result<AnyView, OfficeNotLoaded> {
    // Type-erased on purpose: a split function returns one concrete type,
    // and erasing here keeps every page's view code, its async hydration
    // path included, in the split file (see clippy.toml).
    #[allow(clippy::disallowed_methods)]
    let page = match screen {
        OfficeScreen::Programme => view! { <ProgrammePage/> }.into_any(),
        OfficeScreen::AuditTrail => view! { <AuditTrailPage/> }.into_any(),
        OfficeScreen::Outcome => view! { <super::outcome::OutcomePage/> }.into_any(),
    };
    Ok(page)
}

/// The loading screens' text in one language.
struct OfficeTexts {
    /// While the office's code is fetched.
    loading: &'static str,
    /// It could not be fetched.
    not_loaded: &'static str,
    /// Fetch it again.
    retry: &'static str,
}

fn texts(lang: Lang) -> &'static OfficeTexts {
    match lang {
        Lang::Ja => &OfficeTexts {
            loading: "この画面を読み込んでいます…",
            not_loaded: "この画面を読み込めませんでした。この画面はサーバーにつながっているときに使えます。ネットワークを確かめて、もう一度お試しください。",
            retry: "もう一度読み込む",
        },
        Lang::En => &OfficeTexts {
            loading: "Loading this screen…",
            not_loaded: "This screen could not be loaded. It works while the server can be reached: check the network and try again.",
            retry: "Load again",
        },
    }
}
