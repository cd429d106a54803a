//! The auditor's search and CSV export of the audit trail: an auditor's
//! session is checked, the filter becomes a store query (Japan days as
//! UTC bounds), and the read itself is written to the trail (`audit_read`,
//! `audit_exported`, with the filter and the number of entries).

use crate::accounts::Accounts;
use crate::programme::session_actor;
use crate::store::audit::{self, Actor, AuditQuery, AuditRow};
use crate::store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;
use std::sync::Arc;
use tsunagu_app::audit_search::{
    ActorChoice, AuditBackend, AuditExport, AuditFilter, AuditPage, SEARCH_PAGE,
};
use tsunagu_app::programme::{AuditEntry, ProgrammeError};
use tsunagu_sync::japan_time;
use tsunagu_sync::role::Role;

/// The longest id an auditor may search for.
const MAX_MENTION_CHARS: usize = 200;

/// The [`AuditBackend`] over the server's database.
pub struct AuditScreen {
    store: Arc<Store>,
    accounts: Arc<Accounts>,
}

impl AuditScreen {
    /// The backend over `store`, checking sessions with `accounts`.
    pub fn new(store: Arc<Store>, accounts: Arc<Accounts>) -> Self {
        AuditScreen { store, accounts }
    }

    /// Writes the auditor's read of the trail to the trail.
    fn record_read(
        &self,
        actor: Actor,
        action: &str,
        filter: &AuditFilter,
        entries: usize,
    ) -> Result<(), ProgrammeError> {
        let detail = json!({
            "mentions": filter.mentions,
            "actor": filter.actor,
            "action": filter.action,
            "from": filter.from,
            "to": filter.to,
            "entries": entries,
        });
        self.store
            .write(|tx| audit::append(tx, actor, action, &detail, Utc::now()))
            .map_err(unavailable)
    }
}

fn unavailable(error: StoreError) -> ProgrammeError {
    tracing::error!(%error, "audit search failed");
    ProgrammeError::Unavailable("database error".into())
}

/// The start of `day` in Japan, as an instant.
fn japan_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    japan_time::offset()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.to_utc())
}

/// The store query for `filter`; blank fields are no filter.
fn query_of(filter: &AuditFilter) -> Result<AuditQuery, ProgrammeError> {
    let blank = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mentions = blank(&filter.mentions);
    if mentions
        .as_deref()
        .is_some_and(|m| m.chars().count() > MAX_MENTION_CHARS)
    {
        return Err(ProgrammeError::Invalid("the id is too long".into()));
    }
    Ok(AuditQuery {
        mentions,
        actor_username: blank(&filter.actor),
        action: blank(&filter.action),
        from: filter.from.and_then(japan_midnight),
        until: filter
            .to
            .and_then(|day| day.succ_opt())
            .and_then(japan_midnight),
    })
}

fn entry_of(row: AuditRow) -> AuditEntry {
    AuditEntry {
        at: row.at,
        actor: row.actor,
        action: row.action,
        detail: row.detail,
    }
}

/// Every row as CSV: id, time in Japan, who (login and name), action, detail.
fn csv_of(rows: &[AuditRow]) -> Result<String, ProgrammeError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| ProgrammeError::Unavailable(e.to_string());
    out.write_record(["id", "at", "actor_username", "actor", "action", "detail"])
        .map_err(failed)?;
    for row in rows {
        out.write_record([
            row.id.to_string(),
            japan_time::local(row.at).to_rfc3339(),
            row.actor_username.clone().unwrap_or_default(),
            row.actor.clone().unwrap_or_else(|| "(command line)".into()),
            row.action.clone(),
            row.detail.clone(),
        ])
        .map_err(failed)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ProgrammeError::Unavailable(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ProgrammeError::Unavailable(e.to_string()))
}

impl AuditBackend for AuditScreen {
    fn search(&self, session: &str, filter: &AuditFilter) -> Result<AuditPage, ProgrammeError> {
        let actor = session_actor(&self.accounts, session, &[Role::Auditor])?;
        let query = query_of(filter)?;
        let (rows, total, actions) = self
            .store
            .read_snapshot(|tx| {
                Ok::<_, StoreError>((
                    audit::search(tx, &query, SEARCH_PAGE)?,
                    audit::count(tx, &query)?,
                    audit::actions(tx)?,
                ))
            })
            .map_err(unavailable)?;
        let actors = crate::staff::list(&self.store)
            .map_err(unavailable)?
            .into_iter()
            .map(|a| ActorChoice {
                username: a.username,
                display_name: a.display_name,
            })
            .collect();
        self.record_read(actor, "audit_read", filter, rows.len())?;
        Ok(AuditPage {
            entries: rows.into_iter().map(entry_of).collect(),
            total,
            actions,
            actors,
        })
    }

    fn export(&self, session: &str, filter: &AuditFilter) -> Result<AuditExport, ProgrammeError> {
        let actor = session_actor(&self.accounts, session, &[Role::Auditor])?;
        let query = query_of(filter)?;
        let rows = self
            .store
            .read(|tx| audit::search(tx, &query, usize::MAX))
            .map_err(unavailable)?;
        let csv = csv_of(&rows)?;
        self.record_read(actor, "audit_exported", filter, rows.len())?;
        Ok(AuditExport {
            file_name: format!(
                "tsunagu-audit-{}.csv",
                japan_time::local(Utc::now()).format("%Y%m%d-%H%M")
            ),
            csv,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_days_become_utc_bounds_and_blank_fields_no_filter() {
        let filter = AuditFilter {
            mentions: Some("  ".into()),
            actor: Some(" demo.coordinator ".into()),
            action: None,
            from: NaiveDate::from_ymd_opt(2026, 12, 3),
            to: NaiveDate::from_ymd_opt(2026, 12, 3),
        };
        let query = query_of(&filter).unwrap();
        assert_eq!(query.mentions, None);
        assert_eq!(query.actor_username.as_deref(), Some("demo.coordinator"));
        assert_eq!(
            query.from.unwrap().to_rfc3339(),
            "2026-12-02T15:00:00+00:00"
        );
        assert_eq!(
            query.until.unwrap().to_rfc3339(),
            "2026-12-03T15:00:00+00:00"
        );
    }
}
