//! The read side of `feed`: where it ends, and the pages a device reads
//! through its persons' entries.

use super::sql::args;
use super::{Dialect, ReadTx, StoreError};
use std::collections::HashMap;
use tsunagu_sync::protocol::DocChanges;
use tsunagu_sync::session::server::{FeedPage, FeedQuery};

/// The rest of the statement that reads one person's feed entries after
/// a cursor, in order, after `FROM feed` (SQLite is told the index).
macro_rules! by_person_rest {
    () => {
        "
          WHERE person_id = ?1 AND seq > ?2 AND seq <= ?3 AND origin_device <> ?4
          ORDER BY seq
          LIMIT ?5"
    };
}

/// The most feed entries one page looks at: a long backlog is read in
/// pages of entries as well as of bytes.
const PAGE_ROWS: i64 = 2048;

/// The sequence number of the newest feed entry (0 when empty).
pub fn end(tx: &ReadTx<'_>) -> Result<u64, StoreError> {
    let end: i64 = tx.value("SELECT coalesce(max(seq), 0) FROM feed", args![])?;
    Ok(end.max(0) as u64)
}

/// Feed entries in `query`'s range for records of its persons whose kind
/// is in `readable`, about `max_bytes` of changes at most (at least one
/// entry).
///
/// Reads each person's entries in order through `feed_by_person` (an
/// index range per person, no sort in SQL), merges them by sequence
/// number here, and only then reads the changes that fit the page. The
/// cost follows what the device may read, not everything written since
/// its cursor.
pub fn page(
    tx: &ReadTx<'_>,
    readable: &[&str],
    query: &FeedQuery<'_>,
    max_bytes: usize,
) -> Result<FeedPage, StoreError> {
    let mut page = FeedPage {
        docs: Vec::new(),
        last_seq: query.after,
        done: true,
    };
    if readable.is_empty() || query.persons.is_empty() {
        return Ok(page);
    }
    let until = seq_param(query.until);
    // Everything up to `horizon` is in `entries`: a person with more
    // than a page of entries lowers it to the last one read.
    let mut horizon = until;
    let mut entries: Vec<(i64, String, usize)> = Vec::new();
    let by_person = match tx.dialect() {
        Dialect::Sqlite => concat!(
            "SELECT seq, record_id, kind, length(change) FROM feed INDEXED BY feed_by_person",
            by_person_rest!()
        ),
        Dialect::Postgres => concat!(
            "SELECT seq, record_id, kind, length(change) FROM feed",
            by_person_rest!()
        ),
    };
    for person in query.persons {
        let rows = tx.rows(
            by_person,
            args![
                person,
                seq_param(query.after),
                until,
                query.skip_device,
                PAGE_ROWS
            ],
            |row| {
                Ok((
                    row.get::<i64>(0)?,
                    row.get::<String>(1)?,
                    row.get::<String>(2)?,
                    row.get::<i64>(3)?,
                ))
            },
        )?;
        let (mut read, mut last) = (0, 0);
        for (seq, id, kind, len) in rows {
            (read, last) = (read + 1, seq);
            if readable.contains(&kind.as_str()) {
                entries.push((seq, id, len.max(0) as usize));
            }
        }
        if read == PAGE_ROWS {
            horizon = horizon.min(last);
        }
    }
    entries.retain(|(seq, _, _)| *seq <= horizon);
    entries.sort_unstable_by_key(|(seq, _, _)| *seq);
    let mut bytes = 0;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut full = false;
    for (seq, id, len) in entries {
        if bytes >= max_bytes {
            full = true;
            break;
        }
        let change: Vec<u8> = tx.value("SELECT change FROM feed WHERE seq = ?1", args![seq])?;
        bytes += len;
        page.last_seq = seq.max(0) as u64;
        match index.get(&id) {
            Some(&at) => page.docs[at].changes.push(change),
            None => {
                index.insert(id.clone(), page.docs.len());
                page.docs.push(DocChanges {
                    id,
                    changes: vec![change],
                });
            }
        }
    }
    if !full && horizon < until {
        // Everything up to the horizon was looked at; the rest next page.
        page.last_seq = horizon.max(0) as u64;
    }
    page.done = !full && horizon == until;
    Ok(page)
}

/// Feed positions are 64-bit signed integers in the database; a cursor past `i64::MAX` (only a
/// forged one) reads as the end.
fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}
