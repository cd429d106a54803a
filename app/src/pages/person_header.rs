//! The top of a person's page: who they are (kana, age, hospital and
//! ward, time in hospital), where the case stands, what is planned or
//! overdue, and the record kinds the user writes most, first.

use super::caseload_texts::hint_text;
use crate::i18n::{Lang, role_label, use_lang};
use crate::labels::stage_label;
use crate::local::attention::{Me, Plan, hints, plans};
use crate::local::read::{PersonRow, caseload, date, short};
use crate::local::state::ClientState;
use crate::local::{current_user, with_device};
use chrono::NaiveDate;
use leptos::either::Either;
use leptos::prelude::*;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::role::Role;
use tsunagu_sync::stage::Stage;
use tsunagu_sync::team::PersonTeam;

/// What the person's profile says, as the header shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The name's kana.
    pub kana: String,
    /// Date of birth.
    pub born: Option<NaiveDate>,
    /// Hospital.
    pub hospital: String,
    /// Ward.
    pub ward: String,
    /// Admitted on.
    pub admitted_on: Option<NaiveDate>,
}

/// The person's profile, if the device holds it (a peer supporter's holds
/// only the card).
fn profile(person: &str) -> Option<Profile> {
    with_device(|store, summaries| {
        let id = summaries
            .iter()
            .find(|(_, s)| s.kind == RecordKind::Person && s.person_id == person)
            .map(|(id, s)| (id.clone(), s.kana.clone()))?;
        let record = store.record_mut(&id.0)?;
        Some(Profile {
            kana: id.1,
            born: date(record, "date_of_birth"),
            hospital: short(record, "hospital"),
            ward: short(record, "ward"),
            admitted_on: date(record, "admitted_on"),
        })
    })
    .flatten()
}

/// Whether the case's person is (still or again) in hospital.
fn in_hospital(stage: Stage) -> bool {
    matches!(
        stage,
        Stage::Listed
            | Stage::FirstJointInterview
            | Stage::ContinuedInterviews
            | Stage::TransitionSupport
    )
}

/// The kinds a role writes most, in the order its page offers them first.
pub fn usual_kinds(role: Role) -> &'static [RecordKind] {
    use RecordKind as K;
    match role {
        Role::PeerSupporter => &[K::Outing],
        Role::VisitingNurse => &[K::HomeVisit],
        Role::Caseworker => &[K::WardInterview, K::HomeVisit, K::CaseConference],
        Role::SupportSpecialist => &[K::WardInterview, K::HomeVisit, K::Outing, K::TransitionPlan],
        Role::Coordinator => &[K::CaseConference],
        Role::Auditor => &[],
    }
}

/// `kinds` in the order the user's role offers them: its usual kinds
/// first, then the rest as they come. The boolean says "usual".
pub fn ordered_kinds(role: Role, kinds: &[RecordKind]) -> Vec<(RecordKind, bool)> {
    let usual = usual_kinds(role);
    let first = usual
        .iter()
        .filter(|k| kinds.contains(k))
        .map(|k| (*k, true));
    let rest = kinds
        .iter()
        .filter(|k| !usual.contains(k))
        .map(|k| (*k, false));
    first.chain(rest).collect()
}

fn facts_text(lang: Lang, profile: &Profile, stage: Stage, today: NaiveDate) -> Vec<String> {
    let ja = lang == Lang::Ja;
    let mut facts = Vec::new();
    if let Some(age) = profile.born.and_then(|born| today.years_since(born)) {
        facts.push(if ja {
            format!("{age}歳")
        } else {
            format!("{age} years old")
        });
    }
    let place = [profile.hospital.as_str(), profile.ward.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !place.is_empty() {
        facts.push(place);
    }
    if let Some(admitted) = profile.admitted_on {
        let days = (today - admitted).num_days();
        facts.push(match (in_hospital(stage), ja) {
            (true, true) => format!("入院 {admitted}（{days}日）"),
            (true, false) => format!("In hospital since {admitted} ({days} days)"),
            (false, true) => format!("入院日 {admitted}"),
            (false, false) => format!("Admitted {admitted}"),
        });
    }
    facts
}

/// What a plan says, in `lang`.
fn plan_text(lang: Lang, plan: Plan) -> String {
    match (plan, lang) {
        (Plan::Contact(on), Lang::Ja) => format!("次回連絡予定 {on}"),
        (Plan::Contact(on), Lang::En) => format!("Next contact planned {on}"),
        (Plan::Review(on), Lang::Ja) => format!("計画見直し予定 {on}"),
        (Plan::Review(on), Lang::En) => format!("Plan review due {on}"),
    }
}

/// The fiscal years on the annual listing, in `lang`.
fn listed_text(lang: Lang, years: &[i32]) -> String {
    match lang {
        Lang::Ja => {
            let years: Vec<String> = years.iter().map(|y| format!("{y}年度")).collect();
            format!("名簿登載 {}", years.join("・"))
        }
        Lang::En => {
            let years: Vec<String> = years.iter().map(|y| format!("FY{y}")).collect();
            format!("Listed {}", years.join(", "))
        }
    }
}

/// The other workers holding the person, as the server last said.
#[component]
fn TeamLine(
    /// Who works with the person.
    team: PersonTeam,
) -> impl IntoView {
    let lang = use_lang();
    let nobody = team.members.is_empty();
    let members = team
        .members
        .into_iter()
        .map(|m| view! {
            <li data-testid="team-member">
                <span class="team-role">{move || role_label(lang.get(), m.role)}</span>" "{m.name.clone()}
            </li>
        })
        .collect::<Vec<_>>();
    view! {
        <div class="person-team" data-testid="person-team">
            <span class="team-label">{move || if lang.get() == Lang::Ja { "ほかの担当者" } else { "Also working with them" }}</span>
            {if nobody {
                Either::Left(view! { <span data-testid="team-none">{move || if lang.get() == Lang::Ja { "なし" } else { "nobody else" }}</span> })
            } else {
                Either::Right(view! { <ul class="team-members">{members}</ul> })
            }}
        </div>
    }
}

/// The header of the person page.
#[component]
pub fn PersonHeader(
    /// The person's id.
    person: String,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let me = current_user()
        .map(|u| Me::new(&u.display_name, &u.username))
        .unwrap_or_default();
    let row = {
        let person = person.clone();
        Memo::new(move |_| {
            state.revision.track();
            with_device(|_, summaries| {
                caseload(summaries, |_| false)
                    .into_iter()
                    .find(|row: &PersonRow| row.id == person)
            })
            .flatten()
        })
    };
    let details = {
        let person = person.clone();
        Memo::new(move |_| {
            state.revision.track();
            profile(&person)
        })
    };
    let team = {
        let person = person.clone();
        Memo::new(move |_| {
            state.revision.track();
            with_device(|store, _| store.team(&person).cloned()).flatten()
        })
    };
    let today = tsunagu_sync::policy::japan_date(chrono::Utc::now());
    view! {
        <header class="person-header" data-testid="person-header">
            <h2 data-testid="person-name">{move || row.with(|r| r.as_ref().map(|r| r.name.clone()))}</h2>
            {move || details.get().filter(|p| !p.kana.is_empty()).map(|p| view! {
                <p class="kana" data-testid="person-kana">{p.kana}</p>
            })}
            <div class="person-facts">
                {move || row.get().map(|r| view! {
                    <span class="badge stage" data-testid="person-stage">{move || stage_label(lang.get(), r.stage)}</span>
                })}
                {move || {
                    let (Some(r), Some(p)) = (row.get(), details.get()) else { return Vec::new() };
                    facts_text(lang.get(), &p, r.stage, today)
                        .into_iter()
                        .map(|fact| view! { <span class="fact" data-testid="person-fact">{fact}</span> })
                        .collect::<Vec<_>>()
                }}
                {move || team.get().filter(|t| !t.listed_years.is_empty()).map(|t| view! {
                    <span class="fact" data-testid="person-listed">{move || listed_text(lang.get(), &t.listed_years)}</span>
                })}
            </div>
            {move || team.get().map(|team| view! { <TeamLine team /> })}
            <div class="person-hints">
                {move || {
                    let Some(r) = row.get() else { return Vec::new() };
                    hints(&r, today, &me)
                        .into_iter()
                        .map(|hint| Either::Left(view! {
                            <span class="badge attention" class:overdue=hint.overdue() data-testid="hint">
                                {move || hint_text(lang.get(), hint)}
                            </span>
                        }))
                        .chain(plans(&r, today).into_iter().map(|plan| Either::Right(view! {
                            <span class="plan" data-testid="plan">{move || plan_text(lang.get(), plan)}</span>
                        })))
                        .collect::<Vec<_>>()
                }}
            </div>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_finds_its_usual_kinds_first() {
        let all: Vec<RecordKind> = RecordKind::ALL.into_iter().collect();
        let nurse = ordered_kinds(Role::VisitingNurse, &[RecordKind::HomeVisit]);
        assert_eq!(nurse, vec![(RecordKind::HomeVisit, true)]);
        let specialist = ordered_kinds(Role::SupportSpecialist, &all);
        assert_eq!(specialist[0], (RecordKind::WardInterview, true));
        assert_eq!(specialist[1], (RecordKind::HomeVisit, true));
        assert_eq!(specialist.len(), all.len(), "nothing lost");
        assert!(specialist[4..].iter().all(|(_, usual)| !usual));
    }

    #[test]
    fn the_facts_say_age_place_and_days_in_hospital() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let profile = Profile {
            kana: String::new(),
            born: Some(day(1960, 4, 2)),
            hospital: "架空山病院".into(),
            ward: "3病棟".into(),
            admitted_on: Some(day(2016, 5, 1)),
        };
        let today = day(2026, 12, 1);
        assert_eq!(
            facts_text(Lang::Ja, &profile, Stage::ContinuedInterviews, today),
            ["66歳", "架空山病院 3病棟", "入院 2016-05-01（3866日）"]
        );
        assert_eq!(
            facts_text(Lang::En, &profile, Stage::Discharged, today)[2],
            "Admitted 2016-05-01"
        );
    }
}
