//! What the server's side of a sync connection needs from storage
//! ([`ServerStore`]) and the values it passes through it.

use super::Caller;
use crate::protocol::{DocChanges, ProtocolError};
use crate::record::RecordError;
use crate::record::schema::RecordKind;
use crate::record::summary::Summary;
use crate::team::PersonTeam;

/// The most feed bytes one `Changes` frame carries (well under the frame limit).
pub const PAGE_BYTES: usize = 1024 * 1024;

/// One record to store durably with the changes that are new to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordWrite {
    /// The record id.
    pub id: String,
    /// Its kind.
    pub kind: RecordKind,
    /// Its person.
    pub person_id: String,
    /// The whole document after the merge, compacted.
    pub snapshot: Vec<u8>,
    /// The changes the server did not have, in causal order.
    pub new_changes: Vec<Vec<u8>>,
    /// What the outcome report reads of the record after the merge.
    pub summary: crate::outcome::facts::RecordSummary,
    /// What a device's lists read of it, sent with its document in a
    /// first download so the device need not load it.
    pub list_summary: Summary,
}

/// A record as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    /// Its kind.
    pub kind: RecordKind,
    /// Its person.
    pub person_id: String,
    /// Its saved document.
    pub snapshot: Vec<u8>,
}

/// Which part of the change feed to read.
#[derive(Debug, Clone, Copy)]
pub struct FeedQuery<'a> {
    /// Entries with a sequence number above this...
    pub after: u64,
    /// ...and at most this.
    pub until: u64,
    /// Only records of these persons.
    pub persons: &'a [String],
    /// Leave out entries that came from this device (it has them).
    pub skip_device: &'a str,
}

/// A page of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedPage {
    /// Records and their changes, in feed order.
    pub docs: Vec<DocChanges>,
    /// The sequence number of the last entry looked at.
    pub last_seq: u64,
    /// Nothing more in the queried range.
    pub done: bool,
}

/// A page of saved records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnapshotPage {
    /// Each record's id with its saved document as the only item.
    pub docs: Vec<DocChanges>,
    /// Each document's list summary, in the order of `docs` (`None`: the
    /// store has none yet; the device summarises it itself).
    pub summaries: Vec<Option<Summary>>,
    /// The id of the last record looked at.
    pub last_id: String,
    /// No more records after it.
    pub done: bool,
}

/// Why the server session could not handle a frame: the connection gets
/// an `Internal` error frame and is closed, and nothing was acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum SessionError<E: std::error::Error + 'static> {
    /// The store failed.
    #[error("storage failed: {0}")]
    Store(#[source] E),
    /// A record the server holds does not load.
    #[error("stored record {id} is unreadable: {source}")]
    StoredRecord {
        /// The record.
        id: String,
        /// Why it does not load.
        source: RecordError,
    },
    /// A reply could not be encoded.
    #[error("cannot encode a reply: {0}")]
    Encode(#[from] ProtocolError),
}

/// What the server session needs from storage.
pub trait ServerStore {
    /// A storage failure.
    type Error: std::error::Error + 'static;
    /// Holds these records for this session until the store is dropped,
    /// so no other connection merges into them meanwhile (a store used by
    /// one session at a time may do nothing).
    fn lock_records(&mut self, ids: &[String]) -> Result<(), Self::Error>;
    /// A record as the server holds it, if it does.
    fn load_record(&mut self, id: &str) -> Result<Option<StoredDoc>, Self::Error>;
    /// Has the caller's device confirmed it purged this person's records
    /// (and not been sent them again since)? Then it holds nothing of
    /// theirs, and a late change for them cannot be a note written before.
    fn purged_from(&mut self, caller: &Caller, person_id: &str) -> Result<bool, Self::Error>;
    /// Was the user assigned to the person on `date` (Japan time), by an
    /// assignment that is still active or ended less than
    /// [`crate::policy::LATE_SYNC_GRACE_DAYS`] ago?
    fn assigned_on(
        &mut self,
        user_id: &str,
        person_id: &str,
        date: chrono::NaiveDate,
    ) -> Result<bool, Self::Error>;
    /// The server's clock when the frame being handled arrived; changes
    /// dated well after it are refused ([`crate::policy::dated_in_the_future`]).
    fn received_at(&self) -> chrono::DateTime<chrono::Utc>;
    /// Stores all writes and appends their new changes to the feed, tagged
    /// with the origin device, in one durable transaction.
    fn commit(&mut self, origin: &Caller, writes: Vec<RecordWrite>) -> Result<(), Self::Error>;
    /// The sequence number of the newest feed entry (0 when empty).
    fn feed_end(&mut self) -> Result<u64, Self::Error>;
    /// This server's history id: it changes when the database is restored
    /// from a backup, so a device can tell its cursor and acknowledgements
    /// came from a history this server no longer has.
    fn history(&mut self) -> Result<String, Self::Error>;
    /// Feed entries in `query`'s range for records of its persons whose
    /// kind `caller`'s role may read ([`crate::policy::access`]), about `max_bytes`
    /// of changes at most (at least one entry).
    fn feed_page(
        &mut self,
        caller: &Caller,
        query: &FeedQuery<'_>,
        max_bytes: usize,
    ) -> Result<FeedPage, Self::Error>;
    /// The saved documents of records of `persons` whose kind the caller's
    /// role may read, with ids after `after_id` in id order, about
    /// `max_bytes` at most (at least one record).
    fn snapshot_page(
        &mut self,
        caller: &Caller,
        persons: &[String],
        after_id: &str,
        max_bytes: usize,
    ) -> Result<SnapshotPage, Self::Error>;
    /// The persons the caller is assigned to today, sorted.
    fn caseload(&mut self, caller: &Caller) -> Result<Vec<String>, Self::Error>;
    /// Who works with each of `persons` (the caller's caseload, sorted):
    /// their listing years and the workers other than the caller holding
    /// them today, in the order of `persons`.
    fn teams(
        &mut self,
        caller: &Caller,
        persons: &[String],
    ) -> Result<Vec<PersonTeam>, Self::Error>;
    /// The persons whose records were ever sent to the caller's device
    /// and not confirmed purged, sorted, each with whether the device
    /// confirmed it holds their whole history.
    fn held(&mut self, caller: &Caller) -> Result<Vec<(String, bool)>, Self::Error>;
    /// Notes, before sending it, that these persons' history goes to the
    /// device (unconfirmed until `CaseloadApplied`), so a purge reaches
    /// them even if the confirmation never comes.
    fn mark_sent(&mut self, caller: &Caller, persons: &[String]) -> Result<(), Self::Error>;
    /// Records what the device confirmed with `CaseloadApplied`: `added`
    /// are held whole, `removed` are gone.
    fn set_delivered(
        &mut self,
        caller: &Caller,
        added: &[String],
        removed: &[String],
    ) -> Result<(), Self::Error>;
}
