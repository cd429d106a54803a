//! `device_persons`: whose history was sent to each device, and whether
//! the device confirmed it holds it whole, so a new assignment brings the
//! whole history and an ended one a purge.

use super::sql::args;
use super::{ReadTx, StoreError, WriteTx};

/// The persons whose records were sent to the device and not confirmed
/// purged, sorted, each with whether the device confirmed it holds their
/// whole history.
pub fn held(tx: &ReadTx<'_>, device_id: &str) -> Result<Vec<(String, bool)>, StoreError> {
    tx.rows(
        "SELECT person_id, confirmed FROM device_persons WHERE device_id = ?1 ORDER BY person_id",
        args![device_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Notes that these persons' history goes to the device, unconfirmed
/// (a person already noted keeps what it had); a purge it confirmed of
/// them no longer stands.
pub fn mark_sent(tx: &WriteTx<'_>, device_id: &str, persons: &[String]) -> Result<(), StoreError> {
    for person in persons {
        tx.execute(
            "INSERT INTO device_persons (device_id, person_id, confirmed) VALUES (?1, ?2, 0)
             ON CONFLICT (device_id, person_id) DO NOTHING",
            args![device_id, person],
        )?;
        tx.execute(
            "DELETE FROM device_purges WHERE device_id = ?1 AND person_id = ?2",
            args![device_id, person],
        )?;
    }
    Ok(())
}

/// Has the device confirmed it purged this person (and not been sent
/// them again since)?
pub fn purged(tx: &ReadTx<'_>, device_id: &str, person_id: &str) -> Result<bool, StoreError> {
    tx.value(
        "SELECT EXISTS(SELECT 1 FROM device_purges WHERE device_id = ?1 AND person_id = ?2)",
        args![device_id, person_id],
    )
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
    for person in added {
        tx.execute(
            "INSERT INTO device_persons (device_id, person_id, confirmed) VALUES (?1, ?2, 1)
             ON CONFLICT (device_id, person_id) DO UPDATE SET confirmed = 1",
            args![device_id, person],
        )?;
    }
    for person in removed {
        tx.execute(
            "DELETE FROM device_persons WHERE device_id = ?1 AND person_id = ?2",
            args![device_id, person],
        )?;
        tx.execute(
            "INSERT INTO device_purges (device_id, person_id, purged_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (device_id, person_id) DO UPDATE SET purged_at = excluded.purged_at",
            args![device_id, person, at.to_rfc3339()],
        )?;
    }
    Ok(())
}
