//! One person's course out of hospital: when they lived in the community,
//! and where they stood at the cut-off.
//!
//! A person is in the community on day d when a discharge (or
//! re-discharge) is on or before d and no readmission, death or leaving
//! happened on or before d since it. The discharge day counts; the day of
//! a readmission, death or leaving does not. Death and leaving end the
//! course for good: nothing after them counts.

use super::{DESTINATIONS, Fact, LeftReason};
use chrono::{Days, NaiveDate};

/// Where a course ended before the cut-off, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Died on that day.
    Died {
        /// The day.
        on: NaiveDate,
        /// Whether in hospital.
        in_hospital: bool,
    },
    /// Left the programme on that day.
    Left {
        /// The day.
        on: NaiveDate,
        /// Why.
        reason: LeftReason,
    },
}

impl End {
    fn on(self) -> NaiveDate {
        match self {
            End::Died { on, .. } | End::Left { on, .. } => on,
        }
    }
}

/// Where a person who was discharged at least once stood at the cut-off:
/// exactly one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In the community; the destination of their latest discharge.
    Community(&'static str),
    /// Readmitted and not discharged again.
    BackInHospital,
    /// Died.
    Died,
    /// Left the programme.
    Left(LeftReason),
}

/// A person's course, read from their facts up to a cut-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    /// Days in the community as merged half-open ranges `[start, end)`,
    /// none after the cut-off.
    pub spells: Vec<(NaiveDate, NaiveDate)>,
    /// Every discharge and re-discharge day that counts, in order.
    pub discharges: Vec<NaiveDate>,
    /// The first discharge (a discharge record, not a re-discharge).
    pub first_discharge: Option<NaiveDate>,
    /// Every readmission on or after the first discharge, in order.
    pub readmissions: Vec<NaiveDate>,
    /// Death or leaving, whichever came first, on or before the cut-off.
    pub end: Option<End>,
    /// The destination of the latest discharge record that counts.
    pub destination: Option<&'static str>,
    /// Whether the person is in the community on the cut-off day.
    pub out_at_cut_off: bool,
}

/// Reads `facts` (any order) up to and including `cut_off`.
pub fn course(facts: &[Fact], cut_off: NaiveDate) -> Course {
    let end = facts
        .iter()
        .filter_map(|fact| match *fact {
            Fact::Died { on, in_hospital } => Some(End::Died { on, in_hospital }),
            Fact::Left { on, reason } => Some(End::Left { on, reason }),
            _ => None,
        })
        .filter(|end| end.on() <= cut_off)
        .min_by_key(|end| end.on());
    let last = end.map_or(cut_off, |end| end.on().min(cut_off));
    let mut records: Vec<(NaiveDate, &str)> = facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::Discharged { on, destination } if *on <= last => {
                Some((*on, destination.as_str()))
            }
            _ => None,
        })
        .collect();
    records.sort();
    let first_discharge = records.first().map(|(on, _)| *on);
    let destination = records.last().map(|(_, code)| known_destination(code));
    let mut discharges: Vec<NaiveDate> = records.iter().map(|(on, _)| *on).collect();
    let mut readmissions = Vec::new();
    for fact in facts {
        if let Fact::Readmitted { on, redischarged } = *fact
            && first_discharge.is_some_and(|first| on >= first)
            && on <= last
        {
            readmissions.push(on);
            if let Some(out) = redischarged.filter(|out| *out >= on && *out <= last) {
                discharges.push(out);
            }
        }
    }
    discharges.sort();
    discharges.dedup();
    readmissions.sort();
    let mut stops = readmissions.clone();
    stops.extend(end.map(End::on));
    stops.sort();
    let after_cut_off = cut_off
        .checked_add_days(Days::new(1))
        .unwrap_or(NaiveDate::MAX);
    let mut spells: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &out in &discharges {
        let stop = stops
            .iter()
            .copied()
            .find(|stop| *stop >= out)
            .unwrap_or(after_cut_off)
            .min(after_cut_off);
        if stop <= out {
            continue;
        }
        match spells.last_mut() {
            Some(last) if out <= last.1 => last.1 = last.1.max(stop),
            _ => spells.push((out, stop)),
        }
    }
    let out_at_cut_off = spells.last().is_some_and(|(_, end)| *end == after_cut_off);
    Course {
        spells,
        discharges,
        first_discharge,
        readmissions,
        end,
        destination,
        out_at_cut_off,
    }
}

/// `code` as one of the seven destinations ("other" for anything else).
fn known_destination(code: &str) -> &'static str {
    DESTINATIONS
        .iter()
        .copied()
        .find(|known| *known == code)
        .unwrap_or("other")
}

impl Course {
    /// Where the person stood at the cut-off, if they were ever discharged.
    pub fn status(&self) -> Option<Status> {
        self.first_discharge?;
        Some(match self.end {
            Some(End::Died { .. }) => Status::Died,
            Some(End::Left { reason, .. }) => Status::Left(reason),
            None if self.out_at_cut_off => Status::Community(self.destination.unwrap_or("other")),
            None => Status::BackInHospital,
        })
    }

    /// Days in the community from `from` to `to`, both included.
    pub fn days_between(&self, from: NaiveDate, to: NaiveDate) -> u64 {
        let Some(to) = to.checked_add_days(Days::new(1)) else {
            return 0;
        };
        self.spells
            .iter()
            .map(|&(start, end)| {
                let (start, end) = (start.max(from), end.min(to));
                if end > start {
                    (end - start).num_days() as u64
                } else {
                    0
                }
            })
            .sum()
    }

    /// The spells clipped to `from..=to`.
    pub fn spells_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, NaiveDate)> + '_ {
        let to = to.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
        self.spells
            .iter()
            .map(move |&(start, end)| (start.max(from), end.min(to)))
            .filter(|(start, end)| end > start)
    }
}
