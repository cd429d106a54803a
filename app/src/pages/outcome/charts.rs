//! The report's two charts, drawn as SVG from the report's figures:
//! where the discharged stood at each year's end (stacked bars), and the
//! cumulative effect against the cumulative cost (two lines). Colours come
//! from the stylesheet (classes), so the page needs no inline style.

use super::texts::{OutcomeTexts, texts};
use crate::i18n::use_lang;
use leptos::prelude::*;
use tsunagu_sync::outcome::YearRow;

/// Chart width per year and the margins, in SVG units.
const STEP: f64 = 48.0;
const LEFT: f64 = 72.0;
const TOP: f64 = 12.0;
const PLOT: f64 = 180.0;

fn width(years: usize) -> f64 {
    LEFT + STEP * years.max(1) as f64 + 12.0
}

/// A value's height on a plot whose top is `max`.
fn scale(value: f64, max: f64) -> f64 {
    if max <= 0.0 { 0.0 } else { value / max * PLOT }
}

/// Stacked bars: per fiscal year, the persons discharged by its end in
/// the community, back in hospital, died, left.
#[component]
pub fn StatusChart(
    /// The report's years.
    years: Vec<YearRow>,
) -> impl IntoView {
    let lang = use_lang();
    let max = years
        .iter()
        .map(|y| {
            let s = y.status_at_year_end;
            s.community + s.readmitted + s.died + s.left
        })
        .max()
        .unwrap_or(0) as f64;
    let w = width(years.len());
    let h = TOP + PLOT + 28.0;
    let bars = years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let s = y.status_at_year_end;
            let x = LEFT + STEP * i as f64 + 8.0;
            let mut base = TOP + PLOT;
            let parts = [
                ("bar community", s.community),
                ("bar readmitted", s.readmitted),
                ("bar died", s.died),
                ("bar left", s.left),
            ];
            let rects = parts
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(class, n)| {
                    let height = scale(n as f64, max);
                    base -= height;
                    view! {
                        <rect class=class x=x y=base width=STEP - 16.0 height=height data-testid="bar">
                            <title>{n}</title>
                        </rect>
                    }
                })
                .collect_view();
            let total = s.community + s.readmitted + s.died + s.left;
            view! {
                <g>
                    {rects}
                    <text class="value" x=x + (STEP - 16.0) / 2.0 y=base - 3.0 text-anchor="middle">{total}</text>
                    <text class="axis" x=x + (STEP - 16.0) / 2.0 y=TOP + PLOT + 16.0 text-anchor="middle">{y.year}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="chart-status">
            <figcaption>{move || texts(lang.get()).chart_status}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") role="img" preserveAspectRatio="xMinYMin meet"
                aria-label=move || texts(lang.get()).chart_status>
                <line class="axis-line" x1=LEFT y1=TOP + PLOT x2=w - 8.0 y2=TOP + PLOT/>
                <text class="axis" x=LEFT - 6.0 y=TOP + 8.0 text-anchor="end">{max}</text>
                <text class="axis" x=LEFT - 6.0 y=TOP + PLOT text-anchor="end">"0"</text>
                {bars}
            </svg>
            <Legend entries=vec![
                ("community", |t| t.in_community),
                ("readmitted", |t| t.back_in_hospital),
                ("died", |t| t.died),
                ("left", |t| t.left),
            ]/>
        </figure>
    }
}

/// Two lines: the cumulative effect and the cumulative programme cost,
/// in millions of yen, up to the first year that lacks a figure.
#[component]
pub fn EffectChart(
    /// The report's years.
    years: Vec<YearRow>,
) -> impl IntoView {
    let lang = use_lang();
    let running = |pick: fn(&YearRow) -> Option<u64>| {
        let mut total = 0u64;
        years
            .iter()
            .map_while(|y| {
                total += pick(y)?;
                Some(total as f64 / 1_000_000.0)
            })
            .collect::<Vec<f64>>()
    };
    let effect = running(|y| y.effect_yen);
    let cost = running(|y| y.programme_cost_yen);
    let max = effect.iter().chain(&cost).copied().fold(0.0, f64::max);
    let w = width(years.len());
    let h = TOP + PLOT + 28.0;
    let points = |values: &[f64]| {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let x = LEFT + STEP * i as f64 + STEP / 2.0;
                format!("{x:.1},{:.1}", TOP + PLOT - scale(*v, max))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let labels = years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let x = LEFT + STEP * i as f64 + STEP / 2.0;
            view! { <text class="axis" x=x y=TOP + PLOT + 16.0 text-anchor="middle">{y.year}</text> }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="chart-effect">
            <figcaption>{move || texts(lang.get()).chart_effect}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") role="img" preserveAspectRatio="xMinYMin meet"
                aria-label=move || texts(lang.get()).chart_effect>
                <line class="axis-line" x1=LEFT y1=TOP + PLOT x2=w - 8.0 y2=TOP + PLOT/>
                <text class="axis" x=LEFT - 6.0 y=TOP + 8.0 text-anchor="end">{move || format!("{max:.0}{}", texts(lang.get()).millions)}</text>
                <text class="axis" x=LEFT - 6.0 y=TOP + PLOT text-anchor="end">"0"</text>
                <polyline class="line effect" points=points(&effect) data-testid="line-effect"/>
                <polyline class="line cost" points=points(&cost) data-testid="line-cost"/>
                {labels}
            </svg>
            <Legend entries=vec![
                ("effect", |t| t.cumulative_effect),
                ("cost", |t| t.cumulative_cost),
            ]/>
        </figure>
    }
}

/// A chart's legend: a swatch per entry (its class) and its label.
#[component]
fn Legend(
    /// (class, which text labels it) per entry.
    entries: Vec<(&'static str, Label)>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="legend">
            {entries
                .into_iter()
                .map(|(class, label)| view! {
                    <li><span class=format!("swatch {class}")></span>{move || label(texts(lang.get()))}</li>
                })
                .collect_view()}
        </ul>
    }
}

/// Which of the screen's texts labels a legend entry.
type Label = fn(&OutcomeTexts) -> &'static str;
