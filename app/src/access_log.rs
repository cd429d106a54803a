//! The device's access log: every record or timeline opened and every
//! record saved on a tablet, offline included, and the wrong passwords
//! typed before an unlock, queued encrypted on the
//! device and sent with the next connection to `POST /sync/device/access-log`,
//! where each entry joins the audit trail with the device's time and the
//! server's. Entries carry ids, never names. Numbered per device, so an
//! upload repeated after a lost answer is not recorded twice.

use serde::{Deserialize, Serialize};

/// The most entries one upload may carry; the device sends in chunks.
pub const MAX_UPLOAD_ENTRIES: usize = 500;
/// The longest id an entry may name.
pub const MAX_ID_CHARS: usize = 100;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessKind {
    /// A record was opened (its id).
    RecordViewed,
    /// A person's timeline was opened (the person's id).
    TimelineViewed,
    /// A record was created (its id).
    RecordCreated,
    /// A record was saved over (its id).
    RecordEdited,
    /// Wrong passwords before this unlock, noted once the device is open
    /// (the id is their number; the time, the last of them).
    UnlockFailed,
}

impl AccessKind {
    /// The audit trail's action name.
    pub fn action(self) -> &'static str {
        match self {
            AccessKind::RecordViewed => "record_viewed",
            AccessKind::TimelineViewed => "timeline_viewed",
            AccessKind::RecordCreated => "record_created",
            AccessKind::RecordEdited => "record_edited",
            AccessKind::UnlockFailed => "unlock_failed",
        }
    }

    /// The detail's key for the id.
    pub fn id_key(self) -> &'static str {
        match self {
            AccessKind::TimelineViewed => "person_id",
            AccessKind::UnlockFailed => "failures",
            _ => "record_id",
        }
    }
}

/// One access, as the device noted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    /// The device's running number for its entries, from 1.
    pub seq: u64,
    /// When, by the device's clock (ms since the epoch).
    pub at_ms: i64,
    /// What was done.
    pub kind: AccessKind,
    /// The record's or person's id.
    pub id: String,
}

/// An upload: the oldest entries not yet acknowledged, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessUpload {
    /// At most [`MAX_UPLOAD_ENTRIES`].
    pub entries: Vec<AccessEntry>,
}

/// The server's answer: every entry up to `through` is recorded (now or
/// by an earlier upload); the device may forget them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessAck {
    /// The highest number the server holds from this device.
    pub through: u64,
    /// How many of this upload's entries were new.
    pub recorded: usize,
}

/// Why an upload was refused as a whole (nothing recorded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadProblem {
    /// More than [`MAX_UPLOAD_ENTRIES`] entries.
    #[error("at most {MAX_UPLOAD_ENTRIES} entries per upload")]
    TooMany,
    /// An id that is empty, too long or not a plain identifier.
    #[error("entry {seq}: the id must be 1 to {MAX_ID_CHARS} letters, digits, '-' or '_'")]
    BadId {
        /// The entry's number.
        seq: u64,
    },
    /// Numbers not strictly increasing, or zero.
    #[error("entry {seq}: entries must be numbered 1, 2, ... in order")]
    OutOfOrder {
        /// The entry's number.
        seq: u64,
    },
    /// A device time that is no time.
    #[error("entry {seq}: the device time is not a valid time")]
    BadTime {
        /// The entry's number.
        seq: u64,
    },
}

impl AccessUpload {
    /// Checks the upload's shape: size, ids, numbering, times.
    pub fn check(&self) -> Result<(), UploadProblem> {
        if self.entries.len() > MAX_UPLOAD_ENTRIES {
            return Err(UploadProblem::TooMany);
        }
        let mut last = 0;
        for entry in &self.entries {
            let seq = entry.seq;
            if seq <= last {
                return Err(UploadProblem::OutOfOrder { seq });
            }
            last = seq;
            let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            if entry.id.is_empty() || entry.id.len() > MAX_ID_CHARS || !entry.id.chars().all(plain)
            {
                return Err(UploadProblem::BadId { seq });
            }
            if chrono::DateTime::from_timestamp_millis(entry.at_ms).is_none() {
                return Err(UploadProblem::BadTime { seq });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, id: &str) -> AccessEntry {
        AccessEntry {
            seq,
            at_ms: 1_780_000_000_000,
            kind: AccessKind::RecordViewed,
            id: id.into(),
        }
    }

    #[test]
    fn an_upload_is_refused_for_its_size_numbering_ids_and_times() {
        let ok = AccessUpload {
            entries: vec![entry(3, "01a2-b_c"), entry(4, "p1")],
        };
        assert_eq!(ok.check(), Ok(()));
        let repeat = AccessUpload {
            entries: vec![entry(3, "a"), entry(3, "b")],
        };
        assert_eq!(repeat.check(), Err(UploadProblem::OutOfOrder { seq: 3 }));
        let zero = AccessUpload {
            entries: vec![entry(0, "a")],
        };
        assert_eq!(zero.check(), Err(UploadProblem::OutOfOrder { seq: 0 }));
        for bad in ["", "名前", "a b", &"x".repeat(101)] {
            let upload = AccessUpload {
                entries: vec![entry(1, bad)],
            };
            assert_eq!(
                upload.check(),
                Err(UploadProblem::BadId { seq: 1 }),
                "{bad:?}"
            );
        }
        let mut late = entry(1, "a");
        late.at_ms = i64::MAX;
        assert_eq!(
            AccessUpload {
                entries: vec![late]
            }
            .check(),
            Err(UploadProblem::BadTime { seq: 1 })
        );
        let many = AccessUpload {
            entries: (1..=501).map(|s| entry(s, "a")).collect(),
        };
        assert_eq!(many.check(), Err(UploadProblem::TooMany));
    }
}
