//! The back office's upkeep of the reference data (docs/domain/reference-data.md): institutions,
//! institutes, interruption types, fees, specialties with their parts, and recognitions. Every
//! change is one transaction with its audit record. An edit carries the `updated_at` of the row it
//! was based on: when someone changed the row in between, the edit is refused, not applied over it.
//!
//! Issued invoices keep their amounts (they are stored on the invoice and cannot change), and
//! decisions keep their records; a fee that may have priced an issued invoice cannot be
//! changed at all.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use rules::reference_data;
use rules::register_entry::Register;

/// Why a change was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The row changed since the form was opened (or is gone).
    #[error("changed in between")]
    Conflict,
    /// The name or code is taken.
    #[error("duplicate")]
    Duplicate,
    /// The row may not change (a fee already invoiced).
    #[error("locked")]
    Locked,
    /// The database failed.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
                SaveError::Duplicate
            }
            _ => SaveError::Database(e),
        }
    }
}

/// The token an edit form carries: the row's `updated_at` in microseconds.
pub fn token(updated_at: DateTime<Utc>) -> String {
    updated_at.timestamp_micros().to_string()
}

/// The `updated_at` a posted token stands for.
pub fn parse_token(raw: &str) -> Option<DateTime<Utc>> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
}

/// Records the change and commits.
async fn finish(
    mut tx: Transaction<'_, Postgres>,
    (state, meta): (&AppState, &Origin),
    clerk: UserId,
    (action, kind, id): (&str, &str, impl ToString),
    details: Value,
) -> Result<(), SaveError> {
    audit::record(
        &mut tx,
        state.clock.now(),
        meta,
        AuditEntry::new(action, Some(clerk), Outcome::Success)
            .object(kind, id)
            .details(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn changed(rows: u64) -> Result<(), SaveError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(SaveError::Conflict)
    }
}

// ---------------------------------------------------------------------------------------
// Institutions and institutes

/// An opleidingsinrichting.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Institution {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// Kind code.
    pub kind: String,
    /// The edit token's source.
    pub updated_at: DateTime<Utc>,
}

/// Every institution, by name.
pub async fn institutions(db: &PgPool) -> Result<Vec<Institution>, sqlx::Error> {
    sqlx::query_as!(
        Institution,
        "SELECT id, name, city, kind, updated_at FROM institutions ORDER BY name, city"
    )
    .fetch_all(db)
    .await
}

/// Institution `id`.
pub async fn institution(db: &PgPool, id: Uuid) -> Result<Option<Institution>, sqlx::Error> {
    sqlx::query_as!(
        Institution,
        "SELECT id, name, city, kind, updated_at FROM institutions WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await
}

/// What an institution form holds, checked.
#[derive(Clone, Debug)]
pub struct InstitutionInput {
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// Kind code.
    pub kind: &'static str,
}

/// Adds an institution, or changes institution `id` if it is still as of `based_on`.
pub async fn save_institution(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    existing: Option<(Uuid, DateTime<Utc>)>,
    input: &InstitutionInput,
) -> Result<Uuid, SaveError> {
    let mut tx = state.db.begin().await?;
    let (id, action) = match existing {
        None => {
            let id: Uuid = sqlx::query_scalar!(
                "INSERT INTO institutions (name, city, kind) VALUES ($1, $2, $3) RETURNING id",
                &input.name,
                &input.city,
                input.kind,
            )
            .fetch_one(&mut *tx)
            .await?;
            (id, "reference.institution_created")
        }
        Some((id, based_on)) => {
            changed(
                sqlx::query!(
                    "UPDATE institutions SET name = $2, city = $3, kind = $4
                     WHERE id = $1 AND updated_at = $5",
                    id,
                    &input.name,
                    &input.city,
                    input.kind,
                    based_on,
                )
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            (id, "reference.institution_changed")
        }
    };
    let details = json!({ "name": input.name, "city": input.city, "kind": input.kind });
    finish(
        tx,
        (state, meta),
        clerk,
        (action, "institution", id),
        details,
    )
    .await?;
    Ok(id)
}

/// An opleidingsinstituut.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Institute {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// The edit token's source.
    pub updated_at: DateTime<Utc>,
}

/// Every institute, by name.
pub async fn institutes(db: &PgPool) -> Result<Vec<Institute>, sqlx::Error> {
    sqlx::query_as!(
        Institute,
        "SELECT id, code, name, city, updated_at FROM institutes ORDER BY name"
    )
    .fetch_all(db)
    .await
}

/// Institute `id`.
pub async fn institute(db: &PgPool, id: Uuid) -> Result<Option<Institute>, sqlx::Error> {
    sqlx::query_as!(
        Institute,
        "SELECT id, code, name, city, updated_at FROM institutes WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await
}

/// What an institute form holds, checked.
#[derive(Clone, Debug)]
pub struct InstituteInput {
    /// Code (only for a new institute; a code never changes).
    pub code: String,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
}

/// Adds an institute, or changes the name and city of institute `id` if still as of
/// `based_on`.
pub async fn save_institute(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    existing: Option<(Uuid, DateTime<Utc>)>,
    input: &InstituteInput,
) -> Result<Uuid, SaveError> {
    let mut tx = state.db.begin().await?;
    let (id, action) = match existing {
        None => {
            let id: Uuid = sqlx::query_scalar!(
                "INSERT INTO institutes (code, name, city) VALUES ($1, $2, $3) RETURNING id",
                &input.code,
                &input.name,
                &input.city,
            )
            .fetch_one(&mut *tx)
            .await?;
            (id, "reference.institute_created")
        }
        Some((id, based_on)) => {
            changed(
                sqlx::query!(
                    "UPDATE institutes SET name = $2, city = $3 WHERE id = $1 AND updated_at = $4",
                    id,
                    &input.name,
                    &input.city,
                    based_on,
                )
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            (id, "reference.institute_changed")
        }
    };
    let details = json!({ "code": input.code, "name": input.name, "city": input.city });
    finish(tx, (state, meta), clerk, (action, "institute", id), details).await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------
// Interruption types

/// A kind of interruption.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InterruptionType {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Whether it counts towards the 10 working days per training year.
    pub counts_towards_limit: bool,
    /// Place in lists.
    pub position: i16,
    /// The edit token's source.
    pub updated_at: DateTime<Utc>,
}

/// Every interruption type, in list order.
pub async fn interruption_types(db: &PgPool) -> Result<Vec<InterruptionType>, sqlx::Error> {
    sqlx::query_as!(
        InterruptionType,
        "SELECT code, name, counts_towards_limit, position, updated_at FROM interruption_types
         ORDER BY position, name",
    )
    .fetch_all(db)
    .await
}

/// Interruption type `code`.
pub async fn interruption_type(
    db: &PgPool,
    code: &str,
) -> Result<Option<InterruptionType>, sqlx::Error> {
    sqlx::query_as!(
        InterruptionType,
        "SELECT code, name, counts_towards_limit, position, updated_at FROM interruption_types
         WHERE code = $1",
        code,
    )
    .fetch_optional(db)
    .await
}

/// What an interruption type form holds, checked.
#[derive(Clone, Debug)]
pub struct InterruptionTypeInput {
    /// Code (only for a new type).
    pub code: String,
    /// Name.
    pub name: String,
    /// Counts towards the 10 days.
    pub counts_towards_limit: bool,
}

/// Adds an interruption type (at the end of the list), or changes type `code` if still as of
/// `based_on`.
pub async fn save_interruption_type(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    based_on: Option<DateTime<Utc>>,
    input: &InterruptionTypeInput,
) -> Result<(), SaveError> {
    let mut tx = state.db.begin().await?;
    let action = match based_on {
        None => {
            sqlx::query!(
                "INSERT INTO interruption_types (code, name, counts_towards_limit, position)
                 VALUES ($1, $2, $3,
                         (SELECT COALESCE(max(position), 0) + 1 FROM interruption_types))",
                &input.code,
                &input.name,
                input.counts_towards_limit,
            )
            .execute(&mut *tx)
            .await?;
            "reference.interruption_type_created"
        }
        Some(based_on) => {
            changed(
                sqlx::query!(
                    "UPDATE interruption_types SET name = $2, counts_towards_limit = $3
                     WHERE code = $1 AND updated_at = $4",
                    &input.code,
                    &input.name,
                    input.counts_towards_limit,
                    based_on,
                )
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            "reference.interruption_type_changed"
        }
    };
    let details = json!({
        "name": input.name,
        "counts_towards_limit": input.counts_towards_limit,
    });
    finish(
        tx,
        (state, meta),
        clerk,
        (action, "interruption_type", &input.code),
        details,
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Fees

/// A fee by year, product and cluster.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Fee {
    /// Id.
    pub id: Uuid,
    /// From which year it applies.
    pub year: i16,
    /// Product code.
    pub product: String,
    /// Cluster, or none for every cluster.
    pub cluster: Option<i16>,
    /// Including VAT, in cents.
    pub amount_cents: i32,
    /// The edit token's source.
    pub updated_at: DateTime<Utc>,
    /// Whether it may still change (no invoice it may have priced).
    #[sqlx(default)]
    pub may_change: bool,
}

impl Fee {
    /// The amount, the Dutch way.
    pub fn amount(&self) -> String {
        rules::money::Money::cents(i64::from(self.amount_cents)).to_string()
    }

    /// The product in words.
    pub fn product_label(&self) -> &'static str {
        reference_data::product_label(&self.product)
    }
}

async fn invoiced_years(conn: &mut PgConnection, product: &str) -> sqlx::Result<Vec<i16>> {
    sqlx::query_scalar!(
        "SELECT DISTINCT year FROM invoices WHERE product = $1 AND credit_for IS NULL",
        product,
    )
    .fetch_all(conn)
    .await
}

async fn with_locks(conn: &mut PgConnection, mut fees: Vec<Fee>) -> sqlx::Result<Vec<Fee>> {
    // The invoiced years of every product in one statement.
    let invoiced = sqlx::query!(
        r#"SELECT product, array_agg(DISTINCT year) AS "years!" FROM invoices
           WHERE credit_for IS NULL GROUP BY product"#,
    )
    .fetch_all(&mut *conn)
    .await?;
    for fee in &mut fees {
        let years = invoiced
            .iter()
            .find(|row| row.product == fee.product)
            .map_or(&[][..], |row| row.years.as_slice());
        fee.may_change = reference_data::fee_may_change(fee.year, years);
    }
    Ok(fees)
}

/// Every fee, newest year first.
pub async fn fees(db: &PgPool) -> Result<Vec<Fee>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let fees = sqlx::query_as!(
        Fee,
        // `may_change` is filled in by `with_locks`.
        r#"SELECT id, year, product, cluster, amount_cents, updated_at, false AS "may_change!"
           FROM fees ORDER BY year DESC, product, cluster NULLS FIRST"#,
    )
    .fetch_all(&mut *conn)
    .await?;
    with_locks(&mut conn, fees).await
}

/// Fee `id`.
pub async fn fee(db: &PgPool, id: Uuid) -> Result<Option<Fee>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    let fee: Option<Fee> = sqlx::query_as!(
        Fee,
        // `may_change` is filled in by `with_locks`.
        r#"SELECT id, year, product, cluster, amount_cents, updated_at, false AS "may_change!"
           FROM fees WHERE id = $1"#,
        id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match fee {
        Some(fee) => with_locks(&mut conn, vec![fee]).await?.pop(),
        None => None,
    })
}

/// What a fee form holds, checked.
#[derive(Clone, Debug)]
pub struct FeeInput {
    /// Year.
    pub year: i16,
    /// Product code.
    pub product: &'static str,
    /// Cluster, or none.
    pub cluster: Option<i16>,
    /// Cents.
    pub amount_cents: i32,
}

/// Adds a fee, or changes the amount of fee `id` if still as of `based_on` and not invoiced.
pub async fn save_fee(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    existing: Option<(Uuid, DateTime<Utc>)>,
    input: &FeeInput,
) -> Result<Uuid, SaveError> {
    let mut tx = state.db.begin().await?;
    let (id, action) = match existing {
        None => {
            let id: Uuid = sqlx::query_scalar!(
                "INSERT INTO fees (year, product, cluster, amount_cents) VALUES ($1, $2, $3, $4)
                 RETURNING id",
                input.year,
                input.product,
                input.cluster,
                input.amount_cents,
            )
            .fetch_one(&mut *tx)
            .await?;
            (id, "reference.fee_created")
        }
        Some((id, based_on)) => {
            let row = sqlx::query!(
                "SELECT year, product FROM fees WHERE id = $1 FOR UPDATE",
                id
            )
            .fetch_optional(&mut *tx)
            .await?;
            let (year, product) = row
                .map(|row| (row.year, row.product))
                .ok_or(SaveError::Conflict)?;
            // An invoice issued at the same moment keeps the amount it was priced with: the
            // amount is stored on the invoice, which never changes.
            let years = invoiced_years(&mut tx, &product).await?;
            if !reference_data::fee_may_change(year, &years) {
                return Err(SaveError::Locked);
            }
            changed(
                sqlx::query!(
                    "UPDATE fees SET amount_cents = $2 WHERE id = $1 AND updated_at = $3",
                    id,
                    input.amount_cents,
                    based_on,
                )
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            (id, "reference.fee_changed")
        }
    };
    let details = json!({
        "year": input.year,
        "product": input.product,
        "cluster": input.cluster,
        "amount_cents": input.amount_cents,
    });
    finish(tx, (state, meta), clerk, (action, "fee", id), details).await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------
// Specialties, parts and recognitions

/// A specialty or profile.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Specialty {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// What its members are called ("internist"); may be empty.
    pub practitioner: String,
    /// The register it belongs to.
    pub register: Stored<Register>,
    /// Fee cluster.
    pub cluster: i16,
    /// EU minimum duration.
    pub eu_minimum_months: Option<i32>,
    /// Whether trainees choose an institute.
    pub institute_based: bool,
    /// Required months over all parts.
    pub required_months: i64,
    /// Recognised institutions.
    pub recognitions: i64,
    /// The edit token's source.
    pub updated_at: DateTime<Utc>,
}

impl Specialty {
    /// Its register's name.
    pub fn register_label(&self) -> &'static str {
        self.register.0.label()
    }
}

/// The specialties and profiles, by name: every one, or only `id`.
async fn specialty_rows(db: &PgPool, id: Option<Uuid>) -> Result<Vec<Specialty>, sqlx::Error> {
    sqlx::query_as!(
        Specialty,
        r#"SELECT s.id, s.code, s.name, s.practitioner,
                  s.register AS "register: Stored<Register>", s.cluster,
                  s.eu_minimum_months,
                  s.institute_based,
                  COALESCE((SELECT sum(required_months) FROM specialty_parts
                            WHERE specialty_id = s.id), 0)::bigint AS "required_months!",
                  (SELECT count(*) FROM recognitions WHERE specialty_id = s.id)
                    AS "recognitions!",
                  s.updated_at
           FROM specialties s
           WHERE ($1::uuid IS NULL OR s.id = $1)
           ORDER BY s.register DESC, s.name"#,
        id,
    )
    .fetch_all(db)
    .await
}

/// Every specialty and profile, by name.
pub async fn specialties(db: &PgPool) -> Result<Vec<Specialty>, sqlx::Error> {
    specialty_rows(db, None).await
}

/// Specialty `id`.
pub async fn specialty(db: &PgPool, id: Uuid) -> Result<Option<Specialty>, sqlx::Error> {
    Ok(specialty_rows(db, Some(id)).await?.into_iter().next())
}

/// One part of a specialty.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Part {
    /// Position, from 0.
    pub position: i16,
    /// Name.
    pub name: String,
    /// Required full-time months.
    pub required_months: i32,
    /// The edit token's source.
    pub updated_at: DateTime<Utc>,
}

/// A recognised institution of a specialty.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Recognition {
    /// The institution.
    pub institution_id: Uuid,
    /// Its name and city.
    pub label: String,
}

/// A specialty with what its page shows besides: its parts, the institutions recognised
/// for it and the others, and the institutes that run it and the others.
#[derive(Clone, Debug)]
pub struct SpecialtyFile {
    /// The specialty.
    pub specialty: Specialty,
    /// Its parts, in order.
    pub parts: Vec<Part>,
    /// The institutions recognised for it, by name.
    pub recognitions: Vec<Recognition>,
    /// The institutions not recognised for it, by name: the ones to add.
    pub other_institutions: Vec<Institution>,
    /// The institutes that run it, by name.
    pub linked_institutes: Vec<Recognition>,
    /// The institutes that do not, by name: the ones to link.
    pub other_institutes: Vec<Institute>,
}

/// Specialty `id` with its parts, recognitions and institutes (its lists in one statement).
pub async fn specialty_file(db: &PgPool, id: Uuid) -> Result<Option<SpecialtyFile>, sqlx::Error> {
    use sqlx::types::Json;
    let Some(specialty) = specialty(db, id).await? else {
        return Ok(None);
    };
    // Every list of its page in one statement.
    let lists = sqlx::query!(
        r#"SELECT (SELECT COALESCE(json_agg(x ORDER BY x.position), '[]')
                   FROM (SELECT position, name, required_months, updated_at
                         FROM specialty_parts WHERE specialty_id = s.id) x)
                    AS "parts!: Json<Vec<Part>>",
                  (SELECT COALESCE(json_agg(x ORDER BY x.name, x.city, x.institution_id), '[]')
                   FROM (SELECT i.id AS institution_id, i.name || ', ' || i.city AS label,
                                i.name, i.city
                         FROM recognitions r JOIN institutions i ON i.id = r.institution_id
                         WHERE r.specialty_id = s.id) x)
                    AS "recognised!: Json<Vec<Recognition>>",
                  (SELECT COALESCE(json_agg(x ORDER BY x.name, x.city, x.id), '[]')
                   FROM (SELECT i.id, i.name, i.city, i.kind, i.updated_at FROM institutions i
                         WHERE NOT EXISTS (SELECT 1 FROM recognitions r
                                           WHERE r.specialty_id = s.id
                                             AND r.institution_id = i.id)) x)
                    AS "other_institutions!: Json<Vec<Institution>>",
                  (SELECT COALESCE(json_agg(x ORDER BY x.name, x.institution_id), '[]')
                   FROM (SELECT i.id AS institution_id, i.name || ', ' || i.city AS label,
                                i.name
                         FROM specialty_institutes si
                         JOIN institutes i ON i.id = si.institute_id
                         WHERE si.specialty_id = s.id) x)
                    AS "linked_institutes!: Json<Vec<Recognition>>",
                  (SELECT COALESCE(json_agg(x ORDER BY x.name, x.id), '[]')
                   FROM (SELECT i.id, i.code, i.name, i.city, i.updated_at FROM institutes i
                         WHERE NOT EXISTS (SELECT 1 FROM specialty_institutes si
                                           WHERE si.specialty_id = s.id
                                             AND si.institute_id = i.id)) x)
                    AS "other_institutes!: Json<Vec<Institute>>"
           FROM (SELECT $1::uuid AS id) s"#,
        id,
    )
    .fetch_one(db)
    .await?;
    Ok(Some(SpecialtyFile {
        specialty,
        parts: lists.parts.0,
        recognitions: lists.recognised.0,
        other_institutions: lists.other_institutions.0,
        linked_institutes: lists.linked_institutes.0,
        other_institutes: lists.other_institutes.0,
    }))
}

/// What a specialty form holds, checked.
#[derive(Clone, Debug)]
pub struct SpecialtyInput {
    /// Code (only for a new specialty).
    pub code: String,
    /// Name.
    pub name: String,
    /// What its members are called ("internist"); may be empty.
    pub practitioner: String,
    /// "specialist" or "profiel" (only for a new specialty).
    pub register: &'static str,
    /// Fee cluster.
    pub cluster: i16,
    /// EU minimum.
    pub eu_minimum_months: Option<i32>,
    /// Institute-based.
    pub institute_based: bool,
    /// For a new specialty: the name and months of its one part.
    pub first_part: Option<(String, i32)>,
}

/// Adds a specialty with its first part, or changes specialty `id` if still as of `based_on`.
pub async fn save_specialty(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    existing: Option<(Uuid, DateTime<Utc>)>,
    input: &SpecialtyInput,
) -> Result<Uuid, SaveError> {
    let mut tx = state.db.begin().await?;
    let (id, action) = match existing {
        None => {
            let id: Uuid = sqlx::query_scalar!(
                "INSERT INTO specialties (code, name, register, cluster, eu_minimum_months,
                                          institute_based, practitioner)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &input.code,
                &input.name,
                input.register,
                input.cluster,
                input.eu_minimum_months,
                input.institute_based,
                &input.practitioner,
            )
            .fetch_one(&mut *tx)
            .await?;
            if let Some((name, months)) = &input.first_part {
                sqlx::query!(
                    "INSERT INTO specialty_parts (specialty_id, position, name, required_months)
                     VALUES ($1, 0, $2, $3)",
                    id,
                    name,
                    months,
                )
                .execute(&mut *tx)
                .await?;
            }
            (id, "reference.specialty_created")
        }
        Some((id, based_on)) => {
            changed(
                sqlx::query!(
                    "UPDATE specialties SET name = $2, cluster = $3, eu_minimum_months = $4,
                            institute_based = $5, practitioner = $7
                     WHERE id = $1 AND updated_at = $6",
                    id,
                    &input.name,
                    input.cluster,
                    input.eu_minimum_months,
                    input.institute_based,
                    based_on,
                    &input.practitioner,
                )
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            )?;
            (id, "reference.specialty_changed")
        }
    };
    let details = json!({
        "code": input.code,
        "name": input.name,
        "practitioner": input.practitioner,
        "cluster": input.cluster,
        "eu_minimum_months": input.eu_minimum_months,
        "institute_based": input.institute_based,
        "first_part": input.first_part,
    });
    finish(tx, (state, meta), clerk, (action, "specialty", id), details).await?;
    Ok(id)
}

/// Changes part `position` of specialty `id` if still as of `based_on`, to `name` with
/// `months` required.
pub async fn save_part(
    (state, meta): (&AppState, &Origin),
    clerk: UserId,
    (id, position, based_on): (Uuid, i16, DateTime<Utc>),
    name: &str,
    months: i32,
) -> Result<(), SaveError> {
    let mut tx = state.db.begin().await?;
    changed(
        sqlx::query!(
            "UPDATE specialty_parts SET name = $3, required_months = $4
             WHERE specialty_id = $1 AND position = $2 AND updated_at = $5",
            id,
            position,
            name,
            months,
            based_on,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    )?;
    let details = json!({ "position": position, "name": name, "required_months": months });
    finish(
        tx,
        (state, meta),
        clerk,
        ("reference.part_changed", "specialty", id),
        details,
    )
    .await
}

/// Recognises institution `institution` for specialty `id`, or withdraws the recognition.
/// False when there was nothing to do (already recognised, or not recognised).
pub async fn set_recognition(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    id: Uuid,
    institution: Uuid,
    recognised: bool,
) -> Result<bool, SaveError> {
    let mut tx = state.db.begin().await?;
    let rows = if recognised {
        sqlx::query!(
            "INSERT INTO recognitions (specialty_id, institution_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            id,
            institution,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query!(
            "DELETE FROM recognitions WHERE specialty_id = $1 AND institution_id = $2",
            id,
            institution,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    };
    if rows == 0 {
        return Ok(false);
    }
    let action = if recognised {
        "reference.recognition_added"
    } else {
        "reference.recognition_withdrawn"
    };
    let details = json!({ "institution_id": institution });
    finish(tx, (state, meta), clerk, (action, "specialty", id), details).await?;
    Ok(true)
}

/// Links institute `institute` to specialty `id` (it runs that training), or unlinks it.
/// False when there was nothing to do.
pub async fn set_institute(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    id: Uuid,
    institute: Uuid,
    linked: bool,
) -> Result<bool, SaveError> {
    let mut tx = state.db.begin().await?;
    let rows = if linked {
        sqlx::query!(
            "INSERT INTO specialty_institutes (specialty_id, institute_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            id,
            institute,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query!(
            "DELETE FROM specialty_institutes WHERE specialty_id = $1 AND institute_id = $2",
            id,
            institute,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    };
    if rows == 0 {
        return Ok(false);
    }
    let action = if linked {
        "reference.institute_linked"
    } else {
        "reference.institute_unlinked"
    };
    let details = json!({ "institute_id": institute });
    finish(tx, (state, meta), clerk, (action, "specialty", id), details).await?;
    Ok(true)
}
