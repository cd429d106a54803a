//! The second-factor steps of a first sign-in: a code (or a recovery code)
//! for an account that has an authenticator app, the enrolment of one for
//! an account that has none, and the recovery codes it issues.

use super::second_factor_texts::texts;
use super::sign_in::{AccountProblem, Step};
use crate::account::AccountError;
use crate::i18n::use_lang;
use crate::local::state::ClientState;
use crate::second_factor::Enrolment;
use leptos::either::Either;
use leptos::prelude::*;

/// Asks for the code the authenticator app shows, or a recovery code.
#[component]
pub fn CodeStep(
    /// Login name.
    username: String,
    /// The password, right.
    password: String,
    /// Where the sign-in goes next.
    step: RwSignal<Step>,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let code = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AccountError>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let (username, password) = (username.clone(), password.clone());
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let typed = code.get_untracked().trim().to_owned();
            let result =
                super::sign_in::attempt(state, step, username, password, Some(typed)).await;
            code.set(String::new());
            pending.set(false);
            if let Err(error) = result {
                failure.set(Some(error));
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (state, username, password);
    };
    view! {
        <section class="card sign-in" data-testid="second-factor-code">
            <h2>{move || texts(lang.get()).code_heading}</h2>
            <p>{move || texts(lang.get()).needed}</p>
            <form on:submit=submit>
                <label>
                    <span>{move || texts(lang.get()).code_label}</span>
                    <input type="text" name="code" autocomplete="one-time-code" required
                        autocapitalize="none" spellcheck="false" class="code-input"
                        data-testid="code-input" bind:value=code/>
                </label>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { texts(lang.get()).checking } else { texts(lang.get()).code_submit }}
                </button>
            </form>
            <AccountProblem failure testid="code-error"/>
            <button type="button" class="button secondary start-over" data-testid="start-over"
                on:click=move |_| step.set(Step::Credentials)>
                {move || texts(lang.get()).start_over}
            </button>
        </section>
    }
}

/// Draws a secret, shows it as a QR code and as text, and confirms it
/// with the first code from the app.
#[component]
pub fn EnrolStep(
    /// Login name.
    username: String,
    /// The password, right.
    password: String,
    /// Where the sign-in goes next.
    step: RwSignal<Step>,
) -> impl IntoView {
    let lang = use_lang();
    let enrolment = RwSignal::new(None::<Enrolment>);
    let code = RwSignal::new(String::new());
    let pending = RwSignal::new(true);
    let failure = RwSignal::new(None::<AccountError>);
    #[cfg(feature = "hydrate")]
    {
        let (username, password) = (username.clone(), password.clone());
        leptos::task::spawn_local(async move {
            let drawn = crate::second_factor::begin_enrolment(username.clone(), password.clone());
            match drawn.await {
                Ok(drawn) => enrolment.set(Some(drawn)),
                Err(AccountError::SecondFactorNeeded) => {
                    step.set(Step::Code { username, password })
                }
                Err(error) => failure.set(Some(error)),
            }
            pending.set(false);
        });
    }
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let (username, password) = (username.clone(), password.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = (username, password, step);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let typed = code.get_untracked().trim().to_owned();
            let confirmed =
                crate::second_factor::confirm_enrolment(username.clone(), password.clone(), typed);
            match confirmed.await {
                Ok(codes) => step.set(Step::RecoveryCodes {
                    username,
                    password,
                    codes,
                }),
                Err(error) => {
                    code.set(String::new());
                    pending.set(false);
                    failure.set(Some(error));
                }
            }
        });
    };
    view! {
        <section class="card sign-in enrol" data-testid="second-factor-enrol">
            <h2>{move || texts(lang.get()).enrol_heading}</h2>
            <p>{move || texts(lang.get()).intro}</p>
            {move || match enrolment.get() {
                None => Either::Left(view! { <p class="hint" role="status">{texts(lang.get()).preparing}</p> }),
                Some(drawn) => Either::Right(view! {
                    <div class="qr" data-testid="enrol-qr" inner_html=drawn.qr_svg></div>
                    <p class="hint">{texts(lang.get()).secret_label}</p>
                    <p class="secret" data-testid="enrol-secret">{drawn.secret}</p>
                }),
            }}
            <form on:submit=submit>
                <label>
                    <span>{move || texts(lang.get()).first_code}</span>
                    <input type="text" name="code" autocomplete="one-time-code" required
                        inputmode="numeric" class="code-input"
                        data-testid="enrol-code" bind:value=code/>
                </label>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { texts(lang.get()).checking } else { texts(lang.get()).confirm }}
                </button>
            </form>
            <AccountProblem failure testid="enrol-error"/>
        </section>
    }
}

/// The recovery codes, shown once; continuing makes this browser a device.
#[component]
pub fn RecoveryCodes(
    /// Login name.
    username: String,
    /// The password, right (it becomes the device's unlock password).
    password: String,
    /// The ten codes.
    codes: Vec<String>,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AccountError>);
    let proceed = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        let (username, password) = (username.clone(), password.clone());
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let result = crate::local::runtime::become_device(state, username, password).await;
            pending.set(false);
            if let Err(error) = result {
                failure.set(Some(error));
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (state, username, password);
    };
    view! {
        <section class="card sign-in" data-testid="recovery-codes">
            <h2>{move || texts(lang.get()).codes_heading}</h2>
            <p class="notice">{move || texts(lang.get()).codes_intro}</p>
            <ol class="recovery-codes">
                {codes.into_iter().map(|code| view! { <li data-testid="recovery-code">{code}</li> }).collect_view()}
            </ol>
            <button type="button" class="button primary" data-testid="codes-kept"
                disabled=move || pending.get() on:click=proceed>
                {move || texts(lang.get()).codes_saved}
            </button>
            <AccountProblem failure testid="device-error"/>
        </section>
    }
}
