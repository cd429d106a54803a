//! A small synthetic programme for trying Tsunagu out: invented staff and
//! invented persons only. Never run it against a real programme's data.

use crate::accounts::{NewUser, add_user, today};
use crate::caseload::insert_person;
use crate::store::Store;
use chrono::{DateTime, Utc};
use rusqlite::params;
use tsunagu_sync::role::Role;

/// The password every demo account shares. Public by design: demo only.
pub const DEMO_PASSWORD: &str = "tsunagu-demo-2026";

/// The demo account the start-up message suggests.
pub const DEMO_LOGIN: &str = "demo.specialist";

const STAFF: &[(&str, &str, Role)] = &[
    ("demo.coordinator", "調整 一郎", Role::Coordinator),
    ("demo.specialist", "相談 花子", Role::SupportSpecialist),
    ("demo.specialist2", "支援 次郎", Role::SupportSpecialist),
    ("demo.peer", "仲間 さくら", Role::PeerSupporter),
    ("demo.nurse", "看護 みどり", Role::VisitingNurse),
    ("demo.caseworker", "福祉 健太", Role::Caseworker),
];

/// Invented names built from fixed syllable-like parts; no real record behind any.
const FAMILY: &[&str] = &[
    "東雲", "朝霧", "夕凪", "白浜", "青葉", "若草", "春野", "秋月",
];
const GIVEN: &[&str] = &[
    "ひかり",
    "翔",
    "いずみ",
    "稔",
    "ゆかり",
    "誠",
    "かおる",
    "昇",
];

/// What seeding did.
#[derive(Debug, PartialEq, Eq)]
pub enum Seeded {
    /// The demo programme was created.
    Created {
        /// Staff accounts made.
        users: usize,
        /// Persons made.
        persons: usize,
    },
    /// The database already had users; nothing was changed.
    AlreadyPopulated,
}

/// Seeds the demo programme into an empty database; leaves any other alone.
pub fn seed(store: &Store, now: DateTime<Utc>) -> Result<Seeded, anyhow::Error> {
    let users: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
    if users > 0 {
        return Ok(Seeded::AlreadyPopulated);
    }
    let mut ids = Vec::new();
    for (username, display_name, role) in STAFF {
        let user = NewUser {
            username,
            display_name,
            role: *role,
            password: DEMO_PASSWORD,
        };
        ids.push((add_user(store, &user, now)?, *role));
    }
    let persons = seed_persons(store, &ids, now)?;
    Ok(Seeded::Created {
        users: ids.len(),
        persons,
    })
}

fn seed_persons(
    store: &Store,
    staff: &[(i64, Role)],
    now: DateTime<Utc>,
) -> Result<usize, anyhow::Error> {
    let mut conn = store.conn();
    let tx = conn.transaction()?;
    let start = today(now) - chrono::Days::new(180);
    let field_staff: Vec<i64> = staff
        .iter()
        .filter(|(_, role)| !matches!(role, Role::Coordinator | Role::Auditor))
        .map(|(id, _)| *id)
        .collect();
    let specialists: Vec<i64> = staff
        .iter()
        .filter(|(_, r)| *r == Role::SupportSpecialist)
        .map(|(id, _)| *id)
        .collect();
    let count = FAMILY.len();
    for i in 0..count {
        let name = format!("{} {}", FAMILY[i], GIVEN[(i * 3) % GIVEN.len()]);
        let id = insert_person(&tx, &name, now)?;
        // Each person has one specialist; everyone else in the field team
        // is assigned to every other person, so each role sees some cases.
        let specialist = specialists[i % specialists.len()];
        let team = field_staff
            .iter()
            .copied()
            .filter(|user| !specialists.contains(user) || *user == specialist)
            .filter(|user| specialists.contains(user) || i % 2 == 0);
        for user in team {
            tx.execute(
                "INSERT INTO assignments (user_id, person_id, starts_on, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![user, id, start.to_string(), now.to_rfc3339()],
            )?;
        }
    }
    tx.commit()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_once_and_the_demo_login_has_a_caseload() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        assert_eq!(
            seed(&store, now).unwrap(),
            Seeded::Created {
                users: STAFF.len(),
                persons: FAMILY.len()
            }
        );
        assert_eq!(seed(&store, now).unwrap(), Seeded::AlreadyPopulated);
        let caseload: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM assignments a JOIN users u ON u.id = a.user_id WHERE u.username = ?1",
                [DEMO_LOGIN],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(caseload, 4, "the demo specialist has half the persons");
    }
}
