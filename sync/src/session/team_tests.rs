//! Who works with a person reaches the devices that hold the person,
//! follows changes on an open connection, leaves with a purge, and is
//! never sent to a build that cannot read it.

use super::client::ClientStore;
use super::server::ServerSession;
use super::tests::setup;
use crate::protocol::{ClientMessage, REVISION, ServerMessage};
use crate::role::Role;
use crate::team::{PersonTeam, TeamMember, digest};

fn team(person: &str, years: &[i32], members: &[(Role, &str)]) -> PersonTeam {
    PersonTeam {
        person_id: person.into(),
        listed_years: years.to_vec(),
        members: members
            .iter()
            .map(|(role, name)| TeamMember {
                role: *role,
                name: (*name).into(),
            })
            .collect(),
    }
}

/// The teams in a burst of server frames.
fn teams_in(frames: &[Vec<u8>]) -> Vec<Vec<PersonTeam>> {
    frames
        .iter()
        .filter_map(|f| match ServerMessage::decode(f).unwrap() {
            ServerMessage::Team { persons } => Some(persons),
            _ => None,
        })
        .collect()
}

#[test]
fn a_device_is_told_who_works_with_its_persons_only() {
    let (mut server, mut spec, _cw, _peer, _other) = setup();
    let p1 = team(
        "p1",
        &[2025, 2026],
        &[
            (Role::Caseworker, "cw name"),
            (Role::PeerSupporter, "peer name"),
        ],
    );
    server.set_team(p1.clone());
    server.set_team(team("p2", &[2026], &[(Role::SupportSpecialist, "x")]));
    spec.sync(&mut server);
    assert_eq!(spec.store.team("p1"), Some(&p1));
    assert_eq!(spec.store.team("p2"), None, "not on the caseload");
}

#[test]
fn an_older_build_is_never_sent_a_team() {
    let (mut server, spec, _cw, _peer, _other) = setup();
    server.set_team(team("p1", &[2026], &[(Role::Caseworker, "cw name")]));
    let older = [
        ClientMessage::Hello { cursor: 0 },
        ClientMessage::Resume {
            cursor: 0,
            history: None,
        },
        ClientMessage::Open {
            cursor: 0,
            history: None,
            revision: 1,
            team: 0,
        },
    ];
    for hello in older {
        let mut session = ServerSession::new(spec.caller.clone());
        let out = session.on_frame(&hello.encode().unwrap(), &mut server);
        assert!(!out.close);
        assert!(!out.frames.is_empty(), "the feed was sent");
        assert!(teams_in(&out.frames).is_empty(), "{hello:?} got a team");
        let later = session.on_tick(&mut server);
        assert!(teams_in(&later.frames).is_empty());
    }
}

#[test]
fn a_changed_team_reaches_an_open_connection_once() {
    let (mut server, spec, _cw, _peer, _other) = setup();
    server.set_team(team("p1", &[2026], &[(Role::Caseworker, "cw name")]));
    let mut session = ServerSession::new(spec.caller.clone());
    let open = ClientMessage::Open {
        cursor: 0,
        history: None,
        revision: REVISION,
        team: 0,
    };
    let first = session.on_frame(&open.encode().unwrap(), &mut server);
    assert_eq!(teams_in(&first.frames).len(), 1);
    assert!(
        teams_in(&session.on_tick(&mut server).frames).is_empty(),
        "unchanged: not sent again"
    );
    // A handover: the caseworker changes.
    let handed = team("p1", &[2026], &[(Role::Caseworker, "new cw name")]);
    server.set_team(handed.clone());
    assert!(
        teams_in(&session.on_feed_grew(&mut server).frames).is_empty(),
        "teams follow the caseload look-ups"
    );
    assert_eq!(
        teams_in(&session.on_tick(&mut server).frames),
        vec![vec![handed]]
    );
}

#[test]
fn a_purge_takes_the_team_with_the_person() {
    let (mut server, mut spec, _cw, _peer, _other) = setup();
    server.set_team(team("p1", &[2026], &[(Role::Caseworker, "cw name")]));
    spec.sync(&mut server);
    assert!(spec.store.team("p1").is_some());
    // The purge itself, without the new picture that follows it over a
    // connection (a lost frame, or a server that sends no teams).
    ClientStore::purge_persons(&mut spec.store, &["p1".to_owned()]).unwrap();
    assert_eq!(spec.store.team("p1"), None);
    // And over a connection.
    spec.sync(&mut server);
    server.unassign("spec", "p1");
    spec.sync(&mut server);
    assert_eq!(spec.store.team("p1"), None);
}

#[test]
fn a_device_that_holds_the_picture_is_not_sent_it_again() {
    let (mut server, spec, _cw, _peer, _other) = setup();
    let p1 = team("p1", &[2026], &[(Role::Caseworker, "cw name")]);
    server.set_team(p1.clone());
    let open = |team| ClientMessage::Open {
        cursor: 0,
        history: None,
        revision: REVISION,
        team,
    };
    let mut session = ServerSession::new(spec.caller.clone());
    let same = session.on_frame(&open(digest([&p1])).encode().unwrap(), &mut server);
    assert!(teams_in(&same.frames).is_empty());
    // It changes while connected: sent then.
    let handed = team("p1", &[2026], &[(Role::Caseworker, "new cw name")]);
    server.set_team(handed.clone());
    assert_eq!(
        teams_in(&session.on_tick(&mut server).frames),
        vec![vec![handed]]
    );
}
