//! The app's routes, one module a page.

pub mod home;
pub mod not_found;
