//! "Facturen": a user's own invoices, listed and one by one. Someone else's invoice answers
//! 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::invoices::{self, Invoice};
use crate::payments::{self, Payment};
use crate::state::AppState;
use crate::web::layout::Layout;

/// The invoice routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/facturen", get(list))
        .route("/facturen/{id}", get(show))
        .route("/facturen/{id}/pdf", get(pdf))
}

/// The user's invoices.
#[derive(Template, WebTemplate)]
#[template(path = "invoices/list.html")]
pub struct ListPage {
    layout: Layout,
    invoices: Vec<Invoice>,
}

async fn list(
    user: CurrentUser,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<ListPage> {
    let mut conn = state.db.acquire().await?;
    let invoices = invoices::of_user(&mut conn, user.id).await?;
    Ok(ListPage { layout, invoices })
}

/// One invoice.
#[derive(Template, WebTemplate)]
#[template(path = "invoices/show.html")]
pub struct InvoicePage {
    layout: Layout,
    invoice: Invoice,
    payments: Vec<Payment>,
}

async fn show(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<InvoicePage> {
    let mut conn = state.db.acquire().await?;
    let invoice = invoices::of_user_by_id(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let payments = payments::of_invoice(&mut conn, invoice.id).await?;
    Ok(InvoicePage {
        layout,
        invoice,
        payments,
    })
}

/// The invoice as a PDF download, rendered off the request threads.
async fn pdf(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let mut conn = state.db.acquire().await?;
    let invoice = invoices::of_user_by_id(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let document = invoices::document(&invoice, &state.config.base_url);
    let renderer = state.pdf.clone();
    let bytes = tokio::task::spawn_blocking(move || renderer.invoice(&document))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    invoices::pdf_filename(&invoice)
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
