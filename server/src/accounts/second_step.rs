//! The second step of signing in, once the password was right: the code
//! (or its absence) checked against the account's second factor and the
//! policy, and the session opened in the same transaction, so a code is
//! spent only by the session it opens.

use super::{Accounts, SESSION_TTL, unavailable};
use crate::second_factor::SecondStep;
use crate::secrets::{new_token, token_hash};
use crate::sign_in_audit::Refused;
use crate::store::{StoreError, sessions};
use chrono::{DateTime, Utc};
use tsunagu_app::account::{AccountError, NewSession};

impl Accounts {
    /// Checks the second step for `user_id` (whose password was right) and
    /// opens a session if it passes, in one transaction: a code is used up
    /// only by the session it opens.
    pub(super) fn second_step(
        &self,
        username: &str,
        client: &str,
        at: DateTime<Utc>,
        user_id: i64,
        code: Option<&str>,
    ) -> Result<NewSession, AccountError> {
        let token = new_token();
        let now = Utc::now();
        let expires = now + chrono::Duration::from_std(SESSION_TTL).unwrap_or_default();
        let policy = self.second_factor;
        let step = self.store.write(|tx| {
            let step = crate::second_factor::check(tx, user_id, code, policy, now)?;
            if step.passed() {
                sessions::insert(tx, &token_hash(&token), user_id, now, expires)?;
                crate::sign_in_audit::signed_in(tx, user_id, step.method(), now)?;
            }
            Ok::<_, StoreError>(step)
        });
        let step = match step {
            Ok(step) => step,
            Err(error) => {
                self.limits.release(username, client, at, false);
                return Err(unavailable(error));
            }
        };
        match step {
            SecondStep::CodeNeeded | SecondStep::EnrolmentNeeded => {
                // Not a failure, and not a success either: a success would
                // forget the wrong codes counted before it.
                self.limits.release(username, client, at, false);
                Err(if step == SecondStep::CodeNeeded {
                    AccountError::SecondFactorNeeded
                } else {
                    AccountError::EnrolmentNeeded
                })
            }
            SecondStep::WrongCode => {
                tracing::info!("sign-in rejected: wrong second factor");
                self.refused(Some(user_id), Refused::WrongCode);
                Err(AccountError::WrongCode)
            }
            SecondStep::NotNeeded | SecondStep::AppCode | SecondStep::RecoveryCode { .. } => {
                self.limits.release(username, client, at, true);
                tracing::info!(user_id, method = step.method(), "signed in");
                Ok(NewSession {
                    token,
                    max_age_secs: SESSION_TTL.as_secs(),
                })
            }
        }
    }
}
