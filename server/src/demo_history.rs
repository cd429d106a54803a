//! The demo programme's past: 52 invented persons listed over the fiscal
//! years before the current one, each with the records a real case leaves
//! behind (joint first interview, interviews, trial stays, a plan,
//! discharge to each kind of destination, home visits, four readmissions,
//! six deaths, closures), signed off, so the caseload, stages, timelines
//! and the outcome report look like a programme that has run for years
//! (the report reproduces Izumo's figures). Deterministic; invented names.

use crate::persons::{PersonError, insert_finalised_document, insert_person};
use crate::store::listings::{self, ListingEntry};
use crate::store::{WriteTx, assignments};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{FieldValue, new_record_id};

/// Where a past person stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Living in the community since a discharge to this destination.
    Community(&'static str),
    /// Discharged to this destination, then back in hospital.
    BackInHospital(&'static str),
    /// Discharged to this destination, and died in the community.
    Died(&'static str),
}

impl Fate {
    fn destination(self) -> &'static str {
        match self {
            Fate::Community(d) | Fate::BackInHospital(d) | Fate::Died(d) => d,
        }
    }
}

/// Every past person's fate: Izumo's eleven years (DOMAIN §5.4) — at the
/// end, 29 living alone, 2 with family, 3 in a group home, 7 in an
/// elderly-care facility, 1 in a relief facility, 6 died and 4 back in
/// hospital, 52 in all. Those back in hospital had left for the other
/// destinations (a transfer, elsewhere), so every destination is used.
fn fates() -> Vec<Fate> {
    let mut out = Vec::with_capacity(PAST_PERSONS);
    for (destination, n) in [
        ("living_alone", 29),
        ("with_family", 2),
        ("group_home", 3),
        ("elderly_facility", 7),
        ("relief_facility", 1),
    ] {
        out.extend(std::iter::repeat_n(Fate::Community(destination), n));
    }
    for destination in [
        "living_alone",
        "elderly_facility",
        "with_family",
        "group_home",
        "living_alone",
        "relief_facility",
    ] {
        out.push(Fate::Died(destination));
    }
    for destination in ["transfer", "other", "group_home", "living_alone"] {
        out.push(Fate::BackInHospital(destination));
    }
    out
}

/// Whose caseloads the past persons go on (user ids).
#[derive(Debug, Clone, Copy)]
pub struct Team {
    /// Sees the whole history.
    pub coordinator: i64,
    /// Keeps the persons still supported in the community.
    pub caseworker: i64,
    /// Visits them at home.
    pub nurse: i64,
}

/// How many past persons the demo holds.
pub const PAST_PERSONS: usize = 52;
/// The first fiscal year of the demo's history.
pub const FIRST_YEAR: i32 = 2015;

const FAMILY: &[&str] = &[
    "桜木",
    "松風",
    "星野",
    "川瀬",
    "森下",
    "野原",
    "浜辺",
    "山吹",
    "雪村",
    "月岡",
    "花村",
    "岬",
    "水無瀬",
];
const GIVEN: &[&str] = &["陽子", "健", "由美", "勝", "和子", "実", "千尋", "修"];

const WORDS: &[&str] = &[
    "退院したら自分で料理をしてみたい。",
    "病棟の生活は長くなったが、外に出るのは少し怖い。",
    "ピアの方と一緒にスーパーへ行き、値段を見比べた。",
    "体験部屋で一泊し、夜もよく眠れたとのこと。",
    "服薬は自己管理できている。",
    "近所の人に挨拶ができるようになった。",
    "通院の日を忘れないよう、カレンダーに印をつけている。",
    "兄と電話で話せたことを喜んでいた。",
];

/// A tiny deterministic generator (the demo must look the same every time).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn words(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len() as u64) as usize]
    }
}

fn s(value: &str) -> FieldValue {
    FieldValue::Str(value.into())
}

fn at(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).expect("valid time"))
}

struct Case<'t, 'c> {
    tx: &'t WriteTx<'c>,
    person: String,
    dice: Dice,
    now: DateTime<Utc>,
    made: usize,
}

impl Case<'_, '_> {
    fn record(
        &mut self,
        kind: RecordKind,
        day: NaiveDate,
        fields: Vec<(&str, FieldValue)>,
    ) -> Result<(), PersonError> {
        let narrative = match kind {
            RecordKind::WardInterview => Some("persons_words"),
            RecordKind::Outing => Some("observations"),
            RecordKind::HomeVisit => Some("daily_living"),
            RecordKind::TransitionPlan => Some("goals"),
            _ => None,
        };
        let words = self.dice.words();
        let texts: Vec<(&str, &str)> = narrative.map(|field| (field, words)).into_iter().collect();
        if day > self.now.date_naive() {
            return Ok(());
        }
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.dice.next().to_be_bytes());
        let id = new_record_id(at(day), random);
        let fields = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        insert_finalised_document(self.tx, &id, &self.person, kind, fields, &texts, self.now)?;
        self.made += 1;
        Ok(())
    }
}

/// Seeds the past persons, their listings, records and current
/// assignments (the coordinator sees all of them; the caseworker and the
/// nurse those still supported in the community). Returns (persons,
/// records).
pub fn seed(
    tx: &WriteTx<'_>,
    team: Team,
    now: DateTime<Utc>,
) -> Result<(usize, usize), PersonError> {
    let mut dice = Dice(0x7453_756e_6167_7521);
    let mut records = 0;
    for i in 0..PAST_PERSONS {
        let year = FIRST_YEAR + (i % 10) as i32;
        let listed_on = NaiveDate::from_ymd_opt(year, 4, 1).expect("valid date");
        let years_in = 1 + dice.below(14);
        let admitted_on = listed_on - Days::new(years_in * 365 + dice.below(200));
        let name = format!(
            "{} {}",
            FAMILY[i % FAMILY.len()],
            GIVEN[(i / FAMILY.len() + i) % GIVEN.len()]
        );
        let recipient = format!("DEMO-{year}-{i:03}");
        let hospital = if i % 3 == 0 {
            "架空山病院"
        } else {
            "架空川病院"
        };
        let person = insert_person(
            tx,
            &name,
            Some(&recipient),
            vec![
                ("hospital".into(), s(hospital)),
                ("admitted_on".into(), FieldValue::Date(admitted_on)),
                ("sex".into(), s(if i % 2 == 0 { "female" } else { "male" })),
            ],
            now,
        )?;
        let stay_days = (listed_on - admitted_on).num_days();
        listings::insert(
            tx,
            &ListingEntry {
                fiscal_year: year,
                person_id: &person,
                listed_on,
                admitted_on,
                stay_days,
                short_stay: false,
                hospital,
                ward: "",
                imported_at: now,
            },
        )?;
        let mut case = Case {
            tx,
            person: person.clone(),
            dice: Dice(dice.next()),
            now,
            made: 0,
        };
        let mut day = listed_on + Days::new(20 + case.dice.below(40));
        case.record(
            RecordKind::WardInterview,
            day,
            vec![
                ("occurred_on", FieldValue::Date(day)),
                ("place", s("ward")),
                ("interview_type", s("first_joint")),
                ("caseworker_present", FieldValue::Flag(true)),
                ("participants", s("相談支援専門員、ケースワーカー")),
            ],
        )?;
        for _ in 0..(2 + case.dice.below(3)) {
            day = day + Days::new(25 + case.dice.below(20));
            case.record(
                RecordKind::WardInterview,
                day,
                vec![
                    ("occurred_on", FieldValue::Date(day)),
                    ("place", s("visiting_room")),
                    ("interview_type", s("continued")),
                ],
            )?;
        }
        let fate = fates()[(i * 19) % PAST_PERSONS];
        day = day + Days::new(30);
        case.record(
            RecordKind::Outing,
            day,
            vec![
                ("occurred_on", FieldValue::Date(day)),
                ("activity_type", s("trial_stay")),
            ],
        )?;
        case.record(
            RecordKind::TransitionPlan,
            day,
            vec![
                ("plan_type", s("transition")),
                ("created_on", FieldValue::Date(day)),
            ],
        )?;
        day = day + Days::new(60 + case.dice.below(120));
        let discharged_on = day;
        // The discharge-support conference two weeks before.
        let conference_on = day - Days::new(14);
        case.record(
            RecordKind::CaseConference,
            conference_on,
            vec![
                ("conference_type", s("discharge_support")),
                ("held_on", FieldValue::Date(conference_on)),
                ("host", s("生活福祉課")),
            ],
        )?;
        case.record(
            RecordKind::Discharge,
            day,
            vec![
                ("discharged_on", FieldValue::Date(day)),
                ("destination", s(fate.destination())),
            ],
        )?;
        for _ in 0..(1 + case.dice.below(3)) {
            day = day + Days::new(14 + case.dice.below(30));
            let visit_kind = if case.dice.below(2) == 0 {
                "nursing"
            } else {
                "settlement"
            };
            case.record(
                RecordKind::HomeVisit,
                day,
                vec![
                    ("visit_kind", s(visit_kind)),
                    ("occurred_on", FieldValue::Date(day)),
                ],
            )?;
        }
        // What happens later is dated at least a month before today, so
        // every fate is on record whenever the demo is seeded.
        let latest = now.date_naive() - Days::new(30);
        let later =
            |day: NaiveDate, days: u64| (day + Days::new(days)).min(latest).max(day + Days::new(1));
        let still_supported = match fate {
            Fate::BackInHospital(_) => {
                day = later(day, 200);
                case.record(
                    RecordKind::Readmission,
                    day,
                    vec![
                        ("readmitted_on", FieldValue::Date(day)),
                        ("hospital", s(hospital)),
                    ],
                )?;
                false
            }
            Fate::Died(_) => {
                day = later(day, 700);
                case.record(
                    RecordKind::Death,
                    day,
                    vec![("died_on", FieldValue::Date(day))],
                )?;
                false
            }
            // Some no longer need support, and stay in the community.
            Fate::Community(_) if i % 4 == 1 => {
                day = later(day, 500);
                case.record(
                    RecordKind::CaseClosure,
                    day,
                    vec![
                        ("closed_on", FieldValue::Date(day)),
                        ("reason", s("support_ended")),
                    ],
                )?;
                false
            }
            Fate::Community(_) => discharged_on + Days::new(3 * 365) > now.date_naive(),
        };
        records += case.made;
        assign(tx, team.coordinator, &person, listed_on, now)?;
        if still_supported {
            assign(tx, team.caseworker, &person, listed_on, now)?;
            assign(tx, team.nurse, &person, discharged_on, now)?;
        }
    }
    Ok((PAST_PERSONS, records))
}

fn assign(
    tx: &WriteTx<'_>,
    user: i64,
    person: &str,
    from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), PersonError> {
    Ok(assignments::insert(tx, user, person, from, None, now)?)
}
