//! What every request handler shares.

use crate::connections::Connections;
use crate::feed_hub::FeedHub;
use crate::record_locks::RecordLocks;
use crate::store::Store;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    /// Where the bundle is and how to name it.
    pub leptos: LeptosOptions,
    /// The database.
    pub store: Arc<Store>,
    /// Wakes the open sync connections whose caseload a commit touched,
    /// so they send their devices the news.
    pub feed: Arc<FeedHub>,
    /// The records sync connections are merging into right now.
    pub record_locks: Arc<RecordLocks>,
    /// The open sync connections by device, closed when it is revoked.
    pub connections: Arc<Connections>,
    /// How long a device token lives without contact.
    pub token_policy: crate::devices::TokenPolicy,
    /// What registering devices are told about wrong offline passwords.
    pub unlock_policy: tsunagu_app::account::UnlockPolicy,
    /// Whether signing in needs a second factor.
    pub second_factor: crate::second_factor::SecondFactorPolicy,
    /// How long devices keep a case after it ended.
    pub retention: crate::retention::Retention,
    /// The app is served over HTTPS (`--public-url https://...`): HSTS on,
    /// session cookies `Secure`.
    pub secure_transport: bool,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
