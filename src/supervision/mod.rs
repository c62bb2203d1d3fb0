//! Supervision (docs/domain/trainings.md): what the opleider, and the ondersteuner acting for
//! them, do with their aios: the overview, approving or rejecting a first schedule or a change
//! request, shortenings, and the eindverklaring.

use axum::Router;

use crate::platform::state::AppState;

pub mod aios_overview;
mod mails;
pub mod pages;
pub mod schedule_decisions;
pub mod shortening_pages;
pub mod shortening_view;
pub mod shortenings;
pub mod waiting;

/// The routes of supervision (and the aios's own shortening pages).
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(shortening_pages::router())
}
