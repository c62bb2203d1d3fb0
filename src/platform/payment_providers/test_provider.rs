//! The built-in test provider: the development and demo default. It keeps its own payments
//! (as a real provider would, in its own table) and has its own checkout page, where the payer
//! chooses a bank and then the outcome — betaald, mislukt, geannuleerd or verlopen — the way
//! iDEAL test modes work. Like Mollie, a payment left open expires after 15 minutes.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::Rng;
use sqlx::PgPool;

use crate::platform::clock::Clock;
use crate::platform::payment_providers::provider::{
    NewPayment, PaymentProvider, ProviderError, ProviderPayment,
};
use rules::payment::PaymentStatus;

/// Minutes an unfinished payment stays open.
pub const EXPIRY_MINUTES: i64 = 15;

/// The banks offered on the checkout page, as iDEAL lists them.
pub const BANKS: [(&str, &str); 6] = [
    ("abn_amro", "ABN AMRO"),
    ("asn", "ASN Bank"),
    ("ing", "ING"),
    ("rabobank", "Rabobank"),
    ("sns", "SNS"),
    ("triodos", "Triodos Bank"),
];

/// The bank's name for a code on [`BANKS`].
pub fn bank_name(code: &str) -> Option<&'static str> {
    BANKS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The outcomes the payer can choose on the checkout page.
pub const OUTCOMES: [PaymentStatus; 4] = [
    PaymentStatus::Paid,
    PaymentStatus::Failed,
    PaymentStatus::Canceled,
    PaymentStatus::Expired,
];

/// The test provider.
pub struct TestProvider {
    db: PgPool,
    clock: Arc<dyn Clock>,
    checkout_base: String,
}

impl TestProvider {
    /// The provider on `db`, with its checkout pages under `base_url`.
    pub fn new(db: PgPool, clock: Arc<dyn Clock>, base_url: &url::Url) -> Self {
        Self {
            db,
            clock,
            checkout_base: base_url.as_str().trim_end_matches('/').to_owned(),
        }
    }
}

/// A payment on the test provider's checkout page.
#[derive(Clone, Debug)]
pub struct TestCheckout {
    /// Its id, `tr_test…`.
    pub id: String,
    /// Amount in cents.
    pub amount_cents: i32,
    /// What is paid for.
    pub description: String,
    /// Where the payer returns to.
    pub redirect_url: String,
    /// open, paid, failed, canceled or expired.
    pub status: String,
    /// The chosen bank's code.
    pub bank: Option<String>,
    /// When it expires unpaid.
    pub expires_at: DateTime<Utc>,
}

impl TestCheckout {
    /// The status at `now`: an open payment past its time has expired.
    pub fn status_at(&self, now: DateTime<Utc>) -> PaymentStatus {
        match PaymentStatus::from_provider(&self.status) {
            Some(PaymentStatus::Open) if now >= self.expires_at => PaymentStatus::Expired,
            Some(status) => status,
            None => PaymentStatus::Failed,
        }
    }
}

/// The checkout payment `id`.
pub async fn checkout(db: &PgPool, id: &str) -> Result<Option<TestCheckout>, sqlx::Error> {
    Ok(stored(db, Some(id), None)
        .await?
        .map(|stored| stored.checkout))
}

/// The payment with `id`, or the one created with `idempotency_key`.
async fn stored(
    db: &PgPool,
    id: Option<&str>,
    idempotency_key: Option<uuid::Uuid>,
) -> Result<Option<Stored>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, amount_cents, description, redirect_url, status, bank, expires_at,
                local_payment_id
         FROM test_provider_payments
         WHERE ($1::text IS NULL OR id = $1) AND ($2::uuid IS NULL OR idempotency_key = $2)",
        id,
        idempotency_key,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Stored {
        checkout: TestCheckout {
            id: row.id,
            amount_cents: row.amount_cents,
            description: row.description,
            redirect_url: row.redirect_url,
            status: row.status,
            bank: row.bank,
            expires_at: row.expires_at,
        },
        local_payment_id: row.local_payment_id,
    }))
}

/// Records the chosen bank of an open payment.
pub async fn choose_bank(db: &PgPool, id: &str, bank: &str) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query!(
        "UPDATE test_provider_payments SET bank = $2 WHERE id = $1 AND status = 'open'",
        id,
        bank,
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Finishes an open payment with `outcome`; false when it was no longer open.
pub async fn finish(
    db: &PgPool,
    id: &str,
    outcome: PaymentStatus,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query!(
        "UPDATE test_provider_payments SET status = $2
         WHERE id = $1 AND status = 'open' AND (expires_at > $3 OR $2 = 'expired')",
        id,
        outcome.provider_word(),
        now,
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

fn new_id() -> String {
    let suffix: String = rand::rng()
        .sample_iter(&rand::distr::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect();
    format!("tr_test{suffix}")
}

/// A payment as the test provider keeps it.
struct Stored {
    checkout: TestCheckout,
    local_payment_id: uuid::Uuid,
}

impl TestProvider {
    fn report(&self, stored: Stored) -> ProviderPayment {
        let status = stored.checkout.status_at(self.clock.now());
        ProviderPayment {
            checkout_url: (status == PaymentStatus::Open).then(|| {
                format!(
                    "{}/testbetaalomgeving/{}",
                    self.checkout_base, stored.checkout.id
                )
            }),
            id: stored.checkout.id,
            status,
            amount_cents: i64::from(stored.checkout.amount_cents),
            currency: "EUR".to_owned(),
            local_id: Some(stored.local_payment_id),
        }
    }
}

#[async_trait::async_trait]
impl PaymentProvider for TestProvider {
    fn code(&self) -> &'static str {
        "test"
    }

    async fn create(&self, payment: &NewPayment) -> Result<ProviderPayment, ProviderError> {
        let now = self.clock.now();
        let amount = i32::try_from(payment.amount.as_cents())
            .map_err(|_| ProviderError::Malformed("amount".to_owned()))?;
        sqlx::query!(
            "INSERT INTO test_provider_payments
                 (id, idempotency_key, local_payment_id, amount_cents, description, redirect_url,
                  created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (idempotency_key) DO NOTHING",
            new_id(),
            payment.idempotency_key,
            payment.local_id,
            amount,
            &payment.description,
            &payment.redirect_url,
            now,
            now + chrono::Duration::minutes(EXPIRY_MINUTES),
        )
        .execute(&self.db)
        .await?;
        let stored = stored(&self.db, None, Some(payment.idempotency_key))
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        Ok(self.report(stored))
    }

    async fn fetch(&self, id: &str) -> Result<Option<ProviderPayment>, ProviderError> {
        let stored = stored(&self.db, Some(id), None).await?;
        Ok(stored.map(|s| self.report(s)))
    }
}
