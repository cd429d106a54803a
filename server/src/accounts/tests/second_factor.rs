//! The second factor at sign-in, over a real SQLite file: enrolment,
//! codes used once, recovery codes, the throttle and the administrator's
//! reset. Codes are computed from the secret the enrolment showed, as an
//! authenticator app would.

use super::super::*;
use super::{specialist, store};
use crate::store::audit::Actor;
use totp_rs::{Builder, Secret, Totp};

const PASSWORD: &str = "correct horse battery";

fn app(enrolment: &Enrolment) -> Totp {
    let typed: String = enrolment.secret.split(' ').collect();
    Builder::new()
        .with_secret(Secret::try_from_base32(&typed).unwrap().as_bytes().to_vec())
        .build()
        .unwrap()
}

/// The code the app shows `steps` steps from now.
fn code(app: &Totp, steps: i64) -> String {
    let at = Utc::now().timestamp() + steps * 30;
    app.generate(at as u64).to_string()
}

fn sessions_of(store: &Store) -> u64 {
    store
        .read(|tx| {
            let id = users::active_id(tx, "spec.one")?.unwrap();
            sessions::count_of(tx, id)
        })
        .unwrap()
}

/// Enrols spec.one: the app, the recovery codes and the code that
/// confirmed the enrolment.
fn enrolled(accounts: &Accounts) -> (Totp, Vec<String>, String) {
    let enrolment = accounts.begin_enrolment("spec.one", PASSWORD, "c").unwrap();
    let app = app(&enrolment);
    let first = code(&app, 0);
    let (_, codes) = accounts
        .confirm_enrolment("spec.one", PASSWORD, &first, "c")
        .unwrap();
    (app, codes, first)
}

#[test]
fn a_required_factor_is_enrolled_with_one_code_before_any_session_opens() {
    let (_dir, store) = store();
    add_user(&store, &specialist(PASSWORD), Utc::now()).unwrap();
    let accounts = Accounts::new(store.clone());
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, None, "c")
            .unwrap_err(),
        AccountError::EnrolmentNeeded
    );
    assert_eq!(
        accounts
            .begin_enrolment("spec.one", "wrong password!!", "c")
            .unwrap_err(),
        AccountError::Rejected
    );
    let enrolment = accounts.begin_enrolment("spec.one", PASSWORD, "c").unwrap();
    assert!(enrolment.qr_svg.starts_with("<svg"));
    let app = app(&enrolment);
    assert_eq!(
        accounts
            .confirm_enrolment("spec.one", PASSWORD, "000000", "c")
            .unwrap_err(),
        AccountError::WrongCode
    );
    assert_eq!(sessions_of(&store), 0);
    let (session, codes) = accounts
        .confirm_enrolment("spec.one", PASSWORD, &code(&app, 0), "c")
        .unwrap();
    assert_eq!(codes.len(), crate::second_factor::RECOVERY_CODES);
    assert!(accounts.session_user(&session.token).unwrap().is_some());
    // Enrolled: a second enrolment cannot replace the owner's app.
    assert_eq!(
        accounts
            .begin_enrolment("spec.one", PASSWORD, "c")
            .unwrap_err(),
        AccountError::SecondFactorNeeded
    );
}

#[test]
fn each_code_opens_one_session_and_the_password_alone_none() {
    let (_dir, store) = store();
    add_user(&store, &specialist(PASSWORD), Utc::now()).unwrap();
    // Optional: an enrolled account is asked all the same.
    let accounts = Accounts::new(store.clone()).with_second_factor(SecondFactorPolicy::Optional);
    let (app, _, first) = enrolled(&accounts);
    let before = sessions_of(&store);
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, None, "c")
            .unwrap_err(),
        AccountError::SecondFactorNeeded
    );
    // The code that confirmed the enrolment is spent.
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, Some(&first), "c")
            .unwrap_err(),
        AccountError::WrongCode
    );
    assert_eq!(
        accounts
            .sign_in("spec.one", "wrong password!!", Some(&code(&app, 1)), "c")
            .unwrap_err(),
        AccountError::Rejected
    );
    assert_eq!(sessions_of(&store), before);
    let next = code(&app, 1);
    accounts
        .sign_in("spec.one", PASSWORD, Some(&next), "c")
        .unwrap();
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, Some(&next), "c")
            .unwrap_err(),
        AccountError::WrongCode
    );
    assert_eq!(sessions_of(&store), before + 1);
}

#[test]
fn a_recovery_code_works_once_however_it_is_typed() {
    let (_dir, store) = store();
    add_user(&store, &specialist(PASSWORD), Utc::now()).unwrap();
    let accounts = Accounts::new(store.clone());
    let (_, codes, _) = enrolled(&accounts);
    let typed = codes[3].to_uppercase().replace('-', " ");
    accounts
        .sign_in("spec.one", PASSWORD, Some(&typed), "c")
        .unwrap();
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, Some(&codes[3]), "c")
            .unwrap_err(),
        AccountError::WrongCode
    );
    accounts
        .sign_in("spec.one", PASSWORD, Some(&codes[4]), "c")
        .unwrap();
    let left = store
        .read(|tx| {
            let id = users::active_id(tx, "spec.one")?.unwrap();
            crate::store::second_factors::recovery_codes_left(tx, id)
        })
        .unwrap();
    assert_eq!(left, 8);
}

#[test]
fn asking_for_the_code_again_does_not_forgive_wrong_codes() {
    let (_dir, store) = store();
    add_user(&store, &specialist(PASSWORD), Utc::now()).unwrap();
    let accounts = Accounts::new(store);
    enrolled(&accounts);
    let mut throttled = false;
    for _ in 0..10 {
        let guessed = accounts.sign_in("spec.one", PASSWORD, Some("123456"), "c");
        let asked = accounts.sign_in("spec.one", PASSWORD, None, "c");
        if matches!(guessed, Err(AccountError::Throttled { .. }))
            || matches!(asked, Err(AccountError::Throttled { .. }))
        {
            throttled = true;
            break;
        }
        assert!(
            matches!(guessed, Err(AccountError::WrongCode)),
            "{guessed:?}"
        );
    }
    assert!(
        throttled,
        "wrong codes between code prompts were never throttled"
    );
}

#[test]
fn an_administrators_reset_sends_the_user_back_to_enrolment() {
    let (_dir, store) = store();
    add_user(&store, &specialist(PASSWORD), Utc::now()).unwrap();
    let accounts = Accounts::new(store.clone());
    let (app, codes, _) = enrolled(&accounts);
    assert!(crate::second_factor::reset(&store, "spec.one", Actor::Nobody, Utc::now()).unwrap());
    assert_eq!(sessions_of(&store), 0);
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, Some(&code(&app, 1)), "c")
            .unwrap_err(),
        AccountError::EnrolmentNeeded
    );
    assert_eq!(
        accounts
            .sign_in("spec.one", PASSWORD, Some(&codes[0]), "c")
            .unwrap_err(),
        AccountError::EnrolmentNeeded
    );
    assert!(!crate::second_factor::reset(&store, "spec.one", Actor::Nobody, Utc::now()).unwrap());
}
