//! Who works with a person, as the server tells a device: the listing
//! years and the other workers holding the person on their caseload.
//! The device shows it at the top of the person's page ("people change,
//! the connection must not": a new worker sees whom to call).
//!
//! The server sends it as [`ServerMessage::Team`](crate::protocol::ServerMessage::Team)
//! only to builds that announced [`crate::protocol::REVISION`] 2 or later,
//! so an older app never meets a message it cannot read.

use crate::role::Role;
use serde::{Deserialize, Serialize};

/// One other worker holding the person on their caseload today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Their role.
    pub role: Role,
    /// Their display name.
    pub name: String,
}

/// What the device is told about one person on the user's caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonTeam {
    /// The person.
    pub person_id: String,
    /// The fiscal years the person was on the annual listing, oldest first.
    pub listed_years: Vec<i32>,
    /// The other workers holding the person today (not the user), by
    /// role then name.
    pub members: Vec<TeamMember>,
}

/// A short digest of a team picture, whatever order it comes in: a device
/// names the picture it holds in `Open`, and the server sends `Team` only
/// when its own differs, so an idle reconnect stays a few bytes.
pub fn digest<'a>(teams: impl IntoIterator<Item = &'a PersonTeam>) -> u64 {
    use sha2::{Digest, Sha256};
    let mut teams: Vec<&PersonTeam> = teams.into_iter().collect();
    teams.sort_by(|a, b| a.person_id.cmp(&b.person_id));
    let bytes = postcard::to_allocvec(&teams).unwrap_or_default();
    let hash = Sha256::digest(&bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(person: &str, name: &str) -> PersonTeam {
        PersonTeam {
            person_id: person.into(),
            listed_years: vec![2026],
            members: vec![TeamMember {
                role: Role::Caseworker,
                name: name.into(),
            }],
        }
    }

    #[test]
    fn the_digest_ignores_order_and_sees_every_change() {
        let (a, b) = (team("p1", "x"), team("p2", "y"));
        assert_eq!(digest([&a, &b]), digest([&b, &a]));
        assert_ne!(digest([&a, &b]), digest([&a]));
        assert_ne!(digest([&a]), digest([&team("p1", "z")]));
        assert_ne!(digest([&a]), digest([]));
    }
}
