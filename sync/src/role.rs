//! The programme's roles. The access policy (which role may read and write
//! which record kinds) builds on these.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role in the programme (`DOMAIN.md` §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 相談支援専門員: interviews, assessments, transition plans.
    SupportSpecialist,
    /// ピアサポーター: group activities and accompanied outings.
    PeerSupporter,
    /// 訪問看護師: psychiatric home-visit nursing.
    VisitingNurse,
    /// 生活保護担当者 (CW): the welfare office's caseworker.
    Caseworker,
    /// The programme secretariat: listing, assignments, reports.
    Coordinator,
    /// Reads the audit log and nothing else.
    Auditor,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 6] = [
        Role::SupportSpecialist,
        Role::PeerSupporter,
        Role::VisitingNurse,
        Role::Caseworker,
        Role::Coordinator,
        Role::Auditor,
    ];

    /// The stable name used in the database, the CLI and the wire format.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SupportSpecialist => "support_specialist",
            Role::PeerSupporter => "peer_supporter",
            Role::VisitingNurse => "visiting_nurse",
            Role::Caseworker => "caseworker",
            Role::Coordinator => "coordinator",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role {0:?}; expected one of support_specialist, peer_supporter, visiting_nurse, caseworker, coordinator, auditor"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_rejected() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!("admin".parse::<Role>(), Err(UnknownRole("admin".into())));
    }
}
