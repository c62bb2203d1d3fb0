//! The application state shared by every handler: one `Arc`, cheap to clone.

use std::ops::Deref;
use std::sync::Arc;

use sqlx::PgPool;

use crate::config::Config;

/// Shared state of the running portal.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The PostgreSQL pool.
    pub db: PgPool,
    /// The configuration the portal was started with.
    pub config: Config,
}

impl AppState {
    /// Bundles the pool and the configuration.
    pub fn new(db: PgPool, config: Config) -> Self {
        Self(Arc::new(Inner { db, config }))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
