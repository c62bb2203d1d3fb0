//! The application state shared by every handler: one `Arc`, cheap to clone.

use std::ops::Deref;
use std::sync::Arc;

use sqlx::PgPool;

use crate::platform::auth::password::PasswordHasher;
use crate::platform::clock::{Clock, SystemClock};
use crate::platform::config::{Config, PaymentConfig};
use crate::platform::mail::Mailer;
use crate::platform::payment_providers::mollie::Mollie;
use crate::platform::payment_providers::provider::PaymentProvider;
use crate::platform::payment_providers::test_provider::TestProvider;
use crate::platform::pdf::PdfRenderer;

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
    /// The payment service provider.
    pub payments: Arc<dyn PaymentProvider>,
    /// The PDF engine (fonts loaded once).
    pub pdf: Arc<PdfRenderer>,
}

impl AppState {
    /// The state for `config` with the system clock.
    pub fn new(db: PgPool, config: Config) -> anyhow::Result<Self> {
        Self::with_clock(db, config, Arc::new(SystemClock))
    }

    /// The state with a given clock (tests move time with it).
    pub fn with_clock(db: PgPool, config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let mailer = Mailer::from_config(&config.mail)?;
        let payments: Arc<dyn PaymentProvider> = match &config.payment {
            PaymentConfig::Test => Arc::new(TestProvider::new(
                db.clone(),
                clock.clone(),
                &config.base_url,
            )),
            PaymentConfig::Mollie { api_url, api_key } => Arc::new(Mollie::new(api_url, api_key)?),
        };
        Ok(Self(Arc::new(Inner {
            pdf: Arc::new(PdfRenderer::new()?),
            payments,
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
