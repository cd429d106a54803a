//! A small synthetic programme for trying Tsunagu out: invented staff and
//! invented persons only. Never run it against a real programme's data.

use crate::accounts::{NewUser, add_user};
use crate::persons::insert_person;
use crate::store::listings::{self, ListingEntry};
use crate::store::{Store, WriteTx, assignments, users};
use chrono::{DateTime, Utc};
use tsunagu_sync::record::FieldValue;
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

/// The kana of `FAMILY` and `GIVEN`, as a listing's フリガナ column has them.
const FAMILY_KANA: &[&str] = &[
    "シノノメ",
    "アサギリ",
    "ユウナギ",
    "シラハマ",
    "アオバ",
    "ワカクサ",
    "ハルノ",
    "アキヅキ",
];
const GIVEN_KANA: &[&str] = &[
    "ヒカリ",
    "ショウ",
    "イズミ",
    "ミノル",
    "ユカリ",
    "マコト",
    "カオル",
    "ノボル",
];

/// What seeding did.
#[derive(Debug, PartialEq, Eq)]
pub enum Seeded {
    /// The demo programme was created.
    Created {
        /// Staff accounts made.
        users: usize,
        /// Persons made (current and past).
        persons: usize,
        /// Records of past cases made.
        records: usize,
    },
    /// The database already had users; nothing was changed.
    AlreadyPopulated,
}

/// Seeds the demo programme into an empty database; leaves any other alone.
pub fn seed(store: &Store, now: DateTime<Utc>) -> Result<Seeded, anyhow::Error> {
    if store.read(users::count)? > 0 {
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
    let current = store.write(|tx| seed_persons(tx, &ids, now))?;
    let user = |role: Role| {
        ids.iter()
            .find(|(_, r)| *r == role)
            .map(|(id, _)| *id)
            .expect("the demo staff has every role")
    };
    let team = crate::demo_history::Team {
        coordinator: user(Role::Coordinator),
        caseworker: user(Role::Caseworker),
        nurse: user(Role::VisitingNurse),
    };
    let (past, records) = store.write(|tx| crate::demo_history::seed(tx, team, now))?;
    // Costs for every year, so the outcome report prices every day: the
    // standard monthly cost of an inpatient on public assistance (DOMAIN
    // §5.1) and about ¥80 million over eleven years for the programme.
    let this_year =
        tsunagu_sync::outcome::fiscal::fiscal_year(tsunagu_sync::policy::japan_date(now));
    let costs = tsunagu_sync::outcome::YearCosts {
        inpatient_monthly_yen: Some(372_250),
        programme_yen: Some(7_300_000),
    };
    store.write(|tx| {
        (crate::demo_history::FIRST_YEAR..=this_year)
            .try_for_each(|year| crate::store::costs::set(tx, year, costs, None, now))
    })?;
    Ok(Seeded::Created {
        users: ids.len(),
        persons: current + past,
        records,
    })
}

fn seed_persons(
    tx: &WriteTx<'_>,
    staff: &[(i64, Role)],
    now: DateTime<Utc>,
) -> Result<usize, crate::persons::PersonError> {
    let start = tsunagu_sync::policy::japan_date(now) - chrono::Days::new(180);
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
    // The current persons are on this fiscal year's listing, in hospital.
    let today = tsunagu_sync::policy::japan_date(now);
    let year = tsunagu_sync::outcome::fiscal::fiscal_year(today);
    let listed_on = tsunagu_sync::outcome::fiscal::first_day(year);
    for i in 0..count {
        let given = (i * 3) % GIVEN.len();
        let name = format!("{} {}", FAMILY[i], GIVEN[given]);
        let recipient = format!("DEMO-{year}-C{i:02}");
        let admitted_on = listed_on - chrono::Days::new(400 + 365 * i as u64);
        let ward = format!("第{}病棟", i % 3 + 1);
        let born = chrono::NaiveDate::from_ymd_opt(1950 + 3 * i as i32, 1 + i as u32, 10)
            .unwrap_or_default();
        let text = |v: &str| FieldValue::Str(v.to_owned());
        let profile = vec![
            ("family_name_kana".into(), text(FAMILY_KANA[i])),
            ("given_name_kana".into(), text(GIVEN_KANA[given])),
            ("date_of_birth".into(), FieldValue::Date(born)),
            ("hospital".into(), text("架空山病院")),
            ("ward".into(), text(&ward)),
            ("admitted_on".into(), FieldValue::Date(admitted_on)),
        ];
        let id = insert_person(tx, &name, Some(&recipient), profile, now)?;
        listings::insert(
            tx,
            &ListingEntry {
                fiscal_year: year,
                person_id: &id,
                listed_on,
                admitted_on,
                stay_days: (listed_on - admitted_on).num_days(),
                short_stay: false,
                hospital: "架空山病院",
                ward: &ward,
                imported_at: now,
            },
        )?;
        // Each person has one specialist; everyone else in the field team
        // is assigned to every other person, so each role sees some cases.
        let specialist = specialists[i % specialists.len()];
        let team = field_staff
            .iter()
            .copied()
            .filter(|user| !specialists.contains(user) || *user == specialist)
            .filter(|user| specialists.contains(user) || i % 2 == 0);
        for user in team {
            assignments::insert(tx, user, &id, start, None, now)?;
        }
    }
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
        let Seeded::Created {
            users,
            persons,
            records,
        } = seed(&store, now).unwrap()
        else {
            panic!("an empty database is seeded");
        };
        assert_eq!(users, STAFF.len());
        assert_eq!(persons, FAMILY.len() + crate::demo_history::PAST_PERSONS);
        assert!(records > 300, "{records} records of past cases");
        assert_eq!(seed(&store, now).unwrap(), Seeded::AlreadyPopulated);
        let today = tsunagu_sync::policy::japan_date(now);
        let caseload = store
            .read(|tx| {
                let user = users::active_id(tx, DEMO_LOGIN)?.expect("the demo login exists");
                assignments::active_persons(tx, &user.to_string(), today)
            })
            .unwrap();
        assert_eq!(
            caseload.len(),
            4,
            "the demo specialist has half the persons"
        );
    }
}

#[cfg(test)]
mod history_tests {
    use super::*;
    use crate::store::{listings, records};
    use tsunagu_sync::record::Record;
    use tsunagu_sync::record::schema::RecordKind;
    use tsunagu_sync::stage::{EndReason, Stage, event_of, stage_of};

    /// The past looks like the programme: most persons discharged, every
    /// destination used, a few readmissions and deaths, some still in
    /// hospital, all stages derived from the records themselves.
    #[test]
    fn the_demo_history_covers_every_stage_and_destination() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        seed(&store, Utc::now()).unwrap();
        let stored: Vec<_> = RecordKind::ALL
            .into_iter()
            .filter(|kind| !matches!(kind, RecordKind::Person | RecordKind::PersonCard))
            .flat_map(|kind| store.read(|tx| records::of_kind(tx, kind)).unwrap())
            .collect();
        let mut events: std::collections::BTreeMap<String, Vec<_>> = Default::default();
        let mut destinations = std::collections::BTreeSet::new();
        for row in stored {
            let (person, bytes) = (row.person_id, row.snapshot);
            let record = Record::load(&bytes, b"test").unwrap();
            if let Ok(Some(tsunagu_sync::record::FieldValue::Str(d))) = record.get("destination") {
                destinations.insert(d);
            }
            if let Some(event) = event_of(&record) {
                events.entry(person).or_default().push(event);
            }
        }
        let stages: Vec<Stage> = events.values().map(|e| stage_of(e).0).collect();
        let count = |wanted: &dyn Fn(&Stage) -> bool| stages.iter().filter(|s| wanted(s)).count();
        let out = count(&|s| matches!(s, Stage::Discharged | Stage::SettlementSupport))
            + count(&|s| {
                matches!(
                    s,
                    Stage::Readmitted
                        | Stage::Ended(
                            EndReason::Readmitted | EndReason::Moved | EndReason::SupportEnded
                        )
                )
            });
        assert!(out >= 35, "{stages:?}");
        // Back in hospital, the four cases stay open (readmission
        // prevention matters then), whether or not a closure followed.
        assert_eq!(
            count(&|s| matches!(s, Stage::Readmitted | Stage::Ended(EndReason::Readmitted))),
            4,
            "{stages:?}"
        );
        assert_eq!(
            count(&|s| *s == Stage::Ended(EndReason::Died)),
            6,
            "{stages:?}"
        );
        assert_eq!(
            destinations.len(),
            tsunagu_sync::record::schema::DISCHARGE_DESTINATIONS.len()
        );
        let years: std::collections::BTreeSet<i32> = store
            .read(listings::years_by_person)
            .unwrap()
            .into_iter()
            .map(|(_, year)| year)
            .collect();
        assert_eq!(years.len(), 11, "FY2015 to FY2024, and this year's");
    }

    /// The demo's outcome report reproduces Izumo's eleven years.
    #[test]
    fn the_demo_report_reproduces_izumo_s_figures() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let now = Utc::now();
        seed(&store, now).unwrap();
        let today = tsunagu_sync::policy::japan_date(now);
        let range = tsunagu_sync::outcome::Range {
            from_year: crate::demo_history::FIRST_YEAR,
            to_year: tsunagu_sync::outcome::fiscal::fiscal_year(today),
            cut_off: today,
        };
        let report =
            tsunagu_sync::outcome::report(&crate::outcome::programme_facts(&store).unwrap(), range);
        let c = &report.cumulative;
        assert_eq!((c.listed, c.discharged, c.readmitted_ever), (60, 52, 4));
        let s = &c.status_at_cut_off;
        let community: Vec<u64> = [
            "living_alone",
            "with_family",
            "group_home",
            "elderly_facility",
            "relief_facility",
            "transfer",
            "other",
        ]
        .iter()
        .map(|d| s.community[*d])
        .collect();
        assert_eq!(community, vec![29, 2, 3, 7, 1, 0, 0]);
        assert_eq!((s.died, s.readmitted, s.left), (6, 4, 0));
        assert!(c.effect_yen.is_some_and(|e| e > 0), "every year is priced");
        assert_eq!(
            report.data_quality.stale_drafts, 0,
            "the past is signed off"
        );
        assert_eq!(report.data_quality.persons_without_listing, 0);
    }
}
