//! Who a user is to the portal (docs/security.md): their roles, and the user as each request
//! knows them, read with the SQL function `active_user` (an enrolled, unblocked account with
//! its current roles).

use std::collections::BTreeSet;
use std::fmt;

use axum_login::AuthUser;
use sha2::{Digest, Sha256};

use crate::platform::db::Stored;
use crate::platform::ids::UserId;
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

rules::coded!(Role {
    Aios => "aios",
    Specialist => "specialist",
    Opleider => "opleider",
    Ondersteuner => "ondersteuner",
    Contactpersoon => "contactpersoon",
    Rgs => "rgs",
});

impl Role {
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
    pub id: UserId,
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
    type Id = UserId;

    fn id(&self) -> UserId {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

/// A row of the SQL function `active_user` (migration 0021).
pub(crate) struct UserRow {
    pub(crate) id: UserId,
    pub(crate) username: String,
    pub(crate) full_name: String,
    pub(crate) email: String,
    pub(crate) session_version: i32,
    pub(crate) roles: Vec<Stored<Role>>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(row.id.0.as_bytes());
        hasher.update(row.session_version.to_be_bytes());
        User {
            id: row.id,
            username: row.username,
            full_name: row.full_name,
            email: row.email,
            roles: row.roles.into_iter().map(|role| role.0).collect(),
            auth_hash: hasher.finalize().to_vec(),
        }
    }
}

/// Loads the user with `id` and their active roles.
pub async fn load_user<'e>(
    db: impl sqlx::PgExecutor<'e>,
    id: UserId,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!: UserId", username AS "username!", full_name AS "full_name!",
                  email AS "email!", session_version AS "session_version!",
                  roles AS "roles!: Vec<Stored<Role>>"
           FROM active_user($1)"#,
        id as UserId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}
