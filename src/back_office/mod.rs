//! The RGS back office: the work list, account requests, users and their roles, the audit log,
//! and the RGS's decisions on a training registration. Every handler takes `RoleUser<Rgs>`:
//! anyone else gets 404. The reference data pages are in `reference_data`, the herregistratie
//! decision in `registers`.

use axum::Router;

use crate::platform::state::AppState;

mod mails;
pub mod pages;
pub mod training_pages;
pub mod users;
pub mod waiting;

/// The routes of the back office.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(training_pages::router())
}
