//! Trainings (opleidingen) of aios and their registrations in the opleidingsregister: the
//! queries and transactions around the pure rules of `rules::training`.
//!
//! Every function that reads one training takes the id of the user asking and only finds
//! trainings that user may see, so another person's training is "not found" (404).

use crate::platform::ids::{TrainingId, UserId, VersionId};
use chrono::{DateTime, NaiveDate, Utc};
use rules::code::Coded;
use rules::register_entry::Register;
use serde_json::json;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::basisgegevens::DetailsRow;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::state::AppState;
use crate::reference_data::lookup::SpecialtyRow;
use rules::person::PersonalDetails;
use rules::schedule::model::SpecialtyRules;
use rules::training::{Invoicing, RegistrationStatus};

/// One training of an aios, with its registration.
#[derive(Clone, Debug)]
pub struct Training {
    /// Id.
    pub id: TrainingId,
    /// The aios.
    pub trainee_id: UserId,
    /// The aios's name.
    pub trainee_name: String,
    /// The specialty or profile.
    pub specialty_id: Uuid,
    /// Its name.
    pub specialty_name: String,
    /// The opleidingsinstituut, for institute-based trainings.
    pub institute_name: Option<String>,
    /// The oordelend opleider.
    pub supervisor_id: UserId,
    /// Their name.
    pub supervisor_name: String,
    /// Their email address, for notifications.
    pub supervisor_email: String,
    /// The invoicing choice.
    pub invoicing: Invoicing,
    /// The registration status.
    pub status: RegistrationStatus,
    /// When the registration request was first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the training was created.
    pub created_at: DateTime<Utc>,
    /// The date of the aios's artsdiploma, which the rules engine checks the schedule
    /// against.
    pub trainee_diploma_date: Option<NaiveDate>,
}

/// A training as its statements read it, before its codes are checked.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct TrainingRow {
    pub(crate) id: TrainingId,
    trainee_id: UserId,
    trainee_name: String,
    specialty_id: Uuid,
    specialty_name: String,
    institute_name: Option<String>,
    supervisor_id: UserId,
    supervisor_name: String,
    supervisor_email: String,
    invoicing: Stored<Invoicing>,
    status: Stored<RegistrationStatus>,
    submitted_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    trainee_diploma_date: Option<NaiveDate>,
}

impl TrainingRow {
    pub(crate) fn into_training(self) -> Training {
        Training {
            invoicing: self.invoicing.0,
            status: self.status.0,
            id: self.id,
            trainee_id: self.trainee_id,
            trainee_name: self.trainee_name,
            specialty_id: self.specialty_id,
            specialty_name: self.specialty_name,
            institute_name: self.institute_name,
            supervisor_id: self.supervisor_id,
            supervisor_name: self.supervisor_name,
            supervisor_email: self.supervisor_email,
            submitted_at: self.submitted_at,
            created_at: self.created_at,
            trainee_diploma_date: self.trainee_diploma_date,
        }
    }
}

/// Who reads a training: a read finds only the trainings its reader may see, so another
/// person's training is "not found" (404).
#[derive(Clone, Copy, Debug)]
pub enum Reader {
    /// The aios whose training it is.
    Trainee(UserId),
    /// Its oordelend opleider, or an ondersteuner with an active delegation from that
    /// opleider; never a training that is still a concept (never submitted, it has no effect
    /// yet).
    Decider(UserId),
    /// The portal's own work (jobs) and the RGS, who may see every training; never for
    /// another user's request.
    Portal,
}

impl Reader {
    /// The statement's filters: the trainee, the decider.
    fn filters(self) -> (Option<UserId>, Option<UserId>) {
        match self {
            Reader::Trainee(trainee) => (Some(trainee), None),
            Reader::Decider(decider) => (None, Some(decider)),
            Reader::Portal => (None, None),
        }
    }
}

/// Training `id` if `reader` may see it.
pub(crate) async fn read(
    conn: &mut PgConnection,
    id: TrainingId,
    reader: Reader,
) -> Result<Option<Training>, sqlx::Error> {
    let (trainee, decider) = reader.filters();
    // The reader's filters are the same in `read_with_rules`.
    let row = sqlx::query_as!(
        TrainingRow,
        r#"SELECT t.id AS "id!: TrainingId", t.trainee_id AS "trainee_id!: UserId", t.trainee_name AS "trainee_name!",
                  t.specialty_id AS "specialty_id!", t.specialty_name AS "specialty_name!",
                  t.institute_name, t.supervisor_id AS "supervisor_id!: UserId",
                  t.supervisor_name AS "supervisor_name!",
                  t.supervisor_email AS "supervisor_email!",
                  t.invoicing AS "invoicing!: Stored<Invoicing>",
                  t.status AS "status!: Stored<RegistrationStatus>", t.submitted_at,
                  t.created_at AS "created_at!",
                  t.trainee_diploma_date
           FROM training_rows() t
           WHERE t.id = $1
             AND ($2::uuid IS NULL OR t.trainee_id = $2)
             AND ($3::uuid IS NULL OR (t.status <> 'concept' AND (t.supervisor_id = $3 OR EXISTS (
                   SELECT 1 FROM role_assignments r
                   WHERE r.user_id = $3 AND r.role = 'ondersteuner'
                     AND r.supervisor_id = t.supervisor_id AND r.revoked_at IS NULL))))"#,
        id as TrainingId,
        trainee as Option<UserId>,
        decider as Option<UserId>,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(TrainingRow::into_training))
}

/// Training `id` with its specialty's rules if `reader` may see it: one statement for what
/// every training page starts with.
pub(crate) async fn read_with_rules(
    conn: &mut PgConnection,
    id: TrainingId,
    reader: Reader,
) -> Result<Option<(Training, SpecialtyRules)>, sqlx::Error> {
    use crate::reference_data::lookup::{PartRow, TypeRow};
    use sqlx::types::Json;
    struct Row {
        id: TrainingId,
        trainee_id: UserId,
        trainee_name: String,
        specialty_id: Uuid,
        specialty_name: String,
        institute_name: Option<String>,
        supervisor_id: UserId,
        supervisor_name: String,
        supervisor_email: String,
        invoicing: Stored<Invoicing>,
        status: Stored<RegistrationStatus>,
        submitted_at: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
        trainee_diploma_date: Option<NaiveDate>,
        rules_name: String,
        eu_minimum_months: Option<i32>,
        parts: Json<Vec<PartRow>>,
        institutions: Vec<Uuid>,
        supervisors: Vec<Uuid>,
        interruption_types: Json<Vec<TypeRow>>,
    }
    let (trainee, decider) = reader.filters();
    let row = sqlx::query_as!(
        Row,
        r#"SELECT t.id AS "id!: TrainingId", t.trainee_id AS "trainee_id!: UserId", t.trainee_name AS "trainee_name!",
                  t.specialty_id AS "specialty_id!", t.specialty_name AS "specialty_name!",
                  t.institute_name, t.supervisor_id AS "supervisor_id!: UserId",
                  t.supervisor_name AS "supervisor_name!",
                  t.supervisor_email AS "supervisor_email!",
                  t.invoicing AS "invoicing!: Stored<Invoicing>",
                  t.status AS "status!: Stored<RegistrationStatus>", t.submitted_at,
                  t.created_at AS "created_at!",
                  t.trainee_diploma_date,
                  r.name AS "rules_name!", r.eu_minimum_months,
                  r.parts AS "parts!: Json<Vec<PartRow>>", r.institutions AS "institutions!",
                  r.supervisors AS "supervisors!",
                  r.interruption_types AS "interruption_types!: Json<Vec<TypeRow>>"
           FROM training_rows() t CROSS JOIN LATERAL specialty_rules(t.specialty_id) r
           WHERE t.id = $1
             AND ($2::uuid IS NULL OR t.trainee_id = $2)
             AND ($3::uuid IS NULL OR (t.status <> 'concept' AND (t.supervisor_id = $3 OR EXISTS (
                   SELECT 1 FROM role_assignments r
                   WHERE r.user_id = $3 AND r.role = 'ondersteuner'
                     AND r.supervisor_id = t.supervisor_id AND r.revoked_at IS NULL))))"#,
        id as TrainingId,
        trainee as Option<UserId>,
        decider as Option<UserId>,
    )
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let rules = SpecialtyRow {
        name: row.rules_name,
        eu_minimum_months: row.eu_minimum_months,
        parts: row.parts,
        institutions: row.institutions,
        supervisors: row.supervisors,
        interruption_types: row.interruption_types,
    }
    .into_rules();
    let training = TrainingRow {
        id: row.id,
        trainee_id: row.trainee_id,
        trainee_name: row.trainee_name,
        specialty_id: row.specialty_id,
        specialty_name: row.specialty_name,
        institute_name: row.institute_name,
        supervisor_id: row.supervisor_id,
        supervisor_name: row.supervisor_name,
        supervisor_email: row.supervisor_email,
        invoicing: row.invoicing,
        status: row.status,
        submitted_at: row.submitted_at,
        created_at: row.created_at,
        trainee_diploma_date: row.trainee_diploma_date,
    }
    .into_training();
    Ok(Some((training, rules)))
}

/// The trainings of `rows`, as the SQL function `trainings_of_trainee` reads them.
pub(crate) fn trainings_of(rows: Vec<TrainingRow>) -> Vec<Training> {
    rows.into_iter().map(TrainingRow::into_training).collect()
}

/// The trainings of aios `trainee`, oldest first.
pub async fn for_trainee(db: &PgPool, trainee: UserId) -> Result<Vec<Training>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"SELECT trainings AS "trainings!: sqlx::types::Json<Vec<TrainingRow>>"
           FROM trainings_of_trainee($1)"#,
        trainee as UserId,
    )
    .fetch_one(db)
    .await?;
    Ok(trainings_of(rows.0))
}

/// One training as the aios overview lists it: only what that page shows.
#[derive(Clone, Debug)]
pub struct OverviewEntry {
    /// The training.
    pub id: TrainingId,
    /// The specialty.
    pub specialty_name: String,
    /// The oordelend opleider.
    pub supervisor_name: String,
    /// The registration status.
    pub status: RegistrationStatus,
    /// Whether it has a concept version (a schedule or change request being written).
    pub has_concept: bool,
}

/// The aios overview of `trainee`: their basisgegevens (to say what is missing before a
/// training can be created) and their trainings, oldest first. One query for the page, which
/// joins only what the overview shows (the training pages read a [`Training`] whole).
pub async fn overview_of_trainee(
    db: &mut PgConnection,
    trainee: UserId,
) -> Result<(PersonalDetails, Vec<OverviewEntry>), sqlx::Error> {
    // The basisgegevens, repeated on every row, and a training when there is one.
    let rows = sqlx::query!(
        r#"SELECT u.full_name, p.date_of_birth, p.big_number, p.diploma_date, p.faculty_code,
                  p.phone, p.street, p.postcode, p.city, p.revision AS "revision?",
                  tr.id AS "training_id?: TrainingId", tr.specialty_name AS "specialty_name?",
                  tr.supervisor_name AS "supervisor_name?",
                  tr.status AS "status?: Stored<RegistrationStatus>",
                  tr.has_concept AS "has_concept?"
           FROM users u
           LEFT JOIN personal_details p ON p.user_id = u.id
           LEFT JOIN LATERAL (
               SELECT t.id, s.name AS specialty_name, o.full_name AS supervisor_name,
                      t.status, t.created_at,
                      EXISTS (SELECT 1 FROM schedule_versions v
                              WHERE v.training_id = t.id AND v.status = 'concept')
                          AS has_concept
               FROM trainings t
               JOIN specialties s ON s.id = t.specialty_id
               JOIN users o ON o.id = t.supervisor_id
               WHERE t.trainee_id = u.id
           ) tr ON true
           WHERE u.id = $1
           ORDER BY tr.created_at, tr.id"#,
        trainee as UserId,
    )
    .fetch_all(db)
    .await?;
    let mut details = None;
    let mut trainings = Vec::with_capacity(rows.len());
    for row in rows {
        if let (Some(id), Some(specialty_name), Some(supervisor_name), Some(status)) = (
            row.training_id,
            row.specialty_name,
            row.supervisor_name,
            row.status,
        ) {
            trainings.push(OverviewEntry {
                id,
                specialty_name,
                supervisor_name,
                status: status.0,
                has_concept: row.has_concept.unwrap_or(false),
            });
        }
        details.get_or_insert(DetailsRow {
            full_name: row.full_name,
            date_of_birth: row.date_of_birth,
            big_number: row.big_number,
            diploma_date: row.diploma_date,
            faculty_code: row.faculty_code,
            phone: row.phone,
            street: row.street,
            postcode: row.postcode,
            city: row.city,
            revision: row.revision,
        });
    }
    let (details, _) = details.ok_or(sqlx::Error::RowNotFound)?.into_parts();
    Ok((details, trainings))
}

/// Training `id` if it belongs to aios `trainee`; `None` otherwise (someone else's: 404).
pub async fn of_trainee(
    conn: &mut PgConnection,
    id: TrainingId,
    trainee: UserId,
) -> Result<Option<Training>, sqlx::Error> {
    read(conn, id, Reader::Trainee(trainee)).await
}

/// Training `id` with its specialty's rules, if it belongs to aios `trainee`; `None`
/// otherwise (someone else's: 404).
pub async fn of_trainee_with_rules(
    conn: &mut PgConnection,
    id: TrainingId,
    trainee: UserId,
) -> Result<Option<(Training, SpecialtyRules)>, sqlx::Error> {
    read_with_rules(conn, id, Reader::Trainee(trainee)).await
}

/// Training `id` with its specialty's rules, whoever's it is: for the RGS, who may see every
/// training; never for another user's request.
pub async fn find_with_rules(
    conn: &mut PgConnection,
    id: TrainingId,
) -> Result<Option<(Training, SpecialtyRules)>, sqlx::Error> {
    read_with_rules(conn, id, Reader::Portal).await
}

/// Training `id`, whoever's it is: for the portal's own work (jobs) and for the RGS, who may
/// see every training; never for another user's request.
pub async fn find(
    conn: &mut PgConnection,
    id: TrainingId,
) -> Result<Option<Training>, sqlx::Error> {
    read(conn, id, Reader::Portal).await
}

/// Training `id`, which must exist: only for work the portal does itself (jobs).
pub(crate) async fn by_id(
    conn: &mut PgConnection,
    id: TrainingId,
) -> Result<Training, sqlx::Error> {
    find(conn, id).await?.ok_or(sqlx::Error::RowNotFound)
}

/// A specialty to choose when creating a training.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SpecialtyOption {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The register it leads to.
    pub register: Stored<Register>,
    /// Whether an opleidingsinstituut must be chosen.
    pub institute_based: bool,
}

/// Every specialty and profile, by name.
pub async fn specialties(db: &PgPool) -> Result<Vec<SpecialtyOption>, sqlx::Error> {
    sqlx::query_as!(
        SpecialtyOption,
        r#"SELECT id, name, register AS "register: Stored<Register>", institute_based
           FROM specialties ORDER BY register DESC, name"#,
    )
    .fetch_all(db)
    .await
}

/// An option of a select list: id and label.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Choice {
    /// Id.
    pub id: Uuid,
    /// What the list shows.
    pub label: String,
}

/// The institutes that run specialty `specialty`, by name.
pub async fn institutes_for(db: &PgPool, specialty: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        r#"SELECT i.id, i.name || ', ' || i.city AS "label!" FROM institutes i
           JOIN specialty_institutes si ON si.institute_id = i.id AND si.specialty_id = $1
           ORDER BY i.name"#,
        specialty,
    )
    .fetch_all(db)
    .await
}

/// The choices of the forms about a training of one specialty.
#[derive(Clone, Debug)]
pub struct Choices {
    /// The opleidingsinstituten that run it.
    pub institutes: Vec<Choice>,
    /// The institutions a period can be at.
    pub institutions: Vec<Choice>,
    /// The opleiders recognised for it, never the aios asking.
    pub supervisors: Vec<Choice>,
}

/// The institutes, institutions and opleiders to choose from for a training of `specialty`
/// by aios `asking`: one statement for a whole form.
pub async fn choices_for(
    db: &PgPool,
    specialty: Uuid,
    asking: UserId,
) -> Result<Choices, sqlx::Error> {
    use sqlx::types::Json;
    let row = sqlx::query!(
        r#"SELECT
             -- The institutes that run the specialty (as `institutes_for`).
             (SELECT COALESCE(json_agg(x ORDER BY x.name), '[]')
              FROM (SELECT i.id, i.name || ', ' || i.city AS label, i.name FROM institutes i
                    JOIN specialty_institutes si
                      ON si.institute_id = i.id AND si.specialty_id = $1) x)
               AS "institutes!: Json<Vec<Choice>>",
             -- The institutions a period can be at: the recognised ones when recognitions are
             -- known for the specialty, otherwise all.
             (SELECT COALESCE(json_agg(x ORDER BY x.name, x.city), '[]')
              FROM (SELECT i.id, i.name || ', ' || i.city AS label, i.name, i.city
                    FROM institutions i
                    WHERE NOT EXISTS (SELECT 1 FROM recognitions WHERE specialty_id = $1)
                       OR i.id IN (SELECT institution_id FROM recognitions
                                   WHERE specialty_id = $1)) x)
               AS "institutions!: Json<Vec<Choice>>",
             -- The opleiders recognised for the specialty, with where they train; never the
             -- aios themselves (an opleider in a second training is not their own opleider).
             (SELECT COALESCE(json_agg(x ORDER BY x.full_name), '[]')
              FROM (SELECT u.id, u.full_name,
                           u.full_name || ' (' || string_agg(DISTINCT i.name, ', ') || ')'
                             AS label
                    FROM users u
                    JOIN role_assignments r ON r.user_id = u.id AND r.role = 'opleider'
                         AND r.revoked_at IS NULL AND r.specialty_id = $1
                    JOIN institutions i ON i.id = r.institution_id
                    WHERE u.id <> $2
                    GROUP BY u.id, u.full_name) x)
               AS "supervisors!: Json<Vec<Choice>>""#,
        specialty,
        asking as UserId,
    )
    .fetch_one(db)
    .await?;
    Ok(Choices {
        institutes: row.institutes.0,
        institutions: row.institutions.0,
        supervisors: row.supervisors.0,
    })
}

/// What the aios chose for a new training, checked against the reference data by the caller.
#[derive(Clone, Debug)]
pub struct NewTraining {
    /// The specialty.
    pub specialty_id: Uuid,
    /// The institute, for institute-based trainings.
    pub institute_id: Option<Uuid>,
    /// The oordelend opleider.
    pub supervisor_id: UserId,
    /// The invoicing choice.
    pub invoicing: Invoicing,
}

/// Why a training was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The aios already has a running training in this specialty.
    #[error("duplicate training")]
    Duplicate,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates a training for `trainee` with its registration in status concept and an empty
/// concept schedule (version 1), which takes its parts from the specialty.
pub async fn create(
    state: &AppState,
    meta: &Origin,
    trainee: UserId,
    new: &NewTraining,
) -> Result<TrainingId, CreateError> {
    let mut tx = state.db.begin().await?;
    // Serialises two creations by the same aios (double click), so the duplicate check holds.
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        trainee as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let existing = sqlx::query_scalar!(
        r#"SELECT status AS "status: Stored<RegistrationStatus>" FROM trainings
           WHERE trainee_id = $1 AND specialty_id = $2"#,
        trainee as UserId,
        new.specialty_id,
    )
    .fetch_all(&mut *tx)
    .await?;
    if existing.iter().any(|status| status.0.is_active()) {
        return Err(CreateError::Duplicate);
    }
    let now = state.clock.now();
    let id = TrainingId::generate();
    sqlx::query!(
        "INSERT INTO trainings (id, trainee_id, specialty_id, institute_id, supervisor_id, invoicing)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id as TrainingId,
        trainee as UserId,
        new.specialty_id,
        new.institute_id,
        new.supervisor_id as UserId,
        new.invoicing.code(),
    )
    .execute(&mut *tx)
    .await?;
    let version = VersionId::generate();
    sqlx::query!(
        "INSERT INTO schedule_versions (id, training_id, number, status, created_by)
         VALUES ($1, $2, 1, 'concept', $3)",
        version as VersionId,
        id as TrainingId,
        trainee as UserId,
    )
    .execute(&mut *tx)
    .await?;
    crate::platform::jobs::schedule_concept_reminder(&mut tx, version, now).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("training.created", Some(trainee), Outcome::Success)
            .object("training", id)
            .details(json!({
                "specialty_id": new.specialty_id,
                "supervisor_id": new.supervisor_id,
                "invoicing": new.invoicing.code(),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Locks training `id` for the rest of the transaction and returns its registration status:
/// every move that changes the status starts here, so two moves never interleave.
pub(crate) async fn lock_status(
    conn: &mut PgConnection,
    id: TrainingId,
) -> Result<RegistrationStatus, sqlx::Error> {
    let status = sqlx::query_scalar!(
        r#"SELECT status AS "status: Stored<RegistrationStatus>" FROM trainings
           WHERE id = $1 FOR UPDATE"#,
        id as TrainingId,
    )
    .fetch_one(conn)
    .await?;
    Ok(status.0)
}

/// Queues `subject` and `body` for the aios of `training`, in the caller's transaction.
pub(crate) async fn mail_trainee(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    training: &Training,
    subject: &str,
    body: String,
) -> Result<(), sqlx::Error> {
    let to: String = sqlx::query_scalar!(
        "SELECT email FROM users WHERE id = $1",
        training.trainee_id as UserId,
    )
    .fetch_one(&mut *conn)
    .await?;
    crate::platform::mail::enqueue(
        conn,
        now,
        &crate::platform::mail::OutgoingEmail {
            attachments: Vec::new(),
            to_address: to,
            to_name: Some(training.trainee_name.clone()),
            subject: subject.to_owned(),
            body,
        },
    )
    .await?;
    Ok(())
}

/// Queues `subject` and `body` for the oordelend opleider of `training`, in the caller's
/// transaction.
pub(crate) async fn mail_supervisor(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    training: &Training,
    subject: &str,
    body: String,
) -> Result<(), sqlx::Error> {
    crate::platform::mail::enqueue(
        conn,
        now,
        &crate::platform::mail::OutgoingEmail {
            attachments: Vec::new(),
            to_address: training.supervisor_email.clone(),
            to_name: Some(training.supervisor_name.clone()),
            subject: subject.to_owned(),
            body,
        },
    )
    .await?;
    Ok(())
}
