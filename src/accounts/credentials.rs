//! Changing and resetting a password, and new recovery codes. A changed or reset password
//! raises the user's `session_version`, which ends every other session of that user.

use crate::accounts::login;
use crate::accounts::mails;
use crate::accounts::sign_up::{self, TokenPurpose};
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::ids::UserId;
use crate::platform::mail::{self, OutgoingEmail};
use crate::platform::state::AppState;
use rules::account::NewPassword;

/// How long a reset link works.
pub const RESET_VALIDITY: chrono::Duration = chrono::Duration::hours(1);

/// The name and address to mail `user_id` at.
async fn recipient(
    conn: &mut sqlx::PgConnection,
    user_id: UserId,
) -> Result<(String, String), sqlx::Error> {
    let user = sqlx::query!(
        "SELECT full_name, email FROM users WHERE id = $1",
        user_id as UserId
    )
    .fetch_one(conn)
    .await?;
    Ok((user.full_name, user.email))
}

/// Stores a new password hash: every other session ends, the counters are cleared, and every
/// reset link of the user that is still open stops working (one used link, or a changed
/// password, invalidates all others).
async fn store_password(
    conn: &mut sqlx::PgConnection,
    user_id: UserId,
    hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET password_hash = $2, session_version = session_version + 1,
         failed_password_count = 0, failed_password_since = NULL, password_locked_until = NULL
         WHERE id = $1",
        user_id as UserId,
        hash,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE user_tokens SET used_at = $2
         WHERE user_id = $1 AND purpose = 'password_reset' AND used_at IS NULL",
        user_id as UserId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn changed_notice(name: &str, address: &str, how: &str) -> Result<OutgoingEmail, sqlx::Error> {
    Ok(OutgoingEmail {
        attachments: Vec::new(),
        to_address: address.to_owned(),
        to_name: Some(name.to_owned()),
        subject: "Uw wachtwoord voor MijnRGS is gewijzigd".into(),
        body: mail::text(&mails::PasswordChanged { name, how })?,
    })
}

/// Sets a new password for a logged-in user (who proved the current one).
pub async fn change_password(
    state: &AppState,
    meta: &Origin,
    user_id: UserId,
    new: &NewPassword,
) -> anyhow::Result<()> {
    let now = state.clock.now();
    let hash = state.passwords.hash(new.expose()).await?;
    let mut tx = state.db.begin().await?;
    store_password(&mut tx, user_id, &hash, now).await?;
    let (name, address) = recipient(&mut tx, user_id).await?;
    mail::enqueue(&mut tx, now, &changed_notice(&name, &address, "gewijzigd")?).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("auth.password_changed", Some(user_id), Outcome::Success)
            .object("user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Mails a reset link when `username_or_email` names an account with a confirmed address (at
/// most [`mail::PER_ADDRESS_LIMIT`] an hour). Says nothing either way to the caller, so the
/// form reveals no accounts.
pub async fn request_reset(
    state: &AppState,
    meta: &Origin,
    username_or_email: &str,
) -> Result<(), sqlx::Error> {
    let now = state.clock.now();
    let wanted = username_or_email.trim().to_lowercase();
    let mut tx = state.db.begin().await?;
    let user = sqlx::query!(
        r#"SELECT id AS "id: UserId", full_name, email FROM users
         WHERE (username = $1 OR lower(email) = $1) AND email_verified_at IS NOT NULL"#,
        &wanted,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, name, address)) = user.map(|user| (user.id, user.full_name, user.email))
    else {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new("auth.password_reset_requested", None, Outcome::Failure)
                .details(serde_json::json!({ "reason": "no_such_account" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    if !mail::within_address_limit(&mut tx, &address, now).await? {
        audit::record(
            &mut tx,
            now,
            meta,
            AuditEntry::new(
                "auth.password_reset_requested",
                Some(user_id),
                Outcome::Denied,
            )
            .details(serde_json::json!({ "reason": "address_limit" })),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let token = sign_up::issue_token(
        &mut tx,
        user_id,
        TokenPurpose::PasswordReset,
        now + RESET_VALIDITY,
    )
    .await?;
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: address,
            to_name: Some(name.clone()),
            subject: "Nieuw wachtwoord instellen voor MijnRGS".into(),
            body: mail::text(&mails::PasswordResetLink {
                name: &name,
                base: state.config.base_url.as_str().trim_end_matches('/'),
                token: &token,
            })?,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            "auth.password_reset_requested",
            Some(user_id),
            Outcome::Success,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password through a reset link. Returns false when the link is unknown, used or
/// expired.
pub async fn reset_password(
    state: &AppState,
    meta: &Origin,
    token: &str,
    new: &NewPassword,
) -> anyhow::Result<bool> {
    let now = state.clock.now();
    let hash = state.passwords.hash(new.expose()).await?;
    let mut tx = state.db.begin().await?;
    let Some(user_id) =
        sign_up::consume_token(&mut tx, token, TokenPurpose::PasswordReset, now).await?
    else {
        return Ok(false);
    };
    store_password(&mut tx, user_id, &hash, now).await?;
    let (name, address) = recipient(&mut tx, user_id).await?;
    mail::enqueue(
        &mut tx,
        now,
        &changed_notice(&name, &address, "opnieuw ingesteld")?,
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("auth.password_reset", Some(user_id), Outcome::Success)
            .object("user", user_id),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Replaces the recovery codes of `user_id` (after the password was asked again).
pub async fn new_recovery_codes(
    state: &AppState,
    meta: &Origin,
    user_id: UserId,
) -> Result<Vec<String>, sqlx::Error> {
    let now = state.clock.now();
    let codes = login::fresh_codes();
    let mut tx = state.db.begin().await?;
    login::replace_recovery_codes(&mut tx, state, user_id, &codes).await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new(
            "auth.recovery_codes_regenerated",
            Some(user_id),
            Outcome::Success,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}
