//! What one record says for the outcome report.

use super::{Fact, LeftReason};
use crate::record::schema::RecordKind;
use crate::record::{FieldValue, Record, Status};
use crate::stage::{Event, date, event_of, text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The fact `record` contributes to the report, if any. Interviews, trial
/// stays, discharges, readmissions and deaths are read as the stages read
/// them; an outing that is not a trial is a peer-support activity; a
/// closure counts as leaving only when the person moved away, public
/// assistance ended, or they declined (a closure because support was no
/// longer needed leaves them in the community, still counted).
pub fn fact_of(record: &Record) -> Option<Fact> {
    let kind = record.meta().kind;
    if kind == RecordKind::Outing {
        let on = date(record, "occurred_on")?;
        let trial = matches!(
            text(record, "activity_type").as_deref(),
            Some("trial_stay" | "trial_use")
        );
        return Some(if trial {
            Fact::TrialStay(on)
        } else {
            Fact::PeerOuting(on)
        });
    }
    let dated = event_of(record)?;
    let on = dated.on;
    Some(match dated.event {
        Event::FirstJointInterview => Fact::FirstJointInterview(on),
        Event::Interview => Fact::Interview(on),
        Event::Discharged => Fact::Discharged {
            on,
            destination: text(record, "destination").unwrap_or_else(|| "other".into()),
        },
        Event::Readmitted { redischarged } => Fact::Readmitted { on, redischarged },
        Event::Died => Fact::Died {
            on,
            in_hospital: matches!(record.get("in_hospital"), Ok(Some(FieldValue::Flag(true)))),
        },
        Event::Closed(_) => {
            let reason = match text(record, "reason")?.as_str() {
                "moved" => LeftReason::MovedAway,
                "assistance_ended" => LeftReason::AssistanceEnded,
                "declined" | "other" => LeftReason::Other,
                _ => return None,
            };
            Fact::Left { on, reason }
        }
        Event::TransitionStep | Event::HomeVisit => return None,
    })
}

/// What the report needs of one stored record, kept beside its document
/// so a report over every record loads no document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// The record's fact, if it has one.
    pub fact: Option<Fact>,
    /// A note still in draft (profiles, cards and handovers never count).
    pub draft: bool,
    /// The day it was created (Japan's calendar).
    pub created_on: NaiveDate,
}

impl RecordSummary {
    /// The summary of `record` as it stands.
    pub fn of(record: &Record) -> RecordSummary {
        let meta = record.meta();
        RecordSummary {
            fact: fact_of(record),
            // Profiles, cards and handovers are kept up to date, never
            // signed off: only notes count as unfinished drafts.
            draft: meta.status == Status::Draft
                && !matches!(
                    meta.kind,
                    RecordKind::Person | RecordKind::PersonCard | RecordKind::Handover
                ),
            created_on: crate::japan_time::date(meta.created_at),
        }
    }
}
