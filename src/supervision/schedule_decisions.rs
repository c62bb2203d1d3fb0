//! The opleider's decisions on submitted schedules, taken by the oordelend opleider or by an
//! ondersteuner acting for them (recorded as "namens"): one transaction with the audit record
//! and the mail to the aios.

use crate::platform::ids::{TrainingId, UserId, VersionId};
use rules::code::Coded;
use serde_json::json;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome as AuditOutcome};
use crate::platform::db::Stored;
use crate::platform::mail::text;
use crate::platform::state::AppState;
use crate::supervision::mails;
use crate::trainings::training::{self, Reader, Training};
use rules::decision::{self, DecisionRefusal, Verdict};
use rules::payment::{self, InvoiceState};
use rules::schedule::model::SpecialtyRules;
use rules::training::{RegistrationStatus, VersionStatus};

/// Who decides: the opleider themself, or an ondersteuner for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decider {
    /// The user who acts.
    pub user: UserId,
    /// The opleider they act for, when that is someone else.
    pub on_behalf_of: Option<UserId>,
}

/// Training `id` as its opleider or an ondersteuner of theirs sees it
/// ([`Reader::Decider`]); `None` for anyone else (404).
pub async fn for_decider(
    conn: &mut PgConnection,
    id: TrainingId,
    user: UserId,
) -> Result<Option<(Training, Decider)>, sqlx::Error> {
    let training = training::read(conn, id, Reader::Decider(user)).await?;
    Ok(training.map(|training| decider_of(training, user)))
}

/// Training `id` as seen by `user`, with its specialty's rules, in one statement; `None` for
/// anyone else (404).
pub async fn for_decider_with_rules(
    conn: &mut PgConnection,
    id: TrainingId,
    user: UserId,
) -> Result<Option<(Training, Decider, SpecialtyRules)>, sqlx::Error> {
    let read = training::read_with_rules(conn, id, Reader::Decider(user)).await?;
    Ok(read.map(|(training, rules)| {
        let (training, decider) = decider_of(training, user);
        (training, decider, rules)
    }))
}

/// `user` deciding on `training`: for its opleider, or on their behalf.
fn decider_of(training: Training, user: UserId) -> (Training, Decider) {
    let on_behalf_of = (training.supervisor_id != user).then_some(training.supervisor_id);
    (training, Decider { user, on_behalf_of })
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
    meta: &Origin,
    decider: Decider,
    training: &Training,
    version: VersionId,
    verdict: Verdict,
    reason: Option<&str>,
) -> Result<(), DecideError> {
    let mut tx = state.db.begin().await?;
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let row = sqlx::query!(
        r#"SELECT status AS "status: Stored<VersionStatus>", number FROM schedule_versions
           WHERE id = $1 AND training_id = $2 FOR UPDATE"#,
        version as VersionId,
        training.id as TrainingId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, number)) = row.map(|row| (row.status.0, row.number)) else {
        return Err(DecisionRefusal::NotWaiting.into());
    };
    let mut outcome = decision::decide(registration, status, verdict)?;
    // An approved first schedule is definitive only with the invoice paid
    // (docs/domain/trainings.md).
    if outcome.registration == RegistrationStatus::Approved {
        let invoice = crate::billing::invoices::of_training(&mut tx, training.id).await?;
        let invoice = match invoice {
            None => InvoiceState::NotIssued,
            Some(invoice) if invoice.is_open() => InvoiceState::Open,
            Some(_) => InvoiceState::Paid,
        };
        outcome.registration = payment::registration_on_approval(training.invoicing, invoice);
    }
    let now = state.clock.now();
    sqlx::query!(
        "UPDATE schedule_versions SET status = $2, decided_at = $3, decided_by = $4,
                decided_on_behalf_of = $5, decision_reason = $6
         WHERE id = $1",
        version as VersionId,
        outcome.version.code(),
        now,
        decider.user as UserId,
        decider.on_behalf_of as Option<UserId>,
        reason,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE trainings SET status = $2 WHERE id = $1",
        training.id as TrainingId,
        outcome.registration.code(),
    )
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
    let link = &state
        .config
        .link(&format!("/aios/opleidingen/{}", training.id));
    let (subject, body) = match verdict {
        Verdict::Approve => (
            "Uw opleidingsschema is goedgekeurd",
            text(&mails::ScheduleApproved {
                trainee: &training.trainee_name,
                supervisor: &training.supervisor_name,
                what,
                specialty: &training.specialty_name,
                change_request: outcome.change_request,
                registration: outcome.registration,
                link,
            })?,
        ),
        Verdict::Reject => (
            "Uw opleidingsschema is afgekeurd",
            text(&mails::ScheduleRejected {
                trainee: &training.trainee_name,
                supervisor: &training.supervisor_name,
                what,
                specialty: &training.specialty_name,
                reason: reason.unwrap_or_default(),
                link,
            })?,
        ),
    };
    crate::trainings::training::mail_trainee(&mut tx, now, training, subject, body).await?;
    tx.commit().await?;
    Ok(())
}

/// An issued eindverklaring.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct FinalDeclaration {
    /// Positive or negative.
    pub positive: bool,
    /// The date training ended.
    pub end_date: chrono::NaiveDate,
    /// Who issued it.
    pub issued_by_name: String,
    /// When.
    pub issued_at: chrono::DateTime<chrono::Utc>,
}

impl FinalDeclaration {
    /// The last day of training, formatted: read as "tot en met" (docs/domain/trainings.md).
    pub fn last_day(&self) -> String {
        rules::person::format_date(rules::register_entry::last_day(self.end_date))
    }
}

/// The expected end and the first day of the current schedule of `training`, as the rules
/// engine computes them.
pub async fn current_end_and_start(
    conn: &mut PgConnection,
    training: &Training,
    rules: &SpecialtyRules,
    today: chrono::NaiveDate,
) -> Result<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>), sqlx::Error> {
    let versions = crate::trainings::schedule::Versions {
        all: crate::trainings::schedule::versions(&mut *conn, training.id).await?,
    };
    let Some(current) = versions.current().cloned() else {
        return Ok((None, None));
    };
    let loaded = crate::trainings::schedule::load_version(&mut *conn, current).await?;
    Ok(end_and_start(training, &loaded, rules, today))
}

/// The expected end and the first day of `current`, the current schedule of `training`.
pub fn end_and_start(
    training: &Training,
    current: &crate::trainings::schedule::LoadedVersion,
    rules: &SpecialtyRules,
    today: chrono::NaiveDate,
) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
    let context = crate::trainings::schedule::context(training, &current.version, today);
    let schedule = current.schedule();
    let report = rules::schedule::check::check(&schedule, rules, &context);
    let start = schedule.periods.iter().map(|p| p.start).min();
    (
        report.totals.expected_end.or(report.totals.planned_end),
        start,
    )
}

/// Why an eindverklaring was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum FinalError {
    /// The domain refused it.
    #[error(transparent)]
    Refused(#[from] decision::FinalDeclarationRefusal),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Issues the eindverklaring of `training` by `decider` (who must be the opleider themself):
/// positive completes the registration and invites the aios to request registration as a
/// specialist. One transaction with the audit record and the mail.
pub async fn issue_final_declaration(
    state: &AppState,
    meta: &Origin,
    decider: Decider,
    (training, rules): (&Training, &rules::schedule::model::SpecialtyRules),
    declaration: decision::FinalDeclaration,
    note: &str,
) -> Result<(), FinalError> {
    let decision::FinalDeclaration { positive, end_date } = declaration;
    let mut tx = state.db.begin().await?;
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let issued: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM final_declarations WHERE training_id = $1) AS "exists!""#,
        training.id as TrainingId,
    )
    .fetch_one(&mut *tx)
    .await?;
    let today = state.clock.today();
    let (expected_end, start) = current_end_and_start(&mut tx, training, rules, today).await?;
    let case = decision::DeclarationCase {
        registration,
        already_issued: issued,
        by_the_opleider: decider.on_behalf_of.is_none(),
        expected_end,
        training_start: start,
    };
    let after = decision::issue_final_declaration(case, today, declaration)?;
    let now = state.clock.now();
    sqlx::query!(
        "INSERT INTO final_declarations (id, training_id, positive, end_date, issued_by, issued_at, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::now_v7(),
        training.id as TrainingId,
        positive,
        end_date,
        decider.user as UserId,
        now,
        note,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE trainings SET status = $2 WHERE id = $1",
        training.id as TrainingId,
        after.code(),
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            "training.final_declaration",
            Some(decider.user),
            AuditOutcome::Success,
        )
        .object("training", training.id)
        .details(json!({ "positive": positive, "end_date": end_date })),
    )
    .await?;
    // Read, not typed: the last day of training, "tot en met" (docs/domain/trainings.md).
    let end = rules::person::format_date(rules::register_entry::last_day(end_date));
    let (subject, body) = if positive {
        (
            "Uw opleiding is voltooid: vraag nu uw registratie aan",
            text(&mails::TrainingCompleted {
                trainee: &training.trainee_name,
                supervisor: &training.supervisor_name,
                specialty: &training.specialty_name,
                end: &end,
                link: &state.config.link("/registratie"),
            })?,
        )
    } else {
        (
            "Eindverklaring voor uw opleiding",
            text(&mails::NegativeFinalDeclaration {
                trainee: &training.trainee_name,
                supervisor: &training.supervisor_name,
                specialty: &training.specialty_name,
                end: &end,
            })?,
        )
    };
    crate::trainings::training::mail_trainee(&mut tx, now, training, subject, body).await?;
    tx.commit().await?;
    Ok(())
}
