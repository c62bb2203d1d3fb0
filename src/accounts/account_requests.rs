//! Account requests of opleidingsondersteuners and contactpersonen: submitted on a public form,
//! confirmed by every opleider named (ondersteuner), decided by the RGS, and accepted by the
//! person through a single-use invitation link. Each step is one transaction with its audit
//! record and its mail.

use chrono::{DateTime, Utc};
use rules::code::Coded;
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::mails;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::auth::secrets;
use crate::platform::db::Stored;
use crate::platform::ids::UserId;
use crate::platform::mail::{self, OutgoingEmail};
use crate::platform::state::AppState;
use rules::account::{EmailAddress, FullName, NewPassword, Username};

/// How long an invitation link works.
pub const INVITATION_VALIDITY: chrono::Duration = chrono::Duration::days(14);

/// An opleider to choose on the ondersteuner form.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct OpleiderOption {
    /// The opleider's user id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Where they train.
    pub institutions: String,
}

/// The shortest search for an opleider: a stranger cannot list everyone by searching "a".
pub const OPLEIDER_SEARCH_MIN: usize = 3;
/// The most opleiders one search shows.
pub const OPLEIDER_SEARCH_MAX: usize = 10;

/// What a search for an opleider found.
pub struct OpleiderSearch {
    /// The matches, by name (at most [`OPLEIDER_SEARCH_MAX`]).
    pub found: Vec<OpleiderOption>,
    /// Whether there were more than that.
    pub more: bool,
}

/// Active opleiders whose name or institution (name or city) holds `words`, for the public
/// ondersteuner form. The caller checks the length ([`OPLEIDER_SEARCH_MIN`]).
pub async fn search_opleiders(db: &PgPool, words: &str) -> Result<OpleiderSearch, sqlx::Error> {
    let pattern = crate::platform::db::contains_pattern(words);
    // What the SQL function `active_opleiders` reads, filtered before the grouping.
    let mut found = sqlx::query_as!(
        OpleiderOption,
        r#"SELECT u.id, u.full_name AS name,
                  string_agg(DISTINCT i.name || ', ' || i.city, '; ') AS "institutions!"
           FROM users u
           JOIN role_assignments r
             ON r.user_id = u.id AND r.role = 'opleider' AND r.revoked_at IS NULL
           JOIN institutions i ON i.id = r.institution_id
           WHERE u.full_name ILIKE $1 OR EXISTS (
               SELECT 1 FROM role_assignments r2
               JOIN institutions i2 ON i2.id = r2.institution_id
               WHERE r2.user_id = u.id AND r2.role = 'opleider' AND r2.revoked_at IS NULL
                 AND (i2.name ILIKE $1 OR i2.city ILIKE $1))
           GROUP BY u.id ORDER BY u.full_name, u.id LIMIT $2"#,
        pattern,
        OPLEIDER_SEARCH_MAX as i64 + 1,
    )
    .fetch_all(db)
    .await?;
    let more = found.len() > OPLEIDER_SEARCH_MAX;
    found.truncate(OPLEIDER_SEARCH_MAX);
    Ok(OpleiderSearch { found, more })
}

/// The active opleiders among `ids` (those already chosen on the form), by name.
pub async fn chosen_opleiders(
    db: &PgPool,
    ids: &[UserId],
) -> Result<Vec<OpleiderOption>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as!(
        OpleiderOption,
        r#"SELECT id AS "id!", name AS "name!", institutions AS "institutions!"
           FROM active_opleiders() WHERE id = ANY($1) ORDER BY name, id"#,
        ids as &[UserId],
    )
    .fetch_all(db)
    .await
}

/// An institution to choose.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct InstitutionOption {
    /// Id.
    pub id: Uuid,
    /// "Name, City".
    pub label: String,
}

/// Every institution, by name.
pub async fn institutions(db: &PgPool) -> Result<Vec<InstitutionOption>, sqlx::Error> {
    sqlx::query_as!(
        InstitutionOption,
        r#"SELECT id, name || ', ' || city AS "label!" FROM institutions ORDER BY name, city"#,
    )
    .fetch_all(db)
    .await
}

/// The person asking.
pub struct Applicant {
    /// Name.
    pub full_name: FullName,
    /// Email address (where the invitation goes).
    pub email: EmailAddress,
    /// Phone number.
    pub phone: String,
}

/// What kind of account is asked for, with what it needs.
pub enum RequestKind {
    /// An ondersteuner for these opleiders, with a motivation.
    Ondersteuner {
        /// The opleiders (at least one).
        supervisors: Vec<UserId>,
        /// Why.
        motivation: String,
    },
    /// The contactpersoon of one institution.
    Contactpersoon {
        /// The institution.
        institution: Uuid,
        /// The person's job title.
        job_title: String,
    },
}

/// Why a request was not taken.
#[derive(Debug)]
pub enum SubmitError {
    /// The institution already has an active contactpersoon.
    InstitutionHasContact,
    /// An opleider or institution that does not exist was posted.
    UnknownChoice,
    /// Anything else.
    Failed(sqlx::Error),
}

impl From<sqlx::Error> for SubmitError {
    fn from(e: sqlx::Error) -> Self {
        SubmitError::Failed(e)
    }
}

/// Whether `institution` has an active contactpersoon.
pub async fn institution_has_contact(
    conn: &mut sqlx::PgConnection,
    institution: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM role_assignments
                        WHERE role = 'contactpersoon' AND institution_id = $1 AND revoked_at IS NULL) AS "exists!""#,
        institution,
    )
    .fetch_one(conn)
    .await
}

fn base(state: &AppState) -> String {
    state
        .config
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}

/// How long the link with which the person asking confirms their email address works.
pub const CONFIRMATION_VALIDITY: chrono::Duration = chrono::Duration::hours(24);

/// Stores a request, still invisible to everyone, and mails the person asking a link to
/// confirm their own email address; only then are opleiders told or the RGS shown it
/// ([`confirm_request`]). Nothing the stranger typed is written into that mail. When the address
/// had its share of mails from the public forms this hour, nothing is stored or sent, and the
/// screen says the same as when it was (docs/security.md).
pub async fn submit(
    state: &AppState,
    meta: &Origin,
    applicant: Applicant,
    kind: RequestKind,
) -> Result<(), SubmitError> {
    let now = state.clock.now();
    let id = Uuid::now_v7();
    let mut tx = state.db.begin().await?;
    match &kind {
        RequestKind::Contactpersoon { institution, .. } => {
            let exists: bool = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM institutions WHERE id = $1) AS "exists!""#,
                institution,
            )
            .fetch_one(&mut *tx)
            .await?;
            if !exists {
                return Err(SubmitError::UnknownChoice);
            }
            if institution_has_contact(&mut tx, *institution).await? {
                return Err(SubmitError::InstitutionHasContact);
            }
        }
        RequestKind::Ondersteuner { supervisors, .. } => {
            let known: i64 = sqlx::query_scalar!(
                r#"SELECT count(DISTINCT user_id) AS "count!" FROM role_assignments
                 WHERE user_id = ANY($1) AND role = 'opleider' AND revoked_at IS NULL"#,
                supervisors as &[UserId],
            )
            .fetch_one(&mut *tx)
            .await?;
            if usize::try_from(known).ok() != Some(supervisors.len()) {
                return Err(SubmitError::UnknownChoice);
            }
        }
    }
    // Requests never confirmed are removed a week after their link expired.
    sqlx::query!(
        "DELETE FROM account_requests
         WHERE email_confirmed_at IS NULL AND confirmation_expires_at < $1",
        now - chrono::Duration::days(7),
    )
    .execute(&mut *tx)
    .await?;
    if !mail::within_address_limit(&mut tx, applicant.email.as_str(), now).await? {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("account_request.submitted", None, Outcome::Denied)
                .details(serde_json::json!({ "reason": "address_limit" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let token = secrets::new_link_token();
    let (kind_code, institution, job_title, motivation) = match &kind {
        RequestKind::Contactpersoon {
            institution,
            job_title,
        } => (
            AccountKind::Contactpersoon.code(),
            Some(*institution),
            Some(job_title.as_str()),
            None,
        ),
        RequestKind::Ondersteuner { motivation, .. } => (
            AccountKind::Ondersteuner.code(),
            None,
            None,
            Some(motivation.as_str()),
        ),
    };
    sqlx::query!(
        "INSERT INTO account_requests (id, kind, full_name, email, phone, institution_id,
             job_title, motivation, confirmation_hash, confirmation_expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id,
        kind_code,
        applicant.full_name.as_str(),
        applicant.email.as_str(),
        &applicant.phone,
        institution,
        job_title,
        motivation,
        secrets::token_hash(&token),
        now + CONFIRMATION_VALIDITY,
        now,
    )
    .execute(&mut *tx)
    .await?;
    if let RequestKind::Ondersteuner { supervisors, .. } = &kind {
        sqlx::query!(
            "INSERT INTO account_request_supervisors (request_id, supervisor_id)
             SELECT $1, s FROM UNNEST($2::uuid[]) AS s GROUP BY s",
            id,
            supervisors as &[UserId],
        )
        .execute(&mut *tx)
        .await?;
    }
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: applicant.email.as_str().to_owned(),
            to_name: None,
            subject: "Bevestig uw accountaanvraag voor MijnRGS".into(),
            body: mail::text(&mails::ConfirmRequest {
                base: &base(state),
                token: &token,
            })?,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("account_request.submitted", None, Outcome::Success)
            .object("account_request", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `token` confirms a request's email address at `now`.
pub async fn confirmation_is_valid(
    db: &PgPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM account_requests
                        WHERE confirmation_hash = $1 AND email_confirmed_at IS NULL
                          AND confirmation_expires_at > $2) AS "exists!""#,
        secrets::token_hash(token),
        now,
    )
    .fetch_one(db)
    .await
}

/// The person asking confirms their email address: the request now waits for the opleiders
/// named (who are mailed now, without anything the person typed) or for the RGS, and the
/// person gets an acknowledgement saying so. Returns the kind of account asked for, or `None`
/// when the link is unknown, used or expired.
pub async fn confirm_request(
    state: &AppState,
    meta: &Origin,
    token: &str,
) -> Result<Option<AccountKind>, sqlx::Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let confirmed = sqlx::query!(
        r#"UPDATE account_requests r SET email_confirmed_at = $2, confirmation_hash = NULL
           WHERE confirmation_hash = $1 AND email_confirmed_at IS NULL
             AND confirmation_expires_at > $2
           RETURNING id, kind AS "kind: Stored<AccountKind>", full_name, email,
             (SELECT name FROM institutions WHERE id = r.institution_id) AS institution"#,
        secrets::token_hash(token),
        now,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(request) = confirmed else {
        return Ok(None);
    };
    let id = request.id;
    let named = sqlx::query!(
        "SELECT u.full_name, u.email FROM account_request_supervisors s
         JOIN users u ON u.id = s.supervisor_id WHERE s.request_id = $1 ORDER BY u.full_name",
        id,
    )
    .fetch_all(&mut *tx)
    .await?;
    let supervisors: Vec<String> = named.iter().map(|row| row.full_name.clone()).collect();
    let kind = request.kind.0;
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: request.email,
            to_name: Some(request.full_name.clone()),
            subject: "Uw accountaanvraag voor MijnRGS is ontvangen".into(),
            body: mail::text(&mails::RequestReceived {
                role: kind.role_name(),
                supervisors: &supervisors,
                institution: request.institution.as_deref().unwrap_or_default(),
            })?,
        },
    )
    .await?;
    for (name, email) in named.into_iter().map(|row| (row.full_name, row.email)) {
        mail::enqueue(
            &mut tx,
            now,
            &OutgoingEmail {
                attachments: Vec::new(),
                to_address: email,
                to_name: Some(name.clone()),
                subject: "Bevestig een accountaanvraag van een opleidingsondersteuner".into(),
                body: mail::text(&mails::SupervisorAsked {
                    name: &name,
                    base: &base(state),
                })?,
            },
        )
        .await?;
    }
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("account_request.email_confirmed", None, Outcome::Success)
            .object("account_request", id),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(kind))
}

/// A request as the RGS work list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RequestSummary {
    /// Id.
    pub id: Uuid,
    /// The account asked for.
    pub kind: Stored<AccountKind>,
    /// Applicant.
    pub full_name: String,
    /// Their address.
    pub email: String,
    /// Their phone.
    pub phone: String,
    /// Contactpersoon: the institution.
    pub institution: Option<String>,
    /// Contactpersoon: function.
    pub job_title: Option<String>,
    /// Ondersteuner: motivation.
    pub motivation: Option<String>,
    /// Where it stands.
    pub status: Stored<RequestStatus>,
    /// Why it was rejected.
    pub rejection_reason: Option<String>,
    /// When it came in.
    pub created_at: DateTime<Utc>,
    /// Opleiders named who have not confirmed yet.
    pub unconfirmed: i64,
}

impl RequestSummary {
    /// The Dutch name of the kind of account.
    pub fn kind_label(&self) -> &'static str {
        if self.kind.0 == AccountKind::Contactpersoon {
            "Contactpersoon opleidingsinrichting"
        } else {
            "Opleidingsondersteuner"
        }
    }

    /// The Dutch status.
    pub fn status_label(&self) -> &'static str {
        match self.status.0 {
            RequestStatus::Submitted if self.unconfirmed > 0 => {
                "Wacht op bevestiging door opleider"
            }
            RequestStatus::Submitted => "Wacht op besluit RGS",
            RequestStatus::Approved => "Goedgekeurd, uitnodiging verstuurd",
            RequestStatus::Rejected => "Afgewezen",
            RequestStatus::Accepted => "Account aangemaakt",
        }
    }

    /// Whether it still waits for the RGS's decision.
    pub fn is_open(&self) -> bool {
        self.status.0 == RequestStatus::Submitted
    }

    /// Date of the request, Dutch style.
    pub fn received(&self) -> String {
        rules::person::format_moment(self.created_at)
    }
}

/// Which requests [`summaries`] reads: all of them have a confirmed address.
#[derive(Clone, Copy)]
enum Which {
    /// The pending ones.
    Pending,
    /// Request `id`, whatever its status.
    One(Uuid),
    /// The pending ones that wait for this opleider's answer.
    AwaitingSupervisor(UserId),
}

async fn summaries(db: &PgPool, which: Which) -> Result<Vec<RequestSummary>, sqlx::Error> {
    let (id, supervisor) = match which {
        Which::Pending => (None, None),
        Which::One(id) => (Some(id), None),
        Which::AwaitingSupervisor(supervisor) => (None, Some(supervisor)),
    };
    sqlx::query_as!(
        RequestSummary,
        r#"SELECT a.id, a.kind AS "kind: Stored<AccountKind>", a.full_name, a.email, a.phone,
                  i.name || ', ' || i.city AS institution, a.job_title, a.motivation,
                  a.status AS "status: Stored<RequestStatus>", a.rejection_reason, a.created_at,
                  (SELECT count(*) FROM account_request_supervisors s
                    WHERE s.request_id = a.id AND s.decision IS DISTINCT FROM 'bevestigd')
                    AS "unconfirmed!"
           FROM account_requests a LEFT JOIN institutions i ON i.id = a.institution_id
           WHERE a.email_confirmed_at IS NOT NULL
             AND CASE WHEN $1::uuid IS NOT NULL THEN a.id = $1 ELSE a.status = 'ingediend' END
             AND ($2::uuid IS NULL OR EXISTS (
                   SELECT 1 FROM account_request_supervisors s
                   WHERE s.request_id = a.id AND s.supervisor_id = $2 AND s.decision IS NULL))
           ORDER BY a.created_at"#,
        id,
        supervisor as Option<UserId>,
    )
    .fetch_all(db)
    .await
}

/// Requests waiting for a decision, oldest first.
pub async fn pending(db: &PgPool) -> Result<Vec<RequestSummary>, sqlx::Error> {
    summaries(db, Which::Pending).await
}

/// One request.
pub async fn find(db: &PgPool, id: Uuid) -> Result<Option<RequestSummary>, sqlx::Error> {
    Ok(summaries(db, Which::One(id)).await?.into_iter().next())
}

/// The account a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    /// An opleidingsondersteuner, for the opleiders named.
    Ondersteuner,
    /// The contactpersoon of an opleidingsinrichting.
    Contactpersoon,
}

rules::coded!(AccountKind {
    Ondersteuner => "ondersteuner",
    Contactpersoon => "contactpersoon",
});

impl AccountKind {
    /// The role in words, as a request names it: "opleidingsondersteuner".
    pub fn role_name(self) -> &'static str {
        match self {
            AccountKind::Ondersteuner => "opleidingsondersteuner",
            AccountKind::Contactpersoon => "contactpersoon",
        }
    }
}

/// Where an account request stands: submitted (and confirmed by mail) until the RGS decides;
/// approved requests get an invitation, which the person accepts by making the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waits for the opleiders named and then the RGS.
    Submitted,
    /// Approved; the invitation is out.
    Approved,
    /// Rejected, with a reason.
    Rejected,
    /// The invitation was used: the account exists.
    Accepted,
}

rules::coded!(RequestStatus {
    Submitted => "ingediend",
    Approved => "goedgekeurd",
    Rejected => "afgewezen",
    Accepted => "aanvaard",
});

/// What an opleider named on an ondersteuner's request answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SupervisorAnswer {
    /// The ondersteuner works for them.
    Confirmed,
    /// They do not.
    Rejected,
}

rules::coded!(SupervisorAnswer {
    Confirmed => "bevestigd",
    Rejected => "afgewezen",
});

/// An opleider named on a request, with their answer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NamedSupervisor {
    /// Name.
    pub name: String,
    /// Their answer, if they gave one.
    pub decision: Option<Stored<SupervisorAnswer>>,
    /// Why they rejected.
    pub reason: Option<String>,
}

impl NamedSupervisor {
    /// The Dutch answer.
    pub fn decision_label(&self) -> &'static str {
        match self.decision {
            Some(Stored(SupervisorAnswer::Confirmed)) => "Bevestigd",
            Some(Stored(SupervisorAnswer::Rejected)) => "Afgewezen",
            None => "Nog niet beantwoord",
        }
    }
}

/// The opleiders named on request `id`.
pub async fn named_supervisors(db: &PgPool, id: Uuid) -> Result<Vec<NamedSupervisor>, sqlx::Error> {
    sqlx::query_as!(
        NamedSupervisor,
        r#"SELECT u.full_name AS name, s.decision AS "decision: Stored<SupervisorAnswer>",
                  s.reason
           FROM account_request_supervisors s JOIN users u ON u.id = s.supervisor_id
           WHERE s.request_id = $1 ORDER BY u.full_name"#,
        id,
    )
    .fetch_all(db)
    .await
}

/// Pending requests that name `supervisor` and wait for their answer.
pub async fn waiting_for_supervisor(
    db: &PgPool,
    supervisor: UserId,
) -> Result<Vec<RequestSummary>, sqlx::Error> {
    summaries(db, Which::AwaitingSupervisor(supervisor)).await
}

/// Why a decision was not taken.
#[derive(Debug)]
pub enum DecideError {
    /// No such request for this person (or not pending any more): answer 404.
    NotFound,
    /// Opleiders still have to confirm.
    AwaitingSupervisors,
    /// The institution got a contactpersoon in the meantime.
    InstitutionHasContact,
    /// Anything else.
    Failed(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for DecideError {
    fn from(e: E) -> Self {
        DecideError::Failed(e.into())
    }
}

/// An opleider confirms or rejects a request that names them. A rejection rejects the request.
pub async fn supervisor_decides(
    state: &AppState,
    meta: &Origin,
    supervisor: UserId,
    request_id: Uuid,
    confirm: bool,
    reason: Option<&str>,
) -> Result<(), DecideError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let updated = sqlx::query!(
        "UPDATE account_request_supervisors s SET decision = $3, decided_at = $4, reason = $5
         FROM account_requests a
         WHERE s.request_id = $1 AND s.supervisor_id = $2 AND s.decision IS NULL
           AND a.id = s.request_id AND a.status = 'ingediend' AND a.email_confirmed_at IS NOT NULL",
        request_id,
        supervisor as UserId,
        if confirm {
            SupervisorAnswer::Confirmed
        } else {
            SupervisorAnswer::Rejected
        }
        .code(),
        now,
        reason,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        return Err(DecideError::NotFound);
    }
    if !confirm {
        let reason = format!(
            "De opleider heeft de aanvraag afgewezen: {}",
            reason.unwrap_or("geen reden opgegeven")
        );
        reject_in(&mut tx, request_id, None, &reason, now).await?;
    }
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            if confirm {
                "account_request.confirmed_by_opleider"
            } else {
                "account_request.rejected_by_opleider"
            },
            Some(supervisor),
            Outcome::Success,
        )
        .object("account_request", request_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn reject_in(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    decided_by: Option<UserId>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DecideError> {
    let row = sqlx::query!(
        "UPDATE account_requests SET status = 'afgewezen', decided_by = $2, decided_at = $3,
         rejection_reason = $4
         WHERE id = $1 AND status = 'ingediend' AND email_confirmed_at IS NOT NULL
         RETURNING full_name, email",
        id,
        decided_by as Option<UserId>,
        now,
        reason,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((name, email)) = row.map(|row| (row.full_name, row.email)) else {
        return Err(DecideError::NotFound);
    };
    mail::enqueue(
        tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: email,
            to_name: Some(name.clone()),
            subject: "Uw accountaanvraag voor MijnRGS is afgewezen".into(),
            body: mail::text(&mails::RequestRejected {
                name: &name,
                reason,
            })?,
        },
    )
    .await?;
    Ok(())
}

/// The RGS rejects a pending request with a reason.
pub async fn rgs_rejects(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    id: Uuid,
    reason: &str,
) -> Result<(), DecideError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    reject_in(&mut tx, id, Some(clerk), reason, now).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("account_request.rejected", Some(clerk), Outcome::Success)
            .object("account_request", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The RGS approves a pending request: the person gets an invitation link.
pub async fn rgs_approves(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    id: Uuid,
) -> Result<(), DecideError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let request = sqlx::query!(
        r#"SELECT kind AS "kind: Stored<AccountKind>", full_name, email, institution_id
         FROM account_requests
         WHERE id = $1 AND status = 'ingediend' AND email_confirmed_at IS NOT NULL FOR UPDATE"#,
        id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((kind, name, email, institution)) =
        request.map(|row| (row.kind.0, row.full_name, row.email, row.institution_id))
    else {
        return Err(DecideError::NotFound);
    };
    let unconfirmed: i64 = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM account_request_supervisors
         WHERE request_id = $1 AND decision IS DISTINCT FROM 'bevestigd'"#,
        id,
    )
    .fetch_one(&mut *tx)
    .await?;
    if unconfirmed > 0 {
        return Err(DecideError::AwaitingSupervisors);
    }
    if let Some(institution) = institution
        && kind == AccountKind::Contactpersoon
        && institution_has_contact(&mut tx, institution).await?
    {
        return Err(DecideError::InstitutionHasContact);
    }
    let token = secrets::new_link_token();
    sqlx::query!(
        "UPDATE account_requests SET status = 'goedgekeurd', decided_by = $2, decided_at = $3,
         invitation_hash = $4, invitation_expires_at = $5 WHERE id = $1",
        id,
        clerk as UserId,
        now,
        secrets::token_hash(&token),
        now + INVITATION_VALIDITY,
    )
    .execute(&mut *tx)
    .await?;
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: email,
            to_name: Some(name.clone()),
            subject: "Uw account voor MijnRGS: kies uw gebruikersnaam en wachtwoord".into(),
            body: mail::text(&mails::Invitation {
                name: &name,
                base: &base(state),
                token: &token,
            })?,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("account_request.approved", Some(clerk), Outcome::Success)
            .object("account_request", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An invitation that can still be accepted.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Invitation {
    /// The request.
    pub id: Uuid,
    /// Name.
    pub full_name: String,
    /// Address.
    pub email: String,
    /// The account it makes.
    pub kind: Stored<AccountKind>,
    /// Contactpersoon: institution.
    pub institution_id: Option<Uuid>,
}

/// The open invitation behind `token` at `now`.
pub async fn invitation(
    conn: &mut sqlx::PgConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Invitation>, sqlx::Error> {
    sqlx::query_as!(
        Invitation,
        r#"SELECT id, full_name, email, kind AS "kind: Stored<AccountKind>", institution_id
           FROM account_requests
           WHERE invitation_hash = $1 AND status = 'goedgekeurd' AND invitation_expires_at > $2"#,
        secrets::token_hash(token),
        now,
    )
    .fetch_optional(conn)
    .await
}

/// Why an invitation was not accepted.
#[derive(Debug)]
pub enum AcceptError {
    /// Unknown, used or expired link.
    InvalidLink,
    /// The username is taken.
    UsernameTaken,
    /// The address already has an account.
    EmailInUse,
    /// The institution got a contactpersoon in the meantime.
    InstitutionHasContact,
    /// Anything else.
    Failed(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for AcceptError {
    fn from(e: E) -> Self {
        AcceptError::Failed(e.into())
    }
}

/// Creates the account of an approved request, with its roles; the person then logs in and
/// enrols the authenticator. The email address counts as confirmed: the link arrived there.
pub async fn accept(
    state: &AppState,
    meta: &Origin,
    token: &str,
    username: &Username,
    password: &NewPassword,
) -> Result<UserId, AcceptError> {
    let now = state.clock.now();
    let hash = state.passwords.hash(password.expose()).await?;
    let mut tx = state.db.begin().await?;
    let Some(inv) = invitation(&mut tx, token, now).await? else {
        return Err(AcceptError::InvalidLink);
    };
    let taken: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE username = $1) AS "exists!""#,
        username.as_str(),
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken {
        return Err(AcceptError::UsernameTaken);
    }
    let email_used: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)) AS "exists!""#,
        &inv.email,
    )
    .fetch_one(&mut *tx)
    .await?;
    if email_used {
        return Err(AcceptError::EmailInUse);
    }
    let user_id = UserId::generate();
    sqlx::query!(
        "INSERT INTO users (id, username, email, full_name, password_hash, email_verified_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        user_id as UserId,
        username.as_str(),
        &inv.email,
        &inv.full_name,
        &hash,
        now,
    )
    .execute(&mut *tx)
    .await?;
    let granted = if inv.kind.0 == AccountKind::Contactpersoon {
        sqlx::query!(
            "INSERT INTO role_assignments (user_id, role, institution_id) VALUES ($1, 'contactpersoon', $2)",
            user_id as UserId,
            inv.institution_id,
        )
        .execute(&mut *tx)
        .await
    } else {
        sqlx::query!(
            "INSERT INTO role_assignments (user_id, role, supervisor_id)
             SELECT $1, 'ondersteuner', supervisor_id FROM account_request_supervisors
             WHERE request_id = $2",
            user_id as UserId,
            inv.id,
        )
        .execute(&mut *tx)
        .await
    };
    if let Err(sqlx::Error::Database(e)) = &granted
        && e.constraint() == Some("role_assignments_one_contact_per_institution")
    {
        return Err(AcceptError::InstitutionHasContact);
    }
    granted?;
    sqlx::query!(
        "UPDATE account_requests SET status = 'aanvaard', user_id = $2, invitation_hash = NULL WHERE id = $1",
        inv.id,
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("account.created", Some(user_id), Outcome::Success)
            .object("user", user_id)
            .details(serde_json::json!({ "via": "invitation", "request": inv.id })),
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("role.granted", Some(user_id), Outcome::Success)
            .object("user", user_id)
            .details(serde_json::json!({ "role": inv.kind.0.code(), "request": inv.id })),
    )
    .await?;
    tx.commit().await?;
    Ok(user_id)
}
