//! The second sign-in factor: TOTP codes (RFC 6238 with the parameters
//! every authenticator app reads from a QR code: SHA-1, 6 digits, 30 s
//! steps, one step of clock skew either way) and ten one-time recovery
//! codes.
//!
//! A code is accepted once: the store keeps the last step accepted and
//! refuses that step and earlier ones. Recovery codes have about 50 bits
//! each, so a SHA-256 of them (like tokens, [`crate::secrets`]) is all the
//! database keeps; the sign-in throttle bounds guessing of both.
//!
//! The TOTP secret itself must be readable to check a code, so it is
//! stored as it is: a copy of the database (a backup) holds the secrets
//! along with everything else it holds, and is protected as a whole.

use crate::secrets::token_hash;
use crate::staff::StaffError;
use crate::store::audit::{self, Actor};
use crate::store::second_factors::{self, FactorRow};
use crate::store::{Store, StoreError, WriteTx, sessions, users};
use chrono::{DateTime, Utc};
use rand::{Rng, RngCore};
use serde_json::json;
use totp_rs::{Builder, Totp};
use tsunagu_app::second_factor::Enrolment;

/// Whether signing in needs a second factor (`tsunagu serve
/// --second-factor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SecondFactorPolicy {
    /// Every account needs one: an account without one enrols at its next
    /// sign-in. The default.
    #[default]
    Required,
    /// Accounts that enrolled need their code; others sign in with the
    /// password alone (the default with `--demo`).
    Optional,
}

/// The issuer authenticator apps show beside the account name.
pub const ISSUER: &str = "Tsunagu";

/// How many recovery codes an enrolment issues.
pub const RECOVERY_CODES: usize = 10;

/// Characters of recovery codes: no 0/o, 1/l/i to misread.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Why a secret could not be turned into codes or a QR code.
#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    /// The TOTP parameters were refused (a malformed stored secret).
    #[error("TOTP: {0}")]
    Totp(String),
    /// The QR code could not be drawn.
    #[error("QR code: {0}")]
    Qr(String),
}

/// A fresh 160-bit secret (RFC 4226's recommended length).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], username: &str) -> Result<Totp, SecondFactorError> {
    Builder::new()
        .with_secret(secret.to_vec())
        .with_account_name(username)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| SecondFactorError::Totp(e.to_string()))
}

/// What the enrolment screen shows for `secret`: the QR code of the
/// `otpauth://` address and the secret as text, in groups of four.
pub fn enrolment(secret: &[u8], username: &str) -> Result<Enrolment, SecondFactorError> {
    let totp = totp(secret, username)?;
    let url = totp
        .to_url()
        .map_err(|e| SecondFactorError::Totp(e.to_string()))?;
    let svg = qrcode::QrCode::with_error_correction_level(&url, qrcode::EcLevel::M)
        .map_err(|e| SecondFactorError::Qr(e.to_string()))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build();
    // Inlined into HTML: the XML declaration would be a stray comment.
    let svg = match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    };
    let base32 = totp.secret().to_base32();
    let grouped = base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        secret: grouped,
        otpauth_url: url,
        qr_svg: svg,
    })
}

/// The time step a 6-digit `code` matches at `now` (one step either
/// way), if any.
pub fn matching_step(secret: &[u8], code: &str, now: DateTime<Utc>) -> Option<u64> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret, "check").ok()?;
    totp.check(&digits, now.timestamp().max(0) as u64)
}

/// Ten fresh recovery codes, `xxxxx-xxxxx`.
pub fn recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut pick = || -> String {
                (0..5)
                    .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                    .collect()
            };
            format!("{}-{}", pick(), pick())
        })
        .collect()
}

/// What the store keeps of a recovery code, however it was typed (case,
/// spaces and hyphens do not matter).
pub fn recovery_hash(code: &str) -> Vec<u8> {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    token_hash(&normal)
}

/// Whether `input` looks like a one-time code from the app (six digits)
/// rather than a recovery code.
pub fn is_app_code(input: &str) -> bool {
    let digits: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.iter().all(char::is_ascii_digit)
}

/// How a sign-in's second step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondStep {
    /// No factor is enrolled and none is required.
    NotNeeded,
    /// A code from the app was right.
    AppCode,
    /// A recovery code was right and is now used up; this many are left.
    RecoveryCode {
        /// Unused codes left.
        left: u64,
    },
    /// The account has a factor and no code was given.
    CodeNeeded,
    /// The account has no factor and the policy requires one.
    EnrolmentNeeded,
    /// The code was wrong, used before, or for another step.
    WrongCode,
}

impl SecondStep {
    /// Whether a session may open.
    pub fn passed(self) -> bool {
        matches!(
            self,
            SecondStep::NotNeeded | SecondStep::AppCode | SecondStep::RecoveryCode { .. }
        )
    }

    /// The method, as the audit trail names it.
    pub fn method(self) -> &'static str {
        match self {
            SecondStep::AppCode => "totp",
            SecondStep::RecoveryCode { .. } => "recovery_code",
            _ => "none",
        }
    }
}

/// Checks the second step for `user_id`, whose password was right,
/// inside the transaction that will open the session: a code accepted
/// here is used up only if the session opens.
pub fn check(
    tx: &WriteTx<'_>,
    user_id: i64,
    code: Option<&str>,
    policy: SecondFactorPolicy,
    now: DateTime<Utc>,
) -> Result<SecondStep, StoreError> {
    let factor = second_factors::get(tx, user_id)?.filter(|f| f.confirmed);
    let (Some(factor), Some(code)) = (&factor, code.map(str::trim).filter(|c| !c.is_empty()))
    else {
        return Ok(match (factor, policy) {
            (Some(_), _) => SecondStep::CodeNeeded,
            (None, SecondFactorPolicy::Required) => SecondStep::EnrolmentNeeded,
            (None, SecondFactorPolicy::Optional) => SecondStep::NotNeeded,
        });
    };
    check_code(tx, user_id, factor, code, now)
}

fn check_code(
    tx: &WriteTx<'_>,
    user_id: i64,
    factor: &FactorRow,
    code: &str,
    now: DateTime<Utc>,
) -> Result<SecondStep, StoreError> {
    if is_app_code(code) {
        let accepted = match matching_step(&factor.secret, code, now) {
            Some(step) => second_factors::accept_step(tx, user_id, step)?,
            None => false,
        };
        return Ok(if accepted {
            SecondStep::AppCode
        } else {
            SecondStep::WrongCode
        });
    }
    if !second_factors::use_recovery_code(tx, user_id, &recovery_hash(code), now)? {
        return Ok(SecondStep::WrongCode);
    }
    let left = second_factors::recovery_codes_left(tx, user_id)?;
    audit::append(
        tx,
        Actor::User(user_id),
        "recovery_code_used",
        &json!({ "user_id": user_id, "left": left }),
        now,
    )?;
    Ok(SecondStep::RecoveryCode { left })
}

/// Removes `username`'s second factor and recovery codes and ends their
/// sessions (a lost phone): they enrol again at their next sign-in.
/// Their devices keep working offline, as a password reset leaves them.
pub fn reset(
    store: &Store,
    username: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<bool, StaffError> {
    store.write(|tx| {
        let id =
            users::any_id(tx, username)?.ok_or_else(|| StaffError::UnknownUser(username.into()))?;
        let had = second_factors::remove(tx, id)?;
        let sessions = sessions::delete_all_of(tx, id)?;
        audit::append(
            tx,
            actor,
            "second_factor_reset",
            &json!({ "user_id": id, "had_factor": had, "sessions": sessions }),
            now,
        )?;
        Ok::<bool, StaffError>(had)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let app = totp(&secret, "someone").unwrap();
        let step = 1_800_000_000 / 30;
        let code = app.generate(1_800_000_000).to_string();
        assert_eq!(matching_step(&secret, &code, now), Some(step));
        let next = app.generate(1_800_000_030).to_string();
        assert_eq!(matching_step(&secret, &next, now), Some(step + 1));
        let later = app.generate(1_800_000_090).to_string();
        assert_eq!(matching_step(&secret, &later, now), None);
        assert_eq!(matching_step(&new_secret(), &code, now), None);
    }

    #[test]
    fn recovery_codes_are_fresh_unambiguous_and_typed_any_way() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
            assert!(!is_app_code(code));
        }
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(recovery_hash(&typed), recovery_hash(&codes[0]));
        assert!(is_app_code("123 456"));
        assert!(!is_app_code("12345"));
    }

    #[test]
    fn enrolment_shows_the_secret_and_a_qr_code_of_the_address() {
        let secret = new_secret();
        let shown = enrolment(&secret, "demo.nurse").unwrap();
        assert!(shown.qr_svg.starts_with("<svg"));
        assert!(shown.otpauth_url.starts_with("otpauth://totp/"));
        assert!(shown.otpauth_url.contains("issuer=Tsunagu"));
        let typed: String = shown.secret.split(' ').collect();
        assert_eq!(
            totp_rs::Secret::try_from_base32(&typed).unwrap().as_bytes(),
            &secret[..]
        );
    }
}
