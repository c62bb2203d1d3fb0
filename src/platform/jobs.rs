//! Scheduled jobs (docs/domain/notifications.md), kept in PostgreSQL: [`schedule`] stores a job in
//! the caller's transaction under a unique key, so a logical job is never scheduled twice;
//! [`run_due`] claims due jobs one by one with `FOR UPDATE SKIP LOCKED` and runs each in the
//! transaction that marks it done, so several app instances (and `mijnrgs worker`) never run one
//! twice (the payment reconciliation, which calls the provider, runs right after its claim
//! commits). A job that fails is retried with growing pauses and, after [`MAX_ATTEMPTS`], marked
//! failed with its last error for the back office.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::platform::state::AppState;

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

/// Every kind.
const KINDS: [Kind; 6] = [
    Kind::ConceptReminder,
    Kind::PaymentReminder,
    Kind::StartDateInvoice,
    Kind::Reconciliation,
    Kind::ReregistrationNotice,
    Kind::StrikeOff,
];

/// Minutes between two reconciliation runs.
pub const RECONCILIATION_MINUTES: i64 = 10;

impl Kind {
    /// The code stored in the table.
    pub fn code(self) -> &'static str {
        match self {
            Kind::ConceptReminder => "concept_reminder",
            Kind::PaymentReminder => "payment_reminder",
            Kind::StartDateInvoice => "start_date_invoice",
            Kind::Reconciliation => "reconciliation",
            Kind::ReregistrationNotice => "reregistration_notice",
            Kind::StrikeOff => "strike_off",
        }
    }

    /// The kind for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        KINDS.into_iter().find(|k| k.code() == code)
    }
}

/// Schedules `kind` under `key` at `run_at`, in the caller's transaction; nothing happens when
/// a job with that key exists already. Returns whether it was added.
pub async fn schedule(
    conn: &mut PgConnection,
    kind: Kind,
    key: &str,
    run_at: DateTime<Utc>,
    payload: serde_json::Value,
) -> Result<bool, sqlx::Error> {
    let added = sqlx::query(
        "INSERT INTO jobs (id, kind, key, payload, run_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(Uuid::now_v7())
    .bind(kind.code())
    .bind(key)
    .bind(payload)
    .bind(run_at)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(added == 1)
}

/// Schedules the reminder for concept version `version`, created at `created`.
pub async fn schedule_concept_reminder(
    conn: &mut PgConnection,
    version: Uuid,
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
    invoice: Uuid,
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
    training: Uuid,
    version: Uuid,
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
    let pending: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = 'reconciliation' AND status = 'pending')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !pending {
        schedule_reconciliation(&mut conn, now).await?;
    }
    Ok(())
}

async fn schedule_reconciliation(
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

#[derive(sqlx::FromRow)]
struct Due {
    id: Uuid,
    kind: String,
    payload: serde_json::Value,
    attempts: i32,
}

/// Runs every job due at `now`, one by one. Returns how many completed.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    loop {
        let mut tx = state.db.begin().await?;
        let due: Option<Due> = sqlx::query_as(
            "SELECT id, kind, payload, attempts FROM jobs
             WHERE status = 'pending' AND run_at <= $1
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(due) = due else {
            return Ok(done);
        };
        match run_one(state, &mut tx, &due, now).await {
            Ok(after) => {
                sqlx::query(
                    "UPDATE jobs SET status = 'done', done_at = $2, attempts = attempts + 1,
                            last_error = NULL
                     WHERE id = $1",
                )
                .bind(due.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                done += 1;
                if let AfterCommit::Reconcile = after
                    && let Err(error) = crate::billing::payments::reconcile(state, now).await
                {
                    tracing::warn!(job_id = %due.id, %error, "the payment reconciliation failed");
                }
            }
            Err(error) => {
                // Nothing the job wrote stays; only the failure is recorded.
                tx.rollback().await?;
                let attempts = due.attempts + 1;
                tracing::warn!(job_id = %due.id, kind = %due.kind, attempts, %error, "job failed");
                let status = if attempts >= MAX_ATTEMPTS {
                    "failed"
                } else {
                    "pending"
                };
                sqlx::query(
                    "UPDATE jobs SET status = $2, attempts = $3, run_at = $4, last_error = $5
                     WHERE id = $1 AND status = 'pending' AND attempts = $6",
                )
                .bind(due.id)
                .bind(status)
                .bind(attempts)
                .bind(now + backoff(attempts))
                .bind(error.to_string())
                .bind(due.attempts)
                .execute(&state.db)
                .await?;
            }
        }
    }
}

/// Runs one job inside the transaction that marks it done.
async fn run_one(
    state: &AppState,
    conn: &mut PgConnection,
    due: &Due,
    now: DateTime<Utc>,
) -> anyhow::Result<AfterCommit> {
    let kind = Kind::from_code(&due.kind)
        .ok_or_else(|| anyhow::anyhow!("unknown job kind {:?}", due.kind))?;
    match kind {
        Kind::ConceptReminder => {
            let version: Uuid = serde_json::from_value(due.payload["version_id"].clone())?;
            crate::trainings::schedule::remind_of_concept(state, conn, version, now).await?;
        }
        Kind::PaymentReminder => {
            let invoice: Uuid = serde_json::from_value(due.payload["invoice_id"].clone())?;
            crate::billing::invoices::remind_of_payment(state, conn, invoice, now).await?;
        }
        Kind::StartDateInvoice => {
            let training: Uuid = serde_json::from_value(due.payload["training_id"].clone())?;
            crate::billing::invoices::issue_on_start_date(state, conn, training, now).await?;
        }
        Kind::ReregistrationNotice => {
            let entry: Uuid = serde_json::from_value(due.payload["entry_id"].clone())?;
            let ends_on: chrono::NaiveDate =
                serde_json::from_value(due.payload["ends_on"].clone())?;
            let code: String = serde_json::from_value(due.payload["notice"].clone())?;
            let notice = rules::register_entry::Notice::from_code(&code)
                .ok_or_else(|| anyhow::anyhow!("unknown notice {code:?}"))?;
            crate::registers::reregistration::send_notice(state, conn, entry, ends_on, notice, now)
                .await?;
        }
        Kind::StrikeOff => {
            let entry: Uuid = serde_json::from_value(due.payload["entry_id"].clone())?;
            let ends_on: chrono::NaiveDate =
                serde_json::from_value(due.payload["ends_on"].clone())?;
            crate::registers::reregistration::strike_off_expired(state, conn, entry, ends_on, now)
                .await?;
        }
        Kind::Reconciliation => {
            schedule_reconciliation(
                conn,
                now + chrono::Duration::minutes(RECONCILIATION_MINUTES),
            )
            .await?;
            return Ok(AfterCommit::Reconcile);
        }
    }
    Ok(AfterCommit::Nothing)
}

/// What a job does once its claim is committed: work that calls the payment provider and
/// keeps its own transactions, so the claim's connection is not held while it waits.
enum AfterCommit {
    Nothing,
    /// The payment reconciliation. Its run is already marked done and the next one
    /// scheduled; a failing run is logged and the next one tries again.
    Reconcile,
}

/// Runs due jobs every few seconds until the process ends.
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(error) = ensure_reconciliation(&state.db, state.clock.now()).await {
            tracing::error!(%error, "the payment reconciliation could not be scheduled");
        }
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            let now = state.clock.now();
            if let Err(error) = run_due(&state, now).await {
                tracing::error!(%error, "the job worker could not read the jobs");
            }
        }
    })
}

/// A job that was given up, for the back office's work list.
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

/// The jobs given up, latest first (at most 200), as one JSON array of [`FailedJob`]s.
pub(crate) static FAILED_JSON: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::platform::db::json_rows(
        "SELECT kind, key, attempts, last_error, run_at, id FROM jobs WHERE status = 'failed'
         ORDER BY run_at DESC, id LIMIT 200",
        "x.run_at DESC, x.id",
    )
});
