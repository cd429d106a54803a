//! What the pages show, read from the device's records: the caseload, a
//! person's timeline. Lists are built from [`Summary`]s, small enough to
//! keep for every record, so showing them never loads a whole document.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use tsunagu_sync::record::Status;
use tsunagu_sync::record::schema::RecordKind;
pub use tsunagu_sync::record::summary::{OpenAction, Summary, date, person_name, short, summarise};
use tsunagu_sync::stage::{Dated, Stage, stage_of};

/// One person on the caseload list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// The person id.
    pub id: String,
    /// "family given" from the person's profile.
    pub name: String,
    /// The name's kana, from the profile (empty when unknown).
    pub kana: String,
    /// Records held for the person (profile excluded).
    pub records: usize,
    /// The latest contact date among them.
    pub last_contact: Option<NaiveDate>,
    /// This person's records with changes not yet acknowledged.
    pub waiting: usize,
    /// Where the case stands, from the records on this device.
    pub stage: Stage,
    /// The next contact planned by the latest record that plans one, and
    /// that record's date.
    pub next_contact: Option<(NaiveDate, NaiveDate)>,
    /// The review date of the latest transition plan that sets one.
    pub review_on: Option<(NaiveDate, NaiveDate)>,
    /// Action items not yet done, from the person's conferences.
    pub open_actions: Vec<OpenAction>,
}

/// One entry of a person's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// Record id.
    pub id: String,
    /// Kind.
    pub kind: RecordKind,
    /// The date it happened.
    pub date: NaiveDate,
    /// Draft, finalised or amended.
    pub status: Status,
    /// First line of its main narrative, shortened.
    pub excerpt: String,
    /// Not yet acknowledged by the server.
    pub waiting: bool,
    /// Last edit time.
    pub updated_at: DateTime<Utc>,
    /// What it says about the case's stage.
    pub event: Option<Dated>,
}

/// The persons whose profile is on the device, by name. `waiting(id)`:
/// whether record `id` has unacknowledged changes.
pub fn caseload(
    summaries: &BTreeMap<String, Summary>,
    waiting: impl Fn(&str) -> bool,
) -> Vec<PersonRow> {
    // A person is on the list when the device holds their profile or their
    // card (peer supporters receive only the card).
    let mut rows: BTreeMap<&str, PersonRow> = BTreeMap::new();
    for (id, summary) in summaries.iter().filter(|(_, s)| s.kind.is_profile()) {
        let row = rows
            .entry(summary.person_id.as_str())
            .or_insert_with(|| PersonRow {
                id: summary.person_id.clone(),
                name: String::new(),
                kana: String::new(),
                records: 0,
                last_contact: None,
                waiting: 0,
                stage: Stage::Listed,
                next_contact: None,
                review_on: None,
                open_actions: Vec::new(),
            });
        // The full profile's name wins over the card's.
        if row.name.is_empty() || summary.kind == RecordKind::Person {
            row.name = summary.name.clone();
            row.kana = summary.kana.clone();
        }
        row.waiting += usize::from(waiting(id));
    }
    for (id, summary) in summaries {
        if summary.kind.is_profile() {
            continue;
        }
        if let Some(row) = rows.get_mut(summary.person_id.as_str()) {
            row.records += 1;
            row.waiting += usize::from(waiting(id));
            row.last_contact = row.last_contact.max(Some(summary.date));
            // The latest record that plans something sets the plan.
            let planned = |due: Option<NaiveDate>| due.map(|due| (summary.date, due));
            row.next_contact = row.next_contact.max(planned(summary.next_contact));
            row.review_on = row.review_on.max(planned(summary.review_on));
            row.open_actions
                .extend(summary.open_actions.iter().cloned());
        }
    }
    let mut events: BTreeMap<&str, Vec<Dated>> = BTreeMap::new();
    for summary in summaries.values() {
        if let Some(event) = summary.event {
            events
                .entry(summary.person_id.as_str())
                .or_default()
                .push(event);
        }
    }
    for (person, row) in rows.iter_mut() {
        row.stage = stage_of(events.get(person).map_or(&[][..], Vec::as_slice)).0;
    }
    let mut rows: Vec<PersonRow> = rows.into_values().collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// A person's records, newest first.
pub fn timeline(
    summaries: &BTreeMap<String, Summary>,
    person: &str,
    waiting: impl Fn(&str) -> bool,
) -> Vec<TimelineRow> {
    let mut rows: Vec<TimelineRow> = summaries
        .iter()
        .filter(|(_, s)| s.person_id == person && !s.kind.is_profile())
        .map(|(id, s)| TimelineRow {
            id: id.clone(),
            kind: s.kind,
            date: s.date,
            status: s.status,
            excerpt: s.excerpt.clone(),
            waiting: waiting(id),
            updated_at: s.updated_at,
            event: s.event,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse((r.date, r.updated_at)));
    rows
}

/// A person's display name, if their profile is on the device.
pub fn person_display_name(summaries: &BTreeMap<String, Summary>, person: &str) -> Option<String> {
    caseload(summaries, |_| false)
        .into_iter()
        .find(|row| row.id == person)
        .map(|row| row.name)
}

/// The stage a record moves its case into, for the timeline's marker:
/// interviews and visits continue a stage rather than start one.
pub fn stage_marker(event: &Dated) -> Option<Stage> {
    use tsunagu_sync::stage::{EndReason, Event};
    match event.event {
        Event::FirstJointInterview => Some(Stage::FirstJointInterview),
        Event::TransitionStep => Some(Stage::TransitionSupport),
        Event::Discharged => Some(Stage::Discharged),
        Event::Readmitted { .. } => Some(Stage::Readmitted),
        Event::Died => Some(Stage::Ended(EndReason::Died)),
        Event::Closed(reason) => Some(Stage::Ended(reason)),
        Event::Interview | Event::HomeVisit => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(kind: RecordKind, person: &str, name: &str, day: u32) -> Summary {
        Summary {
            kind,
            person_id: person.into(),
            status: Status::Draft,
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            updated_at: DateTime::<Utc>::default(),
            name: name.into(),
            excerpt: String::new(),
            event: None,
            kana: String::new(),
            next_contact: None,
            review_on: None,
            open_actions: Vec::new(),
        }
    }

    #[test]
    fn a_card_alone_puts_a_person_on_the_list_and_a_profile_names_them() {
        let mut summaries = BTreeMap::new();
        // A peer supporter's device: the card and an outing only.
        summaries.insert(
            "c1".into(),
            summary(RecordKind::PersonCard, "p1", "ひかりさん", 1),
        );
        summaries.insert("o1".into(), summary(RecordKind::Outing, "p1", "", 20));
        // A specialist's device also holds the profile.
        summaries.insert("p2".into(), summary(RecordKind::Person, "p2", "朝霧 翔", 1));
        summaries.insert(
            "c2".into(),
            summary(RecordKind::PersonCard, "p2", "しょうさん", 1),
        );
        summaries.insert("w1".into(), summary(RecordKind::WardInterview, "p2", "", 5));
        summaries.insert("w2".into(), summary(RecordKind::WardInterview, "p2", "", 9));

        let rows = caseload(&summaries, |id| id == "w2");
        assert_eq!(rows.len(), 2);
        let p1 = rows.iter().find(|r| r.id == "p1").unwrap();
        assert_eq!(
            (p1.name.as_str(), p1.records, p1.waiting),
            ("ひかりさん", 1, 0)
        );
        let p2 = rows.iter().find(|r| r.id == "p2").unwrap();
        assert_eq!(
            (p2.name.as_str(), p2.records, p2.waiting),
            ("朝霧 翔", 2, 1)
        );
        assert_eq!(p2.last_contact, NaiveDate::from_ymd_opt(2026, 11, 9));

        let timeline = timeline(&summaries, "p2", |_| false);
        assert_eq!(
            timeline.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["w2", "w1"],
            "newest first, profile and card not listed"
        );
        assert_eq!(
            person_display_name(&summaries, "p1").as_deref(),
            Some("ひかりさん")
        );
    }
}
