//! The record kinds and their fields. Adding a kind is adding a
//! [`KindSpec`] here: validation, typed access and the wire format follow.
//!
//! Field names and choice values are stable identifiers (snake_case
//! English); the UI translates them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a field holds and how it merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free narrative: automerge text, concurrent edits merge character by character.
    Narrative,
    /// A short string; last writer wins.
    Short,
    /// A whole number within `min..=max`; last writer wins.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A calendar date, `YYYY-MM-DD`; last writer wins.
    Date,
    /// A time of day, `HH:MM`; last writer wins.
    Time,
    /// One of a fixed list of identifiers; last writer wins.
    Choice(&'static [&'static str]),
    /// Yes or no; last writer wins.
    Flag,
    /// A list of action items (what, owner, due, done); additions merge.
    Actions,
}

impl FieldType {
    /// A short name for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            FieldType::Narrative => "narrative text",
            FieldType::Short => "string",
            FieldType::Int { .. } => "integer",
            FieldType::Date => "date (YYYY-MM-DD)",
            FieldType::Time => "time (HH:MM)",
            FieldType::Actions => "list of action items",
            FieldType::Choice(_) => "choice",
            FieldType::Flag => "boolean",
        }
    }
}

/// One field of a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The stable field name.
    pub name: &'static str,
    /// Its type.
    pub ty: FieldType,
    /// Whether a record is invalid without it.
    pub required: bool,
}

const fn req(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
    }
}

/// A record kind with its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    /// The kind.
    pub kind: RecordKind,
    /// Its fields, in form order.
    pub fields: &'static [FieldSpec],
}

impl KindSpec {
    /// The field called `name`, if this kind has one.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The kinds of record, one automerge document each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 対象者: the person's profile (identity, hospital, notes).
    Person,
    /// 連絡カード: what everyone on the person's team may know, peer
    /// supporters included: the name to use and where to meet.
    PersonCard,
    /// 面接記録: an interview on the ward or elsewhere (DOMAIN §1.2).
    WardInterview,
    /// ピア活動記録: a peer-support activity or accompanied outing (§1.4).
    Outing,
    /// 訪問記録: a home visit by a nurse, support staff or caseworker (§1.3).
    HomeVisit,
    /// 入院: a stay in a psychiatric hospital (DOMAIN §2 HospitalAdmission).
    HospitalAdmission,
    /// アセスメント: life history, barriers to discharge, strengths, needs.
    Assessment,
    /// 計画: a support plan with goals and monitoring (地域移行支援計画 and others).
    TransitionPlan,
    /// 住居: where the person lives or will live, rent against the housing allowance, guarantee, trial-room stays.
    Housing,
    /// 退院: leaving hospital, and where to.
    Discharge,
    /// 再入院: a return to hospital after discharge, and the re-discharge if any.
    Readmission,
    /// 死亡.
    Death,
    /// 同意: what the person agreed to share, with whom, until when.
    Consent,
    /// 会議: a case conference, its attendees, decisions and action items.
    CaseConference,
    /// 終結: support for the person ended, and why.
    CaseClosure,
    /// 引き継ぎ: the case passed from one worker to another.
    Handover,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 16] = [
        RecordKind::Person,
        RecordKind::PersonCard,
        RecordKind::WardInterview,
        RecordKind::Outing,
        RecordKind::HomeVisit,
        RecordKind::HospitalAdmission,
        RecordKind::Assessment,
        RecordKind::TransitionPlan,
        RecordKind::Housing,
        RecordKind::Discharge,
        RecordKind::Readmission,
        RecordKind::Death,
        RecordKind::Consent,
        RecordKind::CaseConference,
        RecordKind::CaseClosure,
        RecordKind::Handover,
    ];

    /// The stable name used in documents, the database and the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::PersonCard => "person_card",
            RecordKind::WardInterview => "ward_interview",
            RecordKind::Outing => "outing",
            RecordKind::HomeVisit => "home_visit",
            RecordKind::HospitalAdmission => "hospital_admission",
            RecordKind::Assessment => "assessment",
            RecordKind::TransitionPlan => "transition_plan",
            RecordKind::Housing => "housing",
            RecordKind::Discharge => "discharge",
            RecordKind::Readmission => "readmission",
            RecordKind::Death => "death",
            RecordKind::Consent => "consent",
            RecordKind::CaseConference => "case_conference",
            RecordKind::CaseClosure => "case_closure",
            RecordKind::Handover => "handover",
        }
    }

    /// About the person rather than something that happened: the profile
    /// and the card. They are made with the person, not from a note form.
    pub fn is_profile(self) -> bool {
        matches!(self, RecordKind::Person | RecordKind::PersonCard)
    }

    /// This kind's fields.
    pub fn spec(self) -> &'static KindSpec {
        match self {
            RecordKind::Person => &PERSON,
            RecordKind::PersonCard => &PERSON_CARD,
            RecordKind::WardInterview => &WARD_INTERVIEW,
            RecordKind::Outing => &OUTING,
            RecordKind::HomeVisit => &HOME_VISIT,
            RecordKind::HospitalAdmission => &HOSPITAL_ADMISSION,
            RecordKind::Assessment => &ASSESSMENT,
            RecordKind::TransitionPlan => &TRANSITION_PLAN,
            RecordKind::Housing => &HOUSING,
            RecordKind::Discharge => &DISCHARGE,
            RecordKind::Readmission => &READMISSION,
            RecordKind::Death => &DEATH,
            RecordKind::Consent => &CONSENT,
            RecordKind::CaseConference => &CASE_CONFERENCE,
            RecordKind::CaseClosure => &CASE_CLOSURE,
            RecordKind::Handover => &HANDOVER,
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| s.to_owned())
    }
}

const PLACES: &[&str] = &["ward", "visiting_room", "home", "office", "phone", "other"];

/// 対象者 (DOMAIN §2 Person). No マイナンバー, by design.
pub static PERSON: KindSpec = KindSpec {
    kind: RecordKind::Person,
    fields: &[
        req("family_name", FieldType::Short),
        req("given_name", FieldType::Short),
        opt("family_name_kana", FieldType::Short),
        opt("given_name_kana", FieldType::Short),
        opt("preferred_name", FieldType::Short),
        opt("date_of_birth", FieldType::Date),
        opt(
            "sex",
            FieldType::Choice(&["female", "male", "other", "unrecorded"]),
        ),
        opt("hospital", FieldType::Short),
        opt("ward", FieldType::Short),
        opt("admitted_on", FieldType::Date),
        opt("notes", FieldType::Narrative),
    ],
};

/// 連絡カード: the part of a person everyone on their team may see
/// (DOMAIN §3.3: peers see a display name and a meeting point, nothing
/// clinical or about welfare).
pub static PERSON_CARD: KindSpec = KindSpec {
    kind: RecordKind::PersonCard,
    fields: &[
        req("display_name", FieldType::Short),
        opt("meeting_point", FieldType::Short),
        opt("contact_notes", FieldType::Narrative),
    ],
};

/// 面接記録 (DOMAIN §1.2).
pub static WARD_INTERVIEW: KindSpec = KindSpec {
    kind: RecordKind::WardInterview,
    fields: &[
        req("occurred_on", FieldType::Date),
        opt("start_time", FieldType::Time),
        opt(
            "duration_minutes",
            FieldType::Int {
                min: 0,
                max: 24 * 60,
            },
        ),
        req("place", FieldType::Choice(PLACES)),
        req(
            "interview_type",
            FieldType::Choice(&["first_joint", "continued", "family", "phone"]),
        ),
        opt("caseworker_present", FieldType::Flag),
        opt("participants", FieldType::Short),
        opt("persons_words", FieldType::Narrative),
        opt("situation", FieldType::Narrative),
        opt("assessment", FieldType::Narrative),
        opt("support_given", FieldType::Narrative),
        opt("plan_next", FieldType::Narrative),
        opt(
            "discharge_motivation",
            FieldType::Choice(&["strong", "some", "ambivalent", "none", "unknown"]),
        ),
        opt("next_contact_on", FieldType::Date),
    ],
};

/// ピア活動記録 (DOMAIN §1.4). Peers record no diagnoses or welfare data,
/// so this kind has no field for them.
pub static OUTING: KindSpec = KindSpec {
    kind: RecordKind::Outing,
    fields: &[
        req("occurred_on", FieldType::Date),
        opt("start_time", FieldType::Time),
        opt("end_time", FieldType::Time),
        req(
            "activity_type",
            FieldType::Choice(&[
                "hospital_group",
                "individual_visit",
                "accompanied_outing",
                "resource_visit",
                "trial_use",
                "trial_stay",
                "activity_centre",
                "shopping_transport_practice",
            ]),
        ),
        opt("place", FieldType::Short),
        opt("participants", FieldType::Short),
        opt("observations", FieldType::Narrative),
        opt("peer_reflection", FieldType::Narrative),
        opt("incident", FieldType::Narrative),
        opt(
            "expenses_yen",
            FieldType::Int {
                min: 0,
                max: 1_000_000,
            },
        ),
    ],
};

/// 訪問記録 (DOMAIN §1.3, 記録書Ⅱ for nursing visits).
pub static HOME_VISIT: KindSpec = KindSpec {
    kind: RecordKind::HomeVisit,
    fields: &[
        req(
            "visit_kind",
            FieldType::Choice(&["nursing", "settlement", "caseworker"]),
        ),
        req("occurred_on", FieldType::Date),
        opt("start_time", FieldType::Time),
        opt("end_time", FieldType::Time),
        opt("mental_state", FieldType::Narrative),
        opt("daily_living", FieldType::Narrative),
        opt(
            "medication",
            FieldType::Choice(&["good", "partial", "poor", "stopped"]),
        ),
        opt("medication_notes", FieldType::Narrative),
        opt("relationships", FieldType::Narrative),
        opt("care_given", FieldType::Narrative),
        opt("family_support", FieldType::Narrative),
        opt("notes", FieldType::Narrative),
        opt("gaf", FieldType::Int { min: 0, max: 100 }),
        opt("next_visit_on", FieldType::Date),
    ],
};

/// 入院.
pub static HOSPITAL_ADMISSION: KindSpec = KindSpec {
    kind: RecordKind::HospitalAdmission,
    fields: &[
        req("hospital", FieldType::Short),
        opt(
            "ward_type",
            FieldType::Choice(&["psychiatric_care", "psychiatric_general", "other"]),
        ),
        opt(
            "admission_form",
            FieldType::Choice(&[
                "voluntary",
                "medical_protection",
                "involuntary",
                "emergency",
            ]),
        ),
        req("admitted_on", FieldType::Date),
        opt("discharged_on", FieldType::Date),
        opt("attending_doctor", FieldType::Short),
        opt("discharge_support_worker", FieldType::Short),
        opt("notes", FieldType::Narrative),
    ],
};

/// アセスメント.
pub static ASSESSMENT: KindSpec = KindSpec {
    kind: RecordKind::Assessment,
    fields: &[
        req("assessed_on", FieldType::Date),
        opt("life_history", FieldType::Narrative),
        opt("barriers", FieldType::Narrative),
        opt("strengths", FieldType::Narrative),
        opt("needs", FieldType::Narrative),
    ],
};

/// 計画 (goals and monitoring as narratives for now).
pub static TRANSITION_PLAN: KindSpec = KindSpec {
    kind: RecordKind::TransitionPlan,
    fields: &[
        req(
            "plan_type",
            FieldType::Choice(&[
                "transition",
                "service_use",
                "visiting_nursing",
                "post_discharge",
                "crisis",
            ]),
        ),
        req("created_on", FieldType::Date),
        opt("period_end", FieldType::Date),
        opt("wishes", FieldType::Narrative),
        opt("policy", FieldType::Narrative),
        opt("goals", FieldType::Narrative),
        opt("monitoring", FieldType::Narrative),
        opt("next_review_on", FieldType::Date),
        opt("consent_on", FieldType::Date),
    ],
};

/// 住居.
pub static HOUSING: KindSpec = KindSpec {
    kind: RecordKind::Housing,
    fields: &[
        req(
            "housing_type",
            FieldType::Choice(&[
                "apartment",
                "public_housing",
                "group_home",
                "family_home",
                "elderly_facility",
                "relief_facility",
                "trial_room",
            ]),
        ),
        opt("moved_in_on", FieldType::Date),
        opt(
            "rent_yen",
            FieldType::Int {
                min: 0,
                max: 10_000_000,
            },
        ),
        opt(
            "housing_allowance_limit_yen",
            FieldType::Int {
                min: 0,
                max: 10_000_000,
            },
        ),
        opt("tenancy_guarantee", FieldType::Flag),
        opt("guarantee_started_on", FieldType::Date),
        opt("trial_nights", FieldType::Int { min: 0, max: 366 }),
        opt("notes", FieldType::Narrative),
    ],
};

/// The places a discharge can lead to (DOMAIN §5.4 退院先内訳).
pub const DISCHARGE_DESTINATIONS: &[&str] = &[
    "living_alone",
    "with_family",
    "group_home",
    "elderly_facility",
    "relief_facility",
    "transfer",
    "other",
];

/// 退院.
pub static DISCHARGE: KindSpec = KindSpec {
    kind: RecordKind::Discharge,
    fields: &[
        req("discharged_on", FieldType::Date),
        req("destination", FieldType::Choice(DISCHARGE_DESTINATIONS)),
        opt("services", FieldType::Narrative),
        opt("settlement_support_from", FieldType::Date),
        opt("notes", FieldType::Narrative),
    ],
};

/// 再入院.
pub static READMISSION: KindSpec = KindSpec {
    kind: RecordKind::Readmission,
    fields: &[
        req("readmitted_on", FieldType::Date),
        req("hospital", FieldType::Short),
        opt("redischarged_on", FieldType::Date),
        opt("notes", FieldType::Narrative),
    ],
};

/// 死亡.
pub static DEATH: KindSpec = KindSpec {
    kind: RecordKind::Death,
    fields: &[
        req("died_on", FieldType::Date),
        opt("in_hospital", FieldType::Flag),
        opt("notes", FieldType::Narrative),
    ],
};

/// 同意.
pub static CONSENT: KindSpec = KindSpec {
    kind: RecordKind::Consent,
    fields: &[
        req("scope", FieldType::Short),
        opt("purpose", FieldType::Short),
        req("obtained_on", FieldType::Date),
        opt("expires_on", FieldType::Date),
        opt("withdrawn_on", FieldType::Date),
        opt("by_guardian", FieldType::Flag),
        opt("notes", FieldType::Narrative),
    ],
};

/// 会議.
pub static CASE_CONFERENCE: KindSpec = KindSpec {
    kind: RecordKind::CaseConference,
    fields: &[
        req(
            "conference_type",
            FieldType::Choice(&[
                "individual_support",
                "service_staff",
                "comprehensive",
                "discharge_support",
            ]),
        ),
        req("held_on", FieldType::Date),
        opt("host", FieldType::Short),
        opt("attendees", FieldType::Narrative),
        opt("decisions", FieldType::Narrative),
        opt("action_items", FieldType::Actions),
    ],
};

/// Why support ended (the case stage "ended").
pub const CLOSURE_REASONS: &[&str] = &[
    "readmitted",
    "died",
    "moved",
    "assistance_ended",
    "support_ended",
    "declined",
    "other",
];

/// 終結.
pub static CASE_CLOSURE: KindSpec = KindSpec {
    kind: RecordKind::CaseClosure,
    fields: &[
        req("closed_on", FieldType::Date),
        req("reason", FieldType::Choice(CLOSURE_REASONS)),
        opt("notes", FieldType::Narrative),
    ],
};

/// 引き継ぎ (made by the server when a coordinator hands a case over).
pub static HANDOVER: KindSpec = KindSpec {
    kind: RecordKind::Handover,
    fields: &[
        req("handed_over_on", FieldType::Date),
        req("from_worker", FieldType::Short),
        req("to_worker", FieldType::Short),
        opt("notes", FieldType::Narrative),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_field_names_are_unique() {
        for kind in RecordKind::ALL {
            assert_eq!(kind.as_str().parse::<RecordKind>(), Ok(kind));
            assert_eq!(kind.spec().kind, kind);
            let mut names: Vec<_> = kind.spec().fields.iter().map(|f| f.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                kind.spec().fields.len(),
                "{kind} has a duplicate field"
            );
        }
    }
}
