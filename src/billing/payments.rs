//! Paying invoices (docs/domain/invoices.md, docs/security.md §9).
//!
//! [`start`] stores our payment row and its idempotency key and commits *before* the provider
//! is called, then creates the payment at the provider under a claim on that row, so a double
//! click or ten tabs give one provider payment. [`sync`] is the only way a payment's status
//! changes: it fetches the payment from the provider (a webhook, a return or the
//! reconciliation job only say *which* one) and applies at most one forward step in one
//! transaction, together with the invoice, the registration, the audit record and the mail.
//! Replays, in any order and at the same time, change nothing more.

use crate::platform::ids::{InvoiceId, PaymentId, TrainingId, UserId};
use chrono::{DateTime, Utc};
use rules::code::Coded;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::billing::invoices::Invoice;
use crate::billing::mails;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::payment_providers::mollie;
use crate::platform::payment_providers::provider::{NewPayment, ProviderError, ProviderPayment};
use crate::platform::state::AppState;
use rules::money::Money;
use rules::payment::{self, PaymentStatus};
use rules::training::RegistrationStatus;

/// How long an unfinished payment may stay open before a new one is offered (iDEAL's 15
/// minutes).
pub const OPEN_MINUTES: i64 = 15;

/// How much longer than one provider call a concurrent request waits for a creation.
const CREATE_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// A payment of an invoice.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Payment {
    /// Our id.
    pub id: PaymentId,
    /// The invoice it pays.
    pub invoice_id: InvoiceId,
    /// Who pays.
    pub user_id: UserId,
    /// `test` or `mollie`.
    pub provider: String,
    /// The provider's id, once it answered.
    pub provider_id: Option<String>,
    /// Sent with the creation.
    pub idempotency_key: Uuid,
    /// Amount in cents.
    pub amount_cents: i32,
    /// Its status.
    pub status: Stored<PaymentStatus>,
    /// Where the payer pays.
    pub checkout_url: Option<String>,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// When our row was made.
    pub created_at: DateTime<Utc>,
}

impl Payment {
    /// Its status.
    pub fn status(&self) -> PaymentStatus {
        self.status.0
    }

    /// When it was started, Dutch time: `22-11-2026 14:05`.
    pub fn started(&self) -> String {
        rules::person::format_moment(self.created_at)
    }

    /// Whether it was paid.
    pub fn is_paid(&self) -> bool {
        self.status() == PaymentStatus::Paid
    }

    /// Its amount.
    pub fn amount(&self) -> Money {
        Money::cents(i64::from(self.amount_cents))
    }
}

/// Where we learnt a payment's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The provider's answer when the payment was created.
    Creation,
    /// The provider's webhook.
    Webhook,
    /// The payer's return to the portal.
    Return,
    /// The reconciliation job.
    Reconciliation,
    /// The built-in test provider's checkout page.
    Checkout,
}

rules::coded!(Source {
    Creation => "aanmaak",
    Webhook => "webhook",
    Return => "terugkeer",
    Reconciliation => "afstemming",
    Checkout => "betaalpagina",
});

/// Why a payment could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The invoice is not the user's, or no longer open.
    #[error("deze factuur staat niet (meer) open")]
    NotPayable,
    /// The provider did not answer; the row stays and a retry resumes it.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Payment `id` if it is `user`'s.
pub async fn of_user(
    conn: &mut PgConnection,
    user: UserId,
    id: PaymentId,
) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as!(
        Payment,
        r#"SELECT id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
                status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at
         FROM payments WHERE id = $1 AND user_id = $2"#,
        id as PaymentId,
        user as UserId,
    )
    .fetch_optional(conn)
    .await
}

/// The payments of `invoice`, newest first.
pub async fn of_invoice(
    conn: &mut PgConnection,
    invoice: InvoiceId,
) -> Result<Vec<Payment>, sqlx::Error> {
    sqlx::query_as!(
        Payment,
        r#"SELECT id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
                status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at
         FROM payments WHERE invoice_id = $1 ORDER BY created_at DESC, id DESC"#,
        invoice as InvoiceId,
    )
    .fetch_all(conn)
    .await
}

async fn alive(
    conn: &mut PgConnection,
    invoice: InvoiceId,
) -> Result<Option<Payment>, sqlx::Error> {
    sqlx::query_as!(
        Payment,
        r#"SELECT id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
             status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at
         FROM payments
         WHERE invoice_id = $1
           AND status IN ('wordt_aangemaakt', 'open', 'in_behandeling', 'betaald')"#,
        invoice as InvoiceId,
    )
    .fetch_optional(conn)
    .await
}

/// Starts paying `invoice` for `user`, or resumes the payment already under way (a double
/// click, a second tab, a retry after the provider was unreachable). Returns the payment with
/// its checkout address.
pub async fn start(
    state: &AppState,
    meta: &Origin,
    user: UserId,
    invoice: &Invoice,
) -> Result<Payment, StartError> {
    let now = state.clock.now();
    // A payment left open longer than the bank allows is asked about first, so that a new
    // one can take its place.
    // (The connection is back in the pool before the sync takes its own.)
    let existing = alive(&mut *state.db.acquire().await?, invoice.id).await?;
    if let Some(existing) = existing
        && let Some(provider_id) = &existing.provider_id
        && now - existing.created_at >= chrono::Duration::minutes(OPEN_MINUTES)
    {
        sync(state, provider_id, Source::Return).await.ok();
    }

    let mut tx = state.db.begin().await?;
    let open: Option<String> = sqlx::query_scalar!(
        "SELECT status FROM invoices WHERE id = $1 AND user_id = $2 FOR UPDATE",
        invoice.id as InvoiceId,
        user as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if open.as_deref() != Some("open") {
        return Err(StartError::NotPayable);
    }
    let payment = match alive(&mut tx, invoice.id).await? {
        Some(existing) if existing.status() == PaymentStatus::Paid => {
            return Err(StartError::NotPayable);
        }
        Some(existing) => existing,
        None => {
            let payment: Payment = sqlx::query_as!(
                Payment,
                r#"INSERT INTO payments (id, invoice_id, user_id, provider, idempotency_key,
                                       amount_cents, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider,
                     provider_id, idempotency_key, amount_cents,
                     status AS "status: Stored<PaymentStatus>", checkout_url, paid_at,
                     created_at"#,
                Uuid::now_v7(),
                invoice.id as InvoiceId,
                user as UserId,
                state.payments.code(),
                Uuid::new_v4(),
                invoice.amount_cents,
                now,
            )
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                now,
                meta,
                AuditEntry::new("payment.started", Some(user), Outcome::Success)
                    .object("payment", payment.id)
                    .details(
                        json!({ "invoice": invoice.number, "amount_cents": invoice.amount_cents }),
                    ),
            )
            .await?;
            payment
        }
    };
    tx.commit().await?;
    ensure_created(state, payment.id, &invoice.description).await
}

/// How long one request's claim on creating a payment lasts: one provider call and some.
const CLAIM_SECONDS: f64 = mollie::CALL_TIMEOUT.as_secs_f64() + CREATE_GRACE.as_secs_f64();

/// Creates payment `id` at the provider unless it already was. One request at a time claims
/// the creation (a column, not a lock, so no connection is held while the provider answers);
/// concurrent requests wait for its result, also without holding a connection.
async fn ensure_created(
    state: &AppState,
    id: PaymentId,
    description: &str,
) -> Result<Payment, StartError> {
    let deadline = tokio::time::Instant::now() + mollie::CALL_TIMEOUT + CREATE_GRACE;
    let payment = loop {
        let mut conn = state.db.acquire().await?;
        let claimed: Option<Payment> = sqlx::query_as!(
            Payment,
            r#"UPDATE payments
                SET creation_claimed_until = clock_timestamp() + make_interval(secs => $2)
              WHERE id = $1 AND status = 'wordt_aangemaakt' AND provider_id IS NULL
                AND (creation_claimed_until IS NULL
                     OR creation_claimed_until < clock_timestamp())
              RETURNING id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key,
                 amount_cents, status AS "status: Stored<PaymentStatus>", checkout_url, paid_at,
                 created_at"#,
            id as PaymentId,
            CLAIM_SECONDS,
        )
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(payment) = claimed {
            break payment;
        }
        let current = reload(&mut conn, id).await?;
        if current.provider_id.is_some() || current.status() != PaymentStatus::Creating {
            return Ok(current);
        }
        drop(conn);
        if tokio::time::Instant::now() >= deadline {
            return Err(
                ProviderError::Unreachable("another request is still creating it".into()).into(),
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let base = state.config.base_url.as_str().trim_end_matches('/');
    let created = state
        .payments
        .create(&NewPayment {
            local_id: payment.id.into(),
            idempotency_key: payment.idempotency_key,
            amount: payment.amount(),
            description: description.chars().take(250).collect(),
            redirect_url: format!("{base}/betalingen/{}/terug", payment.id),
            webhook_url: format!("{base}/webhooks/mollie"),
        })
        .await;
    let created = match created {
        Ok(created) => created,
        Err(error) => {
            // The next click may try at once; if this cannot be written, the claim lapses.
            let released = sqlx::query!(
                "UPDATE payments SET creation_claimed_until = NULL
                  WHERE id = $1 AND provider_id IS NULL",
                id as PaymentId,
            )
            .execute(&state.db)
            .await;
            if let Err(release_error) = released {
                tracing::warn!(payment_id = %id, %release_error, "the claim on creating a payment stays until it lapses");
            }
            return Err(error.into());
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let locked: Payment = sqlx::query_as!(
        Payment,
        r#"UPDATE payments SET creation_claimed_until = NULL WHERE id = $1
         RETURNING id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
                   status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at"#,
        id as PaymentId,
    )
    .fetch_one(&mut *tx)
    .await?;
    let applied = apply(state, &mut tx, locked, &created, Source::Creation, now).await?;
    tx.commit().await?;
    Ok(applied.payment)
}

/// What a [`sync`] did.
#[derive(Debug)]
pub enum SyncOutcome {
    /// Neither we nor the provider know the id.
    Unknown,
    /// The payment, changed or not.
    Known(Applied),
}

/// The payment after a report, and whether the report changed it.
#[derive(Debug)]
pub struct Applied {
    /// The payment now.
    pub payment: Payment,
    /// Whether this report moved it.
    pub changed: bool,
    /// The provider reported a different amount or currency: not marked paid.
    pub mismatch: bool,
}

/// Fetches payment `provider_id` from the provider and applies what it says. A provider
/// failure is returned as is (a webhook answers 503 so the provider retries).
pub async fn sync(
    state: &AppState,
    provider_id: &str,
    source: Source,
) -> Result<SyncOutcome, StartError> {
    let now = state.clock.now();
    let Some(reported) = state.payments.fetch(provider_id).await? else {
        return Ok(SyncOutcome::Unknown);
    };
    let mut tx = state.db.begin().await?;
    let local: Option<Payment> = sqlx::query_as!(
        Payment,
        r#"SELECT id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
             status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at
         FROM payments
         WHERE provider = $3
           AND (provider_id = $1 OR (provider_id IS NULL AND id = $2))
         FOR UPDATE"#,
        &reported.id,
        reported.local_id,
        state.payments.code(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(local) = local else {
        return Ok(SyncOutcome::Unknown);
    };
    let applied = apply(state, &mut tx, local, &reported, source, now).await?;
    tx.commit().await?;
    Ok(SyncOutcome::Known(applied))
}

async fn reload(conn: &mut PgConnection, id: PaymentId) -> Result<Payment, sqlx::Error> {
    sqlx::query_as!(
        Payment,
        r#"SELECT id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
             status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at
         FROM payments WHERE id = $1"#,
        id as PaymentId,
    )
    .fetch_one(conn)
    .await
}

/// Applies the provider's `reported` state to `payment`, whose row the caller has locked.
async fn apply(
    state: &AppState,
    conn: &mut PgConnection,
    payment: Payment,
    reported: &ProviderPayment,
    source: Source,
    now: DateTime<Utc>,
) -> Result<Applied, sqlx::Error> {
    let meta = Origin::default();
    if payment.provider_id.is_none() || payment.checkout_url.is_none() {
        sqlx::query!(
            "UPDATE payments SET provider_id = $2, checkout_url = COALESCE(checkout_url, $3)
             WHERE id = $1",
            payment.id as PaymentId,
            &reported.id,
            reported.checkout_url.as_deref(),
        )
        .execute(&mut *conn)
        .await?;
    }
    let Some(next) = payment::transition(payment.status(), reported.status) else {
        return Ok(Applied {
            payment: reload(conn, payment.id).await?,
            changed: false,
            mismatch: false,
        });
    };
    if next == PaymentStatus::Paid
        && (reported.amount_cents != i64::from(payment.amount_cents) || reported.currency != "EUR")
    {
        tracing::error!(payment_id = %payment.id, reported_cents = reported.amount_cents,
            currency = %reported.currency, "payment amount does not match the invoice");
        audit::record(
            conn,
            now,
            &meta,
            AuditEntry::new("payment.amount_mismatch", None, Outcome::Failure)
                .object("payment", payment.id)
                .details(json!({
                    "expected_cents": payment.amount_cents,
                    "reported_cents": reported.amount_cents,
                    "currency": reported.currency,
                })),
        )
        .await?;
        return Ok(Applied {
            payment: reload(conn, payment.id).await?,
            changed: false,
            mismatch: true,
        });
    }
    sqlx::query!(
        "UPDATE payments SET status = $2,
                paid_at = CASE WHEN $2 = 'betaald' THEN $3 ELSE paid_at END
         WHERE id = $1",
        payment.id as PaymentId,
        next.code(),
        now,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO payment_events (id, payment_id, status, source, received_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (payment_id, status) DO NOTHING",
        Uuid::now_v7(),
        payment.id as PaymentId,
        next.code(),
        source.code(),
        now,
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        now,
        &meta,
        AuditEntry::new(
            &format!("payment.{}", next.provider_word()),
            None,
            Outcome::Success,
        )
        .object("payment", payment.id)
        .details(json!({ "provider_id": reported.id, "source": source.code() })),
    )
    .await?;
    if next == PaymentStatus::Paid {
        settle_invoice(state, conn, payment.invoice_id, now).await?;
    } else if next.is_unsuccessful() {
        crate::platform::jobs::schedule_payment_reminder(conn, payment.invoice_id, now).await?;
    }
    Ok(Applied {
        payment: reload(conn, payment.id).await?,
        changed: true,
        mismatch: false,
    })
}

/// Marks `invoice` paid and completes what waited for it: an approved registration becomes
/// *ingeschreven*. The payer is mailed once.
async fn settle_invoice(
    state: &AppState,
    conn: &mut PgConnection,
    invoice: InvoiceId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let settled = sqlx::query!(
        r#"UPDATE invoices i SET status = 'betaald', paid_at = $2
           FROM users u
           WHERE i.id = $1 AND i.status = 'open' AND u.id = i.user_id
           RETURNING i.number, i.training_id AS "training_id: TrainingId", u.email,
                     i.recipient_name, i.amount_cents"#,
        invoice as InvoiceId,
        now,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(settled) = settled else {
        return Ok(());
    };
    let (number, training, email, name, amount) = (
        settled.number,
        settled.training_id,
        settled.email,
        settled.recipient_name,
        settled.amount_cents,
    );
    let mut registered = false;
    if let Some(training) = training {
        let current = crate::trainings::training::lock_status(conn, training).await?;
        if let Some(after) = payment::registration_on_payment(current) {
            sqlx::query!(
                "UPDATE trainings SET status = $2 WHERE id = $1",
                training as TrainingId,
                after.code(),
            )
            .execute(&mut *conn)
            .await?;
            audit::record(
                conn,
                now,
                &Origin::default(),
                AuditEntry::new("training.registered", None, Outcome::Success)
                    .object("training", training)
                    .details(json!({ "invoice": number, "from": current.code() })),
            )
            .await?;
            registered = after == RegistrationStatus::Registered;
        }
    }
    let register_step = crate::registers::entries::on_invoice_paid(conn, invoice, now).await?;
    let next_step = if let Some(step) = &register_step {
        step.as_str()
    } else if registered {
        "Uw inschrijving in het opleidingsregister is daarmee definitief."
    } else if training.is_some() {
        "Uw inschrijving wordt definitief zodra uw opleider het opleidingsschema heeft \
         goedgekeurd."
    } else {
        "Hartelijk dank."
    };
    crate::platform::mail::enqueue(
        conn,
        now,
        &crate::platform::mail::OutgoingEmail {
            attachments: Vec::new(),
            to_address: email,
            to_name: Some(name.clone()),
            subject: format!("Betaling ontvangen voor factuur {number}"),
            body: crate::platform::mail::text(&mails::PaymentReceived {
                name: &name,
                amount: Money::cents(i64::from(amount)),
                number: &number,
                next_step,
                link: &state.config.link(&format!("/facturen/{invoice}")),
            })?,
        },
    )
    .await?;
    Ok(())
}

/// Asks the provider about every payment still unsettled that was started more than
/// [`OPEN_MINUTES`] ago (or created at the provider without our hearing back), so a lost
/// webhook never leaves an invoice unpaid (docs/security.md §9). Returns how many changed.
pub async fn reconcile(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let unsettled: Vec<Payment> = sqlx::query_as!(
        Payment,
        r#"SELECT id AS "id: PaymentId", invoice_id AS "invoice_id: InvoiceId", user_id AS "user_id: UserId", provider, provider_id, idempotency_key, amount_cents,
             status AS "status: Stored<PaymentStatus>", checkout_url, paid_at, created_at
         FROM payments
         WHERE status IN ('wordt_aangemaakt', 'open', 'in_behandeling') AND provider = $2
           AND created_at <= $1
         ORDER BY created_at LIMIT 500"#,
        now - chrono::Duration::minutes(OPEN_MINUTES),
        state.payments.code(),
    )
    .fetch_all(&state.db)
    .await?;
    let mut changed = 0;
    for payment in unsettled {
        let outcome = match &payment.provider_id {
            Some(provider_id) => sync(state, provider_id, Source::Reconciliation).await,
            None => settle_uncreated(state, &payment, now).await,
        };
        match outcome {
            Ok(SyncOutcome::Known(applied)) if applied.changed => changed += 1,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(payment_id = %payment.id, %error, "reconciliation could not check a payment");
            }
        }
    }
    Ok(changed)
}

/// A payment whose creation never came back: retried with its key while the provider still
/// remembers it (an hour); after that the payer never saw a checkout page, so it expired.
async fn settle_uncreated(
    state: &AppState,
    payment: &Payment,
    now: DateTime<Utc>,
) -> Result<SyncOutcome, StartError> {
    if now - payment.created_at < chrono::Duration::hours(1) {
        let description: String = sqlx::query_scalar!(
            "SELECT description FROM invoices WHERE id = $1",
            payment.invoice_id as InvoiceId,
        )
        .fetch_one(&state.db)
        .await?;
        let created = ensure_created(state, payment.id, &description).await?;
        return Ok(SyncOutcome::Known(Applied {
            changed: created.provider_id.is_some(),
            payment: created,
            mismatch: false,
        }));
    }
    let mut tx = state.db.begin().await?;
    let expired = sqlx::query!(
        "UPDATE payments SET status = 'verlopen' WHERE id = $1 AND status = 'wordt_aangemaakt'
           AND provider_id IS NULL
           AND (creation_claimed_until IS NULL OR creation_claimed_until < clock_timestamp())",
        payment.id as PaymentId,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if expired == 1 {
        crate::platform::jobs::schedule_payment_reminder(&mut tx, payment.invoice_id, now).await?;
    }
    tx.commit().await?;
    Ok(SyncOutcome::Unknown)
}
