//! The outcome report's server functions: the report for a range of
//! fiscal years, its CSV, and the costs it is priced with. Online only
//! (the report is computed on the server from every record; a device holds
//! only its user's caseload). Coordinators read the report and set costs;
//! auditors read the report; nobody else. Every read is audited.

use crate::programme::ProgrammeError;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tsunagu_sync::outcome::{OutcomeReport, YearCosts};

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRequest {
    /// The first fiscal year.
    pub from_year: i32,
    /// The last fiscal year.
    pub to_year: i32,
    /// Nothing after this day counts (default today, Japan time).
    pub cut_off: Option<NaiveDate>,
}

/// The report and the costs entered, for the screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeAnswer {
    /// The report.
    pub report: OutcomeReport,
    /// The costs per fiscal year, as entered.
    pub costs: BTreeMap<i32, YearCosts>,
}

/// A fiscal year's costs to set (`None` keeps what was entered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostsRequest {
    /// The fiscal year.
    pub year: i32,
    /// The costs.
    pub costs: YearCosts,
}

/// The server's side, provided to the server functions as
/// `Arc<dyn OutcomeBackend>`. Blocking (database).
#[cfg(feature = "ssr")]
pub trait OutcomeBackend: Send + Sync + 'static {
    /// The report and the costs; `format` (`screen` or `csv`) goes into
    /// the audit entry. Coordinators and auditors only.
    fn report(
        &self,
        session: &str,
        request: OutcomeRequest,
        format: &str,
    ) -> Result<OutcomeAnswer, ProgrammeError>;
    /// Sets a year's costs; returns them as they now stand. Coordinators only.
    fn set_costs(&self, session: &str, request: CostsRequest) -> Result<YearCosts, ProgrammeError>;
}

#[cfg(feature = "ssr")]
async fn with_backend<T: Send + 'static>(
    work: impl FnOnce(std::sync::Arc<dyn OutcomeBackend>, String) -> Result<T, ProgrammeError>
    + Send
    + 'static,
) -> Result<T, ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn OutcomeBackend, T>(work).await
}

/// The outcome report for the screen (audited as `screen`).
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "outcome/report", input = Json)]
pub async fn read_outcome_report(request: OutcomeRequest) -> Result<OutcomeAnswer, ProgrammeError> {
    with_backend(move |backend, session| backend.report(&session, request, "screen")).await
}

/// The outcome report as CSV for Excel (UTF-8 with BOM, CRLF, Japanese
/// headings; audited as `csv`).
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "outcome/csv", input = Json)]
pub async fn outcome_csv(request: OutcomeRequest) -> Result<String, ProgrammeError> {
    with_backend(move |backend, session| {
        let answer = backend.report(&session, request, "csv")?;
        Ok(tsunagu_sync::outcome::render::csv(&answer.report, true))
    })
    .await
}

/// Sets a fiscal year's costs (coordinators; audited).
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "outcome/set_costs", input = Json)]
pub async fn set_year_costs(request: CostsRequest) -> Result<YearCosts, ProgrammeError> {
    with_backend(move |backend, session| backend.set_costs(&session, request)).await
}
