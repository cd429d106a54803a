//! The coordinator's costs per fiscal year: the unit cost the effect is
//! priced with and the programme's cost. Each row saves on its own; the
//! report is counted again after a save.

use super::texts::texts;
use crate::i18n::use_lang;
use crate::outcome_report::{CostsRequest, set_year_costs};
use crate::pages::programme::problem_text;
use crate::programme::ProgrammeError;
use leptos::either::Either;
use leptos::prelude::*;
use std::collections::BTreeMap;
use tsunagu_sync::outcome::YearCosts;

/// Yen as typed: empty is "not given", else a whole number of yen.
fn yen(text: &str) -> Result<Option<u64>, ()> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '、' | ' '))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse().map(Some).map_err(|_| ())
}

/// The costs table for `years`, filled from `costs`. After a save,
/// `last_saved` names the year (it outlives this table, which the report
/// counted again replaces) and `saved` runs.
#[component]
pub fn CostsEditor(
    /// The fiscal years shown.
    years: Vec<i32>,
    /// The costs as entered so far.
    costs: BTreeMap<i32, YearCosts>,
    /// The year saved last, if any.
    last_saved: RwSignal<Option<i32>>,
    /// Called after a save.
    saved: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || texts(lang.get());
    let rows = years
        .into_iter()
        .map(|year| {
            let entered = costs.get(&year).copied().unwrap_or_default();
            let show = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
            let inpatient = RwSignal::new(show(entered.inpatient_monthly_yen));
            let programme = RwSignal::new(show(entered.programme_yen));
            let problem = RwSignal::new(None::<ProgrammeError>);
            let save = move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                let (Ok(inpatient_monthly_yen), Ok(programme_yen)) =
                    (yen(&inpatient.get_untracked()), yen(&programme.get_untracked()))
                else {
                    problem.set(Some(ProgrammeError::Invalid(t().not_yen.into())));
                    return;
                };
                let request = CostsRequest {
                    year,
                    costs: YearCosts {
                        inpatient_monthly_yen,
                        programme_yen,
                    },
                };
                leptos::task::spawn_local(async move {
                    match set_year_costs(request).await {
                        Ok(_) => {
                            problem.set(None);
                            last_saved.set(Some(year));
                            saved.run(());
                        }
                        Err(error) => problem.set(Some(error)),
                    }
                });
            };
            view! {
                <tr data-testid="cost-row" data-year=year>
                    <th scope="row">{year}</th>
                    <td><input inputmode="numeric" data-testid="cost-inpatient" form=format!("cost-{year}")
                        aria-label=move || format!("{year} {}", t().col_inpatient)
                        prop:value=move || inpatient.get()
                        on:input=move |ev| inpatient.set(event_target_value(&ev))/></td>
                    <td><input inputmode="numeric" data-testid="cost-programme" form=format!("cost-{year}")
                        aria-label=move || format!("{year} {}", t().col_programme)
                        prop:value=move || programme.get()
                        on:input=move |ev| programme.set(event_target_value(&ev))/></td>
                    <td>
                        <form id=format!("cost-{year}") on:submit=save>
                            <button type="submit" class="button secondary small" data-testid="cost-save">{move || t().save}</button>
                        </form>
                        {move || match problem.get() {
                            Some(problem) => Some(Either::Left(view! { <span class="error" role="alert">{problem_text(lang.get(), &problem)}</span> })),
                            None => (last_saved.get() == Some(year)).then(|| Either::Right(view! {
                                <span class="hint" role="status" data-testid="cost-saved">{t().saved}</span>
                            })),
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="outcome-costs no-print" data-testid="outcome-costs">
            <h3>{move || t().costs_heading}</h3>
            <p class="hint">{move || t().costs_note}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || t().costs_heading>
                <table>
                    <thead><tr>
                        <th scope="col">{move || t().col_year}</th>
                        <th scope="col">{move || t().col_inpatient}</th>
                        <th scope="col">{move || t().col_programme}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
