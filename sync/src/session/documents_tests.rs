//! A first download's documents come with their list summaries for
//! devices that read them (revision 3), and as plain `Changes` for older
//! builds, which summarise what they receive themselves.

use super::server::ServerSession;
use super::tests::{interview, setup};
use crate::protocol::{ClientMessage, ServerMessage};
use crate::record::Record;
use crate::record::summary::summarise;

fn open(revision: u32) -> Vec<u8> {
    ClientMessage::Open {
        cursor: 0,
        history: None,
        revision,
        team: 0,
    }
    .encode()
    .unwrap()
}

#[test]
fn documents_carry_the_summary_of_exactly_what_is_sent() {
    let (mut server, mut spec, cw, _peer, _other) = setup();
    let ids = [interview(&mut spec, "p1", 0), interview(&mut spec, "p1", 1)];
    spec.sync(&mut server);

    let mut session = ServerSession::new(cw.caller.clone());
    let out = session.on_frame(&open(3), &mut server);
    let mut seen = Vec::new();
    for frame in &out.frames {
        match ServerMessage::decode(frame).unwrap() {
            ServerMessage::Documents {
                docs, summaries, ..
            } => {
                assert_eq!(docs.len(), summaries.len());
                for (doc, summary) in docs.iter().zip(summaries) {
                    let record = Record::load(&doc.changes[0], b"check").unwrap();
                    assert_eq!(summary, Some(summarise(&record)), "{}", doc.id);
                    seen.push(doc.id.clone());
                }
            }
            ServerMessage::Changes { docs, .. } => {
                assert!(docs.is_empty(), "the backfill comes as documents")
            }
            _ => {}
        }
    }
    for id in ids {
        assert!(seen.contains(&id), "{id} was sent");
    }
}

#[test]
fn an_older_build_gets_plain_changes() {
    let (mut server, mut spec, cw, _peer, _other) = setup();
    let id = interview(&mut spec, "p1", 0);
    spec.sync(&mut server);
    let mut session = ServerSession::new(cw.caller.clone());
    let out = session.on_frame(&open(2), &mut server);
    let mut found = false;
    for frame in &out.frames {
        match ServerMessage::decode(frame).unwrap() {
            ServerMessage::Documents { .. } => panic!("revision 2 cannot read Documents"),
            ServerMessage::Changes { docs, .. } => found |= docs.iter().any(|d| d.id == id),
            _ => {}
        }
    }
    assert!(found);
}
