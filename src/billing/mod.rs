//! Billing (docs/domain/invoices.md): invoices, numbered gaplessly per year, and paying them
//! through a payment service provider.

use axum::Router;

use crate::platform::state::AppState;

pub mod invoice_pages;
pub mod invoices;
mod mails;
pub mod payment_pages;
pub mod payments;
pub mod waiting;

/// The routes of billing.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(invoice_pages::router())
        .merge(payment_pages::router())
}
