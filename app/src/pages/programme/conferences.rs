//! Case conferences: every conference record on this device, newest first,
//! and a new one for a person on the coordinator's caseload. Unlike the
//! other tabs this reads and writes the device, so it works offline.

use super::texts::texts;
use crate::i18n::use_lang;
use crate::local::read::{caseload, person_display_name};
use crate::local::state::{ClientState, Screen};
use crate::local::with_device;
use crate::pages::person::status_label;
use leptos::either::Either;
use leptos::prelude::*;
use tsunagu_sync::record::schema::RecordKind;

/// One conference in the list.
#[derive(Debug, Clone, PartialEq)]
struct ConferenceRow {
    id: String,
    date: chrono::NaiveDate,
    person: String,
    status: tsunagu_sync::record::Status,
    excerpt: String,
}

/// The conferences tab.
#[component]
pub fn Conferences() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let person = RwSignal::new(String::new());
    let rows = move || {
        state.revision.track();
        with_device(|_, summaries| {
            let mut rows: Vec<ConferenceRow> = summaries
                .iter()
                .filter(|(_, s)| s.kind == RecordKind::CaseConference)
                .map(|(id, s)| ConferenceRow {
                    id: id.clone(),
                    date: s.date,
                    person: person_display_name(summaries, &s.person_id).unwrap_or_default(),
                    status: s.status,
                    excerpt: s.excerpt.clone(),
                })
                .collect();
            rows.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.person.cmp(&b.person)));
            rows
        })
        .unwrap_or_default()
    };
    let persons = move || {
        state.revision.track();
        with_device(|_, summaries| caseload(summaries, |_| false)).unwrap_or_default()
    };
    let open_new = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let person = person.get_untracked();
        if !person.is_empty() {
            state.open(Screen::NewRecord {
                person,
                kind: RecordKind::CaseConference,
            });
        }
    };
    view! {
        <p class="hint">{move || texts(lang.get()).conferences_note}</p>
        <form class="programme-form" on:submit=open_new>
            <label>
                <span>{move || texts(lang.get()).col_name}</span>
                <select data-testid="conference-person" on:change=move |ev| person.set(event_target_value(&ev))>
                    <option value="">{move || texts(lang.get()).choose}</option>
                    {move || persons().into_iter().map(|p| view! {
                        <option value=p.id.clone() selected=person.get_untracked() == p.id>{p.name}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button primary" data-testid="new-conference">
                {move || texts(lang.get()).new_conference}
            </button>
        </form>
        <ol class="timeline" data-testid="conferences">
            {move || {
                let rows = rows();
                if rows.is_empty() {
                    return Either::Left(view! { <li class="hint">{texts(lang.get()).no_conferences}</li> });
                }
                Either::Right(rows.into_iter().map(|row| {
                    let id = row.id.clone();
                    view! {
                        <li>
                            <button class="timeline-item" data-testid="conference" data-record=row.id.clone()
                                on:click=move |_| state.open(Screen::Record(id.clone()))>
                                <span class="date">{row.date.to_string()}</span>
                                <span class="kind">{row.person.clone()}</span>
                                <span class="badge">{move || status_label(lang.get(), row.status)}</span>
                                <span class="excerpt">{row.excerpt.clone()}</span>
                            </button>
                        </li>
                    }
                }).collect_view())
            }}
        </ol>
    }
}
