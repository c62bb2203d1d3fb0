//! Schedule versions (docs/domain/trainings.md): loading a version with its items, editing the
//! concept, submitting it, starting and withdrawing a change request.
//!
//! Every change locks the version row, asks `rules::training` whether the move is allowed
//! (status and the revision the form was based on), raises the revision, and writes the audit
//! record and any mail in the same transaction.

use crate::platform::ids::{TrainingId, UserId, VersionId};
use rules::code::Coded;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::state::AppState;
use crate::trainings::mails;
use crate::trainings::training::Training;
use rules::schedule::check::{self, Report};
use rules::schedule::model::{
    CheckContext, Extension, Interruption, Period, Schedule, Shortening, ShorteningGround,
    SpecialtyRules,
};
use rules::schedule::months::Months;
use rules::training::{
    self, ConceptSource, Invoicing, Refusal, RegistrationStatus, Submission, VersionStatus,
};

/// One version of a schedule, with who did what.
#[derive(Clone, Debug)]
pub struct Version {
    /// Id.
    pub id: VersionId,
    /// Its number, from 1.
    pub number: i32,
    /// Its status.
    pub status: VersionStatus,
    /// The revision an edit must be based on.
    pub revision: i32,
    /// The version it was copied from.
    pub based_on_id: Option<VersionId>,
    /// Who made it.
    pub created_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided.
    pub decided_by_name: Option<String>,
    /// On whose behalf (an ondersteuner for an opleider).
    pub on_behalf_of_name: Option<String>,
    /// The reason of a rejection.
    pub decision_reason: Option<String>,
    /// When a concept was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// A version as its statements read it.
struct VersionRow {
    id: VersionId,
    number: i32,
    status: Stored<VersionStatus>,
    revision: i32,
    based_on_id: Option<VersionId>,
    created_by_name: String,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    decided_by_name: Option<String>,
    on_behalf_of_name: Option<String>,
    decision_reason: Option<String>,
    withdrawn_at: Option<DateTime<Utc>>,
}

impl From<VersionRow> for Version {
    fn from(row: VersionRow) -> Self {
        Version {
            status: row.status.0,
            id: row.id,
            number: row.number,
            revision: row.revision,
            based_on_id: row.based_on_id,
            created_by_name: row.created_by_name,
            created_at: row.created_at,
            submitted_at: row.submitted_at,
            decided_at: row.decided_at,
            decided_by_name: row.decided_by_name,
            on_behalf_of_name: row.on_behalf_of_name,
            decision_reason: row.decision_reason,
            withdrawn_at: row.withdrawn_at,
        }
    }
}

/// Every version of training `training`, newest first.
pub async fn versions(
    conn: &mut PgConnection,
    training: TrainingId,
) -> Result<Vec<Version>, sqlx::Error> {
    // The version with the names it shows, as in `versions_with_items`.
    let rows = sqlx::query_as!(
        VersionRow,
        r#"SELECT v.id AS "id: VersionId", v.number, v.status AS "status: Stored<VersionStatus>",
                  v.revision, v.based_on_id AS "based_on_id: VersionId",
                  c.full_name AS created_by_name, v.created_at, v.submitted_at, v.decided_at,
                  d.full_name AS "decided_by_name?", b.full_name AS "on_behalf_of_name?",
                  v.decision_reason, v.withdrawn_at
           FROM schedule_versions v
           JOIN users c ON c.id = v.created_by
           LEFT JOIN users d ON d.id = v.decided_by
           LEFT JOIN users b ON b.id = v.decided_on_behalf_of
           WHERE v.training_id = $1 ORDER BY v.number DESC"#,
        training as TrainingId,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(Version::from).collect())
}

/// Every version of training `training` with its items, newest first: one statement for a
/// page that shows a version and needs to know the others.
pub async fn versions_with_items(
    conn: &mut PgConnection,
    training: TrainingId,
) -> Result<Vec<LoadedVersion>, sqlx::Error> {
    use sqlx::types::Json;
    let rows = sqlx::query!(
        r#"SELECT v.id AS "id: VersionId", v.number, v.status AS "status: Stored<VersionStatus>",
                  v.revision, v.based_on_id AS "based_on_id: VersionId",
                  c.full_name AS created_by_name, v.created_at, v.submitted_at, v.decided_at,
                  d.full_name AS "decided_by_name?", b.full_name AS "on_behalf_of_name?",
                  v.decision_reason, v.withdrawn_at,
                  it.periods AS "periods!: Json<Vec<PeriodRow>>",
                  it.interruptions AS "interruptions!: Json<Vec<InterruptionRow>>",
                  it.shortenings AS "shortenings!: Json<Vec<ShorteningRow>>",
                  it.extensions AS "extensions!: Json<Vec<ExtensionRow>>"
           FROM schedule_versions v
           JOIN users c ON c.id = v.created_by
           LEFT JOIN users d ON d.id = v.decided_by
           LEFT JOIN users b ON b.id = v.decided_on_behalf_of
           CROSS JOIN LATERAL version_items(v.id) it
           WHERE v.training_id = $1 ORDER BY v.number DESC"#,
        training as TrainingId,
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let version = Version::from(VersionRow {
                id: row.id,
                number: row.number,
                status: row.status,
                revision: row.revision,
                based_on_id: row.based_on_id,
                created_by_name: row.created_by_name,
                created_at: row.created_at,
                submitted_at: row.submitted_at,
                decided_at: row.decided_at,
                decided_by_name: row.decided_by_name,
                on_behalf_of_name: row.on_behalf_of_name,
                decision_reason: row.decision_reason,
                withdrawn_at: row.withdrawn_at,
            });
            Ok(Items {
                periods: row.periods,
                interruptions: row.interruptions,
                shortenings: row.shortenings,
                extensions: row.extensions,
            }
            .with(version))
        })
        .collect()
}

/// A period as stored, with names for display.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct PeriodRow {
    /// Id of this row.
    pub id: Uuid,
    /// Identity across versions.
    pub origin_id: Uuid,
    /// Index of the part.
    pub part: i16,
    /// Label.
    pub label: String,
    /// Institution.
    pub institution_id: Uuid,
    /// Its name.
    pub institution_name: String,
    /// Opleider, when known.
    pub supervisor_id: Option<UserId>,
    /// Their name.
    pub supervisor_name: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// End, exclusive.
    pub end_date: NaiveDate,
    /// Part-time percentage.
    pub part_time_pct: i16,
}

impl PeriodRow {
    /// The period as the rules engine sees it.
    pub fn to_period(&self) -> Period {
        Period {
            part: usize::try_from(self.part).unwrap_or(usize::MAX),
            label: self.label.clone(),
            institution: self.institution_id,
            // The rules see an opleider only as an id to compare.
            supervisor: self.supervisor_id.map(Uuid::from),
            start: self.start_date,
            end: self.end_date,
            part_time_pct: u8::try_from(self.part_time_pct).unwrap_or(0),
        }
    }
}

/// An interruption as stored, with names for display.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct InterruptionRow {
    /// Id of this row.
    pub id: Uuid,
    /// Identity across versions.
    pub origin_id: Uuid,
    /// Type code.
    pub kind: String,
    /// Type name.
    pub kind_name: String,
    /// First day.
    pub start_date: NaiveDate,
    /// End, exclusive.
    pub end_date: NaiveDate,
    /// Institution.
    pub institution_id: Uuid,
    /// Its name.
    pub institution_name: String,
    /// Note.
    pub note: String,
    /// Entered by the RGS: not editable by the aios.
    pub entered_by_rgs: bool,
}

impl InterruptionRow {
    /// The interruption as the rules engine sees it.
    pub fn to_interruption(&self) -> Interruption {
        Interruption {
            kind: self.kind.clone(),
            start: self.start_date,
            end: self.end_date,
            institution: self.institution_id,
        }
    }
}

/// An approved shortening of the training.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct ShorteningRow {
    /// Part.
    pub part: i16,
    /// Months.
    pub months: i32,
    /// Ground.
    #[serde(deserialize_with = "crate::platform::db::coded")]
    pub ground: ShorteningGround,
    /// Where the competences were gained.
    pub gained_where: String,
    /// When.
    pub gained_when: String,
}

/// An extension on a version (entered by the RGS).
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct ExtensionRow {
    /// Part.
    pub part: i16,
    /// Months.
    pub months: i32,
    /// Why.
    pub reason: String,
}

/// A version with its items.
#[derive(Clone, Debug)]
pub struct LoadedVersion {
    /// The version.
    pub version: Version,
    /// Its periods, by start date.
    pub periods: Vec<PeriodRow>,
    /// Its interruptions, by start date.
    pub interruptions: Vec<InterruptionRow>,
    /// Approved shortenings.
    pub shortenings: Vec<ShorteningRow>,
    /// Extensions.
    pub extensions: Vec<ExtensionRow>,
}

impl LoadedVersion {
    /// The schedule as the rules engine sees it; indexes match `periods` and `interruptions`.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            periods: self.periods.iter().map(PeriodRow::to_period).collect(),
            interruptions: self
                .interruptions
                .iter()
                .map(InterruptionRow::to_interruption)
                .collect(),
            shortenings: self
                .shortenings
                .iter()
                .map(|s| Shortening {
                    part: usize::try_from(s.part).unwrap_or(usize::MAX),
                    months: Months::whole(i64::from(s.months)),
                    ground: s.ground,
                })
                .collect(),
            extensions: self
                .extensions
                .iter()
                .map(|e| Extension {
                    part: usize::try_from(e.part).unwrap_or(usize::MAX),
                    months: Months::whole(i64::from(e.months)),
                })
                .collect(),
        }
    }

    /// Names of the institutions and opleiders in the version, by id.
    pub fn names(&self) -> BTreeMap<Uuid, String> {
        let mut names = BTreeMap::new();
        for p in &self.periods {
            names.insert(p.institution_id, p.institution_name.clone());
            if let (Some(id), Some(name)) = (p.supervisor_id, &p.supervisor_name) {
                names.insert(id.into(), name.clone());
            }
        }
        for i in &self.interruptions {
            names.insert(i.institution_id, i.institution_name.clone());
        }
        names
    }

    /// The institutions of the periods, once each, in order of first appearance: the only
    /// ones an interruption may name.
    pub fn institutions(&self) -> Vec<(Uuid, String)> {
        let mut seen = Vec::<(Uuid, String)>::new();
        for p in &self.periods {
            if !seen.iter().any(|(id, _)| *id == p.institution_id) {
                seen.push((p.institution_id, p.institution_name.clone()));
            }
        }
        seen
    }
}

/// Loads version `version` with its items.
pub async fn load_version(
    conn: &mut PgConnection,
    version: Version,
) -> Result<LoadedVersion, sqlx::Error> {
    load_versions(conn, vec![version])
        .await?
        .pop()
        .ok_or(sqlx::Error::RowNotFound)
}

/// The items of one version, as the SQL function `version_items` reads them (migration 0021).
struct Items {
    periods: sqlx::types::Json<Vec<PeriodRow>>,
    interruptions: sqlx::types::Json<Vec<InterruptionRow>>,
    shortenings: sqlx::types::Json<Vec<ShorteningRow>>,
    extensions: sqlx::types::Json<Vec<ExtensionRow>>,
}

impl Items {
    fn with(self, version: Version) -> LoadedVersion {
        LoadedVersion {
            periods: self.periods.0,
            interruptions: self.interruptions.0,
            shortenings: self.shortenings.0,
            extensions: self.extensions.0,
            version,
        }
    }
}

/// Version `version` of `loaded`, with its items.
pub fn take_loaded(loaded: Vec<LoadedVersion>, version: &Version) -> Option<LoadedVersion> {
    loaded.into_iter().find(|l| l.version.id == version.id)
}

/// Loads `versions` with their items, in the same order: one query however many versions
/// (a training's history compares all of them).
pub async fn load_versions(
    conn: &mut PgConnection,
    versions: Vec<Version>,
) -> Result<Vec<LoadedVersion>, sqlx::Error> {
    use sqlx::types::Json;
    let ids: Vec<VersionId> = versions.iter().map(|v| v.id).collect();
    let mut rows = sqlx::query!(
        r#"SELECT v.id AS "version_id!: VersionId",
                  it.periods AS "periods!: Json<Vec<PeriodRow>>",
                  it.interruptions AS "interruptions!: Json<Vec<InterruptionRow>>",
                  it.shortenings AS "shortenings!: Json<Vec<ShorteningRow>>",
                  it.extensions AS "extensions!: Json<Vec<ExtensionRow>>"
           FROM unnest($1::uuid[]) AS v(id) CROSS JOIN LATERAL version_items(v.id) it"#,
        &ids as &[VersionId],
    )
    .fetch_all(&mut *conn)
    .await?;
    versions
        .into_iter()
        .map(|version| {
            let at = rows
                .iter()
                .position(|row| row.version_id == version.id)
                .ok_or(sqlx::Error::RowNotFound)?;
            let row = rows.swap_remove(at);
            Ok(Items {
                periods: row.periods,
                interruptions: row.interruptions,
                shortenings: row.shortenings,
                extensions: row.extensions,
            }
            .with(version))
        })
        .collect()
}

/// The versions of a training that matter now.
#[derive(Clone, Debug, Default)]
pub struct Versions {
    /// All versions, newest first.
    pub all: Vec<Version>,
}

impl Versions {
    /// The versions of `loaded`, in their order.
    pub fn of(loaded: &[LoadedVersion]) -> Self {
        Self {
            all: loaded.iter().map(|l| l.version.clone()).collect(),
        }
    }

    /// The concept, if any.
    pub fn concept(&self) -> Option<&Version> {
        self.all.iter().find(|v| v.status == VersionStatus::Concept)
    }

    /// The submitted version, if any.
    pub fn submitted(&self) -> Option<&Version> {
        self.all
            .iter()
            .find(|v| v.status == VersionStatus::Submitted)
    }

    /// The current version: the last approved one.
    pub fn current(&self) -> Option<&Version> {
        self.all
            .iter()
            .find(|v| v.status == VersionStatus::Approved)
    }

    /// The version the aios works on or waits for: the concept, else the submitted one, else
    /// the current one, else the newest.
    pub fn shown(&self) -> Option<&Version> {
        self.concept()
            .or_else(|| self.submitted())
            .or_else(|| self.current())
            .or_else(|| self.all.first())
    }

    /// The version before `number`, to compare with.
    pub fn before(&self, number: i32) -> Option<&Version> {
        self.all.iter().find(|v| v.number < number)
    }
}

/// The facts of the moment the rules engine needs for `training`'s `version`.
pub fn context(training: &Training, version: &Version, today: NaiveDate) -> CheckContext {
    let diploma = training.trainee_diploma_date;
    // Late registration is a question about the registration request: a concept of it is
    // judged as if submitted today, a submitted one by its own date. Once the registration is
    // accepted, its approved versions are judged by the day the registration was submitted:
    // the warning says that the RGS judges the late start, so it stays on the approved
    // schedule instead of disappearing once the opleider approved. A change request is not a
    // registration, so it does not ask the question again.
    let local = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
    };
    let accepted = training.status.accepts_change_requests()
        || matches!(
            training.status,
            RegistrationStatus::Completed
                | RegistrationStatus::Ended
                | RegistrationStatus::StruckOff
        );
    let submitted_on = if !accepted {
        Some(version.submitted_at.map(local).unwrap_or(today))
    } else if version.status == VersionStatus::Approved {
        training.submitted_at.or(version.submitted_at).map(local)
    } else {
        None
    };
    CheckContext {
        today,
        diploma,
        submitted_on,
    }
}

/// A period as typed, parsed.
#[derive(Clone, Debug)]
pub struct PeriodInput {
    /// Part index.
    pub part: i16,
    /// Label.
    pub label: String,
    /// Institution.
    pub institution_id: Uuid,
    /// Opleider.
    pub supervisor_id: Option<UserId>,
    /// Start.
    pub start: NaiveDate,
    /// End (tot).
    pub end: NaiveDate,
    /// Part-time percentage, 1–100.
    pub part_time_pct: i16,
}

/// An interruption as typed, parsed.
#[derive(Clone, Debug)]
pub struct InterruptionInput {
    /// Type code.
    pub kind: String,
    /// Start.
    pub start: NaiveDate,
    /// End (tot).
    pub end: NaiveDate,
    /// Institution (one of the schedule's).
    pub institution_id: Uuid,
    /// Note.
    pub note: String,
}

/// One edit of a concept.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Add a period.
    AddPeriod(PeriodInput),
    /// Change period `id`.
    ChangePeriod(Uuid, PeriodInput),
    /// Remove period `id`.
    RemovePeriod(Uuid),
    /// Add an interruption.
    AddInterruption(InterruptionInput),
    /// Change interruption `id`.
    ChangeInterruption(Uuid, InterruptionInput),
    /// Remove interruption `id`.
    RemoveInterruption(Uuid),
}

impl Edit {
    fn action(&self) -> &'static str {
        match self {
            Edit::AddPeriod(_) => "schedule.period_added",
            Edit::ChangePeriod(..) => "schedule.period_changed",
            Edit::RemovePeriod(_) => "schedule.period_removed",
            Edit::AddInterruption(_) => "schedule.interruption_added",
            Edit::ChangeInterruption(..) => "schedule.interruption_changed",
            Edit::RemoveInterruption(_) => "schedule.interruption_removed",
        }
    }
}

/// Why a change to a schedule was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The domain refused the move.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The item is not in the concept (or may not be changed by the aios).
    #[error("item not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The registration invoice could not be issued (no fee in the reference data).
    #[error(transparent)]
    Invoice(#[from] crate::billing::invoices::IssueError),
}

/// Locks the concept of `training` and checks that an edit based on `based_on` may change it.
async fn lock_concept(
    conn: &mut PgConnection,
    training: TrainingId,
    based_on: i32,
) -> Result<(VersionId, i32), ChangeError> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: VersionId", status AS "status: Stored<VersionStatus>", revision
           FROM schedule_versions
           WHERE training_id = $1 AND status = 'concept' FOR UPDATE"#,
        training as TrainingId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, status, revision)) = row.map(|row| (row.id, row.status.0, row.revision)) else {
        return Err(Refusal::NotAConcept.into());
    };
    training::may_edit(status, revision, based_on)?;
    Ok((id, revision))
}

async fn bump(conn: &mut PgConnection, version: VersionId) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE schedule_versions SET revision = revision + 1 WHERE id = $1 RETURNING revision",
        version as VersionId,
    )
    .fetch_one(conn)
    .await
}

/// Applies `edit` to the concept of `training` by `actor`, if the concept is still at
/// revision `based_on`. Returns the new revision.
pub async fn edit(
    state: &AppState,
    meta: &Origin,
    actor: UserId,
    training: &Training,
    based_on: i32,
    edit: &Edit,
) -> Result<i32, ChangeError> {
    let mut tx = state.db.begin().await?;
    let (version, _) = lock_concept(&mut tx, training.id, based_on).await?;
    let affected = match edit {
        Edit::AddPeriod(p) => {
            let id = Uuid::now_v7();
            insert_period(&mut tx, version, id, id, p).await?
        }
        Edit::ChangePeriod(item, p) => sqlx::query!(
            "UPDATE schedule_periods SET part = $3, label = $4, institution_id = $5,
                    supervisor_id = $6, start_date = $7, end_date = $8, part_time_pct = $9
             WHERE id = $1 AND version_id = $2",
            item,
            version as VersionId,
            p.part,
            &p.label,
            p.institution_id,
            p.supervisor_id as Option<UserId>,
            p.start,
            p.end,
            p.part_time_pct,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        Edit::RemovePeriod(item) => sqlx::query!(
            "DELETE FROM schedule_periods WHERE id = $1 AND version_id = $2",
            item,
            version as VersionId,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        Edit::AddInterruption(i) => {
            insert_interruption(&mut tx, version, Uuid::now_v7(), i, false).await?
        }
        Edit::ChangeInterruption(item, i) => sqlx::query!(
            "UPDATE schedule_interruptions SET kind = $3, start_date = $4, end_date = $5,
                    institution_id = $6, note = $7
             WHERE id = $1 AND version_id = $2 AND NOT entered_by_rgs",
            item,
            version as VersionId,
            &i.kind,
            i.start,
            i.end,
            i.institution_id,
            &i.note,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        Edit::RemoveInterruption(item) => sqlx::query!(
            "DELETE FROM schedule_interruptions
             WHERE id = $1 AND version_id = $2 AND NOT entered_by_rgs",
            item,
            version as VersionId,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    if affected != 1 {
        return Err(ChangeError::NotFound);
    }
    let revision = bump(&mut tx, version).await?;
    audit::record(
        &mut tx,
        state.clock.now(),
        meta,
        AuditEntry::new(edit.action(), Some(actor), Outcome::Success)
            .object("training", training.id)
            .details(json!({ "version_id": version, "revision": revision })),
    )
    .await?;
    tx.commit().await?;
    Ok(revision)
}

/// Inserts interruption `i` as item `origin` (its identity across versions) into concept
/// `version`; `by_rgs` marks one the aios may not change.
pub(crate) async fn insert_interruption(
    conn: &mut PgConnection,
    version: VersionId,
    origin: Uuid,
    i: &InterruptionInput,
    by_rgs: bool,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "INSERT INTO schedule_interruptions
             (id, version_id, origin_id, kind, start_date, end_date, institution_id, note,
              entered_by_rgs)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        Uuid::now_v7(),
        version as VersionId,
        origin,
        &i.kind,
        i.start,
        i.end,
        i.institution_id,
        &i.note,
        by_rgs,
    )
    .execute(conn)
    .await?
    .rows_affected())
}

async fn insert_period(
    conn: &mut PgConnection,
    version: VersionId,
    id: Uuid,
    origin: Uuid,
    p: &PeriodInput,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "INSERT INTO schedule_periods (id, version_id, origin_id, part, label, institution_id,
                                       supervisor_id, start_date, end_date, part_time_pct)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        version as VersionId,
        origin,
        p.part,
        &p.label,
        p.institution_id,
        p.supervisor_id as Option<UserId>,
        p.start,
        p.end,
        p.part_time_pct,
    )
    .execute(conn)
    .await?
    .rows_affected())
}

/// What a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// The concept was submitted now.
    Now(Submission),
    /// It had already been submitted (a double click or a second tab): nothing was done.
    Already,
}

/// Submits the concept of `training`, if it is still at revision `based_on`, has no errors
/// and its warnings were acknowledged. Notifies the opleider. A version that was already
/// submitted is reported as [`Submitted::Already`], so a double submit creates nothing twice.
pub async fn submit(
    state: &AppState,
    meta: &Origin,
    actor: UserId,
    training: &Training,
    rules: &SpecialtyRules,
    based_on: i32,
    warnings_acknowledged: bool,
) -> Result<Submitted, ChangeError> {
    let mut tx = state.db.begin().await?;
    // The training row is locked first: its status changes with the submission.
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    // An edit holds the concept's row lock until it commits; waiting for it here means the
    // check below sees exactly the concept that is submitted.
    sqlx::query!(
        "SELECT id FROM schedule_versions WHERE training_id = $1 AND status = 'concept' FOR UPDATE",
        training.id as TrainingId,
    )
    .fetch_all(&mut *tx)
    .await?;
    let all = versions(&mut tx, training.id).await?;
    let versions = Versions { all };
    let Some(concept) = versions.concept().cloned() else {
        let already = versions.submitted().is_some_and(|v| v.revision == based_on);
        return if already {
            Ok(Submitted::Already)
        } else {
            Err(Refusal::NotAConcept.into())
        };
    };
    let now = state.clock.now();
    let today = state.clock.today();
    let context = context(training, &concept, today);
    let loaded = load_version(&mut tx, concept.clone()).await?;
    let report: Report = check::check(&loaded.schedule(), rules, &context);
    let submission = training::submit(
        registration,
        concept.status,
        concept.revision,
        based_on,
        &report,
        warnings_acknowledged,
    )?;
    // The revision is kept as it is, so a repeated submit of the same form is recognised. The
    // version's items never change again, so its expected end is kept with it (migration
    // 0019): the summaries give it to the opleider's overview.
    let updated = sqlx::query!(
        "UPDATE schedule_versions SET status = 'ingediend', submitted_at = $2, submitted_by = $3,
                expected_end = $5
         WHERE id = $1 AND status = 'concept' AND revision = $4",
        concept.id as VersionId,
        now,
        actor as UserId,
        based_on,
        report.totals.expected_end,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Err(Refusal::Stale.into());
    }
    let after = training::status_after_submission(registration, submission);
    sqlx::query!(
        "UPDATE trainings SET status = $2, submitted_at = COALESCE(submitted_at, $3) WHERE id = $1",
        training.id as TrainingId,
        after.code(),
        now,
    )
    .execute(&mut *tx)
    .await?;
    // Factureren bij indienen: the invoice is issued with the submission (once, also when a
    // rejected registration is submitted again).
    // Factureren op startdatum: the invoice goes out on the first day of the schedule.
    if submission == Submission::Registration {
        match training.invoicing {
            Invoicing::OnSubmission => {
                let invoice =
                    crate::billing::invoices::for_registration(&mut tx, training, today).await?;
                if invoice.is_open() {
                    crate::platform::jobs::schedule_payment_reminder(&mut tx, invoice.id, now)
                        .await?;
                }
            }
            Invoicing::OnStartDate => {
                let start: Option<NaiveDate> = sqlx::query_scalar!(
                    "SELECT min(start_date) FROM schedule_periods WHERE version_id = $1",
                    concept.id as VersionId,
                )
                .fetch_one(&mut *tx)
                .await?;
                crate::platform::jobs::schedule_start_date_invoice(
                    &mut tx,
                    training.id,
                    concept.id,
                    start.unwrap_or(today),
                    now,
                )
                .await?;
            }
        }
    }
    let (action, subject, what) = match submission {
        Submission::Registration => (
            "training.submitted",
            "Nieuw opleidingsschema ter beoordeling",
            "een aanvraag tot opleidingsregistratie met opleidingsschema",
        ),
        Submission::ChangeRequest => (
            "schedule.change_requested",
            "Wijzigingsverzoek opleidingsschema ter beoordeling",
            "een wijzigingsverzoek voor het opleidingsschema",
        ),
    };
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(action, Some(actor), Outcome::Success)
            .object("training", training.id)
            .details(json!({
                "version_id": concept.id,
                "version": concept.number,
                "warnings_acknowledged": warnings_acknowledged,
            })),
    )
    .await?;
    let body = crate::platform::mail::text(&mails::ScheduleSubmitted {
        supervisor: &training.supervisor_name,
        trainee: &training.trainee_name,
        what,
        specialty: &training.specialty_name,
        link: &state
            .config
            .link(&format!("/opleider/aios/{}", training.id)),
    })?;
    crate::trainings::training::mail_supervisor(&mut tx, now, training, subject, body).await?;
    // And the aios is told that it arrived, in the same transaction.
    let receipt = crate::platform::mail::text(&mails::SubmittedReceipt {
        trainee: &training.trainee_name,
        supervisor: &training.supervisor_name,
        what,
        specialty: &training.specialty_name,
        registration: submission == Submission::Registration,
        link: &state
            .config
            .link(&format!("/aios/opleidingen/{}", training.id)),
    })?;
    let receipt_subject = match submission {
        Submission::Registration => "Uw aanvraag tot opleidingsregistratie is ingediend",
        Submission::ChangeRequest => "Uw wijzigingsverzoek is ingediend",
    };
    crate::trainings::training::mail_trainee(&mut tx, now, training, receipt_subject, receipt)
        .await?;
    tx.commit().await?;
    Ok(Submitted::Now(submission))
}

/// Starts a new concept: a copy of the current version (a change request) or of the version
/// the opleider rejected (to correct it), with every item keeping its identity.
pub async fn start_change(
    state: &AppState,
    meta: &Origin,
    actor: UserId,
    training: &Training,
) -> Result<(), ChangeError> {
    let mut tx = state.db.begin().await?;
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let versions = Versions {
        all: versions(&mut tx, training.id).await?,
    };
    training::may_start_change(
        registration,
        versions.concept().is_some(),
        versions.submitted().is_some(),
    )?;
    let newest = versions.all.first().ok_or(Refusal::NoChangeRequestNow)?;
    let source = match training::concept_source(newest.status) {
        ConceptSource::Newest => newest,
        ConceptSource::Current => versions.current().ok_or(Refusal::NoChangeRequestNow)?,
    };
    let number = newest.number + 1;
    let concept = VersionId::generate();
    copy_version(&mut tx, source.id, concept, training.id, number, actor).await?;
    crate::platform::jobs::schedule_concept_reminder(&mut tx, concept, state.clock.now()).await?;
    audit::record(
        &mut tx,
        state.clock.now(),
        meta,
        AuditEntry::new("schedule.change_started", Some(actor), Outcome::Success)
            .object("training", training.id)
            .details(json!({ "version_id": concept, "version": number, "based_on": source.id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Copies version `from` into a new concept `to` numbered `number`, every item keeping its
/// origin, so the differences can be shown item by item.
pub async fn copy_version(
    conn: &mut PgConnection,
    from: VersionId,
    to: VersionId,
    training: TrainingId,
    number: i32,
    actor: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO schedule_versions (id, training_id, number, status, based_on_id, created_by)
         VALUES ($1, $2, $3, 'concept', $4, $5)",
        to as VersionId,
        training as TrainingId,
        number,
        from as VersionId,
        actor as UserId,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO schedule_periods (id, version_id, origin_id, part, label, institution_id,
                                       supervisor_id, start_date, end_date, part_time_pct)
         SELECT gen_random_uuid(), $2, origin_id, part, label, institution_id, supervisor_id,
                start_date, end_date, part_time_pct
         FROM schedule_periods WHERE version_id = $1",
        from as VersionId,
        to as VersionId,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO schedule_interruptions (id, version_id, origin_id, kind, start_date, end_date,
                                             institution_id, note, entered_by_rgs)
         SELECT gen_random_uuid(), $2, origin_id, kind, start_date, end_date, institution_id,
                note, entered_by_rgs
         FROM schedule_interruptions WHERE version_id = $1",
        from as VersionId,
        to as VersionId,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO schedule_extensions (id, version_id, part, months, reason)
         SELECT gen_random_uuid(), $2, part, months, reason
         FROM schedule_extensions WHERE version_id = $1",
        from as VersionId,
        to as VersionId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Withdraws the concept of a change request, if still at revision `based_on`. The version
/// stays in the history as withdrawn.
pub async fn withdraw(
    state: &AppState,
    meta: &Origin,
    actor: UserId,
    training: &Training,
    based_on: i32,
) -> Result<(), ChangeError> {
    let mut tx = state.db.begin().await?;
    let registration = crate::trainings::training::lock_status(&mut tx, training.id).await?;
    let (version, _) = lock_concept(&mut tx, training.id, based_on).await?;
    training::may_withdraw(registration, VersionStatus::Concept)?;
    let now = state.clock.now();
    sqlx::query!(
        "UPDATE schedule_versions SET status = 'ingetrokken', withdrawn_at = $2 WHERE id = $1",
        version as VersionId,
        now,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("schedule.change_withdrawn", Some(actor), Outcome::Success)
            .object("training", training.id)
            .details(json!({ "version_id": version })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reminds the aios that version `version` is still a concept, if it is: a concept has no
/// effect whatever until it is submitted (docs/domain/trainings.md). Run by the concept-reminder
/// job.
pub async fn remind_of_concept(
    state: &AppState,
    conn: &mut PgConnection,
    version: VersionId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT status AS "status: Stored<VersionStatus>", training_id AS "training_id: TrainingId", number
           FROM schedule_versions WHERE id = $1 FOR UPDATE"#,
        version as VersionId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((status, training, number)) =
        row.map(|row| (row.status.0, row.training_id, row.number))
    else {
        return Ok(());
    };
    if status != VersionStatus::Concept {
        return Ok(());
    }
    let training = crate::trainings::training::by_id(&mut *conn, training).await?;
    if !training.status.is_active() {
        return Ok(());
    }
    let (subject, what) = if number == 1 {
        (
            "Uw aanvraag staat nog op concept",
            "Uw aanvraag tot opleidingsregistratie",
        )
    } else {
        (
            "Uw wijziging staat nog op concept",
            "Uw wijzigingsverzoek voor het opleidingsschema",
        )
    };
    let body = crate::platform::mail::text(&mails::ConceptReminder {
        trainee: &training.trainee_name,
        what,
        specialty: &training.specialty_name,
        link: &state
            .config
            .link(&format!("/aios/opleidingen/{}", training.id)),
    })?;
    crate::trainings::training::mail_trainee(conn, now, &training, subject, body).await
}
