//! Accounts: signing in, sessions and the limits, over a real SQLite file.

use super::*;

mod second_factor;

pub(super) fn store() -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    (dir, store)
}

pub(super) fn specialist(password: &str) -> NewUser<'_> {
    NewUser {
        username: "spec.one",
        display_name: "検証 用子",
        role: Role::SupportSpecialist,
        password,
    }
}

#[test]
fn signs_in_with_the_right_password_only() {
    let (_dir, store) = store();
    add_user(&store, &specialist("correct horse battery"), Utc::now()).unwrap();
    let accounts = Accounts::new(store).with_second_factor(SecondFactorPolicy::Optional);
    assert_eq!(
        accounts
            .sign_in("spec.one", "wrong password!!", None, "127.0.0.1")
            .unwrap_err(),
        AccountError::Rejected
    );
    assert_eq!(
        accounts
            .sign_in("nobody", "correct horse battery", None, "127.0.0.1")
            .unwrap_err(),
        AccountError::Rejected
    );
    let session = accounts
        .sign_in("spec.one", "correct horse battery", None, "127.0.0.1")
        .unwrap();
    let user = accounts.session_user(&session.token).unwrap().unwrap();
    assert_eq!(user.display_name, "検証 用子");
    assert_eq!(user.role, Role::SupportSpecialist);
    accounts.sign_out(&session.token).unwrap();
    assert_eq!(accounts.session_user(&session.token).unwrap(), None);
}

#[test]
fn sessions_expire_and_only_hashes_are_stored() {
    let (_dir, store) = store();
    add_user(&store, &specialist("correct horse battery"), Utc::now()).unwrap();
    let accounts = Accounts::new(store.clone()).with_second_factor(SecondFactorPolicy::Optional);
    let session = accounts
        .sign_in("spec.one", "correct horse battery", None, "127.0.0.1")
        .unwrap();
    let later = Utc::now() + chrono::Duration::hours(13);
    assert_eq!(
        accounts.user_for_session(&session.token, later).unwrap(),
        None
    );
    // The session is found by the token's hash, never by the token.
    let now = Utc::now();
    let today = tsunagu_sync::policy::japan_date(now);
    let by = |key: &[u8]| {
        store
            .read(|tx| sessions::user(tx, key, today, now))
            .unwrap()
    };
    assert!(by(&token_hash(&session.token)).is_some());
    assert_eq!(by(session.token.as_bytes()), None);
}

#[test]
fn repeated_failures_throttle_even_the_right_password() {
    let (_dir, store) = store();
    add_user(&store, &specialist("correct horse battery"), Utc::now()).unwrap();
    let accounts = Accounts::new(store).with_second_factor(SecondFactorPolicy::Optional);
    for _ in 0..5 {
        assert_eq!(
            accounts
                .sign_in("spec.one", "nope nope nope", None, "10.0.0.1")
                .unwrap_err(),
            AccountError::Rejected
        );
    }
    assert!(matches!(
        accounts.sign_in("spec.one", "correct horse battery", None, "10.0.0.2"),
        Err(AccountError::Throttled { .. })
    ));
}

#[test]
fn bad_new_users_are_refused_without_writing() {
    let (_dir, store) = store();
    let now = Utc::now();
    let bad_name = NewUser {
        username: "Bad Name",
        ..specialist("long enough password")
    };
    assert!(matches!(
        add_user(&store, &bad_name, now),
        Err(NewUserError::BadUsername(_))
    ));
    assert!(matches!(
        add_user(&store, &specialist("short"), now),
        Err(NewUserError::WeakPassword)
    ));
    add_user(&store, &specialist("long enough password"), now).unwrap();
    assert!(matches!(
        add_user(&store, &specialist("another long password"), now),
        Err(NewUserError::Duplicate(_))
    ));
    assert_eq!(store.read(users::count).unwrap(), 1);
}
