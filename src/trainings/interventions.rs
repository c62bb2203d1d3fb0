//! The RGS's decisions on a registration (docs/domain/README.md, docs/domain/trainings.md):
//! striking it off or ending it with a reason, and amending the schedule with an extension or an
//! interruption. Each is one transaction with its audit record and the mails to the aios and the
//! opleider; the pure rules are in `rules::intervention`.
//!
//! An amendment becomes a new schedule version with the RGS as its author, approved at once.
//! A concept the aios is working on is not lost: it is closed and carried over on top of the
//! new version, with the amendment in it, so the aios goes on from there.

use crate::platform::ids::{TrainingId, UserId, VersionId};
use chrono::{DateTime, Utc};
use rules::code::Coded;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::mail::text;
use crate::platform::state::AppState;
use crate::trainings::mails;
use crate::trainings::schedule::{self, InterruptionInput, Versions};
use crate::trainings::training::Training;
use rules::intervention::{self, Closure, InterventionRefusal};
use rules::person::format_date;
use rules::schedule::check;
use rules::schedule::model::SpecialtyRules;

pub use crate::trainings::training::{find, find_with_rules};

/// How and why a registration was closed, as the SQL function `closure_of_training` reads it
/// (migration 0021).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ClosureRecord {
    /// Doorgehaald or beëindigd.
    #[serde(deserialize_with = "crate::platform::db::coded")]
    pub kind: Closure,
    /// The reason given.
    pub reason: String,
    /// Who decided.
    pub decided_by_name: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

impl ClosureRecord {
    /// When, as the pages show it.
    pub fn when(&self) -> String {
        rules::person::format_when(self.decided_at)
    }
}

/// Why an intervention was not made.
#[derive(Debug, thiserror::Error)]
pub enum InterveneError {
    /// The domain refused it.
    #[error(transparent)]
    Refused(#[from] InterventionRefusal),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Strikes off or ends (`closure`) the registration of `training`, by RGS-medewerker `clerk`
/// with `reason`. A concept still open is withdrawn and a version waiting for the opleider is
/// rejected with the same reason, so nothing waits for a registration that no longer runs.
pub async fn close(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    training: &Training,
    closure: Closure,
    reason: &str,
) -> Result<(), InterveneError> {
    let mut tx = state.db.begin().await?;
    let status = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let next = intervention::may_close(status, closure)?;
    let now = state.clock.now();
    let note = format!("Registratie {} door de RGS: {reason}", closure.done());
    sqlx::query!(
        "UPDATE schedule_versions SET status = 'ingetrokken', withdrawn_at = $2,
                decision_reason = $3
         WHERE training_id = $1 AND status = 'concept'",
        training.id as TrainingId,
        now,
        &note,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE schedule_versions SET status = 'afgekeurd', decided_at = $2, decided_by = $3,
                decision_reason = $4
         WHERE training_id = $1 AND status = 'ingediend'",
        training.id as TrainingId,
        now,
        clerk as UserId,
        &note,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE trainings SET status = $2 WHERE id = $1",
        training.id as TrainingId,
        next.code(),
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO registration_closures (training_id, kind, reason, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5)",
        training.id as TrainingId,
        closure.code(),
        reason,
        clerk as UserId,
        now,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(closure.action(), Some(clerk), Outcome::Success)
            .object("training", training.id)
            .details(json!({ "from": status.code(), "reason": reason })),
    )
    .await?;
    let subject = format!("Opleidingsregistratie {}", closure.done());
    let closed = mails::Closed {
        trainee: &training.trainee_name,
        specialty: &training.specialty_name,
        done: closure.done(),
        reason,
    };
    let trainee_body = text(&mails::ClosedToTrainee { closed: &closed })?;
    crate::trainings::training::mail_trainee(&mut tx, now, training, &subject, trainee_body)
        .await?;
    let supervisor_body = text(&mails::ClosedToSupervisor {
        supervisor: &training.supervisor_name,
        closed: &closed,
    })?;
    crate::trainings::training::mail_supervisor(&mut tx, now, training, &subject, supervisor_body)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What the RGS adds to a schedule.
#[derive(Clone, Debug)]
pub enum Amendment {
    /// An extension for an intensief begeleidingstraject.
    Extension {
        /// The part it extends.
        part: i16,
        /// Months, 1–12.
        months: i32,
        /// Why.
        reason: String,
    },
    /// An interruption the aios may not enter or change.
    Interruption(InterruptionInput),
}

impl Amendment {
    fn action(&self) -> &'static str {
        match self {
            Amendment::Extension { .. } => "schedule.extension_entered",
            Amendment::Interruption(_) => "schedule.interruption_entered",
        }
    }

    /// What was added, as a phrase ("een verlenging van 6 maanden voor …"), and the reason
    /// or note that goes with it.
    fn describe(&self, rules: &SpecialtyRules) -> (String, String) {
        match self {
            Amendment::Extension {
                part,
                months,
                reason,
            } => (
                format!(
                    "een verlenging van {months} {} voor {} (intensief begeleidingstraject)",
                    if *months == 1 { "maand" } else { "maanden" },
                    rules.part_name(*part)
                ),
                format!("Reden: {reason}"),
            ),
            Amendment::Interruption(i) => (
                format!(
                    "een onderbreking ({}) van {} tot {}",
                    rules
                        .interruption_types
                        .get(&i.kind)
                        .map_or(i.kind.as_str(), |t| t.name.as_str()),
                    format_date(i.start),
                    format_date(i.end),
                ),
                if i.note.is_empty() {
                    String::new()
                } else {
                    format!("Toelichting: {}", i.note)
                },
            ),
        }
    }

    async fn insert(
        &self,
        conn: &mut PgConnection,
        version: VersionId,
        origin: Uuid,
    ) -> sqlx::Result<()> {
        match self {
            Amendment::Extension {
                part,
                months,
                reason,
            } => {
                sqlx::query!(
                    "INSERT INTO schedule_extensions (id, version_id, part, months, reason)
                     VALUES ($1, $2, $3, $4, $5)",
                    Uuid::now_v7(),
                    version as VersionId,
                    part,
                    months,
                    reason,
                )
                .execute(conn)
                .await?;
            }
            Amendment::Interruption(i) => {
                schedule::insert_interruption(conn, version, origin, i, true).await?;
            }
        }
        Ok(())
    }
}

/// What an amendment made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amended {
    /// The number of the new current version.
    pub version: i32,
    /// The number of the aios's concept carried over on top of it, if there was one.
    pub carried_concept: Option<i32>,
}

/// Amends the schedule of `training` by RGS-medewerker `clerk`: a copy of the current version
/// with `amendment` added becomes the new current version, decided by the RGS. Refused when
/// the schedule would get errors it did not have.
pub async fn amend(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    training: &Training,
    rules: &SpecialtyRules,
    amendment: &Amendment,
) -> Result<Amended, InterveneError> {
    let mut tx = state.db.begin().await?;
    let status = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let versions = Versions {
        all: schedule::versions(&mut tx, training.id).await?,
    };
    intervention::may_amend(
        status,
        versions.current().is_some(),
        versions.submitted().is_some(),
    )?;
    let current = versions
        .current()
        .cloned()
        .ok_or(InterventionRefusal::NoCurrentSchedule)?;
    let newest = versions.all.first().map_or(0, |v| v.number);
    let now = state.clock.now();
    let today = state.clock.today();

    let number = newest + 1;
    let id = VersionId::generate();
    let origin = Uuid::now_v7();
    // At most one concept exists at a time: the aios's is closed first (it is carried over
    // below), which the rollback of a refused amendment undoes.
    let concept = match versions.concept() {
        Some(concept) => {
            let author: UserId = sqlx::query_scalar!(
                "UPDATE schedule_versions SET status = 'ingetrokken', withdrawn_at = $2,
                        decision_reason = $3
                 WHERE id = $1 RETURNING created_by AS \"created_by: UserId\"",
                concept.id as VersionId,
                now,
                format!(
                    "Overgenomen in versie {}, met de wijziging van de RGS in versie {number}.",
                    number + 1
                ),
            )
            .fetch_one(&mut *tx)
            .await?;
            Some((concept.id, author))
        }
        None => None,
    };
    schedule::copy_version(&mut tx, current.id, id, training.id, number, clerk).await?;
    amendment.insert(&mut tx, id, origin).await?;

    let context = schedule::context(training, &current, today);
    let before = schedule::load_version(&mut tx, current.clone()).await?;
    let before = check::check(&before.schedule(), rules, &context);
    let fresh = schedule::versions(&mut tx, training.id)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or(sqlx::Error::RowNotFound)?;
    let after = schedule::load_version(&mut tx, fresh).await?;
    let after = check::check(&after.schedule(), rules, &context);
    let broken = intervention::new_errors(&before, &after);
    if !broken.is_empty() {
        // Dropping the transaction undoes the copy.
        return Err(InterventionRefusal::NewErrors(broken).into());
    }
    let reason = match amendment {
        Amendment::Extension { .. } => "Verlenging ingevoerd door de RGS",
        Amendment::Interruption(_) => "Onderbreking ingevoerd door de RGS",
    };
    sqlx::query!(
        "UPDATE schedule_versions SET status = 'ingediend', submitted_at = $2, submitted_by = $3,
                expected_end = $4
         WHERE id = $1",
        id as VersionId,
        now,
        clerk as UserId,
        after.totals.expected_end,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE schedule_versions SET status = 'goedgekeurd', decided_at = $2, decided_by = $3,
                decision_reason = $4
         WHERE id = $1",
        id as VersionId,
        now,
        clerk as UserId,
        reason,
    )
    .execute(&mut *tx)
    .await?;

    // The aios's concept, closed above, is carried over on top of the new version with the
    // amendment in it.
    let mut carried_concept = None;
    if let Some((concept, author)) = concept {
        let carried = number + 1;
        let copy = VersionId::generate();
        schedule::copy_version(&mut tx, concept, copy, training.id, carried, author).await?;
        amendment.insert(&mut tx, copy, origin).await?;
        crate::platform::jobs::schedule_concept_reminder(&mut tx, copy, now).await?;
        carried_concept = Some(carried);
    }

    let mut details = json!({
        "version_id": id,
        "version": number,
        "carried_concept": carried_concept,
    });
    match amendment {
        Amendment::Extension {
            part,
            months,
            reason,
        } => {
            details["part"] = json!(part);
            details["months"] = json!(months);
            details["reason"] = json!(reason);
        }
        Amendment::Interruption(i) => {
            details["kind"] = json!(i.kind);
            details["start"] = json!(i.start);
            details["end"] = json!(i.end);
        }
    }
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(amendment.action(), Some(clerk), Outcome::Success)
            .object("training", training.id)
            .details(details),
    )
    .await?;

    let (what, detail) = amendment.describe(rules);
    let amended = mails::Amended {
        trainee: &training.trainee_name,
        specialty: &training.specialty_name,
        what: &what,
        detail: &detail,
        number,
        end: after.totals.expected_end.map(format_date),
    };
    let subject = "Uw opleidingsschema is gewijzigd door de RGS";
    let trainee_body = text(&mails::AmendedToTrainee {
        amended: &amended,
        carried_concept,
        link: &state
            .config
            .link(&format!("/aios/opleidingen/{}", training.id)),
    })?;
    crate::trainings::training::mail_trainee(&mut tx, now, training, subject, trainee_body).await?;
    let supervisor_body = text(&mails::AmendedToSupervisor {
        supervisor: &training.supervisor_name,
        amended: &amended,
        link: &state
            .config
            .link(&format!("/opleider/aios/{}", training.id)),
    })?;
    crate::trainings::training::mail_supervisor(
        &mut tx,
        now,
        training,
        "Opleidingsschema van uw aios gewijzigd door de RGS",
        supervisor_body,
    )
    .await?;
    tx.commit().await?;
    Ok(Amended {
        version: number,
        carried_concept,
    })
}

/// A registration that has waited too long, for the werkvoorraad.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct WaitingRegistration {
    /// The training, whose decision page the item opens.
    pub training_id: TrainingId,
    /// The aios.
    pub trainee_name: String,
    /// The specialty.
    pub specialty_name: String,
    /// What it waits for, in Dutch.
    pub waiting_for: String,
    /// Since when (submitted, or invoiced).
    pub since: chrono::NaiveDate,
}

impl WaitingRegistration {
    /// Since when, as the pages show it.
    pub fn since_label(&self) -> String {
        format_date(self.since)
    }
}

/// The most items one queue shows; the oldest come first.
const QUEUE_LIMIT: i64 = 200;

/// What waits for the back office.
#[derive(Clone, Debug)]
pub struct WorkList {
    /// Schedules and change requests the opleider has not decided on in time.
    pub awaiting_opleider: Vec<WaitingRegistration>,
    /// Registration invoices not paid in time.
    pub unpaid: Vec<WaitingRegistration>,
    /// Herregistratie requests waiting for a decision.
    pub reregistrations: Vec<crate::registers::entries::Application>,
    /// How many account requests wait for a decision.
    pub requests: i64,
    /// Mails given up.
    pub emails: Vec<crate::platform::mail::FailedEmail>,
    /// Jobs given up.
    pub jobs: Vec<crate::platform::jobs::FailedJob>,
}

/// The werkvoorraad at `now` (`today`), with registrations that waited longer than `days`,
/// oldest first, in one statement.
pub async fn work_list(
    db: &sqlx::PgPool,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
    days: i64,
) -> Result<WorkList, sqlx::Error> {
    use crate::platform::jobs::FailedJob;
    use crate::platform::mail::FailedEmail;
    use crate::registers::entries::Application;
    use sqlx::types::Json;
    let row = sqlx::query!(
        r#"SELECT
             -- Schedules and change requests submitted before $1 that the opleider has not
             -- decided on, oldest first.
             (SELECT COALESCE(json_agg(x ORDER BY x.submitted_at, x.id), '[]')
              FROM (SELECT t.id AS training_id, a.full_name AS trainee_name,
                           s.name AS specialty_name,
                           CASE WHEN v.number = 1 OR t.status = 'ingediend'
                                THEN 'Eerste schema (versie ' || v.number || ') bij '
                                     || o.full_name
                                ELSE 'Wijzigingsverzoek (versie ' || v.number || ') bij '
                                     || o.full_name
                           END AS waiting_for,
                           (v.submitted_at AT TIME ZONE 'Europe/Amsterdam')::date AS since,
                           v.submitted_at, v.id
                    FROM schedule_versions v
                    JOIN trainings t ON t.id = v.training_id
                    JOIN users a ON a.id = t.trainee_id
                    JOIN users o ON o.id = t.supervisor_id
                    JOIN specialties s ON s.id = t.specialty_id
                    WHERE v.status = 'ingediend' AND v.submitted_at < $1
                    ORDER BY v.submitted_at, v.id LIMIT $3) x)
               AS "awaiting_opleider!: Json<Vec<WaitingRegistration>>",
             -- Registration invoices issued before $2 and not paid, oldest first.
             (SELECT COALESCE(json_agg(x ORDER BY x.since, x.number), '[]')
              FROM (SELECT t.id AS training_id, a.full_name AS trainee_name,
                           s.name AS specialty_name,
                           'Betaling van factuur ' || i.number AS waiting_for,
                           i.issued_on AS since, i.number
                    FROM invoices i
                    JOIN trainings t ON t.id = i.training_id
                    JOIN users a ON a.id = t.trainee_id
                    JOIN specialties s ON s.id = t.specialty_id
                    WHERE i.status = 'open' AND i.credit_for IS NULL
                      AND i.product = 'opleidingsregistratie' AND i.issued_on < $2
                      AND t.status IN ('ingediend', 'goedgekeurd', 'voorwaardelijk')
                    ORDER BY i.issued_on, i.number LIMIT $3) x)
               AS "unpaid!: Json<Vec<WaitingRegistration>>",
             (SELECT applications FROM open_reregistrations())
               AS "reregistrations!: Json<Vec<Application>>",
             (SELECT count(*) FROM account_requests WHERE status = 'ingediend') AS "requests!",
             (SELECT mails FROM failed_mails()) AS "emails!: Json<Vec<FailedEmail>>",
             (SELECT jobs FROM failed_jobs()) AS "jobs!: Json<Vec<FailedJob>>""#,
        now - chrono::Duration::days(days),
        today - chrono::Duration::days(days),
        QUEUE_LIMIT,
    )
    .fetch_one(db)
    .await?;
    Ok(WorkList {
        awaiting_opleider: row.awaiting_opleider.0,
        unpaid: row.unpaid.0,
        reregistrations: row.reregistrations.0,
        requests: row.requests,
        emails: row.emails.0,
        jobs: row.jobs.0,
    })
}
