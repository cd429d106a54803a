//! Small building blocks shared by the pages.

pub mod language_switch;
pub mod network_status;
