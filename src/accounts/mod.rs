//! Accounts (docs/domain/accounts.md): signing up and confirming the email address, logging in
//! with the second factor, resetting a password, account requests of ondersteuners and
//! contactpersonen, delegations, and basisgegevens. Each `*_pages.rs` holds the handlers and
//! page structs of what the file beside it does in the database.

use axum::Router;

use crate::platform::state::AppState;

pub mod account_pages;
pub mod account_request_confirmation_pages;
pub mod account_request_pages;
pub mod account_requests;
pub mod basisgegevens;
pub mod basisgegevens_pages;
pub mod credentials;
pub mod delegations;
pub mod login;
pub mod login_pages;
mod mails;
pub mod password_reset_pages;
pub mod sign_up;
pub mod waiting;

/// The routes of accounts.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login_pages::router())
        .merge(account_pages::router())
        .merge(password_reset_pages::router())
        .merge(account_request_pages::router())
        .merge(account_request_confirmation_pages::router())
        .merge(basisgegevens_pages::router())
}
