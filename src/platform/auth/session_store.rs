//! Where login sessions are kept: `tower_sessions.session` in PostgreSQL, one row per session,
//! with the logged-in user's id next to the session data.
//!
//! The store reads a session together with its user and their roles in one statement, so a
//! page of a logged-in user costs one statement before its own work instead of two. The user
//! found that way is handed to [`Backend`](crate::platform::auth::backend::Backend) through a task-local slot
//! that lives for one request ([`keep_loaded_session`]); the backend uses it only for exactly
//! that user id and otherwise reads the user itself. The user is always read fresh with the
//! session (never cached across requests), so a blocked account, a revoked role or a raised
//! session version counts from the very next request, as before.
//!
//! The slot also keeps the connection the session was read on, for the pages in
//! [`PAGES_ON_THE_SESSIONS_CONNECTION`]: each runs its one statement on it
//! ([`session_connection_or_acquire`]) instead of handing it back to the pool and taking
//! another. sqlx checks every connection that comes back to the pool with a round trip of its
//! own, so such a page costs three round trips to the database instead of four: under the
//! benchmark's load, the opleider overview answered 13 % more requests per second. For every
//! other request the connection goes back to the pool before the request is routed
//! ([`release_session_connection`]), and the store's own later statements (ending the session,
//! saving it) run on it while it is kept. So no request ever holds a kept connection while it
//! waits for another from the pool, and a pool of one connection serves every page.
//!
//! The data is encoded as tower-sessions-sqlx-store encodes it (MessagePack of the record), so
//! sessions written before this store existed keep working; their user id column is empty
//! until they are saved again, and until then their user is read by a statement of its own.

use std::cell::RefCell;

use async_trait::async_trait;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};

use crate::platform::auth::user::{Role, User, UserRow};
use crate::platform::db::Stored;
use crate::platform::ids::UserId;

/// The session key axum-login keeps its login data under (its default, so existing sessions
/// stay logged in). The store reads the user id from it.
pub const LOGIN_DATA_KEY: &str = "axum-login.data";

/// The pages (GET) whose one statement runs on the connection their session was read on. Each
/// page's handler must run all its statements on [`session_connection_or_acquire`]'s
/// connection and take no other from the pool while it holds that one.
pub const PAGES_ON_THE_SESSIONS_CONNECTION: [&str; 2] = ["/aios/opleidingen", "/opleider/aios"];

/// What a request keeps of loading its session.
#[derive(Default)]
struct Loaded {
    /// The session's user id, and the user if the account is active (enrolled and not
    /// blocked).
    user: Option<(UserId, Option<User>)>,
    /// The connection the session and its active user were read on, until the request's page
    /// takes it or it goes back to the pool.
    connection: Option<PoolConnection<Postgres>>,
}

tokio::task_local! {
    /// What this request loaded with its session.
    static LOADED: RefCell<Loaded>;
}

/// Middleware: gives the request a slot for the user and the connection its session was loaded
/// with. Must wrap the session and login layers.
pub async fn keep_loaded_session(req: Request, next: Next) -> Response {
    LOADED.scope(RefCell::default(), next.run(req)).await
}

fn remember_loaded(id: UserId, user: Option<User>, connection: Option<PoolConnection<Postgres>>) {
    // Outside a request (a test calling the store directly) there is no slot: nothing is kept,
    // and the connection goes back to the pool.
    let _ = LOADED.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        slot.user = Some((id, user));
        slot.connection = connection;
    });
}

/// The user loaded with this request's session, if that session belongs to user `id`; taken,
/// so it is used once. `None` when no such user was loaded: the caller reads it itself.
pub(crate) fn take_loaded_user(id: UserId) -> Option<Option<User>> {
    LOADED
        .try_with(|slot| {
            let mut slot = slot.borrow_mut();
            match slot.user.take() {
                Some((loaded, user)) if loaded == id => Some(user),
                other => {
                    slot.user = other;
                    None
                }
            }
        })
        .ok()
        .flatten()
}

/// The connection this request's session was read on, taken from the slot; `None` when the
/// request keeps none (any more).
fn take_session_connection() -> Option<PoolConnection<Postgres>> {
    LOADED
        .try_with(|slot| slot.borrow_mut().connection.take())
        .ok()
        .flatten()
}

/// The connection this request's session was read on, while the request still keeps it, or
/// else one from `db`'s pool.
pub async fn session_connection_or_acquire(
    db: &PgPool,
) -> Result<PoolConnection<Postgres>, sqlx::Error> {
    match take_session_connection() {
        Some(connection) => Ok(connection),
        None => db.acquire().await,
    }
}

/// Middleware between the login layer and the routes: hands the connection the session was
/// read on back to the pool before the request is routed, unless it asks for one of
/// [`PAGES_ON_THE_SESSIONS_CONNECTION`]. Such a page that refuses the user before its statement
/// leaves the connection to the store, which saves the session on it.
pub async fn release_session_connection(req: Request, next: Next) -> Response {
    let page_on_it =
        req.method() == Method::GET && PAGES_ON_THE_SESSIONS_CONNECTION.contains(&req.uri().path());
    if !page_on_it {
        drop(take_session_connection());
    }
    next.run(req).await
}

/// The PostgreSQL session store of the portal.
#[derive(Clone, Debug)]
pub struct PgSessionStore {
    db: PgPool,
}

impl PgSessionStore {
    /// A store over `db`; the table is made by the migrations.
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }

    /// Writes `record`; with `replace`, over an existing row with the same id. Whether a row
    /// was written.
    async fn write(&self, record: &Record, replace: bool) -> session_store::Result<bool> {
        let data = rmp_serde::to_vec(record)
            .map_err(|error| session_store::Error::Encode(error.to_string()))?;
        let mut connection = session_connection_or_acquire(&self.db)
            .await
            .map_err(backend_error)?;
        let (id, expiry, user) = (
            record.id.to_string(),
            expiry_date(record)?,
            logged_in_user(record),
        );
        // A save replaces the row; a create never does (`replace` false: the update is skipped
        // and no row is written, so the caller picks another id).
        let written = sqlx::query!(
            "INSERT INTO tower_sessions.session (id, data, expiry_date, user_id)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE
             SET data = excluded.data, expiry_date = excluded.expiry_date,
                 user_id = excluded.user_id
             WHERE $5",
            id,
            data,
            expiry,
            user as Option<UserId>,
            replace,
        )
        .execute(&mut *connection)
        .await
        .map_err(backend_error)?
        .rows_affected();
        Ok(written == 1)
    }
}

/// The id of the user logged in with `record`, from axum-login's data in it.
pub fn logged_in_user(record: &Record) -> Option<UserId> {
    record
        .data
        .get(LOGIN_DATA_KEY)?
        .get("user_id")?
        .as_str()
        .and_then(|id| id.parse().ok())
}

/// When `record` expires, as the database stores it.
fn expiry_date(record: &Record) -> session_store::Result<DateTime<Utc>> {
    let at = record.expiry_date;
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .ok_or_else(|| session_store::Error::Encode(format!("expiry date out of range: {at}")))
}

fn backend_error(error: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

#[async_trait]
impl tower_sessions::SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id that happens to be taken (128 random bits: practically never) gets another.
        while !self.write(record, false).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, true).await.map(|_| ())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let mut connection = session_connection_or_acquire(&self.db)
            .await
            .map_err(backend_error)?;
        // The session and, when it has one, its user as `load_user` reads them: all the user's
        // columns are NULL when the session has no active user.
        let row = sqlx::query!(
            r#"SELECT s.data, s.user_id AS "session_user_id: UserId", u.id AS "id?: UserId",
                      u.username AS "username?", u.full_name AS "full_name?",
                      u.email AS "email?", u.session_version AS "session_version?",
                      u.roles AS "roles?: Vec<Stored<Role>>"
               FROM tower_sessions.session s
               LEFT JOIN LATERAL active_user(s.user_id) u ON true
               WHERE s.id = $1 AND s.expiry_date > now()"#,
            session_id.to_string(),
        )
        .fetch_optional(&mut *connection)
        .await
        .map_err(backend_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let record: Record = rmp_serde::from_slice(&row.data)
            .map_err(|error| session_store::Error::Decode(error.to_string()))?;
        if let Some(user_id) = row.session_user_id
            && logged_in_user(&record) == Some(user_id)
        {
            let user = match (
                row.id,
                row.username,
                row.full_name,
                row.email,
                row.session_version,
                row.roles,
            ) {
                (
                    Some(id),
                    Some(username),
                    Some(full_name),
                    Some(email),
                    Some(session_version),
                    Some(roles),
                ) => Some(User::from(UserRow {
                    id,
                    username,
                    full_name,
                    email,
                    session_version,
                    roles,
                })),
                _ => None,
            };
            // Kept only with an active user: only a logged-in user's page can use it.
            let connection = user.is_some().then_some(connection);
            remember_loaded(user_id, user, connection);
        }
        Ok(Some(record))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let mut connection = session_connection_or_acquire(&self.db)
            .await
            .map_err(backend_error)?;
        sqlx::query!(
            "DELETE FROM tower_sessions.session WHERE id = $1",
            session_id.to_string(),
        )
        .execute(&mut *connection)
        .await
        .map_err(backend_error)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query!("DELETE FROM tower_sessions.session WHERE expiry_date < now()",)
            .execute(&self.db)
            .await
            .map_err(backend_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn user(id: UserId) -> User {
        User::from(UserRow {
            id,
            username: "anna".into(),
            full_name: "Anna de Vries".into(),
            email: "anna@example.org".into(),
            session_version: 1,
            roles: vec![Stored(Role::Aios)],
        })
    }

    #[tokio::test]
    async fn the_user_loaded_with_the_session_is_handed_out_once_and_only_for_its_own_id() {
        let (anna, bert) = (UserId::generate(), UserId::generate());
        LOADED
            .scope(RefCell::default(), async {
                assert!(take_loaded_user(anna).is_none(), "nothing loaded yet");
                remember_loaded(anna, Some(user(anna)), None);
                assert!(take_loaded_user(bert).is_none(), "another user's id");
                let taken = take_loaded_user(anna).expect("loaded for anna");
                assert_eq!(taken.map(|u| u.id), Some(anna));
                assert!(take_loaded_user(anna).is_none(), "taken once");

                remember_loaded(bert, None, None);
                assert!(
                    matches!(take_loaded_user(bert), Some(None)),
                    "a blocked account is known to be inactive"
                );
            })
            .await;
    }

    #[tokio::test]
    async fn outside_a_request_nothing_is_kept_and_the_user_is_read_normally() {
        let anna = UserId::generate();
        remember_loaded(anna, Some(user(anna)), None);
        assert!(take_loaded_user(anna).is_none());
    }

    #[test]
    fn the_logged_in_user_is_read_from_axum_logins_data_in_the_session() {
        let anna = UserId::generate();
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: OffsetDateTime::now_utc(),
        };
        assert_eq!(logged_in_user(&record), None, "a visitor");
        record.data.insert(
            LOGIN_DATA_KEY.into(),
            serde_json::json!({ "user_id": null, "auth_hash": null }),
        );
        assert_eq!(logged_in_user(&record), None, "logged out");
        record.data.insert(
            LOGIN_DATA_KEY.into(),
            serde_json::json!({ "user_id": anna, "auth_hash": [1, 2, 3] }),
        );
        assert_eq!(logged_in_user(&record), Some(anna));
    }
}
