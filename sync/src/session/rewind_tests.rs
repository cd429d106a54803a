//! The server went back in time (restored from a backup): devices notice,
//! give back what it lost, and nobody's notes are purged or refused for
//! good because of it.

use super::client::ClientStore;
use super::tests::{edit_by, interview, setup};
use crate::record::Record;
use crate::record::schema::RecordKind;

fn heads_on_server(
    server: &super::memory_server::MemoryServerStore,
    id: &str,
) -> Option<Vec<crate::record::ChangeHash>> {
    let bytes = server.snapshot(id)?;
    Some(Record::load(bytes, b"check").unwrap().heads())
}

#[test]
fn a_restored_server_gets_back_every_acknowledged_change_from_the_devices() {
    let (mut server, mut spec, mut cw, _, _) = setup();
    let first = interview(&mut spec, "p1", 0);
    spec.sync(&mut server);
    cw.sync(&mut server);
    let backup = server.clone();

    // After the backup: a new note and an edit, both acknowledged, and
    // the caseworker's tablet receives them.
    let second = interview(&mut spec, "p1", 5);
    let e = edit_by(&spec, 6);
    spec.store
        .edit(&first, |r| {
            r.replace_text("situation", "退院の話をした。", &e)
        })
        .unwrap();
    spec.sync(&mut server);
    assert_eq!(spec.store.waiting(), 0, "the server acknowledged both");
    cw.sync(&mut server);
    assert_eq!(cw.text(&first, "situation"), "退院の話をした。");

    server.restore_from(&backup);
    assert!(
        heads_on_server(&server, &second).is_none(),
        "the restore lost it"
    );

    // The caseworker's tablet connects first: it holds the specialist's
    // changes, which only the specialist's device may give back. They
    // wait, unrefused, on the tablet; nothing is purged.
    cw.sync(&mut server);
    assert!(cw.store.rejected().is_empty(), "{:?}", cw.store.rejected());
    assert_eq!(cw.store.resending(), 2);
    assert_eq!(cw.store.ids().count(), 2);
    assert!(heads_on_server(&server, &second).is_none());

    // The specialist's tablet gives back its own, acknowledged before.
    spec.sync(&mut server);
    assert_eq!(spec.store.resending(), 0);
    for id in [&first, &second] {
        let mine = spec.store.record_mut(id).unwrap().heads();
        assert_eq!(heads_on_server(&server, id), Some(mine), "{id} is back");
    }
    assert_eq!(
        spec.store.record_mut(&first).unwrap().meta().kind,
        RecordKind::WardInterview
    );

    // At its next connection the caseworker's tablet offers its copies
    // again; the server has them now, and the queue empties.
    cw.sync(&mut server);
    assert_eq!(cw.store.resending(), 0);
    assert!(cw.store.rejected().is_empty());
    assert_eq!(cw.text(&first, "situation"), "退院の話をした。");
}

#[test]
fn a_cursor_beyond_the_feed_s_end_means_the_server_went_back_too() {
    let (mut server, mut spec, _, _, _) = setup();
    let backup = server.clone();
    let note = interview(&mut spec, "p1", 0);
    spec.sync(&mut server);
    // Put back by hand: the same history id, but an older feed.
    server = backup;
    spec.sync(&mut server);
    assert_eq!(
        heads_on_server(&server, &note),
        Some(spec.store.record_mut(&note).unwrap().heads())
    );
    assert!(spec.store.history().unwrap().is_some());
}

#[test]
fn a_device_on_the_same_history_sends_nothing_again() {
    let (mut server, mut spec, _, _, _) = setup();
    interview(&mut spec, "p1", 0);
    spec.sync(&mut server);
    let feed = server.feed_len();
    spec.sync(&mut server);
    assert_eq!(spec.store.resending(), 0);
    assert_eq!(server.feed_len(), feed);
}

#[test]
fn two_devices_that_each_hold_the_other_s_lost_edits_both_give_theirs_back() {
    let (mut server, mut spec, _, _, mut other) = setup();
    server.assign("other-spec", "p1");
    let note = interview(&mut spec, "p1", 0);
    spec.sync(&mut server);
    other.sync(&mut server);
    let backup = server.clone();

    // After the backup, edits that build on each other: the specialist's,
    // then the colleague's on top, then the specialist's again.
    let splice = |device: &mut super::tests::Device, minute: u32, text: &str| {
        let e = edit_by(device, minute);
        device
            .store
            .edit(&note, |r| r.splice_text("situation", 0, 0, text, &e))
            .unwrap();
    };
    splice(&mut spec, 1, "一。");
    spec.sync(&mut server);
    other.sync(&mut server);
    splice(&mut other, 2, "二。");
    other.sync(&mut server);
    spec.sync(&mut server);
    splice(&mut spec, 3, "三。");
    spec.sync(&mut server);
    other.sync(&mut server);
    let everything = spec.store.record_mut(&note).unwrap().heads();

    server.restore_from(&backup);
    // Each connection takes what each device can give of its own.
    for _ in 0..2 {
        spec.sync(&mut server);
        other.sync(&mut server);
    }
    assert_eq!(heads_on_server(&server, &note), Some(everything));
    assert_eq!(spec.store.resending() + other.store.resending(), 0);
    assert!(spec.store.rejected().is_empty() && other.store.rejected().is_empty());
    assert_eq!(
        spec.text(&note, "situation"),
        other.text(&note, "situation")
    );
}

#[test]
fn a_document_with_a_forged_colleague_change_gives_back_only_the_pusher_s_part() {
    let (mut server, mut spec, _, _, mut other) = setup();
    server.assign("other-spec", "p1");
    let note = interview(&mut spec, "p1", 0);
    spec.sync(&mut server);
    other.sync(&mut server);
    // The colleague's tablet forges a change signed by the specialist,
    // then adds one of its own on top, and pushes the document whole.
    let forged = edit_by(&spec, 1);
    let own = edit_by(&other, 2);
    other
        .store
        .edit(&note, |r| r.splice_text("situation", 0, 0, "偽。", &forged))
        .unwrap();
    other
        .store
        .edit(&note, |r| r.splice_text("situation", 0, 0, "本。", &own))
        .unwrap();
    other.store.enter_history("memory-0", true).unwrap();
    other.sync(&mut server);
    // Nothing of it is taken: the forged change is not the pusher's, and
    // the pusher's own change builds on it.
    let stored = Record::load(server.snapshot(&note).unwrap(), b"check")
        .unwrap()
        .text("situation")
        .unwrap();
    assert!(!stored.contains('偽') && !stored.contains('本'), "{stored}");
    assert!(other.store.rejected().is_empty());
    assert_eq!(other.store.resending(), 1, "kept, offered again later");
}
