//! `GET /sync`: the WebSocket a device syncs over. This is only the driver:
//! it authenticates the device token, then feeds binary frames to the
//! sans-IO [`ServerSession`] and sends back what it returns. Each frame is
//! handled on a blocking thread because SQLite and automerge are synchronous.

use crate::device_http::authenticated;
use crate::state::AppState;
use crate::store::devices as device_rows;
use crate::sync_store::SqliteServerStore;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use tsunagu_sync::frame::MAX_FRAME_BYTES;
use tsunagu_sync::protocol::{ErrorCode, ServerMessage};
use tsunagu_sync::session::server::ServerSession;
use tsunagu_sync::session::{Caller, Output};

/// The WebSocket subprotocol of sync v1. Browsers, which cannot set headers
/// on a WebSocket, also offer `tsunagu-token.<token>` as a second protocol
/// (`device_http::presented_token`).
pub const SUBPROTOCOL: &str = "tsunagu.v1";
/// Authenticates the device and upgrades the connection.
pub async fn handler(
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    let caller = match authenticated(&headers, &state).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    // tungstenite zero-fills its whole read buffer before every read; at
    // the 128 KiB default that memset was a quarter of the server's CPU
    // under load, while sync frames are mostly a few hundred bytes.
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .protocols([SUBPROTOCOL])
        .on_upgrade(move |socket| connection(socket, caller, state))
}

/// How often an open connection looks the caseload up again anyway. A
/// change made in this server wakes the users' connections at once, one
/// made on the command line wakes them all within a second
/// (`connections::watch`); this is the floor if both were missed.
const CASELOAD_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// The WebSocket read buffer: big frames take a few more reads, small
/// ones (nearly all) cost no 128 KiB memset each.
const READ_BUFFER_BYTES: usize = 8 * 1024;

enum Input {
    Frame(Vec<u8>),
    FeedGrew,
    Tick,
}

/// An `Error` frame, then close.
fn closing(code: ErrorCode, message: &str) -> Output {
    let error = ServerMessage::Error {
        code,
        message: message.into(),
    };
    Output {
        frames: error.encode().into_iter().collect(),
        close: true,
    }
}

/// What ends a connection whose device may no longer sync: a device
/// reported lost is told to wipe itself.
fn revoked(wipe: bool) -> Output {
    if wipe {
        closing(
            ErrorCode::WipeOrdered,
            "this device was reported lost and must wipe itself",
        )
    } else {
        closing(ErrorCode::Unauthorized, "this device has been revoked")
    }
}

/// Runs one frame (or a feed notification) through the session on a
/// blocking thread; returns the session, what to send, and the persons
/// whose records it committed.
async fn step(
    state: &AppState,
    mut session: ServerSession,
    input: Input,
) -> Option<(ServerSession, Output, Vec<String>)> {
    let (store, locks) = (state.store.clone(), state.record_locks.clone());
    let retention = state.retention;
    tokio::task::spawn_blocking(move || {
        let mut sqlite = SqliteServerStore::new(&store, &locks, chrono::Utc::now(), retention);
        let out = match input {
            // Each frame is checked against the device's standing first: a
            // push that arrives after a revocation is refused, not merged.
            Input::Frame(bytes) => {
                let device = [session.caller().device_id.clone()];
                match store.read(|tx| device_rows::no_longer_active(tx, &device)) {
                    Ok(gone) if gone.is_empty() => session.on_frame(&bytes, &mut sqlite),
                    Ok(gone) => revoked(gone.iter().any(|g| g.wipe)),
                    Err(error) => {
                        tracing::error!(%error, "could not check the device");
                        closing(ErrorCode::Internal, "try again later")
                    }
                }
            }
            Input::FeedGrew => session.on_feed_grew(&mut sqlite),
            Input::Tick => session.on_tick(&mut sqlite),
        };
        let committed = std::mem::take(&mut sqlite.committed_persons);
        (session, out, committed)
    })
    .await
    .ok()
}

async fn connection(mut socket: WebSocket, caller: Caller, state: AppState) {
    tracing::info!(device = %caller.device_id, "sync connected");
    let subscription = state.feed.subscribe(&caller.user_id);
    let registration = state.connections.register(&caller.device_id);
    let device_id = caller.device_id.clone();
    let mut recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + CASELOAD_RECHECK,
        CASELOAD_RECHECK,
    );
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let mut session = Some(ServerSession::new(caller).with_workers(workers));
    loop {
        let input = tokio::select! {
            message = socket.recv() => match message {
                Some(Ok(Message::Binary(bytes))) => Input::Frame(bytes.to_vec()),
                Some(Ok(Message::Text(_))) => {
                    let refusal = closing(ErrorCode::Malformed, "text frames are not part of the protocol");
                    for frame in refusal.frames {
                        let _ = socket.send(Message::Binary(frame.into())).await;
                    }
                    break;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
            },
            () = subscription.notify.notified() => Input::FeedGrew,
            _ = recheck.tick() => Input::Tick,
            () = subscription.caseload_changed.notified() => Input::Tick,
            () = registration.revoked.notified() => {
                let wipe = registration.revoked.wipe();
                tracing::info!(device = %device_id, wipe, "device revoked; closing its connection");
                for frame in revoked(wipe).frames {
                    let _ = socket.send(Message::Binary(frame.into())).await;
                }
                break;
            }
        };
        let Some(current) = session.take() else { break };
        let Some((next, out, persons)) = step(&state, current, input).await else {
            break;
        };
        subscription.set_persons(next.caseload());
        session = Some(next);
        if !persons.is_empty() {
            state.feed.announce(subscription.id(), &persons);
        }
        let mut failed = false;
        for frame in out.frames {
            if socket.send(Message::Binary(frame.into())).await.is_err() {
                failed = true;
                break;
            }
        }
        if failed || out.close {
            break;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
    tracing::info!("sync disconnected");
}
