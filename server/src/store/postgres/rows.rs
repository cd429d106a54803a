//! A sync commit's rows on PostgreSQL, in three statements over arrays
//! where each row would cost a round trip (a first upload commits
//! thousands of records).

use crate::store::sql::args;
use crate::store::{StoreError, WriteTx, records};
use tsunagu_sync::session::server::RecordWrite;

/// Whether every write is of another record (one statement may not
/// upsert a row twice).
pub(in crate::store) fn distinct_ids(writes: &[RecordWrite]) -> bool {
    let mut ids: Vec<&str> = writes.iter().map(|w| w.id.as_str()).collect();
    ids.sort_unstable();
    ids.windows(2).all(|pair| pair[0] != pair[1])
}

/// [`records::commit`](crate::store::records::commit) on PostgreSQL: the documents, the summaries and the feed
/// entries each in one statement over arrays, where each row would cost a
/// round trip to the database (a first upload carries thousands). The
/// feed keeps the writes' order (`WITH ORDINALITY`).
pub(in crate::store) fn commit(
    tx: &WriteTx<'_>,
    origin_device: &str,
    received: &str,
    writes: &[RecordWrite],
) -> Result<(), StoreError> {
    let (ids, kinds, persons, snapshots) = (
        column(writes, |w| w.id.clone()),
        column(writes, |w| w.kind.as_str().to_owned()),
        column(writes, |w| w.person_id.clone()),
        column(writes, |w| w.snapshot.clone()),
    );
    tx.execute(
        "INSERT INTO records (id, kind, person_id, snapshot)
         SELECT * FROM unnest(?1::text[], ?2::text[], ?3::text[], ?4::bytea[])
         ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot",
        args![ids, kinds, persons, snapshots],
    )?;
    let summaries = column(writes, |w| records::summary_json(&w.summary));
    let lists = column(writes, |w| w.list_summary.to_bytes());
    tx.execute(
        "INSERT INTO record_summaries (record_id, person_id, summary, list_summary)
         SELECT * FROM unnest(?1::text[], ?2::text[], ?3::text[], ?4::bytea[])
         ON CONFLICT (record_id) DO UPDATE
           SET summary = excluded.summary, list_summary = excluded.list_summary",
        args![ids, persons, summaries, lists],
    )?;
    let (mut change_ids, mut change_persons, mut change_kinds, mut changes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for write in writes {
        for change in &write.new_changes {
            change_ids.push(write.id.clone());
            change_persons.push(write.person_id.clone());
            change_kinds.push(write.kind.as_str().to_owned());
            changes.push(change.clone());
        }
    }
    tx.execute(
        "INSERT INTO feed (record_id, person_id, kind, change, origin_device, received_at)
         SELECT record_id, person_id, kind, change, ?5, ?6
           FROM unnest(?1::text[], ?2::text[], ?3::text[], ?4::bytea[])
                WITH ORDINALITY AS c(record_id, person_id, kind, change, n)
          ORDER BY n",
        args![
            change_ids,
            change_persons,
            change_kinds,
            changes,
            origin_device,
            received
        ],
    )?;
    Ok(())
}

/// One value of each write, in order: a column for `unnest`.
fn column<T>(writes: &[RecordWrite], pick: impl Fn(&RecordWrite) -> T) -> Vec<T> {
    writes.iter().map(pick).collect()
}
