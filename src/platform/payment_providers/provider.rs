//! The interface every payment service provider is used through: create a payment, and fetch
//! what the provider knows about one. Nothing else is trusted: a webhook or a return only
//! tells us *which* payment to fetch.

use uuid::Uuid;

use rules::money::Money;
use rules::payment::PaymentStatus;

/// What the portal asks the provider to collect.
#[derive(Clone, Debug)]
pub struct NewPayment {
    /// Our payment row's id, sent along as metadata so a lost answer can be traced back.
    pub local_id: Uuid,
    /// Sent as `Idempotency-Key`: a retry of the same creation gives the same payment.
    pub idempotency_key: Uuid,
    /// The amount, in euros.
    pub amount: Money,
    /// What the payer sees at the bank.
    pub description: String,
    /// Where the payer comes back to.
    pub redirect_url: String,
    /// Where the provider reports changes, if it reports them over HTTP.
    pub webhook_url: String,
}

/// A payment as the provider reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderPayment {
    /// The provider's id (`tr_…`).
    pub id: String,
    /// Its status.
    pub status: PaymentStatus,
    /// Its amount in cents.
    pub amount_cents: i64,
    /// Its currency, `EUR`.
    pub currency: String,
    /// Where the payer pays, while it is open.
    pub checkout_url: Option<String>,
    /// Our payment id from its metadata.
    pub local_id: Option<Uuid>,
}

/// Why the provider gave no answer we can use. The caller tries again later (a webhook
/// answers 503 so the provider retries; the reconciliation job comes back).
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// No answer in time, or no connection.
    #[error("de betaaldienst is niet bereikbaar: {0}")]
    Unreachable(String),
    /// An answer with an error status.
    #[error("de betaaldienst antwoordde met status {status}: {body}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// An answer we could not read.
    #[error("het antwoord van de betaaldienst is onleesbaar: {0}")]
    Malformed(String),
    /// Our own bookkeeping (the test provider's table) failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A payment service provider.
#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The code stored with each payment: `test` or `mollie`.
    fn code(&self) -> &'static str;

    /// Whether a webhook id could be one of this provider's (`tr_` and 5–32 letters or digits,
    /// docs/security.md §9); anything else is never sent on to the provider.
    fn is_plausible_id(&self, id: &str) -> bool {
        id.strip_prefix("tr_").is_some_and(|rest| {
            (5..=32).contains(&rest.len()) && rest.chars().all(|c| c.is_ascii_alphanumeric())
        })
    }

    /// Creates the payment. Called again with the same key after a lost answer, it returns the
    /// same payment.
    async fn create(&self, payment: &NewPayment) -> Result<ProviderPayment, ProviderError>;

    /// The payment as the provider knows it now; `None` when the provider does not know the id.
    async fn fetch(&self, id: &str) -> Result<Option<ProviderPayment>, ProviderError>;
}
