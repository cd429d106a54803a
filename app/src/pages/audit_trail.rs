//! The auditor's screen: the audit trail of programme changes (listing
//! imports, assignments, handovers, device registrations and revocations),
//! newest first. It lives on the server, so it needs the connection.

use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, Screen};
use crate::pages::programme::problem_text;
use crate::pages::programme::texts::texts;
use crate::programme::{AuditEntry, ProgrammeError, audit_trail};
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
        other => return other.to_owned(),
    }
    .to_owned()
}

/// The audit trail page.
#[component]
pub fn AuditTrailPage() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let entries = RwSignal::new(None::<Result<Vec<AuditEntry>, ProgrammeError>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            entries.set(Some(audit_trail().await));
        })
    };
    load();
    view! {
        <button class="button secondary back" on:click=move |_| state.open(Screen::Caseload)>
            {move || lang.get().texts().back}
        </button>
        <section class="card" data-testid="audit-trail">
            <h2>{move || texts(lang.get()).audit_heading}</h2>
            <p class="hint">{move || texts(lang.get()).audit_note}</p>
            <button class="button secondary small" data-testid="audit-refresh" on:click=move |_| load()>
                {move || texts(lang.get()).refresh}
            </button>
            {move || {
                let t = texts(lang.get());
                match entries.get() {
                    None => view! { <p class="loading">{lang.get().texts().loading}</p> }.into_any(),
                    Some(Err(problem)) => view! {
                        <p class="error" role="alert" data-testid="audit-problem">{problem_text(lang.get(), &problem)}</p>
                    }
                    .into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="hint">{t.no_entries}</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <div class="table-scroll">
                            <table>
                                <thead><tr>
                                    <th>{t.col_at}</th><th>{t.col_actor}</th><th>{t.col_action}</th><th>{t.col_detail}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|entry| view! {
                                        <tr data-testid="audit-entry" data-action=entry.action.clone()>
                                            <td>{japan_time::local(entry.at).format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                            <td data-testid="audit-actor">{entry.actor.clone().unwrap_or_else(|| t.command_line.to_owned())}</td>
                                            <td>{action_label(lang.get(), &entry.action)}</td>
                                            <td class="detail"><code>{entry.detail}</code></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                }
            }}
        </section>
    }
}
