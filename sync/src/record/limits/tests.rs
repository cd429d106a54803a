use super::*;
use crate::record::{Edit, FieldValue, NewRecord, Record, new_record_id};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use chrono::{TimeZone, Utc};

fn edit(minute: u32) -> Edit {
    Edit {
        by: "u-spec".into(),
        name: None,
        at: Utc.with_ymd_and_hms(2026, 4, 1, 9, minute, 0).unwrap(),
    }
}

fn interview() -> Record {
    let new = NewRecord {
        id: new_record_id(edit(0).at, [7; 10]),
        kind: RecordKind::WardInterview,
        person_id: "person-1".into(),
        device: "tablet-a".into(),
        fields: vec![
            (
                "occurred_on".into(),
                FieldValue::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()),
            ),
            ("place".into(), FieldValue::Str("ward".into())),
            (
                "interview_type".into(),
                FieldValue::Str("first_joint".into()),
            ),
        ],
    };
    Record::create(new, &edit(0), b"actor-a").unwrap()
}

/// A record written with raw automerge (the record layer would refuse
/// it): a narrative of `chars` characters, and `junk` characters in one
/// string under an unknown top-level key; its changes and document.
fn oversized(chars: usize, junk: usize) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut record = interview();
    let mut raw = AutoCommit::load(&record.save()).unwrap();
    let fields = match raw.get(ROOT, "fields").unwrap() {
        Some((_, id)) => id,
        None => panic!("fields"),
    };
    let text = raw.put_object(&fields, "situation", ObjType::Text).unwrap();
    raw.splice_text(&text, 0, 0, &"a".repeat(chars)).unwrap();
    raw.put(ROOT, "junk", "a".repeat(junk)).unwrap();
    raw.commit();
    let changes = raw
        .get_changes(&[])
        .into_iter()
        .map(|mut c| c.bytes().into_owned())
        .collect();
    (changes, raw.save())
}

#[test]
fn real_changes_and_documents_pass_with_their_operation_counts() {
    let mut record = interview();
    record
        .splice_text("situation", 0, 0, &"病棟で面会。".repeat(100), &edit(1))
        .unwrap();
    record.finalise(&edit(2)).unwrap();
    let items = record.changes_since(&[]);
    for item in &items {
        let change = automerge::Change::from_bytes(item.clone()).unwrap();
        let size = inspect(item).unwrap();
        assert!(matches!(size.kind, ChunkKind::Change { millis } if millis == change.timestamp()));
        assert!(
            size.ops <= change.len() as u64,
            "{} > {}",
            size.ops,
            change.len()
        );
    }
    // The splice of 600 characters is one change of 600 insertions.
    assert!(inspect(&items[1]).unwrap().ops >= 600);
    for document in [record.save(), record.save_uncompressed()] {
        let size = inspect(&document).unwrap();
        assert_eq!(size.kind, ChunkKind::Document);
        assert!(size.ops >= 600, "{}", size.ops);
    }
}

#[test]
fn ten_million_characters_in_a_few_kilobytes_are_refused_before_decoding() {
    // The attack from the issue: a few kilobytes on the wire. (A string
    // builds in milliseconds; ten million narrative characters cost a
    // minute to build in a debug test, and are refused the same way:
    // `sync-bench --attack` sends those.)
    let (changes, document) = oversized(10, 10_000_000);
    let big = changes.last().unwrap();
    assert!(big.len() < 100_000, "compressed to {} bytes", big.len());
    assert!(
        matches!(inspect(big), Err(LimitError::TooLarge { .. })),
        "{:?}",
        inspect(big)
    );
    assert!(
        document.len() < 100_000,
        "compressed to {} bytes",
        document.len()
    );
    assert!(matches!(
        inspect(&document),
        Err(LimitError::TooLarge { .. })
    ));
}

#[test]
fn a_change_with_more_operations_than_any_record_needs_is_refused() {
    // Under the byte cap, over the operation count of the largest kind.
    let chars = max_change_ops() as usize + 10;
    let (changes, _) = oversized(chars, 0);
    assert!(matches!(
        inspect(changes.last().unwrap()),
        Err(LimitError::TooLarge {
            what: "the number of operations",
            ..
        })
    ));
}

#[test]
fn truncated_and_garbled_chunks_are_malformed_never_a_panic() {
    let mut record = interview();
    record
        .splice_text("situation", 0, 0, "病棟で面会。", &edit(1))
        .unwrap();
    for chunk in [record.save(), record.changes_since(&[]).remove(1)] {
        for end in 0..chunk.len() {
            assert!(inspect(&chunk[..end]).is_err(), "prefix of {end} bytes");
        }
        for at in 0..chunk.len() {
            let mut garbled = chunk.clone();
            garbled[at] ^= 0xff;
            let _ = inspect(&garbled);
        }
    }
}

#[test]
fn the_limits_follow_from_the_schema() {
    // The largest kind's narratives, each deleted and rewritten whole.
    let ops = max_change_ops();
    assert!(ops >= 2 * MAX_NARRATIVE_CHARS as u64, "{ops}");
    assert!(ops < MAX_DOCUMENT_OPS);
}
