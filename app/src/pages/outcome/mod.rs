//! The outcome report for coordinators and auditors: the programme's
//! results per fiscal year and over a range, computed on the server from
//! every record (so it needs the connection), with two charts, a print
//! view that fits A4, and a CSV for Excel. Coordinators also enter the
//! costs it is priced with.

mod charts;
mod costs;
mod table;
pub mod texts;

use crate::components::network_status::{Network, use_network};
use crate::i18n::use_lang;
use crate::local::state::{ClientState, Screen};
use crate::outcome_report::{OutcomeAnswer, OutcomeRequest, outcome_csv, read_outcome_report};
use crate::pages::programme::problem_text;
use crate::programme::ProgrammeError;
use chrono::NaiveDate;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use texts::texts;
use tsunagu_sync::outcome::fiscal::fiscal_year;
use tsunagu_sync::outcome::table::Cell;

/// How many fiscal years the report shows at first (Izumo's programme
/// ran eleven years before it was written up).
const DEFAULT_YEARS: i32 = 12;

/// The report page.
#[component]
pub fn OutcomePage() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let network = use_network();
    let today = tsunagu_sync::japan_time::date(chrono::Utc::now());
    let this_year = fiscal_year(today);
    let from = RwSignal::new((this_year - DEFAULT_YEARS + 1).to_string());
    let to = RwSignal::new(this_year.to_string());
    let cut_off = RwSignal::new(today.to_string());
    let answer = RwSignal::new(None::<Result<OutcomeAnswer, ProgrammeError>>);
    let busy = RwSignal::new(false);
    let last_saved = RwSignal::new(None::<i32>);
    let coordinator =
        crate::local::current_user().map(|u| u.role) == Some(tsunagu_sync::role::Role::Coordinator);
    let request = move || -> Result<OutcomeRequest, ProgrammeError> {
        let year = |s: &str| {
            s.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| ProgrammeError::Invalid(texts(lang.get_untracked()).not_year.into()))
        };
        Ok(OutcomeRequest {
            from_year: year(&from.get_untracked())?,
            to_year: year(&to.get_untracked())?,
            cut_off: cut_off.get_untracked().parse::<NaiveDate>().ok(),
        })
    };
    let load = move || {
        let request = match request() {
            Ok(request) => request,
            Err(problem) => return answer.set(Some(Err(problem))),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            answer.set(Some(read_outcome_report(request).await));
            busy.set(false);
        });
    };
    load();
    let download = move |_| {
        let Ok(request) = request() else { return };
        leptos::task::spawn_local(async move {
            match outcome_csv(request).await {
                Ok(csv) => save_csv(&request, &csv),
                Err(problem) => answer.set(Some(Err(problem))),
            }
        });
    };
    view! {
        <button class="button secondary back no-print" on:click=move |_| state.open(Screen::Caseload)>
            {move || lang.get().texts().back}
        </button>
        <section class="card outcome" data-testid="outcome-page" aria-busy=move || busy.get().to_string()>
            <h2>{move || texts(lang.get()).heading}</h2>
            <p class="hint no-print">{move || texts(lang.get()).note}</p>
            {move || (network.get() == Network::Offline).then(|| view! {
                <p class="notice warning no-print" role="status" data-testid="outcome-offline">{texts(lang.get()).needs_server}</p>
            })}
            <form class="outcome-range no-print" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
                <label>{move || texts(lang.get()).from_year}
                    <input inputmode="numeric" data-testid="outcome-from" prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{move || texts(lang.get()).to_year}
                    <input inputmode="numeric" data-testid="outcome-to" prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev))/></label>
                <label>{move || texts(lang.get()).cut_off}
                    <input type="date" data-testid="outcome-cut-off" prop:value=move || cut_off.get()
                        on:input=move |ev| cut_off.set(event_target_value(&ev))/></label>
                <button type="submit" class="button primary" data-testid="outcome-show">{move || texts(lang.get()).show}</button>
                <button type="button" class="button secondary" data-testid="outcome-csv" on:click=download>{move || texts(lang.get()).csv}</button>
                <button type="button" class="button secondary" data-testid="outcome-print" on:click=move |_| print()>{move || texts(lang.get()).print}</button>
            </form>
            {move || match answer.get() {
                None => EitherOf3::A(view! { <p class="loading">{texts(lang.get()).loading}</p> }),
                Some(Err(problem)) => EitherOf3::B(view! {
                    <p class="error" role="alert" data-testid="outcome-problem">{problem_text(lang.get(), &problem)}</p>
                }),
                Some(Ok(answer)) => EitherOf3::C(view! { <Report answer coordinator last_saved reload=Callback::new(move |()| load())/> }),
            }}
        </section>
    }
}

/// The figures: summary, charts, tables, data quality, and (for a
/// coordinator) the costs.
#[component]
fn Report(
    /// What the server answered.
    answer: OutcomeAnswer,
    /// Whether the costs may be edited.
    coordinator: bool,
    /// The year whose costs were saved last.
    last_saved: RwSignal<Option<i32>>,
    /// Counts the report again.
    reload: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let report = answer.report;
    let c = report.cumulative.clone();
    let years: Vec<i32> = report.years.iter().map(|y| y.year).collect();
    let yen = move |v: Option<u64>| {
        v.map_or_else(
            || texts(lang.get()).not_stated.to_owned(),
            |v| format!("¥{}", Cell::Count(v).grouped()),
        )
    };
    let ratio = c.cost_effectiveness.map(|r| format!("{r:.2}"));
    view! {
        <p class="outcome-range-printed" data-testid="outcome-counted-to">
            {move || format!("{}–{} · {} {}", report.from_year, report.to_year, texts(lang.get()).counted_to, report.counted_to)}
        </p>
        <div class="outcome-summary" data-testid="outcome-summary">
            <div class="figure"><span>{move || texts(lang.get()).listed}</span><strong data-testid="summary-listed">{c.listed}</strong></div>
            <div class="figure"><span>{move || texts(lang.get()).discharged}</span><strong data-testid="summary-discharged">{c.discharged}</strong></div>
            <div class="figure"><span>{move || texts(lang.get()).effect}</span><strong data-testid="summary-effect">{move || yen(c.effect_yen)}</strong></div>
            <div class="figure"><span>{move || texts(lang.get()).ratio}</span><strong>{move || ratio.clone().unwrap_or_else(|| texts(lang.get()).not_stated.to_owned())}</strong></div>
        </div>
        <div class="outcome-charts">
            <charts::StatusChart years=report.years.clone()/>
            <charts::EffectChart years=report.years.clone()/>
        </div>
        <table::ReportTables report=report.clone()/>
        <table::DataQualityNotes report=report.clone()/>
        {coordinator.then(|| view! { <costs::CostsEditor years costs=answer.costs last_saved saved=reload/> })}
    }
}

/// Saves the CSV the server made as a download.
#[cfg(feature = "hydrate")]
fn save_csv(request: &OutcomeRequest, csv: &str) {
    let name = format!("outcome-{}-{}.csv", request.from_year, request.to_year);
    if let Err(error) = crate::browser::download_text(&name, "text/csv;charset=utf-8", csv) {
        leptos::logging::warn!("{error}");
    }
}

#[cfg(not(feature = "hydrate"))]
fn save_csv(_: &OutcomeRequest, _: &str) {}

#[cfg(feature = "hydrate")]
fn print() {
    crate::browser::print_page();
}

#[cfg(not(feature = "hydrate"))]
fn print() {}
