//! The opleider's decisions on submitted schedules, taken by the oordelend opleider or by an
//! ondersteuner acting for them (recorded as "namens"): one transaction with the audit record
//! and the mail to the aios.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{TRAINING_SELECT, Training, TrainingRow};
use crate::audit::{self, AuditEntry, Outcome as AuditOutcome};
use crate::auth::accounts::SIGNATURE;
use crate::domain::decision::{self, DecisionRefusal, Verdict};
use crate::domain::training::{RegistrationStatus, VersionStatus};
use crate::mail::{self, OutgoingEmail};
use crate::state::AppState;
use crate::web::request_meta::RequestMeta;

/// Who decides: the opleider themself, or an ondersteuner for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decider {
    /// The user who acts.
    pub user: Uuid,
    /// The opleider they act for, when that is someone else.
    pub on_behalf_of: Option<Uuid>,
}

/// Training `id` as seen by `user`: when `user` is its oordelend opleider, or an ondersteuner
/// with an active delegation from that opleider. Concepts never submitted are not shown:
/// they have no effect yet. `None` for anyone else (404).
pub async fn for_decider(
    conn: &mut PgConnection,
    id: Uuid,
    user: Uuid,
) -> Result<Option<(Training, Decider)>, sqlx::Error> {
    let row: Option<TrainingRow> = sqlx::query_as(&format!(
        "{TRAINING_SELECT}
         WHERE t.id = $1 AND t.status <> 'concept'
           AND (t.supervisor_id = $2 OR EXISTS (
                SELECT 1 FROM role_assignments r
                WHERE r.user_id = $2 AND r.role = 'ondersteuner'
                  AND r.supervisor_id = t.supervisor_id AND r.revoked_at IS NULL))"
    ))
    .bind(id)
    .bind(user)
    .fetch_optional(conn)
    .await?;
    let Some(training) = row.map(TrainingRow::into_training).transpose()? else {
        return Ok(None);
    };
    let on_behalf_of = (training.supervisor_id != user).then_some(training.supervisor_id);
    Ok(Some((training, Decider { user, on_behalf_of })))
}

/// Why a decision was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// The domain refused it.
    #[error(transparent)]
    Refused(#[from] DecisionRefusal),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Records `verdict` (with `reason` for a rejection) on version `version` of `training` by
/// `decider`. The version must still be the submitted one: a second tab deciding the same
/// request is refused.
pub async fn decide(
    state: &AppState,
    meta: &RequestMeta,
    decider: Decider,
    training: &Training,
    version: Uuid,
    verdict: Verdict,
    reason: Option<&str>,
) -> Result<(), DecideError> {
    let mut tx = state.db.begin().await?;
    let registration: String =
        sqlx::query_scalar("SELECT status FROM trainings WHERE id = $1 FOR UPDATE")
            .bind(training.id)
            .fetch_one(&mut *tx)
            .await?;
    let row: Option<(String, i32)> = sqlx::query_as(
        "SELECT status, number FROM schedule_versions WHERE id = $1 AND training_id = $2 FOR UPDATE",
    )
    .bind(version)
    .bind(training.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, number)) = row else {
        return Err(DecisionRefusal::NotWaiting.into());
    };
    let registration =
        RegistrationStatus::from_code(&registration).ok_or(DecisionRefusal::Closed)?;
    let status = VersionStatus::from_code(&status).ok_or(DecisionRefusal::NotWaiting)?;
    let outcome = decision::decide(registration, status, verdict)?;
    let now = state.clock.now();
    sqlx::query(
        "UPDATE schedule_versions SET status = $2, decided_at = $3, decided_by = $4,
                decided_on_behalf_of = $5, decision_reason = $6
         WHERE id = $1",
    )
    .bind(version)
    .bind(outcome.version.code())
    .bind(now)
    .bind(decider.user)
    .bind(decider.on_behalf_of)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE trainings SET status = $2 WHERE id = $1")
        .bind(training.id)
        .bind(outcome.registration.code())
        .execute(&mut *tx)
        .await?;
    let action = match (verdict, outcome.change_request) {
        (Verdict::Approve, false) => "training.approved",
        (Verdict::Reject, false) => "training.rejected",
        (Verdict::Approve, true) => "schedule.change_approved",
        (Verdict::Reject, true) => "schedule.change_rejected",
    };
    let mut entry = AuditEntry::new(action, Some(decider.user), AuditOutcome::Success)
        .object("training", training.id)
        .details(json!({ "version_id": version, "version": number, "reason": reason }));
    entry.on_behalf_of = decider.on_behalf_of;
    audit::record(&mut tx, now, meta, entry).await?;

    let what = if outcome.change_request {
        "uw wijzigingsverzoek voor het opleidingsschema"
    } else {
        "uw opleidingsschema en de aanvraag tot opleidingsregistratie"
    };
    let (subject, body) = match verdict {
        Verdict::Approve => (
            "Uw opleidingsschema is goedgekeurd",
            format!(
                "Beste {},\n\nUw opleider {} heeft {} voor de opleiding {} goedgekeurd.\n\n\
                 Log in op MijnRGS ({}) om het geldende schema te bekijken.\n\n{SIGNATURE}",
                training.trainee_name,
                training.supervisor_name,
                what,
                training.specialty_name,
                state.config.base_url
            ),
        ),
        Verdict::Reject => (
            "Uw opleidingsschema is afgekeurd",
            format!(
                "Beste {},\n\nUw opleider {} heeft {} voor de opleiding {} afgekeurd.\n\n\
                 Reden: {}\n\nLog in op MijnRGS ({}), kies \"Schema aanpassen\", pas het schema \
                 aan en dien het opnieuw in.\n\n{SIGNATURE}",
                training.trainee_name,
                training.supervisor_name,
                what,
                training.specialty_name,
                reason.unwrap_or_default(),
                state.config.base_url
            ),
        ),
    };
    let to: (String,) = sqlx::query_as("SELECT email FROM users WHERE id = $1")
        .bind(training.trainee_id)
        .fetch_one(&mut *tx)
        .await?;
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            to_address: to.0,
            to_name: Some(training.trainee_name.clone()),
            subject: subject.to_owned(),
            body,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
