//! Signing in and out, and who is signed in: the server functions the pages
//! call and the backend the server plugs in behind them.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use tsunagu_sync::role::Role;

/// The name of the HttpOnly cookie that carries the browser session.
pub const SESSION_COOKIE: &str = "tsunagu_session";

/// The session cookie's name when the app is served over HTTPS: the
/// `__Host-` prefix makes the browser refuse it unless it is `Secure`,
/// for the whole host (`Path=/`) and set by this host alone.
pub const SECURE_SESSION_COOKIE: &str = "__Host-tsunagu_session";

/// Whether the app is served over HTTPS (`tsunagu serve --public-url
/// https://...`): the server puts it into the server functions' context,
/// and the session cookie is then `Secure` and `__Host-` prefixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecureTransport(pub bool);

/// What the pages know about the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    /// The user's stable id (what their edits carry as author).
    pub user_id: String,
    /// The login name.
    pub username: String,
    /// The name shown in the UI.
    pub display_name: String,
    /// The user's programme role.
    pub role: Role,
    /// How many persons are currently assigned to the user.
    pub caseload_size: u32,
}

/// Why an account request failed; shown to the user in their language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccountError {
    /// Unknown user, wrong password or disabled account (deliberately not told apart).
    #[error("wrong user name or password")]
    Rejected,
    /// Too many recent failures for this user name or address.
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    Throttled {
        /// Seconds until another attempt is allowed.
        retry_after_secs: u64,
    },
    /// The password was right but temporary (set by an administrator):
    /// choose a new one ([`change_password`]) before signing in.
    #[error("the password is temporary: choose a new one")]
    PasswordChangeRequired,
    /// The new password is refused (too short, or the same as before).
    #[error("the new password needs at least {min_chars} characters and must differ")]
    WeakPassword {
        /// The least number of characters accepted.
        min_chars: u32,
    },
    /// The server failed or could not be reached.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The password was right; the account has a second factor: send a
    /// code from the authenticator app, or a recovery code, with it.
    #[error("a one-time code is needed")]
    SecondFactorNeeded,
    /// The password was right; the account has no second factor and the
    /// server requires one: enrol ([`crate::second_factor`]) first.
    #[error("set up two-factor sign-in first")]
    EnrolmentNeeded,
    /// The one-time code or recovery code is wrong or used already.
    #[error("wrong or used code")]
    WrongCode,
}

impl AccountError {
    /// The HTTP status the server answers this refusal with.
    pub fn http_status(&self) -> u16 {
        match self {
            AccountError::Rejected => 401,
            AccountError::PasswordChangeRequired => 403,
            AccountError::WeakPassword { .. } => 422,
            AccountError::Throttled { .. } => 429,
            AccountError::Unavailable(_) => 503,
            AccountError::SecondFactorNeeded | AccountError::EnrolmentNeeded => 403,
            AccountError::WrongCode => 401,
        }
    }
}

impl FromServerFnError for AccountError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AccountError::Unavailable(value.to_string())
    }
}

/// What a browser receives when it registers as one of the user's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceGrant {
    /// The new device's id.
    pub device_id: String,
    /// The secret the device presents to `/sync` (shown once, kept encrypted on the device).
    pub token: String,
    /// Whose device it is.
    pub user: SignedInUser,
    /// How the device limits wrong passwords when it unlocks offline.
    pub unlock: UnlockPolicy,
    /// A secret kept outside the encrypted store, good only for reporting
    /// that the device wiped itself after too many wrong passwords.
    #[serde(default)]
    pub wipe_report: String,
}

/// How many wrong passwords in a row a device accepts before it wipes
/// itself, and the delay between attempts before that (set on the server,
/// `--unlock-attempts` and `--unlock-delay-ms`; the device keeps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockPolicy {
    /// Wrong passwords in a row that wipe the device.
    pub attempts: u32,
    /// The first wait, in milliseconds; it doubles with each further
    /// failure, up to [`UnlockPolicy::MAX_DELAY_MS`].
    pub delay_ms: u32,
}

impl UnlockPolicy {
    /// Wrong passwords in a row that are not slowed down at all.
    pub const FREE_ATTEMPTS: u32 = 3;
    /// The longest wait between two attempts.
    pub const MAX_DELAY_MS: u32 = 30_000;

    /// How long to wait after `failures` wrong passwords in a row before
    /// the next attempt, in milliseconds.
    pub fn delay_after(&self, failures: u32) -> u32 {
        if failures < Self::FREE_ATTEMPTS {
            return 0;
        }
        let doublings = (failures - Self::FREE_ATTEMPTS).min(16);
        self.delay_ms
            .saturating_mul(1 << doublings)
            .min(Self::MAX_DELAY_MS.max(self.delay_ms))
    }
}

impl Default for UnlockPolicy {
    fn default() -> Self {
        UnlockPolicy {
            attempts: 10,
            delay_ms: 1_000,
        }
    }
}

/// A session the backend just opened.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret the browser keeps in [`SESSION_COOKIE`].
    pub token: String,
    /// How long the session lives, in seconds.
    pub max_age_secs: u64,
}

/// The server's side of accounts, provided to server functions as
/// `Arc<dyn AccountBackend>` in the Leptos context.
///
/// The methods block (database, password hashing); callers run them on a
/// blocking thread.
#[cfg(feature = "ssr")]
pub trait AccountBackend: Send + Sync + 'static {
    /// Checks the password and the second factor (`code`: from the
    /// authenticator app, or a recovery code) and opens a session.
    /// `client` identifies the caller's address for rate limiting.
    fn sign_in(
        &self,
        username: &str,
        password: &str,
        code: Option<&str>,
        client: &str,
    ) -> Result<NewSession, AccountError>;
    /// Checks the password and draws a new second-factor secret for an
    /// account that has none confirmed (replacing a pending one).
    fn begin_enrolment(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<crate::second_factor::Enrolment, AccountError>;
    /// Checks the password and the first code of the pending secret,
    /// confirms it and opens a session; returns the recovery codes
    /// (shown once).
    fn confirm_enrolment(
        &self,
        username: &str,
        password: &str,
        code: &str,
        client: &str,
    ) -> Result<(NewSession, Vec<String>), AccountError>;
    /// The user behind a session token, if the session is open and unexpired.
    fn session_user(&self, token: &str) -> Result<Option<SignedInUser>, AccountError>;
    /// Closes a session; closing an unknown one is not an error.
    fn sign_out(&self, token: &str) -> Result<(), AccountError>;
    /// Replaces `username`'s password after checking the current one (the
    /// temporary one after a reset); rate-limited like [`Self::sign_in`].
    /// Ends the user's sessions; opens none.
    fn change_password(
        &self,
        username: &str,
        current: &str,
        new: &str,
        client: &str,
    ) -> Result<(), AccountError>;
    /// Registers a new device for the session's user; `Rejected` without a
    /// valid session.
    fn register_device(&self, session: &str, label: &str) -> Result<DeviceGrant, AccountError>;
}

#[cfg(feature = "ssr")]
pub(crate) mod server_side {
    use super::*;
    use std::sync::Arc;

    pub fn backend() -> Result<Arc<dyn AccountBackend>, AccountError> {
        use_context::<Arc<dyn AccountBackend>>()
            .ok_or_else(|| AccountError::Unavailable("no account backend".into()))
    }

    /// Runs a blocking backend call off the async executor; a refusal
    /// sets its own HTTP status ([`AccountError::http_status`]).
    pub async fn blocking<T: Send + 'static>(
        work: impl FnOnce(Arc<dyn AccountBackend>) -> Result<T, AccountError> + Send + 'static,
    ) -> Result<T, AccountError> {
        let run = async move {
            let backend = backend()?;
            tokio::task::spawn_blocking(move || work(backend))
                .await
                .map_err(|e| AccountError::Unavailable(e.to_string()))?
        };
        with_status(run.await)
    }

    /// Sets the response's status from a refusal (the server function's
    /// answer is otherwise 500 for every error).
    pub fn with_status<T>(result: Result<T, AccountError>) -> Result<T, AccountError> {
        if let Err(error) = &result {
            answer_with_status(error.http_status());
        }
        result
    }

    /// Makes the current server function answer with `status` (the
    /// programme functions use it too).
    pub fn answer_with_status(status: u16) {
        if let Ok(status) = http::StatusCode::from_u16(status) {
            expect_context::<leptos_axum::ResponseOptions>().set_status(status);
        }
    }

    pub async fn request_headers() -> Result<http::HeaderMap, AccountError> {
        leptos_axum::extract::<http::HeaderMap>()
            .await
            .map_err(|e| AccountError::Unavailable(e.to_string()))
    }

    /// The session token from the request's cookies, if any.
    pub fn session_token(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|header| header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SECURE_SESSION_COOKIE || *name == SESSION_COOKIE)
            .map(|(_, value)| value.to_owned())
    }

    /// The caller's address as the server saw it (set by the server's
    /// connect-info layer), for rate limiting.
    pub async fn client_address() -> String {
        use axum::extract::ConnectInfo;
        leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
            .await
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|_| "unknown".into())
    }

    pub fn set_session_cookie(value: &str, max_age_secs: u64) {
        let secure = use_context::<SecureTransport>().unwrap_or_default().0;
        let (name, secure) = if secure {
            (SECURE_SESSION_COOKIE, "; Secure")
        } else {
            (SESSION_COOKIE, "")
        };
        let cookie = format!(
            "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
        );
        if let Ok(header) = http::HeaderValue::from_str(&cookie) {
            expect_context::<leptos_axum::ResponseOptions>()
                .append_header(http::header::SET_COOKIE, header);
        }
    }
}

#[cfg(feature = "ssr")]
pub use server_side::{answer_with_status, session_token};

/// The signed-in user, or `None` when the browser has no valid session.
#[server(endpoint = "account/current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AccountError> {
    use server_side::*;
    let headers = request_headers().await?;
    let Some(token) = session_token(&headers) else {
        return Ok(None);
    };
    blocking(move |backend| backend.session_user(&token)).await
}

/// Checks the credentials (and the one-time `code` when the account has a
/// second factor) and sets the session cookie.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "account/sign_in")]
pub async fn sign_in(
    username: String,
    password: String,
    #[server(default)] code: Option<String>,
) -> Result<(), AccountError> {
    use server_side::*;
    let client = client_address().await;
    let session =
        blocking(move |backend| backend.sign_in(&username, &password, code.as_deref(), &client))
            .await?;
    set_session_cookie(&session.token, session.max_age_secs);
    Ok(())
}

/// Replaces a password (the temporary one an administrator set, at the
/// first sign-in after a reset); sign in with the new one afterwards.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "account/change_password")]
pub async fn change_password(
    username: String,
    current: String,
    new: String,
) -> Result<(), AccountError> {
    use server_side::*;
    let client = client_address().await;
    blocking(move |backend| backend.change_password(&username, &current, &new, &client)).await
}

/// Closes the session and clears the cookie.
#[server(endpoint = "account/sign_out")]
pub async fn sign_out() -> Result<(), AccountError> {
    use server_side::*;
    let headers = request_headers().await?;
    if let Some(token) = session_token(&headers) {
        blocking(move |backend| backend.sign_out(&token)).await?;
    }
    set_session_cookie("", 0);
    Ok(())
}

/// Registers this browser as a device of the signed-in user and returns its
/// sync token. Needs the session cookie from [`sign_in`].
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "account/register_device")]
pub async fn register_device(label: String) -> Result<DeviceGrant, AccountError> {
    use server_side::*;
    let headers = request_headers().await?;
    let token = with_status(session_token(&headers).ok_or(AccountError::Rejected))?;
    let label: String = label.trim().chars().take(80).collect();
    blocking(move |backend| backend.register_device(&token, &label)).await
}

#[cfg(test)]
mod tests {
    use super::UnlockPolicy;

    #[test]
    fn unlock_waits_grow_after_the_free_attempts_and_stop_growing_at_the_cap() {
        let policy = UnlockPolicy::default();
        let waits: Vec<u32> = (0..10).map(|f| policy.delay_after(f)).collect();
        assert_eq!(
            waits,
            [0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        );
        let quick = UnlockPolicy {
            attempts: 10,
            delay_ms: 20,
        };
        assert_eq!(quick.delay_after(3), 20);
        assert_eq!(quick.delay_after(9), 1_280);
    }
}
