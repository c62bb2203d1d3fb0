//! The two login steps and second-factor enrolment, as operations on the database. Each step
//! runs in one transaction with its audit record; the user row is locked while counters change,
//! so concurrent attempts are counted exactly and one code gives exactly one login.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::auth::{secrets, totp};
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use crate::seed;
use rules::lockout::Attempts;

/// Session key of the "password accepted" marker.
pub const PENDING_LOGIN: &str = "pending_login";
/// How long the marker is good for: the code must follow within five minutes.
pub const PENDING_LIMIT: chrono::Duration = chrono::Duration::minutes(5);

/// "Password accepted, code still to come", kept in the session between the two steps.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingLogin {
    /// Whose password was accepted.
    pub user_id: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// The username, for the authenticator app's label.
    pub username: String,
    /// Whether an authenticator is enrolled; if not, the next step is enrolment.
    pub enrolled: bool,
    /// During enrolment: the new secret, sealed with the server key, as hex.
    pub pending_secret: Option<String>,
    /// The page to go to once logged in (checked with
    /// [`return_path`](crate::web::current_user::return_path)), else the account page.
    #[serde(default)]
    pub return_to: Option<String>,
}

impl PendingLogin {
    /// Whether the marker still counts at `now`.
    pub fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        now - self.at < PENDING_LIMIT && now >= self.at
    }
}

/// The answer to the password step.
#[derive(Debug)]
pub enum PasswordOutcome {
    /// Username and password match; the code step follows.
    Accepted(PendingLogin),
    /// Unknown username or wrong password (the user is not told which).
    Invalid,
    /// Too many failures: refused until then, without checking the password.
    Locked(DateTime<Utc>),
    /// The email address was never confirmed.
    EmailUnconfirmed,
    /// The RGS blocked the account (told only after the right password).
    Blocked,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    id: UserId,
    username: String,
    password_hash: Option<String>,
    email_verified_at: Option<DateTime<Utc>>,
    totp_enrolled_at: Option<DateTime<Utc>>,
    failed_password_count: i32,
    failed_password_since: Option<DateTime<Utc>>,
    password_locked_until: Option<DateTime<Utc>>,
    blocked_at: Option<DateTime<Utc>>,
}

/// The longest username kept in the counters of unknown usernames (real ones have 40 at most).
const UNKNOWN_USERNAME_KEY: usize = 100;

/// The password counters of an account, or of a username without one (docs/security.md: both
/// are counted and locked alike, so a lock says nothing about whether an account exists).
#[derive(Clone, Copy)]
enum Counted<'a> {
    Account(UserId),
    Unknown(&'a str),
}

/// The stored password counters, as one row.
#[derive(sqlx::FromRow)]
struct Counters {
    failures: i32,
    since: Option<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
}

impl From<Counters> for Attempts {
    fn from(row: Counters) -> Self {
        Attempts {
            failures: row.failures,
            since: row.since,
            locked_until: row.locked_until,
        }
    }
}

/// The password counters of `who`, locked for update where they belong to an account.
async fn password_attempts(
    conn: &mut sqlx::PgConnection,
    who: Counted<'_>,
) -> Result<Attempts, sqlx::Error> {
    let row: Option<Counters> = match who {
        Counted::Account(id) => {
            sqlx::query_as!(
                Counters,
                "SELECT failed_password_count AS failures, failed_password_since AS since,
                        password_locked_until AS locked_until
                 FROM users WHERE id = $1 FOR UPDATE",
                id as UserId,
            )
            .fetch_optional(&mut *conn)
            .await?
        }
        Counted::Unknown(username) => {
            sqlx::query_as!(
                Counters,
                "SELECT failed_count AS failures, failed_since AS since, locked_until
                 FROM unknown_login_failures WHERE username = $1",
                username,
            )
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    Ok(row.map_or(Attempts::cleared(), Attempts::from))
}

/// Counts one wrong password for `who` (under a row lock, so concurrent failures all count),
/// with its audit record; returns until when the password is locked, if this failure locked it.
async fn count_password_failure(
    tx: &mut sqlx::PgConnection,
    meta: &Origin,
    now: DateTime<Utc>,
    who: Counted<'_>,
    event: &'static str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let user = match who {
        Counted::Account(id) => Some(id),
        Counted::Unknown(_) => None,
    };
    let next = match who {
        Counted::Account(id) => {
            let next = password_attempts(tx, who)
                .await?
                .after_password_failure(now);
            sqlx::query!(
                "UPDATE users SET failed_password_count = $2, failed_password_since = $3,
                 password_locked_until = $4 WHERE id = $1",
                id as UserId,
                next.failures,
                next.since,
                next.locked_until,
            )
            .execute(&mut *tx)
            .await?;
            next
        }
        Counted::Unknown(username) => {
            sqlx::query!(
                "DELETE FROM unknown_login_failures
                 WHERE failed_since < $1 AND (locked_until IS NULL OR locked_until < $2)",
                now - rules::lockout::WINDOW,
                now,
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "INSERT INTO unknown_login_failures (username) VALUES ($1)
                 ON CONFLICT (username) DO NOTHING",
                username,
            )
            .execute(&mut *tx)
            .await?;
            let current: Counters = sqlx::query_as!(
                Counters,
                "SELECT failed_count AS failures, failed_since AS since, locked_until
                 FROM unknown_login_failures WHERE username = $1 FOR UPDATE",
                username,
            )
            .fetch_one(&mut *tx)
            .await?;
            let next = Attempts::from(current).after_password_failure(now);
            sqlx::query!(
                "UPDATE unknown_login_failures
                 SET failed_count = $2, failed_since = $3, locked_until = $4 WHERE username = $1",
                username,
                next.failures,
                next.since,
                next.locked_until,
            )
            .execute(&mut *tx)
            .await?;
            next
        }
    };
    let reason = if user.is_some() {
        "wrong_password"
    } else {
        "unknown_username"
    };
    audit::record(
        &mut *tx,
        now,
        meta,
        AuditEntry::new(event, user, Outcome::Failure)
            .details(serde_json::json!({ "reason": reason })),
    )
    .await?;
    let locked = next.locked_at(now);
    if let Some(until) = locked {
        audit::record(
            &mut *tx,
            now,
            meta,
            AuditEntry::new("auth.lockout", user, Outcome::Success)
                .details(serde_json::json!({ "step": "password", "until": until })),
        )
        .await?;
    }
    Ok(locked)
}

/// Checks username and password.
pub async fn check_password(
    state: &AppState,
    meta: &Origin,
    username: &str,
    password: &str,
) -> Result<PasswordOutcome, sqlx::Error> {
    let now = state.clock.now();
    let username = username.trim().to_lowercase();
    let row: Option<LoginRow> = sqlx::query_as!(
        LoginRow,
        r#"SELECT id AS "id: UserId", username, password_hash, email_verified_at, totp_enrolled_at,
                failed_password_count, failed_password_since, password_locked_until, blocked_at
         FROM users WHERE username = $1"#,
        &username,
    )
    .fetch_optional(&state.db)
    .await?;
    // Demo accounts have a published password: in production they do not exist.
    let row = row.filter(|_| !(state.config.is_production() && seed::is_demo_account(&username)));
    let unknown_key: String = username.chars().take(UNKNOWN_USERNAME_KEY).collect();
    let who = match &row {
        Some(row) => Counted::Account(row.id),
        None => Counted::Unknown(&unknown_key),
    };

    let attempts = match &row {
        Some(row) => Attempts {
            failures: row.failed_password_count,
            since: row.failed_password_since,
            locked_until: row.password_locked_until,
        },
        None => password_attempts(&mut *state.db.acquire().await?, who).await?,
    };
    if let Some(until) = attempts.locked_at(now) {
        let mut conn = state.db.acquire().await?;
        audit::record(
            &mut conn,
            now,
            meta,
            AuditEntry::new("auth.login", row.as_ref().map(|r| r.id), Outcome::Denied)
                .details(serde_json::json!({ "reason": "locked" })),
        )
        .await?;
        return Ok(PasswordOutcome::Locked(until));
    }

    let matches = state
        .passwords
        .verify(
            row.as_ref().and_then(|r| r.password_hash.as_deref()),
            password,
        )
        .await;

    let mut tx = state.db.begin().await?;
    let row = match row {
        Some(row) if matches => row,
        _ => {
            let locked = count_password_failure(&mut tx, meta, now, who, "auth.login").await?;
            tx.commit().await?;
            return Ok(locked.map_or(PasswordOutcome::Invalid, PasswordOutcome::Locked));
        }
    };

    if row.blocked_at.is_some() {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("auth.login", Some(row.id), Outcome::Denied)
                .details(serde_json::json!({ "reason": "blocked" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(PasswordOutcome::Blocked);
    }

    if row.email_verified_at.is_none() {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("auth.login", Some(row.id), Outcome::Denied)
                .details(serde_json::json!({ "reason": "email_unconfirmed" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(PasswordOutcome::EmailUnconfirmed);
    }

    sqlx::query!(
        "UPDATE users SET failed_password_count = 0, failed_password_since = NULL,
         password_locked_until = NULL WHERE id = $1",
        row.id as UserId,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("auth.password_accepted", Some(row.id), Outcome::Success),
    )
    .await?;
    tx.commit().await?;
    Ok(PasswordOutcome::Accepted(PendingLogin {
        user_id: row.id,
        at: now,
        username: row.username,
        enrolled: row.totp_enrolled_at.is_some(),
        pending_secret: None,
        return_to: None,
    }))
}

/// The answer to "type your password again" inside the account.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// The password is right.
    Confirmed,
    /// Wrong (counted as a failed login).
    Wrong,
    /// Too many wrong passwords, here or at the login: refused until then, unchecked.
    Locked(DateTime<Utc>),
}

/// Checks the password of a logged-in user who is asked for it again (new recovery codes, a new
/// password), with the same counters and lock as the login: a stolen session cannot be used to
/// guess the password at hashing speed.
pub async fn confirm_password(
    state: &AppState,
    meta: &Origin,
    user_id: UserId,
    password: &str,
) -> Result<Confirmation, sqlx::Error> {
    let now = state.clock.now();
    let row = sqlx::query!(
        "SELECT password_hash, failed_password_count AS failures, failed_password_since AS since,
                password_locked_until AS locked_until
         FROM users WHERE id = $1",
        user_id as UserId,
    )
    .fetch_optional(&state.db)
    .await?;
    let Some(row) = row else {
        return Ok(Confirmation::Wrong);
    };
    let hash = row.password_hash;
    let counters = Counters {
        failures: row.failures,
        since: row.since,
        locked_until: row.locked_until,
    };
    let attempts = Attempts::from(counters);
    if let Some(until) = attempts.locked_at(now) {
        let mut conn = state.db.acquire().await?;
        audit::record(
            &mut conn,
            now,
            meta,
            AuditEntry::new("auth.password_confirm", Some(user_id), Outcome::Denied)
                .details(serde_json::json!({ "reason": "locked" })),
        )
        .await?;
        return Ok(Confirmation::Locked(until));
    }
    let mut tx = state.db.begin().await?;
    if state.passwords.verify(hash.as_deref(), password).await {
        sqlx::query!(
            "UPDATE users SET failed_password_count = 0, failed_password_since = NULL,
             password_locked_until = NULL WHERE id = $1",
            user_id as UserId,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Confirmation::Confirmed);
    }
    let locked = count_password_failure(
        &mut tx,
        meta,
        now,
        Counted::Account(user_id),
        "auth.password_confirm",
    )
    .await?;
    tx.commit().await?;
    Ok(locked.map_or(Confirmation::Wrong, Confirmation::Locked))
}

/// The answer to the code step.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeOutcome {
    /// The code (or recovery code) was right and not used before: log the user in.
    Accepted,
    /// Wrong, expired or already used.
    Invalid,
    /// Too many wrong codes: refused until then.
    Locked(DateTime<Utc>),
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    totp_secret_enc: Option<Vec<u8>>,
    totp_last_step: Option<i64>,
    failed_code_count: i32,
    code_locked_until: Option<DateTime<Utc>>,
}

/// What the user typed at the code step.
#[derive(Debug, Clone, Copy)]
pub enum SecondFactor<'a> {
    /// Six digits from the authenticator app.
    Code(&'a str),
    /// One of the recovery codes.
    RecoveryCode(&'a str),
}

/// Checks a verification code or recovery code for `user_id`.
pub async fn check_code(
    state: &AppState,
    meta: &Origin,
    user_id: UserId,
    factor: SecondFactor<'_>,
) -> anyhow::Result<CodeOutcome> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row: CodeRow = sqlx::query_as!(
        CodeRow,
        "SELECT totp_secret_enc, totp_last_step, failed_code_count, code_locked_until
         FROM users WHERE id = $1 FOR UPDATE",
        user_id as UserId,
    )
    .fetch_one(&mut *tx)
    .await?;
    let attempts = Attempts {
        failures: row.failed_code_count,
        since: None,
        locked_until: row.code_locked_until,
    };
    if let Some(until) = attempts.locked_at(now) {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("auth.code", Some(user_id), Outcome::Denied)
                .details(serde_json::json!({ "reason": "locked" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(CodeOutcome::Locked(until));
    }

    let (accepted, reason) = match factor {
        SecondFactor::Code(code) => {
            let secret = match &row.totp_secret_enc {
                Some(sealed) => secrets::open(&state.config.secret_key, sealed)?,
                None => anyhow::bail!("code step for a user without authenticator"),
            };
            match totp::matching_step(&secret, code, now) {
                Some(step) if row.totp_last_step.is_none_or(|last| step > last) => {
                    sqlx::query!(
                        "UPDATE users SET totp_last_step = $2 WHERE id = $1",
                        user_id as UserId,
                        step,
                    )
                    .execute(&mut *tx)
                    .await?;
                    (true, "code")
                }
                Some(_) => (false, "replayed_code"),
                None => (false, "wrong_code"),
            }
        }
        SecondFactor::RecoveryCode(code) => {
            let used = sqlx::query!(
                "UPDATE recovery_codes SET used_at = $3
                 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
                user_id as UserId,
                secrets::recovery_code_hash(&state.config.secret_key, code),
                now,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used == 1 {
                (true, "recovery_code")
            } else {
                (false, "wrong_recovery_code")
            }
        }
    };

    if accepted {
        sqlx::query!(
            "UPDATE users SET failed_code_count = 0, code_locked_until = NULL WHERE id = $1",
            user_id as UserId,
        )
        .execute(&mut *tx)
        .await?;
        if reason == "recovery_code" {
            audit::record(
                &mut tx,
                now,
                meta,
                AuditEntry::new("auth.recovery_code_used", Some(user_id), Outcome::Success),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("auth.login", Some(user_id), Outcome::Success)
                .details(serde_json::json!({ "second_factor": reason })),
        )
        .await?;
        tx.commit().await?;
        return Ok(CodeOutcome::Accepted);
    }

    let next = attempts.after_code_failure(now);
    sqlx::query!(
        "UPDATE users SET failed_code_count = $2, code_locked_until = $3 WHERE id = $1",
        user_id as UserId,
        next.failures,
        next.locked_until,
    )
    .execute(&mut *tx)
    .await?;
    let action = if reason == "replayed_code" {
        "auth.totp_replay"
    } else {
        "auth.code"
    };
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(action, Some(user_id), Outcome::Failure)
            .details(serde_json::json!({ "reason": reason })),
    )
    .await?;
    let outcome = match next.locked_at(now) {
        Some(until) => {
            audit::record(
                &mut tx,
                now,
                meta,
                AuditEntry::new("auth.lockout", Some(user_id), Outcome::Success)
                    .details(serde_json::json!({ "step": "code", "until": until })),
            )
            .await?;
            CodeOutcome::Locked(until)
        }
        None => CodeOutcome::Invalid,
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Number of recovery codes handed out at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// Stores a confirmed authenticator for `user_id` and returns fresh recovery codes (shown
/// once; only their keyed hashes are kept). `step` is the time step of the confirming code,
/// so that code cannot be used again to log in.
pub async fn enrol(
    state: &AppState,
    meta: &Origin,
    user_id: UserId,
    sealed_secret: &[u8],
    step: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let now = state.clock.now();
    let codes = fresh_codes();
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "UPDATE users SET totp_secret_enc = $2, totp_enrolled_at = $3, totp_last_step = $4,
         failed_code_count = 0, code_locked_until = NULL WHERE id = $1",
        user_id as UserId,
        sealed_secret,
        now,
        step,
    )
    .execute(&mut *tx)
    .await?;
    replace_recovery_codes(&mut tx, state, user_id, &codes).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            "auth.second_factor_enrolled",
            Some(user_id),
            Outcome::Success,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// A new set of recovery codes (plain text, to show once).
pub fn fresh_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| secrets::new_recovery_code())
        .collect()
}

/// Replaces every recovery code of `user_id` with the keyed hashes of `codes`.
pub async fn replace_recovery_codes(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    user_id: UserId,
    codes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM recovery_codes WHERE user_id = $1",
        user_id as UserId,
    )
    .execute(&mut *tx)
    .await?;
    let hashes: Vec<Vec<u8>> = codes
        .iter()
        .map(|c| secrets::recovery_code_hash(&state.config.secret_key, c))
        .collect();
    sqlx::query!(
        "INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, h FROM UNNEST($2::bytea[]) AS h",
        user_id as UserId,
        &hashes,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// How many unused recovery codes `user_id` has left.
pub async fn recovery_codes_left(db: &PgPool, user_id: UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "left!" FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL"#,
        user_id as UserId,
    )
    .fetch_one(db)
    .await
}
