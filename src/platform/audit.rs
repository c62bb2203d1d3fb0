//! The audit trail: one row per security event and per change to personal data, written in
//! the same transaction as the change itself. Never holds a password, code, secret, token or
//! session id.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::platform::ids::UserId;

/// Where a change came from, as the audit trail records it: the client's address, browser and
/// the request id. The web layer reads it from a request (`web::audit_origin`); work the
/// portal does itself (jobs) has none.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The client's address (see `web::edge::identify_client`).
    pub ip: Option<IpAddr>,
    /// The User-Agent, cut to 300 characters.
    pub user_agent: Option<String>,
    /// The request id the portal gave this request (never one the client sent).
    pub request_id: Option<String>,
}

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
    pub actor: Option<UserId>,
    /// The role they acted in.
    pub actor_role: Option<&'a str>,
    /// The user on whose behalf they acted (an ondersteuner for an opleider).
    pub on_behalf_of: Option<UserId>,
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
    pub fn new(action: &'a str, actor: Option<UserId>, outcome: Outcome) -> Self {
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
    meta: &Origin,
    entry: AuditEntry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (occurred_at, actor_user_id, actor_role, on_behalf_of_id, action,
                                object_type, object_id, result, ip, user_agent, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::inet, $10, $11, $12)",
        at,
        entry.actor as Option<UserId>,
        entry.actor_role,
        entry.on_behalf_of as Option<UserId>,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.outcome.as_str(),
        meta.ip.map(|ip: IpAddr| ip.to_string()),
        meta.user_agent.as_deref(),
        meta.request_id.as_deref(),
        entry.details,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Entries per page of the audit log search.
pub const SEARCH_PAGE_SIZE: i64 = 50;

/// The back office's audit log search, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SearchForm {
    /// A username, name or e-mail address: entries by this user or on their behalf.
    #[serde(default)]
    pub gebruiker: String,
    /// The subject: an object id, or an object type such as `training`.
    #[serde(default)]
    pub onderwerp: String,
    /// The start of an action, such as `payment.` or `training.approved`.
    #[serde(default)]
    pub actie: String,
    /// From this day (dd-mm-jjjj).
    #[serde(default)]
    pub van: String,
    /// Up to and including this day.
    #[serde(default)]
    pub tot: String,
    /// Keyset cursor: entries older than this id.
    #[serde(default)]
    pub voor: String,
}

/// A parsed search: empty parts match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    /// Matches username, full name or e-mail of the actor or the one acted for.
    pub user: Option<String>,
    /// An object id or object type.
    pub subject: Option<String>,
    /// An action prefix.
    pub action: Option<String>,
    /// First day (Dutch time).
    pub from: Option<chrono::NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<chrono::NaiveDate>,
}

impl SearchForm {
    /// The search, or the fields in error with a Dutch message.
    pub fn parse(&self) -> Result<Search, Vec<(&'static str, &'static str)>> {
        let text = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.chars().take(200).collect::<String>())
        };
        let mut errors = Vec::new();
        let mut date = |field: &'static str, raw: &str| {
            if raw.trim().is_empty() {
                return None;
            }
            rules::person::parse_date(raw)
                .map_err(|message| errors.push((field, message)))
                .ok()
        };
        let from = date("van", &self.van);
        let to = date("tot", &self.tot);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.push(("tot", "De einddatum ligt voor de begindatum."));
        }
        if errors.is_empty() {
            Ok(Search {
                user: text(&self.gebruiker),
                subject: text(&self.onderwerp),
                action: text(&self.actie),
                from,
                to,
            })
        } else {
            Err(errors)
        }
    }
}

/// One entry as the back office reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LogEntry {
    /// Id (newest is highest).
    pub id: i64,
    /// When, as `22-11-2026 14:05:09` in Dutch time.
    pub at: String,
    /// Who did it.
    pub actor: Option<String>,
    /// With which role.
    pub actor_role: Option<String>,
    /// On whose behalf.
    pub on_behalf_of: Option<String>,
    /// What.
    pub action: String,
    /// The subject's type.
    pub object_type: Option<String>,
    /// The subject's id.
    pub object_id: Option<String>,
    /// success, failure or denied.
    pub result: String,
    /// From where.
    pub ip: Option<String>,
    /// The details, as JSON text.
    pub details: String,
}

/// The entries matching `search`, newest first, older than entry `before` when given; and
/// whether more follow.
pub async fn search(
    conn: &mut PgConnection,
    search: &Search,
    before: Option<i64>,
) -> Result<(Vec<LogEntry>, bool), sqlx::Error> {
    let day_start = |day: chrono::NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(chrono_tz::Europe::Amsterdam)
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    };
    let mut rows: Vec<LogEntry> = sqlx::query_as!(
        LogEntry,
        r#"SELECT a.id,
                to_char(a.occurred_at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI:SS')
                    AS "at!",
                u.full_name AS "actor?", a.actor_role, b.full_name AS "on_behalf_of?", a.action,
                a.object_type, a.object_id, a.result, host(a.ip) AS ip,
                a.details::text AS "details!"
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_user_id
         LEFT JOIN users b ON b.id = a.on_behalf_of_id
         WHERE ($1::bigint IS NULL OR a.id < $1)
           AND ($2::text IS NULL OR EXISTS (
                SELECT 1 FROM users s
                WHERE s.id IN (a.actor_user_id, a.on_behalf_of_id)
                  AND (s.username ILIKE '%' || $2 || '%' OR s.full_name ILIKE '%' || $2 || '%'
                       OR s.email ILIKE '%' || $2 || '%')))
           AND ($3::text IS NULL OR a.object_id = $3 OR a.object_type = $3)
           AND ($4::text IS NULL OR a.action LIKE $4 || '%')
           AND ($5::timestamptz IS NULL OR a.occurred_at >= $5)
           AND ($6::timestamptz IS NULL OR a.occurred_at < $6)
         ORDER BY a.id DESC LIMIT $7"#,
        before,
        search.user.as_deref().map(crate::platform::db::escape_like),
        search.subject.as_deref(),
        search
            .action
            .as_deref()
            .map(crate::platform::db::escape_like),
        search.from.and_then(day_start),
        search.to.and_then(|d| d.succ_opt()).and_then(day_start),
        SEARCH_PAGE_SIZE + 1,
    )
    .fetch_all(conn)
    .await?;
    let more = rows.len() as i64 > SEARCH_PAGE_SIZE;
    rows.truncate(SEARCH_PAGE_SIZE as usize);
    Ok((rows, more))
}
