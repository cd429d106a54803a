//! The auditor's screen: the audit trail, newest first, filtered by an id
//! an entry mentions, who acted, the action and the dates, and exported as
//! CSV. It lives on the server, so it needs the connection; every search
//! and export is itself recorded.

use super::audit_texts;
use crate::audit_search::{AuditFilter, AuditPage, export_audit, search_audit};
use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, Screen};
use crate::pages::programme::problem_text;
use crate::pages::programme::texts::texts;
use crate::programme::ProgrammeError;
use leptos::either::EitherOf4;
use leptos::prelude::*;
use tsunagu_sync::japan_time;

/// An action's name in `lang`; the identifier itself when unknown.
fn action_label(lang: Lang, action: &str) -> String {
    let t = texts(lang);
    match action {
        "listing_import" => t.action_listing_import,
        "assign" => t.action_assign,
        "end_assignment" => t.action_end_assignment,
        "handover" => t.action_handover,
        "device_registered" => t.action_device_registered,
        "device_revoked" => t.action_device_revoked,
        other => {
            return audit_texts::action_label(lang, other)
                .unwrap_or(other)
                .to_owned();
        }
    }
    .to_owned()
}

/// Who acted: their name; for no user, the command line, except for what
/// happens without anyone acting (a refused sign-in, an expired device).
fn actor_label(actor: Option<&str>, action: &str, command_line: &str) -> String {
    match (actor, action) {
        (Some(name), _) => name.to_owned(),
        (None, "sign_in_failed" | "device_expired") => "—".to_owned(),
        (None, _) => command_line.to_owned(),
    }
}

/// A filter field's value: `None` when blank.
fn field(value: String) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The audit trail page.
#[component]
pub fn AuditTrailPage() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let page = RwSignal::new(None::<Result<AuditPage, ProgrammeError>>);
    let problem = RwSignal::new(None::<ProgrammeError>);
    let (mentions, actor, action) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let filter = move || AuditFilter {
        mentions: field(mentions.get_untracked()),
        actor: field(actor.get_untracked()),
        action: field(action.get_untracked()),
        from: from.get_untracked().parse().ok(),
        to: to.get_untracked().parse().ok(),
    };
    let load = move || {
        let filter = filter();
        leptos::task::spawn_local(async move {
            page.set(Some(search_audit(filter).await));
        })
    };
    load();
    let search = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        load();
    };
    let clear = move |_| {
        for signal in [mentions, actor, action, from, to] {
            signal.set(String::new());
        }
        load();
    };
    let export = move |_| {
        let filter = filter();
        problem.set(None);
        leptos::task::spawn_local(async move {
            match export_audit(filter).await {
                Ok(file) => {
                    if let Err(error) = save_csv(&file.file_name, &file.csv) {
                        problem.set(Some(ProgrammeError::Unavailable(error)));
                    }
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let options = move |pick: fn(&AuditPage) -> Vec<(String, String)>, chosen: RwSignal<String>| {
        move || {
            page.with(|p| match p {
                Some(Ok(page)) => pick(page),
                _ => Vec::new(),
            })
            .into_iter()
            .map(|(value, label)| {
                view! { <option value=value.clone() selected=chosen.get_untracked() == value>{label}</option> }
            })
            .collect_view()
        }
    };
    view! {
        <button class="button secondary back" on:click=move |_| state.open(Screen::Caseload)>
            {move || lang.get().texts().back}
        </button>
        <section class="card" data-testid="audit-trail">
            <h2>{move || texts(lang.get()).audit_heading}</h2>
            <p class="hint">{move || texts(lang.get()).audit_note} " " {move || audit_texts::texts(lang.get()).recorded}</p>
            <form class="programme-form audit-filter" data-testid="audit-filter" on:submit=search>
                <label>
                    <span>{move || audit_texts::texts(lang.get()).mentions}</span>
                    <input type="text" name="mentions" autocapitalize="none" spellcheck="false"
                        placeholder=move || audit_texts::texts(lang.get()).mentions_hint bind:value=mentions/>
                </label>
                <label>
                    <span>{move || audit_texts::texts(lang.get()).actor}</span>
                    <select name="actor" on:change=move |ev| actor.set(event_target_value(&ev))>
                        <option value="">{move || audit_texts::texts(lang.get()).any}</option>
                        {options(|p| p.actors.iter().map(|a| (a.username.clone(), format!("{}（{}）", a.display_name, a.username))).collect(), actor)}
                    </select>
                </label>
                <label>
                    <span>{move || audit_texts::texts(lang.get()).action}</span>
                    <select name="action" on:change=move |ev| action.set(event_target_value(&ev))>
                        <option value="">{move || audit_texts::texts(lang.get()).any}</option>
                        {move || {
                            let lang = lang.get();
                            page.with(|p| match p {
                                Some(Ok(page)) => page.actions.clone(),
                                _ => Vec::new(),
                            })
                            .into_iter()
                            .map(|a| view! { <option value=a.clone() selected=action.get_untracked() == a>{action_label(lang, &a)}</option> })
                            .collect_view()
                        }}
                    </select>
                </label>
                <label>
                    <span>{move || audit_texts::texts(lang.get()).from}</span>
                    <input type="date" name="from" bind:value=from/>
                </label>
                <label>
                    <span>{move || audit_texts::texts(lang.get()).to}</span>
                    <input type="date" name="to" bind:value=to/>
                </label>
                <div class="audit-buttons">
                    <button type="submit" class="button primary" data-testid="audit-search">
                        {move || audit_texts::texts(lang.get()).search}
                    </button>
                    <button type="button" class="button secondary" data-testid="audit-clear" on:click=clear>
                        {move || audit_texts::texts(lang.get()).clear}
                    </button>
                    <button type="button" class="button secondary" data-testid="audit-export" on:click=export>
                        {move || audit_texts::texts(lang.get()).export}
                    </button>
                </div>
            </form>
            {move || problem.get().map(|p| view! {
                <p class="error" role="alert" data-testid="audit-problem">{problem_text(lang.get(), &p)}</p>
            })}
            {move || {
                let t = texts(lang.get());
                match page.get() {
                    None => EitherOf4::A(view! { <p class="loading">{lang.get().texts().loading}</p> }),
                    Some(Err(problem)) => EitherOf4::B(view! {
                        <p class="error" role="alert" data-testid="audit-problem">{problem_text(lang.get(), &problem)}</p>
                    }),
                    Some(Ok(page)) if page.entries.is_empty() => EitherOf4::C(view! { <p class="hint" data-testid="audit-none">{t.no_entries}</p> }),
                    Some(Ok(page)) => EitherOf4::D(view! {
                        <p class="hint" data-testid="audit-total">
                            {audit_texts::texts(lang.get()).matches}{page.total}{audit_texts::texts(lang.get()).newest_shown}
                        </p>
                        <div class="table-scroll">
                            <table>
                                <thead><tr>
                                    <th>{t.col_at}</th><th>{t.col_actor}</th><th>{t.col_action}</th><th>{t.col_detail}</th>
                                </tr></thead>
                                <tbody>
                                    {page.entries.into_iter().map(|entry| view! {
                                        <tr data-testid="audit-entry" data-action=entry.action.clone()>
                                            <td>{japan_time::local(entry.at).format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                            <td data-testid="audit-actor">{actor_label(entry.actor.as_deref(), &entry.action, t.command_line)}</td>
                                            <td>{action_label(lang.get(), &entry.action)}</td>
                                            <td class="detail"><code>{entry.detail}</code></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }),
                }
            }}
        </section>
    }
}

/// Saves the CSV the server made as a download.
#[cfg(feature = "hydrate")]
fn save_csv(name: &str, csv: &str) -> Result<(), String> {
    crate::browser::download_text(name, "text/csv;charset=utf-8", csv)
}

#[cfg(not(feature = "hydrate"))]
fn save_csv(_: &str, _: &str) -> Result<(), String> {
    Ok(())
}
