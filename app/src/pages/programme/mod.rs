//! The coordinator's screens: the annual listing import, persons and their
//! workers, caseload handovers, case conferences, and accounts and devices. The first three talk
//! to the server directly (they change what every device syncs), so they
//! say plainly when the tablet is offline or the server session has ended;
//! conferences are records on the device like any note.

mod accounts;
mod accounts_texts;
mod assignments;
mod conferences;
mod events_import;
mod handover;
mod listing_import;
pub mod texts;

use crate::components::network_status::{Network, use_network};
use crate::i18n::use_lang;
use crate::local::state::{ClientState, ProgrammeTab as Tab, Screen};
use crate::programme::{Overview, ProgrammeError, programme_overview};
use leptos::either::{Either, EitherOf6};
use leptos::prelude::*;
use std::future::Future;
use texts::texts;

/// What the three screens share: the latest overview from the server, the
/// last problem, and whether a request is running.
#[derive(Debug, Clone, Copy)]
struct Shared {
    overview: RwSignal<Option<Overview>>,
    problem: RwSignal<Option<ProgrammeError>>,
    busy: RwSignal<bool>,
}

impl Shared {
    /// Runs `request` (one at a time), records a failure, and on success
    /// hands the answer to `done` and reloads the overview.
    fn run<T: 'static>(
        self,
        request: impl Future<Output = Result<T, ProgrammeError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.problem.set(None);
        leptos::task::spawn_local(async move {
            let result = request.await;
            self.busy.set(false);
            match result {
                Ok(answer) => {
                    done(answer);
                    self.reload();
                }
                Err(problem) => self.problem.set(Some(problem)),
            }
        });
    }

    /// Fetches the overview again.
    fn reload(self) {
        leptos::task::spawn_local(async move {
            match programme_overview().await {
                Ok(overview) => self.overview.set(Some(overview)),
                Err(problem) => self.problem.set(Some(problem)),
            }
        });
    }
}

/// The programme page with its three tabs.
#[component]
pub fn ProgrammePage() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let network = use_network();
    let shared = Shared {
        overview: RwSignal::new(None),
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    provide_context(shared);
    // The tab is part of the address (`/programme/{tab}`).
    let tab = Memo::new(move |_| match state.screen.get() {
        Screen::Programme(tab) => tab,
        _ => Tab::default(),
    });
    shared.reload();
    // Back online: fetch what may have changed meanwhile.
    Effect::new(move |previous: Option<Network>| {
        let now = network.get();
        if previous == Some(Network::Offline) && now == Network::Online {
            shared.reload();
        }
        now
    });
    let tab_button = move |which: Tab, testid: &'static str| {
        view! {
            <button class="button tab" data-testid=testid
                aria-pressed=move || (tab.get() == which).to_string()
                on:click=move |_| state.open(Screen::Programme(which))>
                {move || {
                    let t = texts(lang.get());
                    match which {
                        Tab::Listing => t.tab_listing,
                        Tab::Events => t.tab_events,
                        Tab::Assignments => t.tab_assignments,
                        Tab::Handover => t.tab_handover,
                        Tab::Conferences => t.tab_conferences,
                        Tab::Accounts => accounts_texts::texts(lang.get()).tab,
                    }
                }}
            </button>
        }
    };
    view! {
        <button class="button secondary back" on:click=move |_| state.open(Screen::Caseload)>
            {move || lang.get().texts().back}
        </button>
        <section class="card programme" data-testid="programme-page"
            aria-busy=move || shared.busy.get().to_string()>
            <h2>{move || texts(lang.get()).heading}</h2>
            {move || (network.get() == Network::Offline).then(|| view! {
                <p class="notice warning" role="status" data-testid="programme-offline">
                    {move || texts(lang.get()).needs_server}
                </p>
            })}
            <Problem/>
            <nav class="tabs">
                {tab_button(Tab::Listing, "tab-listing")}
                {tab_button(Tab::Events, "tab-events")}
                {tab_button(Tab::Assignments, "tab-assignments")}
                {tab_button(Tab::Handover, "tab-handover")}
                {tab_button(Tab::Conferences, "tab-conferences")}
                {tab_button(Tab::Accounts, "tab-accounts")}
                <button class="button secondary small" data-testid="programme-refresh"
                    on:click=move |_| shared.reload()>
                    {move || texts(lang.get()).refresh}
                </button>
            </nav>
            {move || match tab.get() {
                Tab::Listing => EitherOf6::A(view! { <listing_import::ListingImport/> }),
                Tab::Events => EitherOf6::B(view! { <events_import::EventsImport/> }),
                Tab::Assignments => EitherOf6::C(view! { <assignments::Assignments/> }),
                Tab::Handover => EitherOf6::D(view! { <handover::Handover/> }),
                Tab::Conferences => EitherOf6::E(view! { <conferences::Conferences/> }),
                Tab::Accounts => EitherOf6::F(view! { <accounts::Accounts/> }),
            }}
            {move || shared.busy.get().then(|| view! {
                <p class="hint" role="status" data-testid="programme-busy">{move || texts(lang.get()).working}</p>
            })}
        </section>
    }
}

/// Shows the last problem; for an ended session, a password field that
/// signs in again (as the device's owner) and retries.
#[component]
fn Problem() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let shared = expect_context::<Shared>();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let renew = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(username) = state.owner.get_untracked() else {
            return;
        };
        let secret = password.get_untracked();
        let one_time = Some(code.get_untracked()).filter(|c| !c.trim().is_empty());
        password.set(String::new());
        code.set(String::new());
        let language = lang.get_untracked();
        shared.run(
            async move {
                crate::account::sign_in(username, secret, one_time)
                    .await
                    .map_err(|e| {
                        ProgrammeError::Invalid(crate::pages::sign_in::account_error_text(
                            language, &e,
                        ))
                    })
            },
            |()| {},
        );
    };
    move || {
        let t = texts(lang.get());
        shared.problem.get().map(|problem| match problem {
            ProgrammeError::NotSignedIn => Either::Left(view! {
                <form class="renew" data-testid="programme-renew" on:submit=renew>
                    <p role="alert">{t.session_ended}</p>
                    <input type="password" autocomplete="current-password" data-testid="renew-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                    <input type="text" autocomplete="one-time-code" data-testid="renew-code"
                        autocapitalize="none" spellcheck="false"
                        placeholder=move || crate::pages::second_factor_texts::texts(lang.get()).renew_code
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))/>
                    <button type="submit" class="button primary" data-testid="renew-submit">{t.renew}</button>
                </form>
            }),
            other => Either::Right(view! {
                <p class="error" role="alert" data-testid="programme-problem">{problem_text(lang.get(), &other)}</p>
            }),
        })
    }
}

/// What to tell the user about a failed programme request, in `lang`.
pub fn problem_text(lang: crate::i18n::Lang, problem: &ProgrammeError) -> String {
    let t = texts(lang);
    match problem {
        ProgrammeError::NotSignedIn => t.session_ended.to_owned(),
        ProgrammeError::Forbidden => t.forbidden.to_owned(),
        ProgrammeError::Unreachable => t.needs_server.to_owned(),
        ProgrammeError::Listing(file) => format!("{}{}", t.failed, file.text(lang)),
        ProgrammeError::Administration(refusal) => refusal.text(lang).to_owned(),
        ProgrammeError::Invalid(reason) | ProgrammeError::Unavailable(reason) => {
            format!("{}{reason}", t.failed)
        }
    }
}

/// An `<option>` for every member of staff, `chosen` selected.
#[component]
fn StaffOptions(
    /// The select's value.
    chosen: RwSignal<String>,
) -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    move || {
        shared.overview.get().map(|o| {
            o.staff
                .into_iter()
                .map(|s| {
                    view! {
                        <option value=s.username.clone() selected=chosen.get_untracked() == s.username>
                            {staff_label(lang.get(), &s.display_name, s.role)}
                        </option>
                    }
                })
                .collect_view()
        })
    }
}

/// A staff member's name with their role, for selects and chips.
fn staff_label(
    lang: crate::i18n::Lang,
    display_name: &str,
    role: tsunagu_sync::role::Role,
) -> String {
    format!("{display_name}（{}）", crate::i18n::role_label(lang, role))
}

/// A date field's value: `None` when empty or not a date.
fn optional_date(raw: &str) -> Option<chrono::NaiveDate> {
    raw.trim().parse().ok()
}
