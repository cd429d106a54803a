//! The Content-Security-Policy every rendered page is sent with.
//!
//! Leptos puts a fresh nonce on each inline script it writes while
//! rendering (the hydration loader, streamed resources); the policy lets
//! only those inline scripts and this origin's own files run, so markup an
//! attacker slipped into a record could not run script even if escaping
//! ever failed. The service worker keeps the start page with its header,
//! so an offline start page has the same nonce in its header and scripts.

use leptos::nonce::use_nonce;
use leptos::prelude::use_context;

/// The policy for a page whose inline scripts carry `nonce`.
///
/// - scripts: this origin's files, inline ones with the nonce, and
///   compiling the app's WebAssembly;
/// - everything else (styles, images, the manifest, the service worker,
///   fetches and the sync WebSocket): this origin only;
/// - no plugins, no `<base>`, forms post only here, and no framing.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the policy for this render's nonce to the response being rendered
/// (nothing outside a server render).
pub fn send() {
    let (Some(nonce), Some(response)) =
        (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_need_the_nonce_and_nothing_comes_from_elsewhere() {
        let policy = policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(!policy.contains('*'), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    }
}
