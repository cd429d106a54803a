//! The sessions end to end over an in-memory "network".

use super::client::ClientSession;
use super::device_store::DeviceStore;
use super::memory_server::MemoryServerStore;
use super::server::ServerSession;
use super::{Caller, Output};
use crate::protocol::{ClientMessage, ErrorCode, Rejection, ServerMessage};
use crate::record::schema::RecordKind;
use crate::record::{Edit, FieldValue, NewRecord, new_record_id};
use crate::role::Role;
use chrono::{DateTime, TimeZone, Utc};

pub(super) struct Device {
    pub(super) caller: Caller,
    pub(super) store: DeviceStore,
    client: ClientSession,
    server: Option<ServerSession>,
}

impl Device {
    fn new(user: &str, role: Role, device: &str) -> Self {
        Device {
            caller: Caller {
                user_id: user.into(),
                display_name: format!("{user} name"),
                role,
                device_id: device.into(),
            },
            store: DeviceStore::new(device.as_bytes()),
            client: ClientSession::new(),
            server: None,
        }
    }

    /// Connects and exchanges frames until both sides are quiet; returns
    /// the number of round trips (client flights answered by the server).
    pub(super) fn sync(&mut self, server: &mut MemoryServerStore) -> usize {
        let mut session = ServerSession::new(self.caller.clone());
        let mut to_server = self.client.on_connect(&mut self.store).unwrap().frames;
        let mut round_trips = 0;
        while !to_server.is_empty() {
            if to_server
                .iter()
                .any(|f| ClientMessage::frame_expects_reply(f))
            {
                round_trips += 1;
            }
            let mut to_client = Vec::new();
            for frame in to_server.drain(..) {
                let Output { frames, close } = session.on_frame(&frame, server);
                assert!(
                    !close,
                    "server closed: {:?}",
                    frames
                        .iter()
                        .map(|f| ServerMessage::decode(f))
                        .collect::<Vec<_>>()
                );
                to_client.extend(frames);
            }
            for frame in to_client {
                to_server.extend(
                    self.client
                        .on_frame(&frame, &mut self.store)
                        .unwrap()
                        .frames,
                );
            }
        }
        assert!(self.client.is_idle());
        self.server = Some(session);
        round_trips
    }

    pub(super) fn text(&mut self, id: &str, field: &str) -> String {
        self.store.record_mut(id).unwrap().text(field).unwrap()
    }
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 10, minute, 0).unwrap()
}

pub(super) fn interview(device: &mut Device, person: &str, minute: u32) -> String {
    let new = NewRecord {
        id: new_record_id(at(minute), [minute as u8; 10]),
        kind: RecordKind::WardInterview,
        person_id: person.into(),
        device: device.caller.device_id.clone(),
        fields: vec![
            (
                "occurred_on".into(),
                FieldValue::Date(at(minute).date_naive()),
            ),
            ("place".into(), FieldValue::Str("ward".into())),
            ("interview_type".into(), FieldValue::Str("continued".into())),
        ],
    };
    let edit = Edit {
        by: device.caller.user_id.clone(),
        name: None,
        at: at(minute),
    };
    device.store.create(new, &edit).unwrap()
}

pub(super) fn edit_by(device: &Device, minute: u32) -> Edit {
    Edit {
        by: device.caller.user_id.clone(),
        name: None,
        at: at(minute),
    }
}

pub(super) fn setup() -> (MemoryServerStore, Device, Device, Device, Device) {
    let mut server = MemoryServerStore::default();
    for user in ["spec", "cw", "peer"] {
        server.assign(user, "p1");
    }
    server.assign("other-spec", "p2");
    (
        server,
        Device::new("spec", Role::SupportSpecialist, "tab-spec"),
        Device::new("cw", Role::Caseworker, "tab-cw"),
        Device::new("peer", Role::PeerSupporter, "tab-peer"),
        Device::new("other-spec", Role::SupportSpecialist, "tab-other"),
    )
}

#[test]
fn offline_notes_reach_entitled_devices_and_concurrent_edits_converge() {
    let (mut server, mut spec, mut cw, mut peer, mut other) = setup();
    let id = interview(&mut spec, "p1", 0);
    let e = edit_by(&spec, 1);
    spec.store
        .edit(&id, |r| r.replace_text("situation", "本人と面会した。", &e))
        .unwrap();
    assert_eq!(spec.store.waiting(), 2, "two local changes wait");

    assert_eq!(
        spec.sync(&mut server),
        1,
        "hello + push answered in one round trip"
    );
    assert_eq!(
        spec.store.waiting(),
        0,
        "acknowledged after the server committed"
    );
    assert_eq!(cw.sync(&mut server), 1);
    assert_eq!(cw.text(&id, "situation"), "本人と面会した。");

    // Both edit the same narrative offline, in different places.
    let e = edit_by(&spec, 2);
    spec.store
        .edit(&id, |r| r.splice_text("situation", 0, 0, "午前、", &e))
        .unwrap();
    let e = edit_by(&cw, 3);
    cw.store
        .edit(&id, |r| {
            r.splice_text("situation", 8, 0, "退院の希望あり。", &e)
        })
        .unwrap();
    spec.sync(&mut server);
    cw.sync(&mut server);
    spec.sync(&mut server);
    assert_eq!(
        spec.text(&id, "situation"),
        "午前、本人と面会した。退院の希望あり。"
    );
    assert_eq!(spec.text(&id, "situation"), cw.text(&id, "situation"));
    let server_doc = crate::record::Record::load(server.snapshot(&id).unwrap(), b"check").unwrap();
    assert_eq!(
        server_doc.text("situation").unwrap(),
        spec.text(&id, "situation")
    );

    // Need-to-know: the peer and the unassigned specialist get nothing.
    peer.sync(&mut server);
    other.sync(&mut server);
    assert_eq!(peer.store.ids().count(), 0);
    assert_eq!(other.store.ids().count(), 0);

    // Nothing new: one round trip, and nothing but the empty feed page comes back.
    assert_eq!(spec.sync(&mut server), 1);
}

#[test]
fn forbidden_writes_are_rejected_but_kept_on_the_device() {
    let (mut server, _spec, _cw, mut peer, mut other) = setup();
    let id = interview(&mut peer, "p1", 0);
    peer.sync(&mut server);
    assert_eq!(peer.store.rejected().get(&id), Some(&Rejection::Forbidden));
    assert_eq!(peer.store.waiting(), 1, "the note is not lost");
    assert!(server.snapshot(&id).is_none());

    let id = interview(&mut other, "p1", 1);
    other.sync(&mut server);
    assert_eq!(
        other.store.rejected().get(&id),
        Some(&Rejection::Forbidden),
        "not on the caseload"
    );
    assert_eq!(server.feed_len(), 0);
}

#[test]
fn a_lost_acknowledgement_is_resent_without_duplicating_anything() {
    let (mut server, mut spec, mut cw, _peer, _other) = setup();
    let id = interview(&mut spec, "p1", 0);
    let mut session = ServerSession::new(spec.caller.clone());
    for frame in spec.client.on_connect(&mut spec.store).unwrap().frames {
        session.on_frame(&frame, &mut server); // answers are lost
    }
    spec.client.on_disconnect();
    assert_eq!(server.feed_len(), 1, "committed before the connection died");
    assert_eq!(
        spec.store.waiting(),
        1,
        "not acknowledged, so still waiting"
    );

    spec.sync(&mut server);
    assert_eq!(spec.store.waiting(), 0);
    assert_eq!(server.feed_len(), 1, "the re-push added nothing");
    cw.sync(&mut server);
    assert!(
        !cw.store.is_loaded(&id),
        "a document received whole stays bytes until read"
    );
    assert!(cw.store.record_mut(&id).is_some());
}

#[test]
fn bad_frames_get_an_error_and_change_nothing() {
    let (mut server, spec, _cw, _peer, _other) = setup();
    let mut session = ServerSession::new(spec.caller.clone());
    let push = ClientMessage::Push {
        batch: 1,
        docs: vec![],
    }
    .encode()
    .unwrap();
    for (frame, code) in [
        (push.clone(), ErrorCode::UnexpectedMessage),
        (vec![0xff, 1, 2], ErrorCode::UnsupportedVersion),
        (vec![], ErrorCode::Malformed),
        (
            ServerMessage::Caseload {
                added: vec![],
                removed: vec![],
            }
            .encode()
            .unwrap(),
            ErrorCode::Malformed,
        ),
    ] {
        let out = session.on_frame(&frame, &mut server);
        assert!(out.close);
        match ServerMessage::decode(&out.frames[0]).unwrap() {
            ServerMessage::Error { code: got, .. } => assert_eq!(got, code),
            other => panic!("expected an error, got {other:?}"),
        }
    }
    // A push of garbage changes is a per-record rejection, not a crash.
    session.on_frame(
        &ClientMessage::Hello { cursor: 0 }.encode().unwrap(),
        &mut server,
    );
    let bad = ClientMessage::Push {
        batch: 1,
        docs: vec![crate::protocol::DocChanges {
            id: "x".into(),
            changes: vec![vec![1, 2, 3]],
        }],
    };
    let out = session.on_frame(&bad.encode().unwrap(), &mut server);
    assert!(!out.close);
    assert!(matches!(
        ServerMessage::decode(&out.frames[0]).unwrap(),
        ServerMessage::Accepted { results, .. } if matches!(&results[0], crate::protocol::DocOutcome::Rejected { reason: Rejection::Invalid(_), .. })
    ));
    assert_eq!(server.feed_len(), 0);
}

#[test]
fn a_handover_purges_the_old_device_and_backfills_the_new_one() {
    let (mut server, mut spec, mut cw, _peer, mut other) = setup();
    let first = interview(&mut spec, "p1", 1);
    spec.sync(&mut server);
    cw.sync(&mut server);
    other.sync(&mut server);
    // Held as received, not read: the purge below must still find its person.
    assert!(cw.store.ids().any(|id| *id == first) && !cw.store.is_loaded(&first));
    assert!(other.store.record_mut(&first).is_none());
    // More history after `other` last synced with a cursor past it.
    let second = interview(&mut spec, "p1", 2);
    spec.sync(&mut server);
    other.sync(&mut server);
    let cursor_before = other.store.ids().count();
    assert_eq!(cursor_before, 0, "still not on other's caseload");

    // p1 moves from cw to other.
    server.unassign("cw", "p1");
    server.assign("other-spec", "p1");
    let trips = other.sync(&mut server);
    assert!(
        other.store.record_mut(&first).is_some(),
        "the whole history arrives"
    );
    assert!(other.store.record_mut(&second).is_some());
    assert_eq!(trips, 1, "the confirmation is a notice, not a request");
    cw.sync(&mut server);
    assert_eq!(cw.store.ids().count(), 0, "the old device purged p1");

    // Confirmed: the next sync sends neither history nor purge again.
    let trips = other.sync(&mut server);
    assert_eq!(trips, 1);
    let caseload_messages = |device: &mut Device, server: &mut MemoryServerStore| {
        let mut session = ServerSession::new(device.caller.clone());
        let frames = device.client.on_connect(&mut device.store).unwrap().frames;
        let mut count = 0;
        for frame in frames {
            for reply in session.on_frame(&frame, server).frames {
                if matches!(
                    ServerMessage::decode(&reply).unwrap(),
                    ServerMessage::Caseload { .. }
                ) {
                    count += 1;
                }
            }
        }
        device.client.on_disconnect();
        count
    };
    assert_eq!(caseload_messages(&mut other, &mut server), 0);
    // An unconfirmed purge is sent again at the next connection.
    server.assign("cw", "p1");
    cw.sync(&mut server);
    server.unassign("cw", "p1");
    assert_eq!(
        caseload_messages(&mut cw, &mut server),
        1,
        "purge, answer lost"
    );
    assert_eq!(
        caseload_messages(&mut cw, &mut server),
        1,
        "so it comes again"
    );
}

#[test]
fn a_purge_never_deletes_a_note_the_server_has_not_acknowledged() {
    let (mut server, mut spec, _cw, _peer, _other) = setup();
    let synced = interview(&mut spec, "p1", 1);
    spec.sync(&mut server);
    let unsent = interview(&mut spec, "p1", 2);
    server.unassign("spec", "p1");
    // Only the Hello reaches the server; the push in the same flight is lost.
    let mut session = ServerSession::new(spec.caller.clone());
    let flight = spec.client.on_connect(&mut spec.store).unwrap().frames;
    let replies = session.on_frame(&flight[0], &mut server).frames;
    let mut answers = Vec::new();
    for reply in replies {
        answers.extend(
            spec.client
                .on_frame(&reply, &mut spec.store)
                .unwrap()
                .frames,
        );
    }
    assert!(
        spec.store.record_mut(&synced).is_none(),
        "acknowledged notes are purged"
    );
    assert!(
        spec.store.record_mut(&unsent).is_some(),
        "the unsent note stays"
    );
    let confirmed = answers
        .iter()
        .find_map(|f| match ClientMessage::decode(f).unwrap() {
            ClientMessage::CaseloadApplied { removed, .. } => Some(removed),
            _ => None,
        })
        .expect("the caseload change is answered");
    assert!(
        confirmed.is_empty(),
        "p1 is not confirmed gone while a note waits"
    );
}

#[test]
fn a_device_that_only_pushes_is_never_sent_its_own_notes_back() {
    let (mut server, mut spec, _cw, _peer, _other) = setup();
    for minute in 0..5 {
        interview(&mut spec, "p1", minute);
    }
    spec.sync(&mut server);
    let id = interview(&mut spec, "p1", 10);
    let mut session = ServerSession::new(spec.caller.clone());
    let flight = spec.client.on_connect(&mut spec.store).unwrap().frames;
    let mut docs_received = 0;
    for frame in flight {
        for reply in session.on_frame(&frame, &mut server).frames {
            if let ServerMessage::Changes { docs, .. } = ServerMessage::decode(&reply).unwrap() {
                docs_received += docs.len();
            }
        }
    }
    assert_eq!(docs_received, 0, "its cursor moved past its own pushes");
    assert!(server.snapshot(&id).is_some());
}

/// A device reopened from storage keeps its records dormant (bytes, not
/// documents); syncing, editing, exporting and purging treat them exactly
/// like loaded ones, and only what is touched gets loaded.
#[test]
fn dormant_records_sync_and_purge_like_loaded_ones() {
    let (mut server, mut spec, mut cw, _, _) = setup();
    let first = interview(&mut spec, "p1", 1);
    let second = interview(&mut spec, "p1", 2);
    spec.sync(&mut server);
    cw.sync(&mut server);
    // An unsent edit, then the tablet restarts: everything comes back dormant.
    let edit = edit_by(&cw, 3);
    cw.store
        .edit(&first, |r| {
            r.replace_text("situation", "再起動前の記入", &edit)
        })
        .unwrap();
    let mut reopened = Device::new("cw", Role::Caseworker, "tab-cw");
    for id in [&first, &second] {
        let stored = cw.store.export(id).unwrap();
        reopened.store.import_dormant(id, "p1", stored);
    }
    reopened.store.restore_cursor(cw.store.cursor().unwrap());
    assert_eq!(reopened.store.ids().count(), 2);
    assert!(
        reopened.store.record(&second).is_none(),
        "dormant until needed"
    );
    assert_eq!(
        reopened.store.waiting_records(),
        1,
        "the unsent edit survives"
    );
    let untouched = reopened.store.export(&second).unwrap();
    assert_eq!(
        untouched,
        cw.store.export(&second).unwrap(),
        "exported as stored"
    );

    // A colleague edits the second note; the reopened device pushes its
    // edit without loading the first, and merges into the second.
    let edit = edit_by(&spec, 4);
    spec.store
        .edit(&second, |r| {
            r.replace_text("situation", "同僚の追記", &edit)
        })
        .unwrap();
    spec.sync(&mut server);
    reopened.sync(&mut server);
    assert_eq!(reopened.store.waiting_records(), 0);
    assert!(
        !reopened.store.is_loaded(&first),
        "pushing needs no document"
    );
    assert_eq!(reopened.text(&second, "situation"), "同僚の追記");
    spec.sync(&mut server);
    assert_eq!(spec.text(&first, "situation"), "再起動前の記入");

    // Editing wakes a dormant record; a handover purges dormant ones too.
    let mut again = Device::new("cw", Role::Caseworker, "tab-cw");
    again
        .store
        .import_dormant(&first, "p1", reopened.store.export(&first).unwrap());
    assert_eq!(
        again
            .store
            .record_mut(&first)
            .unwrap()
            .text("situation")
            .unwrap(),
        "再起動前の記入"
    );
    again
        .store
        .import_dormant(&second, "p1", reopened.store.export(&second).unwrap());
    use super::client::ClientStore;
    let gone = again.store.purge_persons(&["p1".to_owned()]).unwrap();
    assert_eq!(gone, vec!["p1".to_owned()]);
    assert_eq!(again.store.ids().count(), 0);
}

#[test]
fn a_new_note_goes_up_as_one_document_and_an_edit_made_in_flight_is_kept() {
    let (mut server, mut spec, mut cw, _, _) = setup();
    let id = interview(&mut spec, "p1", 0);
    let e = edit_by(&spec, 1);
    spec.store
        .edit(&id, |r| r.replace_text("situation", "初回の面会。", &e))
        .unwrap();
    assert_eq!(spec.store.waiting(), 2);

    // Never acknowledged: the whole record travels as its saved document.
    let mut client = ClientSession::new();
    let mut session = ServerSession::new(spec.caller.clone());
    let flight = client.on_connect(&mut spec.store).unwrap().frames;
    let ClientMessage::Push { docs, .. } = ClientMessage::decode(&flight[1]).unwrap() else {
        panic!("hello then push expected");
    };
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].changes.len(), 1, "one document, not two changes");
    // An edit saved while the push is in flight.
    let e = edit_by(&spec, 2);
    spec.store
        .edit(&id, |r| r.splice_text("situation", 0, 0, "午後、", &e))
        .unwrap();
    assert_eq!(spec.store.waiting(), 3);
    let mut replies = Vec::new();
    for frame in &flight {
        replies.extend(session.on_frame(frame, &mut server).frames);
    }
    let mut next = Vec::new();
    for frame in &replies {
        next.extend(client.on_frame(frame, &mut spec.store).unwrap().frames);
    }
    assert_eq!(server.feed_len(), 1, "the new record is one feed item");
    assert_eq!(
        spec.store.waiting(),
        1,
        "the document covered the two older changes; the new edit waits"
    );
    // The edit goes up next as a change, not as the document again.
    let docs = next
        .iter()
        .find_map(|frame| match ClientMessage::decode(frame).unwrap() {
            ClientMessage::Push { docs, .. } => Some(docs),
            _ => None,
        })
        .expect("the waiting edit is pushed after the acknowledgement");
    assert_eq!(docs[0].changes.len(), 1);
    assert!(crate::record::Record::change_time(&docs[0].changes[0]).is_some());
    for frame in &next {
        for reply in session.on_frame(frame, &mut server).frames {
            client.on_frame(&reply, &mut spec.store).unwrap();
        }
    }
    assert_eq!(spec.store.waiting(), 0);
    assert_eq!(server.feed_len(), 2);

    cw.sync(&mut server);
    assert_eq!(cw.text(&id, "situation"), "午後、初回の面会。");
}

#[test]
fn a_big_push_merged_on_several_threads_keeps_every_outcome_in_order() {
    let mut server = MemoryServerStore::default();
    server.assign("spec", "p1");
    let mut spec = Device::new("spec", Role::SupportSpecialist, "tab-spec");
    let mut ids = Vec::new();
    for minute in 0..40 {
        ids.push(interview(&mut spec, "p1", minute));
    }
    // One record of another person: forbidden, whichever thread merges it.
    let forbidden = interview(&mut spec, "p2", 45);
    let mut client = ClientSession::new();
    let mut session = ServerSession::new(spec.caller.clone()).with_workers(3);
    for frame in client.on_connect(&mut spec.store).unwrap().frames {
        for reply in session.on_frame(&frame, &mut server).frames {
            if let ServerMessage::Accepted { results, .. } = ServerMessage::decode(&reply).unwrap()
            {
                let mut expected: Vec<&str> =
                    ids.iter().chain([&forbidden]).map(String::as_str).collect();
                expected.sort();
                let got: Vec<&str> = results.iter().map(|r| r.id()).collect();
                assert_eq!(got, expected, "one outcome per record, in push order");
                let rejected: Vec<_> = results
                    .iter()
                    .filter(|r| matches!(r, crate::protocol::DocOutcome::Rejected { .. }))
                    .collect();
                assert_eq!(
                    rejected,
                    [&crate::protocol::DocOutcome::Rejected {
                        id: forbidden.clone(),
                        reason: Rejection::Forbidden
                    }]
                );
            }
            client.on_frame(&reply, &mut spec.store).unwrap();
        }
    }
    assert_eq!(server.feed_len(), 40);
    for id in &ids {
        assert!(server.snapshot(id).is_some());
    }
    assert_eq!(
        spec.store.waiting_records(),
        1,
        "only the forbidden note waits"
    );
}

#[test]
fn a_persisted_note_goes_up_as_the_bytes_persisted_and_a_later_edit_is_never_left_out() {
    let (mut server, mut spec, mut cw, _, _) = setup();
    let first = interview(&mut spec, "p1", 0);
    let second = interview(&mut spec, "p1", 1);
    // The app persists every note it saves.
    let persisted_first = spec.store.export(&first).unwrap().document;
    let persisted_second = spec.store.export(&second).unwrap().document;
    // The second note is edited after it was persisted.
    let e = edit_by(&spec, 2);
    spec.store
        .edit(&second, |r| {
            r.replace_text("situation", "退院後の住まい。", &e)
        })
        .unwrap();

    let mut client = ClientSession::new();
    let flight = client.on_connect(&mut spec.store).unwrap().frames;
    let ClientMessage::Push { docs, .. } = ClientMessage::decode(&flight[1]).unwrap() else {
        panic!("hello then push expected");
    };
    let sent = |id: &str| {
        let doc = docs.iter().find(|d| d.id == id).unwrap();
        assert_eq!(doc.changes.len(), 1, "one document each");
        doc.changes[0].clone()
    };
    assert_eq!(sent(&first), persisted_first);
    assert_ne!(sent(&second), persisted_second, "its heads moved");
    let pushed = crate::record::Record::load(&sent(&second), b"check").unwrap();
    assert_eq!(pushed.text("situation").unwrap(), "退院後の住まい。");

    let mut session = ServerSession::new(spec.caller.clone());
    for frame in &flight {
        for reply in session.on_frame(frame, &mut server).frames {
            client.on_frame(&reply, &mut spec.store).unwrap();
        }
    }
    assert_eq!(spec.store.waiting(), 0);
    cw.sync(&mut server);
    assert_eq!(cw.text(&second, "situation"), "退院後の住まい。");
}
