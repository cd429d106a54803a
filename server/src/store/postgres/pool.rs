//! The connections one server keeps to PostgreSQL: at most a fixed number
//! open at once (a thousand tablets syncing together must not open a
//! thousand connections: the database refuses past `max_connections`),
//! idle ones reused, a caller waiting while all are busy.
//!
//! Each connection carries a [`Slot`]; however a connection ends (given
//! back and later closed, dropped on an error or a panic), dropping it
//! frees its slot.

use super::PgConn;
use crate::store::StoreError;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// A bounded set of connections.
pub struct Pool {
    /// At most this many open at once.
    max_open: usize,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    open: usize,
    idle: Vec<PgConn>,
}

/// One open connection's place in its pool.
pub struct Slot(Arc<Pool>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.open -= 1;
        drop(state);
        self.0.freed.notify_one();
    }
}

impl Pool {
    /// An empty pool of at most `max_open` connections.
    pub fn new(max_open: usize) -> Arc<Pool> {
        Arc::new(Pool {
            max_open: max_open.max(1),
            state: Mutex::new(State {
                open: 0,
                idle: Vec::new(),
            }),
            freed: Condvar::new(),
        })
    }

    /// An idle connection, or one `connect` opens in a free slot, or,
    /// when every slot is taken, the first one given back or freed.
    pub fn take(
        self: &Arc<Self>,
        connect: impl FnOnce(Slot) -> Result<PgConn, StoreError>,
    ) -> Result<PgConn, StoreError> {
        let mut state = self.state();
        loop {
            if let Some(conn) = state.idle.pop() {
                drop(state);
                if !conn.is_closed() {
                    return Ok(conn);
                }
                // Dropping it frees its slot (which takes the lock).
                drop(conn);
                state = self.state();
                continue;
            }
            if state.open < self.max_open {
                state.open += 1;
                drop(state);
                return connect(Slot(self.clone()));
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Keeps `conn` for the next caller (a closed one is let go).
    pub fn give_back(&self, conn: PgConn) {
        if conn.is_closed() {
            return;
        }
        self.state().idle.push(conn);
        self.freed.notify_one();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
