//! Tsunagu's central server: serves the app, authenticates users and
//! devices, runs the sync WebSocket and the coordinator's functions, and
//! keeps everything in the [`store`].
//!
//! Layers, each calling only the ones below it:
//! - the edges: [`cli`], [`commands`] and [`report_commands`] (the command
//!   line), [`serve`], [`web`], [`http_guard`] and [`sync_ws`] (HTTP and
//!   WebSocket), and the server-function backends [`accounts`],
//!   [`programme`], [`outcome_screen`] and [`past_events_screen`];
//! - domain rules as plain functions over store calls: [`persons`],
//!   [`caseload`], [`listing`], [`event_import`], [`outcome`], [`devices`], [`staff`],
//!   [`demo`], and the sync session's storage [`sync_store`];
//! - [`store`]: the only module that knows the database (every table, all
//!   SQL).
// Leptos view types of the coordinator screens nest deeper than the default limit.
#![recursion_limit = "256"]

pub mod access_log;
pub mod accounts;
pub mod administration_screen;
pub mod audit_screen;
pub mod caseload;
pub mod cli;
pub mod commands;
pub mod connections;
pub mod demo;
mod demo_history;
pub mod device_http;
pub mod device_tokens;
pub mod devices;
pub mod event_import;
pub mod feed_hub;
pub mod http_guard;
pub mod listing;
pub mod logging;
pub mod outcome;
pub mod outcome_screen;
pub mod passwords;
pub mod past_events_screen;
pub mod permits;
pub mod persons;
pub mod programme;
pub mod record_locks;
pub mod report_commands;
pub mod retention;
pub mod second_factor;
pub mod secrets;
pub mod serve;
pub mod sign_in_audit;
pub mod sign_in_limits;
pub mod site;
pub mod staff;
pub mod state;
pub mod store;
pub mod sync_store;
pub mod sync_ws;
pub mod throttle;
pub mod web;
