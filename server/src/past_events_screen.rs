//! The coordinator's import of past events on the server: the session
//! and role are checked, then [`crate::event_import`] does the work.

use crate::accounts::Accounts;
use crate::event_import::{self, EventImportError, EventPreview};
use crate::programme::session_actor;
use crate::store::Store;
use chrono::Utc;
use serde_json::json;
use std::sync::Arc;
use tsunagu_app::past_events::{
    EventRowPreview, EventsImported, EventsPreview, EventsRequest, PastEventsBackend,
    RefusedEventRow, check_size,
};
use tsunagu_app::programme::ProgrammeError;
use tsunagu_sync::role::Role;

/// The [`PastEventsBackend`] over the server's database.
pub struct PastEventsScreen {
    store: Arc<Store>,
    accounts: Arc<Accounts>,
}

impl PastEventsScreen {
    /// The backend over `store`, checking sessions with `accounts`.
    pub fn new(store: Arc<Store>, accounts: Arc<Accounts>) -> Self {
        PastEventsScreen { store, accounts }
    }
}

fn import_error(e: EventImportError) -> ProgrammeError {
    match e {
        EventImportError::File(problem) => ProgrammeError::Listing(problem),
        other => {
            tracing::error!(error = %other, "past events import failed");
            ProgrammeError::Unavailable("the import failed".into())
        }
    }
}

fn preview_of(preview: EventPreview) -> EventsPreview {
    EventsPreview {
        rows: preview
            .rows
            .into_iter()
            .map(|planned| EventRowPreview {
                line: planned.row.line,
                recipient_number: planned.row.recipient_number.clone(),
                event: planned.row.event.name().to_owned(),
                on: planned.row.on,
                detail: planned.row.event.detail().to_owned(),
                already: planned.already,
            })
            .collect(),
        refused: preview
            .errors
            .into_iter()
            .map(|e| RefusedEventRow {
                line: e.line,
                problems: e.problems,
            })
            .collect(),
    }
}

impl PastEventsBackend for PastEventsScreen {
    fn preview_events(
        &self,
        session: &str,
        request: &EventsRequest,
    ) -> Result<EventsPreview, ProgrammeError> {
        let actor = session_actor(&self.accounts, session, &[Role::Coordinator])?;
        check_size(request)?;
        let today = tsunagu_sync::japan_time::date(Utc::now());
        let preview = event_import::preview(&self.store, &request.file, today)
            .map(preview_of)
            .map_err(import_error)?;
        // The preview shows recipients' numbers and events: who looked is kept.
        let detail = json!({ "rows": preview.rows.len(), "refused": preview.refused.len() });
        self.store
            .write(|tx| {
                crate::store::audit::append(tx, actor, "events_previewed", &detail, Utc::now())
            })
            .map_err(|error| {
                tracing::error!(%error, "auditing a preview failed");
                ProgrammeError::Unavailable("database error".into())
            })?;
        Ok(preview)
    }

    fn import_events(
        &self,
        session: &str,
        request: &EventsRequest,
    ) -> Result<EventsImported, ProgrammeError> {
        let actor = session_actor(&self.accounts, session, &[Role::Coordinator])?;
        check_size(request)?;
        let (_, done) = event_import::commit(&self.store, &request.file, actor, Utc::now())
            .map_err(import_error)?;
        Ok(EventsImported {
            written: done.written,
            already: done.already,
        })
    }
}
