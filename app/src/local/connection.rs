//! The sync connection while unlocked: one WebSocket at a time, driven by
//! the sans-IO client session, reconnecting with backoff; a refused device
//! stops (and keeps its notes), a device reported lost wipes itself.

use super::device_api::{self, Standing};
use super::js::{describe, mark, measure, now_millis, random_unit, sleep};
use super::runtime::Runtime;
use super::saving::refresh;
use super::state::{Connection, WipeReason};
use futures::StreamExt;
use futures::channel::mpsc::unbounded;
use leptos::prelude::*;
use std::rc::Rc;
use tsunagu_sync::protocol::{ClientMessage, ErrorCode};
use tsunagu_sync::session::Output;
use tsunagu_sync::session::client::{ClientError, ClientSession};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

/// The longest wait between reconnection attempts: short enough that a
/// tablet back in range syncs within seconds without any tap.
const MAX_BACKOFF_MS: f64 = 10_000.0;

/// What the connection's event loop reacts to.
pub(super) enum Event {
    /// The socket opened.
    Open,
    /// A binary frame arrived.
    Frame(Vec<u8>),
    /// A record was saved on the device.
    Local,
    /// The socket closed (or the session ended), and why.
    Closed(String),
}

/// The most frames applied before one persist: large enough that a first
/// download flushes to disk a few times, small enough that its progress
/// shows.
const FRAMES_PER_PERSIST: usize = 4;

/// Hands `frames` to the session in order, stopping at the first that
/// fails or closes the connection; the replies of all, and how many
/// records are new on the device.
fn apply_frames(
    runtime: &Runtime,
    session: &mut ClientSession,
    frames: &[Vec<u8>],
) -> (Result<Output, ClientError>, usize) {
    let mut store = runtime.vault.store.borrow_mut();
    let before = store.records.ids().count();
    let mut out = Output::default();
    let mut result = Ok(());
    for frame in frames {
        match session.on_frame(frame, &mut *store) {
            Ok(reply) => {
                out.frames.extend(reply.frames);
                if reply.close {
                    out.close = true;
                    break;
                }
            }
            Err(error) => {
                result = Err(error);
                break;
            }
        }
    }
    let after = store.records.ids().count();
    (result.map(|()| out), after.saturating_sub(before))
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
    /// The server ended it refusing the token (revoked, disabled user):
    /// ask why at once rather than after a backoff.
    Refused(String),
    /// The server said the device was reported lost.
    WipeOrdered,
}

/// The failure a client-session error means.
fn broken(error: ClientError) -> Failure {
    match error {
        ClientError::Server {
            code: ErrorCode::WipeOrdered,
            ..
        } => Failure::WipeOrdered,
        ClientError::Server {
            code: ErrorCode::Unauthorized,
            message,
        } => Failure::Refused(message),
        other => Failure::Broken(other.to_string()),
    }
}

/// Syncs until the session ends: connects, exchanges, waits, reconnects.
pub(super) async fn sync_loop(runtime: Rc<Runtime>) {
    let mut backoff = 1_000.0;
    while !runtime.stopped.get() {
        if crate::browser::is_online() {
            match connect_and_sync(&runtime).await {
                Ok(()) => backoff = 1_000.0,
                Err(Failure::NeverOpened(error) | Failure::Refused(error)) => {
                    match device_api::standing(&runtime.tokens.current()).await {
                        Some(Standing::Refused(refusal)) => {
                            // Retrying cannot help; the notes stay on the device.
                            runtime.state.status.update(|s| {
                                s.connection = Connection::Disconnected;
                                s.refused = Some(refusal);
                            });
                            return;
                        }
                        Some(Standing::WipeOrdered) => return wipe(&runtime).await,
                        Some(Standing::Active) => {
                            runtime.state.status.update(|s| s.error = Some(error))
                        }
                        None => runtime.state.status.update(|s| {
                            s.error = Some(error);
                            s.unreachable = true;
                        }),
                    }
                }
                Err(Failure::Broken(error)) => {
                    runtime.state.status.update(|s| s.error = Some(error))
                }
                Err(Failure::WipeOrdered) => return wipe(&runtime).await,
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

/// The server ordered a wipe: erase the device, then confirm with the
/// token (kept in memory for that only).
async fn wipe(runtime: &Rc<Runtime>) {
    let token = runtime.tokens.current();
    super::wipe::wipe_device(runtime.state, WipeReason::ReportedLost, Some(token)).await;
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
    set_connection(runtime, Connection::Connecting);
    // Each connection starts with a fresh token.
    runtime.tokens.rotate(&runtime.vault).await;
    let protocols = js_sys::Array::of2(
        &JsValue::from_str("tsunagu.v1"),
        &JsValue::from_str(&format!("tsunagu-token.{}", runtime.tokens.current())),
    );
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
    // An event taken from the queue while gathering frames, handled next.
    let mut stashed: Option<Event> = None;
    loop {
        let event = match stashed.take() {
            Some(event) => event,
            None => match events.next().await {
                Some(event) => event,
                None => break,
            },
        };
        if runtime.stopped.get() {
            return Ok(());
        }
        // When the frames just written left the session idle: the time of
        // this sync, stored in the same transaction as they were.
        let mut idle_written: Option<f64> = None;
        let output = match event {
            Event::Open => {
                opened = true;
                set_connection(runtime, Connection::Syncing);
                runtime.state.status.update(|s| {
                    s.error = None;
                    s.unreachable = false;
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
                // Frames that arrived meanwhile (a first download's pages
                // come in a burst) are applied together and written in one
                // transaction: one flush to disk instead of one per page.
                let mut frames = vec![frame];
                while frames.len() < FRAMES_PER_PERSIST {
                    match events.try_recv() {
                        Ok(Event::Frame(next)) => frames.push(next),
                        Ok(other) => {
                            stashed = Some(other);
                            break;
                        }
                        _ => break,
                    }
                }
                // User Timing measures per batch: what the session did with
                // it, and writing it out (`browser-bench` sums them).
                mark("tsunagu-frame-start");
                let (output, new_records) = apply_frames(runtime, &mut session, &frames);
                measure("tsunagu-frame", "tsunagu-frame-start");
                if new_records > 0 {
                    runtime.state.status.update(|s| s.received += new_records);
                }
                if session.is_idle() {
                    // The sync's end goes in the same transaction: one flush
                    // to disk fewer after every push (a save waits for any
                    // flush in progress).
                    let now = now_millis();
                    runtime.vault.store.borrow_mut().synced_at(now);
                    idle_written = Some(now);
                }
                // What the frames changed is on disk before anything that
                // depends on it goes back to the server (`CaseloadApplied`,
                // the only notice), before the sync counts as done, and as
                // new records arrive. An acknowledgement or a cursor alone
                // waits for that next write: lost, it costs a resend the
                // server takes as a duplicate, and a save does not queue
                // behind its flush.
                let depends = output.as_ref().map_or(true, |out| {
                    out.close
                        || out
                            .frames
                            .iter()
                            .any(|f| !ClientMessage::frame_expects_reply(f))
                });
                if depends || new_records > 0 || idle_written.is_some() {
                    mark("tsunagu-persist-start");
                    runtime
                        .vault
                        .persist()
                        .await
                        .map_err(|e| Failure::Broken(e.to_string()))?;
                    measure("tsunagu-persist", "tsunagu-persist-start");
                }
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
        let output = output.map_err(broken)?;
        send(output.frames).map_err(Failure::Broken)?;
        if output.close {
            return Ok(());
        }
        let idle = session.is_idle();
        if idle {
            synced = true;
            let now = match idle_written {
                Some(now) => now,
                None => {
                    let now = now_millis();
                    runtime.vault.store.borrow_mut().synced_at(now);
                    runtime
                        .vault
                        .persist()
                        .await
                        .map_err(|e| Failure::Broken(e.to_string()))?;
                    now
                }
            };
            runtime.state.status.update(|s| {
                s.last_sync_ms = Some(now);
                s.connection = Connection::InSync;
                s.received = 0;
            });
            crate::browser::dispatch(crate::components::app_update::CHECK_STORAGE_EVENT);
            let runtime = runtime.clone();
            leptos::task::spawn_local(async move {
                super::runtime::upload_access_log(&runtime).await;
            });
        } else {
            set_connection(runtime, Connection::Syncing);
        }
        refresh(runtime);
    }
    Ok(())
}
