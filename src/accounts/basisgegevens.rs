//! Reading and saving basisgegevens (docs/domain/accounts.md). A save carries the revision it was
//! based on; a save over a newer revision is refused, so two open tabs never overwrite each other.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use rules::account::FullName;
use rules::person::{BigNumber, PersonalDetails};

/// A faculty to choose on the form.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FacultyOption {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// The eight faculties, by name.
pub async fn faculties(db: &PgPool) -> Result<Vec<FacultyOption>, sqlx::Error> {
    sqlx::query_as!(
        FacultyOption,
        "SELECT code, name FROM faculties ORDER BY name"
    )
    .fetch_all(db)
    .await
}

/// One user's basisgegevens as stored (`users` with `personal_details`, which a user has only
/// after the first save).
pub(crate) struct DetailsRow {
    pub(crate) full_name: String,
    pub(crate) date_of_birth: Option<NaiveDate>,
    pub(crate) big_number: Option<String>,
    pub(crate) diploma_date: Option<NaiveDate>,
    pub(crate) faculty_code: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) street: Option<String>,
    pub(crate) postcode: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) revision: Option<i32>,
}

impl DetailsRow {
    /// The basisgegevens and the revision a form must carry (0 before the first save).
    pub(crate) fn into_parts(self) -> (PersonalDetails, i32) {
        (
            PersonalDetails {
                full_name: self.full_name,
                date_of_birth: self.date_of_birth,
                big_number: self.big_number,
                diploma_date: self.diploma_date,
                faculty_code: self.faculty_code,
                phone: self.phone,
                street: self.street,
                postcode: self.postcode,
                city: self.city,
            },
            self.revision.unwrap_or(0),
        )
    }
}

/// The basisgegevens of `user` and the revision a form must carry (0 before the first save).
pub async fn load(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<(PersonalDetails, i32), sqlx::Error> {
    let row = sqlx::query_as!(
        DetailsRow,
        r#"SELECT u.full_name, p.date_of_birth, p.big_number, p.diploma_date, p.faculty_code,
                  p.phone, p.street, p.postcode, p.city, p.revision AS "revision?"
           FROM users u LEFT JOIN personal_details p ON p.user_id = u.id
           WHERE u.id = $1"#,
        user as UserId,
    )
    .fetch_one(conn)
    .await?;
    Ok(row.into_parts())
}

/// Basisgegevens parsed from the form, ready to store.
#[derive(Clone, Debug)]
pub struct DetailsUpdate {
    /// Name.
    pub full_name: FullName,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// BIG-nummer.
    pub big_number: Option<BigNumber>,
    /// Date of the artsdiploma.
    pub diploma_date: Option<NaiveDate>,
    /// Faculty code (checked against the list by the caller).
    pub faculty_code: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Street and number.
    pub street: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// Place.
    pub city: Option<String>,
}

/// Why a save was refused.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Someone saved in between (another tab).
    #[error("stale")]
    Stale,
    /// The BIG-nummer is already registered to another account.
    #[error("BIG-nummer in use")]
    BigNumberTaken,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Saves `update` for `user` if the stored revision is still `based_on`, with an audit record
/// that names the changed fields (never their values: they are personal data).
pub async fn save(
    state: &AppState,
    meta: &Origin,
    user: UserId,
    based_on: i32,
    update: &DetailsUpdate,
) -> Result<(), SaveError> {
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "SELECT id FROM users WHERE id = $1 FOR UPDATE",
        user as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (before, revision) = load(&mut tx, user).await?;
    if revision != based_on {
        return Err(SaveError::Stale);
    }
    let big_taken: bool = match &update.big_number {
        Some(big) => {
            sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM personal_details WHERE big_number = $1 AND user_id <> $2) AS "exists!""#,
                big.as_str(),
                user as UserId,
            )
            .fetch_one(&mut *tx)
            .await?
        }
        None => false,
    };
    if big_taken {
        return Err(SaveError::BigNumberTaken);
    }
    sqlx::query!(
        "UPDATE users SET full_name = $2 WHERE id = $1",
        user as UserId,
        update.full_name.as_str(),
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO personal_details (user_id, date_of_birth, big_number, diploma_date,
                                       faculty_code, phone, street, postcode, city)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id) DO UPDATE SET
             date_of_birth = EXCLUDED.date_of_birth, big_number = EXCLUDED.big_number,
             diploma_date = EXCLUDED.diploma_date, faculty_code = EXCLUDED.faculty_code,
             phone = EXCLUDED.phone, street = EXCLUDED.street, postcode = EXCLUDED.postcode,
             city = EXCLUDED.city, revision = personal_details.revision + 1",
        user as UserId,
        update.date_of_birth,
        update.big_number.as_ref().map(BigNumber::as_str),
        update.diploma_date,
        update.faculty_code.as_deref(),
        update.phone.as_deref(),
        update.street.as_deref(),
        update.postcode.as_deref(),
        update.city.as_deref(),
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| match &e {
        // Another account saved the same number at the same moment.
        sqlx::Error::Database(db) if db.constraint() == Some("personal_details_big_number_key") => {
            SaveError::BigNumberTaken
        }
        _ => SaveError::Database(e),
    })?;

    let after = PersonalDetails {
        full_name: update.full_name.as_str().to_owned(),
        date_of_birth: update.date_of_birth,
        big_number: update.big_number.as_ref().map(|b| b.as_str().to_owned()),
        diploma_date: update.diploma_date,
        faculty_code: update.faculty_code.clone(),
        phone: update.phone.clone(),
        street: update.street.clone(),
        postcode: update.postcode.clone(),
        city: update.city.clone(),
    };
    let changed = changed_fields(&before, &after);
    audit::record(
        &mut tx,
        state.clock.now(),
        meta,
        AuditEntry::new("person.details_saved", Some(user), Outcome::Success)
            .object("user", user)
            .details(json!({ "changed": changed })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn changed_fields(before: &PersonalDetails, after: &PersonalDetails) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut note = |name, differs: bool| {
        if differs {
            changed.push(name);
        }
    };
    note("naam", before.full_name != after.full_name);
    note("geboortedatum", before.date_of_birth != after.date_of_birth);
    note("big_nummer", before.big_number != after.big_number);
    note("diplomadatum", before.diploma_date != after.diploma_date);
    note("universiteit", before.faculty_code != after.faculty_code);
    note("telefoon", before.phone != after.phone);
    note("adres", before.street != after.street);
    note("postcode", before.postcode != after.postcode);
    note("woonplaats", before.city != after.city);
    changed
}
