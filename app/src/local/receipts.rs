//! A note's receipt: saved on this tablet (waiting for the server), reached
//! the server (and when), or refused (and why). A refused note stays on the
//! tablet until the user acts: fixing it or "send again" offers it anew,
//! and a note the server never stored can be discarded, at the user's word.

use tsunagu_sync::protocol::Rejection;

/// Where one record stands between this tablet and the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Receipt {
    /// Saved on this tablet; the server has not acknowledged it yet.
    Waiting,
    /// The server acknowledged every change from this tablet, at this
    /// time ("HH:MM", Japan time, by the tablet's clock).
    Reached(String),
    /// The server refused it.
    Refused {
        /// Why.
        reason: Rejection,
        /// The server holds nothing of it, so it may be discarded.
        discardable: bool,
    },
    /// Nothing of this tablet's waits, and no receipt is kept (a record
    /// from a colleague, or acknowledged before receipts were kept).
    InSync,
}

/// Record `id`'s receipt, if the device is unlocked and holds it.
pub fn receipt(id: &str) -> Option<Receipt> {
    #[cfg(feature = "hydrate")]
    {
        let runtime = super::runtime::runtime()?;
        let mut store = runtime.vault.store.borrow_mut();
        let store = &mut *store;
        if let Some(reason) = store.records.rejected().get(id).cloned() {
            let discardable = store.records.never_stored(id);
            return Some(Receipt::Refused {
                reason,
                discardable,
            });
        }
        if store.records.waiting_for(id) > 0 {
            return Some(Receipt::Waiting);
        }
        Some(match store.reached.get(id) {
            Some(ms) => Receipt::Reached(clock(*ms)),
            None => Receipt::InSync,
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// "HH:MM" of a browser timestamp, in Japan time like the sync status
/// (a tablet's own zone may be set to anything).
#[cfg(feature = "hydrate")]
fn clock(ms: f64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|at| {
            tsunagu_sync::japan_time::local(at)
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Offers a refused record to the server again (saved first, then sent).
pub async fn send_again(id: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let runtime = super::runtime::runtime().ok_or("locked")?;
        {
            let mut store = runtime.vault.store.borrow_mut();
            store.records.retry(&id);
            store.touch(&id);
        }
        super::saving::saved(&runtime).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Err("no device".into())
    }
}

/// Discards a refused record the server never stored, from memory and
/// from the tablet's storage. Refuses anything else.
pub async fn discard(id: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let runtime = super::runtime::runtime().ok_or("locked")?;
        {
            let mut store = runtime.vault.store.borrow_mut();
            if !store.records.discard_refused(&id) {
                return Err("the server holds this record; it cannot be discarded".into());
            }
            store.touch(&id);
        }
        super::saving::saved(&runtime).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Err("no device".into())
    }
}
