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
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Person,
        RecordKind::PersonCard,
        RecordKind::WardInterview,
        RecordKind::Outing,
        RecordKind::HomeVisit,
    ];

    /// The stable name used in documents, the database and the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Person => "person",
            RecordKind::PersonCard => "person_card",
            RecordKind::WardInterview => "ward_interview",
            RecordKind::Outing => "outing",
            RecordKind::HomeVisit => "home_visit",
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
