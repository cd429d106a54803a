//! The read side of `feed`: where it ends, and the pages a device reads
//! through its persons' entries.

use super::{ReadTx, StoreError};
use rusqlite::params;
use std::collections::HashMap;
use tsunagu_sync::protocol::DocChanges;
use tsunagu_sync::session::server::{FeedPage, FeedQuery};

/// The most feed entries one page looks at: a long backlog is read in
/// pages of entries as well as of bytes.
const PAGE_ROWS: i64 = 2048;

/// The sequence number of the newest feed entry (0 when empty).
pub fn end(tx: &ReadTx<'_>) -> Result<u64, StoreError> {
    let end: i64 = tx
        .sql()
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM feed")?
        .query_row([], |r| r.get(0))?;
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
    let conn = tx.sql();
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
    let mut by_person = conn.prepare_cached(
        "SELECT seq, record_id, kind, length(change) FROM feed INDEXED BY feed_by_person
          WHERE person_id = ?1 AND seq > ?2 AND seq <= ?3 AND origin_device <> ?4
          ORDER BY seq
          LIMIT ?5",
    )?;
    for person in query.persons {
        let mut rows = by_person.query(params![
            person,
            seq_param(query.after),
            until,
            query.skip_device,
            PAGE_ROWS
        ])?;
        let (mut read, mut last) = (0, 0);
        while let Some(row) = rows.next()? {
            let (seq, kind): (i64, String) = (row.get(0)?, row.get(2)?);
            (read, last) = (read + 1, seq);
            if readable.contains(&kind.as_str()) {
                entries.push((seq, row.get(1)?, row.get::<_, i64>(3)?.max(0) as usize));
            }
        }
        if read == PAGE_ROWS {
            horizon = horizon.min(last);
        }
    }
    entries.retain(|(seq, _, _)| *seq <= horizon);
    entries.sort_unstable_by_key(|(seq, _, _)| *seq);
    let mut change_at = conn.prepare_cached("SELECT change FROM feed WHERE seq = ?1")?;
    let mut bytes = 0;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut full = false;
    for (seq, id, len) in entries {
        if bytes >= max_bytes {
            full = true;
            break;
        }
        let change: Vec<u8> = change_at.query_row([seq], |row| row.get(0))?;
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

/// Feed positions are SQLite integers; a cursor past `i64::MAX` (only a
/// forged one) reads as the end.
fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}
