//! Herregistratie (docs/domain/registers.md): the specialist's request with the computed proposal
//! and its fee invoice, the RGS's decision that extends the entry (never backdated, no overlap, no
//! gap), the invitation and reminders, and the strike-off of an entry whose period ends without a
//! decision.

use crate::platform::ids::{InvoiceId, RegisterEntryId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rules::code::Coded;
use rules::payment::InvoiceStatus;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::billing::invoices::{self, Invoice, IssueError, NewInvoice};
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::db::Stored;
use crate::platform::jobs;
use crate::platform::mail::OutgoingEmail;
use crate::platform::state::AppState;
use crate::registers::entries::{self, Entry, StoredDeclaration, lock_entry, months_label};
use crate::registers::mails;
use rules::person::format_date;
use rules::register_entry::{self, Notice, Reregistration};
use rules::reregistration::{self as reregistration_rules, Declaration, Proposal, Verdict};
use rules::schedule::months::add_months;

/// The days of the five years before the end of a period that ends on `ends_on`, one range
/// per year (start inclusive, end exclusive), oldest first.
pub fn reference_years(ends_on: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    (0..reregistration_rules::REFERENCE_YEARS as i32)
        .map(|year| {
            (
                add_months(ends_on, -12 * (5 - year)),
                add_months(ends_on, -12 * (4 - year)),
            )
        })
        .collect()
}

/// Whether a herregistratie request was made for the period of `entry` that ends on
/// `ends_on`; with `paid_and_open`, only a paid one still waiting for the RGS counts (an
/// unpaid request does not keep an entry in the register past its end).
async fn applied(
    conn: &mut PgConnection,
    entry: RegisterEntryId,
    ends_on: NaiveDate,
    paid_and_open: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM register_applications a
                        JOIN invoices i ON i.id = a.invoice_id
                        WHERE a.entry_id = $1 AND a.extends_from = $2
                          AND (NOT $3 OR (a.status = 'ingediend' AND i.status = 'betaald'))) AS "exists!""#,
        entry as RegisterEntryId,
        ends_on,
        paid_and_open,
    )
    .fetch_one(conn)
    .await
}

/// `entry`, locked, if a job for its period that ends on `ends_on` still has work: the entry
/// is in the register, at that period, and no request for it counts ([`applied`]).
async fn still_running(
    conn: &mut PgConnection,
    entry: RegisterEntryId,
    ends_on: NaiveDate,
    paid_and_open: bool,
) -> Result<Option<Entry>, sqlx::Error> {
    let Some(entry) = lock_entry(conn, entry).await? else {
        return Ok(None);
    };
    if !entry.is_registered()
        || entry.ends_on != ends_on
        || applied(conn, entry.id, ends_on, paid_and_open).await?
    {
        return Ok(None);
    }
    Ok(Some(entry))
}

async fn email_of(conn: &mut PgConnection, user: UserId) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT email FROM users WHERE id = $1", user as UserId,)
        .fetch_one(conn)
        .await
}

/// The invitation or a reminder to apply for herregistratie, unless the period has changed,
/// the entry was struck off, or a request was made meanwhile.
pub async fn send_notice(
    state: &AppState,
    conn: &mut PgConnection,
    entry: RegisterEntryId,
    ends_on: NaiveDate,
    notice: Notice,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(entry) = still_running(conn, entry, ends_on, false).await? else {
        return Ok(());
    };
    let subject = match notice {
        Notice::Invitation => format!(
            "Uitnodiging: vraag herregistratie aan voor {}",
            entry.specialty_name
        ),
        Notice::Reminder => format!(
            "Herinnering: uw registratie {} loopt af op {}",
            entry.as_practitioner(),
            entry.until()
        ),
        Notice::LastReminder => format!(
            "Laatste herinnering: uw registratie {} loopt over twee weken af",
            entry.as_practitioner()
        ),
    };
    let link = state.config.link(&format!(
        "/registratie/inschrijvingen/{}/herregistratie",
        entry.id
    ));
    let body = crate::platform::mail::text(&mails::ReregistrationNotice {
        name: &entry.user_name,
        register: &entry.register_label().to_lowercase(),
        specialty: &entry.specialty_name,
        until: &entry.until(),
        link: &link,
    })?;
    let to = email_of(conn, entry.user_id).await?;
    crate::platform::mail::enqueue(
        conn,
        now,
        &OutgoingEmail {
            to_address: to,
            to_name: Some(entry.user_name.clone()),
            subject,
            body,
            attachments: Vec::new(),
        },
    )
    .await?;
    audit::record(
        conn,
        now,
        &Origin::default(),
        AuditEntry::new("register.notice_sent", None, Outcome::Success)
            .object("register_entry", entry.id)
            .details(json!({ "notice": notice.code(), "ends_on": ends_on })),
    )
    .await?;
    Ok(())
}

/// Strikes off `entry` with `reason` and tells the person, in the caller's transaction.
async fn strike_off(
    state: &AppState,
    conn: &mut PgConnection,
    entry: &Entry,
    reason: &str,
    actor: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE register_entries SET status = 'doorgehaald', struck_off_at = $2,
                struck_off_reason = $3
         WHERE id = $1 AND status = 'ingeschreven'",
        entry.id as RegisterEntryId,
        now,
        reason,
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        now,
        &Origin::default(),
        AuditEntry::new("register.struck_off", actor, Outcome::Success)
            .object("register_entry", entry.id)
            .details(json!({ "ends_on": entry.ends_on, "reason": reason })),
    )
    .await?;
    let to = email_of(conn, entry.user_id).await?;
    let base = state.config.base_url.as_str().trim_end_matches('/');
    crate::platform::mail::enqueue(
        conn,
        now,
        &OutgoingEmail {
            to_address: to,
            to_name: Some(entry.user_name.clone()),
            subject: format!("Uw inschrijving {} is doorgehaald", entry.as_practitioner()),
            body: crate::platform::mail::text(&mails::StruckOff {
                name: &entry.user_name,
                register: &entry.register_label().to_lowercase(),
                specialty: &entry.specialty_name,
                until: &entry.until(),
                reason,
                base,
            })?,
            attachments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// The reason given when a period ends without a herregistratie.
pub const EXPIRED_REASON: &str =
    "De registratie is verlopen zonder dat herregistratie is toegekend.";

/// At the end of a period: strikes off `entry` unless it was extended, struck off already, or
/// a paid herregistratie request still waits for the RGS (the RGS's refusal strikes it off
/// then).
pub async fn strike_off_expired(
    state: &AppState,
    conn: &mut PgConnection,
    entry: RegisterEntryId,
    ends_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(entry) = still_running(conn, entry, ends_on, true).await? else {
        return Ok(());
    };
    strike_off(state, conn, &entry, EXPIRED_REASON, None, now).await
}

/// Why a herregistratie request was not made.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// No such entry of this user.
    #[error("not found")]
    NotFound,
    /// Struck off.
    #[error("struck off")]
    StruckOff,
    /// Not (or no longer) possible on this day.
    #[error("not open")]
    NotOpen(Reregistration),
    /// Requested before for this period.
    #[error("already applied")]
    AlreadyApplied,
    /// No fee.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// `user` requests herregistratie of `entry` with `declaration`: the request with the
/// computed proposal and its fee invoice, in one transaction with the audit record and a
/// payment reminder for the next day. Whether the previous period was shortened for a missing
/// evaluation is taken from the register, not from the form.
pub async fn apply(
    state: &AppState,
    meta: &Origin,
    user: UserId,
    entry: RegisterEntryId,
    declaration: &Declaration,
) -> Result<(Uuid, Proposal, Invoice), ApplyError> {
    let mut tx = state.db.begin().await?;
    let entry = match lock_entry(&mut tx, entry).await? {
        Some(entry) if entry.user_id == user => entry,
        _ => return Err(ApplyError::NotFound),
    };
    if !entry.is_registered() {
        return Err(ApplyError::StruckOff);
    }
    let today = state.clock.today();
    let window = register_entry::reregistration(entry.ends_on, today);
    if window != Reregistration::Open {
        return Err(ApplyError::NotOpen(window));
    }
    if applied(&mut tx, entry.id, entry.ends_on, false).await? {
        return Err(ApplyError::AlreadyApplied);
    }
    let declaration = Declaration {
        evaluation_missed_before: entry.evaluation_shortened,
        ..declaration.clone()
    };
    let proposal = reregistration_rules::propose(&declaration);
    let invoice = invoices::issue(
        &mut tx,
        &NewInvoice {
            user,
            training: None,
            product: "herregistratie",
            specialty: entry.specialty_id,
            description: format!(
                "Herregistratie in het {}: {}",
                entry.register_label().to_lowercase(),
                entry.specialty_name
            ),
        },
        today,
    )
    .await?;
    let now = state.clock.now();
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO register_applications (id, kind, user_id, specialty_id, entry_id,
                                            extends_from, invoice_id, declaration,
                                            proposed_months, proposal_reasons, submitted_at)
         VALUES ($1, 'herregistratie', $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        user as UserId,
        entry.specialty_id,
        entry.id as RegisterEntryId,
        entry.ends_on,
        invoice.id as InvoiceId,
        sqlx::types::Json(StoredDeclaration::from_declaration(&declaration)) as _,
        proposal.months().map(|m| i16::try_from(m).unwrap_or(60)),
        proposal.reasons(),
        now,
    )
    .execute(&mut *tx)
    .await?;
    jobs::schedule_payment_reminder(&mut tx, invoice.id, now).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            "register.reregistration_requested",
            Some(user),
            Outcome::Success,
        )
        .object("register_application", id)
        .details(json!({
            "entry_id": entry.id,
            "extends_from": entry.ends_on,
            "proposed_months": proposal.months(),
            "invoice": invoice.number,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok((id, proposal, invoice))
}

/// Why a decision was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// No such open herregistratie request.
    #[error("not open")]
    NotOpen,
    /// Its invoice is not paid.
    #[error("unpaid")]
    Unpaid,
    /// The entry is no longer at the period the request extends.
    #[error("entry changed")]
    EntryChanged,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What a decision did.
#[derive(Debug)]
pub struct Decided {
    /// The new end (exclusive) when granted.
    pub ends_on: Option<NaiveDate>,
    /// Whether the entry was struck off at once (refused after its end).
    pub struck_off: bool,
}

/// The RGS-medewerker `clerk` decides herregistratie request `application`: a grant adds the
/// next period, starting where the current one ends (never backdated, no overlap, no gap),
/// and schedules its notices and strike-off; a refusal lets the entry end, and strikes it off
/// at once when its end has passed. One transaction with the audit record and the mail.
pub async fn decide(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    application: Uuid,
    verdict: Verdict,
    note: &str,
) -> Result<Decided, DecideError> {
    let mut tx = state.db.begin().await?;
    // A herregistratie request always has its entry and the period it extends.
    let locked = sqlx::query!(
        r#"SELECT a.entry_id AS "entry_id!: RegisterEntryId", a.extends_from AS "extends_from!",
                  i.status AS "status: Stored<InvoiceStatus>"
           FROM register_applications a
           JOIN invoices i ON i.id = a.invoice_id
           WHERE a.id = $1 AND a.kind = 'herregistratie' AND a.status = 'ingediend'
           FOR UPDATE OF a"#,
        application,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (entry, extends_from, invoice_status) = locked
        .map(|row| (row.entry_id, row.extends_from, row.status.0))
        .ok_or(DecideError::NotOpen)?;
    let entry = lock_entry(&mut tx, entry)
        .await?
        .ok_or(DecideError::NotOpen)?;
    // Granting needs the fee paid and the entry still at the period the request extends; a
    // refusal is always possible (also of an unpaid request, or after a strike-off).
    if let Verdict::Grant(_) = verdict {
        if invoice_status != InvoiceStatus::Paid {
            return Err(DecideError::Unpaid);
        }
        if !entry.is_registered() || entry.ends_on != extends_from {
            return Err(DecideError::EntryChanged);
        }
    }
    let declaration = crate::registers::entries::application(&mut tx, application)
        .await?
        .and_then(|a| a.declared())
        .ok_or(DecideError::NotOpen)?;
    let now = state.clock.now();
    let today = state.clock.today();
    let mut decided = Decided {
        ends_on: None,
        struck_off: false,
    };
    let (status, granted) = match verdict {
        Verdict::Grant(months) => {
            let new_end = add_months(extends_from, i32::try_from(months).unwrap_or(60));
            sqlx::query!(
                "INSERT INTO register_periods (entry_id, starts_on, ends_on, application_id)
                 VALUES ($1, $2, $3, $4)",
                entry.id as RegisterEntryId,
                extends_from,
                new_end,
                application,
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "UPDATE register_entries SET ends_on = $2, evaluation_shortened = $3 WHERE id = $1",
                entry.id as RegisterEntryId,
                new_end,
                declaration.evaluation_missing(),
            )
            .execute(&mut *tx)
            .await?;
            entries::schedule_for_period(&mut tx, entry.id, new_end, now).await?;
            decided.ends_on = Some(new_end);
            ("toegekend", Some(i16::try_from(months).unwrap_or(60)))
        }
        Verdict::Refuse => ("afgewezen", None),
    };
    sqlx::query!(
        "UPDATE register_applications SET status = $2, decided_at = $3, decided_by = $4,
                granted_months = $5, decision_note = $6
         WHERE id = $1",
        application,
        status,
        now,
        clerk as UserId,
        granted,
        note,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            if granted.is_some() {
                "register.reregistered"
            } else {
                "register.reregistration_refused"
            },
            Some(clerk),
            Outcome::Success,
        )
        .object("register_application", application)
        .details(json!({
            "entry_id": entry.id,
            "granted_months": granted,
            "ends_on": decided.ends_on,
            "note": note,
        })),
    )
    .await?;
    let base = state.config.base_url.as_str().trim_end_matches('/');
    let outcome = match (verdict, decided.ends_on) {
        (Verdict::Grant(months), Some(new_end)) => format!(
            "De RGS heeft uw herregistratie toegekend voor {}. Uw inschrijving loopt nu tot en \
             met {}.",
            months_label(i32::try_from(months).unwrap_or(60)),
            format_date(register_entry::last_day(new_end))
        ),
        _ if !entry.is_registered() => "De RGS heeft uw aanvraag voor herregistratie \
                                         afgewezen. Uw inschrijving was al doorgehaald."
            .to_owned(),
        _ => format!(
            "De RGS heeft uw aanvraag voor herregistratie afgewezen. Uw inschrijving loopt tot \
             en met {}.",
            entry.until()
        ),
    };
    let note_text = if note.is_empty() {
        String::new()
    } else {
        format!("\n\nToelichting van de RGS: {note}")
    };
    let to = email_of(&mut tx, entry.user_id).await?;
    crate::platform::mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            to_address: to,
            to_name: Some(entry.user_name.clone()),
            subject: format!("Besluit over uw herregistratie {}", entry.as_practitioner()),
            body: crate::platform::mail::text(&mails::ReregistrationDecided {
                name: &entry.user_name,
                outcome: &outcome,
                note_text: &note_text,
                base,
            })?,
            attachments: Vec::new(),
        },
    )
    .await?;
    if granted.is_none() && entry.is_registered() && today >= entry.ends_on {
        strike_off(
            state,
            &mut tx,
            &entry,
            "De aanvraag voor herregistratie is afgewezen.",
            Some(clerk),
            now,
        )
        .await?;
        decided.struck_off = true;
    }
    tx.commit().await?;
    Ok(decided)
}
