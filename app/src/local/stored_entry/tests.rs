use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::protocol::Rejection;
use tsunagu_sync::record::Status;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::stage::{Dated, Event};

/// A note with unsent changes the server refused: what must never be lost.
fn record() -> DeviceRecord {
    DeviceRecord {
        document: vec![1, 2, 3],
        pending: vec![vec![7, 7], vec![8]],
        rejected: Some(Rejection::Forbidden),
    }
}

/// The summary as the previous version of the app wrote it (field order
/// is the layout: postcard has no names).
#[derive(Serialize)]
struct OldSummary {
    kind: RecordKind,
    person_id: String,
    status: Status,
    date: NaiveDate,
    updated_at: DateTime<Utc>,
    name: String,
    excerpt: String,
    event: Option<Dated>,
}

#[derive(Serialize)]
struct OldEntry {
    summary: OldSummary,
    record: DeviceRecord,
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

#[test]
fn an_entry_of_the_previous_layout_is_read_with_its_unsent_changes() {
    let old = OldEntry {
        summary: OldSummary {
            kind: RecordKind::HomeVisit,
            person_id: "p1".into(),
            status: Status::Draft,
            date: day(),
            updated_at: DateTime::<Utc>::default(),
            name: String::new(),
            excerpt: "玄関先で話した。".into(),
            event: Some(Dated {
                event: Event::HomeVisit,
                on: day(),
            }),
        },
        record: record(),
    };
    let mut bytes = vec![2];
    bytes.extend(postcard::to_allocvec(&old).unwrap());

    let (entry, outdated) = decode_entry(&bytes).unwrap();
    assert!(outdated, "to be summarised afresh");
    assert_eq!(entry.record, record(), "the unsent changes and the refusal");
    assert_eq!(entry.summary.kind, RecordKind::HomeVisit);
    assert_eq!(entry.summary.person_id, "p1");
    assert_eq!(entry.summary.excerpt, "玄関先で話した。");
    assert_eq!(entry.summary.event.map(|e| e.on), Some(day()));
    assert!(entry.summary.next_contact.is_none() && entry.summary.kana.is_empty());
    assert_eq!(entry.reached_ms, None);
}

#[test]
fn a_current_entry_comes_back_as_written() {
    let (old, _) = {
        let mut bytes = vec![2];
        bytes.extend(
            postcard::to_allocvec(&OldEntry {
                summary: OldSummary {
                    kind: RecordKind::WardInterview,
                    person_id: "p2".into(),
                    status: Status::Finalised,
                    date: day(),
                    updated_at: DateTime::<Utc>::default(),
                    name: String::new(),
                    excerpt: String::new(),
                    event: None,
                },
                record: record(),
            })
            .unwrap(),
        );
        decode_entry(&bytes).unwrap()
    };
    let mut entry = old;
    entry.summary.next_contact = Some(day());
    entry.summary.kana = "アサギリ".into();
    entry.reached_ms = Some(1_764_000_000_000.0);
    let (back, outdated) = decode_entry(&encode_entry(&entry)).unwrap();
    assert!(!outdated);
    assert_eq!(back.summary, entry.summary);
    assert_eq!(back.record, entry.record);
    assert_eq!(back.reached_ms, entry.reached_ms);
}

#[test]
fn an_unknown_layout_or_damaged_bytes_are_reported_not_misread() {
    assert!(matches!(
        decode_entry(&[9, 1, 2, 3]),
        Err(EntryError::OtherVersion)
    ));
    assert!(matches!(decode_entry(&[]), Err(EntryError::OtherVersion)));
    assert!(matches!(
        decode_entry(&[ENTRY_FORMAT, 200]),
        Err(EntryError::Decode(_))
    ));
}
