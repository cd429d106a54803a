//! Listing import: choose the year and the file, preview what importing
//! would do row by row, then import or cancel. The bytes imported are the
//! bytes previewed.

use super::texts::texts;
use super::{Shared, optional_date};
use crate::i18n::use_lang;
use crate::programme::{
    ListingImported, ListingPreview, ListingRequest, ProgrammeError, RowPlan, import_listing,
    preview_listing,
};
use leptos::prelude::*;
use tsunagu_sync::outcome::fiscal::fiscal_year;

/// The listing import screen.
#[component]
pub fn ListingImport() -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let today = tsunagu_sync::policy::japan_date(chrono::Utc::now());
    let year = RwSignal::new(fiscal_year(today).to_string());
    let listed_on = RwSignal::new(String::new());
    let file_input = NodeRef::<leptos::html::Input>::new();
    // The request previewed, kept so that importing sends the same bytes.
    let previewed = RwSignal::new(None::<ListingRequest>);
    let preview = RwSignal::new(None::<ListingPreview>);
    let imported = RwSignal::new(None::<ListingImported>);
    let cancelled = RwSignal::new(false);

    let on_preview = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        imported.set(None);
        cancelled.set(false);
        preview.set(None);
        let fiscal_year = year.get_untracked().trim().parse::<i32>();
        let listed_on = optional_date(&listed_on.get_untracked());
        let t = texts(lang.get_untracked());
        let input = file_input.get_untracked();
        shared.run(
            async move {
                let fiscal_year =
                    fiscal_year.map_err(|_| ProgrammeError::Invalid(t.fiscal_year.into()))?;
                let file = read_file(input, t.choose_file).await?;
                let request = ListingRequest {
                    fiscal_year,
                    listed_on,
                    file,
                };
                crate::programme::check_size(&request)?;
                let answer = preview_listing(request.clone()).await?;
                Ok((request, answer))
            },
            move |(request, answer)| {
                previewed.set(Some(request));
                preview.set(Some(answer));
            },
        );
    };
    let on_import = move |_| {
        let Some(request) = previewed.get_untracked() else {
            return;
        };
        shared.run(import_listing(request), move |done| {
            previewed.set(None);
            preview.set(None);
            imported.set(Some(done));
        });
    };
    let on_cancel = move |_| {
        previewed.set(None);
        preview.set(None);
        cancelled.set(true);
    };

    view! {
        <form class="programme-form" on:submit=on_preview>
            <label>
                <span>{move || texts(lang.get()).fiscal_year}</span>
                <input type="number" min="2000" max="2100" data-testid="listing-year"
                    prop:value=move || year.get() on:input=move |ev| year.set(event_target_value(&ev))/>
            </label>
            <label>
                <span>{move || texts(lang.get()).listed_on}</span>
                <input type="date" data-testid="listing-date"
                    prop:value=move || listed_on.get() on:input=move |ev| listed_on.set(event_target_value(&ev))/>
            </label>
            <label>
                <span>{move || texts(lang.get()).listing_file}</span>
                <input type="file" accept=".csv,text/csv" data-testid="listing-file" node_ref=file_input/>
            </label>
            <button type="submit" class="button primary" data-testid="listing-preview"
                disabled=move || shared.busy.get()>
                {move || texts(lang.get()).preview}
            </button>
        </form>
        {move || cancelled.get().then(|| view! {
            <p class="hint" role="status" data-testid="listing-cancelled">{move || texts(lang.get()).cancelled}</p>
        })}
        {move || imported.get().map(|done| view! {
            <div class="ok" role="status" data-testid="listing-imported">
                <p>{move || texts(lang.get()).imported}</p>
                <Counts new=done.new_persons listed=done.listed already=done.already_listed flagged=done.flagged/>
            </div>
        })}
        {move || preview.get().map(|answer| view! { <PreviewTable answer on_import on_cancel/> })}
    }
}

/// The counts of an import or a preview.
#[component]
fn Counts(new: usize, listed: usize, already: usize, flagged: usize) -> impl IntoView {
    let lang = use_lang();
    view! {
        <dl class="counts" data-testid="listing-counts">
            <div><dt>{move || texts(lang.get()).count_new}</dt><dd data-testid="count-new">{new}</dd></div>
            <div><dt>{move || texts(lang.get()).count_listed}</dt><dd data-testid="count-listed">{listed}</dd></div>
            <div><dt>{move || texts(lang.get()).count_already}</dt><dd data-testid="count-already">{already}</dd></div>
            <div><dt>{move || texts(lang.get()).count_flagged}</dt><dd data-testid="count-flagged">{flagged}</dd></div>
        </dl>
    }
}

/// The preview: accepted rows, refused rows, and the two buttons.
#[component]
fn PreviewTable(
    answer: ListingPreview,
    on_import: impl Fn(leptos::ev::MouseEvent) + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let count = |plan: RowPlan| answer.rows.iter().filter(|r| r.plan == plan).count();
    let new = count(RowPlan::NewPerson);
    let already = count(RowPlan::AlreadyListed);
    let listed = answer.rows.len() - already;
    let flagged = answer
        .rows
        .iter()
        .filter(|r| r.short_stay && r.plan != RowPlan::AlreadyListed)
        .count();
    let blocked = !answer.refused.is_empty() || listed == 0;
    let refused = answer.refused.clone();
    view! {
        <div class="listing-preview" data-testid="listing-preview-result">
            <Counts new listed already flagged/>
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th>{move || texts(lang.get()).col_line}</th>
                        <th>{move || texts(lang.get()).col_name}</th>
                        <th>{move || texts(lang.get()).col_hospital}</th>
                        <th>{move || texts(lang.get()).col_admitted}</th>
                        <th>{move || texts(lang.get()).col_stay}</th>
                        <th>{move || texts(lang.get()).col_plan}</th>
                        <th>{move || texts(lang.get()).col_caseworker}</th>
                    </tr></thead>
                    <tbody>
                        {answer.rows.into_iter().map(|row| view! {
                            <tr data-testid="preview-row" data-plan=format!("{:?}", row.plan)>
                                <td>{row.line}</td>
                                <td>{row.name}</td>
                                <td>{row.hospital}</td>
                                <td>{row.admitted_on.to_string()}</td>
                                <td>
                                    {row.stay_days}
                                    {row.short_stay.then(|| view! {
                                        <span class="badge attention" data-testid="short-stay">{move || texts(lang.get()).short_stay}</span>
                                    })}
                                </td>
                                <td>{move || {
                                    let t = texts(lang.get());
                                    match row.plan {
                                        RowPlan::NewPerson => t.plan_new,
                                        RowPlan::KnownPerson => t.plan_known,
                                        RowPlan::AlreadyListed => t.plan_already,
                                    }
                                }}</td>
                                <td>{row.caseworker}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!refused.is_empty()).then(|| view! {
                <h3>{move || texts(lang.get()).refused_rows}</h3>
                <p class="error" role="alert">{move || texts(lang.get()).fix_rows_first}</p>
                <table>
                    <thead><tr>
                        <th>{move || texts(lang.get()).col_line}</th>
                        <th>{move || texts(lang.get()).col_reason}</th>
                    </tr></thead>
                    <tbody>
                        {refused.into_iter().map(|row| view! {
                            <tr data-testid="refused-row"><td>{row.line}</td><td>{move || crate::listing_refusal::row_problems_text(&row.problems, lang.get())}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <div class="form-actions">
                <button class="button primary" data-testid="listing-import"
                    disabled=move || blocked || shared.busy.get() on:click=on_import>
                    {move || texts(lang.get()).import}
                </button>
                <button class="button secondary" data-testid="listing-cancel" on:click=on_cancel>
                    {move || texts(lang.get()).cancel}
                </button>
            </div>
        </div>
    }
}

/// The chosen file's bytes (refused when none is chosen or it is too big).
#[cfg(feature = "hydrate")]
pub(super) async fn read_file(
    input: Option<leptos::web_sys::HtmlInputElement>,
    missing: &'static str,
) -> Result<Vec<u8>, ProgrammeError> {
    let file = input
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
        .ok_or_else(|| ProgrammeError::Invalid(missing.into()))?;
    if file.size() > crate::programme::MAX_LISTING_BYTES as f64 {
        return Err(crate::listing_refusal::FileProblem::TooLarge {
            bytes: file.size() as u64,
            max: crate::programme::MAX_LISTING_BYTES as u64,
        }
        .into());
    }
    crate::browser::file_bytes(&file)
        .await
        .map_err(ProgrammeError::Invalid)
}

/// Files are only read in the browser.
#[cfg(not(feature = "hydrate"))]
pub(super) async fn read_file<T>(_: Option<T>, _: &'static str) -> Result<Vec<u8>, ProgrammeError> {
    Err(ProgrammeError::Unavailable("no browser".into()))
}
