//! Outgoing mail through a transactional outbox.
//!
//! A change that must send mail calls [`enqueue`] inside its own transaction, so the mail
//! exists exactly when the change does. A worker ([`spawn_worker`]) sends what is due, locking
//! rows with `FOR UPDATE SKIP LOCKED` so several instances never send one mail twice, and
//! retries failures with growing pauses.

use rules::code::Coded;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::platform::clock::Clock;
use crate::platform::config::{MailConfig, MailTransport};
use crate::platform::ids::UserId;

/// A mail to send: plain Dutch text, never a password or a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The recipient's address.
    pub to_address: String,
    /// The recipient's name.
    pub to_name: Option<String>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// Files sent along (an invoice PDF).
    pub attachments: Vec<Attachment>,
}

/// A file attached to a mail.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name the recipient sees.
    pub filename: String,
    /// Its MIME type, `application/pdf`.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("bytes", &self.content.len())
            .finish()
    }
}

/// How many mails the public forms (asked for by someone who has not logged in) may send to one
/// address within [`PER_ADDRESS_WINDOW`]; beyond it they say the same but mail nothing
/// (docs/security.md).
pub const PER_ADDRESS_LIMIT: i64 = 3;
/// The window of [`PER_ADDRESS_LIMIT`].
pub const PER_ADDRESS_WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// Whether a public form may mail `address` once more at `now`: fewer than
/// [`PER_ADDRESS_LIMIT`] mails to it in the window. Takes a transaction-wide lock on the
/// address first, so concurrent requests for one address are counted one after the other.
pub async fn within_address_limit(
    conn: &mut PgConnection,
    address: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('mail:' || lower($1)))",
        address,
    )
    .execute(&mut *conn)
    .await?;
    let recent = sqlx::query_scalar!(
        r#"SELECT count(*) AS "recent!" FROM outbox_emails
           WHERE lower(to_address) = lower($1) AND created_at > $2"#,
        address,
        now - PER_ADDRESS_WINDOW,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(recent < PER_ADDRESS_LIMIT)
}

/// Stores `email` in the outbox, in the caller's transaction.
pub async fn enqueue(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    email: &OutgoingEmail,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO outbox_emails
             (id, to_address, to_name, subject, body_text, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
        id,
        email.to_address,
        email.to_name,
        email.subject,
        email.body,
        now,
    )
    .execute(&mut *conn)
    .await?;
    for (position, attachment) in email.attachments.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO outbox_email_attachments (email_id, position, filename, content_type, content)
             VALUES ($1, $2, $3, $4, $5)",
            id,
            i16::try_from(position).unwrap_or(i16::MAX),
            attachment.filename,
            attachment.content_type,
            attachment.content,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// How mail leaves the portal.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder.
    Files(AsyncFileTransport<Tokio1Executor>),
    /// A list in memory, for tests.
    Memory(Arc<MemoryMailbox>),
}

/// The memory mailer's list, and a switch that makes it fail like an SMTP server that is down.
#[derive(Default)]
pub struct MemoryMailbox {
    sent: Mutex<Vec<OutgoingEmail>>,
    down: AtomicBool,
}

impl Mailer {
    /// The mailer the configuration asks for.
    pub fn from_config(config: &MailConfig) -> anyhow::Result<Self> {
        Ok(match &config.transport {
            MailTransport::Smtp(url) => Mailer::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL cannot be used")?
                    .build(),
            ),
            MailTransport::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create MAIL_DIR {}", dir.display()))?;
                Mailer::Files(AsyncFileTransport::new(dir))
            }
            MailTransport::Memory => Mailer::Memory(Arc::default()),
        })
    }

    /// What the memory mailer holds (empty for the others).
    pub fn sent(&self) -> Vec<OutgoingEmail> {
        match self {
            Mailer::Memory(mailbox) => mailbox.sent.lock().map(|s| s.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Makes the memory mailer fail every delivery (`true`) or work again (`false`), to show
    /// that an SMTP outage loses nothing. No effect on the other mailers.
    pub fn set_down(&self, down: bool) {
        if let Mailer::Memory(mailbox) = self {
            mailbox.down.store(down, Ordering::SeqCst);
        }
    }

    async fn send(&self, from: &str, email: &OutgoingEmail) -> Result<(), SendError> {
        // A message that cannot be built (an address that is no address) will never go.
        let to = email
            .to_address
            .parse()
            .map_err(|e| SendError::Permanent(format!("recipient address: {e}")))?;
        let builder = Message::builder()
            .from(
                from.parse()
                    .map_err(|e| SendError::Permanent(format!("sender address: {e}")))?,
            )
            .to(Mailbox::new(email.to_name.clone(), to))
            .subject(&email.subject);
        let message = if email.attachments.is_empty() {
            builder
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(email.body.clone()));
            for attachment in &email.attachments {
                let content_type = ContentType::parse(&attachment.content_type)
                    .map_err(|e| SendError::Permanent(format!("attachment type: {e}")))?;
                parts = parts.singlepart(
                    lettre::message::Attachment::new(attachment.filename.clone())
                        .body(attachment.content.clone(), content_type),
                );
            }
            builder.multipart(parts)
        }
        .map_err(|e| SendError::Permanent(format!("message: {e}")))?;
        match self {
            Mailer::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
            Mailer::Files(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Temporary(e.to_string())),
            Mailer::Memory(mailbox) => {
                if mailbox.down.load(Ordering::SeqCst) {
                    return Err(SendError::Temporary(
                        "421 4.3.0 the mail server is not available (simulated)".to_owned(),
                    ));
                }
                mailbox
                    .sent
                    .lock()
                    .map_err(|_| SendError::Temporary("memory mailer poisoned".to_owned()))?
                    .push(email.clone());
                Ok(())
            }
        }
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
enum SendError {
    /// Worth trying again later (server down, 4xx).
    #[error("{0}")]
    Temporary(String),
    /// Will never succeed (5xx, an address that is no address): given up at once.
    #[error("{0}")]
    Permanent(String),
}

/// After this many failed attempts a mail is marked failed and left for the back office.
pub const MAX_ATTEMPTS: i32 = 10;

/// The closing lines of every mail, as `templates/mail/signature.txt` renders them: the tests
/// that pin each mail byte for byte write their expected text with it.
#[cfg(test)]
pub(crate) const SIGNATURE: &str = "Met vriendelijke groet,\n\nRGS – Registratiecommissie Geneeskundig Specialisten\n\
Helpdesk MijnRGS: 088-440 43 90, mijnrgs@fed.knmg.nl\n\n\
Dit bericht is automatisch verstuurd. MijnRGS vraagt u nooit per e-mail om uw wachtwoord of verificatiecode.";

/// A mail's text from its template under `templates/mail/` (docs/architecture.md, "Mails"):
/// askama text, not HTML-escaped, the file's last newline dropped; every mail ends with
/// `mail/signature.txt`. The plain values a mail shows cannot make a template fail; if one
/// did, storing the mail fails with it, as a value that could not be encoded for the outbox.
pub fn text(template: &impl askama::Template) -> Result<String, sqlx::Error> {
    template
        .render()
        .map_err(|error| sqlx::Error::Encode(Box::new(error)))
}

/// Where a mail in the outbox stands: queued until it is sent; given up after the last
/// attempt (or an address the server refuses for good).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailStatus {
    /// Waits for its next attempt.
    Queued,
    /// Sent.
    Sent,
    /// Given up; the back office sees it and may put it back in the queue.
    GivenUp,
}

rules::coded!(MailStatus {
    Queued => "in_wachtrij",
    Sent => "verzonden",
    GivenUp => "opgegeven",
});

/// The pause before attempt `attempts + 1`: 1, 2, 4, … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    chrono::Duration::minutes(minutes.min(360))
}

struct DueEmail {
    id: Uuid,
    to_address: String,
    to_name: Option<String>,
    subject: String,
    body_text: String,
    attempts: i32,
}

/// Sends every mail that is due at `now`. Returns how many were sent.
pub async fn deliver_due(
    pool: &PgPool,
    mailer: &Mailer,
    from: &str,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let mut tx = pool.begin().await?;
        let batch = sqlx::query_as!(
            DueEmail,
            "SELECT id, to_address, to_name, subject, body_text, attempts FROM outbox_emails
             WHERE status = 'in_wachtrij' AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED",
            now,
        )
        .fetch_all(&mut *tx)
        .await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for due in batch {
            let attachments = sqlx::query_as!(
                Attachment,
                "SELECT filename, content_type, content FROM outbox_email_attachments
                 WHERE email_id = $1 ORDER BY position",
                due.id,
            )
            .fetch_all(&mut *tx)
            .await?;
            let email = OutgoingEmail {
                attachments,
                to_address: due.to_address,
                to_name: due.to_name,
                subject: due.subject,
                body: due.body_text,
            };
            match mailer.send(from, &email).await {
                Ok(()) => {
                    sqlx::query!(
                        "UPDATE outbox_emails SET status = 'verzonden', sent_at = $2,
                         attempts = attempts + 1, last_error = NULL WHERE id = $1",
                        due.id,
                        now,
                    )
                    .execute(&mut *tx)
                    .await?;
                    sent += 1;
                }
                Err(error) => {
                    let attempts = due.attempts + 1;
                    tracing::warn!(email_id = %due.id, attempts, %error, "sending mail failed");
                    let permanent = matches!(error, SendError::Permanent(_));
                    let status = if permanent || attempts >= MAX_ATTEMPTS {
                        MailStatus::GivenUp
                    } else {
                        MailStatus::Queued
                    }
                    .code();
                    sqlx::query!(
                        "UPDATE outbox_emails SET status = $2, attempts = $3,
                         next_attempt_at = $4, last_error = $5 WHERE id = $1",
                        due.id,
                        status,
                        attempts,
                        now + backoff(attempts),
                        error.to_string(),
                    )
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
    }
}

/// Sends due mail every few seconds until the process ends.
pub fn spawn_worker(
    db: PgPool,
    mailer: Mailer,
    from: String,
    clock: Arc<dyn Clock>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3));
        loop {
            tick.tick().await;
            let now = clock.now();
            if let Err(error) = deliver_due(&db, &mailer, &from, now).await {
                tracing::error!(%error, "the mail worker could not read the outbox");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_smtp_each_mail_is_written_as_an_eml_file() {
        let dir = std::env::temp_dir().join(format!("mijnrgs-mail-{}", Uuid::new_v4()));
        let mailer = Mailer::from_config(&MailConfig {
            transport: MailTransport::Files(dir.clone()),
            from: "MijnRGS <noreply@mijnrgs.example>".into(),
        })
        .unwrap();
        let email = OutgoingEmail {
            attachments: Vec::new(),
            to_address: "anna@example.nl".into(),
            to_name: Some("Anna de Vries".into()),
            subject: "Bevestig uw e-mailadres".into(),
            body: "Beste Anna,".into(),
        };
        mailer
            .send("MijnRGS <noreply@mijnrgs.example>", &email)
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(
            text.contains("To: \"Anna de Vries\" <anna@example.nl>"),
            "{text}"
        );
        assert!(text.contains("Subject: Bevestig uw e-mailadres"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_pause_between_attempts_doubles_and_is_capped_at_six_hours() {
        assert_eq!(backoff(1), chrono::Duration::minutes(2));
        assert_eq!(backoff(2), chrono::Duration::minutes(4));
        assert_eq!(backoff(9), chrono::Duration::minutes(360));
        assert_eq!(backoff(50), chrono::Duration::minutes(360));
    }
}

/// A mail that was given up, for the back office's work list, as the SQL function
/// `failed_mails` reads it (migration 0021).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct FailedEmail {
    /// Id.
    pub id: Uuid,
    /// To.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Tries made.
    pub attempts: i32,
    /// The last error.
    pub last_error: Option<String>,
    /// When it was written, Dutch time.
    pub created: String,
}

/// Puts a given-up mail back in the queue (after the address was corrected or the server
/// fixed), audited with `clerk`. False when it was not (or no longer) given up.
pub async fn retry(
    db: &PgPool,
    meta: &crate::platform::audit::Origin,
    clerk: UserId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let changed = sqlx::query!(
        "UPDATE outbox_emails SET status = 'in_wachtrij', attempts = 0, next_attempt_at = $2,
                last_error = NULL
         WHERE id = $1 AND status = 'opgegeven'",
        id,
        now,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 1 {
        crate::platform::audit::record(
            &mut tx,
            now,
            meta,
            crate::platform::audit::AuditEntry::new(
                "email.retried",
                Some(clerk),
                crate::platform::audit::Outcome::Success,
            )
            .object("email", id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(changed == 1)
}
