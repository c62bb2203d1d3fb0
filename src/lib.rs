//! MijnRGS: the self-service portal of the Dutch register of medical specialists.
//!
//! `main.rs` parses the command line and calls into this crate; the tests build the same
//! [`app`] against their own database.

pub mod accounts;
pub mod back_office;
#[cfg(feature = "bench")]
pub mod bench;
pub mod billing;
pub mod dispatcher;
pub mod health;
pub mod platform;
pub mod public_pages;
pub mod reference_data;
pub mod registers;
pub mod reports;
pub mod router;
pub mod seed;
pub mod server;
pub mod start;
pub mod supervision;
pub mod trainings;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware;
use axum_login::AuthManagerLayerBuilder;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

use crate::platform::auth::backend::Backend;
use crate::platform::auth::session_store::{self, PgSessionStore};
use crate::platform::state::AppState;
use crate::web::error::AppError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "mijnrgs_sessie";

/// The whole portal: every route with every layer.
pub fn app(state: AppState) -> Router {
    with_middleware(router::router(), state)
}

/// Wraps `routes` in the portal's middleware and adds the static files and the 404 fallback.
/// Separate from [`app`] so tests can add a route (one that panics, say) under the same layers.
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    let config = &state.config;

    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_secure(config.is_https())
        // Lax, not Strict: a user who comes back from the payment provider or follows a link
        // in an email must arrive with the session (docs/security.md §7).
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            config.session_idle_seconds,
        )));
    // Reading pages keeps an active user logged in: `renew_when_due` saves the session (which
    // moves its expiry) once the last renewal is a little while ago, not on every request.

    // Cross-site POSTs are refused from Sec-Fetch-Site and Origin. The configured public origin
    // is trusted as well, for proxies that rewrite the Host header.
    let csrf = CsrfLayer::new();
    let csrf = match csrf.clone().add_trusted_origin(config.origin()) {
        Ok(layer) => layer,
        Err(error) => {
            tracing::warn!(?error, "BASE_URL cannot serve as a trusted origin");
            csrf
        }
    };

    let edge = web::edge::EdgeSettings {
        trusted_proxies: config.trusted_proxies.clone().into(),
        max_body_bytes: config.max_body_bytes,
    };

    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request| {
            // The route template, never the raw URI: paths may carry tokens (docs/security.md §11).
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or("(geen route)", MatchedPath::as_str);
            let header = |name| {
                req.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
            };
            let request_id = header(web::edge::REQUEST_ID);
            // What the client called this request: untrusted, logged only (docs/security.md).
            let client_request_id = header(web::edge::CLIENT_REQUEST_ID);
            let client = req
                .extensions()
                .get::<web::edge::ClientAddress>()
                .map(|web::edge::ClientAddress(ip)| ip.to_string())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                method = %req.method(),
                route,
                request_id,
                client_request_id,
                client
            )
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));

    routes
        .nest("/static", web::static_files::router(&config.static_dir))
        .fallback(not_found)
        // Inside the login layer, so the error pages know who is logged in.
        .layer(middleware::from_fn(
            web::error_pages::keep_user_for_error_page,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::session_renewal::renew_when_due,
        ))
        // Inside the login layer: after the session was loaded, before the routes.
        .layer(middleware::from_fn(
            session_store::release_session_connection,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(
                    edge.clone(),
                    web::edge::identify_client,
                ))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    web::headers::security_headers,
                ))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    web::error_pages::render_error_pages,
                ))
                .layer(CatchPanicLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    config.request_timeout,
                ))
                .layer(middleware::from_fn_with_state(edge, web::edge::refuse_nul))
                // Outside the login layer, whose session load fills the slot it opens. (Not
                // inside the body limit, which changes the request body type.)
                .layer(middleware::from_fn(session_store::keep_loaded_session))
                .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
                .layer(csrf)
                .layer(
                    AuthManagerLayerBuilder::new(Backend::new(state.db.clone()), sessions)
                        .with_data_key(session_store::LOGIN_DATA_KEY)
                        .build(),
                ),
        )
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// How often expired sessions are removed from the database.
pub const SESSION_CLEANUP_INTERVAL: Duration = Duration::from_secs(600);
