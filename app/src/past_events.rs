//! The coordinator's import of the programme's past events (the same as
//! `tsunagu import events`): preview row by row, then import all or
//! nothing. The types cross the wire; the work is on the server.

use crate::event_refusal::EventProblem;
use crate::listing_refusal::FileProblem;
use crate::programme::{MAX_LISTING_BYTES, ProgrammeError};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// An events file (its bytes, as chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsRequest {
    /// The CSV file's bytes.
    pub file: Vec<u8>,
}

/// One accepted row of the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRowPreview {
    /// Its row number in the file.
    pub line: u64,
    /// The person's recipient number.
    pub recipient_number: String,
    /// The event (`first_interview`, `discharged`, `readmitted`, `died`, `left`).
    pub event: String,
    /// When.
    pub on: NaiveDate,
    /// The destination, the closure reason or the hospital ("" if none).
    pub detail: String,
    /// Imported before: nothing to write.
    pub already: bool,
}

/// A refused row and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedEventRow {
    /// Its row number in the file.
    pub line: u64,
    /// Every reason.
    pub problems: Vec<EventProblem>,
}

/// What importing the file would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPreview {
    /// The accepted rows.
    pub rows: Vec<EventRowPreview>,
    /// The refused rows (any one blocks the import).
    pub refused: Vec<RefusedEventRow>,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsImported {
    /// Records written.
    pub written: usize,
    /// Rows already imported before.
    pub already: usize,
}

/// Refuses an empty file, or one over [`MAX_LISTING_BYTES`], before any work.
pub fn check_size(request: &EventsRequest) -> Result<(), ProgrammeError> {
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

/// The server's side, provided as `Arc<dyn PastEventsBackend>`.
/// Coordinators only. Blocking (database).
#[cfg(feature = "ssr")]
pub trait PastEventsBackend: Send + Sync + 'static {
    /// Checks an events file; writes nothing.
    fn preview_events(
        &self,
        session: &str,
        request: &EventsRequest,
    ) -> Result<EventsPreview, ProgrammeError>;
    /// Imports an events file, every row or none.
    fn import_events(
        &self,
        session: &str,
        request: &EventsRequest,
    ) -> Result<EventsImported, ProgrammeError>;
}

#[cfg(feature = "ssr")]
async fn with_backend<T: Send + 'static>(
    work: impl FnOnce(std::sync::Arc<dyn PastEventsBackend>, String) -> Result<T, ProgrammeError>
    + Send
    + 'static,
) -> Result<T, ProgrammeError> {
    crate::programme::server_side::with_backend::<dyn PastEventsBackend, T>(work).await
}

/// Checks an events file and says what importing it would do.
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/preview_events", input = Json)]
pub async fn preview_events(request: EventsRequest) -> Result<EventsPreview, ProgrammeError> {
    with_backend(move |backend, session| backend.preview_events(&session, &request)).await
}

/// Imports an events file (every row, or nothing when a row is refused).
#[allow(missing_docs)] // the macro-made argument struct mirrors the parameters
#[server(endpoint = "programme/import_events", input = Json)]
pub async fn import_events(request: EventsRequest) -> Result<EventsImported, ProgrammeError> {
    with_backend(move |backend, session| backend.import_events(&session, &request)).await
}
