//! The registers of specialists and profielartsen (docs/domain/registers.md).
//!
//! - `entries`: register entries, the registration requests that lead to them, and what a paid
//!   request sets in motion; `pages` is "Mijn registratie".
//! - `reregistration`: herregistratie, its invitation and striking off; the RGS decides on
//!   `reregistration_decision_pages`.
//! - `public_register`: the public lookup, with its page in `public_register_pages`.
//! - `documents`: the decision letters and the proof of registration as PDFs.

pub mod documents;
pub mod entries;
mod mails;
pub mod pages;
pub mod public_register;
pub mod public_register_pages;
pub mod reregistration;
pub mod reregistration_decision_pages;
pub mod waiting;

/// The routes of the registers: "Mijn registratie", the public register and the RGS's decision
/// on a herregistratie.
pub fn router() -> axum::Router<crate::platform::state::AppState> {
    axum::Router::new()
        .merge(pages::router())
        .merge(public_register_pages::router())
        .merge(reregistration_decision_pages::router())
}
