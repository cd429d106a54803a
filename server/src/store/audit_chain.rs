//! The audit trail's hash chain: each entry stores the hash of the entry
//! before it and a hash of its own content with that link, so changing an
//! entry, or deleting one, breaks the chain at that place and
//! [`verify`] names it. Rewriting every later entry too goes unnoticed by
//! the chain alone; the head hash [`verify`] returns is what to record
//! elsewhere (in the backup log, say) to catch that.

use super::sql::{Row, args};
use super::{ReadTx, StoreError, WriteTx};
use sha2::{Digest, Sha256};

/// One stored entry, as hashed.
struct Entry {
    id: i64,
    at: String,
    actor: Option<i64>,
    action: String,
    detail: String,
    prev_hash: Option<Vec<u8>>,
    hash: Option<Vec<u8>>,
}

/// The hash of an entry's content chained to `prev` (empty for the first).
pub(super) fn entry_hash(
    prev: &[u8],
    id: i64,
    at: &str,
    actor: Option<i64>,
    action: &str,
    detail: &str,
) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(b"tsunagu audit v1\0");
    hash.update((prev.len() as u64).to_be_bytes());
    hash.update(prev);
    hash.update(id.to_be_bytes());
    hash.update(actor.unwrap_or(-1).to_be_bytes());
    for part in [at, action, detail] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().to_vec()
}

/// The hash of the newest entry (empty when the trail is empty).
pub(super) fn head(tx: &ReadTx<'_>) -> Result<Vec<u8>, StoreError> {
    Ok(tx
        .optional(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            args![],
            |r| r.get::<Option<Vec<u8>>>(0),
        )?
        .flatten()
        .unwrap_or_default())
}

/// Seals the entry `id` just written: links it to `prev` and stores its hash.
pub(super) fn seal(tx: &WriteTx<'_>, id: i64, prev: &[u8], hash: &[u8]) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
        args![id, prev, hash],
    )?;
    Ok(())
}

fn entries(tx: &ReadTx<'_>, unsealed_only: bool) -> Result<Vec<Entry>, StoreError> {
    let sql = if unsealed_only {
        "SELECT id, at, actor_user_id, action, detail, prev_hash, hash FROM audit_log
          WHERE hash IS NULL ORDER BY id"
    } else {
        "SELECT id, at, actor_user_id, action, detail, prev_hash, hash FROM audit_log ORDER BY id"
    };
    tx.rows(sql, args![], |r: &Row<'_>| {
        Ok(Entry {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            detail: r.get(4)?,
            prev_hash: r.get(5)?,
            hash: r.get(6)?,
        })
    })
}

/// Chains the entries written before the chain existed (migration 8), in
/// order, after the newest sealed one; run once, on that upgrade. Returns
/// how many were sealed.
pub fn seal_unsealed(tx: &WriteTx<'_>) -> Result<usize, StoreError> {
    let unsealed = entries(tx, true)?;
    let mut prev: Vec<u8> = tx
        .optional(
            "SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
            args![],
            |r| r.get(0),
        )?
        .unwrap_or_default();
    for entry in &unsealed {
        let hash = entry_hash(
            &prev,
            entry.id,
            &entry.at,
            entry.actor,
            &entry.action,
            &entry.detail,
        );
        seal(tx, entry.id, &prev, &hash)?;
        prev = hash;
    }
    Ok(unsealed.len())
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The first entry that does not verify.
    pub id: i64,
    /// When it says it was written.
    pub at: String,
    /// Why: its content changed, or the entry before it is missing or changed.
    pub reason: BreakReason,
}

/// Why an entry does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// The entry's own content no longer matches its hash.
    ContentChanged,
    /// Its link does not match the entry before it (one deleted or changed).
    PreviousChanged,
    /// It was never sealed.
    Unsealed,
}

/// What checking the whole chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Entries checked.
    pub entries: u64,
    /// The newest entry's hash (record it elsewhere to notice a rewrite).
    pub head: Vec<u8>,
    /// The first break, if any.
    pub broken: Option<Break>,
}

/// Checks every entry, oldest first, and names the first that breaks.
pub fn verify(tx: &ReadTx<'_>) -> Result<Verdict, StoreError> {
    let all = entries(tx, false)?;
    let mut prev: Vec<u8> = Vec::new();
    let mut broken = None;
    for entry in &all {
        let reason = match (&entry.prev_hash, &entry.hash) {
            (Some(link), Some(hash)) => {
                let expected = entry_hash(
                    link,
                    entry.id,
                    &entry.at,
                    entry.actor,
                    &entry.action,
                    &entry.detail,
                );
                if *link != prev {
                    Some(BreakReason::PreviousChanged)
                } else if expected != *hash {
                    Some(BreakReason::ContentChanged)
                } else {
                    None
                }
            }
            _ => Some(BreakReason::Unsealed),
        };
        if let Some(reason) = reason {
            broken = Some(Break {
                id: entry.id,
                at: entry.at.clone(),
                reason,
            });
            break;
        }
        prev = entry.hash.clone().unwrap_or_default();
    }
    Ok(Verdict {
        entries: all.len() as u64,
        head: all.last().and_then(|e| e.hash.clone()).unwrap_or_default(),
        broken,
    })
}
