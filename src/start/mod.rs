//! The start page "Wat wacht op u": where every user lands after logging in, with one section
//! per role they hold, each listing what waits and linking straight to it.
//!
//! It is the one page that reads every feature: each feature says what waits for a role in its
//! own `waiting.rs`, and this page only puts those lists under their headings. Nothing
//! imports it but the router.

use axum::Router;

use crate::platform::state::AppState;

pub mod pages;

/// The start page's route.
pub fn router() -> Router<AppState> {
    pages::router()
}
