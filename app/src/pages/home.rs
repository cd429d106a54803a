//! `/`: the whole offline app. What it shows follows the device's phase:
//! first sign-in, unlock, loading, or the open screen (caseload, person,
//! record). The server renders only the "starting" frame, so the page is
//! the same for everyone and the service worker can serve it offline.

use super::audit_trail::AuditTrailPage;
use super::caseload::CaseloadPage;
use super::person::PersonPage;
use super::programme::ProgrammePage;
use super::record_form::RecordForm;
use super::sign_in::{FirstSignIn, Unlock};
use crate::i18n::use_lang;
use crate::local::state::{ClientState, Phase, Screen};
use leptos::prelude::*;

/// The app's one page.
#[component]
pub fn HomePage() -> impl IntoView {
    let state = ClientState::get();
    let lang = use_lang();

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
    move || match state.screen.get() {
        Screen::Caseload => view! { <CaseloadPage/> }.into_any(),
        Screen::Programme => view! { <ProgrammePage/> }.into_any(),
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
