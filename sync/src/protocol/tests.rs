//! The messages' encoding: round trips, directions, garbage.

use super::*;
use crate::frame::PROTOCOL_VERSION;

#[test]
fn messages_round_trip_and_directions_are_not_confused() {
    let push = ClientMessage::Push {
        batch: 3,
        docs: vec![DocChanges {
            id: "r1".into(),
            changes: vec![vec![1, 2, 3]],
        }],
    };
    let bytes = push.encode().unwrap();
    assert_eq!(ClientMessage::decode(&bytes).unwrap(), push);
    assert!(matches!(
        ServerMessage::decode(&bytes),
        Err(ProtocolError::WrongDirection { .. })
    ));
    let error = ServerMessage::Error {
        code: ErrorCode::Malformed,
        message: "x".into(),
    };
    assert_eq!(
        ServerMessage::decode(&error.encode().unwrap()).unwrap(),
        error
    );
}

#[test]
fn only_requests_expect_a_reply() {
    let messages = [
        ClientMessage::Hello { cursor: 300 },
        ClientMessage::Push {
            batch: 2,
            docs: vec![],
        },
        ClientMessage::CaseloadApplied {
            added: vec!["p".into()],
            removed: vec![],
        },
        ClientMessage::Resume {
            cursor: 1,
            history: None,
        },
        ClientMessage::Open {
            cursor: 1,
            history: Some("h".into()),
            revision: REVISION,
            team: 7,
        },
    ];
    for message in messages {
        let frame = message.encode().unwrap();
        assert_eq!(
            ClientMessage::frame_expects_reply(&frame),
            message.expects_reply(),
            "{message:?}"
        );
    }
}

#[test]
fn garbage_gets_a_clear_error_never_a_panic() {
    assert!(matches!(
        ClientMessage::decode(&[PROTOCOL_VERSION, FROM_CLIENT, 0xff, 0xff]),
        Err(ProtocolError::Body(_))
    ));
    let mut bytes = ClientMessage::Hello { cursor: 9 }.encode().unwrap();
    bytes.push(0);
    assert!(
        matches!(ClientMessage::decode(&bytes), Err(ProtocolError::Body(_))),
        "trailing bytes"
    );
    let err = ClientMessage::decode(&[9, FROM_CLIENT]).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnsupportedVersion);
    // Every truncation of a valid frame is an error or a shorter valid message, never a panic.
    let full = ClientMessage::Push {
        batch: 1,
        docs: vec![DocChanges {
            id: "abc".into(),
            changes: vec![vec![7; 40]],
        }],
    }
    .encode()
    .unwrap();
    for cut in 0..full.len() {
        assert!(ClientMessage::decode(&full[..cut]).is_err(), "cut at {cut}");
    }
}

/// Older builds read messages by their position in each enum: the
/// positions never move, and new messages round-trip.
#[test]
fn message_positions_are_pinned_and_new_messages_round_trip() {
    let tag = |frame: Vec<u8>| Frame::decode(&frame).unwrap().body[0];
    let open = ClientMessage::Open {
        cursor: 5,
        history: None,
        revision: REVISION,
        team: 9,
    };
    assert_eq!(tag(ClientMessage::Hello { cursor: 0 }.encode().unwrap()), 0);
    let applied = ClientMessage::CaseloadApplied {
        added: vec![],
        removed: vec![],
    };
    assert_eq!(
        tag(applied.encode().unwrap()),
        2,
        "frame_expects_reply reads this position"
    );
    assert_eq!(tag(open.encode().unwrap()), 4);
    assert_eq!(
        ClientMessage::decode(&open.encode().unwrap()).unwrap(),
        open
    );
    let team = ServerMessage::Team {
        persons: vec![crate::team::PersonTeam {
            person_id: "p".into(),
            listed_years: vec![2026],
            members: vec![crate::team::TeamMember {
                role: crate::role::Role::Caseworker,
                name: "x".into(),
            }],
        }],
    };
    let documents = ServerMessage::Documents {
        cursor: 3,
        docs: vec![DocChanges {
            id: "r".into(),
            changes: vec![vec![1]],
        }],
        summaries: vec![None],
    };
    for (message, position) in [(team, 5), (documents, 6)] {
        let frame = message.encode().unwrap();
        assert_eq!(tag(frame.clone()), position, "{message:?}");
        assert_eq!(ServerMessage::decode(&frame).unwrap(), message);
    }
}
