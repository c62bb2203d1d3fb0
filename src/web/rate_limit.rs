//! Rate limits per client (docs/security.md): a layer that a route puts on the handlers that a
//! stranger could call in a loop (logging in, searching the register, the public forms).

/// The burst of a per-address rate limit: `normal`, except in the benchmark's build
/// (`--features bench`), where one machine must be able to load the portal.
pub const fn burst(normal: u32) -> u32 {
    if cfg!(feature = "bench") {
        1 << 30
    } else {
        normal
    }
}

/// A rate limit per client address (as `web::edge` decides it): `burst` requests at once, then
/// one more every `seconds`; beyond that 429. Each call makes a limit of its own.
pub fn per_client(
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
