//! The whole offline app, at every screen's address. What it shows follows
//! the device's phase: first sign-in, unlock, loading, or the open screen
//! (caseload, person, record, …), which the address names. The server
//! renders only the "starting" frame, so the page is the same for everyone
//! and at every address, and the service worker can serve it offline.

use super::caseload::CaseloadPage;
use super::not_found::NotFoundShown;
use super::office::{OfficePage, OfficeScreen};
use super::person::PersonPage;
use super::record_form::RecordForm;
use crate::i18n::use_lang;
use crate::local::state::{ClientState, Phase, Screen};
use leptos::either::{Either, EitherOf5, EitherOf6};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

/// The app's one page, at every address but the 404 page's.
#[component]
pub fn HomePage() -> impl IntoView {
    let not_found = use_context::<NotFoundShown>().map(|NotFoundShown(shown)| shown);
    let hidden = Memo::new(move |_| not_found.is_some_and(|shown| shown.get()));
    move || (!hidden.get()).then(|| view! { <Screens/> })
}

/// What the device's phase calls for: first sign-in, unlock, loading, or
/// the open screen.
#[component]
fn Screens() -> impl IntoView {
    let state = ClientState::get();
    let lang = use_lang();
    follow_the_address(state);
    let starting = move || {
        view! {
            <p class="loading" data-testid="starting">{move || lang.get().texts().loading}</p>
        }
    };
    // The server draws only the starting frame (the device's phase lives
    // in the browser), so only that branch is compiled for it: no other
    // screen is ever rendered to HTML, and the server build skips them.
    #[cfg(not(feature = "hydrate"))]
    let screens = move || EitherOf5::<_, (), (), (), ()>::A(starting());
    #[cfg(feature = "hydrate")]
    let screens = move || match state.phase.get() {
        Phase::Starting => EitherOf5::A(starting()),
        Phase::NoDevice => EitherOf5::B(view! { <super::sign_in::FirstSignIn/> }),
        Phase::Locked => EitherOf5::C(view! { <super::sign_in::Unlock/> }),
        Phase::Unlocking => EitherOf5::D(view! {
            <section class="card" data-testid="unlocking">
                <p>{move || lang.get().texts().unlocking}</p>
                <progress
                    max=move || state.loading.get().1.max(1)
                    value=move || state.loading.get().0
                ></progress>
            </section>
        }),
        Phase::Ready => EitherOf5::E(view! { <OpenScreen/> }),
    };
    view! { {screens} }
}

/// Keeps the open screen and the address together: a screen opened in the
/// app gets its own history entry, and an address (typed, reloaded, or
/// reached with back and forward) opens its screen. An address the app
/// does not know, or any address once the device is signed out, becomes
/// the caseload's.
fn follow_the_address(state: ClientState) {
    let location = use_location();
    let navigate = use_navigate();
    let go = navigate.clone();
    Effect::new(move |_| {
        if let Some((screen, replace)) = state.navigation.get() {
            *state.navigation.write_untracked() = None;
            let path = screen.path();
            if location.pathname.get_untracked() != path {
                let options = NavigateOptions {
                    replace,
                    ..Default::default()
                };
                go(&path, options);
            }
        }
    });
    Effect::new(move |_| {
        let path = location.pathname.get();
        let screen = Screen::from_path(&path)
            .filter(|_| state.phase.get() != Phase::NoDevice)
            .unwrap_or_default();
        if screen == Screen::Caseload && path != "/" {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate("/", replace);
        }
        state.show(screen);
    });
}

// Drawn only in the browser (see `Screens`).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[component]
fn OpenScreen() -> impl IntoView {
    let state = ClientState::get();
    // Every record and timeline opened goes into the device's access log.
    Effect::new(move |_| {
        use crate::access_log::AccessKind;
        match state.screen.get() {
            Screen::Person(person) => {
                crate::local::record_access(AccessKind::TimelineViewed, &person)
            }
            Screen::Record(id) => crate::local::record_access(AccessKind::RecordViewed, &id),
            _ => {}
        }
    });
    // Switching the programme's tabs keeps its page (see `Screen::page`).
    let page = Memo::new(move |_| state.page());
    move || match page.get() {
        Screen::Caseload => EitherOf6::A(view! { <CaseloadPage/> }),
        // The office's screens load their code when first opened (see `office`).
        Screen::Programme(_) => {
            EitherOf6::B(view! { <OfficePage screen=OfficeScreen::Programme/> })
        }
        Screen::AuditTrail => EitherOf6::C(view! { <OfficePage screen=OfficeScreen::AuditTrail/> }),
        Screen::Outcome => EitherOf6::D(view! { <OfficePage screen=OfficeScreen::Outcome/> }),
        Screen::Person(person) => EitherOf6::E(view! { <PersonPage person/> }),
        Screen::NewRecord { person, kind } => EitherOf6::F(Either::Left(
            view! { <RecordForm person kind record=None/> },
        )),
        Screen::Record(id) => {
            let found = crate::local::with_device(|_, summaries| {
                summaries.get(&id).map(|s| (s.person_id.clone(), s.kind))
            })
            .flatten();
            match found {
                Some((person, kind)) => EitherOf6::F(Either::Left(
                    view! { <RecordForm person kind record=Some(id)/> },
                )),
                // Purged meanwhile (the assignment ended): back to the list.
                None => EitherOf6::F(Either::Right(view! { <CaseloadPage/> })),
            }
        }
    }
}
