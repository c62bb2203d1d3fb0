//! What every page shares: the layout, flash messages, form errors, security headers, error
//! pages and static assets.

pub mod error_pages;
pub mod flash;
pub mod form;
pub mod headers;
pub mod layout;
pub mod request_meta;
pub mod schedule_view;
pub mod shortening_view;
pub mod static_files;

/// Runs CPU-heavy work (a PDF, a spreadsheet) off the request threads; its failure, or a
/// panic in it, is an internal error.
pub async fn off_request_thread<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> crate::error::AppResult<T>
where
    T: Send + 'static,
    E: Into<anyhow::Error> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| crate::error::AppError::Internal(e.into()))?
        .map_err(|e| crate::error::AppError::Internal(e.into()))
}
