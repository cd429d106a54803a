//! The persons on my caseload, read from the device.

use crate::i18n::use_lang;
use crate::labels::stage_label;
use crate::local::read::{NextAction, PersonRow, caseload, next_action};
use crate::local::state::{ClientState, Screen};
use crate::local::with_device;
use leptos::prelude::*;

/// The caseload list: one large button per person.
#[component]
pub fn CaseloadPage() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let rows = move || {
        state.revision.track();
        with_device(|store, summaries| caseload(summaries, |id| store.waiting_for(id) > 0))
            .unwrap_or_default()
    };
    let role = crate::local::current_user().map(|user| user.role);
    let coordinator = role == Some(tsunagu_sync::role::Role::Coordinator);
    let auditor = role == Some(tsunagu_sync::role::Role::Auditor);
    view! {
        {coordinator.then(|| view! {
            <button class="button primary programme-open" data-testid="programme-open"
                on:click=move |_| state.open(Screen::Programme(Default::default()))>
                {move || crate::pages::programme::texts::texts(lang.get()).open}
            </button>
        })}
        {auditor.then(|| view! {
            <button class="button primary programme-open" data-testid="audit-open"
                on:click=move |_| state.open(Screen::AuditTrail)>
                {move || crate::pages::programme::texts::texts(lang.get()).audit_open}
            </button>
        })}
        {(coordinator || auditor).then(|| view! {
            <button class="button primary programme-open" data-testid="outcome-open"
                on:click=move |_| state.open(Screen::Outcome)>
                {move || crate::pages::outcome::texts::texts(lang.get()).open}
            </button>
        })}
        <section class="card" data-testid="caseload">
            <h2>{move || lang.get().texts().caseload_heading}</h2>
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    view! { <p class="hint" data-testid="caseload-empty">{lang.get().texts().no_persons}</p> }
                        .into_any()
                } else {
                    view! {
                        <ul class="person-list">
                            {rows.into_iter().map(|row| view! { <PersonItem row/> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn PersonItem(row: PersonRow) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let id = row.id.clone();
    view! {
        <li>
            <button class="person-item" data-testid="person-item" data-person=row.id.clone()
                on:click=move |_| state.open(Screen::Person(id.clone()))>
                <span class="person-name">{row.name.clone()}</span>
                <span class="badge stage" data-testid="stage">{move || stage_label(lang.get(), row.stage)}</span>
                <span class="person-meta">
                    {row.records} {move || lang.get().texts().records_unit}
                    {row.last_contact.map(|d| format!(" · {d}"))}
                </span>
                {next_action(&row, tsunagu_sync::policy::japan_date(chrono::Utc::now())).map(|action| view! {
                    <span class="badge attention" data-testid="next-action">
                        {move || {
                            let texts = lang.get().texts();
                            match action {
                                NextAction::FirstInterview => texts.needs_first_interview.to_owned(),
                                NextAction::Quiet(days) => format!("{}{days}{}", texts.quiet_prefix, texts.quiet_suffix),
                            }
                        }}
                    </span>
                })}
                {(row.waiting > 0).then(|| view! {
                    <span class="badge waiting">{move || lang.get().texts().not_sent} " " {row.waiting}</span>
                })}
            </button>
        </li>
    }
}
