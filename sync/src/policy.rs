//! Who may read and write which record kinds: the one place the access
//! rules live. The server enforces them on every change it accepts and
//! every record it sends; the UI uses them to hide what cannot be done.
//!
//! The table, what it means and what is not built yet are in
//! `docs/ROLES.md`; a test below checks that file against [`access`].
//! Everything is further limited to persons the user is currently
//! assigned to.

use crate::record::schema::RecordKind;
use crate::role::Role;
use chrono::{DateTime, NaiveDate, Utc};

/// How long after an assignment ends the server still accepts changes made
/// while it was active: a note written offline on the last day of a
/// caseload reaches the server even if the tablet syncs weeks later.
pub const LATE_SYNC_GRACE_DAYS: i64 = 30;

/// How far ahead of the server's clock a change's own time may be: a
/// tablet's clock may run a few minutes fast, but a note cannot have been
/// written after the server received it. Further ahead is refused.
pub const MAX_CLOCK_AHEAD_MINUTES: i64 = 15;

/// Whether a change dated `at` is dated after `received` (the server's
/// clock when the push arrived) by more than [`MAX_CLOCK_AHEAD_MINUTES`].
pub fn dated_in_the_future(at: DateTime<Utc>, received: DateTime<Utc>) -> bool {
    received
        .checked_add_signed(chrono::Duration::minutes(MAX_CLOCK_AHEAD_MINUTES))
        .is_some_and(|limit| at > limit)
}

/// The calendar date in Japan, which is what assignment periods are
/// counted in ([`japan_time::date`](crate::japan_time::date)).
pub fn japan_date(at: DateTime<Utc>) -> NaiveDate {
    crate::japan_time::date(at)
}

/// What a role may do with a record kind (before the caseload check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// May receive and view it.
    pub read: bool,
    /// May create and change it.
    pub write: bool,
}

const NONE: Access = Access {
    read: false,
    write: false,
};
const READ: Access = Access {
    read: true,
    write: false,
};
const FULL: Access = Access {
    read: true,
    write: true,
};

/// The table of `docs/ROLES.md`.
pub fn access(role: Role, kind: RecordKind) -> Access {
    use RecordKind as K;
    use Role as R;
    match (role, kind) {
        (R::Auditor, _) => NONE,
        (R::SupportSpecialist, _) => FULL,
        (R::Coordinator, K::Person | K::PersonCard | K::CaseConference | K::Handover) => FULL,
        (R::Coordinator, _) => READ,
        (R::PeerSupporter, K::Outing) => FULL,
        (R::PeerSupporter, K::PersonCard) => READ,
        (R::PeerSupporter, _) => NONE,
        (R::VisitingNurse, K::Person | K::PersonCard) => READ,
        (R::VisitingNurse, K::HomeVisit) => FULL,
        (
            R::VisitingNurse,
            K::HospitalAdmission
            | K::TransitionPlan
            | K::Housing
            | K::Discharge
            | K::Readmission
            | K::Death
            | K::Consent
            | K::CaseConference
            | K::CaseClosure
            | K::Handover,
        ) => READ,
        (R::VisitingNurse, _) => NONE,
        (R::Caseworker, K::Outing) => NONE,
        (R::Caseworker, _) => FULL,
    }
}

/// May a user with `role`, `assigned` (or not) to the record's person, read it?
pub fn may_read(role: Role, kind: RecordKind, assigned: bool) -> bool {
    assigned && access(role, kind).read
}

/// May they create or change it?
pub fn may_write(role: Role, kind: RecordKind, assigned: bool) -> bool {
    assigned && access(role, kind).write
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_may_be_a_little_but_not_far_ahead_of_the_server() {
        let received = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap();
        let minutes = |m| received + chrono::Duration::minutes(m);
        assert!(!dated_in_the_future(minutes(-60), received));
        assert!(!dated_in_the_future(
            minutes(MAX_CLOCK_AHEAD_MINUTES),
            received
        ));
        assert!(dated_in_the_future(
            minutes(MAX_CLOCK_AHEAD_MINUTES + 1),
            received
        ));
        assert!(
            !dated_in_the_future(minutes(60), DateTime::<Utc>::MAX_UTC),
            "no limit past the end of time"
        );
    }

    /// Every cell of the table in `docs/ROLES.md` is what [`access`] says.
    #[test]
    fn the_documented_role_table_is_the_policy() {
        let doc = include_str!("../../docs/ROLES.md");
        let mut lines = doc.lines().skip_while(|l| !l.starts_with("| kind |"));
        let header: Vec<&str> = cells(lines.next().expect("the table's header"));
        let roles: Vec<Role> = header[1..]
            .iter()
            .map(|name| name.parse().expect("a role name"))
            .collect();
        assert_eq!(roles, Role::ALL, "one column per role, in order");
        let rows: Vec<Vec<&str>> = lines
            .skip(1)
            .take_while(|l| l.starts_with('|'))
            .map(cells)
            .collect();
        let kinds: Vec<RecordKind> = rows
            .iter()
            .map(|row| row[0].parse().expect("a record kind"))
            .collect();
        assert_eq!(kinds, RecordKind::ALL, "one row per kind, in order");
        for (row, kind) in rows.iter().zip(kinds) {
            for (cell, role) in row[1..].iter().zip(roles.iter().copied()) {
                let documented = Access {
                    read: cell.contains("read"),
                    write: cell.contains("write"),
                };
                assert_eq!(documented, access(role, kind), "{role} × {kind}: {cell:?}");
            }
        }
    }

    fn cells(line: &str) -> Vec<&str> {
        line.trim_matches('|').split('|').map(str::trim).collect()
    }

    #[test]
    fn nobody_touches_an_unassigned_person_and_writers_can_read() {
        for role in Role::ALL {
            for kind in RecordKind::ALL {
                assert!(
                    !may_read(role, kind, false),
                    "{role} reads {kind} unassigned"
                );
                assert!(
                    !may_write(role, kind, false),
                    "{role} writes {kind} unassigned"
                );
                let a = access(role, kind);
                assert!(
                    !a.write || a.read,
                    "{role} may write {kind} without reading it"
                );
            }
        }
    }

    #[test]
    fn peers_see_only_outings_and_the_card_and_auditors_see_no_records() {
        for kind in RecordKind::ALL {
            assert_eq!(
                may_read(Role::PeerSupporter, kind, true),
                matches!(kind, RecordKind::Outing | RecordKind::PersonCard)
            );
            assert!(!may_read(Role::Auditor, kind, true));
        }
        assert!(may_write(Role::VisitingNurse, RecordKind::HomeVisit, true));
        assert!(!may_read(
            Role::VisitingNurse,
            RecordKind::WardInterview,
            true
        ));
    }
}
