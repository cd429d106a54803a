//! Enrolling the second factor at sign-in: the password is checked at
//! each step, a pending secret is drawn, and the first right code confirms
//! it, issues the recovery codes and opens the session, in one
//! transaction.
//!
//! Only an account without a confirmed factor can enrol: a thief with the
//! password alone cannot replace the owner's authenticator. An
//! administrator's reset (`tsunagu user reset-second-factor`) is the way
//! back for a lost phone.

use super::{Accounts, SESSION_TTL, unavailable};
use crate::second_factor::{self, matching_step, recovery_codes, recovery_hash};
use crate::secrets::{new_token, token_hash};
use crate::sign_in_audit::Refused;
use crate::store::audit::{self, Actor};
use crate::store::{StoreError, second_factors, sessions};
use chrono::Utc;
use serde_json::json;
use tsunagu_app::account::{AccountError, NewSession};
use tsunagu_app::second_factor::Enrolment;

/// What confirming found.
enum Confirmed {
    Done,
    NoPendingSecret,
    AlreadyEnrolled,
    WrongCode,
}

impl Accounts {
    /// [`tsunagu_app::account::AccountBackend::begin_enrolment`].
    pub(super) fn begin(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<Enrolment, AccountError> {
        let at = Utc::now();
        let user_id = self.right_password(username, password, client, at)?;
        self.limits.release(username, client, at, false);
        let secret = second_factor::new_secret();
        let began = self
            .store
            .write(|tx| second_factors::begin(tx, user_id, &secret, Utc::now()))
            .map_err(unavailable)?;
        if !began {
            return Err(AccountError::SecondFactorNeeded);
        }
        second_factor::enrolment(&secret, username).map_err(|error| {
            tracing::error!(%error, "could not show a second-factor secret");
            AccountError::Unavailable("the QR code could not be made".into())
        })
    }

    /// [`tsunagu_app::account::AccountBackend::confirm_enrolment`].
    pub(super) fn confirm(
        &self,
        username: &str,
        password: &str,
        code: &str,
        client: &str,
    ) -> Result<(NewSession, Vec<String>), AccountError> {
        let at = Utc::now();
        let user_id = self.right_password(username, password, client, at)?;
        let now = Utc::now();
        let codes = recovery_codes();
        let hashes: Vec<Vec<u8>> = codes.iter().map(|c| recovery_hash(c)).collect();
        let token = new_token();
        let expires = now + chrono::Duration::from_std(SESSION_TTL).unwrap_or_default();
        let outcome = self.store.write(|tx| {
            let Some(pending) = second_factors::get(tx, user_id)? else {
                return Ok(Confirmed::NoPendingSecret);
            };
            if pending.confirmed {
                return Ok(Confirmed::AlreadyEnrolled);
            }
            let Some(step) = matching_step(&pending.secret, code, now) else {
                return Ok(Confirmed::WrongCode);
            };
            second_factors::confirm(tx, user_id, step, &hashes, now)?;
            audit::append(
                tx,
                Actor::User(user_id),
                "second_factor_enrolled",
                &json!({ "user_id": user_id, "recovery_codes": hashes.len() }),
                now,
            )?;
            sessions::insert(tx, &token_hash(&token), user_id, now, expires)?;
            crate::sign_in_audit::signed_in(tx, user_id, "totp", now)?;
            Ok::<_, StoreError>(Confirmed::Done)
        });
        match outcome {
            Ok(Confirmed::Done) => {
                self.limits.release(username, client, at, true);
                tracing::info!(user_id, "second factor enrolled");
                Ok((
                    NewSession {
                        token,
                        max_age_secs: SESSION_TTL.as_secs(),
                    },
                    codes,
                ))
            }
            Ok(Confirmed::WrongCode) => {
                self.refused(Some(user_id), Refused::WrongCode);
                Err(AccountError::WrongCode)
            }
            Ok(Confirmed::NoPendingSecret) => {
                self.limits.release(username, client, at, false);
                Err(AccountError::EnrolmentNeeded)
            }
            Ok(Confirmed::AlreadyEnrolled) => {
                self.limits.release(username, client, at, false);
                Err(AccountError::SecondFactorNeeded)
            }
            Err(error) => {
                self.limits.release(username, client, at, false);
                Err(unavailable(error))
            }
        }
    }
}
