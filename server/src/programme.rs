//! The coordinator's programme screens on the server: every request is
//! checked against the caller's session and role (coordinators only),
//! carried out in one transaction with its audit entry, and followed by a
//! nudge to the open sync connections so caseload changes reach connected
//! tablets at once instead of at their next periodic check.

use crate::accounts::Accounts;
use crate::caseload::{self, CaseloadError};
use crate::feed_hub::FeedHub;
use crate::listing::{self, ListingDate, ListingError, Plan};
use crate::persons::PersonError;
use crate::store::audit::{self, Actor};
use crate::store::{Store, StoreError, assignments, listings, persons, users};
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use tsunagu_app::account::SignedInUser;
use tsunagu_app::programme::{
    AUDIT_PAGE, Assignee, AuditEntry, ListingImported, ListingPreview, ListingRequest, Overview,
    PreviewRow, ProgrammeBackend, ProgrammeError, ProgrammePerson, RefusedRow, RowPlan,
    StaffMember, check_size,
};
use tsunagu_sync::role::Role;

/// The [`ProgrammeBackend`] over the server's database.
pub struct Programme {
    store: Arc<Store>,
    accounts: Arc<Accounts>,
    feed: Arc<FeedHub>,
}

impl Programme {
    /// The backend over `store`, checking sessions with `accounts` and
    /// nudging the connections registered in `feed`.
    pub fn new(store: Arc<Store>, accounts: Arc<Accounts>, feed: Arc<FeedHub>) -> Self {
        Programme {
            store,
            accounts,
            feed,
        }
    }

    /// The coordinator behind `session`, as an audit actor.
    fn coordinator(&self, session: &str) -> Result<Actor, ProgrammeError> {
        self.user_in_role(session, Role::Coordinator)
    }

    /// The user behind `session`, refused unless they hold `role`.
    fn user_in_role(&self, session: &str, role: Role) -> Result<Actor, ProgrammeError> {
        session_actor(&self.accounts, session, &[role])
    }

    /// Wakes the open connections of the users named `usernames` to look
    /// their caseload up again. A failed lookup only delays them to their
    /// periodic check.
    fn wake(&self, usernames: &[&str]) {
        let ids = self.store.read(|tx| {
            let mut ids = Vec::new();
            for name in usernames {
                ids.extend(users::any_id(tx, name)?.map(|id| id.to_string()));
            }
            Ok::<_, StoreError>(ids)
        });
        self.feed.caseloads_changed(&ids.unwrap_or_default());
    }

    fn listing_date(request: &ListingRequest) -> Result<ListingDate, ProgrammeError> {
        if !(2000..=2100).contains(&request.fiscal_year) {
            return Err(ProgrammeError::Invalid(format!(
                "fiscal year {} is out of range",
                request.fiscal_year
            )));
        }
        ListingDate::new(request.fiscal_year, request.listed_on)
            .ok_or_else(|| ProgrammeError::Invalid("no such listing date".into()))
    }
}

/// A database failure: logged here, and only "database error" goes to
/// the browser (never SQL or file paths).
fn store_error(error: StoreError) -> ProgrammeError {
    tracing::error!(%error, "programme request failed");
    ProgrammeError::Unavailable("database error".into())
}

fn person_error(e: PersonError) -> ProgrammeError {
    match e {
        PersonError::Store(e) => store_error(e),
        other => ProgrammeError::Invalid(other.to_string()),
    }
}

fn caseload_error(e: CaseloadError) -> ProgrammeError {
    match e {
        CaseloadError::Store(e) => store_error(e),
        CaseloadError::Person(e) => person_error(e),
        other => ProgrammeError::Invalid(other.to_string()),
    }
}

/// The user behind `session` and their audit actor, refused unless their
/// role is in `roles`.
pub fn session_user(
    accounts: &Accounts,
    session: &str,
    roles: &[Role],
) -> Result<(SignedInUser, Actor), ProgrammeError> {
    let user = accounts
        .user_for_session(session, Utc::now())
        .map_err(|e| ProgrammeError::Unavailable(e.to_string()))?
        .ok_or(ProgrammeError::NotSignedIn)?;
    if !roles.contains(&user.role) {
        tracing::warn!(user_id = %user.user_id, "programme request refused: wrong role");
        return Err(ProgrammeError::Forbidden);
    }
    let id = user
        .user_id
        .parse()
        .map_err(|_| ProgrammeError::Unavailable("malformed user id".into()))?;
    Ok((user, Actor::User(id)))
}

/// The user behind `session` as an audit actor, refused unless their role
/// is in `roles`.
pub fn session_actor(
    accounts: &Accounts,
    session: &str,
    roles: &[Role],
) -> Result<Actor, ProgrammeError> {
    session_user(accounts, session, roles).map(|(_, actor)| actor)
}

fn listing_error(e: ListingError) -> ProgrammeError {
    match e {
        ListingError::Store(e) => store_error(e),
        ListingError::Person(e) => person_error(e),
        ListingError::File(problem) => ProgrammeError::Listing(problem),
    }
}

/// Everything the coordinator's overview lists, read in one snapshot.
fn overview_of(store: &Store, today: NaiveDate) -> Result<Overview, StoreError> {
    store.read_snapshot(|tx| {
        let staff = users::staff(tx)?
            .into_iter()
            .map(|s| StaffMember {
                username: s.username,
                display_name: s.display_name,
                role: s.role,
            })
            .collect();
        let mut persons: BTreeMap<String, ProgrammePerson> = persons::all(tx)?
            .into_iter()
            .map(|(id, display_name)| {
                let person = ProgrammePerson {
                    id: id.clone(),
                    display_name,
                    listed_years: Vec::new(),
                    assignees: Vec::new(),
                };
                (id, person)
            })
            .collect();
        for (person, year) in listings::years_by_person(tx)? {
            if let Some(p) = persons.get_mut(&person) {
                p.listed_years.push(year);
            }
        }
        for active in assignments::active_on(tx, today)? {
            if let Some(p) = persons.get_mut(&active.person_id) {
                p.assignees.push(Assignee {
                    username: active.username,
                    display_name: active.display_name,
                    role: active.role,
                    starts_on: active.starts_on,
                });
            }
        }
        // Newest listing first (years are read oldest first), never-listed
        // persons last; by name within.
        let mut persons: Vec<ProgrammePerson> = persons.into_values().collect();
        persons.sort_by(|a, b| {
            b.listed_years
                .last()
                .cmp(&a.listed_years.last())
                .then_with(|| a.display_name.cmp(&b.display_name))
        });
        Ok(Overview {
            staff,
            persons,
            today,
        })
    })
}

impl ProgrammeBackend for Programme {
    fn overview(&self, session: &str) -> Result<Overview, ProgrammeError> {
        self.coordinator(session)?;
        overview_of(&self.store, tsunagu_sync::policy::japan_date(Utc::now())).map_err(store_error)
    }

    fn preview_listing(
        &self,
        session: &str,
        request: &ListingRequest,
    ) -> Result<ListingPreview, ProgrammeError> {
        let actor = self.coordinator(session)?;
        check_size(request)?;
        let date = Self::listing_date(request)?;
        let preview = listing::preview(&self.store, &request.file, date).map_err(listing_error)?;
        // The preview shows the listed persons' names: who looked is kept.
        let detail = serde_json::json!({
            "fiscal_year": request.fiscal_year,
            "rows": preview.rows.len(),
            "refused": preview.errors.len(),
        });
        self.store
            .write(|tx| audit::append(tx, actor, "listing_previewed", &detail, Utc::now()))
            .map_err(store_error)?;
        let rows = preview
            .rows
            .into_iter()
            .map(|planned| PreviewRow {
                line: planned.row.line,
                name: planned.row.name,
                hospital: if planned.row.ward.is_empty() {
                    planned.row.hospital
                } else {
                    format!("{} {}", planned.row.hospital, planned.row.ward)
                },
                admitted_on: planned.row.admitted_on,
                stay_days: planned.stay_days,
                short_stay: planned.short_stay,
                plan: match planned.plan {
                    Plan::NewPerson => RowPlan::NewPerson,
                    Plan::KnownPerson { .. } => RowPlan::KnownPerson,
                    Plan::AlreadyListed { .. } => RowPlan::AlreadyListed,
                },
                caseworker: planned.caseworker,
            })
            .collect();
        let refused = preview
            .errors
            .into_iter()
            .map(|e| RefusedRow {
                line: e.line,
                problems: e.problems,
            })
            .collect();
        Ok(ListingPreview { rows, refused })
    }

    fn import_listing(
        &self,
        session: &str,
        request: &ListingRequest,
    ) -> Result<ListingImported, ProgrammeError> {
        let actor = self.coordinator(session)?;
        check_size(request)?;
        let date = Self::listing_date(request)?;
        let (preview, done) = listing::commit(&self.store, &request.file, date, actor, Utc::now())
            .map_err(listing_error)?;
        tracing::info!(
            year = date.fiscal_year,
            new_persons = done.new_persons,
            listed = done.listed,
            "listing imported from the app"
        );
        let caseworkers: std::collections::BTreeSet<&str> =
            preview.rows.iter().map(|r| r.caseworker.as_str()).collect();
        self.wake(&caseworkers.into_iter().collect::<Vec<_>>());
        Ok(ListingImported {
            new_persons: done.new_persons,
            listed: done.listed,
            already_listed: done.already_listed,
            flagged: done.flagged,
        })
    }

    fn assign(
        &self,
        session: &str,
        username: &str,
        person_id: &str,
        from: NaiveDate,
    ) -> Result<(), ProgrammeError> {
        let actor = self.coordinator(session)?;
        let already = self
            .store
            .read(|tx| assignments::holds_after(tx, username, person_id, from))
            .map_err(store_error)?;
        if already {
            return Err(ProgrammeError::Invalid(format!(
                "{username} already holds this person on {from}"
            )));
        }
        caseload::assign(
            &self.store,
            username,
            person_id,
            from,
            None,
            actor,
            Utc::now(),
        )
        .map_err(caseload_error)?;
        self.wake(&[username]);
        Ok(())
    }

    fn end_assignment(
        &self,
        session: &str,
        username: &str,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<(), ProgrammeError> {
        let actor = self.coordinator(session)?;
        let ended =
            caseload::end_assignment(&self.store, username, person_id, on, actor, Utc::now())
                .map_err(caseload_error)?;
        if ended == 0 {
            return Err(ProgrammeError::Invalid(format!(
                "{username} holds no assignment to this person after {on}"
            )));
        }
        self.wake(&[username]);
        Ok(())
    }

    fn audit_trail(&self, session: &str) -> Result<Vec<AuditEntry>, ProgrammeError> {
        let actor = self.user_in_role(session, Role::Auditor)?;
        let entries = self
            .store
            .read(|tx| audit::newest(tx, AUDIT_PAGE))
            .map_err(store_error)?;
        // Reading the trail is itself an entry (as the search's are).
        let detail = serde_json::json!({ "newest": AUDIT_PAGE, "entries": entries.len() });
        self.store
            .write(|tx| audit::append(tx, actor, "audit_read", &detail, Utc::now()))
            .map_err(store_error)?;
        Ok(entries
            .into_iter()
            .map(|e| AuditEntry {
                at: e.at,
                actor: e.actor,
                action: e.action,
                detail: e.detail,
            })
            .collect())
    }

    fn hand_over(
        &self,
        session: &str,
        from: &str,
        to: &str,
        persons: &[String],
        on: NaiveDate,
    ) -> Result<usize, ProgrammeError> {
        let actor = self.coordinator(session)?;
        if from == to {
            return Err(ProgrammeError::Invalid(
                "the caseload must go to someone else".into(),
            ));
        }
        let moved = caseload::handover(&self.store, from, to, persons, on, actor, Utc::now())
            .map_err(caseload_error)?;
        self.wake(&[from, to]);
        Ok(moved.len())
    }
}
