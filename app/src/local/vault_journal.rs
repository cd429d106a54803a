//! How the vault uses the save journal (`journal`): a save is appended
//! and flushed there, counts as saved, and is then written to IndexedDB,
//! after which the journal is cleared. Unlocking replays what is left.
//!
//! The journal always holds a suffix of the vault's writes, in order:
//! every persist holds the vault's write lock from the append to the
//! clear, and once a fold into IndexedDB fails, every later persist goes
//! through the journal too until one clears it. Replaying it over
//! IndexedDB therefore never puts back an older copy of a record.

use super::idb::{Database, Write};
use super::journal::{Journal, OpenError};
use super::journal_format::{decode_frames, encode_frame};
use super::js::{mark, measure};
use super::vault_format::VaultError;
use futures::channel::oneshot;
use std::cell::Cell;

/// A device setting for the crash test (`tests/tests/save_journal.rs`):
/// while set, a journaled save is never folded into IndexedDB, as if the
/// tab had been killed right after the journal's flush.
pub const HOLD_FOLD_SETTING: &str = "tsunagu-test-hold-fold";

/// Told once a save is safe: journaled, or else committed to IndexedDB.
pub type Saved = oneshot::Sender<Result<(), VaultError>>;

/// The vault's journal; without one (a browser with no synchronous file
/// handles) saves wait for IndexedDB.
pub struct SaveJournal {
    journal: Option<Journal>,
    /// The file holds writes not yet known to be in IndexedDB.
    pending: Cell<bool>,
}

impl SaveJournal {
    /// Opens the journal and folds whatever a killed tab left in it into
    /// IndexedDB: call before the vault reads IndexedDB.
    pub async fn open_and_replay(db: &Database) -> Result<SaveJournal, VaultError> {
        let Some(journal) = open().await? else {
            return Ok(SaveJournal::without());
        };
        let frames = decode_frames(&journal.read().await?);
        if !frames.is_empty() {
            let writes: Vec<Write> = frames.into_iter().flatten().collect();
            db.write(&writes).await?;
        }
        journal.clear().await?;
        Ok(SaveJournal {
            journal: Some(journal),
            pending: Cell::new(false),
        })
    }

    /// Opens the journal for a device just created: anything in it belongs
    /// to an earlier device (sealed under a key that is gone) and is dropped.
    pub async fn open_empty() -> Result<SaveJournal, VaultError> {
        let Some(journal) = open().await? else {
            return Ok(SaveJournal::without());
        };
        journal.clear().await?;
        Ok(SaveJournal {
            journal: Some(journal),
            pending: Cell::new(false),
        })
    }

    fn without() -> SaveJournal {
        SaveJournal {
            journal: None,
            pending: Cell::new(false),
        }
    }

    /// Writes `writes` (one persist, under the vault's write lock). With
    /// `saved`, a save waits: it is told as soon as the writes are in the
    /// journal, before IndexedDB has them.
    pub async fn write(
        &self,
        db: &Database,
        writes: &[Write],
        saved: &mut Option<Saved>,
    ) -> Result<(), VaultError> {
        if writes.is_empty() {
            return Ok(());
        }
        if let Some(journal) = &self.journal
            && (saved.is_some() || self.pending.get())
        {
            mark("tsunagu-journal-start");
            // On failure (a full disk, say) this save waits for IndexedDB.
            if journal.append(&encode_frame(writes)).await.is_ok() {
                self.pending.set(true);
                measure("tsunagu-journal", "tsunagu-journal-start");
                if let Some(saved) = saved.take() {
                    let _ = saved.send(Ok(()));
                }
                if crate::browser::setting(HOLD_FOLD_SETTING).is_some() {
                    std::future::pending::<()>().await;
                }
            }
        }
        mark("tsunagu-idb-start");
        db.write(writes).await?;
        measure("tsunagu-idb", "tsunagu-idb-start");
        if let Some(journal) = &self.journal
            && self.pending.get()
            && journal.clear().await.is_ok()
        {
            self.pending.set(false);
        }
        Ok(())
    }
}

async fn open() -> Result<Option<Journal>, VaultError> {
    match Journal::open().await {
        Ok(journal) => Ok(Some(journal)),
        Err(OpenError::Unsupported) => Ok(None),
        Err(OpenError::Unavailable(error)) if error.message.contains("NoModificationAllowed") => {
            Err(VaultError::InOtherTab)
        }
        Err(OpenError::Unavailable(error)) => Err(error.into()),
    }
}
