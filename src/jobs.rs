//! Scheduled jobs (SPEC §8), kept in PostgreSQL: [`schedule`] stores a job in the caller's
//! transaction under a unique key, so a logical job is never scheduled twice; [`run_due`] claims
//! due jobs one by one with `FOR UPDATE SKIP LOCKED` and runs each in the transaction that
//! marks it done, so several app instances (and `mijnrgs worker`) never run one twice. A job
//! that fails is retried with growing pauses and, after [`MAX_ATTEMPTS`], marked failed with
//! its last error for the back office.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::state::AppState;

/// After this many failed attempts a job is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Days a concept may wait before the aios is reminded of it.
pub const CONCEPT_REMINDER_DAYS: i64 = 7;

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Remind the aios of a schedule version left on concept.
    ConceptReminder,
}

impl Kind {
    /// The code stored in the table.
    pub fn code(self) -> &'static str {
        match self {
            Kind::ConceptReminder => "concept_reminder",
        }
    }

    /// The kind for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Kind::ConceptReminder]
            .into_iter()
            .find(|k| k.code() == code)
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

/// The pause before attempt `attempts + 1`: 1, 2, 4, … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> chrono::Duration {
    crate::mail::backoff(attempts)
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
            Ok(()) => {
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
) -> anyhow::Result<()> {
    let kind = Kind::from_code(&due.kind)
        .ok_or_else(|| anyhow::anyhow!("unknown job kind {:?}", due.kind))?;
    match kind {
        Kind::ConceptReminder => {
            let version: Uuid = serde_json::from_value(due.payload["version_id"].clone())?;
            crate::trainings::schedule::remind_of_concept(state, conn, version, now).await?;
        }
    }
    Ok(())
}

/// Runs due jobs every few seconds until the process ends.
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
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
