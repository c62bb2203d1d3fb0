//! The application state shared by every handler: one `Arc`, cheap to clone.

use std::ops::Deref;
use std::sync::Arc;

use sqlx::PgPool;

use crate::auth::password::PasswordHasher;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::mail::Mailer;

/// Shared state of the running portal.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What [`AppState`] holds.
pub struct Inner {
    /// The PostgreSQL pool.
    pub db: PgPool,
    /// The configuration the portal was started with.
    pub config: Config,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Where mail goes.
    pub mailer: Mailer,
    /// Password hashing, limited so a storm of logins cannot starve other requests.
    pub passwords: PasswordHasher,
}

impl AppState {
    /// The state for `config` with the system clock.
    pub fn new(db: PgPool, config: Config) -> anyhow::Result<Self> {
        Self::with_clock(db, config, Arc::new(SystemClock))
    }

    /// The state with a given clock (tests move time with it).
    pub fn with_clock(db: PgPool, config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let mailer = Mailer::from_config(&config.mail)?;
        Ok(Self(Arc::new(Inner {
            db,
            config,
            clock,
            mailer,
            passwords: PasswordHasher::new(),
        })))
    }
}

impl Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
