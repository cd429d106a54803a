//! The report itself: per fiscal year and over the range, from every
//! person's course (see [`super::spells`]).
//!
//! Who counts: persons with a listing in a fiscal year of the range, on or
//! before the end. The end is the cut-off, or the range's last day if that
//! comes first; nothing after it counts. A year row counts what happened
//! in that fiscal year; the cumulative part counts the whole range, and
//! where each person stood at the end.

use super::effect::{Exact, add_spell};
use super::fiscal::{first_day, fiscal_year, last_day};
use super::shape::{
    Cumulative, DataQuality, LengthOfStay, OutcomeReport, StatusAtCutOff, YearRow, YearStatus,
};
use super::spells::{Course, End, Status, course};
use super::{DESTINATIONS, Fact, PersonFacts, ProgrammeFacts, Range};
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;

/// One in-scope person, read once.
struct Person<'a> {
    facts: &'a PersonFacts,
    course: Course,
    first_listed: NaiveDate,
}

/// The report over `range` from `data`.
pub fn report(data: &ProgrammeFacts, range: Range) -> OutcomeReport {
    let end = range.cut_off.min(last_day(range.to_year));
    let start = first_day(range.from_year);
    let years: Vec<i32> = (range.from_year..=range.to_year)
        .filter(|year| first_day(*year) <= end)
        .collect();
    let persons: Vec<Person<'_>> = data
        .persons
        .iter()
        .filter_map(|facts| {
            let in_range = facts.listings.iter().any(|l| {
                (range.from_year..=range.to_year).contains(&l.fiscal_year) && l.listed_on <= end
            });
            let first_listed = facts.listings.iter().map(|l| l.listed_on).min()?;
            in_range.then(|| Person {
                facts,
                course: course(&facts.facts, end),
                first_listed,
            })
        })
        .collect();
    let mut effect: BTreeMap<i32, Exact> = BTreeMap::new();
    let unit_cost = |year: i32| data.costs.get(&year).and_then(|c| c.inpatient_monthly_yen);
    for person in &persons {
        for spell in person.course.spells_between(start, end) {
            add_spell(&mut effect, spell, unit_cost);
        }
    }
    let rows = (range.from_year..=range.to_year)
        .map(|year| year_row(year, &persons, end, &effect, data))
        .collect();
    let quality = DataQuality {
        stale_drafts: stale_drafts(data, range.cut_off),
        persons_without_listing: count(data.persons.iter().filter(|p| p.listings.is_empty())),
        years_without_unit_cost: years
            .iter()
            .copied()
            .filter(|y| unit_cost(*y).is_none())
            .collect(),
        years_without_programme_cost: years
            .iter()
            .copied()
            .filter(|y| data.costs.get(y).and_then(|c| c.programme_yen).is_none())
            .collect(),
    };
    let cumulative = cumulative(&persons, (start, end), &effect, &quality, data, &years);
    OutcomeReport {
        from_year: range.from_year,
        to_year: range.to_year,
        cut_off: range.cut_off,
        counted_to: end,
        cumulative,
        years: rows,
        data_quality: quality,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u64 {
    items.count() as u64
}

/// Facts of `person` dated from `from` to `to`.
fn facts_between<'a>(
    person: &'a Person<'_>,
    (from, to): (NaiveDate, NaiveDate),
) -> impl Iterator<Item = &'a Fact> {
    person
        .facts
        .facts
        .iter()
        .filter(move |fact| (from..=to).contains(&fact.on()))
}

/// Reach counts over a window: (first interviews, other interviews,
/// persons interviewed, peer outings, trial stays).
fn reach(persons: &[Person<'_>], window: (NaiveDate, NaiveDate)) -> [u64; 5] {
    let mut counts = [0; 5];
    for person in persons {
        let mut interviewed = false;
        for fact in facts_between(person, window) {
            match fact {
                Fact::FirstJointInterview(_) => counts[0] += 1,
                Fact::Interview(_) => {
                    counts[1] += 1;
                    interviewed = true;
                }
                Fact::PeerOuting(_) => counts[3] += 1,
                Fact::TrialStay(_) => counts[4] += 1,
                _ => {}
            }
        }
        counts[2] += u64::from(interviewed);
    }
    counts
}

/// Dated course events of every person within a window: (discharges,
/// readmissions, deaths).
fn movements(persons: &[Person<'_>], (from, to): (NaiveDate, NaiveDate)) -> [u64; 3] {
    let within = |day: &NaiveDate| (from..=to).contains(day);
    let mut counts = [0; 3];
    for person in persons {
        let course = &person.course;
        counts[0] += count(course.discharges.iter().filter(|d| within(d)));
        counts[1] += count(course.readmissions.iter().filter(|d| within(d)));
        counts[2] += u64::from(matches!(course.end, Some(End::Died { on, .. }) if within(&on)));
    }
    counts
}

fn year_row(
    year: i32,
    persons: &[Person<'_>],
    end: NaiveDate,
    effect: &BTreeMap<i32, Exact>,
    data: &ProgrammeFacts,
) -> YearRow {
    let costs = data.costs.get(&year).copied().unwrap_or_default();
    let window = (first_day(year), last_day(year).min(end));
    if window.0 > end {
        return YearRow {
            year,
            programme_cost_yen: costs.programme_yen,
            ..YearRow::default()
        };
    }
    let [
        first_interviews,
        continued_interviews,
        continued_interview_persons,
        peer_outings,
        trial_stays,
    ] = reach(persons, window);
    let [discharges, readmissions, deaths] = movements(persons, window);
    let listed_in = |p: &&Person<'_>| {
        p.facts
            .listings
            .iter()
            .any(|l| l.fiscal_year == year && l.listed_on <= end)
    };
    YearRow {
        year,
        listed: count(persons.iter().filter(listed_in)),
        listed_new: count(
            persons
                .iter()
                .filter(|p| fiscal_year(p.first_listed) == year && p.first_listed <= end),
        ),
        first_interviews,
        continued_interviews,
        continued_interview_persons,
        peer_outings,
        trial_stays,
        discharges,
        readmissions,
        deaths,
        community_days: persons
            .iter()
            .map(|p| p.course.days_between(window.0, window.1))
            .sum(),
        effect_yen: costs
            .inpatient_monthly_yen
            .map(|_| effect.get(&year).copied().unwrap_or_default().yen()),
        programme_cost_yen: costs.programme_yen,
        status_at_year_end: status_on(persons, window.1),
    }
}

/// Where the persons discharged by `day` stood on it.
fn status_on(persons: &[Person<'_>], day: NaiveDate) -> YearStatus {
    let mut out = YearStatus::default();
    for person in persons {
        match person.course.status_on(day) {
            Some(Status::Community(_)) => out.community += 1,
            Some(Status::BackInHospital) => out.readmitted += 1,
            Some(Status::Died) => out.died += 1,
            Some(Status::Left(_)) => out.left += 1,
            None => {}
        }
    }
    out
}

fn cumulative(
    persons: &[Person<'_>],
    window: (NaiveDate, NaiveDate),
    effect: &BTreeMap<i32, Exact>,
    quality: &DataQuality,
    data: &ProgrammeFacts,
    years: &[i32],
) -> Cumulative {
    let end = window.1;
    let [
        first_interviews,
        continued_interviews,
        continued_interview_persons,
        peer_outings,
        trial_stays,
    ] = reach(persons, window);
    let [discharges, readmissions, deaths] = movements(persons, window);
    let mut status = StatusAtCutOff {
        community: DESTINATIONS.iter().map(|d| ((*d).to_owned(), 0)).collect(),
        ..StatusAtCutOff::default()
    };
    let mut stay = LengthOfStay::default();
    let mut first_year = Vec::new();
    let after_end = end.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
    for person in persons {
        let Some(state) = person.course.status() else {
            continue;
        };
        match state {
            Status::Community(code) => *status.community.entry(code.to_owned()).or_default() += 1,
            Status::BackInHospital => status.readmitted += 1,
            Status::Died => status.died += 1,
            Status::Left(_) => status.left += 1,
        }
        *stay_bucket(&mut stay, person) += 1;
        if let Some(first) = person.course.first_discharge {
            let year_later = first
                .checked_add_days(Days::new(365))
                .unwrap_or(NaiveDate::MAX);
            if year_later <= after_end {
                let last = year_later.pred_opt().unwrap_or(year_later);
                first_year.push(person.course.days_between(first, last));
            }
        }
    }
    let effect_yen = quality.years_without_unit_cost.is_empty().then(|| {
        let mut total = Exact::default();
        for sum in effect.values() {
            total += *sum;
        }
        total.yen()
    });
    let programme_cost_yen = quality.years_without_programme_cost.is_empty().then(|| {
        years
            .iter()
            .filter_map(|y| data.costs.get(y).and_then(|c| c.programme_yen))
            .sum::<u64>()
    });
    let discharged_persons = persons
        .iter()
        .filter(|p| p.course.first_discharge.is_some());
    Cumulative {
        listed: persons.len() as u64,
        first_interviews,
        continued_interviews,
        continued_interview_persons,
        peer_outings,
        trial_stays,
        discharged: count(discharged_persons),
        discharges,
        readmitted_ever: count(persons.iter().filter(|p| !p.course.readmissions.is_empty())),
        readmissions,
        deaths,
        died_in_hospital: count(persons.iter().filter(|p| {
            p.course.first_discharge.is_none() && matches!(p.course.end, Some(End::Died { .. }))
        })),
        status_at_cut_off: status,
        length_of_stay_at_listing: stay,
        community_days: persons
            .iter()
            .map(|p| p.course.days_between(window.0, end))
            .sum(),
        mean_community_days_first_year: (!first_year.is_empty()).then(|| {
            let mean = first_year.iter().sum::<u64>() as f64 / first_year.len() as f64;
            (mean * 10.0).round() / 10.0
        }),
        first_year_persons: first_year.len() as u64,
        effect_yen,
        programme_cost_yen,
        cost_effectiveness: match (effect_yen, programme_cost_yen) {
            (Some(effect), Some(cost)) if cost > 0 => {
                Some((effect as f64 / cost as f64 * 100.0).round() / 100.0)
            }
            _ => None,
        },
        city_share_yen: effect_yen.map(|effect| (effect + 2) / 4),
    }
}

/// The bucket of `person`'s stay at their first listing.
fn stay_bucket<'a>(stay: &'a mut LengthOfStay, person: &Person<'_>) -> &'a mut u64 {
    let first = person.facts.listings.iter().min_by_key(|l| l.listed_on);
    let Some(admitted) = first.and_then(|l| l.admitted_on) else {
        return &mut stay.unknown;
    };
    let years = |n: u32| admitted.checked_add_months(chrono::Months::new(12 * n));
    let listed = person.first_listed;
    if years(10).is_some_and(|d| d <= listed) {
        &mut stay.ten_or_more
    } else if years(5).is_some_and(|d| d <= listed) {
        &mut stay.five_to_ten
    } else {
        &mut stay.under_five
    }
}

/// Drafts created more than 30 days before `cut_off`.
fn stale_drafts(data: &ProgrammeFacts, cut_off: NaiveDate) -> u64 {
    let Some(limit) = cut_off.checked_sub_days(Days::new(30)) else {
        return 0;
    };
    count(
        data.persons
            .iter()
            .flat_map(|p| &p.drafts_created)
            .filter(|created| **created < limit),
    )
}
