//! `device_persons`: whose history was sent to each device, and whether
//! the device confirmed it holds it whole, so a new assignment brings the
//! whole history and an ended one a purge.

use super::{ReadTx, StoreError, WriteTx};
use rusqlite::params;

/// The persons whose records were sent to the device and not confirmed
/// purged, sorted, each with whether the device confirmed it holds their
/// whole history.
pub fn held(tx: &ReadTx<'_>, device_id: &str) -> Result<Vec<(String, bool)>, StoreError> {
    let mut statement = tx.sql()?.prepare_cached(
        "SELECT person_id, confirmed FROM device_persons WHERE device_id = ?1 ORDER BY person_id",
    )?;
    let rows = statement.query_map([device_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Notes that these persons' history goes to the device, unconfirmed
/// (a person already noted keeps what it had); a purge it confirmed of
/// them no longer stands.
pub fn mark_sent(tx: &WriteTx<'_>, device_id: &str, persons: &[String]) -> Result<(), StoreError> {
    let mut insert = tx.sql()?.prepare_cached(
        "INSERT OR IGNORE INTO device_persons (device_id, person_id, confirmed) VALUES (?1, ?2, 0)",
    )?;
    let mut unpurge = tx
        .sql()?
        .prepare_cached("DELETE FROM device_purges WHERE device_id = ?1 AND person_id = ?2")?;
    for person in persons {
        insert.execute(params![device_id, person])?;
        unpurge.execute(params![device_id, person])?;
    }
    Ok(())
}

/// Has the device confirmed it purged this person (and not been sent
/// them again since)?
pub fn purged(tx: &ReadTx<'_>, device_id: &str, person_id: &str) -> Result<bool, StoreError> {
    Ok(tx
        .sql()?
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM device_purges WHERE device_id = ?1 AND person_id = ?2)",
        )?
        .query_row(params![device_id, person_id], |r| r.get(0))?)
}

/// What the device confirmed at `at`: it holds `added` whole, `removed`
/// are gone.
pub fn set_delivered(
    tx: &WriteTx<'_>,
    device_id: &str,
    added: &[String],
    removed: &[String],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    let mut confirm = tx.sql()?.prepare_cached(
        "INSERT INTO device_persons (device_id, person_id, confirmed) VALUES (?1, ?2, 1)
         ON CONFLICT (device_id, person_id) DO UPDATE SET confirmed = 1",
    )?;
    for person in added {
        confirm.execute(params![device_id, person])?;
    }
    let mut forget = tx
        .sql()?
        .prepare_cached("DELETE FROM device_persons WHERE device_id = ?1 AND person_id = ?2")?;
    let mut purged = tx.sql()?.prepare_cached(
        "INSERT INTO device_purges (device_id, person_id, purged_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (device_id, person_id) DO UPDATE SET purged_at = excluded.purged_at",
    )?;
    for person in removed {
        forget.execute(params![device_id, person])?;
        purged.execute(params![device_id, person, at.to_rfc3339()])?;
    }
    Ok(())
}
