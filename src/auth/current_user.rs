//! The `CurrentUser` extractor: the logged-in user, or a redirect to the login page.
//!
//! It also enforces the absolute session limit: 12 hours after login the session ends, however
//! active the user was (SEC-SES-03). The idle limit is the session cookie's inactivity expiry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use super::backend::{AuthSession, Role, User};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::flash::{self, FlashKind};

/// Session key: when the user completed the login.
pub const LOGGED_IN_AT: &str = "logged_in_at";
/// The absolute session limit.
pub const ABSOLUTE_LIMIT: chrono::Duration = chrono::Duration::hours(12);

/// The logged-in user.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub User);

impl std::ops::Deref for CurrentUser {
    type Target = User;

    fn deref(&self) -> &User {
        &self.0
    }
}

impl CurrentUser {
    /// Refuses with 404 unless the user holds `role`: pages of another role do not exist for
    /// this user, so nothing about them leaks.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.has(role) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// Why there is no current user.
pub enum NotLoggedIn {
    /// Not logged in: go to the login page.
    Login,
    /// Something failed while reading the session.
    Failed(AppError),
}

impl IntoResponse for NotLoggedIn {
    fn into_response(self) -> Response {
        match self {
            NotLoggedIn::Login => Redirect::to("/inloggen").into_response(),
            NotLoggedIn::Failed(error) => error.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = NotLoggedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let mut auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                NotLoggedIn::Failed(AppError::Internal(anyhow::anyhow!("no auth layer")))
            })?;
        let Some(user) = auth.user.clone() else {
            return Err(NotLoggedIn::Login);
        };
        let logged_in_at: Option<DateTime<Utc>> = auth
            .session
            .get(LOGGED_IN_AT)
            .await
            .map_err(|e| NotLoggedIn::Failed(AppError::Internal(e.into())))?;
        let expired = logged_in_at.is_none_or(|at| state.clock.now() - at >= ABSOLUTE_LIMIT);
        if expired {
            auth.logout()
                .await
                .map_err(|e| NotLoggedIn::Failed(AppError::Internal(anyhow::anyhow!("{e}"))))?;
            let _ = flash::push(
                &auth.session,
                FlashKind::Info,
                "U was langer dan 12 uur ingelogd. Log opnieuw in om verder te gaan.",
            )
            .await;
            return Err(NotLoggedIn::Login);
        }
        Ok(CurrentUser(user))
    }
}

/// A role, as a type, for [`RoleUser`].
pub trait RoleMarker: Send + Sync + 'static {
    /// The role required.
    const ROLE: Role;
}

/// The RGS back office.
pub struct Rgs;
impl RoleMarker for Rgs {
    const ROLE: Role = Role::Rgs;
}

/// An aios.
pub struct Aios;
impl RoleMarker for Aios {
    const ROLE: Role = Role::Aios;
}

/// An opleider.
pub struct Opleider;
impl RoleMarker for Opleider {
    const ROLE: Role = Role::Opleider;
}

/// The contactpersoon of an institution.
pub struct Contactpersoon;
impl RoleMarker for Contactpersoon {
    const ROLE: Role = Role::Contactpersoon;
}

/// The current user, who must hold role `R`: the guard of every handler in that role's area.
/// Anyone else gets 404, as if the page did not exist; anonymous visitors go to the login.
pub struct RoleUser<R: RoleMarker>(pub CurrentUser, std::marker::PhantomData<R>);

impl<R: RoleMarker> std::ops::Deref for RoleUser<R> {
    type Target = User;

    fn deref(&self) -> &User {
        &self.0.0
    }
}

impl<R: RoleMarker> FromRequestParts<AppState> for RoleUser<R> {
    type Rejection = NotLoggedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.require(R::ROLE).map_err(NotLoggedIn::Failed)?;
        Ok(RoleUser(user, std::marker::PhantomData))
    }
}
