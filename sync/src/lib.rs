//! Tsunagu's sans-IO core, shared by the browser, the server and the tests.
//!
//! Nothing in this crate performs I/O, reads a clock or draws randomness:
//! callers pass those in. That is what lets the same code run in wasm, in
//! the server and in a deterministic simulator.

pub mod frame;
pub mod japan_time;
pub mod outcome;
pub mod policy;
pub mod protocol;
pub mod record;
pub mod role;
pub mod session;
pub mod stage;
pub mod team;
