//! The report's tables, one per section, from the same lines the CSV and
//! the command line print.

use super::texts::texts;
use crate::i18n::{Lang, use_lang};
use leptos::prelude::*;
use tsunagu_sync::outcome::OutcomeReport;
use tsunagu_sync::outcome::table::{Line, Section, headings, lines};

/// The sections in order, each with its lines.
fn sections(report: &OutcomeReport) -> Vec<(Section, Vec<Line>)> {
    let mut out: Vec<(Section, Vec<Line>)> = Vec::new();
    for line in lines(report) {
        match out.last_mut() {
            Some((section, lines)) if *section == line.section => lines.push(line),
            _ => out.push((line.section, vec![line])),
        }
    }
    out
}

/// Every section's table.
#[component]
pub fn ReportTables(
    /// The report.
    report: OutcomeReport,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        let lang = lang.get();
        let japanese = lang == Lang::Ja;
        let heads = headings(&report, japanese);
        sections(&report)
            .into_iter()
            .map(|(section, lines)| {
                let (ja, en) = section.heading();
                let heads = heads.clone();
                view! {
                    <section class="outcome-section" data-testid="outcome-section">
                        <h3>{if japanese { ja } else { en }}</h3>
                        // Focusable, so a keyboard can scroll a wide table.
                        <div class="table-scroll" tabindex="0" role="region"
                            aria-label=if japanese { ja } else { en }>
                            <table class="outcome-table">
                                <thead><tr>
                                    {heads.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                    {lines.into_iter().map(|line| view! {
                                        <tr data-testid="outcome-line" data-key=line.key.clone()>
                                            <th scope="row">{if japanese { line.ja.clone() } else { line.en.clone() }}</th>
                                            {line.years.iter().map(|c| view! { <td>{c.grouped()}</td> }).collect_view()}
                                            <td class="total" data-testid="outcome-total">{line.cumulative.grouped()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            })
            .collect_view()
    }
}

/// The data-quality notes under the tables.
#[component]
pub fn DataQualityNotes(
    /// The report.
    report: OutcomeReport,
) -> impl IntoView {
    let lang = use_lang();
    let quality = report.data_quality;
    move || {
        let t = texts(lang.get());
        let missing = if quality.years_without_unit_cost.is_empty() {
            "—".to_owned()
        } else {
            quality
                .years_without_unit_cost
                .iter()
                .map(|y| format!("{y}{}", t.year_suffix))
                .collect::<Vec<_>>()
                .join("、")
        };
        view! {
            <section class="outcome-quality" data-testid="outcome-quality">
                <h3>{t.quality}</h3>
                <dl>
                    <dt>{t.stale_drafts}</dt><dd data-testid="quality-drafts">{quality.stale_drafts}</dd>
                    <dt>{t.unlisted}</dt><dd>{quality.persons_without_listing}</dd>
                    <dt>{t.no_unit_cost}</dt><dd>{missing}</dd>
                </dl>
            </section>
        }
    }
}
