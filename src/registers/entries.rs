//! The registers of specialists and profielartsen (docs/domain/registers.md): entries, the requests
//! that lead to them, and what a paid registration request sets in motion. The rules are pure, in
//! `rules::register_entry` and `rules::reregistration`; this module holds the queries and
//! transactions. A person only ever finds their own entries and requests (someone else's:
//! `None`, so 404).

use crate::platform::ids::{InvoiceId, RegisterEntryId, TrainingId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rules::code::Coded;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::billing::invoices::{self, Invoice, IssueError, NewInvoice};
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::jobs::{self, Kind};
use crate::platform::state::AppState;
use rules::payment::InvoiceStatus;
use rules::person::format_date;
use rules::register_entry::{
    self, ApplicationKind, ApplicationStatus, EntryStatus, Register, Window,
};

/// One entry in a register.
#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct Entry {
    /// Id.
    pub id: RegisterEntryId,
    /// The registered person.
    pub user_id: UserId,
    /// Their name.
    pub user_name: String,
    /// The specialty or profile.
    pub specialty_id: Uuid,
    /// Its name.
    pub specialty_name: String,
    /// What its members are called ("internist"); empty when the reference data has none.
    #[serde(default)]
    pub specialty_practitioner: String,
    /// Its fee cluster (1 to 3).
    pub specialty_cluster: i16,
    /// The register, the dates and the status.
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub standing: Standing,
    /// When it was struck off.
    pub struck_off_at: Option<DateTime<Utc>>,
    /// Why.
    pub struck_off_reason: Option<String>,
    /// Whether the current period was shortened for a missing EIF or EKE.
    pub evaluation_shortened: bool,
}

/// Where an entry stands, as every page (the public one too) shows it.
#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct Standing {
    /// The register.
    pub register: Stored<Register>,
    /// The first day in the register.
    pub registered_on: NaiveDate,
    /// The end of the current period (exclusive).
    pub ends_on: NaiveDate,
    /// Ingeschreven or doorgehaald.
    pub status: Stored<EntryStatus>,
}

impl Standing {
    /// Whether it is in force (not struck off).
    pub fn is_registered(&self) -> bool {
        self.status.0 == EntryStatus::Registered
    }

    /// The register, in Dutch.
    pub fn register_label(&self) -> &'static str {
        self.register.0.label()
    }

    /// The status, in Dutch.
    pub fn status_label(&self) -> &'static str {
        self.status.0.label()
    }

    /// The first day, formatted.
    pub fn since(&self) -> String {
        format_date(self.registered_on)
    }

    /// The last day of the current period, formatted.
    pub fn until(&self) -> String {
        format_date(register_entry::last_day(self.ends_on))
    }
}

impl std::ops::Deref for Entry {
    type Target = Standing;

    fn deref(&self) -> &Standing {
        &self.standing
    }
}

impl Entry {
    /// The specialty as the registration's subject: "als internist", or "voor Interne
    /// geneeskunde" when the reference data does not say what its members are called.
    pub fn as_practitioner(&self) -> String {
        if self.specialty_practitioner.is_empty() {
            format!("voor {}", self.specialty_name)
        } else {
            format!("als {}", self.specialty_practitioner)
        }
    }

    /// The days left, in Dutch.
    pub fn countdown(&self, today: &NaiveDate) -> String {
        register_entry::countdown(self.ends_on, *today)
    }
}

/// The entries of `user`, by specialty.
pub async fn entries_of(conn: &mut PgConnection, user: UserId) -> Result<Vec<Entry>, sqlx::Error> {
    let entries = sqlx::query_scalar!(
        r#"SELECT entries AS "entries!: Json<Vec<Entry>>" FROM register_entries_of_user($1)"#,
        user as UserId,
    )
    .fetch_one(conn)
    .await?;
    Ok(entries.0)
}

/// The entries of `user`, by specialty, each with its periods (oldest first): one statement.
pub async fn entries_with_periods_of(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<Vec<(Entry, Vec<Period>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT to_json(e) AS "entry!: Json<Entry>", p.period_starts AS "period_starts!",
                  p.period_ends AS "period_ends!",
                  p.period_applications AS "period_applications!: Vec<Option<Uuid>>"
           FROM register_entry_rows() e
           CROSS JOIN LATERAL (
               SELECT COALESCE(array_agg(p.starts_on ORDER BY p.starts_on), '{}')
                        AS period_starts,
                      COALESCE(array_agg(p.ends_on ORDER BY p.starts_on), '{}') AS period_ends,
                      COALESCE(array_agg(p.application_id ORDER BY p.starts_on), '{}')
                        AS period_applications
               FROM register_periods p WHERE p.entry_id = e.id
           ) p
           WHERE e.user_id = $1 ORDER BY e.specialty_name"#,
        user as UserId,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let periods = row
                .period_starts
                .into_iter()
                .zip(row.period_ends)
                .zip(row.period_applications)
                .map(|((starts_on, ends_on), application_id)| Period {
                    starts_on,
                    ends_on,
                    application_id,
                })
                .collect();
            (row.entry.0, periods)
        })
        .collect())
}

/// Entry `id` if it is `user`'s.
pub async fn entry_of(
    conn: &mut PgConnection,
    user: UserId,
    id: RegisterEntryId,
) -> Result<Option<Entry>, sqlx::Error> {
    let entry = sqlx::query_scalar!(
        r#"SELECT to_json(e) AS "entry!: Json<Entry>" FROM register_entry_rows() e
           WHERE e.user_id = $1 AND e.id = $2"#,
        user as UserId,
        id as RegisterEntryId,
    )
    .fetch_optional(conn)
    .await?;
    Ok(entry.map(|json| json.0))
}

/// Entry `id`, whoever it belongs to (jobs and the back office), locked for the caller's
/// transaction.
pub async fn lock_entry(
    conn: &mut PgConnection,
    id: RegisterEntryId,
) -> Result<Option<Entry>, sqlx::Error> {
    let entry = sqlx::query_scalar!(
        r#"WITH locked AS (SELECT id FROM register_entries WHERE id = $1 FOR UPDATE)
           SELECT to_json(e) AS "entry!: Json<Entry>"
           FROM register_entry_rows() e JOIN locked ON locked.id = e.id"#,
        id as RegisterEntryId,
    )
    .fetch_optional(conn)
    .await?;
    Ok(entry.map(|json| json.0))
}

/// What a specialist declared for a herregistratie, as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredDeclaration {
    /// Hours worked in each year of the reference period, oldest first.
    pub hours_per_year: Vec<u32>,
    /// Hours of continuing education.
    pub education_hours: u32,
    /// EIF done.
    pub eif_done: bool,
    /// EKE done.
    pub eke_done: bool,
    /// An interruption of more than two years.
    pub interruption_over_two_years: bool,
    /// The previous period was shortened for a missing evaluation.
    pub evaluation_missed_before: bool,
}

impl StoredDeclaration {
    /// As the domain reads it.
    pub fn to_declaration(&self) -> rules::reregistration::Declaration {
        let mut hours = [0; rules::reregistration::REFERENCE_YEARS];
        for (slot, value) in hours.iter_mut().zip(&self.hours_per_year) {
            *slot = *value;
        }
        rules::reregistration::Declaration {
            hours_per_year: hours,
            education_hours: self.education_hours,
            eif_done: self.eif_done,
            eke_done: self.eke_done,
            interruption_over_two_years: self.interruption_over_two_years,
            evaluation_missed_before: self.evaluation_missed_before,
        }
    }

    /// As stored.
    pub fn from_declaration(declaration: &rules::reregistration::Declaration) -> Self {
        Self {
            hours_per_year: declaration.hours_per_year.to_vec(),
            education_hours: declaration.education_hours,
            eif_done: declaration.eif_done,
            eke_done: declaration.eke_done,
            interruption_over_two_years: declaration.interruption_over_two_years,
            evaluation_missed_before: declaration.evaluation_missed_before,
        }
    }
}

/// A registratie or herregistratie request.
#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct Application {
    /// Id.
    pub id: Uuid,
    /// Registratie or herregistratie.
    pub kind: Stored<ApplicationKind>,
    /// Who asked.
    pub user_id: UserId,
    /// Their name.
    pub user_name: String,
    /// The specialty or profile.
    pub specialty_id: Uuid,
    /// Its name.
    pub specialty_name: String,
    /// The register.
    pub register: Stored<Register>,
    /// Registratie: the training.
    pub training_id: Option<TrainingId>,
    /// Herregistratie: the entry.
    pub entry_id: Option<RegisterEntryId>,
    /// Herregistratie: the end of the period it would extend.
    pub extends_from: Option<NaiveDate>,
    /// The fee invoice.
    pub invoice_id: InvoiceId,
    /// Its number.
    pub invoice_number: String,
    /// Its status.
    pub invoice_status: Stored<InvoiceStatus>,
    /// Herregistratie: what was declared.
    pub declaration: Option<sqlx::types::Json<StoredDeclaration>>,
    /// Herregistratie: the proposal's months (`None`: refusal proposed).
    pub proposed_months: Option<i16>,
    /// Why the proposal is shortened or a refusal.
    pub proposal_reasons: Vec<String>,
    /// Where it stands.
    pub status: Stored<ApplicationStatus>,
    /// When submitted.
    pub submitted_at: DateTime<Utc>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided (none: granted on payment).
    pub decided_by_name: Option<String>,
    /// The months granted.
    pub granted_months: Option<i16>,
    /// The RGS's explanation.
    pub decision_note: String,
}

impl Application {
    /// Whether it still waits for a decision.
    pub fn is_open(&self) -> bool {
        self.status.0 == ApplicationStatus::Submitted
    }

    /// Whether its invoice is paid.
    pub fn is_paid(&self) -> bool {
        self.invoice_status.0 == InvoiceStatus::Paid
    }

    /// Whether it asks for a herregistratie.
    pub fn is_reregistration(&self) -> bool {
        self.kind.0 == ApplicationKind::Reregistration
    }

    /// "Registratie" or "Herregistratie".
    pub fn kind_label(&self) -> &'static str {
        self.kind.0.label()
    }

    /// The status, in Dutch.
    pub fn status_label(&self) -> &'static str {
        match self.status.0 {
            ApplicationStatus::Granted => "Toegekend",
            ApplicationStatus::Refused => "Afgewezen",
            ApplicationStatus::Submitted if !self.is_paid() => "Wacht op betaling",
            ApplicationStatus::Submitted => "In behandeling bij de RGS",
        }
    }

    /// When submitted, formatted.
    pub fn submitted(&self) -> String {
        rules::person::format_when(self.submitted_at)
    }

    /// When decided, formatted.
    pub fn decided(&self) -> String {
        self.decided_at
            .map(rules::person::format_when)
            .unwrap_or_default()
    }

    /// The proposal in Dutch: "60 maanden (5 jaar)" or "Afwijzen".
    pub fn proposal_label(&self) -> String {
        match self.proposed_months {
            Some(months) => months_label(i32::from(months)),
            None => "Afwijzen".to_owned(),
        }
    }

    /// Herregistratie: the last day of the period it would extend, formatted.
    pub fn current_until(&self) -> String {
        self.extends_from
            .map(|end| format_date(register_entry::last_day(end)))
            .unwrap_or_default()
    }

    /// The declaration, for display.
    pub fn declared(&self) -> Option<rules::reregistration::Declaration> {
        self.declaration.as_ref().map(|d| d.0.to_declaration())
    }
}

/// "60 maanden (5 jaar)", "45 maanden (3 jaar en 9 maanden)".
pub fn months_label(months: i32) -> String {
    let (years, rest) = (months / 12, months % 12);
    let years_text = match years {
        1 => "1 jaar".to_owned(),
        n => format!("{n} jaar"),
    };
    let rest_text = match rest {
        1 => "1 maand".to_owned(),
        n => format!("{n} maanden"),
    };
    match (years, rest) {
        (0, _) => rest_text,
        (_, 0) => format!("{months} maanden ({years_text})"),
        _ => format!("{months} maanden ({years_text} en {rest_text})"),
    }
}

/// The requests of `user`, newest first.
pub async fn applications_of(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<Vec<Application>, sqlx::Error> {
    let applications = sqlx::query_scalar!(
        r#"SELECT applications AS "applications!: Json<Vec<Application>>"
           FROM applications_of_user($1)"#,
        user as UserId,
    )
    .fetch_one(conn)
    .await?;
    Ok(applications.0)
}

/// Request `id` if it was made by `user`, or whoever made it when `user` is `None` (the
/// back office).
async fn read_application(
    conn: &mut PgConnection,
    id: Uuid,
    user: Option<UserId>,
) -> Result<Option<Application>, sqlx::Error> {
    let application = sqlx::query_scalar!(
        r#"SELECT to_json(a) AS "application!: Json<Application>" FROM application_rows() a
           WHERE a.id = $1 AND ($2::uuid IS NULL OR a.user_id = $2)"#,
        id,
        user as Option<UserId>,
    )
    .fetch_optional(conn)
    .await?;
    Ok(application.map(|json| json.0))
}

/// Request `id` if it is `user`'s.
pub async fn application_of(
    conn: &mut PgConnection,
    user: UserId,
    id: Uuid,
) -> Result<Option<Application>, sqlx::Error> {
    read_application(conn, id, Some(user)).await
}

/// Request `id`, whoever made it (the back office).
pub async fn application(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Application>, sqlx::Error> {
    read_application(conn, id, None).await
}

/// One period of an entry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Period {
    /// First day.
    pub starts_on: NaiveDate,
    /// End (exclusive).
    pub ends_on: NaiveDate,
    /// The request that granted it (none for a period from before the portal).
    pub application_id: Option<Uuid>,
}

impl Period {
    /// "01-09-2027 tot en met 31-08-2032".
    pub fn label(&self) -> String {
        format!(
            "{} tot en met {}",
            format_date(self.starts_on),
            format_date(register_entry::last_day(self.ends_on))
        )
    }
}

/// The periods of `entry`, oldest first.
pub async fn periods_of(
    conn: &mut PgConnection,
    entry: RegisterEntryId,
) -> Result<Vec<Period>, sqlx::Error> {
    sqlx::query_as!(
        Period,
        "SELECT starts_on, ends_on, application_id FROM register_periods
         WHERE entry_id = $1 ORDER BY starts_on",
        entry as RegisterEntryId,
    )
    .fetch_all(conn)
    .await
}

/// The period granted by `application`, if any.
pub async fn period_of_application(
    conn: &mut PgConnection,
    application: Uuid,
) -> Result<Option<Period>, sqlx::Error> {
    sqlx::query_as!(
        Period,
        "SELECT starts_on, ends_on, application_id FROM register_periods
         WHERE application_id = $1",
        application,
    )
    .fetch_optional(conn)
    .await
}

/// A training with a positive eindverklaring, from which registration may be requested.
#[derive(Clone, Debug, sqlx::FromRow, Deserialize)]
pub struct Completed {
    /// The training.
    pub training_id: TrainingId,
    /// The specialty.
    pub specialty_id: Uuid,
    /// Its name.
    pub specialty_name: String,
    /// The register.
    pub register: Stored<Register>,
    /// The end of training (exclusive) from the eindverklaring.
    pub end_date: NaiveDate,
}

impl Completed {
    /// The last day of training, formatted.
    pub fn last_day(&self) -> String {
        format_date(register_entry::last_day(self.end_date))
    }

    /// Where a request on `today` falls.
    pub fn window(&self, today: NaiveDate) -> Window {
        register_entry::window(self.end_date, today)
    }
}

/// The trainings of `user` completed with a positive eindverklaring.
pub async fn completed_of(
    conn: &mut PgConnection,
    user: UserId,
) -> Result<Vec<Completed>, sqlx::Error> {
    sqlx::query_as!(
        Completed,
        r#"SELECT t.id AS "training_id: TrainingId", t.specialty_id, s.name AS specialty_name,
                  s.register AS "register: Stored<Register>", f.end_date
         FROM trainings t JOIN final_declarations f ON f.training_id = t.id AND f.positive
         JOIN specialties s ON s.id = t.specialty_id
         WHERE t.trainee_id = $1 AND t.status = 'voltooid'
         ORDER BY f.end_date"#,
        user as UserId,
    )
    .fetch_all(conn)
    .await
}

/// Why registration was not requested.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// No such completed training of this user.
    #[error("no completed training")]
    NotFound,
    /// Outside the window.
    #[error("outside the window")]
    Window(Window),
    /// Requested before, or already in the register.
    #[error("already requested")]
    AlreadyRequested,
    /// No fee.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// `user` requests registration after completed training `training`: the request and its
/// fee invoice, in one transaction with the audit record and a payment reminder for the next
/// day. Returns the invoice to pay.
pub async fn request_registration(
    state: &AppState,
    meta: &Origin,
    user: UserId,
    training: TrainingId,
) -> Result<Invoice, RequestError> {
    let mut tx = state.db.begin().await?;
    // The training as `completed_of` reads it, locked.
    let completed = sqlx::query_as!(
        Completed,
        r#"SELECT t.id AS "training_id: TrainingId", t.specialty_id, s.name AS specialty_name,
                  s.register AS "register: Stored<Register>", f.end_date
         FROM trainings t JOIN final_declarations f ON f.training_id = t.id AND f.positive
         JOIN specialties s ON s.id = t.specialty_id
         WHERE t.trainee_id = $1 AND t.id = $2 AND t.status = 'voltooid'
         FOR UPDATE OF t"#,
        user as UserId,
        training as TrainingId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let completed = completed.ok_or(RequestError::NotFound)?;
    let today = state.clock.today();
    let window = completed.window(today);
    if window != Window::InTime {
        return Err(RequestError::Window(window));
    }
    let taken: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM register_applications
                        WHERE training_id = $1 AND kind = 'registratie' AND status <> 'afgewezen')
             OR EXISTS (SELECT 1 FROM register_entries WHERE user_id = $2 AND specialty_id = $3) AS "exists!""#,
        training as TrainingId,
        user as UserId,
        completed.specialty_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken {
        return Err(RequestError::AlreadyRequested);
    }
    let invoice = invoices::issue(
        &mut tx,
        &NewInvoice {
            user,
            training: Some(training),
            product: "eerste_registratie",
            specialty: completed.specialty_id,
            description: format!(
                "Registratie in het {}: {}",
                completed.register.0.label().to_lowercase(),
                completed.specialty_name
            ),
        },
        today,
    )
    .await?;
    let now = state.clock.now();
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO register_applications (id, kind, user_id, specialty_id, training_id,
                                            invoice_id, submitted_at)
         VALUES ($1, 'registratie', $2, $3, $4, $5, $6)",
        id,
        user as UserId,
        completed.specialty_id,
        training as TrainingId,
        invoice.id as InvoiceId,
        now,
    )
    .execute(&mut *tx)
    .await?;
    crate::platform::jobs::schedule_payment_reminder(&mut tx, invoice.id, now).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("register.requested", Some(user), Outcome::Success)
            .object("register_application", id)
            .details(json!({ "training_id": training, "invoice": invoice.number })),
    )
    .await?;
    tx.commit().await?;
    Ok(invoice)
}

/// What a paid invoice completes: a registratie request is granted (the entry is created and
/// the aios becomes specialist); a herregistratie request goes to the RGS. Returns the
/// sentence for the payment confirmation, or `None` when the invoice is for neither.
pub async fn on_invoice_paid(
    conn: &mut PgConnection,
    invoice: InvoiceId,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    let application = sqlx::query!(
        "SELECT id, kind FROM register_applications
         WHERE invoice_id = $1 AND status = 'ingediend' FOR UPDATE",
        invoice as InvoiceId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, kind)) = application.map(|row| (row.id, row.kind)) else {
        return Ok(None);
    };
    if kind == "herregistratie" {
        return Ok(Some(
            "De RGS beoordeelt nu uw aanvraag voor herregistratie; u ontvangt het besluit \
             binnen acht weken per e-mail."
                .to_owned(),
        ));
    }
    let entry = grant_registration(conn, id, now).await?;
    Ok(Some(format!(
        "U staat ingeschreven in het {} van {} vanaf {} tot en met {}. Het besluit en het \
         bewijs van inschrijving vindt u in MijnRGS onder Mijn registratie.",
        entry.register_label().to_lowercase(),
        entry.specialty_name,
        entry.since(),
        entry.until()
    )))
}

/// Grants registratie request `application` (paid): the entry and its first period, never
/// backdated; the specialist role for the specialty; the aios role ends when no other
/// training is running; the notices and the strike-off are scheduled.
async fn grant_registration(
    conn: &mut PgConnection,
    application: Uuid,
    now: DateTime<Utc>,
) -> Result<Entry, sqlx::Error> {
    let granted = sqlx::query!(
        r#"SELECT user_id, specialty_id, training_id AS "training_id!: TrainingId", submitted_at
           FROM register_applications WHERE id = $1"#,
        application,
    )
    .fetch_one(&mut *conn)
    .await?;
    let (user, specialty, training, submitted_at) = (
        granted.user_id,
        granted.specialty_id,
        granted.training_id,
        granted.submitted_at,
    );
    let end_date: NaiveDate = sqlx::query_scalar!(
        "SELECT end_date FROM final_declarations WHERE training_id = $1",
        training as TrainingId,
    )
    .fetch_one(&mut *conn)
    .await?;
    let local = |at: DateTime<Utc>| at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let (starts_on, ends_on) =
        register_entry::entry_period(end_date, local(submitted_at), local(now));
    let entry = RegisterEntryId::generate();
    sqlx::query!(
        "INSERT INTO register_entries (id, user_id, specialty_id, training_id, registered_on,
                                       ends_on)
         VALUES ($1, $2, $3, $4, $5, $6)",
        entry as RegisterEntryId,
        user,
        specialty,
        training as TrainingId,
        starts_on,
        ends_on,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO register_periods (entry_id, starts_on, ends_on, application_id)
         VALUES ($1, $2, $3, $4)",
        entry as RegisterEntryId,
        starts_on,
        ends_on,
        application,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE register_applications SET status = 'toegekend', decided_at = $2,
                granted_months = $3
         WHERE id = $1",
        application,
        now,
        i16::try_from(register_entry::ENTRY_MONTHS).unwrap_or(60),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO role_assignments (user_id, role, specialty_id)
         SELECT $1, 'specialist', $2
         WHERE NOT EXISTS (SELECT 1 FROM role_assignments WHERE user_id = $1
                             AND role = 'specialist' AND specialty_id = $2
                             AND revoked_at IS NULL)",
        user,
        specialty,
    )
    .execute(&mut *conn)
    .await?;
    let aios_ended = sqlx::query!(
        "UPDATE role_assignments SET revoked_at = $2
         WHERE user_id = $1 AND role = 'aios' AND revoked_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM trainings WHERE trainee_id = $1
                             AND status NOT IN ('voltooid', 'beeindigd', 'doorgehaald'))",
        user,
        now,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        > 0;
    audit::record(
        conn,
        now,
        &Origin::default(),
        AuditEntry::new("register.entered", None, Outcome::Success)
            .object("register_entry", entry)
            .details(json!({
                "user_id": user,
                "application_id": application,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "aios_role_ended": aios_ended,
            })),
    )
    .await?;
    schedule_for_period(conn, entry, ends_on, now).await?;
    let entry = lock_entry(conn, entry)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(entry)
}

/// Schedules, for the period of `entry` that ends on `ends_on`, the invitation and reminders
/// still to come and the strike-off at its end, in the caller's transaction.
pub async fn schedule_for_period(
    conn: &mut PgConnection,
    entry: RegisterEntryId,
    ends_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let today = now
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    for (notice, day) in register_entry::notices_to_schedule(ends_on, today) {
        let at = jobs::dutch_time(day, 7, 0).unwrap_or(now).max(now);
        jobs::schedule(
            conn,
            Kind::ReregistrationNotice,
            &format!("reregistration_notice:{entry}:{ends_on}:{}", notice.code()),
            at,
            json!({ "entry_id": entry, "ends_on": ends_on, "notice": notice.code() }),
        )
        .await?;
    }
    let at = jobs::dutch_time(ends_on, 0, 5).unwrap_or(now).max(now);
    jobs::schedule(
        conn,
        Kind::StrikeOff,
        &format!("strike_off:{entry}:{ends_on}"),
        at,
        json!({ "entry_id": entry, "ends_on": ends_on }),
    )
    .await?;
    Ok(())
}
