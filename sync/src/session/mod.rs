//! The sync state machines: frames in, frames out, storage through a trait.
//!
//! No sockets, clocks or randomness: a driver (the server's WebSocket
//! handler, the browser's, a test) feeds in what arrived and sends what
//! comes out. Storage is a trait so the server's SQLite, the device's
//! working store and the in-memory test server run the same logic.

mod admission;
pub mod client;
pub mod device_store;
pub mod memory_server;
mod parallel;
mod push;
pub mod server;
mod server_store;

use crate::role::Role;

/// The authenticated user and device on the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The user's stable id.
    pub user_id: String,
    /// The user's name as the server knows it: the only name a change
    /// of theirs may carry.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// The device's id.
    pub device_id: String,
}

/// Frames to send, and whether to close the connection after them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Encoded frames, in order.
    pub frames: Vec<Vec<u8>>,
    /// Close the connection once they are sent.
    pub close: bool,
}

#[cfg(test)]
mod documents_tests;
#[cfg(test)]
mod refusal_tests;
#[cfg(test)]
mod rewind_tests;
#[cfg(test)]
mod team_tests;
#[cfg(test)]
mod tests;
