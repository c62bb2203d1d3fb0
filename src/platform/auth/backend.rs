//! The user as the login session knows them, loaded from the database on each request (with
//! the session itself, see [`session_store`]).
//!
//! axum-login stores the user id and a session hash in the session. The hash is derived from
//! the user's `session_version`, which a password change or reset and a second-factor reset
//! raise: every session made before then no longer matches and is ended.

use axum_login::AuthnBackend;
use sqlx::PgPool;

use crate::platform::auth::session_store;
use crate::platform::auth::user::{User, load_user};
use crate::platform::ids::UserId;

/// Loads users for axum-login. Credentials are checked by the login handlers themselves
/// (password, then code), so `authenticate` only resolves an already verified id.
#[derive(Clone)]
pub struct Backend {
    db: PgPool,
}

impl Backend {
    /// A backend over `db`.
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = UserId;
    type Error = sqlx::Error;

    async fn authenticate(&self, verified_id: UserId) -> Result<Option<User>, sqlx::Error> {
        load_user(&self.db, verified_id).await
    }

    async fn get_user(&self, id: &UserId) -> Result<Option<User>, sqlx::Error> {
        // Usually read together with the session, in the same statement.
        if let Some(user) = session_store::take_loaded_user(*id) {
            return Ok(user);
        }
        // On the session's connection, should the request still keep it: never a second one.
        let mut connection = session_store::session_connection_or_acquire(&self.db).await?;
        load_user(&mut *connection, *id).await
    }
}

/// The login session type used by handlers.
pub type AuthSession = axum_login::AuthSession<Backend>;
