//! Enrolling a second sign-in factor: the server draws a TOTP secret and
//! shows it as a QR code and as text; the first code from the user's
//! authenticator app confirms it, opens the session and brings ten
//! one-time recovery codes, shown once.
//!
//! Both steps check the password again (nothing half-signed-in is kept
//! between them) and are rate-limited like signing in.

use crate::account::AccountError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the enrolment screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, in groups of four, to type in by hand.
    pub secret: String,
    /// The `otpauth://totp/...` address the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG element, drawn by the server.
    pub qr_svg: String,
}

/// Draws a new secret for `username`, whose password is checked again.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "account/begin_enrolment")]
pub async fn begin_enrolment(
    username: String,
    password: String,
) -> Result<Enrolment, AccountError> {
    use crate::account::server_side::*;
    let client = client_address().await;
    blocking(move |backend| backend.begin_enrolment(&username, &password, &client)).await
}

/// Confirms the secret with its first `code`, sets the session cookie and
/// returns the recovery codes.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "account/confirm_enrolment")]
pub async fn confirm_enrolment(
    username: String,
    password: String,
    code: String,
) -> Result<Vec<String>, AccountError> {
    use crate::account::server_side::*;
    let client = client_address().await;
    let (session, codes) =
        blocking(move |backend| backend.confirm_enrolment(&username, &password, &code, &client))
            .await?;
    set_session_cookie(&session.token, session.max_age_secs);
    Ok(codes)
}
