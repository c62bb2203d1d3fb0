//! Every route of the portal: each feature folder has its own `router()`, merged here.

use axum::Router;

use crate::platform::state::AppState;

/// Every route of the portal, without middleware (see [`crate::app`]).
pub fn router() -> Router<AppState> {
    let router = Router::new()
        .merge(crate::public_pages::router())
        .merge(crate::start::router())
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
