//! The persons on my caseload, read from the device: those who need
//! something first, with filters (open, needs attention, ended), a stage
//! choice and a search by name or kana.

use super::caseload_texts::{filter_label, hint_text, texts};
use crate::i18n::use_lang;
use crate::labels::stage_label;
use crate::local::attention::{CaseFilter, CaseRow, Me, OPEN_STAGES, select};
use crate::local::read::caseload;
use crate::local::state::{ClientState, Screen};
use crate::local::with_device;
use leptos::either::Either;
use leptos::prelude::*;

/// The caseload list: one large button per person.
#[component]
pub fn CaseloadPage() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let user = crate::local::current_user();
    let me = user
        .as_ref()
        .map(|u| Me::new(&u.display_name, &u.username))
        .unwrap_or_default();
    let view_of = state.caseload_view;
    // Whether the device holds anyone at all, and who the filters keep.
    let shown = Memo::new(move |_| {
        state.revision.track();
        let view = view_of.get();
        let rows =
            with_device(|store, summaries| caseload(summaries, |id| store.waiting_for(id) > 0))
                .unwrap_or_default();
        let today = tsunagu_sync::policy::japan_date(chrono::Utc::now());
        let held = !rows.is_empty();
        (
            held,
            select(rows, today, &me, view.filter, view.stage, &view.query),
        )
    });
    let any = move || shown.with(|(held, _)| *held);
    let role = user.map(|user| user.role);
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
            {move || if any() {
                Either::Left(view! {
                    <Filters/>
                    <Show when=move || view_of.with(|v| matches!(v.filter, CaseFilter::Ended | CaseFilter::All))>
                        <p class="hint" data-testid="retention-note">{move || texts(lang.get()).retention_note}</p>
                    </Show>
                    <p class="hint" data-testid="caseload-count" aria-live="polite">
                        {move || shown.with(|(_, rows)| rows.len())} {move || texts(lang.get()).shown_unit}
                    </p>
                    {move || {
                        let rows = shown.get().1;
                        if rows.is_empty() {
                            Either::Left(view! { <p class="hint" data-testid="caseload-no-match">{texts(lang.get()).no_match}</p> })
                        } else {
                            Either::Right(view! {
                                <ul class="person-list">
                                    {rows.into_iter().map(|case| view! { <PersonItem case/> }).collect_view()}
                                </ul>
                            })
                        }
                    }}
                })
            } else {
                Either::Right(view! { <p class="hint" data-testid="caseload-empty">{lang.get().texts().no_persons}</p> })
            }}
        </section>
    }
}

/// The search field and the filter and stage choices.
#[component]
fn Filters() -> impl IntoView {
    let lang = use_lang();
    let view_of = ClientState::get().caseload_view;
    let t = move || texts(lang.get());
    view! {
        <div class="caseload-filters">
            <label class="grow">
                <span>{move || t().search}</span>
                <input type="search" name="caseload-search" data-testid="caseload-search"
                    placeholder=move || t().search_hint
                    prop:value=move || view_of.with(|v| v.query.clone())
                    on:input=move |ev| {
                        let query = event_target_value(&ev);
                        view_of.update(|v| v.query = query);
                    }/>
            </label>
            <label>
                <span>{move || t().show}</span>
                <select name="caseload-filter" data-testid="caseload-filter"
                    prop:value=move || view_of.with(|v| v.filter.as_str())
                    on:change=move |ev| {
                        let filter = CaseFilter::parse(&event_target_value(&ev)).unwrap_or_default();
                        view_of.update(|v| v.filter = filter);
                    }>
                    {CaseFilter::ALL.into_iter().map(|f| view! {
                        <option value=f.as_str()>{move || filter_label(lang.get(), f)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{move || t().stage}</span>
                <select name="caseload-stage" data-testid="caseload-stage"
                    prop:value=move || view_of.with(|v| {
                        v.stage
                            .and_then(|s| OPEN_STAGES.iter().position(|o| *o == s))
                            .map_or_else(String::new, |i| i.to_string())
                    })
                    on:change=move |ev| {
                        let stage = event_target_value(&ev)
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| OPEN_STAGES.get(i).copied());
                        view_of.update(|v| v.stage = stage);
                    }>
                    <option value="">{move || t().any_stage}</option>
                    {OPEN_STAGES.into_iter().enumerate().map(|(i, s)| view! {
                        <option value=i.to_string()>{move || stage_label(lang.get(), s)}</option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
fn PersonItem(case: CaseRow) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let CaseRow { row, hints } = case;
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
                {hints.into_iter().map(|hint| view! {
                    <span class="badge attention" class:overdue=hint.overdue() data-testid="hint">
                        {move || hint_text(lang.get(), hint)}
                    </span>
                }).collect_view()}
                {(row.waiting > 0).then(|| view! {
                    <span class="badge waiting">{move || lang.get().texts().not_sent} " " {row.waiting}</span>
                })}
            </button>
        </li>
    }
}
