//! The app's screens, one module each.

pub mod action_items;
pub mod audit_texts;
pub mod audit_trail;
pub mod caseload;
pub mod caseload_texts;
pub mod home;
pub mod new_password;
pub mod not_found;
pub mod office;
pub mod outcome;
pub mod person;
pub mod person_header;
pub mod programme;
pub mod receipt;
pub mod record_form;
pub mod record_history;
pub mod second_factor;
pub mod second_factor_texts;
pub mod sign_in;
