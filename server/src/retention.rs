//! How long a tablet keeps a case after it ended. A device holds the
//! persons on its user's active caseload; a person whose support ended (a
//! case closure or a death) longer ago than the retention leaves the
//! device even while the assignment stands, by the caseload sync already
//! has: the session's purge, which never drops a record with unsent
//! changes. The records stay on the server and in the outcome report.

use crate::store::{ReadTx, StoreError, records};
use chrono::{Months, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use tsunagu_sync::record::Record;
use tsunagu_sync::stage::{Event, event_of};

/// The default retention of ended cases on a device, in months.
pub const DEFAULT_ENDED_MONTHS: u32 = 12;

/// How long devices keep ended cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Months after a case ended before it leaves the devices.
    pub ended_months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            ended_months: DEFAULT_ENDED_MONTHS,
        }
    }
}

impl Retention {
    /// Of `persons`, those whose case ended before the retention that
    /// runs up to `today`.
    pub fn long_ended(
        &self,
        tx: &ReadTx<'_>,
        persons: &[String],
        today: NaiveDate,
    ) -> Result<BTreeSet<String>, StoreError> {
        let Some(cut_off) = today.checked_sub_months(Months::new(self.ended_months)) else {
            return Ok(BTreeSet::new());
        };
        let mut ended: BTreeMap<String, NaiveDate> = BTreeMap::new();
        for stored in records::closings_of(tx, persons)? {
            // A record that does not load says nothing about the case.
            let Ok(record) = Record::load(&stored.snapshot, b"tsunagu-server") else {
                continue;
            };
            if let Some(dated) = event_of(&record)
                && matches!(dated.event, Event::Died | Event::Closed(_))
            {
                let on = ended.entry(stored.person_id).or_insert(dated.on);
                *on = (*on).max(dated.on);
            }
        }
        Ok(ended
            .into_iter()
            .filter(|(_, on)| *on < cut_off)
            .map(|(person, _)| person)
            .collect())
    }
}
