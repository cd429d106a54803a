//! Where a case stands, read from its records (DOMAIN §2 Case): listed →
//! first joint interview → continued interviews → transition support →
//! discharged → settlement support → ended (with a reason). A readmission
//! without a re-discharge keeps the case open in its own stage: that is
//! when preventing a long stay again matters most. Nobody sets the stage
//! by hand; it follows from what was recorded, offline or not.

use crate::record::schema::RecordKind;
use crate::record::{FieldValue, Record};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why support ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Back in hospital and not discharged again.
    Readmitted,
    /// Died.
    Died,
    /// Moved away.
    Moved,
    /// Public assistance ended (保護廃止).
    AssistanceEnded,
    /// Support ended (goals met, no longer needed).
    SupportEnded,
    /// The person declined support.
    Declined,
    /// Any other reason.
    Other,
}

/// The stage of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// On the listing; no joint interview yet.
    Listed,
    /// The first interview, with the caseworker present, took place.
    FirstJointInterview,
    /// Interviews continue.
    ContinuedInterviews,
    /// A transition plan, a trial stay or trial use is under way.
    TransitionSupport,
    /// Discharged from hospital.
    Discharged,
    /// Visited at home after discharge.
    SettlementSupport,
    /// Support ended.
    Ended(EndReason),
    /// Back in hospital after a discharge and not discharged again; the
    /// case stays open (closing it takes a case-closure record).
    Readmitted,
}

/// What one record says about the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A first interview held jointly with the caseworker.
    FirstJointInterview,
    /// Any other interview.
    Interview,
    /// A plan, a trial stay or trial use.
    TransitionStep,
    /// Left hospital.
    Discharged,
    /// Back in hospital; `redischarged` if discharged again.
    Readmitted {
        /// The re-discharge date, if there was one.
        redischarged: Option<NaiveDate>,
    },
    /// A home visit.
    HomeVisit,
    /// Died.
    Died,
    /// Support closed with a reason.
    Closed(EndReason),
}

/// An event and the day it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dated {
    /// What happened.
    pub event: Event,
    /// When.
    pub on: NaiveDate,
}

/// The date field `field` of `record`, if set.
pub(crate) fn date(record: &Record, field: &str) -> Option<NaiveDate> {
    match record.get(field).ok()? {
        Some(FieldValue::Date(d)) => Some(d),
        _ => None,
    }
}

/// The text or choice field `field` of `record`, if set.
pub(crate) fn text(record: &Record, field: &str) -> Option<String> {
    match record.get(field).ok()? {
        Some(FieldValue::Str(s)) => Some(s),
        _ => None,
    }
}

/// What `record` says about its case's stage, if anything.
pub fn event_of(record: &Record) -> Option<Dated> {
    let dated = |event, field| date(record, field).map(|on| Dated { event, on });
    match record.meta().kind {
        RecordKind::WardInterview => {
            let joint = text(record, "interview_type").as_deref() == Some("first_joint")
                && matches!(
                    record.get("caseworker_present"),
                    Ok(Some(FieldValue::Flag(true)))
                );
            let event = if joint {
                Event::FirstJointInterview
            } else {
                Event::Interview
            };
            dated(event, "occurred_on")
        }
        RecordKind::TransitionPlan => dated(Event::TransitionStep, "created_on"),
        RecordKind::Outing => {
            let trial = matches!(
                text(record, "activity_type").as_deref(),
                Some("trial_stay" | "trial_use")
            );
            trial
                .then(|| dated(Event::TransitionStep, "occurred_on"))
                .flatten()
        }
        RecordKind::Discharge => dated(Event::Discharged, "discharged_on"),
        RecordKind::Readmission => dated(
            Event::Readmitted {
                redischarged: date(record, "redischarged_on"),
            },
            "readmitted_on",
        ),
        RecordKind::HomeVisit => dated(Event::HomeVisit, "occurred_on"),
        RecordKind::Death => dated(Event::Died, "died_on"),
        RecordKind::CaseClosure => {
            let reason = match text(record, "reason")?.as_str() {
                "readmitted" => EndReason::Readmitted,
                "died" => EndReason::Died,
                "moved" => EndReason::Moved,
                "assistance_ended" => EndReason::AssistanceEnded,
                "declined" => EndReason::Declined,
                "other" => EndReason::Other,
                _ => EndReason::SupportEnded,
            };
            dated(Event::Closed(reason), "closed_on")
        }
        _ => None,
    }
}

/// The stage the events put the case in, and since when (`None` for
/// `Listed`).
pub fn stage_of(events: &[Dated]) -> (Stage, Option<NaiveDate>) {
    let latest = |wanted: &dyn Fn(&Event) -> bool| {
        events
            .iter()
            .filter(|d| wanted(&d.event))
            .map(|d| d.on)
            .max()
    };
    if let Some(on) = latest(&|e| matches!(e, Event::Died)) {
        return (Stage::Ended(EndReason::Died), Some(on));
    }
    let closed = events
        .iter()
        .filter_map(|d| match d.event {
            Event::Closed(reason) => Some((d.on, reason)),
            _ => None,
        })
        .max_by_key(|(on, _)| *on);
    if let Some((on, reason)) = closed {
        return (Stage::Ended(reason), Some(on));
    }
    // Out of hospital since the latest discharge or re-discharge, unless
    // a readmission without re-discharge came after it.
    let discharged = events
        .iter()
        .filter_map(|d| match d.event {
            Event::Discharged => Some(d.on),
            Event::Readmitted { redischarged } => redischarged,
            _ => None,
        })
        .max();
    let readmitted = latest(&|e| matches!(e, Event::Readmitted { redischarged: None }));
    match (discharged, readmitted) {
        (_, Some(back)) if discharged.is_none_or(|out| back >= out) => {
            return (Stage::Readmitted, Some(back));
        }
        (Some(out), _) => {
            let visited = events
                .iter()
                .filter(|d| d.event == Event::HomeVisit && d.on >= out)
                .map(|d| d.on)
                .min();
            return match visited {
                Some(on) => (Stage::SettlementSupport, Some(on)),
                None => (Stage::Discharged, Some(out)),
            };
        }
        _ => {}
    }
    if let Some(on) = latest(&|e| matches!(e, Event::TransitionStep)) {
        return (Stage::TransitionSupport, Some(on));
    }
    let first = events
        .iter()
        .filter(|d| d.event == Event::FirstJointInterview)
        .map(|d| d.on)
        .min();
    if let Some(first) = first {
        let later = events
            .iter()
            .filter(|d| matches!(d.event, Event::Interview) && d.on > first)
            .map(|d| d.on)
            .min();
        return match later {
            Some(on) => (Stage::ContinuedInterviews, Some(on)),
            None => (Stage::FirstJointInterview, Some(first)),
        };
    }
    (Stage::Listed, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(event: Event, day: u32) -> Dated {
        Dated {
            event,
            on: NaiveDate::from_ymd_opt(2026, 1, day).unwrap(),
        }
    }

    #[test]
    fn the_stage_follows_the_records_through_the_programme() {
        let mut events = Vec::new();
        assert_eq!(stage_of(&events).0, Stage::Listed);
        // An interview without the caseworker is not the joint first one.
        events.push(at(Event::Interview, 1));
        assert_eq!(stage_of(&events).0, Stage::Listed);
        events.push(at(Event::FirstJointInterview, 2));
        assert_eq!(
            stage_of(&events),
            (Stage::FirstJointInterview, Some(at(Event::Interview, 2).on))
        );
        events.push(at(Event::Interview, 5));
        assert_eq!(stage_of(&events).0, Stage::ContinuedInterviews);
        events.push(at(Event::TransitionStep, 8));
        assert_eq!(stage_of(&events).0, Stage::TransitionSupport);
        // A visit before discharge does not make it settlement support.
        events.push(at(Event::HomeVisit, 9));
        events.push(at(Event::Discharged, 10));
        assert_eq!(stage_of(&events).0, Stage::Discharged);
        events.push(at(Event::HomeVisit, 12));
        assert_eq!(
            stage_of(&events),
            (Stage::SettlementSupport, Some(at(Event::HomeVisit, 12).on))
        );
        events.push(at(Event::Readmitted { redischarged: None }, 20));
        assert_eq!(
            stage_of(&events).0,
            Stage::Readmitted,
            "back in hospital, the case stays open"
        );
        // Discharged again: back to the community.
        events.pop();
        events.push(at(
            Event::Readmitted {
                redischarged: NaiveDate::from_ymd_opt(2026, 1, 25),
            },
            20,
        ));
        assert_eq!(stage_of(&events).0, Stage::Discharged);
        events.push(at(Event::Closed(EndReason::Moved), 28));
        assert_eq!(stage_of(&events).0, Stage::Ended(EndReason::Moved));
        events.push(at(Event::Died, 29));
        assert_eq!(stage_of(&events).0, Stage::Ended(EndReason::Died));
    }
}
