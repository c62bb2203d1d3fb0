//! What the RGS back office does with accounts: find them, reset a lost second factor, grant
//! and revoke roles. Each change is one transaction with its audit record (and mail).

use chrono::{DateTime, Utc};
use rules::code::Coded;
use sqlx::PgPool;
use uuid::Uuid;

use crate::back_office::mails;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::auth::user::Role;
use crate::platform::ids::UserId;
use crate::platform::mail::{self, OutgoingEmail};
use crate::platform::state::AppState;

/// An account in a list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    /// Id.
    pub id: UserId,
    /// Username.
    pub username: String,
    /// Name.
    pub full_name: String,
    /// Address.
    pub email: String,
    /// When the second factor was enrolled.
    pub totp_enrolled_at: Option<DateTime<Utc>>,
    /// When the address was confirmed.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// When the RGS blocked the account, if it is blocked.
    pub blocked_at: Option<DateTime<Utc>>,
    /// Why.
    pub blocked_reason: Option<String>,
    /// Until when login is refused after failed passwords.
    pub password_locked_until: Option<DateTime<Utc>>,
    /// Until when login is refused after failed codes.
    pub code_locked_until: Option<DateTime<Utc>>,
}

impl UserRow {
    /// The time-boxed lock after failed attempts still running at `now`, if any.
    pub fn locked_until(&self, now: DateTime<Utc>) -> Option<String> {
        [self.password_locked_until, self.code_locked_until]
            .into_iter()
            .flatten()
            .filter(|until| *until > now)
            .max()
            .map(rules::person::format_when)
    }
}

/// Accounts whose username, name or address contains `query`, or whose BIG-nummer is
/// `query` (at most 50).
pub async fn search(db: &PgPool, query: &str) -> Result<Vec<UserRow>, sqlx::Error> {
    let pattern = crate::platform::db::contains_pattern(query);
    sqlx::query_as!(
        UserRow,
        r#"SELECT u.id AS "id: UserId", u.username, u.full_name, u.email, u.totp_enrolled_at,
                u.email_verified_at, u.blocked_at, u.blocked_reason, u.password_locked_until,
                u.code_locked_until
         FROM users u
         LEFT JOIN personal_details p ON p.user_id = u.id
         WHERE u.username ILIKE $1 OR u.full_name ILIKE $1 OR u.email ILIKE $1
            OR p.big_number = $2
         ORDER BY u.full_name LIMIT 50"#,
        pattern,
        query.trim(),
    )
    .fetch_all(db)
    .await
}

/// One account.
pub async fn find(db: &PgPool, id: UserId) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT u.id AS "id: UserId", u.username, u.full_name, u.email, u.totp_enrolled_at,
                u.email_verified_at, u.blocked_at, u.blocked_reason, u.password_locked_until,
                u.code_locked_until
         FROM users u WHERE u.id = $1"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await
}

/// A role held, with its scope in words.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Assignment {
    /// Id of the assignment.
    pub id: Uuid,
    /// The role.
    #[serde(deserialize_with = "crate::platform::db::coded")]
    pub role: Role,
    /// "specialty at institution", "for opleider X", "institution", or empty.
    pub scope: Option<String>,
}

impl Assignment {
    /// The role's Dutch name.
    pub fn role_label(&self) -> &'static str {
        self.role.label()
    }
}

/// An account with everything the back office's account page shows of it, and the choices
/// of its role form.
#[derive(Clone, Debug)]
pub struct Account {
    /// The account.
    pub user: UserRow,
    /// Its active roles.
    pub assignments: Vec<Assignment>,
    /// Its invoices, newest first.
    pub invoices: Vec<crate::billing::invoices::Invoice>,
    /// Its trainings, oldest first.
    pub trainings: Vec<crate::trainings::training::Training>,
    /// Its register entries, by specialty.
    pub entries: Vec<crate::registers::entries::Entry>,
    /// Its registratie and herregistratie requests, newest first.
    pub applications: Vec<crate::registers::entries::Application>,
    /// The specialties a role can be for.
    pub specialties: Vec<SpecialtyOption>,
    /// The institutions a role can be at.
    pub institutions: Vec<crate::accounts::account_requests::InstitutionOption>,
    /// The opleiders an ondersteuner can work for.
    pub opleiders: Vec<crate::accounts::account_requests::OpleiderOption>,
}

/// Account `id` with everything its page shows, in one statement; `None` for an unknown id.
pub async fn account(db: &PgPool, id: UserId) -> Result<Option<Account>, sqlx::Error> {
    use crate::accounts::account_requests::{InstitutionOption, OpleiderOption};
    use crate::billing::invoices::Invoice;
    use crate::registers::entries::{Application, Entry};
    use crate::trainings::training::TrainingRow;
    use sqlx::types::Json;
    let row = sqlx::query!(
        r#"SELECT u.id AS "id: UserId", u.username, u.full_name, u.email, u.totp_enrolled_at,
                  u.email_verified_at, u.blocked_at, u.blocked_reason, u.password_locked_until,
                  u.code_locked_until,
                  -- The active roles, with their scope in words.
                  (SELECT COALESCE(json_agg(x ORDER BY x.role, x.scope, x.id), '[]')
                   FROM (SELECT r.id, r.role,
                                CASE r.role
                                  WHEN 'opleider'
                                    THEN s.name || ' bij ' || i.name || ', ' || i.city
                                  WHEN 'contactpersoon' THEN i.name || ', ' || i.city
                                  WHEN 'ondersteuner' THEN 'namens ' || sup.full_name
                                END AS scope
                         FROM role_assignments r
                         LEFT JOIN specialties s ON s.id = r.specialty_id
                         LEFT JOIN institutions i ON i.id = r.institution_id
                         LEFT JOIN users sup ON sup.id = r.supervisor_id
                         WHERE r.user_id = u.id AND r.revoked_at IS NULL) x)
                    AS "assignments!: Json<Vec<Assignment>>",
                  (SELECT invoices FROM invoices_of_user(u.id))
                    AS "invoices!: Json<Vec<Invoice>>",
                  (SELECT trainings FROM trainings_of_trainee(u.id))
                    AS "trainings!: Json<Vec<TrainingRow>>",
                  (SELECT entries FROM register_entries_of_user(u.id))
                    AS "entries!: Json<Vec<Entry>>",
                  (SELECT applications FROM applications_of_user(u.id))
                    AS "applications!: Json<Vec<Application>>",
                  (SELECT COALESCE(json_agg(x ORDER BY x.name, x.id), '[]')
                   FROM (SELECT id, name FROM specialties) x)
                    AS "specialties!: Json<Vec<SpecialtyOption>>",
                  (SELECT COALESCE(json_agg(x ORDER BY x.name, x.city), '[]')
                   FROM (SELECT id, name || ', ' || city AS label, name, city
                         FROM institutions) x)
                    AS "institutions!: Json<Vec<InstitutionOption>>",
                  (SELECT COALESCE(json_agg(o ORDER BY o.name, o.id), '[]')
                   FROM active_opleiders() o)
                    AS "opleiders!: Json<Vec<OpleiderOption>>"
           FROM users u WHERE u.id = $1"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(Account {
            trainings: crate::trainings::training::trainings_of(row.trainings.0),
            user: UserRow {
                id: row.id,
                username: row.username,
                full_name: row.full_name,
                email: row.email,
                totp_enrolled_at: row.totp_enrolled_at,
                email_verified_at: row.email_verified_at,
                blocked_at: row.blocked_at,
                blocked_reason: row.blocked_reason,
                password_locked_until: row.password_locked_until,
                code_locked_until: row.code_locked_until,
            },
            assignments: row.assignments.0,
            invoices: row.invoices.0,
            entries: row.entries.0,
            applications: row.applications.0,
            specialties: row.specialties.0,
            institutions: row.institutions.0,
            opleiders: row.opleiders.0,
        })
    })
    .transpose()
}

/// Records that a clerk opened a person's account page (docs/security.md §11).
pub async fn record_view(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    user_id: UserId,
) -> Result<(), sqlx::Error> {
    let mut conn = state.db.acquire().await?;
    audit::record(
        &mut conn,
        state.clock.now(),
        meta,
        AuditEntry::new("personal_data.view", Some(clerk), Outcome::Success)
            .object("user", user_id),
    )
    .await
}

/// Removes the authenticator and recovery codes of `user_id` and ends their sessions; at the
/// next login they enrol again. Returns false for an unknown user.
pub async fn reset_second_factor(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    user_id: UserId,
) -> Result<bool, sqlx::Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = sqlx::query!(
        "UPDATE users SET totp_secret_enc = NULL, totp_enrolled_at = NULL, totp_last_step = NULL,
         failed_code_count = 0, code_locked_until = NULL, session_version = session_version + 1
         WHERE id = $1 RETURNING full_name, email",
        user_id as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((name, email)) = user.map(|user| (user.full_name, user.email)) else {
        return Ok(false);
    };
    sqlx::query!(
        "DELETE FROM recovery_codes WHERE user_id = $1",
        user_id as UserId,
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
            subject: "Uw tweede factor voor MijnRGS is opnieuw ingesteld".into(),
            body: mail::text(&mails::SecondFactorReset { name: &name })?,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("auth.second_factor_reset", Some(clerk), Outcome::Success)
            .object("user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A role to grant, with the scope it needs.
#[derive(Clone, Debug)]
pub struct Grant {
    /// Role.
    pub role: Role,
    /// Opleider: specialty.
    pub specialty: Option<Uuid>,
    /// Opleider, contactpersoon: institution.
    pub institution: Option<Uuid>,
    /// Ondersteuner: the opleider.
    pub supervisor: Option<UserId>,
}

/// Why a role was not granted.
#[derive(Debug)]
pub enum GrantError {
    /// The scope the role needs is missing or unknown.
    MissingScope(&'static str),
    /// The institution already has a contactpersoon.
    InstitutionHasContact,
    /// The user holds this role with this scope already.
    AlreadyHeld,
    /// Anything else.
    Failed(sqlx::Error),
}

impl From<sqlx::Error> for GrantError {
    fn from(e: sqlx::Error) -> Self {
        GrantError::Failed(e)
    }
}

/// Grants `grant` to `user_id`.
pub async fn grant_role(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    user_id: UserId,
    grant: &Grant,
) -> Result<(), GrantError> {
    let needs = match grant.role {
        Role::Opleider if grant.specialty.is_none() || grant.institution.is_none() => {
            Some("Kies voor een opleider het specialisme en de opleidingsinrichting.")
        }
        Role::Contactpersoon if grant.institution.is_none() => {
            Some("Kies voor een contactpersoon de opleidingsinrichting.")
        }
        Role::Ondersteuner if grant.supervisor.is_none() => {
            Some("Kies de opleider voor wie de ondersteuner werkt.")
        }
        _ => None,
    };
    if let Some(message) = needs {
        return Err(GrantError::MissingScope(message));
    }
    let (specialty, institution, supervisor) = match grant.role {
        Role::Opleider => (grant.specialty, grant.institution, None),
        Role::Contactpersoon => (None, grant.institution, None),
        Role::Ondersteuner => (None, None, grant.supervisor),
        _ => (None, None, None),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let held: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM role_assignments WHERE user_id = $1 AND role = $2
           AND specialty_id IS NOT DISTINCT FROM $3 AND institution_id IS NOT DISTINCT FROM $4
           AND supervisor_id IS NOT DISTINCT FROM $5 AND revoked_at IS NULL) AS "exists!""#,
        user_id as UserId,
        grant.role.code(),
        specialty,
        institution,
        supervisor as Option<UserId>,
    )
    .fetch_one(&mut *tx)
    .await?;
    if held {
        return Err(GrantError::AlreadyHeld);
    }
    if let Some(sup) = supervisor {
        let is_opleider: bool = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM role_assignments WHERE user_id = $1 AND role = 'opleider' AND revoked_at IS NULL) AS "exists!""#,
            sup as UserId,
        )
        .fetch_one(&mut *tx)
        .await?;
        if !is_opleider || sup == user_id {
            return Err(GrantError::MissingScope("Kies een opleider uit de lijst."));
        }
    }
    let inserted: Result<Uuid, sqlx::Error> = sqlx::query_scalar!(
        "INSERT INTO role_assignments (user_id, role, specialty_id, institution_id, supervisor_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user_id as UserId,
        grant.role.code(),
        specialty,
        institution,
        supervisor as Option<UserId>,
    )
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e))
            if e.constraint() == Some("role_assignments_one_contact_per_institution") =>
        {
            return Err(GrantError::InstitutionHasContact);
        }
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            return Err(GrantError::MissingScope(
                "Het gekozen specialisme, de opleidingsinrichting of de gebruiker bestaat niet.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("role.granted", Some(clerk), Outcome::Success)
            .object("user", user_id)
            .details(serde_json::json!({ "role": grant.role.code(), "assignment": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes assignment `assignment` of `user_id`. Returns false when there is no such active
/// assignment.
pub async fn revoke_role(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    user_id: UserId,
    assignment: Uuid,
) -> Result<bool, sqlx::Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let role: Option<String> = sqlx::query_scalar!(
        "UPDATE role_assignments SET revoked_at = $3
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING role",
        assignment,
        user_id as UserId,
        now,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(role) = role else {
        return Ok(false);
    };
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("role.revoked", Some(clerk), Outcome::Success)
            .object("user", user_id)
            .details(serde_json::json!({ "role": role, "assignment": assignment })),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A specialty to choose.
#[derive(Clone, Debug, sqlx::FromRow, serde::Deserialize)]
pub struct SpecialtyOption {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// Why an account was not blocked.
#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    /// No such account.
    #[error("not found")]
    NotFound,
    /// An RGS-medewerker cannot block their own account.
    #[error("own account")]
    OwnAccount,
    /// It is blocked already.
    #[error("already blocked")]
    AlreadyBlocked,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Blocks account `user_id` with `reason`, by `clerk`: the account's sessions end at once and
/// login is refused until [`unblock`].
pub async fn block(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    user_id: UserId,
    reason: &str,
) -> Result<(), BlockError> {
    if clerk == user_id {
        return Err(BlockError::OwnAccount);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let blocked: Option<Option<DateTime<Utc>>> = sqlx::query_scalar!(
        "SELECT blocked_at FROM users WHERE id = $1 FOR UPDATE",
        user_id as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?;
    match blocked {
        None => return Err(BlockError::NotFound),
        Some(Some(_)) => return Err(BlockError::AlreadyBlocked),
        Some(None) => {}
    }
    sqlx::query!(
        "UPDATE users SET blocked_at = $2, blocked_reason = $3,
                session_version = session_version + 1
         WHERE id = $1",
        user_id as UserId,
        now,
        reason,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("user.blocked", Some(clerk), Outcome::Success)
            .object("user", user_id)
            .details(serde_json::json!({ "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// When an account was blocked, and until when it is locked after failed passwords and codes.
type Locks = (
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// Lifts a block on account `user_id`, and the time-boxed locks after failed attempts, by
/// `clerk`. False when there is no such account.
pub async fn unblock(
    state: &AppState,
    meta: &Origin,
    clerk: UserId,
    user_id: UserId,
) -> Result<bool, sqlx::Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let before: Option<Locks> = sqlx::query!(
        "SELECT blocked_at, password_locked_until, code_locked_until FROM users
             WHERE id = $1 FOR UPDATE",
        user_id as UserId,
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| {
        (
            row.blocked_at,
            row.password_locked_until,
            row.code_locked_until,
        )
    });
    let Some((blocked_at, password_until, code_until)) = before else {
        return Ok(false);
    };
    sqlx::query!(
        "UPDATE users SET blocked_at = NULL, blocked_reason = NULL,
                failed_password_count = 0, failed_password_since = NULL,
                password_locked_until = NULL, failed_code_count = 0, code_locked_until = NULL
         WHERE id = $1",
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("user.unblocked", Some(clerk), Outcome::Success)
            .object("user", user_id)
            .details(serde_json::json!({
                "was_blocked": blocked_at.is_some(),
                "password_locked_until": password_until,
                "code_locked_until": code_until,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
