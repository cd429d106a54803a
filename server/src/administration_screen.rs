//! The administration screen's backend: a coordinator's session is checked
//! (`docs/ROLES.md`: coordinators administer accounts and devices), then
//! [`crate::staff`] and [`crate::devices`] do the work, audited under the
//! coordinator's id. A coordinator may not disable their own account: a
//! small city may have only the one.

use crate::accounts::Accounts;
use crate::devices;
use crate::programme::session_user;
use crate::staff::{self, StaffError};
use crate::store::Store;
use crate::store::audit::Actor;
use crate::store::devices::DeviceRow;
use chrono::Utc;
use std::sync::Arc;
use tsunagu_app::account::SignedInUser;
use tsunagu_app::administration::{
    AccountEntry, AdminRefusal, Administration, AdministrationBackend, DeviceAction, DeviceEntry,
    DeviceStanding,
};
use tsunagu_app::programme::ProgrammeError;
use tsunagu_sync::role::Role;

/// The [`AdministrationBackend`] over the server's database.
pub struct AdministrationScreen {
    store: Arc<Store>,
    accounts: Arc<Accounts>,
}

impl AdministrationScreen {
    /// The backend over `store`, checking sessions with `accounts`.
    pub fn new(store: Arc<Store>, accounts: Arc<Accounts>) -> Self {
        AdministrationScreen { store, accounts }
    }

    /// The session's user and audit actor, if they are a coordinator.
    fn administrator(&self, session: &str) -> Result<(SignedInUser, Actor), ProgrammeError> {
        session_user(&self.accounts, session, &[Role::Coordinator])
    }
}

fn unavailable(error: &dyn std::fmt::Display) -> ProgrammeError {
    tracing::error!(%error, "administration request failed");
    ProgrammeError::Unavailable("database error".into())
}

fn device_entry(row: DeviceRow) -> DeviceEntry {
    let standing = match (row.wiped_at, row.wipe_ordered_at, row.revoked_at) {
        (Some(at), _, _) => DeviceStanding::Wiped { at },
        (None, Some(at), _) => DeviceStanding::ReportedLost { at },
        (None, None, Some(at)) => DeviceStanding::Revoked { at },
        (None, None, None) => DeviceStanding::Active,
    };
    DeviceEntry {
        id: row.id,
        label: row.label,
        registered_at: row.registered_at,
        last_contact: row.last_contact,
        standing,
        changes: row.changes,
        newest_stored: row.last_acknowledged,
    }
}

fn staff_error(error: StaffError) -> ProgrammeError {
    match error {
        StaffError::Store(e) => unavailable(&e),
        StaffError::Hash(e) => unavailable(&e),
        StaffError::UnknownUser(_) => AdminRefusal::NoSuchAccount.into(),
        StaffError::Already {
            state: "disabled", ..
        } => AdminRefusal::AlreadyDisabled.into(),
        StaffError::Already { .. } => AdminRefusal::AlreadyEnabled.into(),
    }
}

impl AdministrationBackend for AdministrationScreen {
    fn administration(&self, session: &str) -> Result<Administration, ProgrammeError> {
        let (me, _) = self.administrator(session)?;
        let mut devices = devices::inventory(&self.store, None).map_err(|e| unavailable(&e))?;
        devices.sort_by(|a, b| b.registered_at.cmp(&a.registered_at));
        let accounts = staff::list(&self.store)
            .map_err(|e| unavailable(&e))?
            .into_iter()
            .map(|account| AccountEntry {
                role: account.role.parse().unwrap_or(Role::Auditor),
                devices: devices
                    .iter()
                    .filter(|d| d.username == account.username)
                    .cloned()
                    .map(device_entry)
                    .collect(),
                username: account.username,
                display_name: account.display_name,
                disabled_at: account.disabled_at,
                second_factor: account.second_factor,
            })
            .collect();
        Ok(Administration {
            accounts,
            me: me.username,
        })
    }

    fn device_action(
        &self,
        session: &str,
        device_id: &str,
        action: DeviceAction,
    ) -> Result<(), ProgrammeError> {
        let (_, actor) = self.administrator(session)?;
        let now = Utc::now();
        let done = match action {
            DeviceAction::Revoke => devices::revoke_device(&self.store, device_id, actor, now),
            DeviceAction::ReportLost => devices::report_lost(&self.store, device_id, actor, now),
        };
        match done {
            Ok(true) => Ok(()),
            Ok(false) => Err(match action {
                DeviceAction::Revoke => AdminRefusal::NoActiveDevice,
                DeviceAction::ReportLost => AdminRefusal::AlreadyReportedLost,
            }
            .into()),
            Err(error) => Err(unavailable(&error)),
        }
    }

    fn set_account_enabled(
        &self,
        session: &str,
        username: &str,
        enabled: bool,
    ) -> Result<(), ProgrammeError> {
        let (me, actor) = self.administrator(session)?;
        let now = Utc::now();
        if enabled {
            staff::enable(&self.store, username, actor, now).map_err(staff_error)
        } else if me.username == username {
            Err(AdminRefusal::OwnAccount.into())
        } else {
            staff::disable(&self.store, username, actor, now)
                .map(|_| ())
                .map_err(staff_error)
        }
    }

    fn reset_password(&self, session: &str, username: &str) -> Result<String, ProgrammeError> {
        let (me, actor) = self.administrator(session)?;
        if me.username == username {
            return Err(AdminRefusal::OwnPassword.into());
        }
        crate::passwords::reset(&self.store, username, actor, Utc::now()).map_err(staff_error)
    }

    fn reset_second_factor(&self, session: &str, username: &str) -> Result<(), ProgrammeError> {
        let (me, actor) = self.administrator(session)?;
        if me.username == username {
            return Err(AdminRefusal::OwnSecondFactor.into());
        }
        crate::second_factor::reset(&self.store, username, actor, Utc::now())
            .map(|_| ())
            .map_err(staff_error)
    }
}
