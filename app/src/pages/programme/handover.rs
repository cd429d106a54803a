//! Caseload handover: one worker's caseload (or the persons ticked) moves
//! to another worker from an effective date; each person's timeline
//! records it, and devices follow at their next sync.

use super::texts::texts;
use super::{Shared, StaffOptions, optional_date};
use crate::i18n::use_lang;
use crate::programme::{ProgrammeError, hand_over};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The handover screen.
#[component]
pub fn Handover() -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let on = RwSignal::new(String::new());
    let ticked = RwSignal::new(BTreeSet::<String>::new());
    let moved = RwSignal::new(None::<usize>);
    let today = move || shared.overview.get().map(|o| o.today);
    // The persons `from` holds today.
    let caseload = move || {
        let from = from.get();
        shared
            .overview
            .get()
            .map(|o| {
                o.persons
                    .into_iter()
                    .filter(|p| p.assignees.iter().any(|a| a.username == from))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        moved.set(None);
        let (giver, taker) = (from.get_untracked(), to.get_untracked());
        let persons: Vec<String> = ticked.get_untracked().into_iter().collect();
        let effective = optional_date(&on.get_untracked())
            .or_else(|| shared.overview.get_untracked().map(|o| o.today));
        let t = texts(lang.get_untracked());
        shared.run(
            async move {
                let effective =
                    effective.ok_or_else(|| ProgrammeError::Invalid(t.effective_on.into()))?;
                if giver.is_empty() || taker.is_empty() {
                    return Err(ProgrammeError::Invalid(t.choose.into()));
                }
                hand_over(giver, taker, persons, effective).await
            },
            move |count| {
                ticked.set(BTreeSet::new());
                moved.set(Some(count));
            },
        );
    };
    view! {
        <form class="programme-form" on:submit=on_submit>
            <label>
                <span>{move || texts(lang.get()).handover_from}</span>
                <select data-testid="handover-from" on:change=move |ev| {
                    from.set(event_target_value(&ev));
                    ticked.set(BTreeSet::new());
                }>
                    <option value="">{move || texts(lang.get()).choose}</option>
                    <StaffOptions chosen=from/>
                </select>
            </label>
            <label>
                <span>{move || texts(lang.get()).handover_to}</span>
                <select data-testid="handover-to" on:change=move |ev| to.set(event_target_value(&ev))>
                    <option value="">{move || texts(lang.get()).choose}</option>
                    <StaffOptions chosen=to/>
                </select>
            </label>
            <label>
                <span>{move || texts(lang.get()).effective_on}</span>
                <input type="date" data-testid="handover-date"
                    prop:value=move || if on.get().is_empty() { today().map(|d| d.to_string()).unwrap_or_default() } else { on.get() }
                    on:input=move |ev| on.set(event_target_value(&ev))/>
            </label>
            <fieldset class="handover-persons">
                <legend>{move || texts(lang.get()).handover_persons}</legend>
                {move || caseload().into_iter().map(|p| {
                    let id = p.id.clone();
                    let checked = {
                        let id = id.clone();
                        move || ticked.with(|t| t.contains(&id))
                    };
                    view! {
                        <label class="check">
                            <input type="checkbox" data-testid="handover-person" data-name=p.display_name.clone()
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    ticked.update(|t| {
                                        if on { t.insert(id.clone()); } else { t.remove(&id); }
                                    });
                                }/>
                            {p.display_name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <p class="hint" data-testid="handover-count">
                {move || texts(lang.get()).will_move_prefix}
                {move || {
                    let ticked = ticked.with(BTreeSet::len);
                    if ticked == 0 { caseload().len() } else { ticked }
                }}
                {move || texts(lang.get()).will_move_suffix}
            </p>
            <button type="submit" class="button primary" data-testid="handover-submit" disabled=move || shared.busy.get()>
                {move || texts(lang.get()).hand_over}
            </button>
            {move || moved.get().map(|count| view! {
                <p class="ok" role="status" data-testid="handover-done">{move || texts(lang.get()).handed_over}{count}</p>
            })}
        </form>
    }
}
