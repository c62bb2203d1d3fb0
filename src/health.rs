//! Liveness and readiness for monitoring and orchestrators.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::platform::state::AppState;
use crate::web::error_pages::KeepErrorBody;

/// `/healthz` and `/readyz`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is alive and answers requests.
async fn healthz() -> &'static str {
    "ok"
}

/// The portal can do its work: the database answers within two seconds.
async fn readyz(State(state): State<AppState>) -> Response {
    let check = sqlx::query_scalar!("SELECT 1",).fetch_one(&state.db);
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(_)) => "ok".into_response(),
        outcome => {
            let reason = match outcome {
                Ok(Err(error)) => error.to_string(),
                _ => "timed out".to_owned(),
            };
            tracing::warn!(%reason, "readiness check failed: database unreachable");
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
            response.extensions_mut().insert(KeepErrorBody);
            response
        }
    }
}
