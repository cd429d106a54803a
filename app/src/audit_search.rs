//! The auditor's search of the audit trail: filter by an id the entry
//! mentions (a person, record or device), by who acted, by action and by
//! date (Japan), page through the newest matches, and export every match
//! as CSV. Only an auditor's session may; every search and every export is
//! itself written to the trail. Server functions only.

use crate::programme::{AuditEntry, ProgrammeError};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The most entries one search shows (newest first); the export has all.
pub const SEARCH_PAGE: usize = 500;

/// What the auditor asks for; every field set narrows the search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An id the entry's detail mentions (person, record, device, user).
    pub mentions: Option<String>,
    /// The login name of who acted.
    pub actor: Option<String>,
    /// The action (`device_revoked`, `listing_import`, ...).
    pub action: Option<String>,
    /// From this day (Japan), inclusive.
    pub from: Option<NaiveDate>,
    /// To this day (Japan), inclusive.
    pub to: Option<NaiveDate>,
}

/// One staff member the auditor can filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorChoice {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
}

/// A search's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The newest matches, at most [`SEARCH_PAGE`].
    pub entries: Vec<AuditEntry>,
    /// How many entries match in all.
    pub total: u64,
    /// Every action the trail holds, for the filter.
    pub actions: Vec<String>,
    /// Every account, for the filter.
    pub actors: Vec<ActorChoice>,
}

/// The CSV export of a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditExport {
    /// The file's suggested name.
    pub file_name: String,
    /// UTF-8 CSV with a header row.
    pub csv: String,
}

/// The server's side of the auditor's search, provided to the server
/// functions as `Arc<dyn AuditBackend>`. Every method first checks that
/// `session` belongs to an active auditor. They block.
#[cfg(feature = "ssr")]
pub trait AuditBackend: Send + Sync + 'static {
    /// The newest matches of `filter`; audited as `audit_read`.
    fn search(&self, session: &str, filter: &AuditFilter) -> Result<AuditPage, ProgrammeError>;
    /// Every match of `filter` as CSV; audited as `audit_exported`.
    fn export(&self, session: &str, filter: &AuditFilter) -> Result<AuditExport, ProgrammeError>;
}

/// Searches the audit trail.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "audit/search", input = Json)]
pub async fn search_audit(filter: AuditFilter) -> Result<AuditPage, ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AuditBackend, _>(move |backend, session| {
        backend.search(&session, &filter)
    })
    .await
}

/// Exports every entry matching the filter as CSV.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "audit/export", input = Json)]
pub async fn export_audit(filter: AuditFilter) -> Result<AuditExport, ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn AuditBackend, _>(move |backend, session| {
        backend.export(&session, &filter)
    })
    .await
}
