//! What lists need of a record ([`Summary`]), small enough to keep beside
//! every record so a caseload or a timeline never loads a whole document.
//! The device summarises what it edits; the server summarises what it
//! stores and sends the summary with a first download's documents, so a
//! tablet takes in thousands of records without loading each one.
//!
//! Two copies of this code's output outlive a build: the server's stored
//! summaries (`record_summaries.list_summary`) and the tablets' stored
//! entries. A change to what [`summarise`] makes therefore needs a server
//! migration that empties `list_summary` (the server makes them again at
//! start) and a new stored-entry format on the device; a change to the
//! layout also needs a new protocol revision (see `protocol::REVISION`).

use super::schema::{FieldType, RecordKind};
use super::{FieldValue, Record, Status};
use crate::stage::{Dated, event_of};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What lists need of a record, kept beside its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Kind.
    pub kind: RecordKind,
    /// The person it belongs to (itself for a profile).
    pub person_id: String,
    /// Draft, finalised or amended.
    pub status: Status,
    /// The date it happened (`occurred_on`), else its creation date.
    pub date: NaiveDate,
    /// Last edit time.
    pub updated_at: DateTime<Utc>,
    /// For a profile, the person's name; otherwise empty.
    pub name: String,
    /// The first line of its main narrative, shortened.
    pub excerpt: String,
    /// What it says about the case's stage.
    pub event: Option<Dated>,
    /// For a profile, the name's kana ("family given"); otherwise empty.
    pub kana: String,
    /// The next contact it plans (an interview's next contact, a visit's
    /// next visit).
    pub next_contact: Option<NaiveDate>,
    /// The review date a transition plan sets.
    pub review_on: Option<NaiveDate>,
    /// A conference's action items not yet done.
    pub open_actions: Vec<OpenAction>,
}

/// An action item not yet done, as lists need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAction {
    /// Who does it, as written.
    pub owner: String,
    /// By when, if agreed.
    pub due: Option<NaiveDate>,
}

/// Summarises a loaded record.
pub fn summarise(record: &Record) -> Summary {
    let meta = record.meta();
    Summary {
        kind: meta.kind,
        person_id: meta.person_id.clone(),
        status: meta.status,
        date: occurred_on(record),
        updated_at: meta.updated_at,
        name: match meta.kind {
            RecordKind::Person => person_name(record),
            RecordKind::PersonCard => short(record, "display_name"),
            _ => String::new(),
        },
        excerpt: excerpt(record),
        event: event_of(record),
        kana: match meta.kind {
            RecordKind::Person => {
                let kana = format!(
                    "{} {}",
                    short(record, "family_name_kana"),
                    short(record, "given_name_kana")
                );
                kana.trim().to_owned()
            }
            _ => String::new(),
        },
        next_contact: date(record, "next_contact_on").or_else(|| date(record, "next_visit_on")),
        review_on: date(record, "next_review_on"),
        open_actions: record
            .actions("action_items")
            .unwrap_or_default()
            .into_iter()
            .filter(|item| !item.done)
            .map(|item| OpenAction {
                owner: item.owner,
                due: item.due,
            })
            .collect(),
    }
}

/// The date field `name` of `record`, if the record has it and it is set.
pub fn date(record: &Record, name: &str) -> Option<NaiveDate> {
    match record.get(name) {
        Ok(Some(FieldValue::Date(d))) => Some(d),
        _ => None,
    }
}

/// The text or choice field `name` of `record`; empty when unset.
pub fn short(record: &Record, name: &str) -> String {
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

/// The date a record is about: its kind's first date field, else when it
/// was created.
fn occurred_on(record: &Record) -> NaiveDate {
    record
        .meta()
        .kind
        .spec()
        .fields
        .iter()
        .filter(|f| f.ty == FieldType::Date && f.required)
        .find_map(|f| match record.get(f.name) {
            Ok(Some(FieldValue::Date(d))) => Some(d),
            _ => None,
        })
        .unwrap_or_else(|| record.meta().created_at.date_naive())
}

/// The narrative a timeline shows for each kind.
fn main_narrative(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::WardInterview => &["persons_words", "situation", "support_given"],
        RecordKind::Outing => &["observations", "peer_reflection"],
        RecordKind::HomeVisit => &["mental_state", "daily_living", "notes"],
        RecordKind::Person => &["notes"],
        RecordKind::PersonCard => &["contact_notes"],
        RecordKind::HospitalAdmission | RecordKind::Death | RecordKind::CaseClosure => &["notes"],
        RecordKind::Readmission | RecordKind::Housing => &["notes"],
        RecordKind::Assessment => &["barriers", "needs", "life_history"],
        RecordKind::TransitionPlan => &["goals", "wishes", "policy"],
        RecordKind::Discharge => &["services", "notes"],
        RecordKind::Consent => &["notes"],
        RecordKind::CaseConference => &["decisions", "action_items"],
        RecordKind::Handover => &["notes"],
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

impl Summary {
    /// The summary as bytes (postcard), as the server stores it.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Reads what [`Summary::to_bytes`] wrote; `None` if it was written in
    /// a layout this build does not know.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes(bytes).ok()
    }
}
