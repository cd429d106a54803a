//! Guards for the server functions (`/api/...`): a call another site made
//! a signed-in browser send is refused before it reaches the function,
//! and no answer of theirs, nor of `/sync/device`, may be cached.
//!
//! SameSite=Strict cookies already keep a foreign page's request from
//! carrying the session, but a server function also accepts a plain
//! `text/plain` form post, and sign-in needs no session at all (login
//! CSRF). A browser names where a request comes from: `Sec-Fetch-Site`
//! (every current browser), else `Origin`. A request that carries neither
//! is not from a browser page (a command-line client, a test), which holds
//! no victim's cookie, and is let through.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses cross-site calls of server functions (403) and marks server
/// function and device-status answers `Cache-Control: no-store`.
pub async fn guard(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    let private = api || path == "/sync/device";
    let mut response = if api && request.method() == Method::POST && cross_site(request.headers()) {
        tracing::warn!(path, "cross-site server function call refused");
        (StatusCode::FORBIDDEN, "cross-site requests are refused").into_response()
    } else {
        next.run(request).await
    };
    if private {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether a browser says the request comes from another site: its
/// `Sec-Fetch-Site` is anything but `same-origin` or `none` (typed by the
/// user), or, without it, an `Origin` that is not this host.
fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let authority = origin.to_str().ok().and_then(|o| {
        o.strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://"))
    });
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (authority, host) {
        (Some(authority), Some(host)) => !authority.eq_ignore_ascii_case(host),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_same_origin_browsers_and_non_browsers_pass() {
        let host = ("host", "127.0.0.1:3000");
        assert!(!cross_site(&headers(&[host])), "no browser headers");
        assert!(!cross_site(&headers(&[
            host,
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!cross_site(&headers(&[
            host,
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!cross_site(&headers(&[
            ("host", "tsunagu.example"),
            ("origin", "https://Tsunagu.example")
        ])));
        assert!(cross_site(&headers(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(cross_site(&headers(&[
            host,
            ("sec-fetch-site", "same-site")
        ])));
        assert!(cross_site(&headers(&[
            host,
            ("origin", "http://evil.example")
        ])));
        assert!(cross_site(&headers(&[host, ("origin", "null")])));
        assert!(
            cross_site(&headers(&[("origin", "http://127.0.0.1:3000")])),
            "no host to match"
        );
    }
}
