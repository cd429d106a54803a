//! The server session fed a Hello and then arbitrary frames, some of them
//! pushes of arbitrary bytes as automerge changes: it answers or closes,
//! never panics, and what it stored is always a valid record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tsunagu_sync::protocol::{ClientMessage, DocChanges};
use tsunagu_sync::record::Record;
use tsunagu_sync::role::Role;
use tsunagu_sync::session::Caller;
use tsunagu_sync::session::memory_server::MemoryServerStore;
use tsunagu_sync::session::server::{ServerSession, ServerStore};

fuzz_target!(|data: &[u8]| {
    let mut store = MemoryServerStore::default();
    store.assign("u1", "p1");
    let caller = Caller {
        user_id: "u1".into(),
        display_name: "u1 name".into(),
        role: Role::SupportSpecialist,
        device_id: "d1".into(),
    };
    let mut session = ServerSession::new(caller);
    let hello = ClientMessage::Hello { cursor: 0 }.encode().expect("encodes");
    session.on_frame(&hello, &mut store);
    // First half: raw frames; second half: the same bytes as a pushed change.
    let (raw, as_change) = data.split_at(data.len() / 2);
    for frame in raw.split(|b| *b == 0xfe) {
        if session.on_frame(frame, &mut store).close {
            session = ServerSession::new(session.caller().clone());
            session.on_frame(&hello, &mut store);
        }
    }
    let push = ClientMessage::Push {
        batch: 1,
        docs: vec![DocChanges { id: "r1".into(), changes: vec![as_change.to_vec()] }],
    };
    session.on_frame(&push.encode().expect("encodes"), &mut store);
    if let Ok(Some(stored)) = store.load_record("r1") {
        Record::load(&stored.snapshot, b"check")
            .expect("whatever the server stored is a valid record");
    }
});
