//! The first sign-in on a browser (online: registers the device and sets up
//! the encrypted store) and the unlock form (offline too).

use crate::account::AccountError;
use crate::i18n::{Lang, use_lang};
use crate::local::state::{ClientState, UnlockFailure};
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
    }
}

/// User name and password, checked by the server; then this browser
/// becomes one of the user's devices.
#[component]
pub fn FirstSignIn() -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AccountError>);
    // Set when the password was a temporary one: choose a new one first.
    let temporary = RwSignal::new(None::<(String, String)>);
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
            let result =
                crate::local::runtime::first_sign_in(state, name.clone(), secret.clone()).await;
            password.set(String::new());
            pending.set(false);
            match result {
                Ok(()) => {}
                Err(AccountError::PasswordChangeRequired) => temporary.set(Some((name, secret))),
                Err(error) => failure.set(Some(error)),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = state;
    };
    let form = move || temporary.get().is_none();
    view! {
        <Show when=move || temporary.get().is_some()>
            {move || temporary.get().map(|(username, current)| view! {
                <super::new_password::NewPassword username current/>
            })}
        </Show>
        <Show when=form>
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
            <Show when=move || failure.with(Option::is_some)>
                <p class="error" role="alert" data-testid="sign-in-error">
                    {move || failure.with(|f| f.as_ref().map(|e| account_error_text(lang.get(), e)))}
                    <small class="detail">
                        {move || failure.with(|f| match f {
                            Some(AccountError::Unavailable(detail)) => format!(" ({detail})"),
                            _ => String::new(),
                        })}
                    </small>
                </p>
            </Show>
        </section>
        </Show>
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
