//! Who works with a person, over real WebSockets against the real server
//! binary: a tablet is told the other workers holding each person on its
//! caseload (open accounts, active assignments, never itself and never
//! about persons it does not hold), hears of changes at its next
//! connection, and an older build that did not announce revision 2 is
//! never sent the message it could not read.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tsunagu_sync::protocol::{ClientMessage, ServerMessage};
use tsunagu_sync::role::Role;
use tsunagu_sync::team::TeamMember;
use tsunagu_tests::admin::{add_device, add_person, add_user, assign, cli, unassign};
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::server::ServerProcess;

fn member(role: Role, name: &str) -> TeamMember {
    TeamMember {
        role,
        name: name.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_is_told_who_else_works_with_each_of_its_persons() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path();
    let person = add_person(path, "試験 三号")?;
    let elsewhere = add_person(path, "試験 四号")?;
    for (user, role) in [
        ("team.spec", "support_specialist"),
        ("team.cw", "caseworker"),
        ("team.peer", "peer_supporter"),
        ("team.nurse", "visiting_nurse"),
        ("team.other", "support_specialist"),
    ] {
        add_user(path, user, role)?;
    }
    for user in ["team.spec", "team.cw", "team.peer", "team.nurse"] {
        assign(path, user, &person)?;
    }
    assign(path, "team.other", &elsewhere)?;
    // Someone who left: their account is disabled.
    cli(path, &["user", "disable", "--username", "team.nurse"], None)?;
    let (_, token) = add_device(path, "team.spec")?;
    let server = ServerProcess::start(path, &[])?;

    let mut tablet = NativeDevice::new(&token, "team-tab");
    tablet.sync(&server.base_url).await?;
    let team = tablet.store.team(&person).expect("told about the person");
    assert_eq!(
        team.members,
        vec![
            member(Role::Caseworker, "team.cw"),
            member(Role::PeerSupporter, "team.peer"),
        ],
        "open accounts other than the user's, by role"
    );
    assert!(team.listed_years.is_empty(), "never listed");
    assert!(
        tablet.store.team(&elsewhere).is_none(),
        "not on the caseload"
    );
    assert_eq!(tablet.store.teams().count(), 1);

    // The peer supporter's assignment ends: the next connection says so.
    unassign(path, "team.peer", &person)?;
    tablet.sync(&server.base_url).await?;
    assert_eq!(
        tablet.store.team(&person).map(|t| t.members.clone()),
        Some(vec![member(Role::Caseworker, "team.cw")])
    );

    // Nothing changed: a reconnect is not sent the picture again.
    let idle = tablet.sync(&server.base_url).await?;
    assert!(idle.bytes_down < 60, "{idle:?}");

    // A build from before revision 2 says `Resume`: it gets its feed and
    // no message it could not read.
    let mut ws = NativeDevice::connect(&server.base_url, &token)
        .await?
        .expect("valid token");
    let resume = ClientMessage::Resume {
        cursor: 0,
        history: None,
    };
    ws.send(Message::Binary(resume.encode()?.into())).await?;
    let mut caught_up = false;
    while !caught_up {
        let Some(Message::Binary(bytes)) = ws.next().await.transpose()? else {
            anyhow::bail!("the server closed before the feed was sent");
        };
        match ServerMessage::decode(&bytes)? {
            ServerMessage::Team { .. } => anyhow::bail!("an older build was sent a team"),
            ServerMessage::Changes {
                caught_up: done, ..
            } => caught_up = done,
            ServerMessage::Error { code, message } => anyhow::bail!("{code:?}: {message}"),
            _ => {}
        }
    }
    Ok(())
}
