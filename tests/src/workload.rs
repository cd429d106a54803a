//! The benchmark note of workload W(N, K): one of three kinds in turn, a
//! person chosen by the caller, and a body of about 1,000 characters of
//! Japanese text from a seeded generator. Shared by `sync-bench` and
//! `browser-bench` so both measure the same records.

use crate::rng::{Rng, japanese_text};
use chrono::{DateTime, Utc};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{FieldValue, NewRecord, new_record_id};

/// One generated note: the record to create and the narrative to write.
pub struct BenchNote {
    /// The new record (scalar fields set).
    pub record: NewRecord,
    /// The narrative field the body goes into.
    pub body_field: &'static str,
    /// About 1,000 characters of Japanese text.
    pub body: String,
}

/// The `n`th note for `person`, created on `device` at `at`.
pub fn note(rng: &mut Rng, n: usize, person: &str, device: &str, at: DateTime<Utc>) -> BenchNote {
    let kinds = [
        RecordKind::WardInterview,
        RecordKind::Outing,
        RecordKind::HomeVisit,
    ];
    let kind = kinds[n % kinds.len()];
    let date = FieldValue::Date(at.date_naive());
    let (fields, body_field): (Vec<(String, FieldValue)>, &str) = match kind {
        RecordKind::WardInterview => (
            vec![
                ("occurred_on".into(), date),
                ("place".into(), FieldValue::Str("ward".into())),
                ("interview_type".into(), FieldValue::Str("continued".into())),
            ],
            "situation",
        ),
        RecordKind::Outing => (
            vec![
                ("occurred_on".into(), date),
                (
                    "activity_type".into(),
                    FieldValue::Str("accompanied_outing".into()),
                ),
            ],
            "observations",
        ),
        _ => (
            vec![
                ("visit_kind".into(), FieldValue::Str("settlement".into())),
                ("occurred_on".into(), date),
            ],
            "notes",
        ),
    };
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    let record = NewRecord {
        id: new_record_id(at, random),
        kind,
        person_id: person.to_owned(),
        device: device.to_owned(),
        fields,
    };
    BenchNote {
        record,
        body_field,
        body: japanese_text(rng, 1000),
    }
}
