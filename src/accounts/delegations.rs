//! Delegations from an opleider to an opleidingsondersteuner (docs/domain/README.md): the active
//! ones, and ending one. Access through a delegation is checked on every request, so an ended
//! delegation stops the ondersteuner's access at once.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::mails;
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::ids::UserId;
use crate::platform::mail::{self, OutgoingEmail};
use crate::platform::state::AppState;

/// An active delegation, as the opleider sees it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Delegation {
    /// The role assignment's id.
    pub id: Uuid,
    /// The ondersteuner's name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// The active delegations of opleider `supervisor`, by name.
pub async fn of_supervisor(
    db: &PgPool,
    supervisor: UserId,
) -> Result<Vec<Delegation>, sqlx::Error> {
    sqlx::query_as!(
        Delegation,
        "SELECT r.id, u.full_name AS name, u.email, r.created_at AS since
         FROM role_assignments r JOIN users u ON u.id = r.user_id
         WHERE r.role = 'ondersteuner' AND r.supervisor_id = $1 AND r.revoked_at IS NULL
         ORDER BY u.full_name, r.id",
        supervisor as UserId,
    )
    .fetch_all(db)
    .await
}

/// Ends delegation `id` of opleider `supervisor`; `false` when there is no such active
/// delegation of theirs (404). Audited, and the ondersteuner is told.
pub async fn end(
    state: &AppState,
    meta: &Origin,
    supervisor: UserId,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let mut tx = state.db.begin().await?;
    let now = state.clock.now();
    let ended = sqlx::query!(
        "UPDATE role_assignments r SET revoked_at = $3
         FROM users u
         WHERE r.id = $1 AND r.supervisor_id = $2 AND r.role = 'ondersteuner'
           AND r.revoked_at IS NULL AND u.id = r.user_id
         RETURNING u.id, u.full_name, u.email",
        id,
        supervisor as UserId,
        now,
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((ondersteuner, name, email)) = ended.map(|row| (row.id, row.full_name, row.email))
    else {
        return Ok(false);
    };
    let supervisor_name: String = sqlx::query_scalar!(
        "SELECT full_name FROM users WHERE id = $1",
        supervisor as UserId,
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        meta,
        AuditEntry::new("delegation.ended", Some(supervisor), Outcome::Success)
            .object("role_assignment", id)
            .details(json!({ "ondersteuner": ondersteuner })),
    )
    .await?;
    mail::enqueue(
        &mut tx,
        now,
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: email,
            to_name: Some(name.clone()),
            subject: "U werkt niet langer namens een opleider in MijnRGS".to_owned(),
            body: mail::text(&mails::DelegationEnded {
                name: &name,
                supervisor_name: &supervisor_name,
            })?,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
