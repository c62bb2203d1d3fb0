//! The user as the login session knows them, loaded from the database on each request (with
//! the session itself, see [`session_store`]).
//!
//! axum-login stores the user id and a session hash in the session. The hash is derived from
//! the user's `session_version`, which a password change or reset and a second-factor reset
//! raise: every session made before then no longer matches and is ended.

use std::collections::BTreeSet;
use std::fmt;

use axum_login::{AuthUser, AuthnBackend, UserId};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::session_store;

/// The roles of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// aios: a doctor in training (`Trainee`).
    Aios,
    /// A registered specialist or profielarts.
    Specialist,
    /// opleider (`Supervisor`).
    Opleider,
    /// opleidingsondersteuner (`SupportStaff`).
    Ondersteuner,
    /// contactpersoon opleidingsinrichting (`InstitutionContact`).
    Contactpersoon,
    /// RGS-medewerker (`Clerk`).
    Rgs,
}

impl Role {
    /// The code stored in `role_assignments.role`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Aios => "aios",
            Role::Specialist => "specialist",
            Role::Opleider => "opleider",
            Role::Ondersteuner => "ondersteuner",
            Role::Contactpersoon => "contactpersoon",
            Role::Rgs => "rgs",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Some(match code {
            "aios" => Role::Aios,
            "specialist" => Role::Specialist,
            "opleider" => Role::Opleider,
            "ondersteuner" => Role::Ondersteuner,
            "contactpersoon" => Role::Contactpersoon,
            "rgs" => Role::Rgs,
            _ => return None,
        })
    }

    /// The Dutch name.
    pub fn label(self) -> &'static str {
        match self {
            Role::Aios => "Aios",
            Role::Specialist => "Specialist / profielarts",
            Role::Opleider => "Opleider",
            Role::Ondersteuner => "Opleidingsondersteuner",
            Role::Contactpersoon => "Contactpersoon opleidingsinrichting",
            Role::Rgs => "RGS-medewerker",
        }
    }
}

/// A logged-in user.
#[derive(Clone)]
pub struct User {
    /// The id.
    pub id: Uuid,
    /// The username.
    pub username: String,
    /// The name.
    pub full_name: String,
    /// The private email address.
    pub email: String,
    /// The roles currently held.
    pub roles: BTreeSet<Role>,
    auth_hash: Vec<u8>,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

impl User {
    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

impl AuthUser for User {
    type Id = Uuid;

    fn id(&self) -> Uuid {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

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

/// The statement that reads an active user (enrolled, not blocked) with their current roles,
/// for the user id given as SQL (a parameter, or a column of an enclosing query).
macro_rules! active_user_select {
    ($id:literal) => {
        concat!(
            "SELECT u.id, u.username, u.full_name, u.email, u.session_version,
                    COALESCE(array_agg(DISTINCT r.role) FILTER (WHERE r.role IS NOT NULL), '{}')
                        AS roles
             FROM users u
             LEFT JOIN role_assignments r ON r.user_id = u.id AND r.revoked_at IS NULL
             WHERE u.id = ",
            $id,
            " AND u.totp_enrolled_at IS NOT NULL AND u.blocked_at IS NULL
             GROUP BY u.id"
        )
    };
}
pub(crate) use active_user_select;

/// A row of [`active_user_select`].
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: Uuid,
    pub(crate) username: String,
    pub(crate) full_name: String,
    pub(crate) email: String,
    pub(crate) session_version: i32,
    pub(crate) roles: Vec<String>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(row.id.as_bytes());
        hasher.update(row.session_version.to_be_bytes());
        User {
            id: row.id,
            username: row.username,
            full_name: row.full_name,
            email: row.email,
            roles: row
                .roles
                .iter()
                .filter_map(|r| Role::from_code(r))
                .collect(),
            auth_hash: hasher.finalize().to_vec(),
        }
    }
}

/// Loads the user with `id` and their active roles.
pub async fn load_user<'e>(
    db: impl sqlx::PgExecutor<'e>,
    id: Uuid,
) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(active_user_select!("$1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(User::from))
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Uuid;
    type Error = sqlx::Error;

    async fn authenticate(&self, verified_id: Uuid) -> Result<Option<User>, sqlx::Error> {
        load_user(&self.db, verified_id).await
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, sqlx::Error> {
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
