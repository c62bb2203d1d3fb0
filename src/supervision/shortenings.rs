//! Shortenings (verkorting) of a training: proposing, deciding and withdrawing, each in one
//! transaction with its audit record and mail, around the pure rules of
//! `rules::shortening`. The training's row lock serialises every move, so two tabs never
//! both decide and two proposals never both wait.

use chrono::{DateTime, Utc};
use rules::code::Coded;
use serde_json::json;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::ids::{TrainingId, UserId};
use crate::platform::state::AppState;
use crate::supervision::mails;
use crate::trainings::training::Training;
use rules::decision::Verdict;
use rules::schedule::model::{Shortening, ShorteningGround, SpecialtyRules};
use rules::schedule::months::Months;
use rules::shortening::{self, Proposal, Proposer, ShorteningRefusal, ShorteningStatus};

/// Every shortening of a training, as a statement reads them (`Record` is a name of its own
/// inside `sqlx::query!`).
pub(crate) type Shortenings = Vec<Record>;

/// A shortening of a training, with who did what, as the SQL function
/// `shortenings_of_training` reads it (migration 0021).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Record {
    /// Id.
    pub id: Uuid,
    /// The part it shortens.
    pub part: usize,
    /// Whole months.
    pub months: i32,
    /// The ground.
    #[serde(deserialize_with = "crate::platform::db::coded")]
    pub ground: ShorteningGround,
    /// Where the competences were gained.
    pub gained_where: String,
    /// When.
    pub gained_when: String,
    /// Where it stands.
    #[serde(deserialize_with = "crate::platform::db::coded")]
    pub status: ShorteningStatus,
    /// Who proposed it.
    pub proposed_by_name: String,
    /// The opleider an ondersteuner proposed it for.
    pub proposed_on_behalf_of_name: Option<String>,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub decision_reason: Option<String>,
    /// When the aios withdrew it.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Record {
    /// The shortening as the rules engine sees it.
    pub fn shortening(&self) -> Shortening {
        Shortening {
            part: self.part,
            months: Months::whole(i64::from(self.months)),
            ground: self.ground,
        }
    }
}

/// The required duration of a training as its schedule has it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Every part's required months after approved shortenings and the RGS's extensions.
    pub total: Months,
    /// Of which added by extensions.
    pub extended: Months,
}

/// An extension as [`of_training_with_requirement`] reads it.
#[derive(Debug, serde::Deserialize)]
struct ExtensionRow {
    part: i16,
    months: i32,
}

/// Every shortening of `training`, oldest first, and its required duration now: every part's
/// months after the approved shortenings and the extensions of the version that counts, as
/// the rules engine computes them for the schedule page. One statement.
pub async fn of_training_with_requirement(
    conn: &mut PgConnection,
    training: &Training,
    rules: &SpecialtyRules,
) -> Result<(Vec<Record>, Requirement), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT shortenings FROM shortenings_of_training($1))
                    AS "shortenings!: Json<Shortenings>",
                  -- The extensions of the version that counts now: the concept, else the
                  -- submitted version, else the last approved one.
                  (SELECT COALESCE(json_agg(x ORDER BY x.part, x.months), '[]')
                   FROM (SELECT e.part, e.months FROM schedule_extensions e
                         WHERE e.version_id = (
                             SELECT v.id FROM schedule_versions v
                             WHERE v.training_id = $1
                               AND v.status IN ('concept', 'ingediend', 'goedgekeurd')
                             ORDER BY v.status = 'concept' DESC, v.status = 'ingediend' DESC,
                                      v.number DESC
                             LIMIT 1)) x)
                    AS "extensions!: Json<Vec<ExtensionRow>>""#,
        training.id as TrainingId,
    )
    .fetch_one(conn)
    .await?;
    let (rows, extensions) = (row.shortenings, row.extensions);
    let records = rows.0;
    let schedule = rules::schedule::model::Schedule {
        shortenings: records
            .iter()
            .filter(|r| r.status == ShorteningStatus::Approved)
            .map(Record::shortening)
            .collect(),
        extensions: extensions
            .0
            .into_iter()
            .map(|e| rules::schedule::model::Extension {
                part: usize::try_from(e.part).unwrap_or(usize::MAX),
                months: Months::whole(i64::from(e.months)),
            })
            .collect(),
        ..Default::default()
    };
    let totals = rules::schedule::totals::totals(&schedule, rules, chrono::NaiveDate::MIN);
    let requirement = Requirement {
        total: totals.required,
        extended: schedule.extensions.iter().map(|e| e.months).sum(),
    };
    Ok((records, requirement))
}

/// Every shortening of `training`, oldest first.
pub async fn of_training(
    conn: &mut PgConnection,
    training: TrainingId,
) -> Result<Vec<Record>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"SELECT shortenings AS "shortenings!: Json<Shortenings>"
           FROM shortenings_of_training($1)"#,
        training as TrainingId,
    )
    .fetch_one(conn)
    .await?;
    Ok(rows.0)
}

/// Why a shortening move was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum ShorteningError {
    /// The state does not allow it.
    #[error(transparent)]
    Refused(#[from] ShorteningRefusal),
    /// It would break the limits; the messages say how.
    #[error("de verkorting gaat over de grenzen")]
    Limits(Vec<String>),
    /// No shortening of this training has that id: someone else's is not found (404), not
    /// "already decided".
    #[error("geen verkorting van deze opleiding")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Who acts: a user, in a role, perhaps for the opleider.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    /// The user.
    pub user: UserId,
    /// In what capacity.
    pub proposer: Proposer,
    /// The opleider an ondersteuner acts for.
    pub on_behalf_of: Option<UserId>,
}

/// The approved shortenings of `training` and whether one waits, read under the training's
/// lock.
async fn approved_and_open(
    conn: &mut PgConnection,
    training: TrainingId,
) -> Result<(Vec<Shortening>, bool), sqlx::Error> {
    let records = of_training(conn, training).await?;
    let open = records
        .iter()
        .any(|r| r.status == ShorteningStatus::Proposed);
    let approved = records
        .iter()
        .filter(|r| r.status == ShorteningStatus::Approved)
        .map(Record::shortening)
        .collect();
    Ok((approved, open))
}

fn describe(proposal_months: i32, ground: ShorteningGround, rules: &SpecialtyRules) -> String {
    format!(
        "{} verkorting van de opleiding {} op grond van {}",
        rules::schedule::months::counted(i64::from(proposal_months), "maand", "maanden"),
        rules.name,
        ground.label()
    )
}

/// Records `proposal` for `training` by `actor`. The opleider's own proposal is approved at
/// once and the aios is told; anyone else's waits for the opleider, who is told.
pub async fn propose(
    state: &AppState,
    meta: &Origin,
    actor: Actor,
    training: &Training,
    rules: &SpecialtyRules,
    proposal: &Proposal,
) -> Result<ShorteningStatus, ShorteningError> {
    let mut tx = state.db.begin().await?;
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let (approved, open) = approved_and_open(&mut tx, training.id).await?;
    let status = shortening::propose(registration, open, actor.proposer)?;
    shortening::within_limits(rules, &approved, &proposal.shortening())
        .map_err(ShorteningError::Limits)?;
    let now = state.clock.now();
    let id = Uuid::now_v7();
    let decided = status == ShorteningStatus::Approved;
    sqlx::query!(
        "INSERT INTO shortenings (id, training_id, part, months, ground, gained_where,
                                  gained_when, status, proposed_by, proposed_on_behalf_of,
                                  proposed_at, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        id,
        training.id as TrainingId,
        i16::try_from(proposal.part).unwrap_or(i16::MAX),
        proposal.months,
        proposal.ground.code(),
        &proposal.gained_where,
        &proposal.gained_when,
        status.code(),
        actor.user as UserId,
        actor.on_behalf_of as Option<UserId>,
        now,
        decided.then_some(actor.user) as Option<UserId>,
        decided.then_some(now),
    )
    .execute(&mut *tx)
    .await?;
    let action = if decided {
        "shortening.approved"
    } else {
        "shortening.proposed"
    };
    let mut entry = AuditEntry::new(action, Some(actor.user), Outcome::Success)
        .object("training", training.id)
        .details(json!({
            "shortening_id": id,
            "part": proposal.part,
            "months": proposal.months,
            "ground": proposal.ground.code(),
        }));
    entry.on_behalf_of = actor.on_behalf_of;
    audit::record(&mut tx, now, meta, entry).await?;
    let what = describe(proposal.months, proposal.ground, rules);
    if decided {
        let body = crate::platform::mail::text(&mails::ShorteningRecorded {
            trainee: &training.trainee_name,
            supervisor: &training.supervisor_name,
            what: &what,
            link: &state
                .config
                .link(&format!("/aios/opleidingen/{}", training.id)),
        })?;
        crate::trainings::training::mail_trainee(
            &mut tx,
            now,
            training,
            "Verkorting van uw opleiding",
            body,
        )
        .await?;
    } else {
        let who = if actor.proposer == Proposer::Trainee {
            training.trainee_name.clone()
        } else {
            "Uw opleidingsondersteuner".to_owned()
        };
        let body = crate::platform::mail::text(&mails::ShorteningProposed {
            supervisor: &training.supervisor_name,
            who: &who,
            what: &what,
            trainee: &training.trainee_name,
            link: &state
                .config
                .link(&format!("/opleider/aios/{}", training.id)),
        })?;
        crate::trainings::training::mail_supervisor(
            &mut tx,
            now,
            training,
            "Voorstel tot verkorting",
            body,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(status)
}

/// The opleider's decision on one proposal of verkorting.
#[derive(Clone, Copy, Debug)]
pub struct ProposalDecision<'a> {
    /// The proposal.
    pub proposal: Uuid,
    /// Approve or reject.
    pub verdict: Verdict,
    /// Why, for a rejection.
    pub reason: Option<&'a str>,
}

/// The opleider's decision on a proposal of `training` by `user`. `by_the_opleider` is false
/// for anyone acting on the opleider's behalf: refused.
pub async fn decide(
    state: &AppState,
    meta: &Origin,
    (user, by_the_opleider): (UserId, bool),
    (training, rules): (&Training, &SpecialtyRules),
    decision: ProposalDecision<'_>,
) -> Result<(), ShorteningError> {
    let ProposalDecision {
        proposal: id,
        verdict,
        reason,
    } = decision;
    let mut tx = state.db.begin().await?;
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let records = of_training(&mut tx, training.id).await?;
    let record = records
        .iter()
        .find(|r| r.id == id)
        .ok_or(ShorteningError::NotFound)?;
    let status = shortening::decide(registration, record.status, by_the_opleider, verdict)?;
    if status == ShorteningStatus::Approved {
        let approved: Vec<Shortening> = records
            .iter()
            .filter(|r| r.status == ShorteningStatus::Approved)
            .map(Record::shortening)
            .collect();
        shortening::within_limits(rules, &approved, &record.shortening())
            .map_err(ShorteningError::Limits)?;
    }
    let now = state.clock.now();
    sqlx::query!(
        "UPDATE shortenings SET status = $2, decided_by = $3, decided_at = $4,
                decision_reason = $5
         WHERE id = $1",
        id,
        status.code(),
        user as UserId,
        now,
        reason,
    )
    .execute(&mut *tx)
    .await?;
    let action = match verdict {
        Verdict::Approve => "shortening.approved",
        Verdict::Reject => "shortening.rejected",
    };
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(action, Some(user), Outcome::Success)
            .object("training", training.id)
            .details(json!({ "shortening_id": id, "reason": reason })),
    )
    .await?;
    let what = describe(record.months, record.ground, rules);
    let (subject, body) = match verdict {
        Verdict::Approve => (
            "Verkorting van uw opleiding goedgekeurd",
            crate::platform::mail::text(&mails::ShorteningApproved {
                trainee: &training.trainee_name,
                supervisor: &training.supervisor_name,
                what: &what,
                link: &state
                    .config
                    .link(&format!("/aios/opleidingen/{}", training.id)),
            })?,
        ),
        Verdict::Reject => (
            "Verkorting van uw opleiding afgewezen",
            crate::platform::mail::text(&mails::ShorteningRejected {
                trainee: &training.trainee_name,
                supervisor: &training.supervisor_name,
                what: &what,
                reason: reason.unwrap_or_default(),
                link: &state
                    .config
                    .link(&format!("/aios/opleidingen/{}", training.id)),
            })?,
        ),
    };
    crate::trainings::training::mail_trainee(&mut tx, now, training, subject, body).await?;
    tx.commit().await?;
    Ok(())
}

/// The aios withdraws their waiting proposal `id` of `training`.
pub async fn withdraw(
    state: &AppState,
    meta: &Origin,
    trainee: UserId,
    training: &Training,
    id: Uuid,
) -> Result<(), ShorteningError> {
    let mut tx = state.db.begin().await?;
    crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let status = sqlx::query_scalar!(
        r#"SELECT status AS "status: Stored<ShorteningStatus>" FROM shortenings
           WHERE id = $1 AND training_id = $2"#,
        id,
        training.id as TrainingId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let status = status.ok_or(ShorteningError::NotFound)?.0;
    let status = shortening::withdraw(status)?;
    let now = state.clock.now();
    sqlx::query!(
        "UPDATE shortenings SET status = $2, withdrawn_at = $3 WHERE id = $1",
        id,
        status.code(),
        now,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("shortening.withdrawn", Some(trainee), Outcome::Success)
            .object("training", training.id)
            .details(json!({ "shortening_id": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
