//! The start page: sign in, or see who you are and your caseload.

use crate::account::{AccountError, SignIn, SignOut, current_user};
use crate::i18n::{Lang, role_label, use_lang};
use leptos::prelude::*;

/// `/`: the sign-in form, or a welcome with the user's role and caseload.
#[component]
pub fn HomePage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new(
        move || (sign_in.version().get(), sign_out.version().get()),
        |_| current_user(),
    );
    let lang = use_lang();

    view! {
        <Transition fallback=move || view! { <p class="loading">{lang.get().texts().loading}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! {
                        <section class="card welcome" data-testid="welcome">
                            <h2>
                                {move || lang.get().texts().welcome_prefix}
                                <span data-testid="display-name">{user.display_name.clone()}</span>
                                {move || lang.get().texts().welcome_suffix}
                            </h2>
                            <p class="role">{move || role_label(lang.get(), user.role)}</p>
                            <p class="caseload">
                                {move || lang.get().texts().caseload} ": "
                                <strong data-testid="caseload-size">{user.caseload_size}</strong>
                                {move || lang.get().texts().persons_unit}
                            </p>
                            <ActionForm action=sign_out>
                                <button type="submit" class="button secondary">
                                    {move || lang.get().texts().sign_out}
                                </button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Ok(None) => view! { <SignInForm action=sign_in/> }.into_any(),
                    Err(error) => view! {
                        <p class="error" role="alert">{move || error_text(lang.get(), &error)}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// The username/password form; works before hydration too (plain form post).
#[component]
fn SignInForm(action: ServerAction<SignIn>) -> impl IntoView {
    let lang = use_lang();
    let failure = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error_text(lang.get(), &error))
    };
    view! {
        <section class="card sign-in">
            <h2>{move || lang.get().texts().sign_in_heading}</h2>
            <ActionForm action=action>
                <label>
                    <span>{move || lang.get().texts().username}</span>
                    <input type="text" name="username" autocomplete="username" required
                        autocapitalize="none" spellcheck="false"/>
                </label>
                <label>
                    <span>{move || lang.get().texts().password}</span>
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    {move || {
                        let texts = lang.get().texts();
                        if action.pending().get() { texts.signing_in } else { texts.sign_in }
                    }}
                </button>
            </ActionForm>
            <Show when=move || failure().is_some()>
                <p class="error" role="alert" data-testid="sign-in-error">{failure}</p>
            </Show>
        </section>
    }
}

fn error_text(lang: Lang, error: &AccountError) -> &'static str {
    let texts = lang.texts();
    match error {
        AccountError::Rejected => texts.sign_in_rejected,
        AccountError::Throttled { .. } => texts.sign_in_throttled,
        AccountError::Unavailable(_) => texts.sign_in_unavailable,
    }
}
