//! A note the server refused stays on the device with its reason until the
//! user acts: an edit or "send again" offers it anew, and only a note the
//! server never stored can be discarded.

use super::tests::{edit_by, interview, setup};
use crate::protocol::Rejection;

#[test]
fn a_refused_note_is_sent_again_once_the_reason_is_gone() {
    let (mut server, _spec, _cw, _peer, mut other) = setup();
    // Written for a person not (yet) on the writer's caseload.
    let id = interview(&mut other, "p1", 0);
    other.sync(&mut server);
    assert_eq!(other.store.rejected().get(&id), Some(&Rejection::Forbidden));

    // Assigned now, but a refused note is not offered again by itself.
    server.assign("other-spec", "p1");
    other.sync(&mut server);
    assert!(server.snapshot(&id).is_none(), "held until the user says");
    assert!(other.store.retry(&id), "it was refused");
    assert!(!other.store.retry(&id), "once");
    other.sync(&mut server);
    assert!(server.snapshot(&id).is_some());
    assert!(other.store.rejected().is_empty());
    assert_eq!(other.store.waiting(), 0);
    assert!(
        !other.store.discard_refused(&id),
        "a stored note is never discarded"
    );
    assert!(other.store.record_mut(&id).is_some());
}

#[test]
fn an_edit_offers_a_refused_note_again() {
    let (mut server, _spec, _cw, _peer, mut other) = setup();
    let id = interview(&mut other, "p1", 0);
    other.sync(&mut server);
    assert!(other.store.rejected().contains_key(&id));
    server.assign("other-spec", "p1");
    let e = edit_by(&other, 1);
    other
        .store
        .edit(&id, |r| r.replace_text("situation", "直した。", &e))
        .unwrap();
    assert!(other.store.rejected().is_empty(), "the fix goes up");
    other.sync(&mut server);
    assert!(server.snapshot(&id).is_some());
}

#[test]
fn only_a_refused_note_the_server_never_stored_can_be_discarded() {
    let (mut server, mut spec, _cw, _peer, mut other) = setup();
    // Not refused: kept whatever is asked.
    let kept = interview(&mut spec, "p1", 0);
    assert!(spec.store.never_stored(&kept));
    assert!(!spec.store.discard_refused(&kept));
    spec.sync(&mut server);
    assert!(!spec.store.never_stored(&kept), "stored now");

    let refused = interview(&mut other, "p1", 1);
    other.sync(&mut server);
    assert!(other.store.never_stored(&refused));
    assert!(other.store.discard_refused(&refused));
    assert!(other.store.record_mut(&refused).is_none());
    assert_eq!(other.store.waiting(), 0);
    assert!(other.store.rejected().is_empty());
    assert!(
        other.store.export(&refused).is_none(),
        "its stored copy goes"
    );
    // Nothing of it ever reaches the server.
    other.sync(&mut server);
    assert!(server.snapshot(&refused).is_none());
}
