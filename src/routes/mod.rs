//! The portal's pages, one module per area. Each module has its own `router()`.

use axum::Router;

use crate::state::AppState;

pub mod account;
pub mod account_requests;
pub mod aios;
#[cfg(feature = "bench")]
pub mod bench;
pub mod contactpersoon;
pub mod health;
pub mod invoices;
pub mod login;
pub mod opleider;
pub mod password_reset;
pub mod payments;
pub mod public;
pub mod public_register;
pub mod registers;
pub mod rgs;
pub mod rgs_reference;
pub mod rgs_registers;
pub mod rgs_trainings;
pub mod shortenings;
pub mod supervision;

/// Every route of the portal, without middleware (see [`crate::app`]).
pub fn router() -> Router<AppState> {
    let router = Router::new()
        .merge(public::router())
        .merge(health::router())
        .merge(login::router())
        .merge(account::router())
        .merge(password_reset::router())
        .merge(account_requests::router())
        .merge(rgs::router())
        .merge(rgs_trainings::router())
        .merge(rgs_reference::router())
        .merge(opleider::router())
        .merge(aios::router())
        .merge(supervision::router())
        .merge(shortenings::router())
        .merge(invoices::router())
        .merge(payments::router())
        .merge(contactpersoon::router())
        .merge(registers::router())
        .merge(rgs_registers::router())
        .merge(public_register::router());
    #[cfg(feature = "bench")]
    let router = router.merge(bench::router());
    router
}

/// The burst of a per-address rate limit: `normal`, except in the benchmark's build
/// (`--features bench`), where one machine must be able to load the portal.
pub(crate) const fn burst(normal: u32) -> u32 {
    if cfg!(feature = "bench") {
        1 << 30
    } else {
        normal
    }
}

/// A rate limit per client address (as `web::edge` decides it): `burst` requests at once, then
/// one more every `seconds`; beyond that 429. Each call makes a limit of its own.
pub(crate) fn per_client(
    seconds: u64,
    burst: u32,
) -> tower_governor::GovernorLayer<
    crate::web::edge::ClientKey,
    ::governor::middleware::NoOpMiddleware<::governor::clock::QuantaInstant>,
    axum::body::Body,
> {
    let config = tower_governor::governor::GovernorConfigBuilder::default()
        .key_extractor(crate::web::edge::ClientKey)
        .per_second(seconds)
        .burst_size(self::burst(burst))
        .finish()
        .unwrap_or_else(|| unreachable!("a period and a burst above zero are valid"));
    tower_governor::GovernorLayer::new(std::sync::Arc::new(config))
}

/// The definition of `training`'s specialty, which every schedule check needs.
pub(crate) async fn training_rules(
    state: &AppState,
    training: &crate::trainings::Training,
) -> crate::error::AppResult<rules::schedule::model::SpecialtyRules> {
    crate::reference::specialty_rules(&state.db, training.specialty_id)
        .await?
        .ok_or_else(|| {
            crate::error::AppError::Internal(anyhow::anyhow!("specialty of a training is missing"))
        })
}
