//! The report's rules on small hand-made timelines.

use super::spells::{Status, course as read_course};
use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn listed(year: i32, admitted: Option<NaiveDate>) -> ListingFact {
    ListingFact {
        fiscal_year: year,
        listed_on: day(year, 4, 1),
        admitted_on: admitted,
    }
}

fn discharged(on: NaiveDate, destination: &str) -> Fact {
    Fact::Discharged {
        on,
        destination: destination.into(),
    }
}

fn person(year: i32, facts: Vec<Fact>) -> PersonFacts {
    PersonFacts {
        listings: vec![listed(year, Some(day(year - 3, 4, 1)))],
        facts,
        drafts_created: vec![],
    }
}

fn costs(
    years: std::ops::RangeInclusive<i32>,
    monthly: u64,
    programme: u64,
) -> BTreeMap<i32, YearCosts> {
    years
        .map(|y| {
            (
                y,
                YearCosts {
                    inpatient_monthly_yen: Some(monthly),
                    programme_yen: Some(programme),
                },
            )
        })
        .collect()
}

fn range(from_year: i32, to_year: i32, cut_off: NaiveDate) -> Range {
    Range {
        from_year,
        to_year,
        cut_off,
    }
}

#[test]
fn a_readmission_and_re_discharge_count_both_spells() {
    let facts = vec![
        discharged(day(2020, 5, 1), "living_alone"),
        Fact::Readmitted {
            on: day(2020, 5, 11),
            redischarged: Some(day(2020, 5, 21)),
        },
    ];
    let course = read_course(&facts, day(2020, 5, 30));
    // 1–10 May out, 11–20 in hospital, 21–30 out again.
    assert_eq!(
        course.spells,
        vec![
            (day(2020, 5, 1), day(2020, 5, 11)),
            (day(2020, 5, 21), day(2020, 5, 31))
        ]
    );
    assert_eq!(course.days_between(day(2020, 1, 1), day(2020, 12, 31)), 20);
    assert_eq!(course.discharges.len(), 2);
    assert_eq!(course.status(), Some(Status::Community("living_alone")));
    // Readmitted without re-discharge: back in hospital at the cut-off.
    let facts = vec![
        discharged(day(2020, 5, 1), "group_home"),
        Fact::Readmitted {
            on: day(2020, 5, 11),
            redischarged: None,
        },
    ];
    let course = read_course(&facts, day(2020, 5, 30));
    assert_eq!(course.days_between(day(2020, 1, 1), day(2020, 12, 31)), 10);
    assert_eq!(course.status(), Some(Status::BackInHospital));
}

#[test]
fn a_death_after_readmission_is_a_death_and_ends_the_course() {
    let facts = vec![
        discharged(day(2021, 4, 1), "with_family"),
        Fact::Readmitted {
            on: day(2021, 4, 11),
            redischarged: None,
        },
        Fact::Died {
            on: day(2021, 6, 1),
            in_hospital: true,
        },
        // Nothing after a death counts.
        discharged(day(2021, 7, 1), "living_alone"),
    ];
    let course = read_course(&facts, day(2022, 3, 31));
    assert_eq!(course.status(), Some(Status::Died));
    assert_eq!(course.days_between(day(2021, 4, 1), day(2022, 3, 31)), 10);
    assert_eq!(course.discharges, vec![day(2021, 4, 1)]);
}

#[test]
fn the_discharge_day_counts_and_the_readmission_day_does_not() {
    let cut_off = day(2022, 9, 30);
    let out_on_cut_off = read_course(&[discharged(cut_off, "group_home")], cut_off);
    assert_eq!(out_on_cut_off.days_between(cut_off, cut_off), 1);
    assert_eq!(
        out_on_cut_off.status(),
        Some(Status::Community("group_home"))
    );
    let back_on_cut_off = read_course(
        &[
            discharged(day(2022, 9, 1), "group_home"),
            Fact::Readmitted {
                on: cut_off,
                redischarged: None,
            },
        ],
        cut_off,
    );
    assert_eq!(back_on_cut_off.days_between(day(2022, 9, 1), cut_off), 29);
    assert_eq!(back_on_cut_off.status(), Some(Status::BackInHospital));
    // A discharge after the cut-off does not count at all.
    let later = read_course(&[discharged(day(2022, 10, 1), "group_home")], cut_off);
    assert_eq!(later.status(), None);
}

#[test]
fn leaving_the_programme_censors_the_course() {
    let facts = vec![
        discharged(day(2020, 4, 1), "living_alone"),
        Fact::Left {
            on: day(2020, 4, 6),
            reason: LeftReason::MovedAway,
        },
    ];
    let course = read_course(&facts, day(2021, 3, 31));
    assert_eq!(course.days_between(day(2020, 4, 1), day(2021, 3, 31)), 5);
    assert_eq!(course.status(), Some(Status::Left(LeftReason::MovedAway)));
}

#[test]
fn a_leap_year_has_366_community_days_priced_by_month() {
    // Fiscal 2023 runs 1 April 2023 – 31 March 2024 and holds 29 Feb 2024.
    let data = ProgrammeFacts {
        persons: vec![person(
            2023,
            vec![discharged(day(2023, 4, 1), "living_alone")],
        )],
        costs: costs(2023..=2023, 300_000, 1_000_000),
    };
    let report = report(&data, range(2023, 2023, day(2024, 3, 31)));
    assert_eq!(report.cumulative.community_days, 366);
    assert_eq!(report.years[0].effect_yen, Some(12 * 300_000));
    assert_eq!(report.cumulative.effect_yen, Some(3_600_000));
    assert_eq!(report.cumulative.cost_effectiveness, Some(3.6));
    assert_eq!(report.cumulative.city_share_yen, Some(900_000));
}

#[test]
fn a_fiscal_year_boundary_splits_days_and_prices() {
    // Out from 20 March 2024 to the cut-off on 10 April 2024: 12 days in
    // fiscal 2023 (March, 31 days) and 10 in fiscal 2024 (April, 30 days).
    let mut prices = costs(2023..=2024, 0, 500_000);
    prices.entry(2023).or_default().inpatient_monthly_yen = Some(310_000);
    prices.entry(2024).or_default().inpatient_monthly_yen = Some(330_000);
    let data = ProgrammeFacts {
        persons: vec![person(
            2023,
            vec![discharged(day(2024, 3, 20), "elderly_facility")],
        )],
        costs: prices,
    };
    let report = report(&data, range(2023, 2024, day(2024, 4, 10)));
    assert_eq!(report.counted_to, day(2024, 4, 10));
    let [y2023, y2024] = &report.years[..] else {
        panic!("two years: {:?}", report.years);
    };
    assert_eq!((y2023.community_days, y2024.community_days), (12, 10));
    assert_eq!((y2023.discharges, y2024.discharges), (1, 0));
    assert_eq!(y2023.effect_yen, Some(120_000));
    assert_eq!(y2024.effect_yen, Some(110_000));
    assert_eq!(report.cumulative.effect_yen, Some(230_000));
    assert_eq!(report.cumulative.programme_cost_yen, Some(1_000_000));
    assert_eq!(
        report.cumulative.status_at_cut_off.community["elderly_facility"],
        1
    );
}

#[test]
fn statuses_add_up_to_the_discharged_and_hospital_deaths_stand_apart() {
    let cut_off = day(2025, 3, 31);
    let persons = vec![
        person(2020, vec![discharged(day(2020, 6, 1), "living_alone")]),
        person(
            2020,
            vec![
                discharged(day(2020, 6, 1), "with_family"),
                Fact::Readmitted {
                    on: day(2021, 1, 1),
                    redischarged: None,
                },
            ],
        ),
        person(
            2021,
            vec![
                discharged(day(2021, 6, 1), "group_home"),
                Fact::Died {
                    on: day(2022, 1, 1),
                    in_hospital: false,
                },
            ],
        ),
        person(
            2021,
            vec![
                discharged(day(2021, 6, 1), "relief_facility"),
                Fact::Left {
                    on: day(2023, 1, 1),
                    reason: LeftReason::AssistanceEnded,
                },
            ],
        ),
        // Died in hospital, never discharged.
        person(
            2022,
            vec![Fact::Died {
                on: day(2022, 8, 1),
                in_hospital: true,
            }],
        ),
        // Listed, interviewed, still in hospital.
        person(
            2022,
            vec![
                Fact::FirstJointInterview(day(2022, 5, 1)),
                Fact::Interview(day(2022, 6, 1)),
                Fact::Interview(day(2022, 7, 1)),
                Fact::PeerOuting(day(2022, 7, 2)),
                Fact::TrialStay(day(2022, 8, 2)),
            ],
        ),
    ];
    let data = ProgrammeFacts {
        persons,
        costs: BTreeMap::new(),
    };
    let report = report(&data, range(2020, 2024, cut_off));
    let c = &report.cumulative;
    assert_eq!(c.listed, 6);
    assert_eq!(c.discharged, 4);
    let s = &c.status_at_cut_off;
    let community: u64 = s.community.values().sum();
    assert_eq!((community, s.readmitted, s.died, s.left), (1, 1, 1, 1));
    assert_eq!(community + s.readmitted + s.died + s.left, c.discharged);
    assert_eq!(
        s.community.len(),
        DESTINATIONS.len(),
        "every destination listed"
    );
    assert_eq!(c.readmitted_ever, 1);
    assert_eq!(c.deaths, 2);
    assert_eq!(c.died_in_hospital, 1);
    assert_eq!((c.first_interviews, c.continued_interviews), (1, 2));
    assert_eq!(
        (c.continued_interview_persons, c.peer_outings, c.trial_stays),
        (1, 1, 1)
    );
    let y2020 = &report.years[0];
    assert_eq!(
        y2020.status_at_year_end,
        YearStatus {
            community: 1,
            readmitted: 1,
            died: 0,
            left: 0
        },
        "at 31 March 2021: one out, one back in hospital"
    );
    let y2022 = report.years.iter().find(|y| y.year == 2022).unwrap();
    assert_eq!(
        (y2022.listed_new, y2022.deaths, y2022.first_interviews),
        (2, 1, 1)
    );
    // No unit costs: no effect is stated, and the report says why.
    assert_eq!(c.effect_yen, None);
    assert_eq!(
        report.data_quality.years_without_unit_cost,
        vec![2020, 2021, 2022, 2023, 2024]
    );
    assert!(report.years.iter().all(|y| y.effect_yen.is_none()));
}

#[test]
fn the_first_year_mean_counts_only_persons_a_full_year_out() {
    let cut_off = day(2023, 3, 31);
    let data = ProgrammeFacts {
        persons: vec![
            // A full year before the day after the cut-off: counted, 365 days.
            person(2021, vec![discharged(day(2022, 4, 1), "living_alone")]),
            // Readmitted after 65 days: counted, 65 days.
            person(
                2021,
                vec![
                    discharged(day(2021, 4, 1), "living_alone"),
                    Fact::Readmitted {
                        on: day(2021, 6, 5),
                        redischarged: None,
                    },
                ],
            ),
            // One day short of a year: not counted.
            person(2021, vec![discharged(day(2022, 4, 2), "living_alone")]),
        ],
        costs: BTreeMap::new(),
    };
    let report = report(&data, range(2021, 2022, cut_off));
    assert_eq!(report.cumulative.first_year_persons, 2);
    assert_eq!(
        report.cumulative.mean_community_days_first_year,
        Some(215.0)
    );
}

#[test]
fn length_of_stay_is_read_at_the_first_listing() {
    let stay = |admitted: Option<NaiveDate>| PersonFacts {
        listings: vec![listed(2022, admitted), listed(2020, admitted)],
        facts: vec![discharged(day(2022, 6, 1), "living_alone")],
        drafts_created: vec![],
    };
    let data = ProgrammeFacts {
        persons: vec![
            stay(Some(day(2010, 4, 1))),  // 10 years at the 2020 listing
            stay(Some(day(2010, 4, 2))),  // a day short of 10
            stay(Some(day(2015, 4, 1))),  // 5
            stay(Some(day(2019, 10, 1))), // under a year: flagged, under five
            stay(None),
        ],
        costs: BTreeMap::new(),
    };
    let los = report(&data, range(2020, 2022, day(2023, 3, 31)))
        .cumulative
        .length_of_stay_at_listing;
    assert_eq!(
        (
            los.under_five,
            los.five_to_ten,
            los.ten_or_more,
            los.unknown
        ),
        (1, 2, 1, 1)
    );
}

#[test]
fn data_quality_names_stale_drafts_and_unlisted_persons() {
    let mut with_drafts = person(2022, vec![]);
    with_drafts.drafts_created = vec![
        day(2023, 2, 27),
        day(2023, 2, 28),
        day(2023, 3, 1),
        day(2023, 3, 20),
    ];
    let unlisted = PersonFacts {
        listings: vec![],
        facts: vec![discharged(day(2022, 6, 1), "living_alone")],
        drafts_created: vec![],
    };
    let data = ProgrammeFacts {
        persons: vec![with_drafts, unlisted],
        costs: costs(2022..=2022, 1, 1),
    };
    let report = report(&data, range(2022, 2022, day(2023, 3, 31)));
    assert_eq!(
        report.data_quality.stale_drafts, 2,
        "27 and 28 February are more than 30 days old; 1 March is 30"
    );
    assert_eq!(report.data_quality.persons_without_listing, 1);
    assert_eq!(
        report.cumulative.listed, 1,
        "an unlisted person is counted nowhere"
    );
    assert_eq!(report.cumulative.discharged, 0);
    assert!(report.data_quality.years_without_unit_cost.is_empty());
}

#[test]
fn years_after_the_cut_off_are_empty_and_need_no_cost() {
    let data = ProgrammeFacts {
        persons: vec![person(
            2024,
            vec![discharged(day(2024, 5, 1), "living_alone")],
        )],
        costs: costs(2024..=2024, 300_000, 1),
    };
    let report = report(&data, range(2024, 2026, day(2024, 5, 31)));
    assert_eq!(report.years.len(), 3);
    assert_eq!(report.years[1].community_days, 0);
    assert!(report.data_quality.years_without_unit_cost.is_empty());
    assert_eq!(report.cumulative.effect_yen, Some(300_000));
    assert_eq!(report.cumulative.community_days, 31);
}
