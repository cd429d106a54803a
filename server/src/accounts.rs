//! User accounts, password hashing and browser sessions.
//!
//! Passwords are hashed with argon2id (OWASP's recommended parameters, the
//! `argon2` crate's defaults). Session tokens are [`crate::secrets`]:
//! only their hash is stored, so a copy of the database opens no session.

use crate::permits::Permits;
use crate::second_factor::SecondFactorPolicy;
use crate::secrets::token_hash;
use crate::sign_in_audit::Refused;
use crate::sign_in_limits::SignInLimits;
use crate::store::users::NewUserRow;
use crate::store::{Store, StoreError, sessions, users};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use rand::RngCore;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tsunagu_app::account::{
    AccountBackend, AccountError, DeviceGrant, NewSession, SignedInUser, UnlockPolicy,
};
use tsunagu_app::second_factor::Enrolment;
use tsunagu_sync::role::Role;

/// The shortest password accepted (MHLW guideline 6.0: 13 or more characters
/// when there is no second factor).
pub const MIN_PASSWORD_CHARS: usize = 13;

/// How long a browser session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// Why an account could not be created.
#[derive(Debug, Error)]
pub enum NewUserError {
    /// The user name is empty, too long or has characters outside `[a-z0-9._-]`.
    #[error("user name {0:?} must be 1–64 characters of a-z, 0-9, '.', '_' or '-'")]
    BadUsername(String),
    /// The display name is empty.
    #[error("the display name must not be empty")]
    EmptyDisplayName,
    /// The password is too short.
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// The user name is taken.
    #[error("a user named {0:?} already exists")]
    Duplicate(String),
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new account's details.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login name: lower-case ASCII letters, digits, `.`, `_`, `-`.
    pub username: &'a str,
    /// The name shown in the UI.
    pub display_name: &'a str,
    /// Programme role.
    pub role: Role,
    /// Plain-text password; only its hash is stored.
    pub password: &'a str,
}

/// Creates a user and returns its id.
pub fn add_user(
    store: &Store,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<i64, NewUserError> {
    let valid_name = !user.username.is_empty()
        && user.username.len() <= 64
        && user
            .username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        return Err(NewUserError::BadUsername(user.username.to_owned()));
    }
    if user.display_name.trim().is_empty() {
        return Err(NewUserError::EmptyDisplayName);
    }
    if user.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(NewUserError::WeakPassword);
    }
    let hash = hash_password(user.password)?;
    let row = NewUserRow {
        username: user.username,
        display_name: user.display_name.trim(),
        role: user.role,
        password_hash: &hash,
        created_at: now,
    };
    store
        .write(|tx| users::insert(tx, &row))?
        .ok_or_else(|| NewUserError::Duplicate(user.username.to_owned()))
}

/// An argon2id hash (PHC string) of `password` under a fresh salt.
pub(crate) fn hash_password(password: &str) -> Result<String, NewUserError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| NewUserError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| NewUserError::Hash(e.to_string()))
}

/// A hash of a password nobody has, verified when the user name is unknown
/// so that a wrong name takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy-password-never-used").unwrap_or_default())
}

/// What checking a password found.
enum Checked {
    /// The password is the account's.
    Right(users::Credentials),
    /// The account (by id) exists; the password is not its.
    Wrong(i64),
    /// No active account has that name.
    UnknownUser,
}

/// The [`AccountBackend`] the app's server functions use.
pub struct Accounts {
    store: Arc<Store>,
    /// Failures counted per user name and per address.
    limits: SignInLimits,
    /// Password verifications running at once: one per core.
    hashing: Permits,
    /// What registered devices are told about wrong offline passwords.
    unlock: UnlockPolicy,
    /// Whether signing in needs a second factor.
    second_factor: SecondFactorPolicy,
}

impl Accounts {
    /// Accounts over `store`, with Tsunagu's sign-in limits
    /// ([`crate::sign_in_limits`]).
    pub fn new(store: Arc<Store>) -> Self {
        Accounts {
            limits: SignInLimits::new(store.clone()),
            store,
            hashing: Permits::per_core(),
            unlock: UnlockPolicy::default(),
            second_factor: SecondFactorPolicy::default(),
        }
    }

    /// The same, with a second factor required or optional.
    pub fn with_second_factor(mut self, policy: SecondFactorPolicy) -> Self {
        self.second_factor = policy;
        self
    }

    /// The same, telling devices it registers to use `unlock`.
    pub fn with_unlock_policy(mut self, unlock: UnlockPolicy) -> Self {
        self.unlock = unlock;
        self
    }

    /// Checks `password` against `username`'s account (taking as long for
    /// an unknown name).
    fn check_password(&self, username: &str, password: &str) -> Result<Checked, AccountError> {
        let row = self
            .store
            .read(|tx| users::credentials(tx, username))
            .map_err(unavailable)?;
        let stored = row
            .as_ref()
            .map(|c| c.password_hash.as_str())
            .unwrap_or(decoy_hash());
        let matches = self.hashing.run(|| {
            PasswordHash::new(stored)
                .map(|hash| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &hash)
                        .is_ok()
                })
                .unwrap_or(false)
        });
        Ok(match row {
            Some(credentials) if matches => Checked::Right(credentials),
            Some(credentials) => Checked::Wrong(credentials.id),
            None => Checked::UnknownUser,
        })
    }

    /// Counts the attempt and checks the password (signing in, and each
    /// enrolment step): the account's id when it is right and not
    /// temporary; otherwise the refusal, audited. A wrong password's
    /// reserved attempt stands as the failure.
    fn right_password(
        &self,
        username: &str,
        password: &str,
        client: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, AccountError> {
        self.reserve_attempt(username, client, at)?;
        match self.check_password(username, password) {
            Ok(Checked::Right(credentials)) if credentials.change_required => {
                self.limits.release(username, client, at, true);
                self.refused(Some(credentials.id), Refused::PasswordChangeRequired);
                Err(AccountError::PasswordChangeRequired)
            }
            Ok(Checked::Right(credentials)) => Ok(credentials.id),
            Ok(Checked::Wrong(id)) => {
                tracing::info!("sign-in rejected");
                self.refused(Some(id), Refused::WrongPassword);
                Err(AccountError::Rejected)
            }
            Ok(Checked::UnknownUser) => {
                tracing::info!("sign-in rejected");
                self.refused(None, Refused::UnknownUser);
                Err(AccountError::Rejected)
            }
            Err(error) => {
                self.limits.release(username, client, at, false);
                Err(error)
            }
        }
    }

    /// Counts an attempt against the sign-in limits, or refuses it.
    fn reserve_attempt(
        &self,
        username: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        self.limits
            .reserve(username, client, now)
            .map_err(unavailable)?
            .map_err(|wait| AccountError::Throttled {
                retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
            })
    }

    /// Writes a refused sign-in to the trail; a failure to write is logged
    /// (the refusal stands either way).
    fn refused(&self, user: Option<i64>, why: Refused) {
        let written = self
            .store
            .write(|tx| crate::sign_in_audit::failed(tx, user, why, Utc::now()));
        if let Err(error) = written {
            tracing::error!(%error, "could not audit a refused sign-in");
        }
    }

    /// The user behind `token` at time `now`.
    pub fn user_for_session(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedInUser>, AccountError> {
        let today = tsunagu_sync::policy::japan_date(now);
        let user = self
            .store
            .read(|tx| sessions::user(tx, &token_hash(token), today, now))
            .map_err(unavailable)?;
        Ok(user.map(|user| SignedInUser {
            user_id: user.user_id.to_string(),
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            caseload_size: user.caseload_size,
        }))
    }
}

impl AccountBackend for Accounts {
    fn sign_in(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
        client: &str,
    ) -> Result<NewSession, AccountError> {
        let at = Utc::now();
        let user_id = self.right_password(username, password, client, at)?;
        self.second_step(username, client, at, user_id, code)
    }

    fn change_password(
        &self,
        username: &str,
        current: &str,
        new: &str,
        client: &str,
    ) -> Result<(), AccountError> {
        let now = Utc::now();
        self.reserve_attempt(username, client, now)?;
        let credentials = match self.check_password(username, current) {
            Ok(Checked::Right(credentials)) => credentials,
            Ok(Checked::Wrong(_) | Checked::UnknownUser) => return Err(AccountError::Rejected),
            Err(error) => {
                self.limits.release(username, client, now, false);
                return Err(error);
            }
        };
        self.limits.release(username, client, now, true);
        crate::passwords::change(&self.store, credentials.id, current, new, Utc::now()).map_err(
            |error| match error {
                crate::passwords::PasswordError::Weak => AccountError::WeakPassword {
                    min_chars: MIN_PASSWORD_CHARS as u32,
                },
                other => {
                    tracing::error!(error = %other, "password change failed");
                    AccountError::Unavailable("the password could not be changed".into())
                }
            },
        )?;
        tracing::info!(user_id = credentials.id, "password changed");
        Ok(())
    }

    fn begin_enrolment(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<Enrolment, AccountError> {
        self.begin(username, password, client)
    }

    fn confirm_enrolment(
        &self,
        username: &str,
        password: &str,
        code: &str,
        client: &str,
    ) -> Result<(NewSession, Vec<String>), AccountError> {
        self.confirm(username, password, code, client)
    }

    fn session_user(&self, token: &str) -> Result<Option<SignedInUser>, AccountError> {
        self.user_for_session(token, Utc::now())
    }

    fn register_device(&self, session: &str, label: &str) -> Result<DeviceGrant, AccountError> {
        let now = Utc::now();
        let user = self
            .user_for_session(session, now)?
            .ok_or(AccountError::Rejected)?;
        let label = if label.is_empty() { "browser" } else { label };
        let actor = crate::store::audit::Actor::User(
            user.user_id
                .parse()
                .map_err(|_| AccountError::Unavailable("malformed user id".into()))?,
        );
        let device = crate::devices::add_device(&self.store, &user.username, label, actor, now)
            .map_err(|e| AccountError::Unavailable(e.to_string()))?;
        tracing::info!(device = %device.id, "device registered");
        Ok(DeviceGrant {
            device_id: device.id,
            token: device.token,
            wipe_report: device.wipe_report,
            user,
            unlock: self.unlock,
        })
    }

    fn sign_out(&self, token: &str) -> Result<(), AccountError> {
        self.store
            .write(|tx| {
                if let Some(user) = sessions::delete(tx, &token_hash(token))? {
                    crate::sign_in_audit::signed_out(tx, user, Utc::now())?;
                }
                Ok(())
            })
            .map_err(unavailable)
    }
}

fn unavailable(error: StoreError) -> AccountError {
    tracing::error!(%error, "account query failed");
    AccountError::Unavailable("database error".into())
}

mod enrolment;
mod second_step;
#[cfg(test)]
mod tests;
