//! `GET /sync`: the WebSocket a device syncs over. This is only the driver:
//! it authenticates the device token, then feeds binary frames to the
//! sans-IO [`ServerSession`] and sends back what it returns. Each frame is
//! handled on a blocking thread because SQLite and automerge are synchronous.

use crate::devices::{self, DeviceError};
use crate::state::AppState;
use crate::store::devices as device_rows;
use crate::sync_store::SqliteServerStore;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tsunagu_sync::frame::MAX_FRAME_BYTES;
use tsunagu_sync::protocol::{ErrorCode, ServerMessage};
use tsunagu_sync::session::server::ServerSession;
use tsunagu_sync::session::{Caller, Output};

/// The WebSocket subprotocol of sync v1. Browsers, which cannot set headers
/// on a WebSocket, also offer `tsunagu-token.<token>` as a second protocol.
pub const SUBPROTOCOL: &str = "tsunagu.v1";
const TOKEN_PROTOCOL_PREFIX: &str = "tsunagu-token.";

fn presented_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| {
        headers
            .get_all(header::SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .find_map(|p| {
                p.trim()
                    .strip_prefix(TOKEN_PROTOCOL_PREFIX)
                    .map(str::to_owned)
            })
    })
}

/// The device behind the request's token, or the response that refuses it
/// (401 unknown or missing token, 403 revoked device).
async fn authenticated(headers: &HeaderMap, state: &AppState) -> Result<Caller, Response> {
    let Some(token) = presented_token(headers) else {
        return Err((StatusCode::UNAUTHORIZED, "missing device token").into_response());
    };
    let store = state.store.clone();
    let auth = tokio::task::spawn_blocking(move || {
        devices::authenticate(&store, &token, chrono::Utc::now())
    })
    .await;
    match auth {
        Ok(Ok(caller)) => Ok(caller),
        Ok(Err(DeviceError::UnknownToken)) => {
            Err((StatusCode::UNAUTHORIZED, "unknown device token").into_response())
        }
        Ok(Err(DeviceError::Revoked)) => {
            Err((StatusCode::FORBIDDEN, "this device has been revoked").into_response())
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "device authentication failed");
            Err((StatusCode::SERVICE_UNAVAILABLE, "try again later").into_response())
        }
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// `GET /sync/device`: whether the presented device token is still good.
/// A browser cannot read the status of a refused WebSocket upgrade, so the
/// app asks here when its connection fails before opening, and tells the
/// user the device was revoked instead of retrying for ever.
pub async fn device_status(headers: HeaderMap, State(state): State<AppState>) -> Response {
    match authenticated(&headers, &state).await {
        Ok(_) => (StatusCode::OK, "active").into_response(),
        Err(refusal) => refusal,
    }
}

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

/// How often an open connection looks the caseload up again, so a
/// handover reaches a device that stays connected.
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

/// What ends a connection whose device may no longer sync.
fn revoked() -> Output {
    closing(ErrorCode::Unauthorized, "this device has been revoked")
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
    tokio::task::spawn_blocking(move || {
        let mut sqlite = SqliteServerStore::new(&store, &locks, chrono::Utc::now());
        let out = match input {
            // Each frame is checked against the device's standing first: a
            // push that arrives after a revocation is refused, not merged.
            Input::Frame(bytes) => {
                let device = [session.caller().device_id.clone()];
                match store.read(|tx| device_rows::no_longer_active(tx, &device)) {
                    Ok(gone) if gone.is_empty() => session.on_frame(&bytes, &mut sqlite),
                    Ok(_) => revoked(),
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
                tracing::info!(device = %device_id, "device revoked; closing its connection");
                for frame in revoked().frames {
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
