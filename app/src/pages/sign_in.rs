//! The first sign-in on a browser (online: registers the device and sets up
//! the encrypted store) and the unlock form (offline too).

use crate::account::AccountError;
use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, UnlockFailure};
use leptos::either::EitherOf5;
use leptos::prelude::*;

/// What the sign-in forms say about a refusal, in `lang`.
pub fn account_error_text(lang: Lang, error: &AccountError) -> String {
    let texts = lang.texts();
    match error {
        AccountError::Rejected => texts.sign_in_rejected.to_owned(),
        AccountError::Throttled { .. } => texts.sign_in_throttled.to_owned(),
        AccountError::Unavailable(_) => texts.sign_in_unavailable.to_owned(),
        AccountError::PasswordChangeRequired => {
            super::new_password::texts(lang).required.to_owned()
        }
        AccountError::WeakPassword { min_chars } => {
            super::new_password::weak_password(lang, *min_chars)
        }
        AccountError::SecondFactorNeeded => {
            super::second_factor_texts::texts(lang).needed.to_owned()
        }
        AccountError::EnrolmentNeeded => super::second_factor_texts::texts(lang).intro.to_owned(),
        AccountError::WrongCode => super::second_factor_texts::texts(lang)
            .wrong_code
            .to_owned(),
    }
}

/// Where a first sign-in is: each step after the first holds the user
/// name and password (checked again by the server at every step; the
/// password also becomes the device's unlock password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// User name and password.
    Credentials,
    /// The password was temporary: choose a new one.
    NewPassword {
        /// Login name.
        username: String,
        /// The temporary password.
        current: String,
    },
    /// A code from the authenticator app, or a recovery code.
    Code {
        /// Login name.
        username: String,
        /// The password, right.
        password: String,
    },
    /// No second factor yet: scan the QR code, confirm with a code.
    Enrol {
        /// Login name.
        username: String,
        /// The password, right.
        password: String,
    },
    /// Enrolled and signed in: keep the recovery codes, then continue.
    RecoveryCodes {
        /// Login name.
        username: String,
        /// The password, right.
        password: String,
        /// The ten codes, shown once.
        codes: Vec<String>,
    },
}

/// Signs in (with `code` for an account with a second factor) and makes
/// this browser a device; a refusal that needs another step moves `step`
/// there, any other is returned to show.
#[cfg(feature = "hydrate")]
pub async fn attempt(
    state: ClientState,
    step: RwSignal<Step>,
    username: String,
    password: String,
    code: Option<String>,
) -> Result<(), AccountError> {
    let result =
        crate::local::runtime::first_sign_in(state, username.clone(), password.clone(), code).await;
    match result {
        Ok(()) => Ok(()),
        Err(AccountError::PasswordChangeRequired) => {
            step.set(Step::NewPassword {
                username,
                current: password,
            });
            Ok(())
        }
        Err(AccountError::SecondFactorNeeded) => {
            step.set(Step::Code { username, password });
            Ok(())
        }
        Err(AccountError::EnrolmentNeeded) => {
            step.set(Step::Enrol { username, password });
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// A refusal to show under a form, with the detail of an unavailable server.
#[component]
pub fn AccountProblem(
    /// The refusal, if any.
    failure: RwSignal<Option<AccountError>>,
    /// The element's test id.
    testid: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || failure.with(Option::is_some)>
            <p class="error" role="alert" data-testid=testid>
                {move || failure.with(|f| f.as_ref().map(|e| account_error_text(lang.get(), e)))}
                <small class="detail">
                    {move || failure.with(|f| match f {
                        Some(AccountError::Unavailable(detail)) => format!(" ({detail})"),
                        _ => String::new(),
                    })}
                </small>
            </p>
        </Show>
    }
}

/// The first sign-in on a browser, step by step ([`Step`]); then this
/// browser becomes one of the user's devices.
#[component]
pub fn FirstSignIn() -> impl IntoView {
    let step = RwSignal::new(Step::Credentials);
    move || match step.get() {
        Step::Credentials => EitherOf5::A(view! { <Credentials step/> }),
        Step::NewPassword { username, current } => {
            EitherOf5::B(view! { <super::new_password::NewPassword username current step/> })
        }
        Step::Code { username, password } => {
            EitherOf5::C(view! { <super::second_factor::CodeStep username password step/> })
        }
        Step::Enrol { username, password } => {
            EitherOf5::D(view! { <super::second_factor::EnrolStep username password step/> })
        }
        Step::RecoveryCodes {
            username,
            password,
            codes,
        } => EitherOf5::E(view! { <super::second_factor::RecoveryCodes username password codes/> }),
    }
}

/// User name and password, checked by the server.
#[component]
fn Credentials(
    /// Where the sign-in goes next.
    step: RwSignal<Step>,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AccountError>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let name = username.get_untracked().trim().to_owned();
            let secret = password.get_untracked();
            let result = attempt(state, step, name, secret, None).await;
            password.set(String::new());
            pending.set(false);
            if let Err(error) = result {
                failure.set(Some(error));
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (state, step);
    };
    view! {
        <section class="card sign-in" data-testid="first-sign-in">
            <h2>{move || lang.get().texts().sign_in_heading}</h2>
            {move || state.wiped.get().map(|reason| view! {
                <p class="notice" role="alert" data-testid="wipe-notice" data-reason=reason.code()>
                    {crate::device_texts::wiped(lang.get(), reason)}
                </p>
            })}
            <p class="hint">{move || lang.get().texts().first_sign_in_note}</p>
            <form on:submit=submit>
                <label>
                    <span>{move || lang.get().texts().username}</span>
                    <input type="text" name="username" autocomplete="username" required
                        autocapitalize="none" spellcheck="false"
                        bind:value=username/>
                </label>
                <label>
                    <span>{move || lang.get().texts().password}</span>
                    <input type="password" name="password" autocomplete="current-password" required
                        bind:value=password/>
                </label>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || {
                        let texts = lang.get().texts();
                        if pending.get() { texts.signing_in } else { texts.sign_in }
                    }}
                </button>
            </form>
            <AccountProblem failure testid="sign-in-error"/>
        </section>
    }
}

/// The password unlocks the device's data key, with or without network.
#[component]
pub fn Unlock() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let password = RwSignal::new(String::new());
    let failure = state.unlock_failure;
    let pending = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        pending.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::local::unlock::UnlockError;
            use crate::local::vault::VaultError;
            let result = crate::local::unlock::unlock(state, password.get_untracked()).await;
            password.set(String::new());
            pending.set(false);
            failure.set(match result {
                Ok(()) | Err(UnlockError::Wiped) => None,
                Err(UnlockError::WrongPassword { left }) => {
                    Some(UnlockFailure::WrongPassword { left })
                }
                Err(UnlockError::Wait { ms }) => Some(UnlockFailure::Wait { ms }),
                Err(UnlockError::Vault(VaultError::InOtherTab)) => Some(UnlockFailure::InOtherTab),
                Err(other) => Some(UnlockFailure::Other(other.to_string())),
            });
        });
    };
    let message = move || {
        let texts = lang.get().texts();
        failure.get().map(|failure| match failure {
            UnlockFailure::WrongPassword { left } => {
                crate::device_texts::wrong_password(lang.get(), left)
            }
            UnlockFailure::Wait { ms } => crate::device_texts::wait(lang.get(), ms),
            UnlockFailure::InOtherTab => texts.open_in_other_tab.to_owned(),
            UnlockFailure::Other(detail) => format!("{}{detail}", texts.unlock_failed),
        })
    };
    view! {
        <section class="card sign-in" data-testid="unlock">
            <h2>{move || lang.get().texts().unlock_heading}</h2>
            <p>
                {move || lang.get().texts().device_of}
                <strong data-testid="device-owner">{move || state.owner.get().unwrap_or_default()}</strong>
            </p>
            <form on:submit=submit>
                <label>
                    <span>{move || lang.get().texts().password}</span>
                    <input type="password" name="password" autocomplete="current-password" required
                        bind:value=password/>
                </label>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() {
                        crate::device_texts::checking_password(lang.get())
                    } else {
                        lang.get().texts().unlock
                    }}
                </button>
            </form>
            <Show when=move || failure.with(Option::is_some)>
                <p class="error" role="alert" data-testid="unlock-error">{message}</p>
            </Show>
        </section>
    }
}
