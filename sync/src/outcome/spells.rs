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
    /// Every discharge record that counts, with its destination, in order.
    pub destinations: Vec<(NaiveDate, &'static str)>,
    /// The day the course was read to.
    pub cut_off: NaiveDate,
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
    let mut destinations: Vec<(NaiveDate, &'static str)> = facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::Discharged { on, destination } if *on <= last => {
                Some((*on, known_destination(destination)))
            }
            _ => None,
        })
        .collect();
    destinations.sort();
    let first_discharge = destinations.first().map(|(on, _)| *on);
    let mut discharges: Vec<NaiveDate> = destinations.iter().map(|(on, _)| *on).collect();
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
    Course {
        spells,
        discharges,
        first_discharge,
        readmissions,
        end,
        destinations,
        cut_off,
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
        self.status_on(self.cut_off)
    }

    /// Where the person stood on `day` (on or before the cut-off), if
    /// they had been discharged by then: the same as reading the course
    /// to `day` and asking its [`Course::status`].
    pub fn status_on(&self, day: NaiveDate) -> Option<Status> {
        self.first_discharge.filter(|first| *first <= day)?;
        Some(match self.end.filter(|end| end.on() <= day) {
            Some(End::Died { .. }) => Status::Died,
            Some(End::Left { reason, .. }) => Status::Left(reason),
            None if self
                .spells
                .iter()
                .any(|&(start, end)| start <= day && day < end) =>
            {
                let latest = self.destinations.iter().rev().find(|(on, _)| *on <= day);
                Status::Community(latest.map_or("other", |(_, code)| code))
            }
            None => Status::BackInHospital,
        })
    }

    /// Days in the community from `from` to `to`, both included.
    pub fn days_between(&self, from: NaiveDate, to: NaiveDate) -> u64 {
        self.spells_between(from, to)
            .map(|(start, end)| (end - start).num_days() as u64)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The status on any day, read off the whole course, is what reading
    /// the course only up to that day says.
    #[test]
    fn status_on_a_day_matches_the_course_read_to_that_day() {
        let discharged = |on, destination: &str| Fact::Discharged {
            on,
            destination: destination.into(),
        };
        let timelines = [
            vec![
                discharged(day(2020, 5, 1), "group_home"),
                Fact::Readmitted {
                    on: day(2020, 5, 11),
                    redischarged: Some(day(2020, 5, 21)),
                },
                discharged(day(2020, 6, 1), "living_alone"),
                Fact::Readmitted {
                    on: day(2020, 6, 10),
                    redischarged: None,
                },
                Fact::Died {
                    on: day(2020, 6, 20),
                    in_hospital: true,
                },
            ],
            vec![
                discharged(day(2020, 5, 5), "with_family"),
                Fact::Left {
                    on: day(2020, 6, 5),
                    reason: LeftReason::MovedAway,
                },
                discharged(day(2020, 6, 15), "living_alone"),
            ],
            vec![discharged(day(2020, 5, 31), "transfer")],
        ];
        let end = day(2020, 7, 1);
        for facts in &timelines {
            let whole = course(facts, end);
            let mut d = day(2020, 4, 25);
            while d <= end {
                assert_eq!(
                    whole.status_on(d),
                    course(facts, d).status(),
                    "{d} in {facts:?}"
                );
                d = d.succ_opt().unwrap();
            }
        }
    }
}
