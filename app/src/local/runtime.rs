//! The browser side of the app's life: boot, first sign-in, lock and
//! sign-out. Saving is in [`super::saving`], unlocking in
//! [`super::unlock`], the sync connection in [`super::connection`], wiping
//! in [`super::wipe`].

use super::connection::Event;

use super::idb::Database;
use super::js::{JsError, mark, measure, now_millis, sleep};
use super::saving::refresh;
use super::state::{
    ClientState, DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_CHOICES, IDLE_LOCK_SETTING, Phase, SyncStatus,
};
use super::vault::{DeviceIdentity, Vault};
use crate::account::{register_device, sign_in, sign_out};
use futures::channel::mpsc::UnboundedSender;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tsunagu_sync::session::device_store::DeviceStore;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How long the app stays unlocked without a touch or key press, in minutes.
pub fn idle_lock_minutes() -> u32 {
    crate::browser::setting(IDLE_LOCK_SETTING)
        .and_then(|v| v.parse().ok())
        .filter(|m| IDLE_LOCK_CHOICES.contains(m))
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES)
}
/// One unlocked session.
pub(super) struct Runtime {
    /// The open encrypted store.
    pub(super) vault: Vault,
    /// The sync token, rotated at each connection.
    pub(super) tokens: super::device_tokens::DeviceTokens,
    /// This tab's claim on the device; released on lock.
    device_lock: RefCell<Option<super::device_lock::DeviceLock>>,
    /// The signals the pages show.
    pub(super) state: ClientState,
    /// Feeds the open connection's event loop, if one is open.
    pub(super) events: RefCell<Option<UnboundedSender<Event>>>,
    /// Set to cut a backoff wait short (back online, local save, tab shown).
    pub(super) wake: Cell<bool>,
    /// Set when the session ends (lock, sign-out): the loops stop.
    pub(super) stopped: Cell<bool>,
    /// What the user opened and saved, waiting for the server.
    pub(super) access: super::access_queue::AccessQueue,
    /// When the user last touched the tablet or saved (for the idle lock).
    pub(super) last_activity: Cell<f64>,
}

thread_local! {
    static RUNTIME: RefCell<Option<Rc<Runtime>>> = const { RefCell::new(None) };
    static DATABASE: RefCell<Option<Database>> = const { RefCell::new(None) };
}

/// The unlocked session, if any.
pub(super) fn runtime() -> Option<Rc<Runtime>> {
    RUNTIME.with(|r| r.borrow().clone())
}

/// The app's IndexedDB database, opened once per page.
pub(super) async fn database() -> Result<Database, JsError> {
    if let Some(db) = DATABASE.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = Database::open().await?;
    DATABASE.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Reads the working copy's records and summaries, if unlocked.
pub fn with_device<R>(
    read: impl FnOnce(&mut DeviceStore, &std::collections::BTreeMap<String, super::read::Summary>) -> R,
) -> Option<R> {
    let runtime = runtime()?;
    let mut guard = runtime.vault.store.borrow_mut();
    let store = &mut *guard;
    Some(read(&mut store.records, &store.summaries))
}

/// The signed-in device owner's identity, if unlocked.
pub fn identity() -> Option<DeviceIdentity> {
    runtime().map(|r| r.vault.identity.clone())
}

/// Looks for a device in this browser and sets the phase.
pub fn boot(state: ClientState) {
    install_wake_listeners();
    spawn_local(async move {
        let keyring = match database().await {
            Ok(db) => super::vault::keyring(&db).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        // From navigation to here: how long until the user can type.
        mark("tsunagu-interactive");
        state.wiped.set(super::wipe::remembered_reason());
        spawn_local(super::wipe_report::send_pending());
        match keyring {
            Ok(Some(keyring)) => {
                state.owner.set(Some(keyring.username));
                state.phase.set(Phase::Locked);
            }
            Ok(None) => state.phase.set(Phase::NoDevice),
            Err(error) => {
                state.status.update(|s| s.error = Some(error));
                state.phase.set(Phase::NoDevice);
            }
        }
    });
}

/// First sign-in on this browser (needs the server): checks the password,
/// registers the device, and creates the encrypted store.
pub async fn first_sign_in(
    state: ClientState,
    username: String,
    password: String,
    code: Option<String>,
) -> Result<(), crate::account::AccountError> {
    mark("tsunagu-sign-in-start");
    sign_in(username.clone(), password.clone(), code).await?;
    measure("tsunagu-sign-in", "tsunagu-sign-in-start");
    mark("tsunagu-register-start");
    let registered = become_device(state, username, password).await;
    measure("tsunagu-register", "tsunagu-register-start");
    registered
}

/// Registers this browser as a device of the user whose session the
/// browser holds now, sets up its encrypted store under `password` and
/// starts syncing.
pub async fn become_device(
    state: ClientState,
    username: String,
    password: String,
) -> Result<(), crate::account::AccountError> {
    use crate::account::AccountError;
    let grant = register_device(device_label()).await?;
    let db = database()
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))?;
    let claim = super::device_lock::claim()
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))?
        .ok_or_else(|| AccountError::Unavailable("the app is open in another tab".into()))?;
    let identity = DeviceIdentity {
        device_id: grant.device_id,
        token: grant.token,
        user: grant.user,
    };
    super::wipe_report::keep(&db, &grant.wipe_report)
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))?;
    let vault = Vault::create(db, &password, identity, grant.unlock)
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))?;
    super::wipe::after_sign_in(state);
    state.owner.set(Some(username));
    let tokens = super::device_tokens::DeviceTokens::load(&vault).await;
    start(
        state,
        vault,
        tokens,
        super::access_queue::AccessQueue::new(),
        claim,
    );
    Ok(())
}

fn device_label() -> String {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    let kind = if agent.contains("Android") || agent.contains("iPad") || agent.contains("Mobile") {
        "tablet"
    } else {
        "browser"
    };
    format!("{kind} ({})", chrono::Utc::now().format("%Y-%m-%d"))
}

/// Starts an unlocked session: the sync connection and the idle lock.
pub(super) fn start(
    state: ClientState,
    vault: Vault,
    tokens: super::device_tokens::DeviceTokens,
    access: super::access_queue::AccessQueue,
    claim: super::device_lock::DeviceLock,
) {
    let last_sync = vault.store.borrow().last_sync_ms;
    let runtime = Rc::new(Runtime {
        vault,
        tokens,
        device_lock: RefCell::new(Some(claim)),
        state,
        events: RefCell::new(None),
        wake: Cell::new(false),
        stopped: Cell::new(false),
        access,
        last_activity: Cell::new(now_millis()),
    });
    RUNTIME.with(|r| *r.borrow_mut() = Some(runtime.clone()));
    state.status.set(SyncStatus {
        last_sync_ms: last_sync,
        ..SyncStatus::default()
    });
    refresh(&runtime);
    state.phase.set(Phase::Ready);
    spawn_local(super::connection::sync_loop(runtime.clone()));
    spawn_local(idle_lock(runtime));
}

/// Locks: forgets the key and the working copy; the data stays encrypted.
pub fn lock(state: ClientState) {
    if let Some(runtime) = RUNTIME.with(|r| r.borrow_mut().take()) {
        runtime.stopped.set(true);
        // Another tab may unlock now; this one has forgotten the key.
        if let Some(mut claim) = runtime.device_lock.borrow_mut().take() {
            claim.release();
        }
        if let Some(events) = runtime.events.borrow_mut().take() {
            let _ = events.unbounded_send(Event::Closed("locked".into()));
        }
    }
    state.status.set(SyncStatus::default());
    // The screen stays: unlocking again reopens it.
    state.phase.set(Phase::Locked);
}

/// Signs out: ends the device's token and the server session (if
/// reachable) and wipes the device's database. The caller has warned about
/// unsent changes. The service worker stays, so the next sign-in here
/// works offline afterwards without a reload.
pub async fn sign_out_and_wipe(state: ClientState) -> Result<(), String> {
    if let Some(runtime) = runtime() {
        super::device_api::end_token(&runtime.tokens.current()).await;
    }
    lock(state);
    let db = database().await.map_err(|e| e.to_string())?;
    Vault::wipe(&db).await.map_err(|e| e.to_string())?;
    let _ = sign_out().await;
    state.owner.set(None);
    state.phase.set(Phase::NoDevice);
    Ok(())
}

/// Notes an access in the device's log, saves the log, and sends it at
/// once when connected.
pub fn record_access(kind: crate::access_log::AccessKind, id: &str) {
    let Some(runtime) = runtime() else {
        return;
    };
    runtime.access.note(kind, id, now_millis());
    spawn_local(async move {
        if let Err(error) = runtime.access.save(&runtime.vault).await {
            runtime
                .state
                .status
                .update(|s| s.error = Some(error.to_string()));
            return;
        }
        let connected = runtime
            .state
            .status
            .with_untracked(|s| s.connection == super::state::Connection::InSync);
        if connected {
            upload_access_log(&runtime).await;
        }
    });
}

/// Sends the waiting access-log entries (a failure waits for the next sync).
pub(super) async fn upload_access_log(runtime: &Rc<Runtime>) {
    if runtime.access.waiting() == 0 {
        return;
    }
    let token = runtime.tokens.current();
    if let Err(error) = runtime.access.upload(&runtime.vault, &token).await {
        leptos::logging::warn!("{error}");
    }
}

/// Notes user activity (postpones the idle lock).
pub fn touch_activity() {
    if let Some(runtime) = runtime() {
        runtime.last_activity.set(now_millis());
    }
}

async fn idle_lock(runtime: Rc<Runtime>) {
    while !runtime.stopped.get() {
        sleep(5_000).await;
        let idle_limit = f64::from(idle_lock_minutes()) * 60_000.0;
        if now_millis() - runtime.last_activity.get() > idle_limit && !runtime.stopped.get() {
            lock(runtime.state);
        }
    }
}

fn install_wake_listeners() {
    let wake = || {
        if let Some(runtime) = runtime() {
            runtime.wake.set(true);
        }
    };
    let _ = window_event_listener(leptos::ev::online, move |_| wake());
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| wake());
    for activity in ["pointerdown", "keydown"] {
        let handler = Closure::<dyn FnMut()>::new(touch_activity);
        if let Some(window) = web_sys::window() {
            let _ =
                window.add_event_listener_with_callback(activity, handler.as_ref().unchecked_ref());
        }
        handler.forget();
    }
}
