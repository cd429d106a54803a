//! The device token over HTTP: who presents it (for the sync WebSocket's
//! upgrade too), and the plain requests a tablet makes with it:
//! `GET /sync/device` (is my token still good, and if not, why: a browser
//! cannot read a refused WebSocket upgrade's status), `POST
//! /sync/device/rotate` (trade it for a fresh one), `POST
//! /sync/device/wiped` (I wiped myself as ordered), `POST
//! /sync/device/access-log` and `POST /sync/device/sign-out` (end my
//! token).
//!
//! Refusals are plain-text bodies a device reads with the status:
//! 401 `unknown` (no such token), 401 `expired` (idle past the limit, now
//! revoked), 403 `revoked`, 410 `wipe` (reported lost: wipe yourself).

use crate::access_log::AccessLogError;
use crate::devices::{self, DeviceError};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tsunagu_app::access_log::AccessUpload;
use tsunagu_app::device_token::{RotateRequest, RotatedToken};
use tsunagu_sync::session::Caller;

const TOKEN_PROTOCOL_PREFIX: &str = "tsunagu-token.";

/// The token in the `Authorization: Bearer` header, or (from a browser,
/// which cannot set headers on a WebSocket) in a `tsunagu-token.<token>`
/// WebSocket subprotocol.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
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

/// The answer that refuses a device for `error`.
fn refusal(error: &DeviceError) -> Response {
    let (status, body) = match error {
        DeviceError::UnknownToken | DeviceError::UnknownUser(_) => {
            (StatusCode::UNAUTHORIZED, "unknown")
        }
        DeviceError::Expired { .. } => (StatusCode::UNAUTHORIZED, "expired"),
        DeviceError::Revoked => (StatusCode::FORBIDDEN, "revoked"),
        DeviceError::WipeOrdered => (StatusCode::GONE, "wipe"),
        DeviceError::NoWipeOrdered => (StatusCode::CONFLICT, "no wipe was ordered"),
        DeviceError::Store(error) => {
            tracing::error!(%error, "device request failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again later")
        }
    };
    (status, body).into_response()
}

/// Runs `work` with the presented token on a blocking thread.
async fn with_token<T: Send + 'static>(
    headers: &HeaderMap,
    state: &AppState,
    work: impl FnOnce(&AppState, &str) -> Result<T, DeviceError> + Send + 'static,
) -> Result<T, Response> {
    let Some(token) = presented_token(headers) else {
        return Err(refusal(&DeviceError::UnknownToken));
    };
    let state = state.clone();
    match tokio::task::spawn_blocking(move || work(&state, &token)).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(error)) => Err(refusal(&error)),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// The device behind the request's token (its contact time recorded), or
/// the response that refuses it.
pub async fn authenticated(headers: &HeaderMap, state: &AppState) -> Result<Caller, Response> {
    with_token(headers, state, |state, token| {
        devices::authenticate(&state.store, token, state.token_policy, chrono::Utc::now())
    })
    .await
}

/// `GET /sync/device`: 200 `active`, or the refusal.
pub async fn status(headers: HeaderMap, State(state): State<AppState>) -> Response {
    match authenticated(&headers, &state).await {
        Ok(_) => (StatusCode::OK, "active").into_response(),
        Err(refusal) => refusal,
    }
}

/// `POST /sync/device/wiped`: a device reported lost confirms it wiped
/// itself; the server records when.
pub async fn wiped(headers: HeaderMap, State(state): State<AppState>) -> Response {
    let confirmed = with_token(&headers, &state, |state, token| {
        devices::confirm_wipe(&state.store, token, chrono::Utc::now())
    })
    .await;
    match confirmed {
        Ok(()) => {
            tracing::info!("a device confirmed its wipe");
            (StatusCode::OK, "recorded").into_response()
        }
        Err(refusal) => refusal,
    }
}

/// `POST /sync/device/access-log`: the device's access-log entries (JSON
/// [`AccessUpload`]) join the audit trail. 200 with [`AccessAck`]; 422
/// with the reason for a malformed upload (nothing recorded).
pub async fn access_log(
    headers: HeaderMap,
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Response {
    let caller = match authenticated(&headers, &state).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let upload: AccessUpload = match serde_json::from_slice(&body) {
        Ok(upload) => upload,
        Err(_) => {
            return (StatusCode::UNPROCESSABLE_ENTITY, "not an access-log upload").into_response();
        }
    };
    let done = tokio::task::spawn_blocking(move || {
        crate::access_log::record(&state.store, &caller, &upload, chrono::Utc::now())
    })
    .await;
    match done {
        Ok(Ok(ack)) => axum::Json(ack).into_response(),
        Ok(Err(AccessLogError::Refused(problem))) => {
            (StatusCode::UNPROCESSABLE_ENTITY, problem.to_string()).into_response()
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "access log upload failed");
            (StatusCode::SERVICE_UNAVAILABLE, "try again later").into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `POST /sync/device/sign-out`: the device signs out, its token ends.
pub async fn sign_out(headers: HeaderMap, State(state): State<AppState>) -> Response {
    let ended = with_token(&headers, &state, |state, token| {
        devices::sign_out(&state.store, token, chrono::Utc::now())
    })
    .await;
    match ended {
        Ok(()) => (StatusCode::OK, "signed out").into_response(),
        Err(refusal) => refusal,
    }
}

/// `POST /sync/device/rotate` (JSON [`RotateRequest`], or empty): trades
/// the token for a fresh one, answered as [`RotatedToken`]
/// (`device_tokens`). Refused like any use of the token.
pub async fn rotate(
    headers: HeaderMap,
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Response {
    let request: RotateRequest = if body.is_empty() {
        RotateRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(request) => request,
            Err(_) => {
                return (StatusCode::UNPROCESSABLE_ENTITY, "not a rotation request")
                    .into_response();
            }
        }
    };
    if request.earlier.len() > crate::device_tokens::MAX_EARLIER {
        return (StatusCode::UNPROCESSABLE_ENTITY, "too many earlier tokens").into_response();
    }
    let rotated = with_token(&headers, &state, move |state, token| {
        crate::device_tokens::rotate(
            &state.store,
            token,
            &request.earlier,
            state.token_policy,
            chrono::Utc::now(),
        )
    })
    .await;
    match rotated {
        Ok(token) => axum::Json(RotatedToken { token }).into_response(),
        Err(refusal) => refusal,
    }
}

/// `POST /sync/device/self-wiped`, with the wipe-report secret as the
/// bearer: the device wiped itself after too many wrong passwords.
pub async fn self_wiped(headers: HeaderMap, State(state): State<AppState>) -> Response {
    let recorded = with_token(&headers, &state, |state, secret| {
        devices::self_wiped(&state.store, secret, chrono::Utc::now())
    })
    .await;
    match recorded {
        Ok(()) => {
            tracing::info!("a device reported it wiped itself");
            (StatusCode::OK, "recorded").into_response()
        }
        Err(refusal) => refusal,
    }
}
