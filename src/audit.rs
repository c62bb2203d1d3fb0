//! The audit trail: one row per security event and per change to personal data, written in
//! the same transaction as the change itself. Never holds a password, code, secret, token or
//! session id.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::web::request_meta::RequestMeta;

/// The outcome of the audited action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It was done.
    Success,
    /// It was tried and failed (a wrong password, say).
    Failure,
    /// It was refused for lack of rights or because of a lock.
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One audit record.
#[derive(Clone, Debug)]
pub struct AuditEntry<'a> {
    /// The user who acted, if known.
    pub actor: Option<Uuid>,
    /// The role they acted in.
    pub actor_role: Option<&'a str>,
    /// The user on whose behalf they acted (an ondersteuner for an opleider).
    pub on_behalf_of: Option<Uuid>,
    /// What happened, as `area.event` (`auth.login`, `account.created`, …).
    pub action: &'a str,
    /// The kind of object acted on.
    pub object_type: Option<&'a str>,
    /// Its id.
    pub object_id: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// Extra facts (never secrets).
    pub details: Value,
}

impl<'a> AuditEntry<'a> {
    /// An entry for `action` by `actor` with `outcome`, without object or details.
    pub fn new(action: &'a str, actor: Option<Uuid>, outcome: Outcome) -> Self {
        Self {
            actor,
            actor_role: None,
            on_behalf_of: None,
            action,
            object_type: None,
            object_id: None,
            outcome,
            details: Value::Object(Default::default()),
        }
    }

    /// Names the object acted on.
    pub fn object(mut self, object_type: &'a str, id: impl ToString) -> Self {
        self.object_type = Some(object_type);
        self.object_id = Some(id.to_string());
        self
    }

    /// Adds facts.
    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Writes `entry`, stamped with `at` and the request's origin.
pub async fn record(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
    meta: &RequestMeta,
    entry: AuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, actor_user_id, actor_role, on_behalf_of_id, action,
                                object_type, object_id, result, ip, user_agent, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet, $10, $11, $12)",
    )
    .bind(at)
    .bind(entry.actor)
    .bind(entry.actor_role)
    .bind(entry.on_behalf_of)
    .bind(entry.action)
    .bind(entry.object_type)
    .bind(entry.object_id)
    .bind(entry.outcome.as_str())
    .bind(meta.ip.map(|ip: IpAddr| ip.to_string()))
    .bind(meta.user_agent.as_deref())
    .bind(meta.request_id.as_deref())
    .bind(entry.details)
    .execute(conn)
    .await?;
    Ok(())
}
