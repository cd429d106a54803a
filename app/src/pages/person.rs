//! One person: who they are and what is planned (`person_header`), the
//! record kinds I may write (my role's usual ones first), the timeline.

use crate::i18n::{Lang, use_lang};
use crate::labels::{kind_label, stage_label};
use crate::local::read::{stage_marker, timeline};
use crate::local::state::{ClientState, Screen};
use crate::local::{current_user, with_device};
use crate::pages::person_header::{PersonHeader, ordered_kinds};
use leptos::either::Either;
use leptos::prelude::*;
use tsunagu_sync::policy;
use tsunagu_sync::record::Status;
use tsunagu_sync::record::schema::RecordKind;

/// A status's label.
pub fn status_label(lang: Lang, status: Status) -> &'static str {
    let texts = lang.texts();
    match status {
        Status::Draft => texts.status_draft,
        Status::Finalised => texts.status_finalised,
        Status::Amended => texts.status_amended,
    }
}

/// The person page.
#[component]
pub fn PersonPage(
    /// The person's id.
    person: String,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    // The kinds the user may write, those their role writes most first.
    let writable: Vec<(RecordKind, bool)> = current_user()
        .map(|user| {
            let kinds: Vec<RecordKind> = RecordKind::ALL
                .into_iter()
                .filter(|k| !k.is_profile() && policy::access(user.role, *k).write)
                .collect();
            ordered_kinds(user.role, &kinds)
        })
        .unwrap_or_default();
    let rows = {
        let person = person.clone();
        move || {
            state.revision.track();
            with_device(|store, summaries| {
                let refused = store.rejected().clone();
                timeline(summaries, &person, |id| store.waiting_for(id) > 0)
                    .into_iter()
                    .map(|row| {
                        let refused = refused.contains_key(&row.id);
                        (row, refused)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        }
    };
    view! {
        <button class="button secondary back" on:click=move |_| state.open(Screen::Caseload)>
            {move || lang.get().texts().back}
        </button>
        <section class="card" data-testid="person-page">
            <PersonHeader person=person.clone()/>
            <div class="new-record-buttons">
                {writable.into_iter().map(|(kind, usual)| {
                    let person = person.clone();
                    view! {
                        <button class="button" class:primary=usual class:secondary=!usual
                            data-testid=format!("new-{kind}")
                            on:click=move |_| state.open(Screen::NewRecord { person: person.clone(), kind })>
                            {move || lang.get().texts().new_record} {move || kind_label(lang.get(), kind)}
                        </button>
                    }
                }).collect_view()}
            </div>
            <ol class="timeline" data-testid="timeline">
                {move || {
                    let rows = rows();
                    if rows.is_empty() {
                        return Either::Left(view! { <li class="hint">{lang.get().texts().timeline_empty}</li> });
                    }
                    Either::Right(rows.into_iter().map(|(row, refused)| {
                        let id = row.id.clone();
                        view! {
                            <li>
                                <button class="timeline-item" data-testid="timeline-item" data-record=row.id.clone()
                                    data-kind=row.kind.as_str()
                                    on:click=move |_| state.open(Screen::Record(id.clone()))>
                                    <span class="date">{row.date.to_string()}</span>
                                    <span class="kind">{move || kind_label(lang.get(), row.kind)}</span>
                                    <span class="badge">{move || status_label(lang.get(), row.status)}</span>
                                    {row.event.as_ref().and_then(stage_marker).map(|stage| view! {
                                        <span class="badge stage" data-testid="stage-change">
                                            "→ " {move || stage_label(lang.get(), stage)}
                                        </span>
                                    })}
                                    {if refused {
                                        Some(Either::Left(view! {
                                            <span class="badge refused" data-testid="refused-badge">{move || lang.get().texts().refused}</span>
                                        }))
                                    } else {
                                        row.waiting.then(|| Either::Right(view! {
                                            <span class="badge waiting">{move || lang.get().texts().not_sent}</span>
                                        }))
                                    }}
                                    <span class="excerpt">{row.excerpt.clone()}</span>
                                </button>
                            </li>
                        }
                    }).collect_view())
                }}
            </ol>
        </section>
    }
}
