//! Sign-ins in the audit trail: each success (in the transaction that
//! opens the session), each refused password and each sign-out. Entries
//! carry the user's id when the name is known, never the name typed.
//! Throttled attempts are not written: they cost an attacker nothing and
//! would let them fill the disk; the throttle itself bounds the rest.

use crate::store::audit::{self, Actor};
use crate::store::{StoreError, WriteTx};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Why a sign-in did not open a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No active account has that name.
    UnknownUser,
    /// The password is not the account's.
    WrongPassword,
    /// The password was right but temporary.
    PasswordChangeRequired,
    /// The password was right; the one-time or recovery code was not.
    WrongCode,
}

impl Refused {
    fn reason(self) -> &'static str {
        match self {
            Refused::UnknownUser => "unknown_user",
            Refused::WrongPassword => "wrong_password",
            Refused::PasswordChangeRequired => "password_change_required",
            Refused::WrongCode => "wrong_code",
        }
    }
}

/// Writes `signed_in` for `user` with the second factor it used
/// (`totp`, `recovery_code` or `none`), inside the session's transaction.
pub fn signed_in(
    tx: &WriteTx<'_>,
    user: i64,
    second_factor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    audit::append(
        tx,
        Actor::User(user),
        "signed_in",
        &json!({ "user_id": user, "second_factor": second_factor }),
        now,
    )
}

/// Writes `sign_in_failed` with no actor (whoever typed is unknown) and
/// the account's id when the name is known.
pub fn failed(
    tx: &WriteTx<'_>,
    user: Option<i64>,
    why: Refused,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let detail = match user {
        Some(user) => json!({ "user_id": user, "reason": why.reason() }),
        None => json!({ "reason": why.reason() }),
    };
    audit::append(tx, Actor::Nobody, "sign_in_failed", &detail, now)
}

/// Writes `signed_out` for `user`, inside the sign-out's transaction.
pub fn signed_out(tx: &WriteTx<'_>, user: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    audit::append(
        tx,
        Actor::User(user),
        "signed_out",
        &json!({ "user_id": user }),
        now,
    )
}
