//! Accounts and devices: who may sign in, which tablets each person has,
//! where each stands and what the server holds from it; revoke a tablet or
//! report it lost, disable an account or enable it again. Every action is
//! confirmed after saying what it does to unsent notes.

use super::Shared;
use super::accounts_texts::texts;
use crate::administration::{
    AccountEntry, Administration, DeviceAction, DeviceEntry, DeviceStanding, act_on_device,
    load_administration, reset_password, reset_second_factor, set_account_enabled,
};
use crate::i18n::{Lang, role_label, use_lang};
use leptos::either::Either;
use leptos::prelude::*;

/// An action waiting for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Device { id: String, action: DeviceAction },
    Account { username: String, enable: bool },
    Password { username: String },
    SecondFactor { username: String },
}

/// The tab's state: the list and the action being confirmed.
#[derive(Debug, Clone, Copy)]
struct Tab {
    list: RwSignal<Option<Administration>>,
    pending: RwSignal<Option<Pending>>,
    done: RwSignal<bool>,
    /// A temporary password just issued: (login name, password), shown
    /// until the tab is left.
    issued: RwSignal<Option<(String, String)>>,
}

impl Tab {
    fn reload(self, shared: Shared) {
        leptos::task::spawn_local(async move {
            match load_administration().await {
                Ok(list) => self.list.set(Some(list)),
                Err(problem) => shared.problem.set(Some(problem)),
            }
        });
    }
}

/// A server time (RFC 3339) as Japan's wall-clock time, to the minute.
fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            tsunagu_sync::japan_time::local(t.to_utc())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// The accounts-and-devices tab.
#[component]
pub fn Accounts() -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let tab = Tab {
        list: RwSignal::new(None),
        pending: RwSignal::new(None),
        done: RwSignal::new(false),
        issued: RwSignal::new(None),
    };
    provide_context(tab);
    // At first, and whenever the overview is fetched again (the refresh
    // button, back online, after an action).
    Effect::new(move |_| {
        shared.overview.track();
        tab.reload(shared);
    });
    view! {
        <div class="administration" data-testid="administration">
            <p class="hint">{move || texts(lang.get()).who}</p>
            {move || tab.done.get().then(|| view! {
                <p class="ok" role="status" data-testid="admin-done">{move || texts(lang.get()).done}</p>
            })}
            <ul class="admin-accounts">
                {move || tab.list.get().map(|list| {
                    let me = list.me.clone();
                    list.accounts.into_iter().map(|account| {
                        let own = account.username == me;
                        view! { <Account account own/> }
                    }).collect_view()
                })}
            </ul>
        </div>
    }
}

/// One account, its standing, its action and its devices.
#[component]
fn Account(account: AccountEntry, own: bool) -> impl IntoView {
    let lang = use_lang();
    let enabled = account.disabled_at.is_none();
    let standing = {
        let disabled_at = account.disabled_at.clone();
        move || match &disabled_at {
            None => texts(lang.get()).enabled.to_owned(),
            Some(at) => format!("{}{})", texts(lang.get()).disabled_since, local_time(at)),
        }
    };
    let pending = Pending::Account {
        username: account.username.clone(),
        enable: !enabled,
    };
    let devices = account.devices.clone();
    let tab = expect_context::<Tab>();
    let issued = {
        let username = account.username.clone();
        move || {
            tab.issued
                .get()
                .filter(|(issued_for, _)| *issued_for == username)
                .map(|(_, password)| {
                    view! {
                        <div class="notice issued" role="status">
                            <p>{move || texts(lang.get()).issued_for}</p>
                            <p class="temporary-password" data-testid="temporary-password">{password}</p>
                            <p>{move || texts(lang.get()).issued_note}</p>
                        </div>
                    }
                })
        }
    };
    view! {
        <li class="admin-account" data-testid="admin-account" data-username=account.username.clone()
            data-enabled=enabled.to_string()>
            <div class="admin-account-head">
                <strong>{account.display_name.clone()}</strong>
                <span class="person-meta">
                    {move || role_label(lang.get(), account.role)} " · " {account.username.clone()}
                </span>
                <span class=if enabled { "badge stage" } else { "badge attention" }>{standing}</span>
                <span class="badge" data-testid="admin-second-factor"
                    data-enrolled=account.second_factor.to_string()>
                    {move || if account.second_factor {
                        texts(lang.get()).second_factor_on
                    } else {
                        texts(lang.get()).second_factor_off
                    }}
                </span>
                {if own {
                    Either::Left(view! { <span class="hint">{move || texts(lang.get()).yourself}</span> })
                } else {
                    let password = Pending::Password { username: account.username.clone() };
                    let factor = Pending::SecondFactor { username: account.username.clone() };
                    Either::Right(view! {
                        <ActionButton pending/>
                        {enabled.then(|| view! { <ActionButton pending=password/> })}
                        {(enabled && account.second_factor)
                            .then(|| view! { <ActionButton pending=factor/> })}
                    })
                }}
            </div>
            {issued}
            {if devices.is_empty() {
                Either::Left(view! { <p class="hint">{move || texts(lang.get()).no_devices}</p> })
            } else {
                Either::Right(view! {
                    <ul class="admin-devices">
                        {devices.into_iter().map(|device| view! { <Device device/> }).collect_view()}
                    </ul>
                })
            }}
        </li>
    }
}

/// One device: label, times, what the server holds from it, its standing
/// and (while active) the two actions.
#[component]
fn Device(device: DeviceEntry) -> impl IntoView {
    let lang = use_lang();
    let (standing_class, standing_code) = match &device.standing {
        DeviceStanding::Active => ("badge stage", "active"),
        DeviceStanding::Revoked { .. } => ("badge waiting", "revoked"),
        DeviceStanding::ReportedLost { .. } => ("badge attention", "reported-lost"),
        DeviceStanding::Wiped { .. } => ("badge attention", "wiped"),
    };
    let standing = {
        let standing = device.standing.clone();
        move || {
            let t = texts(lang.get());
            match &standing {
                DeviceStanding::Active => t.active.to_owned(),
                DeviceStanding::Revoked { at } => format!("{}{}", t.revoked, local_time(at)),
                DeviceStanding::ReportedLost { at } => {
                    format!("{}{}", t.reported_lost, local_time(at))
                }
                DeviceStanding::Wiped { at } => format!("{}{}", t.wiped, local_time(at)),
            }
        }
    };
    let active = device.standing == DeviceStanding::Active;
    let details = {
        let device = device.clone();
        move || {
            let t = texts(lang.get());
            let contact = device
                .last_contact
                .as_deref()
                .map_or(t.never.to_owned(), local_time);
            let newest = device
                .newest_stored
                .as_deref()
                .map(|at| format!("{}{}", t.newest, local_time(at)))
                .unwrap_or_default();
            format!(
                "{}{} · {}{contact} · {}{}{}{newest}",
                t.registered,
                local_time(&device.registered_at),
                t.last_contact,
                t.stored,
                device.changes,
                t.stored_unit,
            )
        }
    };
    let id = device.id.clone();
    view! {
        <li class="admin-device" data-testid="admin-device" data-device=device.id.clone()
            data-standing=standing_code>
            <span class="device-label">{device.label.clone()}</span>
            <span class=standing_class>{standing}</span>
            <span class="person-meta">{details}</span>
            {active.then(|| view! {
                <div class="admin-actions">
                    <ActionButton pending=Pending::Device { id: id.clone(), action: DeviceAction::Revoke }/>
                    <ActionButton pending=Pending::Device { id: id.clone(), action: DeviceAction::ReportLost }/>
                </div>
            })}
        </li>
    }
}

/// The button of one action and, once tapped, what it does with the
/// buttons that confirm or cancel it.
#[component]
fn ActionButton(pending: Pending) -> impl IntoView {
    let lang = use_lang();
    let shared = expect_context::<Shared>();
    let tab = expect_context::<Tab>();
    let (label, effect, testid) = labels(&pending);
    let asking = {
        let pending = pending.clone();
        move || tab.pending.with(|p| p.as_ref() == Some(&pending))
    };
    let ask = {
        let pending = pending.clone();
        move |_| {
            tab.done.set(false);
            tab.issued.set(None);
            tab.pending.set(Some(pending.clone()));
        }
    };
    let confirm = move |_: leptos::ev::MouseEvent| {
        let request = pending.clone();
        tab.pending.set(None);
        shared.run(
            async move {
                match request {
                    Pending::Device { id, action } => {
                        act_on_device(id, action).await.map(|()| None)
                    }
                    Pending::Account { username, enable } => {
                        set_account_enabled(username, enable).await.map(|()| None)
                    }
                    Pending::Password { username } => reset_password(username.clone())
                        .await
                        .map(|password| Some((username, password))),
                    Pending::SecondFactor { username } => {
                        reset_second_factor(username).await.map(|()| None)
                    }
                }
            },
            move |issued| {
                tab.done.set(true);
                tab.issued.set(issued);
            },
        );
    };
    view! {
        <button class="button secondary small" data-testid=testid
            disabled=move || shared.busy.get() on:click=ask>
            {move || label(lang.get())}
        </button>
        <Show when=asking.clone()>
            <div class="notice confirm" role="alertdialog" data-testid="admin-confirm">
                <p>{move || effect(lang.get())}</p>
                <button class="button primary small" data-testid="admin-confirm-yes"
                    disabled=move || shared.busy.get()
                    on:click=confirm.clone()>
                    {move || texts(lang.get()).confirm}
                </button>
                <button class="button secondary small" data-testid="admin-confirm-no"
                    on:click=move |_| tab.pending.set(None)>
                    {move || texts(lang.get()).cancel}
                </button>
            </div>
        </Show>
    }
}

type Text = fn(Lang) -> &'static str;

/// The button's label, the confirmation's text and the button's test id.
fn labels(pending: &Pending) -> (Text, Text, &'static str) {
    match pending {
        Pending::Device {
            action: DeviceAction::Revoke,
            ..
        } => (
            |l| texts(l).revoke,
            |l| texts(l).revoke_effect,
            "admin-revoke",
        ),
        Pending::Device {
            action: DeviceAction::ReportLost,
            ..
        } => (
            |l| texts(l).report_lost,
            |l| texts(l).report_lost_effect,
            "admin-report-lost",
        ),
        Pending::Account { enable: false, .. } => (
            |l| texts(l).disable,
            |l| texts(l).disable_effect,
            "admin-disable",
        ),
        Pending::Account { enable: true, .. } => (
            |l| texts(l).enable,
            |l| texts(l).enable_effect,
            "admin-enable",
        ),
        Pending::Password { .. } => (
            |l| texts(l).reset_password,
            |l| texts(l).reset_password_effect,
            "admin-reset-password",
        ),
        Pending::SecondFactor { .. } => (
            |l| texts(l).reset_second_factor,
            |l| texts(l).reset_second_factor_effect,
            "admin-reset-second-factor",
        ),
    }
}
