//! Test support: the real `tsunagu` binary started on a loopback port with
//! its own data directory, plain HTTP requests against it, and headless
//! Chromium driven through chromedriver.

pub mod a11y;
pub mod admin;
pub mod app_page;
pub mod browser;
pub mod csp_watch;
pub mod device;
pub mod device_storage;
pub mod devtools;
pub mod fixtures;
pub mod flaky_link;
pub mod hostile;
pub mod http;
pub mod load;
pub mod postgres;
pub mod rng;
pub mod server;
pub mod sim;
pub mod workload;
