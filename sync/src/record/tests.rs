use super::*;
use chrono::TimeZone;

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 9, minute, 0).unwrap()
}

fn edit(by: &str, minute: u32) -> Edit {
    Edit {
        by: by.into(),
        name: None,
        at: at(minute),
    }
}

fn date(s: &str) -> FieldValue {
    FieldValue::Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn interview() -> Record {
    let new = NewRecord {
        id: new_record_id(at(0), [7; 10]),
        kind: RecordKind::WardInterview,
        person_id: "person-1".into(),
        device: "tablet-a".into(),
        fields: vec![
            ("occurred_on".into(), date("2026-04-01")),
            ("place".into(), FieldValue::Str("ward".into())),
            (
                "interview_type".into(),
                FieldValue::Str("first_joint".into()),
            ),
        ],
    };
    Record::create(new, &edit("u-spec", 0), b"actor-a").unwrap()
}

#[test]
fn creates_a_valid_record_that_survives_save_and_load() {
    let mut record = interview();
    record
        .splice_text("situation", 0, 0, "病棟で面会。", &edit("u-spec", 1))
        .unwrap();
    record
        .set("duration_minutes", FieldValue::Int(45), &edit("u-spec", 2))
        .unwrap();
    let bytes = record.save();
    let loaded = Record::load(&bytes, b"actor-b").unwrap();
    assert_eq!(loaded.meta().kind, RecordKind::WardInterview);
    assert_eq!(loaded.meta().author, "u-spec");
    assert_eq!(loaded.meta().status, Status::Draft);
    assert_eq!(loaded.meta().updated_at, at(2));
    assert_eq!(loaded.text("situation").unwrap(), "病棟で面会。");
    assert_eq!(
        loaded.get("duration_minutes").unwrap(),
        Some(FieldValue::Int(45))
    );
    assert_eq!(loaded.get("occurred_on").unwrap(), Some(date("2026-04-01")));
    assert!(
        uuid::Uuid::parse_str(&loaded.meta().id)
            .unwrap()
            .get_version_num()
            == 7
    );
}

#[test]
fn rejects_missing_required_fields_and_bad_values() {
    let new = NewRecord {
        id: "r1".into(),
        kind: RecordKind::HomeVisit,
        person_id: "p".into(),
        device: "d".into(),
        fields: vec![("visit_kind".into(), FieldValue::Str("nursing".into()))],
    };
    assert_eq!(
        Record::create(new.clone(), &edit("u", 0), b"a").unwrap_err(),
        RecordError::MissingField {
            kind: RecordKind::HomeVisit,
            field: "occurred_on"
        }
    );
    let mut bad = new.clone();
    bad.fields.push(("occurred_on".into(), date("2026-04-01")));
    bad.fields.push(("gaf".into(), FieldValue::Int(101)));
    assert!(
        matches!(Record::create(bad, &edit("u", 0), b"a"), Err(RecordError::InvalidValue { field, .. }) if field == "gaf")
    );
    let mut unknown = new;
    unknown
        .fields
        .push(("diagnosis".into(), FieldValue::Str("x".into())));
    assert!(matches!(
        Record::create(unknown, &edit("u", 0), b"a"),
        Err(RecordError::UnknownField { .. })
    ));

    let mut record = interview();
    let before = record.save();
    assert!(
        record
            .set("place", FieldValue::Str("moon".into()), &edit("u", 1))
            .is_err()
    );
    assert!(
        record
            .set("situation", FieldValue::Str("x".into()), &edit("u", 1))
            .is_err()
    );
    assert!(
        record
            .splice_text("situation", 5, 0, "x", &edit("u", 1))
            .is_err()
    );
    assert!(record.clear("place", &edit("u", 1)).is_err());
    assert_eq!(record.save(), before, "failed edits change nothing");
}

#[test]
fn concurrent_narrative_edits_merge_and_scalars_converge() {
    let mut a = interview();
    a.replace_text("situation", "本人は退院に前向き。", &edit("u-spec", 1))
        .unwrap();
    let base = a.save();
    let mut b = Record::load(&base, b"actor-b").unwrap();
    let heads = a.heads();

    a.splice_text("situation", 0, 0, "【午前】", &edit("u-spec", 2))
        .unwrap();
    a.set("duration_minutes", FieldValue::Int(30), &edit("u-spec", 2))
        .unwrap();
    b.splice_text("situation", 10, 0, "家族も同意。", &edit("u-cw", 3))
        .unwrap();
    b.set("duration_minutes", FieldValue::Int(40), &edit("u-cw", 3))
        .unwrap();

    let from_a = a.changes_since(&heads);
    let from_b = b.changes_since(&heads);
    a.apply_changes(&from_b).unwrap();
    b.apply_changes(&from_a).unwrap();
    assert_eq!(
        a.text("situation").unwrap(),
        "【午前】本人は退院に前向き。家族も同意。"
    );
    assert_eq!(a.text("situation").unwrap(), b.text("situation").unwrap());
    assert_eq!(
        a.get("duration_minutes").unwrap(),
        b.get("duration_minutes").unwrap()
    );
    assert_eq!(a.heads(), b.heads());
    // Applying the same changes again is harmless.
    a.apply_changes(&from_b).unwrap();
    assert_eq!(a.text("situation").unwrap(), b.text("situation").unwrap());
}

#[test]
fn finalised_records_change_only_by_amendment_with_a_reason() {
    let mut record = interview();
    record
        .replace_text("assessment", "服薬は安定。", &edit("u-spec", 1))
        .unwrap();
    record.finalise(&edit("u-spec", 2)).unwrap();
    assert_eq!(
        record.replace_text("assessment", "変更", &edit("u-spec", 3)),
        Err(RecordError::Locked(Status::Finalised))
    );
    assert_eq!(
        record.amend(
            " ",
            &edit("u-spec", 3),
            &[Amendment::ReplaceText("assessment", "x")]
        ),
        Err(RecordError::NoReason)
    );
    let heads = record.heads();
    let failed = record.amend(
        "typo",
        &edit("u-spec", 3),
        &[
            Amendment::ReplaceText("assessment", "服薬は概ね安定。"),
            Amendment::Set("gaf_typo", FieldValue::Int(1)),
        ],
    );
    assert!(failed.is_err());
    assert_eq!(record.heads(), heads, "a failed amendment leaves no trace");
    assert_eq!(record.text("assessment").unwrap(), "服薬は安定。");

    record
        .amend(
            "聞き取りの補足",
            &edit("u-spec", 4),
            &[Amendment::ReplaceText("assessment", "服薬は概ね安定。")],
        )
        .unwrap();
    assert_eq!(record.meta().status, Status::Amended);
    assert_eq!(record.text("assessment").unwrap(), "服薬は概ね安定。");
    assert_eq!(
        record.amendments().unwrap(),
        vec![(at(4), "u-spec".into(), "聞き取りの補足".into())]
    );
    let reloaded = Record::load(&record.save(), b"z").unwrap();
    assert_eq!(reloaded.meta().status, Status::Amended);
}

#[test]
fn invalid_incoming_changes_are_rejected_whole() {
    let mut good = interview();
    let heads = good.heads();
    let base = good.save();

    // A peer writes a field that the schema forbids, using raw automerge.
    let mut raw = AutoCommit::load(&base)
        .unwrap()
        .with_actor(ActorId::from(b"evil".as_slice()));
    let fields = match raw.get(ROOT, "fields").unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => unreachable!(),
    };
    raw.put(&fields, "gaf", 5).unwrap();
    raw.put(&fields, "place", 12).unwrap();
    raw.commit();
    let evil: Vec<Vec<u8>> = raw
        .get_changes(&heads)
        .into_iter()
        .map(|mut c| c.bytes().into_owned())
        .collect();
    assert!(matches!(
        good.apply_changes(&evil),
        Err(RecordError::UnknownField { .. } | RecordError::InvalidValue { .. })
    ));
    assert_eq!(good.heads(), heads, "nothing was applied");

    // Changes that move the record to another person are refused too.
    let mut raw = AutoCommit::load(&base)
        .unwrap()
        .with_actor(ActorId::from(b"evil2".as_slice()));
    let meta = match raw.get(ROOT, "meta").unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => unreachable!(),
    };
    raw.put(&meta, "person_id", "someone-else").unwrap();
    raw.commit();
    let moved: Vec<Vec<u8>> = raw
        .get_changes(&heads)
        .into_iter()
        .map(|mut c| c.bytes().into_owned())
        .collect();
    assert_eq!(
        good.apply_changes(&moved),
        Err(RecordError::IdentityChanged("person"))
    );

    assert!(matches!(
        good.apply_changes(&[b"\x00garbage".to_vec()]),
        Err(RecordError::Malformed(_))
    ));
    assert!(matches!(
        Record::load(b"not automerge", b"a"),
        Err(RecordError::Malformed(_))
    ));
    assert_eq!(good.heads(), heads);

    // Changes whose history is missing are refused rather than parked.
    let mut ahead = Record::load(&base, b"ahead").unwrap();
    ahead
        .set("duration_minutes", FieldValue::Int(10), &edit("u", 5))
        .unwrap();
    let first = ahead.heads();
    ahead
        .set("duration_minutes", FieldValue::Int(20), &edit("u", 6))
        .unwrap();
    let only_second = ahead.changes_since(&first);
    assert_eq!(
        good.apply_changes(&only_second),
        Err(RecordError::MissingHistory)
    );
    assert_eq!(good.heads(), heads);
}

/// One raw change made by a peer that ignores the schema, and what
/// applying it does to a valid interview.
fn apply_raw(
    edit_doc: impl FnOnce(&mut AutoCommit, &ObjId, &ObjId),
) -> (Result<(), RecordError>, bool) {
    let mut good = interview();
    let heads = good.heads();
    let mut raw = AutoCommit::load(&good.save())
        .unwrap()
        .with_actor(ActorId::from(b"raw".as_slice()));
    let object = |raw: &AutoCommit, name: &str| match raw.get(ROOT, name).unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        _ => unreachable!(),
    };
    let (meta, fields) = (object(&raw, "meta"), object(&raw, "fields"));
    edit_doc(&mut raw, &meta, &fields);
    raw.commit();
    let changes: Vec<Vec<u8>> = raw
        .get_changes(&heads)
        .into_iter()
        .map(|mut c| c.bytes().into_owned())
        .collect();
    let outcome = good.apply_changes(&changes);
    let unchanged = good.heads() == heads;
    (outcome, unchanged)
}

#[test]
fn a_change_that_breaks_the_schema_is_refused_whatever_it_breaks() {
    let (outcome, unchanged) = apply_raw(|raw, _, fields| raw.delete(fields, "place").unwrap());
    assert_eq!(
        outcome,
        Err(RecordError::MissingField {
            kind: RecordKind::WardInterview,
            field: "place"
        })
    );
    assert!(unchanged);

    let (outcome, unchanged) = apply_raw(|raw, meta, _| {
        raw.put(meta, "created_at", "yesterday").unwrap();
    });
    assert_eq!(
        outcome,
        Err(RecordError::BadMeta {
            field: "created_at",
            expected: "a timestamp"
        })
    );
    assert!(unchanged);

    let (outcome, unchanged) = apply_raw(|raw, meta, _| {
        raw.put(meta, "author", "").unwrap();
    });
    assert_eq!(
        outcome,
        Err(RecordError::BadMeta {
            field: "author",
            expected: "a non-empty string"
        })
    );
    assert!(unchanged);

    let (outcome, unchanged) = apply_raw(|raw, _, fields| {
        raw.put(fields, "occurred_on", 20260401).unwrap();
    });
    assert!(
        matches!(&outcome, Err(RecordError::InvalidValue { field, .. }) if field == "occurred_on"),
        "{outcome:?}"
    );
    assert!(unchanged);

    let (outcome, unchanged) = apply_raw(|raw, _, _| {
        raw.put_object(ROOT, "meta", ObjType::List).unwrap();
    });
    assert!(
        matches!(&outcome, Err(RecordError::BadMeta { field: "meta", .. })),
        "{outcome:?}"
    );
    assert!(unchanged);

    // A valid change of the same shape goes through.
    let (outcome, unchanged) = apply_raw(|raw, _, fields| {
        raw.put(fields, "place", "home").unwrap();
    });
    assert_eq!(outcome, Ok(()));
    assert!(!unchanged);
}

#[test]
fn a_saved_document_stands_in_for_its_changes() {
    let mut original = interview();
    original
        .splice_text("situation", 0, 0, "病棟で面会。", &edit("u-spec", 1))
        .unwrap();
    for snapshot in [original.save(), original.save_uncompressed()] {
        let mut copy = Record::from_changes(std::slice::from_ref(&snapshot), b"actor-b").unwrap();
        assert_eq!(copy.heads(), original.heads());
        assert_eq!(copy.text("situation").unwrap(), "病棟で面会。");
        // A copy that diverged merges a document the same way as changes.
        copy.splice_text("situation", 0, 0, "午後、", &edit("u-cw", 2))
            .unwrap();
        let mut other = interview();
        other.apply_changes(&[copy.save_uncompressed()]).unwrap();
        assert_eq!(other.text("situation").unwrap(), "午後、病棟で面会。");
    }
    // A damaged document is refused and changes nothing.
    let mut damaged = original.save_uncompressed();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    let heads = original.heads();
    assert!(original.apply_changes(&[damaged.clone()]).is_err());
    assert!(Record::from_changes(&[damaged], b"x").is_err());
    assert_eq!(original.heads(), heads);
}

fn named(by: &str, name: &str, minute: u32) -> Edit {
    Edit {
        name: Some(name.into()),
        ..edit(by, minute)
    }
}

#[test]
fn versions_say_who_changed_which_fields_when_including_merged_offline_edits() {
    // Created by the specialist, who also writes the situation a minute
    // later: one version (a form save is several changes).
    let new = NewRecord {
        id: new_record_id(at(0), [8; 10]),
        kind: RecordKind::WardInterview,
        person_id: "person-1".into(),
        device: "tablet-a".into(),
        fields: vec![
            ("occurred_on".into(), date("2026-04-01")),
            ("place".into(), FieldValue::Str("ward".into())),
            (
                "interview_type".into(),
                FieldValue::Str("first_joint".into()),
            ),
        ],
    };
    let spec = |minute| named("u-spec", "相談 花子", minute);
    let mut a = Record::create(new, &spec(0), b"actor-a").unwrap();
    a.replace_text("situation", "病棟で面会。", &spec(1))
        .unwrap();
    let heads = a.heads();
    let mut b = Record::load(&a.save(), b"actor-b").unwrap();

    // Offline on another tablet, the caseworker adds to the situation and
    // sets the duration; meanwhile the specialist finalises with an
    // amendment later.
    b.splice_text("situation", 0, 0, "午後、", &named("u-cw", "福祉 健太", 10))
        .unwrap();
    b.set(
        "duration_minutes",
        FieldValue::Int(40),
        &named("u-cw", "福祉 健太", 10),
    )
    .unwrap();
    a.finalise(&spec(20)).unwrap();
    a.amend(
        "場所の誤記",
        &spec(30),
        &[Amendment::Set("place", FieldValue::Str("home".into()))],
    )
    .unwrap();
    a.apply_changes(&b.changes_since(&heads)).unwrap();

    let versions = a.versions();
    let summary: Vec<(u32, &str, Option<&str>, Vec<&str>)> = versions
        .iter()
        .map(|v| {
            (
                chrono::Timelike::minute(&v.at),
                v.by.as_str(),
                v.name.as_deref(),
                v.changed.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(summary[0].0, 0);
    assert_eq!(summary[0].1, "u-spec");
    assert_eq!(summary[0].2, Some("相談 花子"));
    let mut created = summary[0].3.clone();
    created.sort_unstable();
    assert_eq!(
        created,
        ["interview_type", "occurred_on", "place", "situation"],
        "filled fields only, not the empty narratives or the status"
    );
    assert_eq!(summary.len(), 4, "{summary:?}");
    // The offline edit merged last is placed by when it was made.
    assert_eq!(
        summary[1],
        (
            10,
            "u-cw",
            Some("福祉 健太"),
            vec!["situation", "duration_minutes"]
        )
    );
    assert_eq!(
        summary[2],
        (20, "u-spec", Some("相談 花子"), vec!["status"])
    );
    assert!(
        summary[3].3.contains(&"amendment") && summary[3].3.contains(&"place"),
        "{summary:?}"
    );

    // Changes from before names were recorded still show their user id.
    let mut old = interview();
    assert_eq!(old.versions()[0].name, None);
    assert_eq!(old.versions()[0].by, "u-spec");
}

fn conference() -> Record {
    let new = NewRecord {
        id: new_record_id(at(0), [9; 10]),
        kind: RecordKind::CaseConference,
        person_id: "person-1".into(),
        device: "tablet-a".into(),
        fields: vec![
            (
                "conference_type".into(),
                FieldValue::Str("discharge_support".into()),
            ),
            ("held_on".into(), date("2026-04-01")),
        ],
    };
    Record::create(new, &edit("u-coord", 0), b"actor-a").unwrap()
}

fn item(what: &str, owner: &str) -> actions::ActionItem {
    actions::ActionItem {
        what: what.into(),
        owner: owner.into(),
        due: "2026-04-15".parse().ok(),
        done: false,
    }
}

#[test]
fn action_items_merge_additions_and_ticks_from_two_tablets() {
    let mut a = conference();
    let first = [
        item("住居の見学", "相談支援専門員"),
        item("服薬の確認", "看護師"),
    ];
    a.set_actions("action_items", &first, &edit("u-coord", 1))
        .unwrap();
    let heads = a.heads();
    let mut b = Record::load(&a.save(), b"actor-b").unwrap();
    assert_eq!(b.actions("action_items").unwrap(), first);

    // Offline: A adds an item; B ticks the first one done.
    let mut added = first.to_vec();
    added.push(item("家族への連絡", "ケースワーカー"));
    a.set_actions("action_items", &added, &edit("u-coord", 2))
        .unwrap();
    let mut ticked = first.to_vec();
    ticked[0].done = true;
    b.set_actions("action_items", &ticked, &edit("u-spec", 3))
        .unwrap();
    a.apply_changes(&b.changes_since(&heads)).unwrap();
    b.apply_changes(&a.changes_since(&heads)).unwrap();
    let merged = a.actions("action_items").unwrap();
    assert_eq!(merged, b.actions("action_items").unwrap());
    assert_eq!(merged.len(), 3);
    assert!(merged[0].done, "B's tick kept");
    assert_eq!(merged[2].what, "家族への連絡", "A's addition kept");
    assert!(
        a.versions()
            .iter()
            .any(|v| v.by == "u-spec" && v.changed == ["action_items"]),
        "the history names the field"
    );

    // Removing from the end; an item without its "what" is refused.
    a.set_actions("action_items", &merged[..1], &edit("u-coord", 4))
        .unwrap();
    assert_eq!(a.actions("action_items").unwrap().len(), 1);
    let before = a.heads();
    assert!(
        a.set_actions("action_items", &[item("", "誰か")], &edit("u-coord", 5))
            .is_err()
    );
    assert_eq!(a.heads(), before, "nothing committed");

    // Finalised: only by amendment.
    a.finalise(&edit("u-coord", 6)).unwrap();
    assert!(matches!(
        a.set_actions("action_items", &merged, &edit("u-coord", 7)),
        Err(RecordError::Locked(_))
    ));
    let mut done = a.actions("action_items").unwrap();
    done[0].done = false;
    a.amend(
        "完了は誤り",
        &edit("u-coord", 8),
        &[Amendment::Actions("action_items", &done)],
    )
    .unwrap();
    assert!(!a.actions("action_items").unwrap()[0].done);
}

#[test]
fn a_malformed_action_item_makes_the_document_invalid() {
    let mut record = conference();
    record
        .set_actions(
            "action_items",
            &[item("見学", "専門員")],
            &edit("u-coord", 1),
        )
        .unwrap();
    let fields = record.fields_obj().unwrap();
    let Some((automerge::Value::Object(automerge::ObjType::List), list)) =
        record.doc.get(&fields, "action_items").unwrap()
    else {
        panic!("a list");
    };
    let Some((_, entry)) = record.doc.get(&list, 0).unwrap() else {
        panic!("an item");
    };
    record.doc.delete(&entry, "what").unwrap();
    record.doc.commit();
    let bytes = record.save();
    assert!(Record::load(&bytes, b"x").is_err(), "no what: refused");
}

#[test]
fn applying_reports_exactly_the_new_changes_as_they_were_sent() {
    let mut a = interview();
    let base = a.save();
    let heads = a.heads();
    a.replace_text("situation", "一回目", &edit("u-spec", 5))
        .unwrap();
    let first = a.changes_since(&heads);
    let after_first = a.heads();
    a.splice_text("situation", 0, 0, "二回目、", &edit("u-spec", 6))
        .unwrap();
    let second = a.changes_since(&after_first);
    let mut b = Record::load(&base, b"actor-b").unwrap();
    b.apply_changes(&first).unwrap();

    // Known, new and a duplicate of the new one: only the new one counts.
    let items: Vec<Vec<u8>> = first
        .iter()
        .chain(&second)
        .chain(&second)
        .cloned()
        .collect();
    let new = b.apply_new_changes(&items).unwrap();
    assert_eq!(new.changes, second, "the bytes as sent, once");
    let times: Vec<_> = new.stamps.iter().map(|s| s.at).collect();
    assert_eq!(times, vec![at(6)]);
    assert_eq!(new.stamps[0].by, "u-spec");
    assert_eq!(b.text("situation").unwrap(), a.text("situation").unwrap());
    assert!(b.apply_new_changes(&items).unwrap().changes.is_empty());

    // A whole document brings what it holds beyond this copy.
    let mut c = Record::load(&base, b"actor-c").unwrap();
    let new = c.apply_new_changes(&[a.save()]).unwrap();
    assert_eq!(new.changes.len(), first.len() + second.len());
    let times: Vec<_> = new.stamps.iter().map(|s| s.at).collect();
    assert_eq!(times, vec![at(5), at(6)]);
    assert_eq!(c.text("situation").unwrap(), a.text("situation").unwrap());

    // Changes whose history is missing change nothing.
    let mut d = Record::load(&base, b"actor-d").unwrap();
    assert!(matches!(
        d.apply_new_changes(&second),
        Err(RecordError::MissingHistory)
    ));
    assert_eq!(d.text("situation").unwrap(), "");
}
