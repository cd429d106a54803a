//! Choosing a new password at the first sign-in after an administrator
//! reset it: the temporary password was right, so the user picks their own
//! (twice, to catch a typo), then signs in with it and this browser
//! becomes their device, unlocked by the new password from now on.

use crate::account::AccountError;
use crate::i18n::{Lang, use_lang};
use crate::local::state::ClientState;
use leptos::prelude::*;

/// The form's fixed text in one language.
#[derive(Debug)]
pub struct NewPasswordTexts {
    /// Heading.
    pub heading: &'static str,
    /// Why the form is shown.
    pub required: &'static str,
    /// The new password's label.
    pub new: &'static str,
    /// The repeated password's label.
    pub again: &'static str,
    /// The two do not match.
    pub mismatch: &'static str,
    /// Submit.
    pub submit: &'static str,
    /// While it is being set.
    pub working: &'static str,
}

const JA: NewPasswordTexts = NewPasswordTexts {
    heading: "新しいパスワードを決めてください",
    required: "管理者が発行した仮のパスワードでログインしました。ご自分で新しいパスワードを決めると使い始められます。この端末のロック解除にも、そのパスワードを使います。",
    new: "新しいパスワード",
    again: "新しいパスワード（確認のためもう一度）",
    mismatch: "2つのパスワードが一致しません。",
    submit: "パスワードを決めてログイン",
    working: "設定しています…",
};

const EN: NewPasswordTexts = NewPasswordTexts {
    heading: "Choose a new password",
    required: "You signed in with a temporary password from your administrator. Choose your own password to start; it also unlocks this device from now on.",
    new: "New password",
    again: "New password again",
    mismatch: "The two passwords differ.",
    submit: "Set the password and sign in",
    working: "Setting it…",
};

/// The form's text in `lang`.
pub fn texts(lang: Lang) -> &'static NewPasswordTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// A refused new password, in `lang`.
pub fn weak_password(lang: Lang, min_chars: u32) -> String {
    match lang {
        Lang::Ja => format!(
            "新しいパスワードは {min_chars} 文字以上で、仮のパスワードとは違うものにしてください。"
        ),
        Lang::En => format!(
            "The new password needs at least {min_chars} characters and must differ from the temporary one."
        ),
    }
}

/// Why the new password was not set.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    Mismatch,
    Refused(AccountError),
}

/// The new-password form for `username`, whose temporary password
/// `current` was right.
#[component]
pub fn NewPassword(
    /// The login name.
    username: String,
    /// The temporary password, just checked by the server.
    current: String,
    /// Where the sign-in goes next (a second factor may follow).
    step: RwSignal<super::sign_in::Step>,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        if new.get_untracked() != again.get_untracked() {
            problem.set(Some(Problem::Mismatch));
            return;
        }
        problem.set(None);
        pending.set(true);
        let (username, current, chosen) = (username.clone(), current.clone(), new.get_untracked());
        leptos::task::spawn_local(async move {
            let result = async {
                crate::account::change_password(username.clone(), current, chosen.clone()).await?;
                #[cfg(feature = "hydrate")]
                super::sign_in::attempt(state, step, username, chosen, None).await?;
                #[cfg(not(feature = "hydrate"))]
                let _ = (state, step, username);
                Ok::<(), AccountError>(())
            }
            .await;
            pending.set(false);
            if let Err(error) = result {
                problem.set(Some(Problem::Refused(error)));
            }
        });
    };
    let message = move || {
        problem.get().map(|p| match p {
            Problem::Mismatch => texts(lang.get()).mismatch.to_owned(),
            Problem::Refused(error) => super::sign_in::account_error_text(lang.get(), &error),
        })
    };
    view! {
        <section class="card sign-in" data-testid="new-password">
            <h2>{move || texts(lang.get()).heading}</h2>
            <p class="notice">{move || texts(lang.get()).required}</p>
            <form on:submit=submit>
                <label>
                    <span>{move || texts(lang.get()).new}</span>
                    <input type="password" name="new-password" autocomplete="new-password" required
                        bind:value=new/>
                </label>
                <label>
                    <span>{move || texts(lang.get()).again}</span>
                    <input type="password" name="new-password-again" autocomplete="new-password" required
                        bind:value=again/>
                </label>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { texts(lang.get()).working } else { texts(lang.get()).submit }}
                </button>
            </form>
            <Show when=move || problem.with(Option::is_some)>
                <p class="error" role="alert" data-testid="new-password-error">{message}</p>
            </Show>
        </section>
    }
}
