//! The whole offline app, at every screen's address. What it shows follows
//! the device's phase: first sign-in, unlock, loading, or the open screen
//! (caseload, person, record, …), which the address names. The server
//! renders only the "starting" frame, so the page is the same for everyone
//! and at every address, and the service worker can serve it offline.

use super::audit_trail::AuditTrailPage;
use super::caseload::CaseloadPage;
use super::person::PersonPage;
use super::programme::ProgrammePage;
use super::record_form::RecordForm;
use super::sign_in::{FirstSignIn, Unlock};
use crate::i18n::use_lang;
use crate::local::state::{ClientState, Phase, Screen};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

/// The app's one page.
#[component]
pub fn HomePage() -> impl IntoView {
    let state = ClientState::get();
    let lang = use_lang();
    follow_the_address(state);

    view! {
        {move || match state.phase.get() {
            Phase::Starting => view! {
                <p class="loading" data-testid="starting">{move || lang.get().texts().loading}</p>
            }
            .into_any(),
            Phase::NoDevice => view! { <FirstSignIn/> }.into_any(),
            Phase::Locked => view! { <Unlock/> }.into_any(),
            Phase::Unlocking => view! {
                <section class="card" data-testid="unlocking">
                    <p>{move || lang.get().texts().unlocking}</p>
                    <progress
                        max=move || state.loading.get().1.max(1)
                        value=move || state.loading.get().0
                    ></progress>
                </section>
            }
            .into_any(),
            Phase::Ready => view! { <OpenScreen/> }.into_any(),
        }}
    }
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
        Screen::Caseload => view! { <CaseloadPage/> }.into_any(),
        Screen::Programme(_) => view! { <ProgrammePage/> }.into_any(),
        Screen::AuditTrail => view! { <AuditTrailPage/> }.into_any(),
        Screen::Outcome => view! { <crate::pages::outcome::OutcomePage/> }.into_any(),
        Screen::Person(person) => view! { <PersonPage person/> }.into_any(),
        Screen::NewRecord { person, kind } => {
            view! { <RecordForm person kind record=None/> }.into_any()
        }
        Screen::Record(id) => {
            let found = crate::local::with_device(|_, summaries| {
                summaries.get(&id).map(|s| (s.person_id.clone(), s.kind))
            })
            .flatten();
            match found {
                Some((person, kind)) => {
                    view! { <RecordForm person kind record=Some(id)/> }.into_any()
                }
                // Purged meanwhile (the assignment ended): back to the list.
                None => view! { <CaseloadPage/> }.into_any(),
            }
        }
    }
}
