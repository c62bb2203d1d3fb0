//! The `CurrentUser` extractor: the logged-in user, or a redirect to the login page.
//!
//! It also enforces the absolute session limit: 12 hours after login the session ends, however
//! active the user was (docs/security.md §7). The idle limit is the session cookie's inactivity
//! expiry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};

use crate::platform::auth::backend::AuthSession;
use crate::platform::auth::user::{Role, User};
use crate::platform::state::AppState;
use crate::web::error::AppError;
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

/// The longest return path kept through a login.
const MAX_RETURN_PATH: usize = 2000;

/// `raw` if it is a path of this portal to come back to after logging in: it starts with one
/// `/` (so never another site, not even as `//host` or `/\\host`), holds no control
/// characters or backslashes, and is not a step of logging in or out.
pub fn return_path(raw: &str) -> Option<&str> {
    let local = raw.starts_with('/') && !raw.starts_with("//");
    let clean = !raw.chars().any(|c| c.is_control() || c == '\\');
    let login = ["/inloggen", "/uitloggen", "/uitgelogd"]
        .iter()
        .any(|step| {
            raw.strip_prefix(step)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
        });
    (local && clean && !login && raw.len() <= MAX_RETURN_PATH).then_some(raw)
}

/// The login page, which brings the user back to `path` (a page they asked for) afterwards.
pub fn login_url(path: Option<&str>) -> String {
    match path.and_then(return_path) {
        Some(path) => format!(
            "/inloggen?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("terug", path)
                .finish()
        ),
        None => "/inloggen".to_owned(),
    }
}

/// Why there is no current user.
pub enum NotLoggedIn {
    /// Not logged in: go to the login page, and afterwards back to this page (a GET) if any.
    Login(Option<String>),
    /// Something failed while reading the session.
    Failed(AppError),
}

impl IntoResponse for NotLoggedIn {
    fn into_response(self) -> Response {
        match self {
            NotLoggedIn::Login(back) => Redirect::to(&login_url(back.as_deref())).into_response(),
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
        // The page to come back to after logging in: only a page that was read, not a form
        // that was sent.
        let back = (parts.method == axum::http::Method::GET)
            .then(|| {
                let uri = parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or(&parts.uri, |original| &original.0);
                uri.path_and_query().map(|p| p.as_str().to_owned())
            })
            .flatten();
        let Some(user) = auth.user.clone() else {
            return Err(NotLoggedIn::Login(back));
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
            return Err(NotLoggedIn::Login(back));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_the_portal_is_a_return_path() {
        assert_eq!(return_path("/facturen/0192"), Some("/facturen/0192"));
        assert_eq!(
            return_path("/opleider/aios?wacht=ja&sorteer=status"),
            Some("/opleider/aios?wacht=ja&sorteer=status")
        );
        assert_eq!(return_path("/inloggenx"), Some("/inloggenx"));
    }

    #[test]
    fn another_site_or_a_login_step_is_no_return_path() {
        for raw in [
            "",
            "https://aanvaller.example/",
            "//aanvaller.example/pad",
            "/\\aanvaller.example",
            "/pad\\..",
            "/pad\nLocation: https://aanvaller.example",
            "javascript:alert(1)",
            "facturen",
            "/inloggen",
            "/inloggen/code",
            "/inloggen?terug=/account",
            "/uitloggen",
            "/uitgelogd?reden=inactief",
        ] {
            assert_eq!(return_path(raw), None, "{raw:?}");
        }
        assert_eq!(
            return_path(&format!("/{}", "a".repeat(MAX_RETURN_PATH))),
            None
        );
    }

    #[test]
    fn the_login_url_carries_the_return_path_encoded() {
        assert_eq!(
            login_url(Some("/opleider/aios?wacht=ja&sorteer=status")),
            "/inloggen?terug=%2Fopleider%2Faios%3Fwacht%3Dja%26sorteer%3Dstatus"
        );
        assert_eq!(login_url(Some("//aanvaller.example")), "/inloggen");
        assert_eq!(login_url(None), "/inloggen");
    }
}
