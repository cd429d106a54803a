//! The programme administration that needs the server: the annual listing
//! import, who is assigned to whom, and caseload handovers (server
//! functions only a coordinator's session may call: they change the
//! caseloads every device syncs against), and the audit trail of those
//! changes (only an auditor's). The server's [`ProgrammeBackend`] decides.

use crate::listing_refusal::FileProblem;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use tsunagu_sync::role::Role;

/// The largest listing file accepted (a city's listing is a few dozen
/// rows; this allows thousands).
pub const MAX_LISTING_BYTES: usize = 256 * 1024;

/// Why a programme request failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ProgrammeError {
    /// No open session (never signed in on this browser, or it expired).
    #[error("not signed in")]
    NotSignedIn,
    /// The user is not a coordinator.
    #[error("only a coordinator may do this")]
    Forbidden,
    /// The request cannot be carried out as asked (the reason says why).
    #[error("{0}")]
    Invalid(String),
    /// The listing file is refused as a whole (the problem says why).
    #[error(transparent)]
    Listing(#[from] FileProblem),
    /// An account or device action that cannot be done as asked.
    #[error(transparent)]
    Administration(#[from] crate::administration::AdminRefusal),
    /// The server could not be reached (offline, or the server is down).
    #[error("the server cannot be reached")]
    Unreachable,
    /// The server failed.
    #[error("service unavailable: {0}")]
    Unavailable(String),
}

impl ProgrammeError {
    /// The HTTP status the server answers this refusal with.
    pub fn http_status(&self) -> u16 {
        match self {
            ProgrammeError::NotSignedIn => 401,
            ProgrammeError::Forbidden => 403,
            ProgrammeError::Invalid(_)
            | ProgrammeError::Listing(_)
            | ProgrammeError::Administration(_) => 422,
            ProgrammeError::Unreachable | ProgrammeError::Unavailable(_) => 503,
        }
    }
}

impl FromServerFnError for ProgrammeError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => ProgrammeError::Unreachable,
            other => ProgrammeError::Unavailable(other.to_string()),
        }
    }
}

/// A member of staff who can hold a caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    /// Login name (what assignments name).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Programme role.
    pub role: Role,
}

/// One current assignment of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    /// The worker's login name.
    pub username: String,
    /// The worker's name.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// Since when.
    pub starts_on: NaiveDate,
}

/// A person in the programme and who holds them now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammePerson {
    /// The person's id.
    pub id: String,
    /// Name shown.
    pub display_name: String,
    /// The fiscal years the person was listed in, oldest first.
    pub listed_years: Vec<i32>,
    /// Current assignments.
    pub assignees: Vec<Assignee>,
}

/// Everything the coordinator's screens list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    /// Active staff who can hold a caseload.
    pub staff: Vec<StaffMember>,
    /// Every person, newest listing first.
    pub persons: Vec<ProgrammePerson>,
    /// Today in Japan, the default effective date.
    pub today: NaiveDate,
}

/// A listing file and which listing it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingRequest {
    /// Fiscal year (April–March).
    pub fiscal_year: i32,
    /// The listing date; 1 April of the year when absent.
    pub listed_on: Option<NaiveDate>,
    /// The CSV as exported (UTF-8, UTF-8 with BOM, or Shift_JIS).
    pub file: Vec<u8>,
}

/// What importing does with an accepted row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowPlan {
    /// A new person.
    NewPerson,
    /// A person already known (same recipient number), listed again.
    KnownPerson,
    /// Already listed for this year: nothing changes.
    AlreadyListed,
}

/// An accepted row of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// Line in the file.
    pub line: u64,
    /// The person's name.
    pub name: String,
    /// Hospital and ward.
    pub hospital: String,
    /// Admission date.
    pub admitted_on: NaiveDate,
    /// Continuous stay at the listing date, in days.
    pub stay_days: i64,
    /// Under 365 days: listed, but flagged for review.
    pub short_stay: bool,
    /// What importing does.
    pub plan: RowPlan,
    /// The caseworker who will be assigned.
    pub caseworker: String,
}

/// A refused row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRow {
    /// Line in the file.
    pub line: u64,
    /// What is wrong with it (at least one).
    pub problems: Vec<crate::listing_refusal::RowProblem>,
}

/// The preview of an import; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingPreview {
    /// Accepted rows.
    pub rows: Vec<PreviewRow>,
    /// Refused rows: while there are any, nothing can be imported.
    pub refused: Vec<RefusedRow>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingImported {
    /// Persons created.
    pub new_persons: usize,
    /// Listing entries written.
    pub listed: usize,
    /// Rows already listed (nothing written).
    pub already_listed: usize,
    /// Listed with a stay under 365 days.
    pub flagged: usize,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who, by name; `None` for an administrator at the command line.
    pub actor: Option<String>,
    /// What: `listing_import`, `assign`, `end_assignment`, `handover`,
    /// `device_registered`, `device_revoked`.
    pub action: String,
    /// Ids and counts, as recorded (JSON).
    pub detail: String,
}

/// How many audit entries the trail screen shows, newest first.
pub const AUDIT_PAGE: usize = 200;

/// The server's side of the programme screens, provided to the server
/// functions as `Arc<dyn ProgrammeBackend>`. Every method first checks
/// that `session` belongs to an active coordinator. They block (database);
/// callers run them on a blocking thread.
#[cfg(feature = "ssr")]
pub trait ProgrammeBackend: Send + Sync + 'static {
    /// Staff, persons and current assignments.
    fn overview(&self, session: &str) -> Result<Overview, ProgrammeError>;
    /// Checks a listing file; writes nothing.
    fn preview_listing(
        &self,
        session: &str,
        request: &ListingRequest,
    ) -> Result<ListingPreview, ProgrammeError>;
    /// Imports a listing file, all rows or none.
    fn import_listing(
        &self,
        session: &str,
        request: &ListingRequest,
    ) -> Result<ListingImported, ProgrammeError>;
    /// Puts `person_id` on `username`'s caseload from `from`.
    fn assign(
        &self,
        session: &str,
        username: &str,
        person_id: &str,
        from: NaiveDate,
    ) -> Result<(), ProgrammeError>;
    /// Ends `username`'s assignment to `person_id` on `on`.
    fn end_assignment(
        &self,
        session: &str,
        username: &str,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<(), ProgrammeError>;
    /// The newest [`AUDIT_PAGE`] audit entries; for an auditor's session only.
    fn audit_trail(&self, session: &str) -> Result<Vec<AuditEntry>, ProgrammeError>;
    /// Moves `persons` (all of `from`'s caseload when empty) to `to` from `on`;
    /// returns how many persons moved.
    fn hand_over(
        &self,
        session: &str,
        from: &str,
        to: &str,
        persons: &[String],
        on: NaiveDate,
    ) -> Result<usize, ProgrammeError>;
}

#[cfg(feature = "ssr")]
pub(crate) mod server_side {
    use super::*;
    use std::sync::Arc;

    /// Runs `work` with the programme backend and the caller's session
    /// token on a blocking thread.
    pub async fn with_session<T: Send + 'static>(
        work: impl FnOnce(Arc<dyn ProgrammeBackend>, String) -> Result<T, ProgrammeError>
        + Send
        + 'static,
    ) -> Result<T, ProgrammeError> {
        with_backend::<dyn ProgrammeBackend, T>(work).await
    }

    /// Runs `work` with the backend of type `B` from the context and the
    /// caller's session token on a blocking thread; a refusal answers
    /// with its own HTTP status.
    pub async fn with_backend<B: ?Sized + Send + Sync + 'static, T: Send + 'static>(
        work: impl FnOnce(Arc<B>, String) -> Result<T, ProgrammeError> + Send + 'static,
    ) -> Result<T, ProgrammeError> {
        let run = async move {
            let backend = use_context::<Arc<B>>()
                .ok_or_else(|| ProgrammeError::Unavailable("no backend".into()))?;
            let headers = leptos_axum::extract::<http::HeaderMap>()
                .await
                .map_err(|e| ProgrammeError::Unavailable(e.to_string()))?;
            let token =
                crate::account::session_token(&headers).ok_or(ProgrammeError::NotSignedIn)?;
            tokio::task::spawn_blocking(move || work(backend, token))
                .await
                .map_err(|e| ProgrammeError::Unavailable(e.to_string()))?
        };
        let result = run.await;
        // A refusal answers with its own status, not the default 500.
        if let Err(error) = &result {
            crate::account::answer_with_status(error.http_status());
        }
        result
    }
}

/// Staff, persons and assignments, for the coordinator's screens.
#[server(endpoint = "programme/overview")]
pub async fn programme_overview() -> Result<Overview, ProgrammeError> {
    server_side::with_session(move |backend, session| backend.overview(&session)).await
}

/// Checks a listing file and says what importing it would do.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/preview_listing", input = Json)]
pub async fn preview_listing(request: ListingRequest) -> Result<ListingPreview, ProgrammeError> {
    server_side::with_session(move |backend, session| backend.preview_listing(&session, &request))
        .await
}

/// Imports a listing file (every row, or nothing when a row is refused).
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/import_listing", input = Json)]
pub async fn import_listing(request: ListingRequest) -> Result<ListingImported, ProgrammeError> {
    server_side::with_session(move |backend, session| backend.import_listing(&session, &request))
        .await
}

/// Puts a person on a worker's caseload.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/assign", input = Json)]
pub async fn assign_person(
    username: String,
    person_id: String,
    from: NaiveDate,
) -> Result<(), ProgrammeError> {
    server_side::with_session(move |backend, session| {
        backend.assign(&session, &username, &person_id, from)
    })
    .await
}

/// Takes a person off a worker's caseload.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/end_assignment", input = Json)]
pub async fn end_assignment(
    username: String,
    person_id: String,
    on: NaiveDate,
) -> Result<(), ProgrammeError> {
    server_side::with_session(move |backend, session| {
        backend.end_assignment(&session, &username, &person_id, on)
    })
    .await
}

/// Hands a caseload (or some persons of it) from one worker to another.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/hand_over", input = Json)]
pub async fn hand_over(
    from: String,
    to: String,
    persons: Vec<String>,
    on: NaiveDate,
) -> Result<usize, ProgrammeError> {
    server_side::with_session(move |backend, session| {
        backend.hand_over(&session, &from, &to, &persons, on)
    })
    .await
}

/// The newest audit entries, for the auditor's screen.
#[server(endpoint = "programme/audit_trail")]
pub async fn audit_trail() -> Result<Vec<AuditEntry>, ProgrammeError> {
    server_side::with_session(move |backend, session| backend.audit_trail(&session)).await
}

/// Refuses a file over [`MAX_LISTING_BYTES`] before any work.
pub fn check_size(request: &ListingRequest) -> Result<(), ProgrammeError> {
    if request.file.len() > MAX_LISTING_BYTES {
        return Err(FileProblem::TooLarge {
            bytes: request.file.len() as u64,
            max: MAX_LISTING_BYTES as u64,
        }
        .into());
    }
    if request.file.is_empty() {
        return Err(FileProblem::Empty.into());
    }
    Ok(())
}
