//! The whole demo programme written through the store on both backends:
//! what the screens and the report read back must be the same. This runs
//! every store module's statements on PostgreSQL at least once.

use super::tests::TestDatabase;
use crate::store::{
    Store, assignments, audit, audit_chain, costs, listings, persons, records, users,
};
use chrono::{DateTime, Utc};
use tsunagu_sync::outcome::{OutcomeReport, Range, fiscal::fiscal_year, report};
use tsunagu_sync::policy::japan_date;
use tsunagu_sync::record::schema::RecordKind;

/// What a coordinator, an auditor and the report see of a seeded store,
/// without the random parts (ids, hashes, password hashes).
#[derive(Debug, PartialEq)]
struct Seen {
    report: OutcomeReport,
    staff: Vec<(String, String)>,
    accounts: Vec<(String, String, u64)>,
    listed: Vec<i32>,
    active: usize,
    audit: (u64, Option<String>),
    actions: Vec<String>,
    closings: usize,
    costs: usize,
}

fn seen(store: &Store, now: DateTime<Utc>) -> Seen {
    let today = japan_date(now);
    let range = Range {
        from_year: crate::demo_history::FIRST_YEAR,
        to_year: fiscal_year(today),
        cut_off: today,
    };
    let facts = crate::outcome::programme_facts(store).unwrap();
    let persons: Vec<String> = store
        .read(persons::all)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let verdict = store.read_snapshot(audit_chain::verify).unwrap();
    Seen {
        report: report(&facts, range),
        staff: store
            .read(users::staff)
            .unwrap()
            .into_iter()
            .map(|s| (s.username, s.role.as_str().to_owned()))
            .collect(),
        accounts: store
            .read(users::accounts)
            .unwrap()
            .into_iter()
            .map(|a| (a.username, a.role, a.active_devices))
            .collect(),
        listed: store
            .read(listings::years_by_person)
            .unwrap()
            .into_iter()
            .map(|(_, year)| year)
            .collect(),
        active: store
            .read(|tx| assignments::active_on(tx, today))
            .unwrap()
            .len(),
        audit: (verdict.entries, verdict.broken.map(|b| b.at)),
        actions: store.read(audit::actions).unwrap(),
        closings: store
            .read(|tx| records::closings_of(tx, &persons))
            .unwrap()
            .len(),
        costs: store.read(costs::all).unwrap().len(),
    }
}

#[test]
fn the_demo_programme_reads_back_the_same_on_both_backends() {
    let database = TestDatabase::new();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(dir.path()).unwrap();
    let postgres = Store::open_postgres(&database.url).unwrap();
    let now = Utc::now();
    crate::demo::seed(&sqlite, now).unwrap();
    crate::demo::seed(&postgres, now).unwrap();
    let (on_sqlite, on_postgres) = (seen(&sqlite, now), seen(&postgres, now));
    assert_eq!(on_sqlite, on_postgres);
    let c = &on_postgres.report.cumulative;
    assert_eq!((c.listed, c.discharged, c.readmitted_ever), (60, 52, 4));
    assert_eq!(on_postgres.audit.1, None, "the audit chain verifies");
    assert!(on_postgres.closings > 0);
    let profiles = postgres
        .read(|tx| records::of_kind(tx, RecordKind::Person))
        .unwrap();
    assert_eq!(
        profiles.len(),
        sqlite
            .read(|tx| records::of_kind(tx, RecordKind::Person))
            .unwrap()
            .len()
    );
}
