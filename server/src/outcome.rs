//! The outcome report over every record the server holds, and the costs
//! it is priced with (the engine is `tsunagu_sync::outcome`).
//!
//! Reading or exporting the report is audited; so is setting a cost.

use crate::store::audit::{self, Actor};
use crate::store::records::Unsummarised;
use crate::store::{Store, StoreError, costs, listings, records};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use tsunagu_sync::outcome::facts::RecordSummary;
use tsunagu_sync::outcome::{OutcomeReport, PersonFacts, ProgrammeFacts, Range, YearCosts, report};
use tsunagu_sync::record::Record;
use tsunagu_sync::record::summary::{Summary, summarise};

/// How many records one summarising transaction covers.
const SUMMARY_BATCH: usize = 500;

/// Why the costs could not be set.
#[derive(Debug, thiserror::Error)]
pub enum CostError {
    /// Neither cost was given.
    #[error("give the monthly inpatient cost, the programme cost, or both")]
    Nothing,
    /// The year is outside what the programme can have.
    #[error("fiscal year {0} is not between 2000 and 2100")]
    Year(i32),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Summarises every record stored before summaries existed (or whose
/// summary was lost), in batches; returns how many were summarised. A
/// document that does not load is skipped and named by id in the log.
/// Safe to run at every start.
pub fn summarise_records(store: &Store) -> Result<usize, StoreError> {
    let mut after = String::new();
    let mut done = 0;
    loop {
        let batch = store.read(|tx| records::unsummarised(tx, &after, SUMMARY_BATCH))?;
        let Some(last) = batch.last() else {
            return Ok(done);
        };
        after = last.id.clone();
        let summaries: Vec<(Unsummarised, RecordSummary, Summary)> = batch
            .into_iter()
            .filter_map(
                |stored| match Record::load(&stored.snapshot, b"tsunagu-server") {
                    Ok(record) => {
                        let summary = RecordSummary::of(&record);
                        Some((stored, summary, summarise(&record)))
                    }
                    Err(error) => {
                        tracing::warn!(record = %stored.id, %error, "stored record does not load; not summarised");
                        None
                    }
                },
            )
            .collect();
        done += summaries.len();
        store.write(|tx| {
            summaries.iter().try_for_each(|(stored, summary, list)| {
                records::fill_summary(tx, &stored.id, &stored.person_id, summary, list)
            })
        })?;
    }
}

/// Every person's listings and record summaries, and the costs, read in
/// one snapshot.
pub fn programme_facts(store: &Store) -> Result<ProgrammeFacts, StoreError> {
    store.read_snapshot(|tx| {
        let mut persons: HashMap<String, PersonFacts> = HashMap::new();
        for (person, listing) in listings::facts(tx)? {
            persons.entry(person).or_default().listings.push(listing);
        }
        for (person, summary) in records::summaries(tx)? {
            let facts = persons.entry(person).or_default();
            if let Some(fact) = summary.fact {
                facts.facts.push(fact);
            }
            if summary.draft {
                facts.drafts_created.push(summary.created_on);
            }
        }
        Ok(ProgrammeFacts {
            persons: persons.into_values().collect(),
            costs: costs::all(tx)?,
        })
    })
}

/// The costs entered per fiscal year.
pub fn costs(store: &Store) -> Result<BTreeMap<i32, YearCosts>, StoreError> {
    store.read(costs::all)
}

/// The report over `range`, with an audit entry saying who read it and
/// in what form (`format`: `json`, `csv`, `text` or `screen`).
pub fn read_report(
    store: &Store,
    range: Range,
    actor: Actor,
    format: &str,
    now: DateTime<Utc>,
) -> Result<OutcomeReport, StoreError> {
    let facts = programme_facts(store)?;
    let report = report(&facts, range);
    store.write(|tx| {
        audit::append(
            tx,
            actor,
            "report_outcome",
            &json!({
                "from_year": range.from_year,
                "to_year": range.to_year,
                "cut_off": range.cut_off.to_string(),
                "format": format,
            }),
            now,
        )
    })?;
    Ok(report)
}

/// Sets fiscal year `year`'s costs (a `None` keeps the one entered before),
/// with an audit entry.
pub fn set_costs(
    store: &Store,
    year: i32,
    given: YearCosts,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<YearCosts, CostError> {
    if given.inpatient_monthly_yen.is_none() && given.programme_yen.is_none() {
        return Err(CostError::Nothing);
    }
    if !(2000..=2100).contains(&year) {
        return Err(CostError::Year(year));
    }
    let user = actor.user_id();
    Ok(store.write(|tx| {
        costs::set(tx, year, given, user, now)?;
        audit::append(
            tx,
            actor,
            "set_costs",
            &json!({
                "fiscal_year": year,
                "inpatient_monthly_yen": given.inpatient_monthly_yen,
                "programme_yen": given.programme_yen,
            }),
            now,
        )?;
        Ok::<_, StoreError>(costs::all(tx)?.get(&year).copied().unwrap_or_default())
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persons::{add_person, insert_finalised_document};
    use chrono::NaiveDate;
    use tsunagu_sync::outcome::Fact;
    use tsunagu_sync::record::FieldValue;
    use tsunagu_sync::record::schema::RecordKind;

    #[test]
    fn records_stored_before_summaries_are_summarised_once_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        let person = add_person(&store, "試験 花子", now).unwrap();
        let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        store
            .write(|tx| {
                insert_finalised_document(
                    tx,
                    &uuid::Uuid::now_v7().to_string(),
                    &person,
                    RecordKind::Discharge,
                    vec![
                        ("discharged_on".into(), FieldValue::Date(on)),
                        ("destination".into(), FieldValue::Str("group_home".into())),
                    ],
                    &[],
                    now,
                )
            })
            .unwrap();
        let discharge = Fact::Discharged {
            on,
            destination: "group_home".into(),
        };
        let facts = |store: &Store| {
            programme_facts(store)
                .unwrap()
                .persons
                .into_iter()
                .flat_map(|p| p.facts)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            facts(&store),
            vec![discharge.clone()],
            "summarised on write"
        );
        store.write(records::forget_summaries).unwrap();
        assert!(facts(&store).is_empty(), "an old database has no summaries");
        assert_eq!(
            summarise_records(&store).unwrap(),
            3,
            "profile, card, discharge"
        );
        assert_eq!(facts(&store), vec![discharge]);
        assert_eq!(summarise_records(&store).unwrap(), 0, "nothing left to do");

        // A database from before migration 15 has no list summaries: a
        // first download then leaves the summarising to the tablet, until
        // the next start makes them.
        let kinds: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
        let page = |store: &Store| {
            store
                .read(|tx| {
                    records::snapshot_page(
                        tx,
                        &kinds,
                        std::slice::from_ref(&person),
                        "",
                        usize::MAX,
                    )
                })
                .unwrap()
        };
        let summaries = page(&store).summaries;
        assert_eq!(summaries.len(), 3);
        assert!(summaries.iter().all(Option::is_some), "made on write");
        store.write(records::forget_list_summaries).unwrap();
        assert!(page(&store).summaries.iter().all(Option::is_none));
        assert_eq!(summarise_records(&store).unwrap(), 3);
        let page = page(&store);
        for (doc, summary) in page.docs.iter().zip(&page.summaries) {
            let record = Record::load(&doc.changes[0], b"check").unwrap();
            assert_eq!(summary.as_ref(), Some(&summarise(&record)));
        }
    }

    #[test]
    fn costs_are_kept_per_year_and_audited() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        let monthly = YearCosts {
            inpatient_monthly_yen: Some(372_250),
            programme_yen: None,
        };
        let programme = YearCosts {
            inpatient_monthly_yen: None,
            programme_yen: Some(8_000_000),
        };
        set_costs(&store, 2024, monthly, Actor::CommandLine, now).unwrap();
        let both = set_costs(&store, 2024, programme, Actor::CommandLine, now).unwrap();
        assert_eq!(
            both,
            YearCosts {
                inpatient_monthly_yen: Some(372_250),
                programme_yen: Some(8_000_000),
            },
            "setting one keeps the other"
        );
        assert!(matches!(
            set_costs(&store, 2024, YearCosts::default(), Actor::CommandLine, now),
            Err(CostError::Nothing)
        ));
        assert!(matches!(
            set_costs(&store, 1800, monthly, Actor::CommandLine, now),
            Err(CostError::Year(1800))
        ));
        let trail = store.read(|tx| audit::newest(tx, 10)).unwrap();
        assert_eq!(trail.iter().filter(|e| e.action == "set_costs").count(), 2);
    }
}
