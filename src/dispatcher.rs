//! The job dispatcher (docs/domain/notifications.md): claims each due job of the queue in
//! `platform::jobs` and hands it to the feature that does it. The one module that knows every
//! kind of job, so it stands above the features, next to `server.rs`; the features only
//! schedule jobs, through the queue.

use crate::platform::ids::{InvoiceId, RegisterEntryId, TrainingId, VersionId};
use rules::code::Coded;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::platform::jobs::{
    JobStatus, Kind, MAX_ATTEMPTS, RECONCILIATION_MINUTES, backoff, ensure_reconciliation,
    schedule_reconciliation,
};
use crate::platform::state::AppState;

/// A job that is due. Its kind stays the stored word until the job runs: a word this version
/// does not know (a job written by a newer one) fails that job alone, not the whole queue.
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
        let due = sqlx::query_as!(
            Due,
            "SELECT id, kind, payload, attempts FROM jobs
             WHERE status = 'gepland' AND run_at <= $1
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
            now,
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(due) = due else {
            return Ok(done);
        };
        match run_one(state, &mut tx, &due, now).await {
            Ok(after) => {
                sqlx::query!(
                    "UPDATE jobs SET status = 'uitgevoerd', done_at = $2, attempts = attempts + 1,
                            last_error = NULL
                     WHERE id = $1",
                    due.id,
                    now,
                )
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
                    JobStatus::GivenUp
                } else {
                    JobStatus::Planned
                }
                .code();
                sqlx::query!(
                    "UPDATE jobs SET status = $2, attempts = $3, run_at = $4, last_error = $5
                     WHERE id = $1 AND status = 'gepland' AND attempts = $6",
                    due.id,
                    status,
                    attempts,
                    now + backoff(attempts),
                    error.to_string(),
                    due.attempts,
                )
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
            let version: VersionId = serde_json::from_value(due.payload["version_id"].clone())?;
            crate::trainings::schedule::remind_of_concept(state, conn, version, now).await?;
        }
        Kind::PaymentReminder => {
            let invoice: InvoiceId = serde_json::from_value(due.payload["invoice_id"].clone())?;
            crate::billing::invoices::remind_of_payment(state, conn, invoice, now).await?;
        }
        Kind::StartDateInvoice => {
            let training: TrainingId = serde_json::from_value(due.payload["training_id"].clone())?;
            crate::billing::invoices::issue_on_start_date(state, conn, training, now).await?;
        }
        Kind::ReregistrationNotice => {
            let entry: RegisterEntryId = serde_json::from_value(due.payload["entry_id"].clone())?;
            let ends_on: chrono::NaiveDate =
                serde_json::from_value(due.payload["ends_on"].clone())?;
            let code: String = serde_json::from_value(due.payload["notice"].clone())?;
            let notice = rules::register_entry::Notice::from_code(&code)
                .ok_or_else(|| anyhow::anyhow!("unknown notice {code:?}"))?;
            crate::registers::reregistration::send_notice(state, conn, entry, ends_on, notice, now)
                .await?;
        }
        Kind::StrikeOff => {
            let entry: RegisterEntryId = serde_json::from_value(due.payload["entry_id"].clone())?;
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
