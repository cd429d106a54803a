//! What the pages show, read from the device's records: the caseload, a
//! person's timeline, one record's fields. Pure functions over the store.

use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{FieldValue, Record, Status};
use tsunagu_sync::session::memory::MemoryClientStore;

/// One person on the caseload list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// The person id.
    pub id: String,
    /// "family given" from the person's profile.
    pub name: String,
    /// Records held for the person (profile excluded).
    pub records: usize,
    /// The latest contact date among them.
    pub last_contact: Option<NaiveDate>,
    /// Local changes to this person's records not yet acknowledged.
    pub waiting: usize,
}

/// One entry of a person's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// Record id.
    pub id: String,
    /// Kind.
    pub kind: RecordKind,
    /// The date it happened (`occurred_on`), else its creation date.
    pub date: NaiveDate,
    /// Draft, finalised or amended.
    pub status: Status,
    /// First line of its main narrative, shortened.
    pub excerpt: String,
    /// Not yet acknowledged by the server.
    pub waiting: bool,
    /// Last edit time.
    pub updated_at: DateTime<Utc>,
}

fn short(record: &Record, name: &str) -> String {
    match record.get(name) {
        Ok(Some(FieldValue::Str(s))) => s,
        _ => String::new(),
    }
}

/// The display name of a person profile record.
pub fn person_name(record: &Record) -> String {
    let name = format!(
        "{} {}",
        short(record, "family_name"),
        short(record, "given_name")
    );
    name.trim().to_owned()
}

fn occurred_on(record: &Record) -> NaiveDate {
    match record.get("occurred_on") {
        Ok(Some(FieldValue::Date(d))) => d,
        _ => record.meta().created_at.date_naive(),
    }
}

/// The narrative a timeline shows for each kind.
fn main_narrative(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::WardInterview => &["persons_words", "situation", "support_given"],
        RecordKind::Outing => &["observations", "peer_reflection"],
        RecordKind::HomeVisit => &["mental_state", "daily_living", "notes"],
        RecordKind::Person => &["notes"],
    }
}

fn excerpt(record: &Record) -> String {
    let text = main_narrative(record.meta().kind)
        .iter()
        .filter_map(|name| record.text(name).ok())
        .find(|text| !text.trim().is_empty())
        .unwrap_or_default();
    let line = text.lines().next().unwrap_or_default();
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The persons whose profile is on the device, by name.
pub fn caseload(store: &MemoryClientStore) -> Vec<PersonRow> {
    let mut rows: Vec<PersonRow> = store
        .ids()
        .filter_map(|id| store.record(id))
        .filter(|r| r.meta().kind == RecordKind::Person)
        .map(|person| PersonRow {
            id: person.meta().id.clone(),
            name: person_name(person),
            records: 0,
            last_contact: None,
            waiting: usize::from(store.waiting_for(&person.meta().id) > 0),
        })
        .collect();
    for id in store.ids() {
        let Some(record) = store.record(id) else {
            continue;
        };
        if record.meta().kind == RecordKind::Person {
            continue;
        }
        if let Some(row) = rows.iter_mut().find(|p| p.id == record.meta().person_id) {
            row.records += 1;
            row.waiting += usize::from(store.waiting_for(id) > 0);
            let date = occurred_on(record);
            row.last_contact = row.last_contact.max(Some(date));
        }
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

/// A person's records, newest first.
pub fn timeline(store: &MemoryClientStore, person: &str) -> Vec<TimelineRow> {
    let mut rows: Vec<TimelineRow> = store
        .ids()
        .filter_map(|id| store.record(id))
        .filter(|r| r.meta().person_id == person && r.meta().kind != RecordKind::Person)
        .map(|record| TimelineRow {
            id: record.meta().id.clone(),
            kind: record.meta().kind,
            date: occurred_on(record),
            status: record.meta().status,
            excerpt: excerpt(record),
            waiting: store.waiting_for(&record.meta().id) > 0,
            updated_at: record.meta().updated_at,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse((r.date, r.updated_at)));
    rows
}

/// A person's display name, if their profile is on the device.
pub fn person_display_name(store: &MemoryClientStore, person: &str) -> Option<String> {
    store.record(person).map(person_name)
}
