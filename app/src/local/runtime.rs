//! The browser side of the app's life: boot, first sign-in, unlock, lock,
//! sign-out, saving, and the sync connection that runs while unlocked.

use super::edits::{self, FormInput};
use super::idb::Database;
use super::js::{JsError, describe, mark, measure, now_millis, random_unit, sleep};
use super::state::{
    ClientState, Connection, DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_CHOICES, IDLE_LOCK_SETTING,
    Phase, Refusal, SyncStatus,
};
use super::vault::{DeviceIdentity, Keyring, Vault, VaultError};
use crate::account::{register_device, sign_in, sign_out};
use futures::StreamExt;
use futures::channel::mpsc::{UnboundedSender, unbounded};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tsunagu_sync::record::RecordError;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::session::client::ClientSession;
use tsunagu_sync::session::device_store::DeviceStore;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

/// How long the app stays unlocked without a touch or key press, in minutes.
pub fn idle_lock_minutes() -> u32 {
    crate::browser::setting(IDLE_LOCK_SETTING)
        .and_then(|v| v.parse().ok())
        .filter(|m| IDLE_LOCK_CHOICES.contains(m))
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES)
}
/// The longest wait between reconnection attempts: short enough that a
/// tablet back in range syncs within seconds without any tap.
const MAX_BACKOFF_MS: f64 = 10_000.0;

enum Event {
    Open,
    Frame(Vec<u8>),
    Local,
    Closed(String),
}

/// One unlocked session.
struct Runtime {
    vault: Vault,
    /// This tab's claim on the device; released on lock.
    device_lock: RefCell<Option<super::device_lock::DeviceLock>>,
    state: ClientState,
    /// Feeds the open connection's event loop, if one is open.
    events: RefCell<Option<UnboundedSender<Event>>>,
    /// Set to cut a backoff wait short (back online, local save, tab shown).
    wake: Cell<bool>,
    /// Set when the session ends (lock, sign-out): the loops stop.
    stopped: Cell<bool>,
    last_activity: Cell<f64>,
}

thread_local! {
    static RUNTIME: RefCell<Option<Rc<Runtime>>> = const { RefCell::new(None) };
    static DATABASE: RefCell<Option<Database>> = const { RefCell::new(None) };
}

fn runtime() -> Option<Rc<Runtime>> {
    RUNTIME.with(|r| r.borrow().clone())
}

async fn database() -> Result<Database, JsError> {
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
) -> Result<(), crate::account::AccountError> {
    use crate::account::AccountError;
    sign_in(username.clone(), password.clone()).await?;
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
    let vault = Vault::create(db, &password, identity)
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))?;
    state.owner.set(Some(username));
    start(state, vault, claim);
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

/// Unlocks the device with the password (works offline).
pub async fn unlock(state: ClientState, password: String) -> Result<(), VaultError> {
    let db = database().await?;
    let keyring: Keyring = super::vault::keyring(&db)
        .await?
        .ok_or(VaultError::NoDevice)?;
    let claim = super::device_lock::claim()
        .await?
        .ok_or(VaultError::InOtherTab)?;
    state.phase.set(Phase::Unlocking);
    mark("tsunagu-unlock-start");
    let result = Vault::unlock(db, &keyring, &password, |done, total| {
        state.loading.set((done, total))
    })
    .await;
    match result {
        Ok(vault) => {
            measure("tsunagu-unlock", "tsunagu-unlock-start");
            start(state, vault, claim);
            Ok(())
        }
        Err(error) => {
            state.phase.set(Phase::Locked);
            Err(error)
        }
    }
}

fn start(state: ClientState, vault: Vault, claim: super::device_lock::DeviceLock) {
    let last_sync = vault.store.borrow().last_sync_ms;
    let runtime = Rc::new(Runtime {
        vault,
        device_lock: RefCell::new(Some(claim)),
        state,
        events: RefCell::new(None),
        wake: Cell::new(false),
        stopped: Cell::new(false),
        last_activity: Cell::new(now_millis()),
    });
    RUNTIME.with(|r| *r.borrow_mut() = Some(runtime.clone()));
    state.status.set(SyncStatus {
        last_sync_ms: last_sync,
        ..SyncStatus::default()
    });
    refresh(&runtime);
    state.phase.set(Phase::Ready);
    spawn_local(sync_loop(runtime.clone()));
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
    state.screen.set(Default::default());
    state.phase.set(Phase::Locked);
}

/// Signs out: ends the server session (if reachable) and wipes every local
/// trace of the device. The caller has warned about unsent changes.
pub async fn sign_out_and_wipe(state: ClientState) -> Result<(), String> {
    lock(state);
    let db = database().await.map_err(|e| e.to_string())?;
    Vault::wipe(&db).await.map_err(|e| e.to_string())?;
    let _ = sign_out().await;
    state.owner.set(None);
    state.phase.set(Phase::NoDevice);
    Ok(())
}

/// Notes user activity (postpones the idle lock).
pub fn touch_activity() {
    if let Some(runtime) = runtime() {
        runtime.last_activity.set(now_millis());
    }
}

/// Saves a new record; returns its id once it is stored on the device.
pub async fn create_record(
    kind: RecordKind,
    person: String,
    input: FormInput,
) -> Result<String, String> {
    let runtime = runtime().ok_or("locked")?;
    mark("tsunagu-save-start");
    let id = {
        let identity = &runtime.vault.identity;
        let edit = edits::edit_by(&identity.user, chrono::Utc::now());
        let mut random = [0u8; 10];
        random.copy_from_slice(&super::crypto::random_bytes(10).map_err(|e| e.to_string())?[..10]);
        let mut store = runtime.vault.store.borrow_mut();
        let id = edits::create_record(
            &mut store.records,
            kind,
            &person,
            &identity.device_id,
            &edit,
            &input,
            random,
        )
        .map_err(|e: RecordError| e.to_string())?;
        store.touch(&id);
        id
    };
    saved(&runtime).await?;
    Ok(id)
}

/// Saves a form over an existing record.
pub async fn update_record(
    id: String,
    base: Vec<tsunagu_sync::record::ChangeHash>,
    input: FormInput,
) -> Result<bool, String> {
    let runtime = runtime().ok_or("locked")?;
    mark("tsunagu-save-start");
    let changed = {
        let edit = edits::edit_by(&runtime.vault.identity.user, chrono::Utc::now());
        let mut store = runtime.vault.store.borrow_mut();
        let changed = edits::update_record(&mut store.records, &id, Some(&base), &edit, &input)
            .map_err(|e| e.to_string())?;
        store.touch(&id);
        changed
    };
    saved(&runtime).await?;
    Ok(changed)
}

/// After a local save: persist, then offer it to the server.
async fn saved(runtime: &Rc<Runtime>) -> Result<(), String> {
    runtime.last_activity.set(now_millis());
    runtime.vault.persist().await.map_err(|e| e.to_string())?;
    // Edited, encrypted and committed to IndexedDB: the save is safe.
    measure("tsunagu-save", "tsunagu-save-start");
    refresh(runtime);
    match runtime.events.borrow().as_ref() {
        Some(events) => {
            let _ = events.unbounded_send(Event::Local);
        }
        None => runtime.wake.set(true),
    }
    Ok(())
}

/// Publishes the waiting count and tells the pages to re-read the records.
fn refresh(runtime: &Runtime) {
    let waiting = runtime.vault.store.borrow().records.waiting_records();
    runtime.state.status.update(|s| s.waiting = waiting);
    runtime.state.revision.update(|r| *r += 1);
}

fn set_connection(runtime: &Runtime, connection: Connection) {
    runtime.state.status.update(|s| s.connection = connection);
}

/// How a connection ended badly.
enum Failure {
    /// It never opened: the server is down, or it refused the device.
    NeverOpened(String),
    /// It broke after opening.
    Broken(String),
}

async fn sync_loop(runtime: Rc<Runtime>) {
    let mut backoff = 1_000.0;
    while !runtime.stopped.get() {
        if crate::browser::is_online() {
            match connect_and_sync(&runtime).await {
                Ok(()) => backoff = 1_000.0,
                Err(Failure::NeverOpened(error)) => {
                    if let Some(refusal) = device_refusal(&runtime.vault.identity.token).await {
                        // Retrying cannot help; the notes stay on the device.
                        runtime.state.status.update(|s| {
                            s.connection = Connection::Disconnected;
                            s.refused = Some(refusal);
                        });
                        return;
                    }
                    runtime.state.status.update(|s| s.error = Some(error));
                }
                Err(Failure::Broken(error)) => {
                    runtime.state.status.update(|s| s.error = Some(error))
                }
            }
            set_connection(&runtime, Connection::Disconnected);
        }
        // Exponential backoff with jitter, cut short by a wake-up.
        let wait = backoff * (0.5 + random_unit() * 0.5);
        let until = now_millis() + wait;
        while now_millis() < until && !runtime.wake.replace(false) && !runtime.stopped.get() {
            sleep(250).await;
        }
        backoff = (backoff * 2.0).min(MAX_BACKOFF_MS);
    }
}

/// Asks the server whether it refuses this device's token (a browser
/// cannot see why a WebSocket upgrade failed). `None`: not refused, or the
/// server could not be asked.
async fn device_refusal(token: &str) -> Option<Refusal> {
    let headers = web_sys::Headers::new().ok()?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .ok()?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_headers_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init("/sync/device", &init).ok()?;
    let response =
        wasm_bindgen_futures::JsFuture::from(web_sys::window()?.fetch_with_request(&request))
            .await
            .ok()?
            .dyn_into::<web_sys::Response>()
            .ok()?;
    match response.status() {
        403 => Some(Refusal::Revoked),
        401 => Some(Refusal::Unknown),
        _ => None,
    }
}

fn sync_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/sync", location.host().ok()?))
}

/// One connection: runs until it closes. `Ok` when it had synced.
async fn connect_and_sync(runtime: &Rc<Runtime>) -> Result<(), Failure> {
    let url = sync_url().ok_or_else(|| Failure::NeverOpened("no location".into()))?;
    let protocols = js_sys::Array::of2(
        &JsValue::from_str("tsunagu.v1"),
        &JsValue::from_str(&format!("tsunagu-token.{}", runtime.vault.identity.token)),
    );
    set_connection(runtime, Connection::Connecting);
    let socket = WebSocket::new_with_str_sequence(&url, &protocols)
        .map_err(|e| Failure::NeverOpened(describe(&e)))?;
    socket.set_binary_type(BinaryType::Arraybuffer);
    let (sender, mut events) = unbounded::<Event>();
    let on_open = {
        let sender = sender.clone();
        Closure::<dyn FnMut()>::new(move || {
            let _ = sender.unbounded_send(Event::Open);
        })
    };
    let on_message = {
        let sender = sender.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                let _ =
                    sender.unbounded_send(Event::Frame(js_sys::Uint8Array::new(&buffer).to_vec()));
            }
        })
    };
    let on_close = {
        let sender = sender.clone();
        Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |event: web_sys::CloseEvent| {
            let _ = sender.unbounded_send(Event::Closed(format!(
                "connection closed ({}) {}",
                event.code(),
                event.reason()
            )));
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    *runtime.events.borrow_mut() = Some(sender);

    let result = exchange(runtime, &socket, &mut events).await;

    *runtime.events.borrow_mut() = None;
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
    let _ = socket.close();
    result
}

async fn exchange(
    runtime: &Rc<Runtime>,
    socket: &WebSocket,
    events: &mut futures::channel::mpsc::UnboundedReceiver<Event>,
) -> Result<(), Failure> {
    let mut session = ClientSession::new();
    let mut synced = false;
    let mut opened = false;
    let send = |frames: Vec<Vec<u8>>| -> Result<(), String> {
        for frame in frames {
            socket
                .send_with_u8_array(&frame)
                .map_err(|e| describe(&e))?;
        }
        Ok(())
    };
    while let Some(event) = events.next().await {
        if runtime.stopped.get() {
            return Ok(());
        }
        let output = match event {
            Event::Open => {
                opened = true;
                set_connection(runtime, Connection::Syncing);
                runtime.state.status.update(|s| {
                    s.error = None;
                    s.received = 0;
                });
                let mut store = runtime.vault.store.borrow_mut();
                session.on_connect(&mut *store)
            }
            Event::Local => {
                let mut store = runtime.vault.store.borrow_mut();
                session.on_local_change(&mut *store)
            }
            Event::Frame(frame) => {
                let (output, new_records) = {
                    let mut store = runtime.vault.store.borrow_mut();
                    let before = store.records.ids().count();
                    let output = session.on_frame(&frame, &mut *store);
                    let after = store.records.ids().count();
                    (output, after.saturating_sub(before))
                };
                if new_records > 0 {
                    runtime.state.status.update(|s| s.received += new_records);
                }
                // What the frame changed is on disk before anything that
                // depends on it goes back to the server.
                runtime
                    .vault
                    .persist()
                    .await
                    .map_err(|e| Failure::Broken(e.to_string()))?;
                output
            }
            Event::Closed(reason) => {
                session.on_disconnect();
                return match (synced, opened) {
                    (true, _) => Ok(()),
                    (false, true) => Err(Failure::Broken(reason)),
                    (false, false) => Err(Failure::NeverOpened(reason)),
                };
            }
        };
        let output = output.map_err(|e| Failure::Broken(e.to_string()))?;
        send(output.frames).map_err(Failure::Broken)?;
        if output.close {
            return Ok(());
        }
        let idle = session.is_idle();
        if idle {
            synced = true;
            let now = now_millis();
            {
                let mut store = runtime.vault.store.borrow_mut();
                store.last_sync_ms = Some(now);
                store.touch_meta();
            }
            runtime
                .vault
                .persist()
                .await
                .map_err(|e| Failure::Broken(e.to_string()))?;
            runtime.state.status.update(|s| {
                s.last_sync_ms = Some(now);
                s.connection = Connection::InSync;
                s.received = 0;
            });
        } else {
            set_connection(runtime, Connection::Syncing);
        }
        refresh(runtime);
    }
    Ok(())
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
