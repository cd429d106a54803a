//! The outcome report's server functions on the server: the caller's
//! session and role are checked (coordinators and auditors read,
//! coordinators set costs), then [`crate::outcome`] does the work.

use crate::accounts::Accounts;
use crate::outcome::{self, CostError};
use crate::programme::session_actor;
use crate::store::{Store, StoreError};
use chrono::Utc;
use std::sync::Arc;
use tsunagu_app::outcome_report::{CostsRequest, OutcomeAnswer, OutcomeBackend, OutcomeRequest};
use tsunagu_app::programme::ProgrammeError;
use tsunagu_sync::outcome::{Range, YearCosts};
use tsunagu_sync::role::Role;

/// The [`OutcomeBackend`] over the server's database.
pub struct OutcomeScreen {
    store: Arc<Store>,
    accounts: Arc<Accounts>,
}

impl OutcomeScreen {
    /// The backend over `store`, checking sessions with `accounts`.
    pub fn new(store: Arc<Store>, accounts: Arc<Accounts>) -> Self {
        OutcomeScreen { store, accounts }
    }
}

fn store_error(e: StoreError) -> ProgrammeError {
    tracing::error!(error = %e, "outcome report: database error");
    ProgrammeError::Unavailable("database error".into())
}

impl OutcomeBackend for OutcomeScreen {
    fn report(
        &self,
        session: &str,
        request: OutcomeRequest,
        format: &str,
    ) -> Result<OutcomeAnswer, ProgrammeError> {
        let actor = session_actor(&self.accounts, session, &[Role::Coordinator, Role::Auditor])?;
        let years = 2000..=2100;
        if !years.contains(&request.from_year)
            || !years.contains(&request.to_year)
            || request.from_year > request.to_year
        {
            return Err(ProgrammeError::Invalid(format!(
                "fiscal years {}–{} are not a range between 2000 and 2100",
                request.from_year, request.to_year
            )));
        }
        let now = Utc::now();
        let range = Range {
            from_year: request.from_year,
            to_year: request.to_year,
            cut_off: request
                .cut_off
                .unwrap_or_else(|| tsunagu_sync::japan_time::date(now)),
        };
        let report =
            outcome::read_report(&self.store, range, actor, format, now).map_err(store_error)?;
        let costs = outcome::costs(&self.store).map_err(store_error)?;
        Ok(OutcomeAnswer { report, costs })
    }

    fn set_costs(&self, session: &str, request: CostsRequest) -> Result<YearCosts, ProgrammeError> {
        let actor = session_actor(&self.accounts, session, &[Role::Coordinator])?;
        match outcome::set_costs(&self.store, request.year, request.costs, actor, Utc::now()) {
            Ok(costs) => Ok(costs),
            Err(CostError::Store(e)) => Err(store_error(e)),
            Err(other) => Err(ProgrammeError::Invalid(other.to_string())),
        }
    }
}
