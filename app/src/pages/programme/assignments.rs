//! Persons and their workers: who holds whom today, putting a person on a
//! worker's caseload from a date, and taking them off.

use super::texts::texts;
use super::{Shared, StaffOptions, optional_date, staff_label};
use crate::i18n::use_lang;
use crate::programme::{ProgrammeError, assign_person, end_assignment};
use leptos::either::Either;
use leptos::prelude::*;

/// The assignments screen.
#[component]
pub fn Assignments() -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let person = RwSignal::new(String::new());
    let worker = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let assigned = RwSignal::new(false);
    let today = move || shared.overview.get().map(|o| o.today);

    let on_assign = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        assigned.set(false);
        let (person_id, username) = (person.get_untracked(), worker.get_untracked());
        let from = optional_date(&from.get_untracked())
            .or_else(|| shared.overview.get_untracked().map(|o| o.today));
        let t = texts(lang.get_untracked());
        shared.run(
            async move {
                let from = from.ok_or_else(|| ProgrammeError::Invalid(t.from_date.into()))?;
                if person_id.is_empty() || username.is_empty() {
                    return Err(ProgrammeError::Invalid(t.choose.into()));
                }
                assign_person(username, person_id, from).await
            },
            move |()| assigned.set(true),
        );
    };

    view! {
        <form class="programme-form" on:submit=on_assign>
            <label>
                <span>{move || texts(lang.get()).col_name}</span>
                <select data-testid="assign-person" on:change=move |ev| person.set(event_target_value(&ev))>
                    <option value="">{move || texts(lang.get()).choose}</option>
                    {move || shared.overview.get().map(|o| o.persons.into_iter().map(|p| view! {
                        <option value=p.id.clone() selected=person.get_untracked() == p.id>{p.display_name}</option>
                    }).collect_view())}
                </select>
            </label>
            <label>
                <span>{move || texts(lang.get()).worker}</span>
                <select data-testid="assign-worker" on:change=move |ev| worker.set(event_target_value(&ev))>
                    <option value="">{move || texts(lang.get()).choose}</option>
                    <StaffOptions chosen=worker/>
                </select>
            </label>
            <label>
                <span>{move || texts(lang.get()).from_date}</span>
                <input type="date" data-testid="assign-date"
                    prop:value=move || if from.get().is_empty() { today().map(|d| d.to_string()).unwrap_or_default() } else { from.get() }
                    on:input=move |ev| from.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="button primary" data-testid="assign-submit" disabled=move || shared.busy.get()>
                {move || texts(lang.get()).assign}
            </button>
            {move || assigned.get().then(|| view! {
                <p class="ok" role="status" data-testid="assign-done">{move || texts(lang.get()).assigned}</p>
            })}
        </form>
        <ul class="programme-persons">
            {move || shared.overview.get().map(|overview| {
                let today = overview.today;
                overview.persons.into_iter().map(|p| {
                    let person_id = p.id.clone();
                    view! {
                        <li class="programme-person" data-testid="programme-person" data-name=p.display_name.clone()>
                            <span class="person-name">{p.display_name.clone()}</span>
                            {(!p.listed_years.is_empty()).then(|| view! {
                                <span class="person-meta">
                                    {move || texts(lang.get()).listed_years}
                                    {p.listed_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ")}
                                </span>
                            })}
                            <div class="assignees">
                                {if p.assignees.is_empty() {
                                    Either::Left(view! { <span class="badge attention" data-testid="no-assignee">{move || texts(lang.get()).no_assignee}</span> })
                                } else {
                                    Either::Right(p.assignees.into_iter().map(|a| {
                                        let (person_id, username) = (person_id.clone(), a.username.clone());
                                        let end = move |_| {
                                            let (person_id, username) = (person_id.clone(), username.clone());
                                            shared.run(end_assignment(username, person_id, today), |()| {});
                                        };
                                        view! {
                                            <span class="assignee" data-testid="assignee" data-username=a.username.clone()>
                                                {staff_label(lang.get_untracked(), &a.display_name, a.role)}
                                                " " {move || texts(lang.get()).since_prefix}
                                                {a.starts_on.to_string()}
                                                {move || texts(lang.get()).since_suffix}
                                                <button class="button small secondary" data-testid="end-assignment"
                                                    disabled=move || shared.busy.get() on:click=end>
                                                    {move || texts(lang.get()).end}
                                                </button>
                                            </span>
                                        }
                                    }).collect_view())
                                }}
                            </div>
                        </li>
                    }
                }).collect_view()
            })}
        </ul>
    }
}
