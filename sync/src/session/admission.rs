//! What the server checks of a merged record beyond its schema, because
//! only the server can: that every new change is the pushing user's, and
//! that a finalised record changes only through that user's amendment.
//! A tablet that skips the app's own checks gets a refusal here.

use super::Caller;
use crate::protocol::Rejection;
use crate::record::content::FieldContent;
use crate::record::history::Stamp;
use crate::record::{Record, RecordError, Status};
use chrono::{DateTime, Utc};

/// What the server held of a record before a push, to compare with.
#[derive(Debug, Clone)]
pub(super) struct Before {
    status: Status,
    /// The fields, read only for a finalised record (a draft may change).
    content: Option<Vec<(&'static str, FieldContent)>>,
    amendments: Vec<(DateTime<Utc>, String, String)>,
}

impl Before {
    /// Reads what the rules compare from the stored record.
    pub(super) fn of(record: &Record) -> Result<Before, RecordError> {
        let status = record.meta().status;
        Ok(Before {
            status,
            content: match status {
                Status::Draft => None,
                Status::Finalised | Status::Amended => Some(record.content()?),
            },
            amendments: record.amendments()?,
        })
    }
}

/// Every new change names the caller as its editor, and the caller's
/// name if it names one (the history shows what the server checked).
pub(super) fn check_authorship(caller: &Caller, stamps: &[Stamp]) -> Result<(), Rejection> {
    let theirs = |stamp: &Stamp| {
        stamp.by == caller.user_id
            && stamp
                .name
                .as_ref()
                .is_none_or(|name| *name == caller.display_name)
    };
    if stamps.iter().all(theirs) {
        Ok(())
    } else {
        Err(Rejection::Authorship)
    }
}

/// A record new to the server was created by the caller on this device.
pub(super) fn check_creator(caller: &Caller, record: &Record) -> Result<(), Rejection> {
    let meta = record.meta();
    if meta.author == caller.user_id && meta.device == caller.device_id {
        Ok(())
    } else {
        Err(Rejection::Authorship)
    }
}

/// The record's life cycle after the push, against what the server held
/// (`None`: a record new to the server). Amendments are only ever added,
/// each by the caller; a finalised record never goes back to draft, and
/// its fields (or its status) change only with a new amendment.
pub(super) fn check_life_cycle(
    caller: &Caller,
    before: Option<&Before>,
    after: &Record,
) -> Result<(), Rejection> {
    let invalid = |error: RecordError| Rejection::Invalid(error.to_string());
    let mut added = after.amendments().map_err(invalid)?;
    if let Some(before) = before {
        for entry in &before.amendments {
            match added.iter().position(|e| e == entry) {
                Some(at) => {
                    added.remove(at);
                }
                None => return Err(Rejection::Finalised),
            }
        }
    }
    if added.iter().any(|(_, by, _)| *by != caller.user_id) {
        return Err(Rejection::Authorship);
    }
    let Some(before) = before else {
        return Ok(());
    };
    let Some(content) = &before.content else {
        return Ok(()); // a draft: edited directly
    };
    let status = after.meta().status;
    if rank(status) < rank(before.status) {
        return Err(Rejection::Finalised);
    }
    let changed = status != before.status || after.content().map_err(invalid)? != *content;
    if changed && added.is_empty() {
        return Err(Rejection::Finalised);
    }
    Ok(())
}

fn rank(status: Status) -> u8 {
    match status {
        Status::Draft => 0,
        Status::Finalised => 1,
        Status::Amended => 2,
    }
}
