//! The programme's outcome report (DOMAIN §5): who was reached, who left
//! hospital, where they were at the cut-off, how many days they lived in
//! the community, and what that saved against what the programme cost,
//! per fiscal year and over a range of years.
//!
//! Pure functions over plain facts: the server turns each person's
//! listings and records into a [`PersonFacts`] ([`facts::fact_of`] reads
//! one record), adds the costs per fiscal year, and calls [`report`].
//! Nothing here reads a clock or storage.

pub mod effect;
pub mod facts;
pub mod fiscal;
pub mod render;
mod report;
pub mod shape;
pub mod spells;
pub mod table;
#[cfg(test)]
mod tests;

pub use report::report;
pub use shape::{
    Cumulative, DataQuality, LengthOfStay, OutcomeReport, StatusAtCutOff, YearRow, YearStatus,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The seven discharge destinations, as the discharge record codes them.
pub use crate::record::schema::DISCHARGE_DESTINATIONS as DESTINATIONS;

/// Why a person left the programme while out of hospital: from then on the
/// report no longer follows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    /// Moved out of the city.
    MovedAway,
    /// Public assistance ended (保護廃止).
    AssistanceEnded,
    /// Any other reason (the person declined further contact).
    Other,
}

/// One dated fact a record contributes to the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fact {
    /// A first interview held jointly with the caseworker.
    FirstJointInterview(NaiveDate),
    /// Any other interview.
    Interview(NaiveDate),
    /// An activity with peer supporters (an outing, a group, a visit).
    PeerOuting(NaiveDate),
    /// A trial stay or trial use.
    TrialStay(NaiveDate),
    /// Left hospital for `destination` (a [`DESTINATIONS`] code).
    Discharged {
        /// The day.
        on: NaiveDate,
        /// Where to.
        destination: String,
    },
    /// Back in hospital, and out again on `redischarged` if that is known.
    Readmitted {
        /// The day of readmission.
        on: NaiveDate,
        /// The day of the re-discharge, if any.
        redischarged: Option<NaiveDate>,
    },
    /// Died.
    Died {
        /// The day.
        on: NaiveDate,
        /// Whether in hospital.
        in_hospital: bool,
    },
    /// Left the programme.
    Left {
        /// The day.
        on: NaiveDate,
        /// Why.
        reason: LeftReason,
    },
}

impl Fact {
    /// The day the fact happened.
    pub fn on(&self) -> NaiveDate {
        match self {
            Fact::FirstJointInterview(on)
            | Fact::Interview(on)
            | Fact::PeerOuting(on)
            | Fact::TrialStay(on) => *on,
            Fact::Discharged { on, .. }
            | Fact::Readmitted { on, .. }
            | Fact::Died { on, .. }
            | Fact::Left { on, .. } => *on,
        }
    }
}

/// A person's place on one annual listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingFact {
    /// The fiscal year of the listing.
    pub fiscal_year: i32,
    /// The listing date.
    pub listed_on: NaiveDate,
    /// The first day of the continuous stay, if the listing gave it.
    pub admitted_on: Option<NaiveDate>,
}

/// Everything the report needs about one person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    /// Their listings, any order.
    pub listings: Vec<ListingFact>,
    /// What their records say, any order.
    pub facts: Vec<Fact>,
    /// When each of their records still in draft was created (for the
    /// data-quality count).
    pub drafts_created: Vec<NaiveDate>,
}

/// What one fiscal year cost, as the coordinator entered it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCosts {
    /// The standard monthly medical-assistance cost of a psychiatric
    /// inpatient, in yen.
    pub inpatient_monthly_yen: Option<u64>,
    /// What the programme cost that year, in yen.
    pub programme_yen: Option<u64>,
}

/// What the report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// The first fiscal year.
    pub from_year: i32,
    /// The last fiscal year.
    pub to_year: i32,
    /// Nothing after this day counts.
    pub cut_off: NaiveDate,
}

/// The report's input: every person and the costs per fiscal year.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFacts {
    /// Every person with a listing or a record.
    pub persons: Vec<PersonFacts>,
    /// Costs by fiscal year.
    pub costs: BTreeMap<i32, YearCosts>,
}
