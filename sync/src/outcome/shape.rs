//! The report's shape: what `tsunagu report outcome --format json`
//! prints, the coordinator's screen shows and the CSV lists.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The outcome report (its JSON is what `tsunagu report outcome` prints).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeReport {
    /// The first fiscal year.
    pub from_year: i32,
    /// The last fiscal year.
    pub to_year: i32,
    /// The cut-off as asked.
    pub cut_off: NaiveDate,
    /// The last day counted: the cut-off or the range's end, the earlier.
    pub counted_to: NaiveDate,
    /// The whole range.
    pub cumulative: Cumulative,
    /// One row per fiscal year of the range.
    pub years: Vec<YearRow>,
    /// What is missing or unfinished in the data.
    pub data_quality: DataQuality,
}

/// The range as a whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cumulative {
    /// Persons listed (each once).
    pub listed: u64,
    /// Joint first interviews.
    pub first_interviews: u64,
    /// Other interviews.
    pub continued_interviews: u64,
    /// Persons with at least one other interview.
    pub continued_interview_persons: u64,
    /// Peer-support activities.
    pub peer_outings: u64,
    /// Trial stays and trial use.
    pub trial_stays: u64,
    /// Persons discharged at least once by the end.
    pub discharged: u64,
    /// Discharges and re-discharges in the range.
    pub discharges: u64,
    /// Persons readmitted after a discharge.
    pub readmitted_ever: u64,
    /// Readmissions in the range.
    pub readmissions: u64,
    /// Deaths in the range.
    pub deaths: u64,
    /// Persons who died without ever being discharged.
    pub died_in_hospital: u64,
    /// Where every discharged person stood at the end.
    pub status_at_cut_off: StatusAtCutOff,
    /// Discharged persons by their stay at their first listing.
    pub length_of_stay_at_listing: LengthOfStay,
    /// Days lived in the community in the range.
    pub community_days: u64,
    /// Mean days in the community in the 365 days from the first discharge.
    pub mean_community_days_first_year: Option<f64>,
    /// How many persons that mean is over (first discharge a full year
    /// before the day after the end).
    pub first_year_persons: u64,
    /// The effect amount; `None` when a year of the range has no unit cost.
    pub effect_yen: Option<u64>,
    /// The programme's cost; `None` when a year of the range has none.
    pub programme_cost_yen: Option<u64>,
    /// Effect divided by cost, two decimals.
    pub cost_effectiveness: Option<f64>,
    /// The city's share of the effect (public assistance is a quarter
    /// the city's own budget).
    pub city_share_yen: Option<u64>,
}

/// Where the discharged persons stood at the end; the parts add up to
/// [`Cumulative::discharged`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusAtCutOff {
    /// In the community, by the destination of their latest discharge
    /// (every destination code present).
    pub community: BTreeMap<String, u64>,
    /// Back in hospital.
    pub readmitted: u64,
    /// Died.
    pub died: u64,
    /// Left the programme.
    pub left: u64,
}

/// Discharged persons by the length of the stay at their first listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LengthOfStay {
    /// Under five years (a flagged stay under one year counts here).
    #[serde(rename = "1-5")]
    pub under_five: u64,
    /// Five to ten years.
    #[serde(rename = "5-10")]
    pub five_to_ten: u64,
    /// Ten years or more.
    #[serde(rename = "10+")]
    pub ten_or_more: u64,
    /// The listing did not give the admission date.
    pub unknown: u64,
}

/// One fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    /// The fiscal year.
    pub year: i32,
    /// Persons on that year's listing.
    pub listed: u64,
    /// Persons listed for the first time that year.
    pub listed_new: u64,
    /// Joint first interviews.
    pub first_interviews: u64,
    /// Other interviews.
    pub continued_interviews: u64,
    /// Persons with at least one other interview.
    pub continued_interview_persons: u64,
    /// Peer-support activities.
    pub peer_outings: u64,
    /// Trial stays and trial use.
    pub trial_stays: u64,
    /// Discharges and re-discharges.
    pub discharges: u64,
    /// Readmissions.
    pub readmissions: u64,
    /// Deaths.
    pub deaths: u64,
    /// Days lived in the community.
    pub community_days: u64,
    /// The effect amount; `None` without a unit cost.
    pub effect_yen: Option<u64>,
    /// The programme's cost, if entered.
    pub programme_cost_yen: Option<u64>,
    /// Where everyone discharged by the year's last day (or the end)
    /// stood on that day.
    pub status_at_year_end: YearStatus,
}

/// Where the persons discharged so far stood at a year's end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearStatus {
    /// In the community.
    pub community: u64,
    /// Back in hospital.
    pub readmitted: u64,
    /// Died.
    pub died: u64,
    /// Left the programme.
    pub left: u64,
}

/// What the data lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataQuality {
    /// Records still in draft more than 30 days after they were created.
    pub stale_drafts: u64,
    /// Persons with records but no listing (not counted anywhere).
    pub persons_without_listing: u64,
    /// Fiscal years of the range with no standard inpatient cost.
    pub years_without_unit_cost: Vec<i32>,
    /// Fiscal years of the range with no programme cost.
    pub years_without_programme_cost: Vec<i32>,
}
