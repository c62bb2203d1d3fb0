//! Invoices (docs/domain/invoices.md): issued in the transaction of the change that causes them,
//! numbered gaplessly per year, never edited afterwards. Each user sees only their own.

use crate::platform::ids::{InvoiceId, TrainingId, UserId};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rules::code::Coded;
use rules::payment::InvoiceStatus;
use serde_json::json;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::billing::mails;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::mail::{Attachment, OutgoingEmail};
use crate::platform::state::AppState;
use crate::trainings::training::Training;
use rules::money::{self, Money, VAT_PERCENT};
use rules::payment;
use rules::person::format_date;

/// The product of the invoice for the inschrijving in the opleidingsregister.
pub const REGISTRATION_PRODUCT: &str = "opleidingsregistratie";

/// Days the recipient has to pay.
pub const PAYMENT_TERM_DAYS: i64 = 30;

/// An issued invoice.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct Invoice {
    /// Id.
    pub id: InvoiceId,
    /// Its number, `2026-000123`.
    pub number: String,
    /// The recipient.
    pub user_id: UserId,
    /// The training it is for, if any.
    pub training_id: Option<TrainingId>,
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
    /// Open, betaald or gecrediteerd.
    pub status: Stored<InvoiceStatus>,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// For a credit invoice: the invoice it credits.
    pub credit_for: Option<InvoiceId>,
    /// For a credit invoice: the number of the invoice it credits.
    pub credit_for_number: Option<String>,
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
        match self.status.0 {
            _ if self.is_credit() => "Creditfactuur",
            InvoiceStatus::Paid => "Betaald",
            InvoiceStatus::Credited => "Gecrediteerd",
            InvoiceStatus::Open => "Nog te betalen",
        }
    }

    /// The day it was paid, in Dutch time, for a paid invoice.
    pub fn paid_on(&self) -> Option<String> {
        self.paid_at
            .filter(|_| self.status.0 == InvoiceStatus::Paid)
            .map(|at| format_date(at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()))
    }

    /// Whether it still waits for payment.
    pub fn is_open(&self) -> bool {
        self.status.0 == InvoiceStatus::Open && !self.is_credit()
    }

    /// Whether it is a credit invoice (a correction with a negative amount).
    pub fn is_credit(&self) -> bool {
        self.credit_for.is_some()
    }
}

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
    let number: i32 = sqlx::query_scalar!(
        "INSERT INTO invoice_counters (year, last_number) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last_number = invoice_counters.last_number + 1
         RETURNING last_number",
        year,
    )
    .fetch_one(conn)
    .await?;
    Ok(i64::from(number))
}

// The three statements below read an invoice's columns, each for its own purpose: a new row
// read back, a row locked for a change, and the filtered reads. The other reads go through the
// JSON functions of the migrations (`invoices_of_user`, `registration_invoice_of_training`).

/// A new invoice's row, for [`insert`].
struct Row<'a> {
    year: i32,
    sequence: i64,
    user: UserId,
    training: Option<TrainingId>,
    product: &'a str,
    description: &'a str,
    recipient_name: &'a str,
    recipient_address: &'a str,
    amount_cents: i32,
    vat_cents: i32,
    vat_percent: i16,
    credit_for: Option<InvoiceId>,
    issued_on: NaiveDate,
    due_on: NaiveDate,
}

/// Inserts `row` under a new id and its number (year and sequence); the invoice it became.
async fn insert(conn: &mut PgConnection, row: &Row<'_>) -> Result<Invoice, sqlx::Error> {
    sqlx::query_as!(
        Invoice,
        r#"INSERT INTO invoices (id, year, sequence, number, user_id, training_id, product,
                               description, recipient_name, recipient_address, amount_cents,
                               vat_cents, vat_percent, credit_for, issued_on, due_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         RETURNING id AS "id: InvoiceId", number, user_id AS "user_id: UserId",
                  training_id AS "training_id: TrainingId", product, description,
                  recipient_name, recipient_address, amount_cents, vat_cents, vat_percent,
                  issued_on, due_on, status AS "status: Stored<InvoiceStatus>", paid_at,
                  credit_for AS "credit_for: InvoiceId",
                  (SELECT c.number FROM invoices c WHERE c.id = invoices.credit_for)
                    AS "credit_for_number?""#,
        InvoiceId::generate() as InvoiceId,
        i16::try_from(row.year).unwrap_or(i16::MAX),
        i32::try_from(row.sequence).unwrap_or(i32::MAX),
        money::invoice_number(row.year, row.sequence),
        row.user as UserId,
        row.training as Option<TrainingId>,
        row.product,
        row.description,
        row.recipient_name,
        row.recipient_address,
        row.amount_cents,
        row.vat_cents,
        row.vat_percent,
        row.credit_for as Option<InvoiceId>,
        row.issued_on,
        row.due_on,
    )
    .fetch_one(conn)
    .await
}

/// Invoice `id`, locked until the caller's transaction ends.
async fn locked(conn: &mut PgConnection, id: InvoiceId) -> Result<Option<Invoice>, sqlx::Error> {
    sqlx::query_as!(
        Invoice,
        r#"SELECT id AS "id: InvoiceId", number, user_id AS "user_id: UserId",
                  training_id AS "training_id: TrainingId", product, description,
                  recipient_name, recipient_address, amount_cents, vat_cents, vat_percent,
                  issued_on, due_on, status AS "status: Stored<InvoiceStatus>", paid_at,
                  credit_for AS "credit_for: InvoiceId",
                  (SELECT c.number FROM invoices c WHERE c.id = invoices.credit_for)
                    AS "credit_for_number?"
         FROM invoices WHERE id = $1 FOR UPDATE"#,
        id as InvoiceId,
    )
    .fetch_optional(conn)
    .await
}

/// The invoices that pass each filter that is given (invoice `id`, of recipient `user`,
/// crediting invoice `credit_for`), in the order of their numbers.
async fn find(
    conn: &mut PgConnection,
    id: Option<InvoiceId>,
    user: Option<UserId>,
    credit_for: Option<InvoiceId>,
) -> Result<Vec<Invoice>, sqlx::Error> {
    sqlx::query_as!(
        Invoice,
        r#"SELECT id AS "id: InvoiceId", number, user_id AS "user_id: UserId",
                  training_id AS "training_id: TrainingId", product, description,
                  recipient_name, recipient_address, amount_cents, vat_cents, vat_percent,
                  issued_on, due_on, status AS "status: Stored<InvoiceStatus>", paid_at,
                  credit_for AS "credit_for: InvoiceId",
                  (SELECT c.number FROM invoices c WHERE c.id = invoices.credit_for)
                    AS "credit_for_number?"
         FROM invoices
         WHERE ($1::uuid IS NULL OR id = $1)
           AND ($2::uuid IS NULL OR user_id = $2)
           AND ($3::uuid IS NULL OR credit_for = $3)
         ORDER BY year, sequence"#,
        id as Option<InvoiceId>,
        user as Option<UserId>,
        credit_for as Option<InvoiceId>,
    )
    .fetch_all(conn)
    .await
}

/// What a new invoice is for.
#[derive(Clone, Debug)]
pub struct NewInvoice {
    /// The recipient.
    pub user: UserId,
    /// The training it is for, if any.
    pub training: Option<TrainingId>,
    /// The product code.
    pub product: &'static str,
    /// The specialty whose cluster prices it.
    pub specialty: Uuid,
    /// What it is for, in Dutch.
    pub description: String,
}

/// Issues `new` on `today` in the caller's transaction, at the fee of `today`'s year and the
/// specialty's cluster, to the recipient's current name and address.
pub async fn issue(
    conn: &mut PgConnection,
    new: &NewInvoice,
    today: NaiveDate,
) -> Result<Invoice, IssueError> {
    let cluster: i16 = sqlx::query_scalar!(
        "SELECT cluster FROM specialties WHERE id = $1",
        new.specialty,
    )
    .fetch_one(&mut *conn)
    .await?;
    let year = today.year();
    let fee = crate::reference_data::lookup::fee_cents(
        &mut *conn,
        i16::try_from(year).unwrap_or(i16::MAX),
        new.product,
        cluster,
    )
    .await?;
    let fee = fee.ok_or_else(|| IssueError::NoFee {
        product: new.product.to_owned(),
        year,
        cluster,
    })?;
    let recipient = sqlx::query!(
        "SELECT u.full_name, p.street, p.postcode, p.city
         FROM users u LEFT JOIN personal_details p ON p.user_id = u.id WHERE u.id = $1",
        new.user as UserId,
    )
    .fetch_one(&mut *conn)
    .await?;
    let (name, street, postcode, city) = (
        recipient.full_name,
        recipient.street,
        recipient.postcode,
        recipient.city,
    );
    let address = [street, postcode.zip(city).map(|(p, c)| format!("{p}  {c}"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    let split = money::split_vat(Money::cents(i64::from(fee)), VAT_PERCENT);
    let sequence = next_sequence(conn, year).await?;
    insert(
        conn,
        &Row {
            year,
            sequence,
            user: new.user,
            training: new.training,
            product: new.product,
            description: &new.description,
            recipient_name: &name,
            recipient_address: &address,
            amount_cents: fee,
            vat_cents: i32::try_from(split.vat.as_cents()).unwrap_or(i32::MAX),
            vat_percent: i16::try_from(VAT_PERCENT).unwrap_or(21),
            credit_for: None,
            issued_on: today,
            due_on: today + chrono::Duration::days(PAYMENT_TERM_DAYS),
        },
    )
    .await
    .map_err(IssueError::from)
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
    issue(
        conn,
        &NewInvoice {
            user: training.trainee_id,
            training: Some(training.id),
            product: REGISTRATION_PRODUCT,
            specialty: training.specialty_id,
            description: format!(
                "Inschrijving in het opleidingsregister: {}",
                training.specialty_name
            ),
        },
        today,
    )
    .await
}

/// The invoices of `user`, newest first.
pub async fn of_user(conn: &mut PgConnection, user: UserId) -> Result<Vec<Invoice>, sqlx::Error> {
    let invoices = sqlx::query_scalar!(
        r#"SELECT invoices AS "invoices!: Json<Vec<Invoice>>" FROM invoices_of_user($1)"#,
        user as UserId,
    )
    .fetch_one(conn)
    .await?;
    Ok(invoices.0)
}

/// Invoice `id` if it is `user`'s; `None` otherwise (someone else's: 404).
pub async fn of_user_by_id(
    conn: &mut PgConnection,
    user: UserId,
    id: InvoiceId,
) -> Result<Option<Invoice>, sqlx::Error> {
    Ok(find(conn, Some(id), Some(user), None).await?.pop())
}

/// The registration invoice of `training`, if one was issued.
pub async fn of_training(
    conn: &mut PgConnection,
    training: TrainingId,
) -> Result<Option<Invoice>, sqlx::Error> {
    let invoice = sqlx::query_scalar!(
        r#"SELECT invoice AS "invoice!: Json<Invoice>"
           FROM registration_invoice_of_training($1)"#,
        training as TrainingId,
    )
    .fetch_optional(conn)
    .await?;
    Ok(invoice.map(|json| json.0))
}

/// What registering training `training` (of specialty `specialty`) costs, read in one
/// statement for the page before the first submission: the registration invoice when it was
/// issued already, else this year's fee (`None` when neither is known).
pub enum RegistrationCost {
    /// The invoice was issued before (a schedule submitted, rejected and submitted again).
    Issued(Box<Invoice>),
    /// What the invoice will say.
    Fee(Money),
}

/// See [`RegistrationCost`]; `year` is the year of the fee.
pub async fn registration_cost(
    conn: &mut PgConnection,
    training: TrainingId,
    specialty: Uuid,
    year: i32,
) -> Result<Option<RegistrationCost>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT invoice FROM registration_invoice_of_training($1))
                    AS "invoice: Json<Invoice>",
                  (SELECT f.amount_cents FROM fees f JOIN specialties s ON s.id = $2
                   WHERE f.year <= $3 AND f.product = $4
                     AND (f.cluster = s.cluster OR f.cluster IS NULL)
                   ORDER BY f.year DESC, f.cluster NULLS LAST LIMIT 1) AS fee_cents"#,
        training as TrainingId,
        specialty,
        i16::try_from(year).unwrap_or(i16::MAX),
        REGISTRATION_PRODUCT,
    )
    .fetch_one(conn)
    .await?;
    Ok(match (row.invoice, row.fee_cents) {
        (Some(invoice), _) => Some(RegistrationCost::Issued(Box::new(invoice.0))),
        (None, Some(cents)) => Some(RegistrationCost::Fee(Money::cents(i64::from(cents)))),
        (None, None) => None,
    })
}

/// Why no credit invoice was issued.
#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    /// The invoice does not exist, is a credit invoice itself, or was credited before.
    #[error("deze factuur kan niet (meer) worden gecrediteerd")]
    NotCreditable,
    /// The reason is empty or too long.
    #[error("geef een reden van 5 tot 300 tekens")]
    Reason,
    /// The credit invoice's mail (its PDF) could not be made.
    #[error("de creditfactuur kon niet worden gemaild: {0}")]
    Mail(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Corrects `original` with a credit invoice for the full amount (docs/domain/invoices.md: an
/// issued invoice is never edited), numbered in the same series, in the caller's transaction. An
/// open original is marked *gecrediteerd* and no longer asks for payment; a paid one stays paid
/// (the refund is the back office's). Recorded in the audit log with `actor`.
pub async fn credit(
    conn: &mut PgConnection,
    meta: &Origin,
    actor: UserId,
    original: InvoiceId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Invoice, CreditError> {
    let reason = rules::reason::parse_reason(reason, rules::reason::Length::between(5, 300))
        .map_err(|_| CreditError::Reason)?;
    let reason = reason.as_str();
    let original = locked(&mut *conn, original).await?;
    let Some(original) = original else {
        return Err(CreditError::NotCreditable);
    };
    let credited_before: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM invoices WHERE credit_for = $1) AS "exists!""#,
        original.id as InvoiceId,
    )
    .fetch_one(&mut *conn)
    .await?;
    if original.is_credit() || credited_before || original.status.0 == InvoiceStatus::Credited {
        return Err(CreditError::NotCreditable);
    }
    let today = now
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    let year = today.year();
    let sequence = next_sequence(conn, year).await?;
    let description = format!("Creditering van factuur {}: {reason}", original.number)
        .chars()
        .take(300)
        .collect::<String>();
    let credit = insert(
        &mut *conn,
        &Row {
            year,
            sequence,
            user: original.user_id,
            training: original.training_id,
            product: &original.product,
            description: &description,
            recipient_name: &original.recipient_name,
            recipient_address: &original.recipient_address,
            amount_cents: -original.amount_cents,
            vat_cents: -original.vat_cents,
            vat_percent: original.vat_percent,
            credit_for: Some(original.id),
            issued_on: today,
            due_on: today,
        },
    )
    .await?;
    if original.is_open() {
        sqlx::query!(
            "UPDATE invoices SET status = 'gecrediteerd' WHERE id = $1",
            original.id as InvoiceId,
        )
        .execute(&mut *conn)
        .await?;
    }
    audit::record(
        conn,
        now,
        meta,
        AuditEntry::new("invoice.credited", Some(actor), Outcome::Success)
            .object("invoice", original.id)
            .details(json!({ "credit": credit.number, "reason": reason })),
    )
    .await?;
    Ok(credit)
}

/// Credits `original` for the RGS-medewerker `actor` and mails the credit invoice with its
/// PDF to the recipient, all in one transaction.
pub async fn credit_and_notify(
    state: &AppState,
    meta: &Origin,
    actor: UserId,
    original: InvoiceId,
    reason: &str,
) -> Result<Invoice, CreditError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let credit = credit(&mut tx, meta, actor, original, reason, now).await?;
    mail_invoice(
        state,
        &mut tx,
        &credit,
        &format!("Creditfactuur {}", credit.number),
        "Wij hebben een factuur aan u gecorrigeerd met onderstaande creditfactuur.",
        now,
    )
    .await
    .map_err(|e| CreditError::Mail(e.to_string()))?;
    tx.commit().await?;
    Ok(credit)
}

/// The credit invoices of invoice `id`.
pub async fn credits_of(
    conn: &mut PgConnection,
    id: InvoiceId,
) -> Result<Vec<Invoice>, sqlx::Error> {
    find(conn, None, None, Some(id)).await
}

/// Invoice `id`, whoever it belongs to (the back office).
pub async fn by_id(conn: &mut PgConnection, id: InvoiceId) -> Result<Option<Invoice>, sqlx::Error> {
    Ok(find(conn, Some(id), None, None).await?.pop())
}

/// The letterhead printed on every invoice.
pub const SENDER: [&str; 4] = [
    "Registratiecommissie Geneeskundig Specialisten (RGS)",
    "Mercatorlaan 1200",
    "3528 BL  Utrecht",
    "rgs@knmg.nl",
];

/// What the PDF of `invoice` prints, with the address where it is paid.
pub fn document(invoice: &Invoice, base_url: &url::Url) -> crate::platform::pdf::InvoiceDocument {
    let pay_at = format!(
        "{}/facturen/{}",
        base_url.as_str().trim_end_matches('/'),
        invoice.id
    );
    let credit = invoice.amount_cents < 0;
    let paid_on = invoice.paid_on();
    let (payment_heading, payment_instructions) = if credit {
        (
            "Betaalinstructies",
            vec![
                "Dit bedrag wordt verrekend of aan u terugbetaald; u hoeft niets te doen."
                    .to_owned(),
            ],
        )
    } else if let Some(paid_on) = &paid_on {
        (
            "Betaald",
            vec![format!(
                "Deze factuur is op {paid_on} met iDEAL betaald. U hoeft niets meer te betalen."
            )],
        )
    } else if invoice.status.0 == InvoiceStatus::Credited {
        (
            "Gecrediteerd",
            vec![
                "Deze factuur is gecrediteerd met een creditfactuur. U hoeft haar niet te \
                 betalen."
                    .to_owned(),
            ],
        )
    } else {
        (
            "Betaalinstructies",
            vec![
                format!(
                    "Betaal het totaalbedrag vóór {} met iDEAL via MijnRGS: log in, kies \
                     Facturen en daarna Betalen, of open de link hieronder.",
                    format_date(invoice.due_on)
                ),
                after_payment(&invoice.product).to_owned(),
            ],
        )
    };
    let open = invoice.is_open();
    crate::platform::pdf::InvoiceDocument {
        title: if credit { "Creditfactuur" } else { "Factuur" }.to_owned(),
        number: invoice.number.clone(),
        issued_on: format_date(invoice.issued_on),
        due_on: open.then(|| format_date(invoice.due_on)),
        paid_on,
        credit_for: invoice.credit_for_number.clone(),
        sender: SENDER.iter().map(|l| (*l).to_owned()).collect(),
        recipient_name: invoice.recipient_name.clone(),
        recipient_address: invoice
            .recipient_address
            .lines()
            .map(str::to_owned)
            .collect(),
        description: invoice.description.clone(),
        net: invoice.net().to_string(),
        vat_percent: format!("{} %", invoice.vat_percent),
        vat: invoice.vat().to_string(),
        gross: invoice.amount().to_string(),
        payment_heading: payment_heading.to_owned(),
        payment_instructions,
        payment_link: open.then_some(pay_at),
    }
}

/// What follows once an invoice of `product` is paid, in Dutch.
pub fn after_payment(product: &str) -> &'static str {
    match product {
        "herregistratie" => {
            "De RGS behandelt uw aanvraag voor herregistratie zodra de betaling is ontvangen."
        }
        "eerste_registratie" => {
            "Uw inschrijving in het register volgt zodra de betaling is ontvangen."
        }
        _ => "Uw inschrijving is definitief zodra de betaling is ontvangen.",
    }
}

/// The file name of `invoice`'s PDF.
pub fn pdf_filename(invoice: &Invoice) -> String {
    format!("factuur-{}.pdf", invoice.number)
}

/// Mails `invoice` to its recipient with its PDF attached, in the caller's transaction.
async fn mail_invoice(
    state: &AppState,
    conn: &mut PgConnection,
    invoice: &Invoice,
    subject: &str,
    intro: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let pdf = state
        .pdf
        .invoice(&document(invoice, &state.config.base_url))?;
    let email: String = sqlx::query_scalar!(
        "SELECT email FROM users WHERE id = $1",
        invoice.user_id as UserId,
    )
    .fetch_one(&mut *conn)
    .await?;
    let base = state.config.base_url.as_str().trim_end_matches('/');
    let what = if invoice.is_credit() {
        format!(
            "Creditfactuur {}: {}\nBedrag: {} (waarvan btw {})\n\nU hoeft hiervoor niets te \
             doen. U vindt de creditfactuur ook in MijnRGS onder Facturen ({base}/facturen/{}).",
            invoice.number,
            invoice.description,
            invoice.amount(),
            invoice.vat(),
            invoice.id,
        )
    } else {
        format!(
            "Factuur {}: {}\nBedrag: {} (waarvan btw {})\nTe betalen vóór: {}\n\nBetaal met \
             iDEAL via deze link (u logt eerst in):\n{base}/facturen/{}",
            invoice.number,
            invoice.description,
            invoice.amount(),
            invoice.vat(),
            format_date(invoice.due_on),
            invoice.id,
        )
    };
    crate::platform::mail::enqueue(
        conn,
        now,
        &OutgoingEmail {
            to_address: email,
            to_name: Some(invoice.recipient_name.clone()),
            subject: subject.to_owned(),
            body: crate::platform::mail::text(&mails::Invoice {
                name: &invoice.recipient_name,
                intro,
                what: &what,
            })?,
            attachments: vec![Attachment {
                filename: pdf_filename(invoice),
                content_type: "application/pdf".to_owned(),
                content: pdf,
            }],
        },
    )
    .await?;
    Ok(())
}

/// The payment reminder (the day after a failed or skipped payment): a new payment link and
/// the invoice, unless it has been paid or credited meanwhile, or a payment is under way.
pub async fn remind_of_payment(
    state: &AppState,
    conn: &mut PgConnection,
    invoice: InvoiceId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let invoice = locked(&mut *conn, invoice)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let under_way: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM payments
                          WHERE invoice_id = $1 AND status = 'in_behandeling') AS "exists!""#,
        invoice.id as InvoiceId,
    )
    .fetch_one(&mut *conn)
    .await?;
    // A registration the RGS struck off or ended is not chased for payment; crediting the
    // invoice is the RGS's own decision.
    let closed: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM trainings
                        WHERE id = $1 AND status IN ('doorgehaald', 'beeindigd')) AS "exists!""#,
        invoice.training_id as Option<TrainingId>,
    )
    .fetch_one(&mut *conn)
    .await?;
    if !invoice.is_open() || under_way || closed {
        return Ok(());
    }
    mail_invoice(
        state,
        conn,
        &invoice,
        &format!(
            "Herinnering: factuur {} is nog niet betaald",
            invoice.number
        ),
        &format!(
            "Wij hebben de betaling van onderstaande factuur nog niet ontvangen. {} Met de link \
             hieronder start u een nieuwe betaling.",
            after_payment(&invoice.product)
        ),
        now,
    )
    .await
}

/// Factureren op startdatum: on the training's start date the registration invoice is issued
/// and mailed with its PDF, and an approved registration becomes *ingeschreven onder
/// voorwaarde van betaling*. Nothing happens for a registration that is not (or no longer)
/// submitted or approved, or that was invoiced before.
pub async fn issue_on_start_date(
    state: &AppState,
    conn: &mut PgConnection,
    training: TrainingId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let current = crate::trainings::training::lock_status(conn, training).await?;
    if !payment::start_date_invoice_due(current)
        || of_training(&mut *conn, training).await?.is_some()
    {
        return Ok(());
    }
    let training = crate::trainings::training::by_id(conn, training).await?;
    let today = now
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    let invoice = for_registration(conn, &training, today).await?;
    if let Some(after) = payment::registration_on_start_date_invoice(current) {
        sqlx::query!(
            "UPDATE trainings SET status = $2 WHERE id = $1",
            training.id as TrainingId,
            after.code(),
        )
        .execute(&mut *conn)
        .await?;
    }
    audit::record(
        conn,
        now,
        &Origin::default(),
        AuditEntry::new("invoice.issued_on_start_date", None, Outcome::Success)
            .object("invoice", invoice.id)
            .details(json!({ "training_id": training.id, "number": invoice.number })),
    )
    .await?;
    mail_invoice(
        state,
        conn,
        &invoice,
        &format!("Factuur {} voor uw opleidingsregistratie", invoice.number),
        "Vandaag begint uw opleiding. Hierbij ontvangt u de factuur voor de inschrijving in het \
         opleidingsregister. Tot de betaling binnen is, staat u ingeschreven onder voorwaarde \
         van betaling.",
        now,
    )
    .await
}
