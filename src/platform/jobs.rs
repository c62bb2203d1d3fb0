//! The job queue (docs/domain/notifications.md), kept in PostgreSQL: [`schedule`] stores a job in
//! the caller's transaction under a unique key, so a logical job is never scheduled twice. Any
//! feature may schedule; the dispatcher (`crate::dispatcher`) claims due jobs one by one with
//! `FOR UPDATE SKIP LOCKED` and runs each in the transaction that marks it done, so several app instances (and `mijnrgs worker`) never run one
//! twice (the payment reconciliation, which calls the provider, runs right after its claim
//! commits). A job that fails is retried with growing pauses and, after [`MAX_ATTEMPTS`], marked
//! failed with its last error for the back office.

use crate::platform::ids::{InvoiceId, TrainingId, VersionId};
use chrono::{DateTime, Utc};
use rules::code::Coded;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// After this many failed attempts a job is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Days a concept may wait before the aios is reminded of it.
pub const CONCEPT_REMINDER_DAYS: i64 = 7;

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Remind the aios of a schedule version left on concept.
    ConceptReminder,
    /// The day after a failed or skipped payment: a new payment link and the invoice.
    PaymentReminder,
    /// Factureren op startdatum: issue and send the invoice on the training's start date.
    StartDateInvoice,
    /// Ask the provider about payments still open (every ten minutes).
    Reconciliation,
    /// Invite a specialist to apply for herregistratie, or remind them.
    ReregistrationNotice,
    /// Strike off an entry whose period ended without a herregistratie.
    StrikeOff,
}

/// Minutes between two reconciliation runs.
pub const RECONCILIATION_MINUTES: i64 = 10;

rules::coded!(Kind {
    ConceptReminder => "herinnering_concept",
    PaymentReminder => "herinnering_betaling",
    StartDateInvoice => "factuur_op_startdatum",
    Reconciliation => "afstemming_betalingen",
    ReregistrationNotice => "bericht_herregistratie",
    StrikeOff => "doorhaling",
});

/// Where a job stands: planned until it runs, then done; given up after the last attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waits for its time (or for another attempt).
    Planned,
    /// Ran.
    Done,
    /// Failed its last attempt; the back office sees it.
    GivenUp,
}

rules::coded!(JobStatus {
    Planned => "gepland",
    Done => "uitgevoerd",
    GivenUp => "opgegeven",
});

/// Schedules `kind` under `key` at `run_at`, in the caller's transaction; nothing happens when
/// a job with that key exists already. Returns whether it was added.
pub async fn schedule(
    conn: &mut PgConnection,
    kind: Kind,
    key: &str,
    run_at: DateTime<Utc>,
    payload: serde_json::Value,
) -> Result<bool, sqlx::Error> {
    let added = sqlx::query!(
        "INSERT INTO jobs (id, kind, key, payload, run_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO NOTHING",
        Uuid::now_v7(),
        kind.code(),
        key,
        payload,
        run_at,
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(added == 1)
}

/// Schedules the reminder for concept version `version`, created at `created`.
pub async fn schedule_concept_reminder(
    conn: &mut PgConnection,
    version: VersionId,
    created: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    schedule(
        conn,
        Kind::ConceptReminder,
        &format!("concept_reminder:{version}"),
        created + chrono::Duration::days(CONCEPT_REMINDER_DAYS),
        json!({ "version_id": version }),
    )
    .await
}

/// Schedules the payment reminder for `invoice` a day after `now` (a payment failed, was
/// cancelled or expired, or the invoice was issued and not yet paid). One per invoice per day.
pub async fn schedule_payment_reminder(
    conn: &mut PgConnection,
    invoice: InvoiceId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let run_at = now + chrono::Duration::days(1);
    let day = run_at
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    schedule(
        conn,
        Kind::PaymentReminder,
        &format!("payment_reminder:{invoice}:{day}"),
        run_at,
        json!({ "invoice_id": invoice }),
    )
    .await
}

/// Schedules the start-date invoice of `training` (submitted as version `version`) for the
/// morning of `start` (07:00 in the Netherlands), or at once when that has passed.
pub async fn schedule_start_date_invoice(
    conn: &mut PgConnection,
    training: TrainingId,
    version: VersionId,
    start: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let morning = dutch_time(start, 7, 0).unwrap_or(now);
    schedule(
        conn,
        Kind::StartDateInvoice,
        &format!("start_date_invoice:{training}:{version}"),
        morning.max(now),
        json!({ "training_id": training }),
    )
    .await
}

/// `hour`:`minute` on `day` in the Netherlands.
pub fn dutch_time(day: chrono::NaiveDate, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    day.and_hms_opt(hour, minute, 0)
        .and_then(|t| {
            t.and_local_timezone(chrono_tz::Europe::Amsterdam)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// Makes sure a reconciliation run is pending (at start-up of a worker); the run schedules
/// the next one.
pub async fn ensure_reconciliation(
    db: &sqlx::PgPool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut conn = db.acquire().await?;
    let pending = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = 'afstemming_betalingen' AND status = 'gepland')
               AS "pending!""#,
    )
    .fetch_one(&mut *conn)
    .await?;
    if !pending {
        schedule_reconciliation(&mut conn, now).await?;
    }
    Ok(())
}

pub(crate) async fn schedule_reconciliation(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let slot = at.timestamp().div_euclid(RECONCILIATION_MINUTES * 60);
    schedule(
        conn,
        Kind::Reconciliation,
        &format!("reconciliation:{slot}"),
        at,
        json!({}),
    )
    .await
}

/// The pause before attempt `attempts + 1`: 1, 2, 4, … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> chrono::Duration {
    crate::platform::mail::backoff(attempts)
}

/// A job that was given up, for the back office's work list, as the SQL function
/// `failed_jobs` reads it (migration 0021).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct FailedJob {
    /// Its kind's code.
    pub kind: String,
    /// Its key.
    pub key: String,
    /// Tries made.
    pub attempts: i32,
    /// The last error.
    pub last_error: Option<String>,
}
