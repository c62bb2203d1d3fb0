//! Creating accounts and confirming email addresses, each in one transaction with its audit
//! record and its mail.

use chrono::{DateTime, Utc};
use rules::code::Coded;

use crate::accounts::mails;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::auth::secrets;
use crate::platform::auth::user::Role;
use crate::platform::ids::UserId;
use crate::platform::mail::{self, OutgoingEmail};
use crate::platform::state::AppState;
use rules::account::{EmailAddress, FullName, NewPassword, Username};

/// How long an email confirmation link works.
pub const CONFIRMATION_VALIDITY: chrono::Duration = chrono::Duration::hours(48);

/// A single-use link's purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Confirms the email address of a new account.
    EmailConfirmation,
    /// Lets a user choose a new password.
    PasswordReset,
    /// Lets an invited person choose a username and password.
    Invitation,
}

impl TokenPurpose {
    fn code(self) -> &'static str {
        match self {
            TokenPurpose::EmailConfirmation => "email_confirmation",
            TokenPurpose::PasswordReset => "password_reset",
            TokenPurpose::Invitation => "invitation",
        }
    }
}

/// Creates a single-use link token for `user_id`; returns the token for the link (only its
/// hash is stored).
pub async fn issue_token(
    conn: &mut sqlx::PgConnection,
    user_id: UserId,
    purpose: TokenPurpose,
    expires_at: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = secrets::new_link_token();
    sqlx::query!(
        "INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        secrets::token_hash(&token),
        user_id as UserId,
        purpose.code(),
        expires_at,
    )
    .execute(conn)
    .await?;
    Ok(token)
}

/// Whether `token` is a valid, unused link for `purpose` at `now`; returns its user.
pub async fn peek_token(
    db: &sqlx::PgPool,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT user_id AS "user_id: UserId" FROM user_tokens
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3"#,
        secrets::token_hash(token),
        purpose.code(),
        now,
    )
    .fetch_optional(db)
    .await
}

/// Uses up `token` (once: a second use finds nothing); returns its user.
pub async fn consume_token(
    conn: &mut sqlx::PgConnection,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE user_tokens SET used_at = $3
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING user_id AS \"user_id: UserId\"",
        secrets::token_hash(token),
        purpose.code(),
        now,
    )
    .fetch_optional(conn)
    .await
}

/// A new self-service account, already parsed.
pub struct NewAccount {
    /// aios or specialist.
    pub role: Role,
    /// The name.
    pub full_name: FullName,
    /// The username.
    pub username: Username,
    /// The private email address.
    pub email: EmailAddress,
    /// The password.
    pub password: NewPassword,
}

/// Creates the account and mails the confirmation link. The person at the screen gets the same
/// answer whatever happens (docs/security.md, no account enumeration): when the username or the
/// email address is taken, nothing is created and the address typed is told by mail instead;
/// when that address had its share of mails from the public forms this hour, nothing is created
/// or sent. Every refusal the screen shows (the form's checks) comes before this, and so before
/// any password is hashed; a taken name costs the same hashing time as a free one, so the
/// answer's timing tells nothing either.
pub async fn create_account(
    state: &AppState,
    meta: &Origin,
    account: NewAccount,
) -> anyhow::Result<()> {
    let now = state.clock.now();
    let address = account.email.as_str().to_owned();
    let taken = sqlx::query!(
        r#"SELECT (SELECT id FROM users WHERE username = $1) AS "by_username: UserId",
                (SELECT id FROM users WHERE lower(email) = lower($2) LIMIT 1) AS "by_email: UserId""#,
        account.username.as_str(),
        &address,
    )
    .fetch_one(&state.db)
    .await?;
    let password_hash = match (taken.by_username, taken.by_email) {
        (None, None) => Some(state.passwords.hash(account.password.expose()).await?),
        _ => {
            state
                .passwords
                .verify(None, account.password.expose())
                .await;
            None
        }
    };

    let mut tx = state.db.begin().await?;
    if !mail::within_address_limit(&mut tx, &address, now).await? {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("account.create", None, Outcome::Denied)
                .details(serde_json::json!({ "reason": "address_limit" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let (existing_name, existing_email) = (taken.by_username, taken.by_email);
    if let Some(existing) = existing_email {
        mail::enqueue(&mut tx, now, &address_in_use(state, &address)?).await?;
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("account.create", Some(existing), Outcome::Denied)
                .details(serde_json::json!({ "reason": "email_in_use" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let created = match password_hash {
        Some(hash) => insert_account(&mut tx, &account, &hash).await?,
        None => None,
    };
    let Some(id) = created else {
        // The username was taken, before or just now by someone else.
        mail::enqueue(&mut tx, now, &username_taken(state, &address)?).await?;
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("account.create", existing_name, Outcome::Denied)
                .details(serde_json::json!({ "reason": "username_taken" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let token = issue_token(
        &mut tx,
        id,
        TokenPurpose::EmailConfirmation,
        now + CONFIRMATION_VALIDITY,
    )
    .await?;
    // Name and username were typed by whoever filled in the form and this address is not yet
    // proven to be theirs: neither is written into the mail (docs/security.md).
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: address,
            to_name: None,
            subject: "Bevestig uw e-mailadres voor MijnRGS".into(),
            body: mail::text(&mails::ConfirmAddress {
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
        AuditEntry::new("account.created", Some(id), Outcome::Success)
            .object("user", id)
            .details(serde_json::json!({ "role": account.role.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts the user and their role; `None` when the username was taken meanwhile.
async fn insert_account(
    tx: &mut sqlx::PgConnection,
    account: &NewAccount,
    password_hash: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    let id = UserId::generate();
    let inserted: Option<UserId> = sqlx::query_scalar!(
        r#"INSERT INTO users (id, username, email, full_name, password_hash)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id AS "id: UserId""#,
        id as UserId,
        account.username.as_str(),
        account.email.as_str(),
        account.full_name.as_str(),
        password_hash,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_some() {
        sqlx::query!(
            "INSERT INTO role_assignments (user_id, role) VALUES ($1, $2)",
            id as UserId,
            account.role.code(),
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(inserted)
}

/// To an address that already has an account.
fn address_in_use(state: &AppState, address: &str) -> Result<OutgoingEmail, sqlx::Error> {
    Ok(OutgoingEmail {
        attachments: Vec::new(),
        to_address: address.to_owned(),
        to_name: None,
        subject: "U heeft al een account bij MijnRGS".into(),
        body: mail::text(&mails::AddressInUse { base: &base(state) })?,
    })
}

/// To the address of someone who chose a username that is taken.
fn username_taken(state: &AppState, address: &str) -> Result<OutgoingEmail, sqlx::Error> {
    Ok(OutgoingEmail {
        attachments: Vec::new(),
        to_address: address.to_owned(),
        to_name: None,
        subject: "Uw account voor MijnRGS is nog niet aangemaakt".into(),
        body: mail::text(&mails::UsernameTaken { base: &base(state) })?,
    })
}

/// Confirms the email address behind `token`. Returns false when the link is unknown, used or
/// expired.
pub async fn confirm_email(
    state: &AppState,
    meta: &Origin,
    token: &str,
) -> Result<bool, sqlx::Error> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let Some(user_id) = consume_token(&mut tx, token, TokenPurpose::EmailConfirmation, now).await?
    else {
        return Ok(false);
    };
    sqlx::query!(
        "UPDATE users SET email_verified_at = $2 WHERE id = $1 AND email_verified_at IS NULL",
        user_id as UserId,
        now,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("account.email_confirmed", Some(user_id), Outcome::Success)
            .object("user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

fn base(state: &AppState) -> String {
    state
        .config
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}
