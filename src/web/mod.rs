//! What every page shares: the layout, flash messages, form errors, security headers, error
//! pages and static assets.

pub mod action;
pub mod audit_origin;
pub mod current_user;
pub mod decision;
pub mod edge;
pub mod error;
pub mod error_pages;
pub mod flash;
pub mod form;
pub mod format;
pub mod headers;
pub mod layout;
pub mod rate_limit;
pub mod session_renewal;
pub mod static_files;
pub mod tasks;
pub mod timeline;

/// Runs CPU-heavy work (a PDF, a spreadsheet) off the request threads; its failure, or a
/// panic in it, is an internal error.
pub async fn off_request_thread<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> crate::web::error::AppResult<T>
where
    T: Send + 'static,
    E: Into<anyhow::Error> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| crate::web::error::AppError::Internal(e.into()))?
        .map_err(|e| crate::web::error::AppError::Internal(e.into()))
}

/// The headers of a private download named `name`.
pub fn attachment(content_type: &str, name: &str) -> [(axum::http::header::HeaderName, String); 3] {
    use axum::http::header;
    [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ]
}
