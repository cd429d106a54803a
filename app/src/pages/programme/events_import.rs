//! The programme's past events: choose the file, preview what importing
//! it would do row by row (refused rows with their reasons in the
//! screen's language), then import every row or cancel. Importing the
//! same file again writes nothing.

use super::Shared;
use super::listing_import::read_file;
use crate::i18n::{Lang, use_lang};
use crate::labels::choice_label;
use crate::past_events::{
    EventsImported, EventsPreview, EventsRequest, import_events, preview_events,
};
use leptos::prelude::*;

/// This screen's own text.
struct EventTexts {
    note: &'static str,
    file: &'static str,
    col_person: &'static str,
    col_event: &'static str,
    col_date: &'static str,
    col_detail: &'static str,
    col_state: &'static str,
    new: &'static str,
    already: &'static str,
    written: &'static str,
    nothing_new: &'static str,
}

const JA: EventTexts = EventTexts {
    note: "事業のこれまでの記録を1行1件で取り込みます（対象者は先に名簿で取り込んでください）。列：受給者番号、事象（初回合同面接・退院・再入院・死亡・終結）、日付、詳細（退院先、終結の理由：転出・保護廃止・その他）。",
    file: "過去の記録のCSVファイル",
    col_person: "受給者番号",
    col_event: "事象",
    col_date: "日付",
    col_detail: "詳細",
    col_state: "取り込み",
    new: "新規",
    already: "取り込み済み",
    written: "件を記録しました",
    nothing_new: "新しい行はありません（すべて取り込み済み）",
};

const EN: EventTexts = EventTexts {
    note: "Brings in the programme's past, one event per row (import the persons' listings first). Columns: recipient_number, event (first_interview, discharged, readmitted, died, left), date, detail (the destination; why someone left: moved_away, assistance_ended, other).",
    file: "Past events CSV file",
    col_person: "Recipient number",
    col_event: "Event",
    col_date: "Date",
    col_detail: "Detail",
    col_state: "Import",
    new: "New",
    already: "Already imported",
    written: "record(s) written",
    nothing_new: "No new rows (all imported already)",
};

fn own(lang: Lang) -> &'static EventTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// An event's name in `lang`.
fn event_label(lang: Lang, event: &str) -> &'static str {
    let (ja, en) = match event {
        "first_interview" => ("初回合同面接", "Joint first interview"),
        "discharged" => ("退院", "Discharged"),
        "readmitted" => ("再入院", "Readmitted"),
        "died" => ("死亡", "Died"),
        _ => ("終結", "Left the programme"),
    };
    if lang == Lang::Ja { ja } else { en }
}

/// The past events import screen.
#[component]
pub fn EventsImport() -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let previewed = RwSignal::new(None::<EventsRequest>);
    let preview = RwSignal::new(None::<EventsPreview>);
    let imported = RwSignal::new(None::<EventsImported>);
    let cancelled = RwSignal::new(false);
    let t = move || super::texts::texts(lang.get());
    let on_preview = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        imported.set(None);
        cancelled.set(false);
        preview.set(None);
        let input = file_input.get_untracked();
        let missing = super::texts::texts(lang.get_untracked()).choose_file;
        shared.run(
            async move {
                let request = EventsRequest {
                    file: read_file(input, missing).await?,
                };
                crate::past_events::check_size(&request)?;
                let answer = preview_events(request.clone()).await?;
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
        shared.run(import_events(request), move |done| {
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
        <p class="hint">{move || own(lang.get()).note}</p>
        <form class="programme-form" on:submit=on_preview>
            <label>
                <span>{move || own(lang.get()).file}</span>
                <input type="file" accept=".csv,text/csv" data-testid="events-file" node_ref=file_input/>
            </label>
            <button type="submit" class="button primary" data-testid="events-preview"
                disabled=move || shared.busy.get()>
                {move || t().preview}
            </button>
        </form>
        {move || cancelled.get().then(|| view! {
            <p class="hint" role="status" data-testid="events-cancelled">{t().cancelled}</p>
        })}
        {move || imported.get().map(|done| view! {
            <p class="ok" role="status" data-testid="events-imported">
                {t().imported}" "<strong data-testid="events-written">{done.written}</strong>" "{own(lang.get()).written}
            </p>
        })}
        {move || preview.get().map(|answer| view! { <EventsPreviewTable answer on_import on_cancel/> })}
    }
}

/// The preview: accepted rows, refused rows, and the two buttons.
#[component]
fn EventsPreviewTable(
    answer: EventsPreview,
    on_import: impl Fn(leptos::ev::MouseEvent) + 'static,
    on_cancel: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let t = move || super::texts::texts(lang.get());
    let fresh = answer.rows.iter().filter(|r| !r.already).count();
    let blocked = !answer.refused.is_empty() || fresh == 0;
    let refused = answer.refused.clone();
    view! {
        <div class="listing-preview" data-testid="events-preview-result" data-new=fresh>
            {(fresh == 0 && refused.is_empty()).then(|| view! {
                <p class="hint" role="status" data-testid="events-nothing-new">{move || own(lang.get()).nothing_new}</p>
            })}
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th>{move || t().col_line}</th>
                        <th>{move || own(lang.get()).col_person}</th>
                        <th>{move || own(lang.get()).col_event}</th>
                        <th>{move || own(lang.get()).col_date}</th>
                        <th>{move || own(lang.get()).col_detail}</th>
                        <th>{move || own(lang.get()).col_state}</th>
                    </tr></thead>
                    <tbody>
                        {answer.rows.into_iter().map(|row| {
                            let detail = row.detail.clone();
                            view! {
                                <tr data-testid="event-row" data-already=row.already.to_string()>
                                    <td>{row.line}</td>
                                    <td>{row.recipient_number.clone()}</td>
                                    <td>{move || event_label(lang.get(), &row.event)}</td>
                                    <td>{row.on.to_string()}</td>
                                    <td>{move || if detail.is_empty() { String::new() } else { choice_label(lang.get(), &detail) }}</td>
                                    <td>{move || if row.already { own(lang.get()).already } else { own(lang.get()).new }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!refused.is_empty()).then(|| view! {
                <h3>{move || t().refused_rows}</h3>
                <p class="error" role="alert">{move || t().fix_rows_first}</p>
                <table>
                    <thead><tr>
                        <th>{move || t().col_line}</th>
                        <th>{move || t().col_reason}</th>
                    </tr></thead>
                    <tbody>
                        {refused.into_iter().map(|row| view! {
                            <tr data-testid="refused-event"><td>{row.line}</td><td>{move || {
                                let lang = lang.get();
                                let separator = if lang == Lang::Ja { "。" } else { "; " };
                                row.problems.iter().map(|p| p.text(lang)).collect::<Vec<_>>().join(separator)
                            }}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <div class="form-actions">
                <button class="button primary" data-testid="events-import"
                    disabled=move || blocked || shared.busy.get() on:click=on_import>
                    {move || t().import}
                </button>
                <button class="button secondary" data-testid="events-cancel" on:click=on_cancel>
                    {move || t().cancel}
                </button>
            </div>
        </div>
    }
}
