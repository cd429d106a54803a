//! The plain requests a device makes with its sync token, beside the
//! WebSocket (the server's `device_http`): is my token still good and if
//! not why (a browser cannot read why a WebSocket upgrade was refused),
//! trade it for a fresh one, I wiped myself as ordered, and end my token at
//! sign-out.

use super::js::{JsError, await_promise, js_error, sleep};
use super::state::Refusal;
use wasm_bindgen::JsCast;

/// What the server says of this device's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The token is good: a failed connection was the network's fault.
    Active,
    /// Refused for good: stop syncing, keep the notes.
    Refused(Refusal),
    /// The device was reported lost: wipe it.
    WipeOrdered,
}

/// Asks the server about the token; `None` when it could not be asked or
/// gave no clear answer (down, a proxy's error page).
pub async fn standing(token: &str) -> Option<Standing> {
    let (status, body) = request("GET", "/sync/device", token, None).await.ok()?;
    match (status, body.trim()) {
        (200, _) => Some(Standing::Active),
        (410, _) => Some(Standing::WipeOrdered),
        (403, _) => Some(Standing::Refused(Refusal::Revoked)),
        (401, "expired") => Some(Standing::Refused(Refusal::Expired)),
        (401, _) => Some(Standing::Refused(Refusal::Unknown)),
        _ => None,
    }
}

/// Tells the server the device wiped itself, retrying while it cannot be
/// reached (the page keeps the token in memory only, so this lasts as long
/// as the page). Stops at the server's answer, whatever it is.
pub async fn confirm_wiped(token: String) {
    let mut wait = 1_000;
    for _ in 0..12 {
        match request("POST", "/sync/device/wiped", &token, None).await {
            Ok((status, _)) if status < 500 => return,
            _ => {
                sleep(wait).await;
                wait = (wait * 2).min(30_000);
            }
        }
    }
}

/// Ends the token on the server (sign-out); `false` when the server could
/// not be reached, so the token lasts until it expires unused.
pub async fn end_token(token: &str) -> bool {
    matches!(request("POST", "/sync/device/sign-out", token, None).await, Ok((status, _)) if status < 500)
}

/// Reports that the device wiped itself after too many wrong passwords,
/// with its wipe-report secret; whether the server answered.
pub async fn report_self_wipe(secret: &str) -> bool {
    matches!(request("POST", "/sync/device/self-wiped", secret, None).await, Ok((status, _)) if status < 500)
}

/// Sends access-log entries; the server's acknowledgement, or why not.
pub async fn upload_access_log(
    token: &str,
    upload: &crate::access_log::AccessUpload,
) -> Result<crate::access_log::AccessAck, String> {
    let body = serde_json::to_string(upload).map_err(|e| e.to_string())?;
    let (status, answer) = request("POST", "/sync/device/access-log", token, Some(&body))
        .await
        .map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("access log refused ({status}): {answer}"));
    }
    serde_json::from_str(&answer).map_err(|e| e.to_string())
}

/// What a rotation request got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotated {
    /// The fresh token.
    Token(String),
    /// The server does not know the token (nor the earlier ones offered).
    Unknown,
    /// Any other answer, or none: carry on with the current token.
    NotNow,
}

/// Trades `token` (or, when the server does not know it, one of `earlier`)
/// for a fresh one.
pub async fn rotate_token(token: &str, earlier: &[String]) -> Rotated {
    let request_body = crate::device_token::RotateRequest {
        earlier: earlier.to_vec(),
    };
    let Ok(body) = serde_json::to_string(&request_body) else {
        return Rotated::NotNow;
    };
    match request("POST", "/sync/device/rotate", token, Some(&body)).await {
        Ok((200, answer)) => serde_json::from_str::<crate::device_token::RotatedToken>(&answer)
            .map_or(Rotated::NotNow, |rotated| Rotated::Token(rotated.token)),
        Ok((401, answer)) if answer.trim() == "unknown" => Rotated::Unknown,
        _ => Rotated::NotNow,
    }
}

/// One request with the token as a bearer credential (and a JSON body):
/// the status and the plain-text answer.
async fn request(
    method: &str,
    path: &str,
    token: &str,
    json: Option<&str>,
) -> Result<(u16, String), JsError> {
    let context = "ask the server about this device";
    let headers = web_sys::Headers::new().map_err(js_error(context))?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(js_error(context))?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        headers
            .set("Content-Type", "application/json")
            .map_err(js_error(context))?;
        init.set_body(&wasm_bindgen::JsValue::from_str(json));
    }
    init.set_headers_headers(&headers);
    let request =
        web_sys::Request::new_with_str_and_init(path, &init).map_err(js_error(context))?;
    let window = web_sys::window().ok_or(JsError {
        context,
        message: "no window".into(),
    })?;
    let response: web_sys::Response = await_promise(window.fetch_with_request(&request), context)
        .await?
        .dyn_into()
        .map_err(js_error(context))?;
    let body = await_promise(response.text().map_err(js_error(context))?, context)
        .await?
        .as_string()
        .unwrap_or_default();
    Ok((response.status(), body))
}
