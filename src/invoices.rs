//! Invoices (SPEC §7): issued in the transaction of the change that causes them, numbered
//! gaplessly per year, never edited afterwards. Each user sees only their own.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::money::{self, Money, VAT_PERCENT};
use crate::trainings::Training;

/// Days the recipient has to pay.
pub const PAYMENT_TERM_DAYS: i64 = 30;

/// An issued invoice.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Invoice {
    /// Id.
    pub id: Uuid,
    /// Its number, `2026-000123`.
    pub number: String,
    /// The recipient.
    pub user_id: Uuid,
    /// The training it is for, if any.
    pub training_id: Option<Uuid>,
    /// The product code.
    pub product: String,
    /// What it is for, in Dutch.
    pub description: String,
    /// The recipient's name on issue.
    pub recipient_name: String,
    /// Their address on issue.
    pub recipient_address: String,
    /// Including VAT, in cents.
    pub amount_cents: i32,
    /// The VAT in it, in cents.
    pub vat_cents: i32,
    /// The VAT rate.
    pub vat_percent: i16,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// To be paid by.
    pub due_on: NaiveDate,
    /// open, betaald or gecrediteerd.
    pub status: String,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
}

impl Invoice {
    /// The amount including VAT.
    pub fn amount(&self) -> Money {
        Money::cents(i64::from(self.amount_cents))
    }

    /// The VAT.
    pub fn vat(&self) -> Money {
        Money::cents(i64::from(self.vat_cents))
    }

    /// The amount without VAT.
    pub fn net(&self) -> Money {
        self.amount() - self.vat()
    }

    /// The status in Dutch.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "betaald" => "Betaald",
            "gecrediteerd" => "Gecrediteerd",
            _ => "Nog te betalen",
        }
    }

    /// Whether it still waits for payment.
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

const COLUMNS: &str = "id, number, user_id, training_id, product, description, recipient_name,
        recipient_address, amount_cents, vat_cents, vat_percent, issued_on, due_on, status,
        paid_at";

/// Why no invoice was issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The reference data has no fee for the product in that year and cluster.
    #[error("no fee for {product} in {year}, cluster {cluster}")]
    NoFee {
        /// Product.
        product: String,
        /// Year.
        year: i32,
        /// Cluster.
        cluster: i16,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The next number of `year`, from its counter row: the row stays locked until the caller's
/// transaction ends, so a rolled-back invoice gives its number back and none is skipped.
async fn next_sequence(conn: &mut PgConnection, year: i32) -> Result<i64, sqlx::Error> {
    let year = i16::try_from(year).map_err(|_| sqlx::Error::Protocol("year".into()))?;
    let number: i32 = sqlx::query_scalar(
        "INSERT INTO invoice_counters (year, last_number) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(year)
    .fetch_one(conn)
    .await?;
    Ok(i64::from(number))
}

/// The registration invoice (opleidingsregistratie) of `training`, issued on `today` in the
/// caller's transaction; the one issued before when there is one. The fee is that of
/// `today`'s year and the specialty's cluster.
pub async fn for_registration(
    conn: &mut PgConnection,
    training: &Training,
    today: NaiveDate,
) -> Result<Invoice, IssueError> {
    if let Some(invoice) = of_training(&mut *conn, training.id).await? {
        return Ok(invoice);
    }
    let cluster: i16 = sqlx::query_scalar("SELECT cluster FROM specialties WHERE id = $1")
        .bind(training.specialty_id)
        .fetch_one(&mut *conn)
        .await?;
    let product = "opleidingsregistratie";
    let year = today.year();
    let fee = crate::reference::fee_cents(
        &mut *conn,
        i16::try_from(year).unwrap_or(i16::MAX),
        product,
        cluster,
    )
    .await?;
    let fee = fee.ok_or_else(|| IssueError::NoFee {
        product: product.to_owned(),
        year,
        cluster,
    })?;
    let address: Option<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT street, postcode, city FROM personal_details WHERE user_id = $1")
            .bind(training.trainee_id)
            .fetch_optional(&mut *conn)
            .await?;
    let address = address
        .map(|(street, postcode, city)| {
            [street, postcode.zip(city).map(|(p, c)| format!("{p}  {c}"))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let split = money::split_vat(Money::cents(i64::from(fee)), VAT_PERCENT);
    let sequence = next_sequence(conn, year).await?;
    let id = Uuid::now_v7();
    let invoice: Invoice = sqlx::query_as(&format!(
        "INSERT INTO invoices (id, year, sequence, number, user_id, training_id, product,
                               description, recipient_name, recipient_address, amount_cents,
                               vat_cents, vat_percent, issued_on, due_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(i16::try_from(year).unwrap_or(i16::MAX))
    .bind(i32::try_from(sequence).unwrap_or(i32::MAX))
    .bind(money::invoice_number(year, sequence))
    .bind(training.trainee_id)
    .bind(training.id)
    .bind(product)
    .bind(format!(
        "Inschrijving in het opleidingsregister: {}",
        training.specialty_name
    ))
    .bind(&training.trainee_name)
    .bind(address)
    .bind(fee)
    .bind(i32::try_from(split.vat.as_cents()).unwrap_or(i32::MAX))
    .bind(i16::try_from(VAT_PERCENT).unwrap_or(21))
    .bind(today)
    .bind(today + chrono::Duration::days(PAYMENT_TERM_DAYS))
    .fetch_one(&mut *conn)
    .await?;
    Ok(invoice)
}

/// The invoices of `user`, newest first.
pub async fn of_user(conn: &mut PgConnection, user: Uuid) -> Result<Vec<Invoice>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE user_id = $1 ORDER BY issued_on DESC, number DESC"
    ))
    .bind(user)
    .fetch_all(conn)
    .await
}

/// Invoice `id` if it is `user`'s; `None` otherwise (someone else's: 404).
pub async fn of_user_by_id(
    conn: &mut PgConnection,
    user: Uuid,
    id: Uuid,
) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE user_id = $1 AND id = $2"
    ))
    .bind(user)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The registration invoice of `training`, if one was issued.
pub async fn of_training(
    conn: &mut PgConnection,
    training: Uuid,
) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE training_id = $1
           AND product = 'opleidingsregistratie' AND credit_for IS NULL"
    ))
    .bind(training)
    .fetch_optional(conn)
    .await
}
