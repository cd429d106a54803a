//! Accounts and devices, administered by a coordinator (`docs/ROLES.md`):
//! who has an account and which tablets, and the four actions on them —
//! revoke a device, report it lost, disable an account, enable it again.
//! Server functions only; the server's [`AdministrationBackend`] checks the
//! session's role itself, whatever the tablet shows.

use crate::programme::ProgrammeError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use tsunagu_sync::role::Role;

/// Where a device stands with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceStanding {
    /// Syncing.
    Active,
    /// Revoked (by an administrator, a disabled account, sign-out, or
    /// unused past the limit): it keeps its unsent notes, cannot send them.
    Revoked {
        /// When (RFC 3339).
        at: String,
    },
    /// Reported lost: told to wipe itself; not confirmed yet.
    ReportedLost {
        /// When it was reported (RFC 3339).
        at: String,
    },
    /// Reported lost, and it confirmed the wipe.
    Wiped {
        /// When it confirmed (RFC 3339).
        at: String,
    },
}

/// One device of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceEntry {
    /// The device id (what the actions name).
    pub id: String,
    /// Its label ("tablet (2026-04-01)").
    pub label: String,
    /// When it was registered (RFC 3339).
    pub registered_at: String,
    /// Its last contact, if any.
    pub last_contact: Option<String>,
    /// Where it stands.
    pub standing: DeviceStanding,
    /// Changes the server stored from it.
    pub changes: u64,
    /// When the newest of them was stored, if any.
    pub newest_stored: Option<String>,
}

/// One account with its devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEntry {
    /// Login name (what the actions name).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Programme role.
    pub role: Role,
    /// When it was disabled, if it is.
    pub disabled_at: Option<String>,
    /// Whether it has a confirmed second factor (an authenticator app).
    pub second_factor: bool,
    /// Its devices, newest registration first.
    pub devices: Vec<DeviceEntry>,
}

/// What the administration screen lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Administration {
    /// Every account, by login name.
    pub accounts: Vec<AccountEntry>,
    /// The administrator's own login name (they may not disable themselves).
    pub me: String,
}

/// An action on a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceAction {
    /// Stop it syncing; it keeps its unsent notes.
    Revoke,
    /// Revoke it and have it wipe itself at its next contact.
    ReportLost,
}

/// Why an account or device action was refused (nothing changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AdminRefusal {
    /// No device has that id, or it is revoked already.
    #[error("no active device with that id")]
    NoActiveDevice,
    /// No device has that id, or it was reported lost already.
    #[error("no device with that id, or it was reported lost already")]
    AlreadyReportedLost,
    /// No account has that login name.
    #[error("no account with that login name")]
    NoSuchAccount,
    /// The account is disabled already.
    #[error("the account is disabled already")]
    AlreadyDisabled,
    /// The account is enabled already.
    #[error("the account is enabled already")]
    AlreadyEnabled,
    /// An administrator may not disable their own account.
    #[error("you cannot disable your own account")]
    OwnAccount,
    /// An administrator may not reset their own password here.
    #[error("you cannot reset your own password here")]
    OwnPassword,
    /// An administrator may not reset their own second factor here.
    #[error("you cannot reset your own second factor here")]
    OwnSecondFactor,
}

impl AdminRefusal {
    /// What to tell the administrator, in `lang`.
    pub fn text(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::{En, Ja};
        match (self, lang) {
            (AdminRefusal::NoActiveDevice, Ja) => {
                "その端末は見つからないか、すでに利用停止されています。"
            }
            (AdminRefusal::NoActiveDevice, En) => "No such device, or it is revoked already.",
            (AdminRefusal::AlreadyReportedLost, Ja) => {
                "その端末は見つからないか、すでに紛失の届け出があります。"
            }
            (AdminRefusal::AlreadyReportedLost, En) => {
                "No such device, or it was reported lost already."
            }
            (AdminRefusal::NoSuchAccount, Ja) => "そのユーザー名のアカウントはありません。",
            (AdminRefusal::NoSuchAccount, En) => "No account has that login name.",
            (AdminRefusal::AlreadyDisabled, Ja) => "このアカウントはすでに無効です。",
            (AdminRefusal::AlreadyDisabled, En) => "This account is disabled already.",
            (AdminRefusal::AlreadyEnabled, Ja) => "このアカウントはすでに有効です。",
            (AdminRefusal::AlreadyEnabled, En) => "This account is enabled already.",
            (AdminRefusal::OwnAccount, Ja) => "自分のアカウントは無効にできません。",
            (AdminRefusal::OwnAccount, En) => "You cannot disable your own account.",
            (AdminRefusal::OwnPassword, Ja) => "自分のパスワードはここでは再発行できません。",
            (AdminRefusal::OwnPassword, En) => "You cannot reset your own password here.",
            (AdminRefusal::OwnSecondFactor, Ja) => "自分の二要素認証はここではリセットできません。",
            (AdminRefusal::OwnSecondFactor, En) => "You cannot reset your own second factor here.",
        }
    }
}

/// The server's side of the administration screen, provided to the server
/// functions as `Arc<dyn AdministrationBackend>`. Every method first
/// checks that `session` belongs to an active coordinator. They block.
#[cfg(feature = "ssr")]
pub trait AdministrationBackend: Send + Sync + 'static {
    /// Every account and device.
    fn administration(&self, session: &str) -> Result<Administration, ProgrammeError>;
    /// Revokes a device or reports it lost.
    fn device_action(
        &self,
        session: &str,
        device_id: &str,
        action: DeviceAction,
    ) -> Result<(), ProgrammeError>;
    /// Disables (`enabled == false`) or enables an account.
    fn set_account_enabled(
        &self,
        session: &str,
        username: &str,
        enabled: bool,
    ) -> Result<(), ProgrammeError>;
    /// Gives an account a temporary password (returned once) that must be
    /// replaced at the next sign-in.
    fn reset_password(&self, session: &str, username: &str) -> Result<String, ProgrammeError>;
    /// Removes an account's second factor and recovery codes; it sets one
    /// up again at its next sign-in.
    fn reset_second_factor(&self, session: &str, username: &str) -> Result<(), ProgrammeError>;
}

/// Every account and device, for the administration screen.
#[server(endpoint = "admin/overview")]
pub async fn load_administration() -> Result<Administration, ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AdministrationBackend, _>(
        move |backend, session| backend.administration(&session),
    )
    .await
}

/// Revokes a device or reports it lost.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "admin/device", input = Json)]
pub async fn act_on_device(device_id: String, action: DeviceAction) -> Result<(), ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AdministrationBackend, _>(
        move |backend, session| backend.device_action(&session, &device_id, action),
    )
    .await
}

/// Disables or enables an account.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "admin/account", input = Json)]
pub async fn set_account_enabled(username: String, enabled: bool) -> Result<(), ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AdministrationBackend, _>(
        move |backend, session| backend.set_account_enabled(&session, &username, enabled),
    )
    .await
}

/// Gives an account a temporary password, returned once to show.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "admin/reset_password", input = Json)]
pub async fn reset_password(username: String) -> Result<String, ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AdministrationBackend, _>(
        move |backend, session| backend.reset_password(&session, &username),
    )
    .await
}

/// Removes an account's second factor (a lost phone).
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "admin/reset_second_factor", input = Json)]
pub async fn reset_second_factor(username: String) -> Result<(), ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AdministrationBackend, _>(
        move |backend, session| backend.reset_second_factor(&session, &username),
    )
    .await
}
