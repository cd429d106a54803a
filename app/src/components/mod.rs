//! Small building blocks shared by pages.

pub mod app_update;
pub mod device_menu;
pub mod install_hint;
pub mod language_switch;
pub mod network_status;
pub mod sync_status;
