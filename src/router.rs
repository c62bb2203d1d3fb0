//! Every route of the portal: each feature folder has its own `router()`, merged here.

use axum::Router;

use crate::platform::state::AppState;

/// Every route of the portal, without middleware (see [`crate::app`]).
pub fn router() -> Router<AppState> {
    let router = Router::new()
        .merge(crate::public_pages::router())
        .merge(crate::health::router())
        .merge(crate::accounts::router())
        .merge(crate::trainings::router())
        .merge(crate::supervision::router())
        .merge(crate::billing::router())
        .merge(crate::registers::router())
        .merge(crate::reports::router())
        .merge(crate::reference_data::router())
        .merge(crate::back_office::router());
    #[cfg(feature = "bench")]
    let router = router.merge(crate::bench::router());
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
) -> crate::web::error::AppResult<rules::schedule::model::SpecialtyRules> {
    crate::reference_data::specialty_rules(&state.db, training.specialty_id)
        .await?
        .ok_or_else(|| {
            crate::web::error::AppError::Internal(anyhow::anyhow!(
                "specialty of a training is missing"
            ))
        })
}
