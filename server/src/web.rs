//! The HTTP side: the Leptos app, static bundle, health check and the
//! headers every response carries.

use crate::accounts::Accounts;
use crate::programme::Programme;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tsunagu_app::account::{AccountBackend, SecureTransport};
use tsunagu_app::administration::AdministrationBackend;
use tsunagu_app::audit_search::AuditBackend;
use tsunagu_app::outcome_report::OutcomeBackend;
use tsunagu_app::past_events::PastEventsBackend;
use tsunagu_app::programme::ProgrammeBackend;
use tsunagu_app::{App, shell};

/// The whole router.
pub fn router(state: AppState) -> Router {
    let accounts = Arc::new(
        Accounts::new(state.store.clone())
            .with_unlock_policy(state.unlock_policy)
            .with_second_factor(state.second_factor),
    );
    let programme: Arc<dyn ProgrammeBackend> = Arc::new(Programme::new(
        state.store.clone(),
        accounts.clone(),
        state.feed.clone(),
    ));
    let outcome: Arc<dyn OutcomeBackend> = Arc::new(crate::outcome_screen::OutcomeScreen::new(
        state.store.clone(),
        accounts.clone(),
    ));
    let past_events: Arc<dyn PastEventsBackend> = Arc::new(
        crate::past_events_screen::PastEventsScreen::new(state.store.clone(), accounts.clone()),
    );
    let administration: Arc<dyn AdministrationBackend> =
        Arc::new(crate::administration_screen::AdministrationScreen::new(
            state.store.clone(),
            accounts.clone(),
        ));
    let audit: Arc<dyn AuditBackend> = Arc::new(crate::audit_screen::AuditScreen::new(
        state.store.clone(),
        accounts.clone(),
    ));
    let backend: Arc<dyn AccountBackend> = accounts;
    let routes = generate_route_list(App);
    let secure = state.secure_transport;
    let pkg_dir = std::path::Path::new(&*state.leptos.site_root).join("pkg");
    let leptos = state.leptos.clone();
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            immutable_when_found,
        ));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/sync", get(crate::sync_ws::handler))
        .route("/sync/device", get(crate::device_http::status))
        .route("/sync/device/wiped", post(crate::device_http::wiped))
        .route("/sync/device/sign-out", post(crate::device_http::sign_out))
        .route("/sync/device/rotate", post(crate::device_http::rotate))
        .route(
            "/sync/device/self-wiped",
            post(crate::device_http::self_wiped),
        )
        .route(
            "/sync/device/access-log",
            post(crate::device_http::access_log),
        )
        .nest_service("/pkg", pkg)
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(backend.clone());
                provide_context(programme.clone());
                provide_context(outcome.clone());
                provide_context(past_events.clone());
                provide_context(administration.clone());
                provide_context(audit.clone());
                provide_context(SecureTransport(secure));
            },
            move || shell(leptos.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(crate::http_guard::guard))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::http::Response<_>| {
                // Only when users reach the app over HTTPS: on plain http
                // (a loopback demo) the header would be meaningless.
                secure.then(|| HeaderValue::from_static("max-age=31536000"))
            },
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ))
        .with_state(state)
}

/// Bundle files are named by their content, so a found one never changes:
/// browsers may keep it for good. Misses are not cached.
fn immutable_when_found<B>(response: &axum::http::Response<B>) -> Option<HeaderValue> {
    response
        .status()
        .is_success()
        .then(|| HeaderValue::from_static("public, max-age=31536000, immutable"))
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let store = state.store.clone();
    let version = tokio::task::spawn_blocking(move || store.schema_version()).await;
    match version {
        Ok(Ok(version)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            format!(r#"{{"status":"ok","schema_version":{version}}}"#),
        ),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"unavailable"}"#.to_owned(),
        ),
    }
}
