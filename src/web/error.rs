//! The one error type of the request handlers.
//!
//! An [`AppError`] becomes a response with the right status and no body; the error-page layer
//! (`web::error_pages`) then renders the friendly Dutch page for it, the same way it does for
//! errors raised by middleware (timeouts, refused cross-site posts, panics). Details go to the
//! log only, tied to the request id that the page shows as a reference.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Everything that can go wrong in a handler.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The page or object does not exist, or belongs to someone else (never 403: existence of
    /// other people's records must not leak).
    #[error("niet gevonden")]
    NotFound,
    /// A database failure.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Any other failure that is our fault.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        AppError::Internal(error.into())
    }
}

/// Convenience alias for handler results.
pub type AppResult<T> = Result<T, AppError>;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Database(_) | AppError::Internal(_) => {
                // Logged inside the request span, so the line carries the request id that the
                // error page shows to the user.
                tracing::error!(error = %self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        status.into_response()
    }
}
